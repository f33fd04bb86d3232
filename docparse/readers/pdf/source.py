"""Where the PDF reader gets its raw material: chars with boxes and ruling lines.

A source yields one ``PageData`` per page: the page size, the characters as
plain tuples ``(ch, x0, top, x1, bottom)`` (PDF points, origin top-left), and
the thin drawn segments that can rule a table. Everything downstream works on
these, so either pypdfium2 (fast, the default) or pdfplumber (a cross-check in
tests) can serve.

pypdfium2 is used through its raw API: one text-range call per page for the
characters and one loose-box call per visible character; calling through the
helper layer per character would cost several times more.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field

from ...errors import CorruptFile, EncryptedFile, LimitExceeded
from ...limits import Limits

Char = tuple  # (ch, x0, top, x1, bottom)
_THIN = 2.5  # a path this thin in one direction is a ruling line (points)


@dataclass(slots=True)
class PageData:
    number: int  # 1-based
    width: float
    height: float
    chars: list = field(default_factory=list)
    hsegs: list = field(default_factory=list)  # (y, x0, x1)
    vsegs: list = field(default_factory=list)  # (x, top, bottom)
    images: int = 0


def _add_box(page: PageData, l: float, t: float, r: float, b: float, stroked: bool) -> None:
    """A path's bounds (top-left origin) → ruling segments, if it is one."""
    w, h = r - l, b - t
    # Bounds include the stroke on every side: trim it off a line's ends.
    if h <= _THIN and w > h:
        page.hsegs.append(((t + b) / 2, l + h / 2, r - h / 2))
    elif w <= _THIN and h > w:
        page.vsegs.append(((l + r) / 2, t + w / 2, b - w / 2))
    elif stroked and w > _THIN and h > _THIN:
        # A stroked rectangle: its four sides can rule a cell.
        page.hsegs.append((t, l, r))
        page.hsegs.append((b, l, r))
        page.vsegs.append((l, t, b))
        page.vsegs.append((r, t, b))


