"""Characters → lines → paragraphs, the way a Chinese reader reads them.

Lines: characters grouped by vertical centre, sorted left to right, with
overprinted duplicates (fake bold: the same glyph drawn twice a hair apart)
dropped. Joining: no space between CJK characters, one space between Latin
words whose glyphs stand apart. Paragraphs: a new one starts at a first-line
indent, at a heading pattern, after a line that ends well short of the right
edge, after a wide vertical gap, or where the font size changes.
"""

from __future__ import annotations

import re
import unicodedata

_DUP = 1.2  # overprint tolerance (points)


class Line:
    __slots__ = ("chars", "x0", "x1", "top", "bottom", "size", "text", "page")

    def __init__(self, chars: list, page: int | None = None, tabs: bool = False):
        self.chars = chars
        self.x0 = chars[0][1]
        self.x1 = max(c[3] for c in chars)
        self.top = min(c[2] for c in chars)
        self.bottom = max(c[4] for c in chars)
        self.size = font_size(chars)
        self.text = join_chars(chars, self.size, tabs)
        self.page = page

    def __repr__(self) -> str:
        return f"Line({self.text!r}, x0={self.x0:.1f}, x1={self.x1:.1f}, top={self.top:.1f})"


def font_size(chars: list) -> float:
    """About the font size: a CJK glyph's loose box is one em wide; Latin
    boxes are ~1.3 em tall (taller than CJK ones, so heights mislead)."""
    ws = sorted(c[3] - c[1] for c in chars if ord(c[0]) >= 0x2E80)
    if ws:
        return ws[len(ws) // 2] or 1.0
    hs = sorted(c[4] - c[2] for c in chars)
    return hs[len(hs) // 2] / 1.3 or 1.0


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF  # radicals, punctuation, kana, CJK ideographs
        or 0xF900 <= o <= 0xFAFF
        or 0xFE30 <= o <= 0xFE4F
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or 0x20000 <= o <= 0x3FFFF
        or ch in "“”‘’—…·"
    )


_TAB = 2.0  # ems: a gap this wide on a body line is a tab or a borderless table's column gap


def join_chars(chars: list, size: float, tabs: bool = False) -> str:
    """A line's text: a space only where two non-CJK glyphs stand apart, and
    (``tabs``) two spaces at a gap of two ems or more, as between the label
    and value of a cover laid out as a borderless table (部门名称␣␣岳阳县…)."""
    out = []
    prev = None
    gap_min = 0.2 * size
    for c in chars:
        if prev is not None and tabs and c[1] - prev[3] >= _TAB * size:
            out.append("  ")
        elif prev is not None and c[1] - prev[3] > gap_min and not is_cjk(prev[0]) and not is_cjk(c[0]):
            out.append(" ")
        out.append(c[0])
        prev = c
    return "".join(out)


def join_lines(a: str, b: str) -> str:
    """Two wrapped lines of one paragraph: a space only between Latin words.

    A number too long for a narrow cell wraps mid-number (``186.45230`` |
    ``0``): digits (or a decimal point) on both sides join without a space.
    """
    return a + _glue(a[-1:], b[:1]) + b


def _glue(last: str, first: str) -> str:
    """What goes between a line ending in ``last`` and the next starting with ``first``."""
    if last and first and last.isascii() and last.isalnum() and first.isascii() and first.isalnum():
        return "" if last in _NUM and first in _NUM else " "
    return ""


_NUM = set("0123456789.")


def build_lines(chars: list, page: int | None = None, tabs: bool = False) -> list[Line]:
    """Chars (in content-stream order) → lines, top to bottom (``tabs``: see ``join_chars``)."""
    if not chars:
        return []
    # Runs in stream order: a new run when the baseline jumps or x goes back.
    runs = []
    cur = [chars[0]]
    cy = (chars[0][2] + chars[0][4]) / 2
    ch_h = chars[0][4] - chars[0][2]
    for c in chars[1:]:
        y = (c[2] + c[4]) / 2
        last = cur[-1]
        if abs(y - cy) > 0.45 * max(ch_h, c[4] - c[2]) or c[1] < last[1] - _DUP:
            runs.append(cur)
            cur = [c]
            cy, ch_h = y, c[4] - c[2]
        else:
            cur.append(c)
    runs.append(cur)
    lines = _group(runs)
    hung = [r for r in runs if _lone_punct(r)] if len(lines) > 1 else []
    if hung:
        # Hanging punctuation off its line's level may have been grouped with
        # the wrong line or made one of its own: put it where it hangs from.
        lines = _group([r for r in runs if not _lone_punct(r)])
        rest = [r for r in hung if not _hang(lines, r)]
        if rest:
            lines = _group(lines + rest)
    return [Line(dedupe(r), page, tabs) for r in lines]


def _group(runs: list) -> list:
    """Runs on one level (by vertical centre) joined into lines, top to bottom."""
    if len(runs) <= 1:
        return runs
    runs = sorted(runs, key=_run_centre)
    groups = [runs[0]]
    gy = _run_centre(runs[0])
    for r in runs[1:]:
        y = _run_centre(r)
        h = r[0][4] - r[0][2]
        if abs(y - gy) <= 0.45 * h:
            groups[-1] = sorted(groups[-1] + r, key=_x0)
        else:
            groups.append(r)
            gy = y
    return groups


def _lone_punct(run: list) -> bool:
    return len(run) <= 2 and all(c[0] in HANGING for c in run)


# Punctuation Word/LibreOffice may let hang in the right margin (or past a
# cell's wall), drawn as a glyph of its own, often a little off the line.
HANGING = frozenset("，。、；：？！）》」』”’,.;:?!)")


def _hang(runs: list, punct: list) -> bool:
    """Put hanging punctuation back at the end of the line it hangs from: the
    line, about level with it, whose last glyph ends where it starts. False
    if there is none (a quote in a fallback font mid-line, a lone bracket
    starting a line of a narrow cell): it is grouped as any run."""
    c = punct[0]
    y, h = (c[2] + c[4]) / 2, c[4] - c[2]
    best, gap = None, None
    for r in runs:
        last = max(r, key=_x1)
        ry = _run_centre(r)
        d = c[1] - last[3]
        if abs(ry - y) <= 0.9 * h and -_DUP <= d <= 0.5 * h:
            if gap is None or abs(d) + abs(ry - y) < gap:
                best, gap = r, abs(d) + abs(ry - y)
    if best is not None:
        best.extend(punct)
        return True
    return False


def core_end(ln: Line) -> float:
    """Where a line ends, not counting punctuation that may hang past the margin."""
    for c in reversed(ln.chars):
        if c[0] not in HANGING:
            return c[3]
    return ln.x1


def _x1(c) -> float:
    return c[3]


def _run_centre(run: list) -> float:
    c = run[0]
    return (c[2] + c[4]) / 2


def _x0(c) -> float:
    return c[1]


def dedupe(chars: list) -> list:
    """Drop a glyph drawn again at (almost) the same place: fake bold."""
    out = []
    for c in chars:
        dup = False
        for p in out[-3:]:
            if p[0] == c[0] and abs(p[1] - c[1]) < _DUP and abs(p[2] - c[2]) < _DUP:
                dup = True
                break
        if not dup:
            out.append(c)
    return out


# -- paragraphs ------------------------------------------------------------
_CN_NUM = "一二三四五六七八九十百零〇"
HEADING = re.compile(
    rf"^(?:[{_CN_NUM}]+[、．.]"  # 一、
    rf"|[（(][{_CN_NUM}]+[）)]"  # （一）
    r"|[（(]\d{1,2}[）)]"  # （1）
    r"|\d{1,2}(?:、|[.．](?!\d))"  # 1、 1． 1.  (not 1.5 nor ９．８７: a number wrapped in a narrow cell)
    r"|第[一二三四五六七八九十\d]+[章节部分条]"
    r"|[\u4e00-\u9fff]{1,4}\d{1,2}[：:])"  # 指标1： 目标2： 任务3：
)
_PAGE_NO = re.compile(
    r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*"  # 3, - 3 -, — 3 —
    r"|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?"  # 第3页, 第3页 共8页
    r"|\d{1,4}\s*/\s*\d{1,4}"  # 3/8
    r"|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NO.match(unicodedata.normalize("NFKC", text).strip()))


def starts_heading(text: str) -> bool:
    return bool(HEADING.match(text))


def paragraphs(lines: list[Line], left: float, right: float, *, cell: bool = False, centred=None) -> list[list[Line]]:
    """Group consecutive lines (one text column) into paragraphs.

    ``left``/``right``: the column's text edges. A line is "full" when it
    reaches within about a character and a half of ``right``: only then may
    the next line continue its paragraph. ``centred(line, w)``: is the line
    centred on its page, with room for the next line's first word (width
    ``w``)? Then it ends its paragraph, however wide.
    """
    out: list[list[Line]] = []
    pitch = _usual_pitch(lines)
    prev = None
    for i, ln in enumerate(lines):
        new = prev is None
        if not new:
            size = max(prev.size, ln.size)
            if prev.page != ln.page:
                gap_ok = True
            else:
                step = (ln.top - prev.top) / size
                # A wider step (in ems) than the usual line pitch: paragraph spacing.
                gap_ok = step < (pitch * 1.3 + 0.1 if pitch else 2.2)
            # Full: reaches the right edge, or (a centred title) nearly the
            # whole column's width.
            # The line broke because the next line's first word did not fit.
            w = first_word_width(ln)
            full = prev.x1 + w >= right - size or prev.x1 - prev.x0 + w >= right - left - size
            if full and centred is not None and centred(prev, w):
                # A centred title: "full" only because ``right`` (from the
                # body's line ends) falls short of the real margin.
                full = False
            # Indented, unless centred (a centred label's short last line).
            indented = ln.x0 > left + 0.8 * ln.size and abs(ln.x0 + ln.x1 - left - right) > 2 * size
            # A wrapped paragraph keeps its font size: a title over body text does not go on.
            resized = size > 1.3 * min(prev.size, ln.size)
            new = not full or not gap_ok or indented or resized or starts_heading(ln.text)
            if not new and prev.page != ln.page:
                new = _heads_page(ln, lines[i + 1] if i + 1 < len(lines) else None, left, right)
        if new:
            out.append([ln])
        else:
            out[-1].append(ln)
        prev = ln
    return out


_ENDS_SENTENCE = tuple("。！？；：…”）)!?;:.")


def _heads_page(ln: Line, nxt: Line | None, left: float, right: float) -> bool:
    """Is the first line of a page (after a full line) an unnumbered heading
    rather than the rest of the paragraph before it? A short line with no
    sentence end, and the next line starts afresh (indented, a heading, or
    after a gap): 部门整体支出管理及使用情况 atop a page."""
    if ln.text.endswith(_ENDS_SENTENCE) or len(ln.text) > 30:
        return False
    if nxt is None or nxt.page != ln.page:
        return ln.x1 < right - 2 * ln.size
    if ln.x1 + first_word_width(nxt) >= right - ln.size:
        return False  # the line is full: the paragraph goes on
    return nxt.x0 > left + 0.8 * nxt.size or starts_heading(nxt.text) or nxt.top - ln.top > 2.2 * max(ln.size, nxt.size)


_NO_LINE_START = set("，。、；：？！）》」』”’,.;:?!)%\"'．")  # ． a full-width decimal point


def first_word_width(ln: Line) -> float:
    """Width of what a line starts with that could not be split: one CJK
    character, or a run of Latin letters/digits, plus punctuation that may not
    begin a line."""
    chars = ln.chars
    i = 1
    if not is_cjk(chars[0][0]):
        while i < len(chars) and not is_cjk(chars[i][0]):
            i += 1
    while i < len(chars) and chars[i][0] in _NO_LINE_START:
        i += 1
    return chars[i - 1][3] - chars[0][1]


def _usual_pitch(lines: list[Line]) -> float:
    """The most common distance between consecutive line tops, in ems (0 if unknown)."""
    steps = sorted(
        round((b.top - a.top) / max(a.size, b.size), 1)
        for a, b in zip(lines, lines[1:])
        if a.page == b.page and b.top > a.top
    )
    if not steps:
        return 0.0
    best, count, run = steps[0], 0, 0
    for i, s in enumerate(steps):
        run = run + 1 if i and s == steps[i - 1] else 1
        if run > count:
            best, count = s, run
    return best


def paragraph_text(lines: list[Line]) -> str:
    """``join_lines`` over all the lines, in linear time (a paragraph can be pages long)."""
    parts = [lines[0].text]
    last = parts[0][-1:]
    for ln in lines[1:]:
        t = ln.text
        if t:
            parts.append(_glue(last, t[:1]))
            parts.append(t)
            last = t[-1]
    return "".join(parts)


def bbox_of(lines: list[Line]) -> tuple:
    return (
        min(ln.x0 for ln in lines),
        min(ln.top for ln in lines),
        max(ln.x1 for ln in lines),
        max(ln.bottom for ln in lines),
    )
