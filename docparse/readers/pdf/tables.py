"""Ruling lines → table grids with spans, and tables joined across pages.

On one page: segments that touch form one table; their x and y positions,
clustered, are the grid lines; a cell is the maximal rectangle of grid slots
with no drawn segment between them, so a merged cell is one cell with a
rowspan/colspan. Across pages: a table at the top of a page with the outline
of the table that ended the page before continues it (see ``merge``).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ...text import fold
from .text import Line, build_lines, first_word_width, paragraph_text, paragraphs, starts_heading, is_cjk

TOL = 2.0  # points: lines this close are the same grid line
_MAX_COLS = 200  # grid columns on one page; a report table has a few dozen at most
_MAX_SLOTS = 20_000  # grid slots on one page (build_grid and layout cost grow with this)
_MAX_SEGS = 10_000  # ruling segments on one page
_MAX_CROSSINGS = 1_000_000  # h × v segment pairs on one page (~1 s to group)
SNAP = 4.0  # points: a column line this close to one on the page before is the same line
_PAD = 5.7  # LibreOffice/Word default cell padding, used when a table shows none
_PITCH = 1.3  # single line spacing of CJK fonts, in ems, when a table shows none
_FINAL = tuple("。！？；：.!?;:")  # a paragraph that ends so does not go on
_DECIMAL_CUT = re.compile(r"\d\.$")  # but a number may wrap after its decimal point


class GCell:
    __slots__ = ("r", "c", "rs", "cs", "x0", "top", "x1", "bottom", "chars", "lines", "text", "page", "open_end", "full_end", "room", "inner")

    def __init__(self, r, c, rs, cs, x0, top, x1, bottom, page=None):
        self.r, self.c, self.rs, self.cs = r, c, rs, cs
        self.x0, self.top, self.x1, self.bottom = x0, top, x1, bottom
        self.chars: list = []
        self.lines: list[Line] = []
        self.text = ""
        self.page = page
        self.open_end = False  # the last line fills the cell: text may go on
        self.full_end = False  # the last line fills the width (room below or not), mid-sentence
        self.room = 0.0  # width left at the end of the last line
        self.inner: list[PageTable] = []  # tables nested in this cell

    def __repr__(self) -> str:
        return f"GCell(r={self.r}, c={self.c}, rs={self.rs}, cs={self.cs}, {self.text[:20]!r})"


class PageTable:
    __slots__ = ("page", "xs", "ys", "cells", "slots", "nested")

    def __init__(self, page, xs, ys, cells, slots):
        self.page, self.xs, self.ys, self.cells, self.slots = page, xs, ys, cells, slots
        self.nested: list[PageTable] = []  # tables inside its cells

    @property
    def bbox(self) -> tuple:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    def cell_at(self, x: float, y: float) -> GCell | None:
        xs, ys = self.xs, self.ys
        if not (xs[0] <= x <= xs[-1] and ys[0] <= y <= ys[-1]):
            return None
        c = min(bisect_right(xs, x) - 1, len(xs) - 2)
        r = min(bisect_right(ys, y) - 1, len(ys) - 2)
        return self.slots[r][c]

    def row_cells(self, r: int) -> list[GCell]:
        out: list[GCell] = []
        for cell in self.slots[r]:
            if cell is not None and (not out or out[-1] is not cell):
                out.append(cell)
        return out


def cluster(values: list[float], tol: float = TOL) -> list[float]:
    """Sorted positions with near-equal ones merged (their mean)."""
    out: list[float] = []
    group: list[float] = []
    for v in sorted(values):
        if group and v - group[-1] > tol:
            out.append(sum(group) / len(group))
            group = []
        group.append(v)
    if group:
        out.append(sum(group) / len(group))
    return out


def _components(hsegs: list, vsegs: list) -> list[tuple[list, list]]:
    """Segments grouped by touching (union-find over h×v crossings)."""
    nh = len(hsegs)
    parent = list(range(nh + len(vsegs)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    vs = sorted(range(len(vsegs)), key=lambda j: vsegs[j][0])
    vx = [vsegs[j][0] for j in vs]
    for i, (y, x0, x1) in enumerate(hsegs):
        lo = bisect_right(vx, x0 - TOL - 1e-9)
        for k in range(lo, len(vs)):
            j = vs[k]
            x, top, bottom = vsegs[j]
            if x > x1 + TOL:
                break
            if top - TOL <= y <= bottom + TOL:
                a, b = find(i), find(nh + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, tuple[list, list]] = {}
    for i, s in enumerate(hsegs):
        groups.setdefault(find(i), ([], []))[0].append(s)
    for j, s in enumerate(vsegs):
        groups.setdefault(find(nh + j), ([], []))[1].append(s)
    return list(groups.values())


def _covers(intervals: list, v: float, half: float) -> bool:
    """Does a segment pass the slot's middle ``v`` (slot half-width ``half``)?"""
    tol = min(TOL, 0.4 * half)  # a narrow slot must not catch its neighbour's line
    for a, b in intervals:
        if a - tol <= v <= b + tol:
            return True
    return False


