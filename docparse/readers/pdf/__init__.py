"""The PDF reader: a PDF exported from Word/WPS → the neutral ``Document``.

It rebuilds what the Word file held: ruled tables as grids with spans (joined
across page breaks) and the narrative as paragraphs, with page numbers and
running headers/footers dropped. Raw chars and ruling lines come from a
``source`` (pypdfium2 by default: speed is the design constraint, see
issue 3); the layout logic lives in ``tables`` and ``text``.
"""

from __future__ import annotations

import gc

from ...document import Cell, Document, Paragraph, Table
from ...errors import CorruptFile, DocparseError, ScannedPDF
from ...limits import Deadline, Limits
from ...text import fold
from .source import PageData, PdfiumSource
from .tables import SNAP, TOL, PageTable, TableBuild, _nearest, cluster, fill_text, find_tables
from .text import HANGING, Line, bbox_of, core_end, build_lines, is_page_number, paragraph_text, paragraphs

_MARGIN = 0.1  # top/bottom share of the page where headers/footers live
_EDGE_TOL = 8.0  # a table this close to the body's left edge spans the column (Word/LibreOffice inset ≤ 5.4 pt)


def read_pdf(data: bytes, limits: Limits, source_cls=PdfiumSource) -> Document:
    # Every page's chars are held until layout: millions of small tuples that
    # the cyclic GC would scan again and again (1000 pages: 17 s with it, 7 s
    # without). They hold no cycles; collection resumes when the read ends.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _read_pdf(data, limits, source_cls)
    finally:
        if was_enabled:
            gc.enable()


def _read_pdf(data: bytes, limits: Limits, source_cls) -> Document:
    deadline = Deadline(limits.max_seconds)
    try:
        src = source_cls(data, limits)
    except DocparseError:
        raise
    except Exception as e:  # never let a library error escape
        raise CorruptFile(f"the PDF cannot be read: {_one_line(e)}") from None
    src.deadline = deadline
    try:
        pages = []
        for i in range(src.page_count):
            deadline.check()
            try:
                pages.append(src.page(i))
            except DocparseError:
                raise
            except Exception as e:
                raise CorruptFile(f"page {i + 1} of the PDF cannot be read: {_one_line(e)}") from None
    finally:
        src.close()
    todo = ocr_wanted(pages, limits)
    if not todo:
        if pages and not any(p.chars for p in pages) and any(p.images for p in pages):
            from ..ocr import INSTALL_HINT

            raise ScannedPDF(f"the PDF has no text layer (scanned pages); read it with OCR: {INSTALL_HINT}, --ocr auto")
        return build_document(pages, deadline)
    from .scanned import read_scanned

    return read_scanned(data, pages, todo, limits, deadline)


def ocr_wanted(pages: list[PageData], limits: Limits) -> list[int]:
    """0-based pages to OCR: none, every one, or those without a usable text layer."""
    mode = limits.ocr
    if mode == "never" or not pages:
        return []
    if mode == "always":
        return list(range(len(pages)))
    from ..ocr import garbage

    return [i for i, p in enumerate(pages) if (not p.chars and p.images) or garbage(p.chars)]


def _one_line(e: Exception) -> str:
    return " ".join(str(e).split())[:200] or type(e).__name__


def layout_page(page: PageData) -> tuple[list[PageTable], list[Line]]:
    """One page → its table pieces (with cell text) and its body lines."""
    tables = find_tables(page.hsegs, page.vsegs, page.number)
    if tables:
        body = []
        for ch in page.chars:
            # Placed by a point near the glyph's top: a merged cell's text
            # that runs past its row's line (LibreOffice clips it there) is
            # still that cell's, not the row's below.
            x, y = (ch[1] + ch[3]) / 2, ch[2] + 0.3 * (ch[4] - ch[2])
            if ch[0] in HANGING:
                x = ch[1] + 1.0  # punctuation may hang past its cell's wall: placed by where it starts
            for t in tables:
                cell = t.cell_at(x, y)
                if cell is not None:
                    if t.nested:
                        cell = _innermost(t, x, y) or cell
                    cell.chars.append(ch)
                    break
            else:
                body.append(ch)
        for t in tables:
            _fill(t)
    else:
        body = page.chars
    return tables, build_lines(body, page.number, tabs=True)


def _innermost(t: PageTable, x: float, y: float):
    """The cell of a table nested in ``t`` at (x, y), if any."""
    for n in t.nested:
        cell = n.cell_at(x, y)
        if cell is not None:
            return _innermost(n, x, y) if n.nested else cell
    return None


def _fill(t: PageTable) -> None:
    """Cell text, nested tables first: their text goes into the outer cell."""
    for n in t.nested:
        _fill(n)
        host = t.cell_at((n.xs[0] + n.xs[-1]) / 2, (n.ys[0] + n.ys[-1]) / 2)
        if host is not None:
            host.inner.append(n)
    fill_text(t)


