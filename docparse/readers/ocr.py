"""OCR of image-only PDF pages (the ``ocr`` extra: rapidocr + onnxruntime).

A scanned page becomes the same raw material a text PDF gives the PDF
reader — characters with boxes and ruling segments in points — so tables,
merged cells, joins across pages, paragraphs and page furniture are built by
the same code (``docparse.readers.pdf``). Per page: render, deskew, find the
rules (morphology), take the cells the rules make, crop each text line in a
cell tightly and recognise all crops in one batched call (recognition alone:
tight crops read amounts right where a whole-page detector pass does not,
and it is several times faster); text outside tables is cut into line runs
the same way. Each crop's recognition score becomes its cell's confidence.

The models ship inside the rapidocr wheel; nothing is fetched at run time.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from dataclasses import dataclass, field

from ..errors import LimitExceeded, ScannedPDF

INSTALL_HINT = "pip install 'docparse[ocr]'"
DPI = 200  # render resolution: scans are published at 150-200 dpi
MIN_DPI = 100  # below this a page is refused rather than read badly


def available() -> bool:
    """Whether the OCR extra is installed (checked without importing it)."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("rapidocr", "onnxruntime", "cv2"))


def require() -> None:
    if not available():
        raise ScannedPDF(f"the PDF has no text layer (scanned pages); install the OCR extra to read it: {INSTALL_HINT}")


@dataclass(slots=True)
class Crop:
    page: int  # 1-based
    bbox: tuple  # points, on the straightened page
    text: str = ""
    score: float = 0.0


@dataclass(slots=True)
class OcrStats:
    pages: list[int] = field(default_factory=list)
    crops: list[Crop] = field(default_factory=list)
    angles: list[float] = field(default_factory=list)

    @property
    def mean_confidence(self) -> float | None:
        scored = [c.score for c in self.crops if c.text]
        return sum(scored) / len(scored) if scored else None


_engine = None
_lock = threading.Lock()


def recogniser():
    """The rapidocr recogniser (rec model only), made once per process."""
    global _engine
    with _lock:
        if _engine is None:
            from rapidocr import RapidOCR

            threads = max(1, min(2, os.cpu_count() or 1))
            _engine = RapidOCR(params={
                "Global.log_level": "error",
                "Global.use_det": False,
                "Global.use_cls": False,
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                "Rec.rec_batch_num": 8,
            })
        return _engine


def recognise(images: list) -> list[tuple[str, float]]:
    """Text and score of each grey crop (numpy uint8), one batched call."""
    if not images:
        return []
    import cv2

    bgr = [cv2.cvtColor(im, cv2.COLOR_GRAY2BGR) for im in images]
    out = recogniser().recognize_txt(bgr)
    return [(normalise(t or ""), float(s or 0.0)) for t, s in zip(out.txts, out.scores)]


def check_images(page, number: int, limits) -> None:
    """Refuse a page whose embedded image would decode to too many pixels (a bomb)."""
    import pypdfium2.raw as raw

    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        try:
            w, h = obj.get_px_size()
        except Exception:
            continue
        if w * h > limits.max_image_pixels:
            raise LimitExceeded("max_image_pixels", f"page {number} has an image of {w}x{h} pixels > {limits.max_image_pixels}")


def render(page, number: int, limits):
    """The page as a grey numpy image, and its dpi (lowered to fit the pixel limit)."""
    w, h = page.get_size()
    dpi = float(DPI)
    px = w * h * (dpi / 72) ** 2
    if px > limits.max_ocr_pixels:
        dpi = 72 * (limits.max_ocr_pixels / (w * h)) ** 0.5
        if dpi < MIN_DPI:
            raise LimitExceeded("max_ocr_pixels", f"page {number} is {w:.0f}x{h:.0f} pt: "
                                f"{px:.0f} pixels at {DPI} dpi > {limits.max_ocr_pixels}")
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    arr = bitmap.to_numpy()
    if arr.ndim == 3:
        arr = arr[:, :, 0]
    return arr.copy(), dpi


