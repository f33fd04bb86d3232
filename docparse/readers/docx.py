"""The .docx reader: WordprocessingML → neutral ``Document``.

It parses ``word/document.xml`` once with lxml (python-docx's object layer
costs about 3× that to open and ~45× for per-cell access on big tables) and
walks it once, visiting only the elements that carry text or structure
(``_WALK``): per-run and per-cell formatting never becomes a Python object.
The walk records paragraphs, tables, rows and cells; tables are then laid out
on their grid (``w:gridSpan``, ``w:vMerge``, ``w:gridBefore``) and Word
auto-numbering is rendered into the text, in document order.
"""

from __future__ import annotations

import re

from ..document import Cell, Document, Paragraph, ReaderWarning, Table
from ..errors import CorruptFile, LimitExceeded, UnsupportedFormat
from ..limits import Deadline, Limits
from .altchunk import Chunks
from .numbering import Numberer
from .ooxml import Package, parse_xml

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _TBL, _TR, _TC, _T, _VAL = (W + t for t in ("p", "tbl", "tr", "tc", "t", "val"))
_PSTYLE, _OUTLINE, _NUMID, _ILVL = (W + t for t in ("pStyle", "outlineLvl", "numId", "ilvl"))
_GRIDSPAN, _VMERGE, _GRIDBEFORE, _GRIDCOL = (W + t for t in ("gridSpan", "vMerge", "gridBefore", "gridCol"))
_ALTCHUNK = W + "altChunk"
_RID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_TEXT_TAGS = (_T, W + "tab", W + "br", W + "cr", W + "noBreakHyphen", W + "sym")
# Containers a paragraph or table can sit in and still be part of the flow.
_WRAPPERS = tuple(W + t for t in ("sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo"))
_MAX_NESTING = 16  # tables inside tables; deeper is a hostile file, not a report
_MAX_COLS = 1000  # grid columns in a row (Word allows 63); gridSpan/gridBefore beyond are damage
_MAX_GRID = 4_000_000  # rows × columns of one table: Table.grid() allocates this many slots
_SPANS = {str(n): n for n in range(1, 64)}  # the gridSpan values Word writes, read without int()