def drop_furniture(pages: list[PageData], lines_by_page: list[list[Line]]) -> None:
    """Remove page numbers and running headers/footers from the body lines."""

    def in_margin(ln: Line, page: PageData) -> bool:
        return ln.bottom < page.height * _MARGIN or ln.top > page.height * (1 - _MARGIN)

    # Running header/footer: the same margin text (digits aside) on several pages.
    seen: dict[str, int] = {}
    for page, lines in zip(pages, lines_by_page):
        keys = {_furniture_key(ln.text) for ln in lines if in_margin(ln, page)}
        for k in keys:
            seen[k] = seen.get(k, 0) + 1
    repeated = {k for k, n in seen.items() if n >= 2 and n >= len(pages) / 2 and k}
    for page, lines in zip(pages, lines_by_page):
        lines[:] = [
            ln
            for ln in lines
            if not (in_margin(ln, page) and (is_page_number(ln.text) or _furniture_key(ln.text) in repeated))
        ]


def _furniture_key(text: str) -> str:
    return "".join("#" if ch.isdigit() else ch for ch in fold(text))


def build_document(pages: list[PageData], deadline: Deadline | None = None) -> Document:
    laid = []
    for page in pages:
        if deadline is not None:
            deadline.check()
        laid.append(layout_page(page))
    lines_by_page = [lines for _, lines in laid]
    drop_furniture(pages, lines_by_page)
    body_all = [ln for lines in lines_by_page for ln in lines]
    left, right = _margins(body_all)
    edge = min((ln.x0 for ln in body_all), default=0.0)
    # Short body lines understate the right margin; a table spanning the
    # text column shows it.
    for tables, _ in laid:
        for t in tables:
            if abs(t.xs[0] - edge) <= _EDGE_TOL and t.xs[-1] > right:
                right = t.xs[-1]
    half = {p.number: p.width / 2 for p in pages}

    def centred(ln: Line, w: float) -> bool:
        # Both margins large (2 em past the text column's) and about equal,
        # and the next word would have fitted before the right margin taken
        # as the mirror of the left (else an indented line that wrapped).
        c = half.get(ln.page)
        if c is None:
            return False
        lm, rm = ln.x0, 2 * c - ln.x1
        return abs(lm - rm) <= ln.size and min(lm, rm) >= edge + 2 * ln.size and ln.x1 + w < 2 * c - edge - ln.size

    blocks: list = []
    pending: list[Line] = []  # body lines not yet made into paragraphs
    build: TableBuild | None = None  # the table that may go on next page
    build_idx = -1

    def flush():
        for para in paragraphs(pending, left, right, centred=centred):
            text = paragraph_text(para)
            if text.strip():
                blocks.append(Paragraph(text=text, page=para[0].page, bbox=_round(bbox_of(para))))
        pending.clear()

    for (tables, lines), page in zip(laid, pages):
        items = [(ln.top, 0, ln) for ln in lines] + [(t.ys[0], 1, t) for t in tables]
        items.sort(key=lambda it: (it[0], it[1]))
        for n, (_, kind, obj) in enumerate(items):
            if kind == 0:
                pending.append(obj)
                continue
            t: PageTable = obj
            goes_on = (
                build is not None
                and n == 0
                and not pending
                and build.last_page == page.number - 1
                and build.same_outline(t)
                and build_idx == len(blocks) - 1
            )
            if goes_on:
                build.add(t)
                blocks[build_idx] = build
            else:
                flush()
                build = TableBuild(t)
                blocks.append(build)
                build_idx = len(blocks) - 1
        # A table followed by text on its page cannot go on to the next.
        if items and items[-1][1] == 0:
            build = None
    flush()
    out = [_to_table(b) if isinstance(b, TableBuild) else b for b in blocks]
    return Document(blocks=out, format="pdf", pages=len(pages))


def _margins(lines: list[Line]) -> tuple[float, float]:
    """The body's left and right text edges."""
    if not lines:
        return 0.0, 0.0
    left = _mode([round(ln.x0) for ln in lines]) or min(ln.x0 for ln in lines)
    # Right: the furthest line end (justified/wrapped lines reach the edge; a
    # common end could be a run of equal-length headings).
    right = max(core_end(ln) for ln in lines)
    return float(left), float(right)


def _mode(values: list[int], min_count: int = 2):
    counts: dict[int, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    best = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))
    return best[0] if best[1] >= min_count else None


def _round(b: tuple) -> tuple:
    return tuple(round(v, 2) for v in b)


def _to_table(build: TableBuild) -> Table:
    # Column lines a few points apart (a header line off its body's) are one column edge.
    xs = cluster([v for c in build.cells for v in (c.x0, c.x1)], SNAP)

    def col(x: float) -> int:
        return _nearest(xs, x)  # bisect: a linear scan per cell was quadratic on wide tables

    cells = []
    for c in build.cells:
        c0, c1 = col(c.x0), col(c.x1)
        cells.append(
            Cell(
                row=c.r,
                col=c0,
                text=c.text,
                rowspan=c.rs,
                colspan=max(1, c1 - c0),
                page=c.page,
                bbox=_round((c.x0, c.top, c.x1, c.bottom)),
            )
        )
    cells.sort(key=lambda c: (c.row, c.col))
    return Table(cells=cells, n_rows=build.n_rows, n_cols=max(1, len(xs) - 1), page=build.first_page, bbox=_round(build.bbox))