class PdfiumSource:
    """Pages of a PDF read through pypdfium2's raw API."""

    def __init__(self, data: bytes, limits: Limits):
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw

        self._raw = raw
        self.limits = limits
        try:
            self._doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as e:
            code = getattr(e, "err_code", None)
            if code == raw.FPDF_ERR_PASSWORD:
                raise EncryptedFile("the PDF is password-protected") from None
            if code == raw.FPDF_ERR_SECURITY:
                raise EncryptedFile("the PDF uses an unsupported security handler") from None
            raise CorruptFile(f"the PDF cannot be opened: {e}") from None
        except Exception as e:  # ctypes/OS level failures: still the file's fault
            raise CorruptFile(f"the PDF cannot be opened: {e}") from None
        self.page_count = len(self._doc)
        if self.page_count > limits.max_pages:
            self.close()
            raise LimitExceeded("max_pages", f"{self.page_count} pages > {limits.max_pages}")
        self.chars_read = 0  # for max_chars: all pages are held until layout
        self.segments_read = 0  # for max_segments
        self.deadline = None  # read_pdf's Deadline, checked in per-object loops
        self._rect = raw.FS_RECTF()
        self._f = [ctypes.c_float() for _ in range(4)]
        self._ints = (ctypes.c_int(), ctypes.c_int())

    def close(self) -> None:
        try:
            self._doc.close()
        except Exception:
            pass

    def page(self, index: int) -> PageData:
        try:
            page = self._doc[index]
        except Exception as e:
            raise CorruptFile(f"page {index + 1} cannot be read: {e}") from None
        try:
            width, height = page.get_size()
            out = PageData(index + 1, width, height)
            self._objects(page.raw, height, out)
            self._check(out)
            self.segments_read += len(out.hsegs) + len(out.vsegs)
            textpage = page.get_textpage()
            try:
                self._chars(textpage.raw, height, out)
            finally:
                textpage.close()
        finally:
            page.close()
        return out

    def _check(self, out: PageData) -> None:
        if self.deadline is not None:
            self.deadline.check()
        if self.segments_read + len(out.hsegs) + len(out.vsegs) > self.limits.max_segments:
            raise LimitExceeded("max_segments", f"more than {self.limits.max_segments} ruling segments by page "
                                f"{out.number}")

    def _chars(self, tp, height: float, out: PageData) -> None:
        raw = self._raw
        n = raw.FPDFText_CountChars(tp)
        if n < 0:
            raise CorruptFile(f"page {out.number}: text layer cannot be read")
        if n > self.limits.max_chars_per_page:
            raise LimitExceeded("max_chars_per_page", f"page {out.number} has {n} characters > {self.limits.max_chars_per_page}")
        self.chars_read += n
        if self.chars_read > self.limits.max_chars:
            raise LimitExceeded("max_chars", f"more than {self.limits.max_chars} characters by page {out.number}")
        if n == 0:
            return
        text = self._text(tp, n)
        rect = self._rect
        box = raw.FPDFText_GetLooseCharBox
        chars = out.chars
        append = chars.append
        for i, ch in enumerate(text):
            if ch.isspace() or ch == "\ufffe" or ch == "\x00":
                continue  # generated spaces/line ends; word gaps come from geometry
            if not box(tp, i, rect):
                continue
            append((ch, rect.left, height - rect.top, rect.right, height - rect.bottom))

    def _text(self, tp, n: int) -> str:
        """All chars of the page, one str item per char index."""
        raw = self._raw
        buf = ctypes.create_string_buffer((n + 1) * 2)
        got = raw.FPDFText_GetText(tp, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
        units = buf.raw[: max(0, got - 1) * 2]
        if got - 1 == n:
            # One UTF-16 unit per char index; any surrogate (a char outside
            # the BMP) would shift indices, so then ask char by char.
            text = units.decode("utf-16-le", errors="surrogatepass")
            if len(text) == n and not _has_surrogate(text):
                return text
        get = raw.FPDFText_GetUnicode
        return "".join(_chr(get(tp, i)) for i in range(n))

    def _objects(self, pg, height: float, out: PageData) -> None:
        raw = self._raw
        l, b, r, t = self._f
        fill, stroke = self._ints
        n = raw.FPDFPage_CountObjects(pg)
        path_t, image_t = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE
        for k in range(n):
            if k & 1023 == 1023:
                self._check(out)  # a page can hold millions of objects
            obj = raw.FPDFPage_GetObject(pg, k)
            typ = raw.FPDFPageObj_GetType(obj)
            if typ == path_t:
                if not raw.FPDFPageObj_GetBounds(obj, l, b, r, t):
                    continue
                raw.FPDFPath_GetDrawMode(obj, fill, stroke)
                nseg = raw.FPDFPath_CountSegments(obj)
                if nseg > 5 and stroke.value:
                    # One path ruling many lines (a whole grid): walk it.
                    self._segments(obj, nseg, height, out)
                else:
                    _add_box(out, l.value, height - t.value, r.value, height - b.value, bool(stroke.value))
            elif typ == image_t:
                out.images += 1


    def _segments(self, obj, nseg: int, height: float, out: PageData) -> None:
        raw = self._raw
        m = raw.FS_MATRIX()
        if not raw.FPDFPageObj_GetMatrix(obj, m):
            return
        x, y = self._f[0], self._f[1]
        start = prev = None
        for k in range(nseg):
            if k & 4095 == 4095:
                self._check(out)
            seg = raw.FPDFPath_GetPathSegment(obj, k)
            if not raw.FPDFPathSegment_GetPoint(seg, x, y):
                continue
            pt = (m.a * x.value + m.c * y.value + m.e, height - (m.b * x.value + m.d * y.value + m.f))
            typ = raw.FPDFPathSegment_GetType(seg)
            if typ == raw.FPDF_SEGMENT_LINETO and prev is not None:
                _add_line(out, prev, pt)
            elif typ == raw.FPDF_SEGMENT_MOVETO:
                start = pt
            prev = pt
            if raw.FPDFPathSegment_GetClose(seg) and start is not None:
                _add_line(out, pt, start)


def _add_line(page: PageData, a: tuple, b: tuple) -> None:
    (x0, y0), (x1, y1) = a, b
    if abs(y0 - y1) <= 0.5 and abs(x0 - x1) > 0.5:
        page.hsegs.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
    elif abs(x0 - x1) <= 0.5 and abs(y0 - y1) > 0.5:
        page.vsegs.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))


_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_surrogate(s: str) -> bool:
    return _SURROGATE.search(s) is not None


def _chr(code: int) -> str:
    try:
        return chr(code) if 0 < code < 0x110000 and not 0xD800 <= code <= 0xDFFF else "\ufffd"
    except ValueError:
        return "\ufffd"


class PlumberSource:
    """The same pages read through pdfplumber (slow; for cross-checks)."""

    def __init__(self, data: bytes, limits: Limits):
        import io

        import pdfplumber

        try:
            self._pdf = pdfplumber.open(io.BytesIO(data))
            self.page_count = len(self._pdf.pages)
        except Exception as e:
            raise CorruptFile(f"the PDF cannot be opened: {e}") from None
        self.limits = limits

    def close(self) -> None:
        self._pdf.close()

    def page(self, index: int) -> PageData:
        p = self._pdf.pages[index]
        out = PageData(index + 1, float(p.width), float(p.height))
        for c in p.chars:
            ch = c["text"]
            if len(ch) != 1 or ch.isspace():
                continue
            # pdfplumber's boxes are font-size tall; close enough to loose boxes.
            out.chars.append((ch, c["x0"], c["top"], c["x1"], c["bottom"]))
        for ln in p.lines:
            _add_box(out, min(ln["x0"], ln["x1"]), ln["top"], max(ln["x0"], ln["x1"]), ln["bottom"], True)
        for rc in p.rects:
            _add_box(out, rc["x0"], rc["top"], rc["x1"], rc["bottom"], bool(rc.get("stroke")))
        out.images = len(p.images)
        return out