def ocr_page(page, pdata, limits, stats: OcrStats) -> None:
    """Fill ``pdata`` (a PageData) with the chars and rules read off ``page``'s image."""
    import numpy as np

    from . import ocr_image as im

    check_images(page, pdata.number, limits)
    gray, dpi = render(page, pdata.number, limits)
    gray, angle = im.deskew(gray)
    k = 72.0 / dpi
    ink = im.binarise(gray)
    pdata.chars = []
    hboxes, vboxes = im.ruling_lines(ink, dpi)
    hboxes, vboxes, tables = _tables(hboxes, vboxes, k, pdata.number)
    pdata.hsegs = [((y + h / 2) * k, x * k, (x + w) * k) for x, y, w, h in hboxes]
    pdata.vsegs = [((x + w / 2) * k, y * k, (y + h) * k) for x, y, w, h in vboxes]
    rules = np.zeros_like(ink)
    for x, y, w, h in hboxes + vboxes:
        rules[max(0, y - 1):y + h + 1, max(0, x - 1):x + w + 1] = 1
    text = im.clean(ink & (1 - rules))
    text_ink = text.copy()  # ``text`` is blanked as cells are taken
    boxes: list[tuple[int, int, int, int]] = []
    cells = []

    def walk(ts):
        for t in ts:
            cells.extend(t.cells)
            walk(t.nested)

    walk(tables)
    # Innermost first: a nested table's text is taken before its host cell's.
    cells.sort(key=lambda c: (c.x1 - c.x0) * (c.bottom - c.top))
    inset = max(3, int(dpi / 40))  # past the wall and its JPEG halo
    H, W = text.shape
    for c in cells:
        x0, y0 = max(0, int(c.x0 / k) + inset), max(0, int(c.top / k) + inset)
        x1, y1 = min(W, int(c.x1 / k) - inset), min(H, int(c.bottom / k) - inset)
        if x1 <= x0 or y1 <= y0:
            continue
        boxes += im.text_lines(text, x0, y0, x1, y1, dpi)
        text[y0:y1, x0:x1] = 0
    for t in tables:
        x0, y0, x1, y1 = (int(v / k) for v in t.bbox)
        text[max(0, y0 - inset):y1 + inset, max(0, x0 - inset):x1 + inset] = 0
    boxes += im.text_lines(text, 0, 0, W, H, dpi, split_gap=dpi * 0.35)
    boxes.sort(key=lambda b: (b[1], b[0]))
    pad = max(3, int(dpi / 40))
    least = int(dpi * 0.14)  # a 10 pt line: a lone dash is not blown up to the model's 48 px height

    def crop(x0, y0, x1, y1):
        grow = max(pad, (least - (y1 - y0)) // 2)
        return gray[max(0, y0 - grow):y1 + grow, max(0, x0 - 3 * pad):x1 + 3 * pad]

    crops = [crop(*b) for b in boxes]
    results = recognise(crops)
    for (x0, y0, x1, y1), (t, s) in zip(boxes, results):
        if t in _SLASH_LIKE and im.slanted(text_ink, (x0, y0, x1, y1)):
            t = "/"  # a placeholder slash: the model reads a lone one as 1
        bbox = (x0 * k, y0 * k, x1 * k, y1 * k)
        stats.crops.append(Crop(pdata.number, bbox, t, s))
        runs = [(a * k, b * k) for a, b in im.ink_runs(text_ink, (x0, y0, x1, y1))]
        pdata.chars.extend(_chars(t, bbox, runs))
    pdata.images = max(pdata.images, 1)
    stats.pages.append(pdata.number)
    stats.angles.append(angle)


_MIN_TABLE = (54.0, 14.0)  # points: the least width and height of a real table


def _tables(hboxes: list, vboxes: list, k: float, number: int):
    """The rules that make tables, and the tables (as the PDF reader finds them).

    Strokes of a large title can pass for rules and make a "table" the size
    of a character: tables smaller than ``_MIN_TABLE`` are dropped with
    their rules, so the title is read as text.
    """
    from .pdf.tables import find_tables

    def segs(hb, vb):
        return ([((y + h / 2) * k, x * k, (x + w) * k) for x, y, w, h in hb],
                [((x + w / 2) * k, y * k, (y + h) * k) for x, y, w, h in vb])

    tables = find_tables(*segs(hboxes, vboxes), number)
    keep = [t for t in tables if t.xs[-1] - t.xs[0] >= _MIN_TABLE[0] and t.ys[-1] - t.ys[0] >= _MIN_TABLE[1]]
    if len(keep) == len(tables):
        return hboxes, vboxes, tables
    tol = 3.0

    def inside(b) -> bool:
        x, y, w, h = (v * k for v in b)
        return any(t.xs[0] - tol <= x and x + w <= t.xs[-1] + tol and t.ys[0] - tol <= y and y + h <= t.ys[-1] + tol
                   for t in keep)

    hboxes = [b for b in hboxes if inside(b)]
    vboxes = [b for b in vboxes if inside(b)]
    return hboxes, vboxes, find_tables(*segs(hboxes, vboxes), number)


_ELLIPSIS = re.compile(r"…{2,}|\.{3,}|…\.+|\.+…")
_NUMBER_LIKE = re.compile(r"^(\([-+]?[\d,.]+\)|[-+]?[\d,.]+)$")  # (1,234.00): an accountant's negative stays
_SLASH_LIKE = {"1", "l", "I", "|", "/", "丿"}
_MID_DOT = re.compile(r"(?<=\d)[·•∙](?=\d|$)|^[·•∙](?=\d)")  # $ and ^: a number wrapped at its point
_FULL = {":": "：", ";": "；", ",": "，", "!": "！", "?": "？"}


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def normalise(text: str) -> str:
    """Chinese punctuation as Chinese text sets it.

    The recogniser reads a full-width bracket or colon as its ASCII twin and
    the blank half of a full-width mark (、，) as a space: in a line with
    Chinese, brackets are full-width, ``:;,!?`` after a Chinese character
    too, and spaces beside a wide character go.
    """
    text = _ELLIPSIS.sub("……", text)  # the recogniser's count of dots in an ellipsis is a guess
    text = _MID_DOT.sub(".", text)  # a full-width point (．) is read as a middle dot
    if text in ("%0", "%o"):
        return "‰"
    if text in ("一", "一一"):
        return "—" * len(text)  # alone in a cell, a dash: the placeholder, not the numeral
    if not any(_wide(ch) and not ch.isdigit() for ch in text):
        text = text.strip()
        if len(text) <= 12 and (text.startswith("(") or text.endswith(")")) and not _NUMBER_LIKE.match(text):
            # a wrapped label's tail, （%） or （B/A）: Chinese text sets these full-width
            text = text.replace("(", "（").replace(")", "）")
        return text
    text = text.replace("(", "（").replace(")", "）")
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch == " " and ((out and _wide(out[-1])) or (i + 1 < len(text) and _wide(text[i + 1]))):
            continue
        if ch in _FULL and out and _wide(out[-1]):
            ch = _FULL[ch]
        out.append(ch)
    return "".join(out).strip()


_OPEN_LEFT = set("、，。：；！？）》」")
_OPEN_RIGHT = set("（《「")


def _width(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55


def _chars(text: str, bbox: tuple, runs: list | None = None) -> list[tuple]:
    """A recognised line's characters spread over its box by their usual widths.

    ``runs`` (x0, x1 in points): the line's ink in pieces far apart (a
    distributed line, words set wide); the characters go to the pieces in
    proportion to their widths, so the gaps stay where the page has them.
    """
    text = text.strip()
    if not text:
        return []
    if runs and len(runs) > 1:
        out = []
        for chunk, (a, b) in zip(_split_over(text, runs), runs):
            out += _chars(chunk, (a, bbox[1], b, bbox[3]))
        return out
    x0, top, x1, bottom = bbox
    # Boxes as a text PDF has them, the em rather than the ink: a Chinese
    # character's ink is ~0.88 em tall, a digit's ~0.72 em. The layout code
    # reads line ends and wraps against these sizes.
    cjk = any(_wide(ch) and not ch.isdigit() for ch in text)
    em = (bottom - top) / (0.88 if cjk else 0.72)
    grow = (em - (bottom - top)) / 2
    top, bottom = top - grow, bottom + grow
    x0, x1 = x0 - 0.04 * em, x1 + 0.04 * em
    # A full-width mark's ink fills a part of its em (、 the left, （ the
    # right): give it the rest, so the gap to the next word is the typeset one.
    if text[-1] in _OPEN_LEFT:
        x1 += 0.6 * em
    if text[0] in _OPEN_RIGHT:
        x0 -= 0.6 * em
    units = [_width(ch) for ch in text]
    scale = (x1 - x0) / sum(units)
    out, x = [], x0
    for ch, u in zip(text, units):
        w = u * scale
        if not ch.isspace():
            out.append((ch, x, top, x + w, bottom))
        x += w
    return out


def _split_over(text: str, runs: list) -> list[str]:
    words = text.split()
    if len(words) == len(runs):
        return words
    text = "".join(words)
    units = [_width(ch) for ch in text]
    total, widths = sum(units), [b - a for a, b in runs]
    span = sum(widths)
    out, k, acc, bound = [""] * len(runs), 0, 0.0, total * widths[0] / span
    for i, (ch, u) in enumerate(zip(text, units)):
        left = len(text) - i  # characters still to place
        if k < len(runs) - 1 and out[k] and (acc + u / 2 > bound or left <= len(runs) - 1 - k):
            k += 1
            bound += total * widths[k] / span
        out[k] += ch
        acc += u
    return out


def garbage(chars: list) -> bool:
    """A text layer that is no text: mostly (cid:n) codes or U+FFFD."""
    if not chars:
        return False
    text = "".join(c[0] for c in chars)
    bad = text.count("\ufffd") + 6 * text.count("(cid:")
    return bad > 0.3 * len(text)


def annotate(doc, stats: OcrStats) -> None:
    """Give each cell on an OCR'd page its confidence (its worst crop) and origin."""
    from ..document import Table

    by_page: dict[int, list[Crop]] = {}
    for c in stats.crops:
        by_page.setdefault(c.page, []).append(c)
    ocred = set(stats.pages)
    for b in doc.blocks:
        if not isinstance(b, Table):
            continue
        for cell in b.cells:
            if cell.page not in ocred or cell.bbox is None:
                continue
            cell.origin = "ocr"
            x0, t, x1, bt = cell.bbox
            scores = [cr.score for cr in by_page.get(cell.page, ())
                      if cr.text and x0 <= (cr.bbox[0] + cr.bbox[2]) / 2 <= x1 and t <= (cr.bbox[1] + cr.bbox[3]) / 2 <= bt]
            cell.confidence = round(min(scores), 4) if scores else None