def _int(value, default: int) -> int:
    """A numeric attribute; junk from a damaged or hostile file reads as the default."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _special(el) -> str:
    """Text of a non-w:t run item: tab, break, non-breaking hyphen, symbol."""
    tag = el.tag
    if tag == W + "tab":
        return "\t" if el.getparent().tag == W + "r" else ""  # not a tab stop definition
    if tag == W + "noBreakHyphen":
        return "-"
    if tag == W + "sym":
        try:
            return chr(int(el.get(W + "char") or "", 16))
        except (ValueError, OverflowError):
            return ""
    return "\n"  # br, cr


def _val(el, default=None):
    return default if el is None else el.get(W + "val", default)


class _Styles:
    """Style id → (name, outline level, numPr), following ``basedOn``."""

    def __init__(self, root):
        self._raw = {}
        if root is None:
            return
        for st in root.iterchildren(W + "style"):
            if st.get(W + "type") != "paragraph":
                continue
            ppr = st.find(W + "pPr")
            num = None if ppr is None else ppr.find(W + "numPr")
            outline = None if ppr is None else _val(ppr.find(W + "outlineLvl"))
            self._raw.setdefault(st.get(W + "styleId"), (  # the first of duplicate ids wins, as in the byte cut
                _val(st.find(W + "name"), ""),
                _val(st.find(W + "basedOn")),
                None if outline is None else _int(outline, 9) + 1,
                None if num is None else (_val(num.find(W + "numId")), _val(num.find(W + "ilvl"))),
            ))
        self._cache = {}

    def get(self, sid: str | None):
        if sid is None or sid not in self._raw:
            return ("", None, None)
        if sid in self._cache:
            return self._cache[sid]
        name, based, outline, num = self._raw[sid]
        seen = {sid}
        while based and based in self._raw and based not in seen and (outline is None or num is None):
            seen.add(based)
            _, b2, o2, n2 = self._raw[based]
            outline = outline if outline is not None else o2
            num = num if num is not None else n2
            based = b2
        out = (name, outline, num)
        self._cache[sid] = out
        return out


_BASED_ON = re.compile(rb'<w:basedOn w:val="([^"]*)"')


def _styles_subset(data: bytes, wanted: set[str], complete: bool) -> bytes | None:
    """styles.xml cut down to the w:style elements with these ids and those they are based on.

    Templates carry every built-in style (python-docx's styles.xml is ~350 KB,
    5x a report's body) and a report uses a handful, mostly defined near the
    top. The cut is a plain byte search on what has been inflated so far:
    ``_MORE`` asks for more of the part (``complete`` says there is no more);
    None means the part is not laid out as expected: parse it whole.
    """
    head = data.find(b"<w:styles")
    head_end = data.find(b">", head) + 1
    if head < 0 or head_end <= 0:
        return None if complete else _MORE
    if W[1:-1].encode() not in data[head:head_end]:
        return None
    chunks: dict[int, bytes] = {}
    todo, done = set(wanted), set()
    while todo:
        sid = todo.pop()
        done.add(sid)
        pos = data.find(b'w:styleId="' + sid.encode() + b'"')
        if pos < 0:  # later in the part, or quoted or escaped differently: the full parse decides
            return None if complete else _MORE
        start = data.rfind(b"<w:style", 0, pos)
        gt = data.find(b">", pos)
        if gt < 0:
            return None if complete else _MORE
        end = gt + 1 if data[gt - 1:gt] == b"/" else data.find(b"</w:style>", gt)
        if start < 0 or end < 0:
            return None if complete or start < 0 else _MORE
        end = end if end == gt + 1 else end + len(b"</w:style>")
        chunk = chunks[start] = bytes(data[start:end])
        bases = _BASED_ON.findall(chunk)
        if chunk.count(b"basedOn") != len(bases):
            return None
        todo.update(b.decode() for b in bases if b.decode() not in done)
    return bytes(data[head:head_end]) + b"".join(chunks[k] for k in sorted(chunks)) + b"</w:styles>"


_MORE = object()


# The walk's records. Thousands are made per document, so they are lists with
# class-level defaults: creating one is a C call, and only the few values that
# differ from the default are ever set on an instance.
class _Para(list):
    """A paragraph: the list of its text pieces, with its own pPr values."""

    style_id = outline = num_id = ilvl = None
    in_cell = False
    text = ""
    numbered = False


class _CellPara(_Para):
    in_cell = True


class _Cell(list):
    """A table cell: its paragraphs and nested tables, in order, with its tcPr values."""

    span = vmerge = None
    depth = 0  # of the table it is in


class _Row(list):
    """A table row: its cells, with its trPr values."""

    before = None

    def __init__(self, table):
        self.table = table


class _Tbl(list):
    """A table: its rows."""

    grid_cols = 0
    depth = 0


# The elements the walk looks at; everything else (run and cell formatting,
# bookmarks, drawings' geometry) is never turned into a Python object.
_WALK = (_P, _TBL, _TR, _TC, *_TEXT_TAGS, _PSTYLE, _OUTLINE, _NUMID, _ILVL, _GRIDSPAN, _VMERGE, _GRIDBEFORE, _GRIDCOL,
         _ALTCHUNK)


class _Chunk(str):
    """A body-level altChunk: the relationship id of its part."""


class _Reader:
    def __init__(self, pkg: Package, deadline: Deadline, limits: Limits):
        self.deadline = deadline
        self._pkg = pkg
        self.chunks = Chunks(pkg, limits)
        self.max_cells = limits.max_cells
        self.max_paragraphs = limits.max_paragraphs
        self.warnings: list[ReaderWarning] = []
        self.unread: list[str] = []  # why each embedded chunk was not read
        self._numberer: Numberer | None = None
        self.styles = _Styles(None)

    def load_styles(self, style_ids: set[str]) -> None:
        """Styles are only consulted through w:pStyle: read just the ones the body names,
        inflating styles.xml only as far as their definitions."""
        pkg = self._pkg
        if not style_ids or not pkg.has("word/styles.xml"):
            return
        data = bytearray()
        part = _MORE
        attempt_at = 0  # retry each time the data has doubled: linear in all
        for chunk in pkg.chunks("word/styles.xml"):
            data += chunk
            if len(data) >= attempt_at:
                attempt_at = 2 * len(data)
                part = _styles_subset(data, style_ids, complete=False)
                if part is not _MORE:
                    break
        else:
            part = _styles_subset(data, style_ids, complete=True)
        root = None
        if part is not None:
            try:
                root = parse_xml(part, "word/styles.xml")
            except CorruptFile:
                root = None
        if root is None:
            root = pkg.xml("word/styles.xml")
        self.styles = _Styles(root)

    @property
    def numberer(self) -> Numberer:
        """numbering.xml, parsed the first time a paragraph is numbered (most never are)."""
        if self._numberer is None:
            pkg = self._pkg
            self._numberer = Numberer(pkg.xml("word/numbering.xml") if pkg.has("word/numbering.xml") else None)
        return self._numberer

    # -- the walk ---------------------------------------------------------
    def walk(self, body) -> tuple[list, list[_Para]]:
        """One pass over the body in document order, recording its structure.

        Each paragraph, table, row and cell is placed by its parent (looking
        through content controls and the like). A paragraph that is not a
        body or cell paragraph — one inside a text box — adds its text to the
        paragraph that holds it, as Word's own text does; anything else
        outside the body's flow (moved-from text) is dropped.
        """
        placed: dict = {body: None}  # element → its record, for the elements that are part of the flow
        top: list = []  # body-level _Para and _Tbl
        paras: list[_Para] = []
        sink = None  # where text goes: the parts of the paragraph being read
        para = cell = row = table = None  # whose properties the next pPr/tcPr/trPr/tblGrid values are
        flow = None  # the last body or cell paragraph: a text box's paragraphs are inside it
        check = self.deadline.check
        cells_left = self.max_cells
        paras_left = self.max_paragraphs
        for el in body.iter(_WALK):
            tag = el.tag
            if tag == _T:
                if sink is not None:
                    sink.append(el.text or "")
            elif tag == _P:
                owner = placed.get(el.getparent(), _OUTSIDE)
                if owner is _OUTSIDE:
                    owner = _owner(el, placed)
                if owner is None:  # a body paragraph (cell paragraphs are paced by their rows)
                    check()
                    para = _Para()
                    top.append(para)
                elif type(owner) is _Cell:
                    para = _CellPara()
                    owner.append(para)
                else:  # in a text box, or outside the flow
                    para = None
                    sink = flow if flow is not None and _in_paragraph(el, placed) else None
                    continue
                paras_left -= 1
                if paras_left < 0:
                    raise LimitExceeded("max_paragraphs", f"the document has more than {self.max_paragraphs} paragraphs")
                paras.append(para)
                flow = sink = para
            elif tag in _TEXT_TAGS:
                if sink is not None:
                    sink.append(_special(el))
            elif para is not None and tag == _PSTYLE:
                if para.style_id is None:  # first wins: a pPrChange's old values come after
                    para.style_id = el.get(_VAL)
            elif para is not None and tag == _OUTLINE:
                if para.outline is None:
                    para.outline = _int(el.get(_VAL), 9) + 1
            elif para is not None and tag == _NUMID:
                if para.num_id is None:
                    para.num_id = el.get(_VAL)
            elif para is not None and tag == _ILVL:
                if para.ilvl is None:
                    para.ilvl = el.get(_VAL)
            elif tag == _TC:
                owner = placed.get(el.getparent(), _OUTSIDE)
                if owner is _OUTSIDE:
                    owner = _owner(el, placed)
                if type(owner) is _Row:
                    cells_left -= 1
                    if cells_left < 0:
                        raise LimitExceeded("max_cells", f"the document has more than {self.max_cells} table cells")
                    cell = _Cell()
                    if owner.table.depth:
                        cell.depth = owner.table.depth
                    owner.append(cell)
                    placed[el] = cell
                else:
                    cell = None
                para = None
            elif cell is not None and tag == _GRIDSPAN:
                if cell.span is None:
                    v = el.get(_VAL)
                    cell.span = _SPANS.get(v) or min(max(1, _int(v, 1)), _MAX_COLS)
            elif cell is not None and tag == _VMERGE:
                if cell.vmerge is None:
                    cell.vmerge = el.get(_VAL, "continue")
            elif tag == _TR:
                check()
                owner = _owner(el, placed)
                if type(owner) is _Tbl:
                    row = _Row(owner)
                    owner.append(row)
                    placed[el] = row
                else:
                    row = None
                para = cell = None
            elif row is not None and tag == _GRIDBEFORE:
                if row.before is None:
                    row.before = min(max(0, _int(el.get(_VAL), 0)), _MAX_COLS)
            elif tag == _TBL:
                check()
                owner = _owner(el, placed)
                if owner is None:
                    table = _Tbl()
                    top.append(table)
                elif type(owner) is _Cell:
                    if owner.depth >= _MAX_NESTING:
                        raise CorruptFile(f"tables nested more than {_MAX_NESTING} deep")
                    table = _Tbl()
                    table.depth = owner.depth + 1
                    owner.append(table)
                else:  # a table in a text box: its text joins the paragraph around it
                    table = None
                    continue
                placed[el] = table
                para = cell = row = None
            elif tag == _ALTCHUNK:
                if _owner(el, placed) is None:
                    top.append(_Chunk(el.get(_RID) or ""))
                else:
                    self.warnings.append(ReaderWarning(
                        "docx.altchunk_unread", "an embedded chunk (altChunk) inside a table is not read"))
            elif table is not None and tag == _GRIDCOL:
                # tblGrid/gridCol of this table, not of a tblGridChange inside it
                if placed.get(el.getparent().getparent(), _OUTSIDE) is table:
                    table.grid_cols += 1
        return top, paras

    # -- paragraphs -------------------------------------------------------
    def finish(self, paras: list[_Para]) -> None:
        """Each paragraph's text, with its Word list label (counters run in document order)."""
        styles = self.styles
        for p in paras:
            text = "".join(p)
            num = None if p.num_id is None else (p.num_id, p.ilvl)
            if p.in_cell:
                if num is None and p.style_id is not None:
                    num = styles.get(p.style_id)[2]
            else:
                sname, s_outline, s_num = styles.get(p.style_id)
                p.style_id = sname or None  # from here on: the style's name
                if p.outline is None:
                    p.outline = s_outline
                if num is None:
                    num = s_num
                elif num[1] is None and s_num is not None:
                    num = (num[0], s_num[1])
            if num is not None and num[0] not in (None, "0") and text.strip():
                label = self.numberer.label(num[0], _int(num[1], 0))
                if label:
                    text = label + text.lstrip()
                    p.numbered = True
            p.text = text

    # -- tables -----------------------------------------------------------
    def table(self, rec: _Tbl) -> Table:
        """Lay the rows out on the grid: ``gridSpan`` widens a cell, a ``vMerge``
        continuation extends the cell that starts at its column in the row above,
        ``gridBefore`` skips leading columns."""
        cells: list[Cell] = []
        above: dict[int, Cell] = {}
        width = rec.grid_cols
        r = 0
        for row in rec:
            col = row.before or 0
            current: dict[int, Cell] = {}
            for c in row:
                span = c.span or 1
                prev = above.get(col)
                if c.vmerge == "continue" and prev is not None:
                    prev.rowspan = r - prev.row + 1
                    cell = prev
                else:
                    cell = Cell(r, col, self.cell_text(c), 1, span)
                    cells.append(cell)
                current[col] = cell
                col += span
                if col > _MAX_COLS:
                    raise CorruptFile(f"a table row is wider than {_MAX_COLS} grid columns (gridSpan/gridBefore out of range)")
            width = max(width, col)
            if (r + 1) * width > _MAX_GRID:
                raise CorruptFile(f"a table has more than {_MAX_GRID} grid slots ({r + 1} rows × {width} columns)")
            above = current
            r += 1
        return Table(cells=cells, n_rows=r, n_cols=width)

    def cell_text(self, rec: _Cell) -> str:
        lines = []
        for item in rec:
            if isinstance(item, _Para):
                lines.append(item.text)
            else:  # a nested table: its cells' text, in reading order, as lines
                lines.extend(c.text for c in self.table(item).cells)
        return "\n".join(lines)

    # -- body -------------------------------------------------------------
    def blocks(self, top: list) -> list:
        blocks = []
        for item in top:
            if isinstance(item, _Chunk):
                chunk, warnings, why = self.chunks.read(item)
                blocks.extend(chunk)
                self.warnings.extend(warnings)
                if why:
                    self.unread.append(why)
                    self.warnings.append(ReaderWarning("docx.altchunk_unread", why))
            elif isinstance(item, _Para):
                # A manual line break (w:br) starts a new line as a reader sees
                # it: split so that a heading after it stands alone.
                for line in item.text.split("\n"):
                    if line.strip():
                        blocks.append(Paragraph(line, item.style_id, _outline(item.outline), item.numbered))
            else:
                t = self.table(item)
                if t.cells:
                    blocks.append(t)
        return blocks


def _outline(level):
    return None if level is not None and level > 9 else level  # outlineLvl 9 is "body text"


def _owner(el, placed: dict):
    """The record of the element's parent in the flow, looking through wrappers;
    ``placed`` has None for the body, and a missing key means "not in the flow".
    (The walk tries the parent itself inline first: that is almost always it.)"""
    parent = el.getparent()
    rec = placed.get(parent, _OUTSIDE)
    while rec is _OUTSIDE and parent is not None and parent.tag in _WRAPPERS:
        parent = parent.getparent()
        rec = placed.get(parent, _OUTSIDE)
    return rec


_OUTSIDE = object()


def _in_paragraph(el, placed: dict) -> bool:
    """Whether an element outside the flow sits in a paragraph (a text box), rather
    than in something the flow skips (moved-from text) — the nearest of the two wins."""
    for anc in el.iterancestors():
        if anc.tag == _P:
            return True
        if anc in placed:
            return False
    return False


_PAGES = re.compile(rb"<(?:\w+:)?Pages>\s*(\d{1,7})\s*</(?:\w+:)?Pages>")


def _pages(pkg: Package) -> int | None:
    """Word's own page count from docProps/app.xml (optional metadata: never fails)."""
    if not pkg.has("docProps/app.xml"):
        return None
    try:
        m = _PAGES.search(pkg.read("docProps/app.xml"))
    except Exception:  # noqa: BLE001 - a damaged optional part is not the document's problem
        return None
    return int(m.group(1)) if m else None


def read_docx(data: bytes, limits: Limits) -> Document:
    deadline = Deadline(limits.max_seconds)  # unzipping and parsing count too
    pkg = Package(data, limits)
    if not pkg.has("word/document.xml"):
        names = pkg.names()
        if any(n.startswith("xl/") for n in names):
            raise UnsupportedFormat("this is an Excel workbook (.xlsx), not a Word document")
        if any(n.startswith("ppt/") for n in names):
            raise UnsupportedFormat("this is a PowerPoint file (.pptx), not a Word document")
        if "mimetype" in names or "content.xml" in names:
            raise UnsupportedFormat("this is an OpenDocument file, not a Word .docx")
        raise CorruptFile("the .docx has no word/document.xml")
    root = pkg.xml("word/document.xml")
    deadline.check()
    for fb in list(root.iter(MC_FALLBACK)):  # alternate renderings duplicate text
        fb.getparent().remove(fb)
    body = root.find(W + "body")
    if body is None:
        raise CorruptFile("word/document.xml has no body")
    reader = _Reader(pkg, deadline, limits)
    top, paras = reader.walk(body)
    reader.load_styles({p.style_id for p in paras} - {None})
    reader.finish(paras)
    blocks = reader.blocks(top)
    if reader.unread and not blocks:  # the chunk was the whole document
        raise UnsupportedFormat(f"the document's content is {reader.unread[0]}")
    return Document(blocks=blocks, format="docx", pages=_pages(pkg), warnings=reader.warnings)