def find_tables(hsegs: list, vsegs: list, page: int | None = None) -> list[PageTable]:
    """Ruled tables on one page, top to bottom (nested ones in ``.nested``)."""
    if len(hsegs) + len(vsegs) > _MAX_SEGS or len(hsegs) * len(vsegs) > _MAX_CROSSINGS:
        return []  # grouping segments costs up to h × v: no report page rules this much
    tables = []
    for hs, vs in _components(hsegs, vsegs):
        if not hs or not vs:
            continue
        hs, vs, inner = _split_nested(hs, vs)
        xs = cluster([s[0] for s in vs])
        ys = cluster([s[0] for s in hs])
        if len(xs) < 2 or len(ys) < 2:
            continue
        if len(xs) > _MAX_COLS or (len(xs) - 1) * (len(ys) - 1) > _MAX_SLOTS:
            continue  # graph paper or a hostile ruling, not a report table: its text is read as body
        t = build_grid(xs, ys, hs, vs, page)
        for ihs, ivs in inner:
            t.nested += find_tables(ihs, ivs, page)
        tables.append(t)
    tables.sort(key=lambda t: t.ys[0])
    if len(tables) > 1:
        # A nested table whose lines stay clear of its cell's: its own component.
        outer = []
        for t in tables:
            hosts = [o for o in tables if o is not t and _contains(o, t)]
            if not hosts:
                outer.append(t)
            else:  # the innermost host, if nested deeper
                min(hosts, key=_area).nested.append(t)
        tables = outer
    return tables


def _area(t: PageTable) -> float:
    return (t.xs[-1] - t.xs[0]) * (t.ys[-1] - t.ys[0])


def _contains(o: PageTable, t: PageTable) -> bool:
    """Does ``t`` lie inside one cell of ``o``?"""
    x0, y0, x1, y1 = t.bbox
    if not (o.xs[0] + TOL < x0 and x1 < o.xs[-1] - TOL and o.ys[0] + TOL < y0 and y1 < o.ys[-1] + TOL):
        return False
    a, b = o.cell_at(x0 + TOL, y0 + TOL), o.cell_at(x1 - TOL, y1 - TOL)
    return a is not None and a is b


def _split_nested(hs: list, vs: list) -> tuple[list, list, list]:
    """Take out tables nested in a cell: their lines would cut the outer grid
    into extra rows and columns.

    A nested table is a frame inset from its cell's walls by the cell
    padding: left and right edges each with an outer wall just beside them
    over their whole height, top and bottom lines running edge to edge, and
    no line crossing the gap to the walls (the outer cell's bottom border may
    run just under the frame's). Its lines touch the outer grid only there,
    so they are one component with it.
    """
    if len(vs) < 4:
        return hs, vs, []
    lines = _merged_vertical(vs)
    if len(lines) > _MAX_COLS:
        return hs, vs, []  # the search is quadratic; no report table has this many
    rows: dict[int, list] = {}  # horizontal lines by whole point of y
    for h in hs:
        rows.setdefault(int(h[0]), []).append(h)
    frames = []
    for x, t, b in lines:
        if b - t <= 2 * TOL:
            continue
        if not _wall_beside(lines, hs, x, t, b, -1):
            continue
        for x2, t2, b2 in lines:
            if x2 > x + 2 * TOL and abs(t2 - t) <= TOL and abs(b2 - b) <= TOL and _edge_to_edge(rows, t, x, x2) and _edge_to_edge(rows, b, x, x2):
                if _wall_beside(lines, hs, x2, t, b, 1):
                    frames.append((x, min(t, t2), x2, max(b, b2)))
                    break
    if not frames:
        return hs, vs, []
    # Outermost frames only: a frame inside another is nested in that one.
    frames = [f for f in frames if not any(g is not f and _inside(f, g) for g in frames)]
    out = []
    for x0, t, x1, b in frames:
        ih = [h for h in hs if x0 - TOL <= h[1] and h[2] <= x1 + TOL and t - TOL <= h[0] <= b + TOL]
        iv = [v for v in vs if x0 - TOL <= v[0] <= x1 + TOL and t - TOL <= v[1] and v[2] <= b + TOL]
        taken_h, taken_v = set(map(id, ih)), set(map(id, iv))
        hs = [h for h in hs if id(h) not in taken_h]
        vs = [v for v in vs if id(v) not in taken_v]
        out.append((ih, iv))
    return hs, vs, out


