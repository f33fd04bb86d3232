"""Page-image geometry for OCR: deskew, ruling lines, and tight text-line crops.

All numpy + OpenCV (headless, installed with the ``ocr`` extra). Pixel
coordinates throughout; ``docparse.readers.ocr`` turns them into PDF points.
"""

from __future__ import annotations

import cv2
import numpy as np

_MAX_SKEW = 1.5  # degrees searched either way; scans are placed by hand, not thrown


def deskew(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """The page turned straight, and the angle (degrees) it was turned by.

    The angle is where the ink's row profile is sharpest: text lines and
    table rules then fall on few rows. Searched on a quarter-size image.
    """
    ink = (gray < 160).astype(np.float32)
    small = cv2.resize(ink, (ink.shape[1] // 4, ink.shape[0] // 4), interpolation=cv2.INTER_AREA)
    h, w = small.shape
    centre = (w / 2, h / 2)

    def score(a: float) -> float:
        m = cv2.getRotationMatrix2D(centre, a, 1.0)
        rows = cv2.warpAffine(small, m, (w, h), flags=cv2.INTER_LINEAR).sum(axis=1)
        return float((rows * rows).sum())

    best = max(np.arange(-_MAX_SKEW, _MAX_SKEW + 1e-9, 0.1), key=score)
    best = max(np.arange(best - 0.1, best + 0.1 + 1e-9, 0.02), key=score)
    if abs(best) < 0.02:
        return gray, 0.0
    H, W = gray.shape
    m = cv2.getRotationMatrix2D((W / 2, H / 2), float(best), 1.0)
    out = cv2.warpAffine(gray, m, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    return out, float(best)


def binarise(gray: np.ndarray) -> np.ndarray:
    """Ink mask (uint8 0/1): Otsu's threshold, the paper's grey set aside."""
    _, bw = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return bw


def ruling_lines(ink: np.ndarray, dpi: float) -> tuple[list, list]:
    """Boxes (x, y, w, h) of the horizontal and of the vertical rules.

    A rule is a thin run of ink far longer than a stroke of a character (a
    quarter inch). Gaps of a pixel or two (JPEG, noise) are closed first; no
    more, or the strokes of characters on consecutive lines would join. A
    shorter vertical run is a rule too when both its ends meet horizontal
    rules: the walls of a row cut short by a page break.
    """
    long = max(20, int(dpi * 0.25))
    short = max(8, int(dpi * 0.05))
    gap = max(2, int(dpi / 100))
    thin = dpi / 24
    h = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, gap), np.uint8))
    h = cv2.morphologyEx(h, cv2.MORPH_OPEN, np.ones((1, long), np.uint8))
    v = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((gap, 1), np.uint8))
    vlong = cv2.morphologyEx(v, cv2.MORPH_OPEN, np.ones((long, 1), np.uint8))
    # Short runs apart from the long ones: strokes touching a wall must not widen it.
    v = cv2.morphologyEx(v, cv2.MORPH_OPEN, np.ones((short, 1), np.uint8))
    v &= 1 - cv2.dilate(vlong, np.ones((1, 2 * gap + 3), np.uint8))
    hb = [b for b in _boxes(h) if b[3] <= thin]
    near = cv2.dilate(h, np.ones((2 * gap + 3, 2 * gap + 3), np.uint8))
    H = ink.shape[0]

    def meets(x: int, y: int) -> bool:
        return bool(near[min(max(y, 0), H - 1), x])

    def clear_beside(x: int, y: int, w: int, hh: int) -> bool:
        # A wall has the cells' padding on both sides; a character's stroke
        # (十 in 计) has the rest of the character against it.
        body = ink[y + gap + 2:y + hh - gap - 2]
        if body.shape[0] < 2:
            return True
        band = gap + 1
        left = body[:, max(0, x - 1 - band):max(0, x - 1)]
        right = body[:, x + w + 1:x + w + 1 + band]
        return all(s.size == 0 or s.mean() < 0.1 for s in (left, right))

    vb = [_trimmed(b, near, dpi) for b in _boxes(vlong) if b[2] <= thin]
    vb += [b for b in _boxes(v) if b[2] <= thin and b[3] < long and meets(b[0] + b[2] // 2, b[1])
           and meets(b[0] + b[2] // 2, b[1] + b[3] - 1) and clear_beside(*b)]
    return hb, vb


def _trimmed(b: tuple[int, int, int, int], near: np.ndarray, dpi: float) -> tuple[int, int, int, int]:
    """A wall cut back to the rules it runs between: a stroke of a character
    that touches its end (效 under a wall that stops at the row's rule) would
    carry it into the next row."""
    x, y, w, h = b
    col = np.flatnonzero(near[y:y + h, x + w // 2])
    if col.size == 0:
        return b
    reach = dpi * 0.2  # a character and its padding
    top, bot = int(col[0]), int(col[-1])
    new_top = top if 0 < top < reach else 0
    new_bot = bot + 1 if 0 < h - 1 - bot < reach else h
    return (x, y + new_top, w, new_bot - new_top)


def _boxes(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [tuple(int(v) for v in stats[i, :4]) for i in range(1, n)]


def text_lines(ink: np.ndarray, x0: int, y0: int, x1: int, y1: int, dpi: float,
               split_gap: float | None = None) -> list[tuple[int, int, int, int]]:
    """Tight boxes (x0, y0, x1, y1) of the text lines inside a region.

    Lines are bands of rows with ink; a band's box is trimmed to its ink. With
    ``split_gap`` (pixels), a band is also cut where its ink stops for longer
    (separate runs on a line outside tables).
    """
    region = ink[y0:y1, x0:x1]
    if region.size == 0:
        return []
    rows = region.sum(axis=1)
    min_ink = 1  # a lone noise pixel is removed by the opening below
    out = []
    for top, bot in _fragments_joined(_runs(rows >= min_ink, max(1, int(dpi / 100))), dpi):
        if bot - top > dpi * 0.6:
            continue  # taller than any line of text: a picture, a seal, a black block
        band = region[top:bot]
        cols = band.sum(axis=0) > 0
        if bot - top < dpi / 30 and cols.sum() < dpi / 30:
            continue  # a speck, not a dash (a lone "-" is a placeholder worth reading)
        gap = int(split_gap) if split_gap else band.shape[1]
        for left, right in _runs(cols, gap):
            if right - left < 2:
                continue
            sub = band[:, left:right]
            r = np.nonzero(sub.sum(axis=1))[0]
            out.append((x0 + left, y0 + top + int(r[0]), x0 + right, y0 + top + int(r[-1]) + 1))
    return out


def _fragments_joined(bands: list[tuple[int, int]], dpi: float) -> list[tuple[int, int]]:
    """Bands of rows with a fragment of a line (the two strokes of ＝, the
    top of 元) joined to the band just above or below it."""
    frag, near, tall = dpi * 0.06, dpi * 0.045, dpi * 0.25
    out: list[list[int]] = []
    for top, bot in bands:
        if out:
            ptop, pbot = out[-1]
            small = min(bot - top, pbot - ptop) < frag
            if small and top - pbot <= near and bot - ptop <= tall:
                out[-1][1] = bot
                continue
        out.append([top, bot])
    return [(a, b) for a, b in out]


def slanted(ink: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Is the ink in ``box`` one stroke leaning right (a "/" read as "1")?"""
    x0, y0, x1, y1 = box
    sub = ink[y0:y1, x0:x1]
    h = sub.shape[0]
    if h < 6:
        return False
    third = max(1, h // 3)
    top, bottom = np.nonzero(sub[:third])[1], np.nonzero(sub[-third:])[1]
    if top.size == 0 or bottom.size == 0:
        return False
    return float(top.mean() - bottom.mean()) > 0.12 * h  # a serif 1 leans the other way, if at all


def ink_runs(ink: np.ndarray, box: tuple[int, int, int, int]) -> list[tuple[int, int]]:
    """The pieces (x0, x1) of a line's ink more than an em apart (more than
    any gap between characters, full-width punctuation's included)."""
    x0, y0, x1, y1 = box
    cols = ink[y0:y1, x0:x1].sum(axis=0) > 0
    return [(x0 + a, x0 + b) for a, b in _runs(cols, max(2, int(1.1 * (y1 - y0))))]


def _runs(mask: np.ndarray, bridge: int) -> list[tuple[int, int]]:
    """[start, end) of True runs, runs closer than ``bridge`` joined."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return []
    cuts = np.flatnonzero(np.diff(idx) > bridge)
    starts = np.concatenate(([idx[0]], idx[cuts + 1]))
    ends = np.concatenate((idx[cuts], [idx[-1]])) + 1
    return list(zip(starts.tolist(), ends.tolist()))


def clean(ink: np.ndarray) -> np.ndarray:
    """Ink without isolated specks (JPEG noise), for finding text lines."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= 3
    keep[0] = False
    return keep[labels].astype(np.uint8)