_NEST_GAP = 3 * _PAD  # the widest inset of a nested table from its cell's wall


def _merged_vertical(vs: list) -> list:
    """Vertical segments joined into lines (a border drawn cell by cell)."""
    out: list = []
    for x, t, b in sorted(vs, key=lambda v: (round(v[0]), v[1])):
        if out and abs(out[-1][0] - x) <= 0.5 and t <= out[-1][2] + TOL:
            px, pt, pb = out[-1]
            out[-1] = (px, pt, max(pb, b))
        else:
            out.append((x, t, b))
    return out


def _wall_beside(lines: list, hs: list, x: float, t: float, b: float, side: int) -> bool:
    """Is there a wall ``side`` of ``x`` (-1 left, 1 right), at most a padding
    away, along all of t..b, with no horizontal line crossing the gap?"""
    for u, ut, ub in lines:
        d = (u - x) * side
        if TOL < d <= _NEST_GAP and ut <= t + TOL and ub >= b - TOL:
            mid = (u + x) / 2
            return not any(t - TOL <= y < b - TOL and x0 < mid < x1 for y, x0, x1 in hs)
    return False


def _edge_to_edge(rows: dict, y: float, x0: float, x1: float) -> bool:
    """A horizontal line at ``y`` from x0 to x1 (the frame's top or bottom)."""
    for k in range(int(y - TOL), int(y + TOL) + 1):
        for hy, a, b in rows.get(k, ()):
            if abs(hy - y) <= TOL and abs(a - x0) <= TOL and abs(b - x1) <= TOL:
                return True
    return False


def _inside(f: tuple, g: tuple) -> bool:
    return g[0] <= f[0] and f[2] <= g[2] and g[1] <= f[1] and f[3] <= g[3]


def build_grid(xs: list, ys: list, hs: list, vs: list, page=None) -> PageTable:
    """Grid lines + drawn segments → cells with spans."""
    nr, nc = len(ys) - 1, len(xs) - 1
    vcover: list[list] = [[] for _ in xs]
    hcover: list[list] = [[] for _ in ys]
    for x, top, bottom in vs:
        vcover[_nearest(xs, x)].append((top, bottom))
    for y, x0, x1 in hs:
        hcover[_nearest(ys, y)].append((x0, x1))
    ymid = [(ys[r] + ys[r + 1]) / 2 for r in range(nr)]
    xmid = [(xs[c] + xs[c + 1]) / 2 for c in range(nc)]
    # wall_v[r][c]: a line between slot (r, c-1) and (r, c); wall_h likewise.
    yhalf = [(ys[r + 1] - ys[r]) / 2 for r in range(nr)]
    xhalf = [(xs[c + 1] - xs[c]) / 2 for c in range(nc)]
    wall_v = [[_covers(vcover[c], ymid[r], yhalf[r]) for c in range(nc + 1)] for r in range(nr)]
    wall_h = [[_covers(hcover[r], xmid[c], xhalf[c]) for c in range(nc)] for r in range(nr + 1)]
    slots: list[list[GCell | None]] = [[None] * nc for _ in range(nr)]
    cells = []
    for r in range(nr):
        for c in range(nc):
            if slots[r][c] is not None:
                continue
            cs = 1
            while c + cs < nc and not wall_v[r][c + cs] and slots[r][c + cs] is None:
                cs += 1
            rs = 1
            while r + rs < nr and not any(wall_h[r + rs][k] for k in range(c, c + cs)) and all(
                slots[r + rs][k] is None for k in range(c, c + cs)
            ):
                rs += 1
            cell = GCell(r, c, rs, cs, xs[c], ys[r], xs[c + cs], ys[r + rs], page)
            cells.append(cell)
            for rr in range(r, r + rs):
                for k in range(c, c + cs):
                    slots[rr][k] = cell
    return PageTable(page, xs, ys, cells, slots)


def _nearest(pos: list, v: float) -> int:
    i = bisect_right(pos, v)
    if i == 0:
        return 0
    if i == len(pos) or v - pos[i - 1] <= pos[i] - v:
        return i - 1
    return i


def fill_text(table: PageTable) -> None:
    """Each cell's chars → its text (paragraphs joined by newlines)."""
    pads = []
    steps = []  # line pitch in ems, from cells with several lines
    for cell in table.cells:
        if cell.chars:
            cell.lines = build_lines(cell.chars, cell.page)
            if len(cell.lines) > 1:
                pads.append(cell.x1 - max(ln.x1 for ln in cell.lines))
                for a, b in zip(cell.lines, cell.lines[1:]):
                    steps.append((b.top - a.top) / max(a.size, b.size))
    pad = min(pads) if pads else _PAD
    # The left padding: the least inset of any cell's text. LibreOffice pads
    # both sides alike, so a line may reach the cell's right edge minus this.
    insets = [min(ln.x0 for ln in c.lines) - c.x0 for c in table.cells if c.lines]
    lpad = max(0.0, min(min(insets), 3 * _PAD)) if insets else _PAD
    steps.sort()
    pitch = min(steps[len(steps) // 2], 2.0) if steps else _PITCH
    pad = max(0.0, min(pad, 3 * _PAD))
    for cell in table.cells:
        if cell.inner:
            # As the docx reader gives a nested table: its cells' text as
            # lines, in reading order, where the table stands in the cell.
            parts = [(t.ys[0], "\n".join(c.text for c in t.cells)) for t in cell.inner]
        if not cell.lines:
            if cell.inner:
                cell.text = "\n".join(p[1] for p in sorted(parts, key=_first))
            continue
        right = cell.x1 - pad
        left = min(ln.x0 for ln in cell.lines)
        paras = paragraphs(cell.lines, left, right, cell=True)
        if cell.inner:
            parts += [(p[0].top, paragraph_text(p)) for p in paras]
            cell.text = "\n".join(p[1] for p in sorted(parts, key=_first))
        else:
            cell.text = "\n".join(paragraph_text(p) for p in paras)
        last = cell.lines[-1]
        cell.room = cell.x1 - lpad - last.x1
        inset = last.x0 - cell.x0
        if inset > lpad + 2.0 and abs(inset - (cell.x1 - last.x1)) <= 2.0:
            # A centred line has its room on both sides: the next word did
            # not fit in their sum (６７６９４ | ０．３７ wrapped with 10 pt left
            # each side; 6.信息中心 had room for 合).
            # At most the default padding: where every cell is centred the
            # least inset is a centred text's, not the padding (常明磊 | 于江
            # in a name column are two names, not one cut).
            cpad = min(lpad, _PAD)
            cell.room = cell.x1 - cell.x0 - 2 * cpad - (last.x1 - last.x0)
            cell.full_end = cell.room < 2 * last.size and not (cell.text.endswith(_FINAL) and not _DECIMAL_CUT.search(cell.text))
            cell.open_end = cell.full_end and cell.bottom - last.bottom < max(pitch, 0.9) * last.size
            continue
        # Open end: the last line fills the width and no further line fits
        # under it (a merged cell's text can wrap past a row at a page foot
        # with a line's height of padding left), so the text may go on past
        # a page break.
        # A centred short last line (a label's last character) is not full:
        # the line must span the cell's width, not just end near its right.
        cell.full_end = (
            last.x1 >= right - 1.6 * last.size
            and last.x1 - last.x0 >= right - (cell.x0 + pad) - 1.6 * last.size
            and not (cell.text.endswith(_FINAL) and not _DECIMAL_CUT.search(cell.text))
        )
        cell.open_end = cell.full_end and cell.bottom - last.bottom < max(pitch, 0.9) * last.size


def _first(item: tuple):
    return item[0]


# -- across pages ------------------------------------------------------------
class TableBuild:
    """A table being assembled from page pieces, in page coordinates."""

    def __init__(self, piece: PageTable):
        self.cells: list[GCell] = []
        self.n_rows = 0
        self.last_page = piece.page
        self.last_bottom = piece.ys[-1]
        self.left, self.right = piece.xs[0], piece.xs[-1]
        self.first_page = piece.page
        self.bbox = piece.bbox
        self.head: list[str] = [fold(c.text) for c in piece.row_cells(0)]
        self._last_row: list[GCell] = []
        self._append(piece, 0, skip=0)

    def _append(self, piece: PageTable, offset: int, skip: int) -> None:
        for cell in piece.cells:
            if cell.r < skip:
                continue
            cell.r += offset - skip
            self.cells.append(cell)
        self.n_rows = offset + piece.n_rows - skip
        self._last_row = [c for c in self.cells if c.r + c.rs == self.n_rows]
        self.last_page = piece.page
        self.last_bottom = piece.ys[-1]

    def same_outline(self, piece: PageTable) -> bool:
        return (abs(piece.xs[0] - self.left) <= 2 * TOL and abs(piece.xs[-1] - self.right) <= 2 * TOL
                and not self._own_header(piece))

    def _own_header(self, piece: PageTable) -> bool:
        """Does the piece start with a header of its own (机构名称 | 固定资产合计
        under a table headed 机构名称 | 三公经费合计): a new table, no caption
        between, not this one going on."""
        row = [fold(c.text) for c in piece.row_cells(0)]
        return bool(row and self.head and self.head[0] and row[0] == self.head[0] and row != self.head
                    and len(self.head) > 1 and not _is_number(self.head[0]))

    def add(self, piece: PageTable) -> None:
        """Continue with the piece from the next page."""
        self._snap(piece)
        skip = self._repeated_header(piece)
        first = [c for c in piece.cells if c.r == skip]
        prev = {(round(c.x0), round(c.x1)): c for c in self._last_row}
        match = [prev.get((round(c.x0), round(c.x1))) for c in first]
        if first and all(m is not None for m in match) and _row_goes_on(self._last_row, first, match):
            # The page break cut the row: each cell continues in the same cell.
            for cell, top in zip(first, match):
                top.text = _join_text(top, cell)
                top.open_end, top.room = cell.open_end, cell.room
                top.rs += cell.rs - 1
            piece.cells = [c for c in piece.cells if c.r != skip]
            self._append(piece, self.n_rows - 1, skip)
            return
        # A fresh row, but a vertically merged cell cut by the break goes on.
        # Text only under split cells (其中： over 在用 | 出租): a header's
        # second row, where an empty slot under a whole cell is its rest.
        subhead = any(c.text for c in first) and all(m is None for c, m in zip(first, match) if c.text)
        # An amount under an amount: a fresh row of a money table, where a
        # one-row label cannot overflow (综合执法大队 | 档案室 are two rows'
        # labels). Not percentages nor whole scores (5 | 5): indicator rows
        # share merged labels.
        data_row = any(m is not None and _is_amount(c.text) and _is_amount(m.text) for c, m in zip(first, match))
        # Most cells with text on other column lines than the row above: the
        # table's next block (机构名称 | 固定资产合计 | 其中： after the last income
        # row; 主管部门 | … after 项目名称), whose first label is its own. Unless
        # a cell goes on empty under a label of a header row: that header's
        # cut rest (机构名称 | '' beside 三公经费合 | 计 over its sub-columns).
        texts = [m for c, m in zip(first, match) if c.text]
        header_goes_on = any(not c.text and m is not None and m.text for c, m in zip(first, match))
        new_block = (sum(1 for m in texts if m is None) >= max(2, (len(texts) + 1) // 2)
                     and (any(_is_amount(c.text) for c in self._last_row) or not header_goes_on))
        absorbed = set()
        for i, (cell, top) in enumerate(zip(first, match)):
            if top is None:
                continue
            # The cell beside a value under a value, or a unit under a unit,
            # is the fresh row's own name (“三公”经费控制率 | 资金使用合规率 beside
            # ≥90% | ≥90%; 受益人口 | 覆盖乡镇数 beside 人 | %).
            own = i + 1 < len(first) and (_values(first[i + 1], match[i + 1]) or _units(first[i + 1], match[i + 1]))
            if cell.text and _goes_on(top, cell) and (top.rs > 1 or _unclosed(top.text) or (
                    _cjk_seam(top.text, cell.text) and not data_row and not own and not new_block)):
                top.text = _join_text(top, cell)  # its text overflowed
            elif cell.text and (top.rs > 1 or top.open_end or _WEIGHT.fullmatch(fold(cell.text))) \
                    and cell.text[0] in "（(" and _new_paragraph(top, cell):
                # A merged label's note in brackets, or the weight under a
                # label that filled its cell to the page foot (产出指标 | (50分));
                # a weight alone is never a label of its own (满意度指标 | （10分）).
                top.text = _join_text(top, cell)
            elif cell.text and ((_unclosed(top.text) and _CLOSES.match(cell.text))  # 预算执行情况（10 | 分）
                                or (top.rs > 1 and _vertical_cut(top, cell))):  # 满|意 … 度|指|标
                top.text += cell.text  # the label's rest, mid-word: no line break between
            elif cell.text or not (top.rs > 1 or cell.rs > 1 or subhead or (top.text and not _is_value(top.text) and self._lone_empty(piece, cell))):
                continue
            top.rs += cell.rs
            absorbed.add(id(cell))
        piece.cells = [c for c in piece.cells if id(c) not in absorbed]
        self._append(piece, self.n_rows, skip)

    def _snap(self, piece: PageTable) -> None:
        """Column lines a little off those of the pages before (a table
        re-laid on the next page) are the same lines: else each would be a
        column of its own and the header's columns would miss the body's."""
        xs = sorted({v for c in self.cells for v in (c.x0, c.x1)})
        if not xs:
            return
        for cell in piece.cells:
            for attr in ("x0", "x1"):
                v = getattr(cell, attr)
                k = _nearest(xs, v)
                if abs(xs[k] - v) <= SNAP:
                    setattr(cell, attr, xs[k])

    def _lone_empty(self, piece: PageTable, cell: GCell) -> bool:
        """Is ``cell`` the only empty one in its column (a label column, where
        an empty slot is the rest of a merged label rather than a blank)?"""
        key = (round(cell.x0), round(cell.x1))
        same = [c for c in self.cells + piece.cells if (round(c.x0), round(c.x1)) == key and c is not cell]
        return len(same) >= 2 and all(c.text for c in same)

    def _repeated_header(self, piece: PageTable) -> int:
        if piece.n_rows < 2:
            return 0
        row = [fold(c.text) for c in piece.row_cells(0)]
        if any(row) and row == self.head:
            return 1
        return 0


_NUMBER = re.compile(r"[-+]?[\d,]*\.?\d+%?")
_NUM_CHARS = set("0123456789.")


def _is_number(text: str) -> bool:
    """A value, not a label: an empty slot under it is a blank value."""
    return _NUMBER.fullmatch(fold(text)) is not None


_VALUE = re.compile(r"[≥≤<>]?=?[-+]?[\d,]*\.?\d+%?")
_OPERATOR = re.compile(r"[≥≤<>=]{1,2}")  # an indicator's nature column (≥ | =)
_UNIT_TAIL = re.compile(r"(万元|元)$")
_WEIGHT = re.compile(r"[（(]\d+(\.\d+)?分?[）)]")  # a label's weight: (30分), （10）
_CLOSES = re.compile(r"[^（(\n]{0,8}[）)]")  # text that closes a bracket opened before it
_CUT_CHARS = set("0123456789.,%")


def _is_value(text: str) -> bool:
    """A figure (98%, ≥90%, 15,254.84元 wrapped over two lines), not a label."""
    return _VALUE.fullmatch(_UNIT_TAIL.sub("", fold(text).replace("\n", ""))) is not None


def _values(cell: GCell, top: GCell | None) -> bool:
    """A value under a value (98% | 92%, ≥90% | ≥90%, ≥ | =): a fresh row's."""
    return top is not None and (all(_VALUE.fullmatch(fold(c.text)) for c in (cell, top))
                                or all(_OPERATOR.fullmatch(fold(c.text)) for c in (cell, top)))


def _units(cell: GCell, top: GCell | None) -> bool:
    """A unit under a unit (次 | 人, % | 万元): short tokens, neither the rest of the other."""
    if top is None or not cell.text or not top.text:
        return False
    a, b = fold(top.text), fold(cell.text)
    return len(a) <= 3 and len(b) <= 3 and "\n" not in a + b and not _goes_on(top, cell)


def _is_amount(text: str) -> bool:
    """A money amount: a number with decimals (yuan to the fen)."""
    return _is_number(text) and "." in fold(text) and not text.endswith(("%", "％"))


def _row_goes_on(last_row: list[GCell], first: list[GCell], match: list[GCell]) -> bool:
    """Is the first row on the new page the rest of the row the page cut?"""
    pairs = list(zip(first, match))
    # Text that filled its cell's last line goes on over the break, and no
    # other cell starts afresh (a fresh row would restart its labels; going
    # on with a new paragraph, 满意度 | （部门工作实绩）, is not afresh, nor is
    # a merged label cut mid-phrase with room under it, 计划 | 完成情况).
    if any(c.text and _goes_on(top, c) for c, top in pairs) and all(
        not c.text or not top.text or _goes_on(top, c) or _new_paragraph(top, c) or _cut_mid_phrase(top, c)
        for c, top in pairs
    ):
        return True
    # Or every cell with text is the rest of a number the break cut
    # (41567281. | 83, 2709554.4 | 0), the row's name cell empty under its
    # own or cut mid-phrase too (局机关及二级 | 机构汇总).
    if any(c.text and _number_cut(top, c) for c, top in pairs) and all(
            not c.text or _number_cut(top, c) or _goes_on(top, c) or _cut_mid_phrase(top, c) for c, top in pairs):
        return True
    # Or the leading cell goes on empty under its label and at most one cell
    # has text (a fresh row would have its labels): the rest of a cut row.
    if first[0].text or not match[0].text:
        return False
    n = sum(1 for c in first if c.text)
    m = sum(1 for c in match if c.text)
    if n <= 1 and n < m:
        # ... unless that text stands under a label that had ended with room
        # to spare below it: a fresh row with only its label filled (生态效益指标
        # under 社会效益指标, an indicator row left empty), not the rest of a
        # cut cell (whose text, cut by the page, runs down to its foot).
        # A note in brackets under it (效益目标 | （预期实现的效益）) is its rest.
        return not any(c.text and top.text and not top.full_end and not _wraps(top, c) and _room_below(top)
                       and not _new_paragraph(top, c) for c, top in pairs)
    # Or several cells go on, each under text, and some was cut mid-phrase
    # (LibreOffice may leave a line's room under a cut cell, so not only
    # open ends): all of them cut so, or most cells already ended.
    if any(c.text and not top.text for c, top in pairs):
        return False
    cut = sum(1 for c, top in pairs if c.text and _cut_mid_phrase(top, c))
    if cut > 0 and (cut == n or 2 * n <= m):
        return True
    # Or every cell with text goes on with a new paragraph of its own (a cut
    # row where no cell filled its last line): 效益目标 | （预期实现的效益）,
    # 指标1：… | 指标2：…, the other cells empty under theirs.
    return n > 0 and all(_cut_mid_phrase(top, c) or _new_paragraph(top, c) for c, top in pairs if c.text)


_ITEM = re.compile(r"([\u4e00-\u9fff]{1,4})(\d{1,2})[：:]")  # 指标2：


def _new_paragraph(top: GCell, cell: GCell) -> bool:
    """Does ``cell`` go on with ``top``'s text as its next paragraph: a note in
    brackets under a label (（部门工作实绩） under 产出目标), or the next numbered
    item (指标2： after 指标1：)? A fresh row's cell restarts (指标1：)."""
    if not top.text or not cell.text:
        return False
    if cell.text[0] in "（(":
        return not starts_heading(cell.text)
    a, b = _ITEM.match(top.text.rsplit("\n", 1)[-1]), _ITEM.match(cell.text)
    return bool(a and b and a[1] == b[1] and int(b[2]) == int(a[2]) + 1)


def _number_cut(top: GCell, cell: GCell) -> bool:
    """Is ``cell``'s text the digits of the number ``top`` ends with, wrapped
    over the break: top's line full (or ending in its decimal point)?"""
    a, b = fold(top.text.rsplit("\n", 1)[-1]), fold(cell.text)
    b = _UNIT_TAIL.sub("", b)  # 139,013 | .21元
    if not (a and b and set(b) <= _CUT_CHARS and (a[-1].isdigit() or a[-1] in ".,") and _NUMBER.fullmatch(a + b)):
        return False
    if a.endswith("."):
        return True
    # A digit's slack: LibreOffice wraps a number whose last digit would just
    # fit by our measure (851.9 | 6 with 6.5 pt left for a 5 pt digit).
    return top.full_end and (not cell.lines or first_word_width(cell.lines[0]) > top.room - 2.5)


def _unclosed(text: str) -> bool:
    """A bracket left open at the end (满意度指标（10 | 分）): the text goes on."""
    tail = text.rsplit("\n", 1)[-1]
    return tail.count("（") + tail.count("(") > tail.count("）") + tail.count(")")


def _room_below(cell: GCell) -> bool:
    """Room for two more lines under the cell's text."""
    return bool(cell.lines) and cell.bottom - cell.lines[-1].bottom > 2 * cell.lines[-1].size


def _vertical_cut(top: GCell, cell: GCell) -> bool:
    """A label set one character a line, its merged cell cut by the break.
    LibreOffice puts the first lines at the top of the part before the break
    and the rest at the foot of the part after it (满|意 … 度|指|标); a label
    of its own on the new page starts at its cell's top (满|意|度 after 效|益)."""
    if not top.lines or not cell.lines:
        return False
    single = all(len(fold(ln.text)) == 1 for ln in (*top.lines[-2:], cell.lines[0]))
    size = cell.lines[-1].size
    at_foot = cell.bottom - cell.lines[-1].bottom < 1.5 * size and cell.lines[0].top - cell.top > size
    return single and at_foot and _cjk_seam(top.text, cell.text)


def _cut_mid_phrase(top: GCell, cell: GCell) -> bool:
    return top.full_end and _wraps(top, cell) and _cjk_seam(top.text, cell.text) and not starts_heading(cell.text)


def _goes_on(top: GCell, cell: GCell) -> bool:
    """Does ``cell``'s text carry on ``top``'s, cut by the page break? Not if
    it starts a numbered item ("（2）光荣院" under "（1）局机关"): a new row's."""
    return top.open_end and _wraps(top, cell) and not starts_heading(cell.text) and not _placeholder(cell.text)


def _placeholder(text: str) -> bool:
    """A template's placeholder (……, ——): a row of its own, never a text's rest."""
    return bool(text) and set(text) <= _PLACEHOLDER


_PLACEHOLDER = set("…—-–.·⋯")


def _wraps(top: GCell, cell: GCell) -> bool:
    """Did ``top``'s last line end because ``cell``'s first word did not fit
    on it? A "full" line may still have room for a character (the full test
    allows slack): text that would have fitted starts a new row or paragraph."""
    if not cell.lines:
        return True  # nothing to measure (a nested table's text)
    a, b = fold(top.text.rsplit("\n", 1)[-1]), fold(cell.text.split("\n", 1)[0])
    if a and b and (a[-1] in _NUM_CHARS and b[0] in _NUM_CHARS or _VALUE.fullmatch(a) and _VALUE.fullmatch(b)):
        if not _VALUE.fullmatch(a + b):
            return False  # two values (2630.9395 | 151.2841, ≥90% | ≥90%), not one cut
    return first_word_width(cell.lines[0]) > top.room - 1.0  # a point for rounding


def _cjk_seam(a: str, b: str) -> bool:
    """Words cut mid-phrase: a CJK character on both sides of the break."""
    return is_cjk(a[-1]) and is_cjk(b[0]) and a[-1] not in "，、。；：）" and b[0] not in "（" and not _placeholder(b)


def _join_text(top: GCell, cell: GCell) -> str:
    if not cell.text:
        return top.text
    if not top.text:
        return cell.text
    if _goes_on(top, cell) or _cut_mid_phrase(top, cell) or _number_cut(top, cell):
        from .text import join_lines

        return join_lines(top.text, cell.text)
    return top.text + "\n" + cell.text
