"""The .docx reader: WordprocessingML → neutral ``Document``.

It reads ``word/document.xml`` once with lxml (python-docx's object layer
costs about 3× that to open and ~45× for per-cell access on big tables), and
builds each table's grid in one pass over its rows: ``w:gridSpan`` widens a
cell, ``w:vMerge`` continuation cells extend the cell above, ``w:gridBefore``
skips leading grid columns. Word auto-numbering is rendered into the text.
"""

from __future__ import annotations

import re

from ..document import Cell, Document, Paragraph, Table
from ..errors import CorruptFile, UnsupportedFormat
from ..limits import Deadline, Limits
from .numbering import Numberer
from .ooxml import Package, parse_xml

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _TBL, _TR, _TC, _SDT, _SDTC, _CXML = (W + t for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent", "customXml"))
_T, _PPR, _TCPR, _VAL = W + "t", W + "pPr", W + "tcPr", W + "val"
_PSTYLE, _OUTLINE, _NUMPR = W + "pStyle", W + "outlineLvl", W + "numPr"
_GRIDSPAN, _VMERGE = W + "gridSpan", W + "vMerge"
_TEXT_TAGS = (W + "t", W + "tab", W + "br", W + "cr", W + "noBreakHyphen", W + "sym")
_WRAPPERS = (_SDT, _SDTC, _CXML, W + "smartTag", W + "ins", W + "moveTo")
_MAX_NESTING = 16  # tables inside tables; deeper is a hostile file, not a report
_MAX_COLS = 1000  # grid columns in a row (Word allows 63); gridSpan/gridBefore beyond are damage
_MAX_GRID = 4_000_000  # rows × columns of one table: Table.grid() allocates this many slots


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


def _child(el, tag):
    """The first child with this tag: ``find()`` goes through ElementPath, 2x slower per call."""
    for c in el.iterchildren(tag):
        return c
    return None


def _children(parent) -> list:
    """Block-level children, looking through content controls and custom XML."""
    out = []
    for el in parent:
        if el.tag in _WRAPPERS:
            out.extend(_children(el))
        else:
            out.append(el)
    return out


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
            self._raw[st.get(W + "styleId")] = (
                _val(st.find(W + "name"), ""),
                _val(st.find(W + "basedOn")),
                None if outline is None else _int(outline, 9) + 1,
                None if num is None else (_val(num.find(W + "numId")), _val(num.find(W + "ilvl"))),
            )
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


def _styles_subset(data: bytes, wanted: set[str]) -> bytes | None:
    """styles.xml cut down to the w:style elements with these ids and those they are based on.

    Templates carry every built-in style (python-docx's styles.xml is ~350 KB,
    5x a report's body) and a report uses a handful. The cut is a plain byte
    search; None when the file is not laid out as expected: parse it whole.
    """
    head = data.find(b"<w:styles")
    head_end = data.find(b">", head) + 1
    if head < 0 or W[1:-1].encode() not in data[head:head_end]:
        return None
    chunks: dict[int, bytes] = {}
    todo, done = set(wanted), set()
    while todo:
        sid = todo.pop()
        done.add(sid)
        key = b'w:styleId="' + sid.encode() + b'"'
        pos = data.find(key)
        if pos < 0:
            return None  # quoted or escaped differently: let the full parse decide
        while pos >= 0:  # every element with this id: the last one wins, as in a full parse
            start = data.rfind(b"<w:style", 0, pos)
            gt = data.find(b">", pos)
            end = gt + 1 if data[gt - 1:gt] == b"/" else data.find(b"</w:style>", gt) + len(b"</w:style>")
            if start < 0 or gt < 0 or end < gt:
                return None
            chunk = chunks[start] = data[start:end]
            for m in _BASED_ON.finditer(chunk):
                base = m.group(1).decode()
                if base not in done:
                    todo.add(base)
            if chunk.count(b"basedOn") != len(_BASED_ON.findall(chunk)):
                return None
            pos = data.find(key, end)
    return data[head:head_end] + b"".join(chunks[k] for k in sorted(chunks)) + b"</w:styles>"


class _Reader:
    def __init__(self, pkg: Package, limits: Limits, style_ids: set[str] | None = None):
        self.limits = limits
        self.deadline = Deadline(limits.max_seconds)
        # Styles are only consulted through w:pStyle: read just the ones the body names.
        root = None
        if pkg.has("word/styles.xml") and (style_ids is None or style_ids):
            data = pkg.read("word/styles.xml")
            part = _styles_subset(data, style_ids) if style_ids else None
            try:
                root = parse_xml(part, "word/styles.xml") if part else None
            except CorruptFile:
                root = None
            if root is None:
                root = parse_xml(data, "word/styles.xml")
        self.styles = _Styles(root)
        self._pkg = pkg
        self._numberer: Numberer | None = None

    @property
    def numberer(self) -> Numberer:
        """numbering.xml, parsed the first time a paragraph is numbered (most never are)."""
        if self._numberer is None:
            pkg = self._pkg
            self._numberer = Numberer(pkg.xml("word/numbering.xml") if pkg.has("word/numbering.xml") else None)
        return self._numberer

    # -- paragraphs -------------------------------------------------------
    def _text(self, p) -> str:
        """The paragraph's text as displayed: runs, tabs, breaks, symbols."""
        parts = [el.text or "" if el.tag == _T else _special(el) for el in p.iter(_TEXT_TAGS)]
        return "".join(parts)

    def _props(self, p):
        """(style id, outline level, (numId, ilvl)) from the paragraph's own pPr."""
        style_id = outline = num = None
        if len(p) and p[0].tag == _PPR:  # pPr, when present, is the first child
            for c in p[0]:
                tag = c.tag
                if tag == _PSTYLE:
                    style_id = c.get(_VAL)
                elif tag == _OUTLINE:
                    outline = _int(c.get(_VAL), 9) + 1
                elif tag == _NUMPR:
                    num = (_val(_child(c, W + "numId")), _val(_child(c, W + "ilvl")))
        return style_id, outline, num

    def _numbered(self, text: str, style_id, num):
        """Text with its Word list label, and whether it has one."""
        if num is not None and num[0] not in (None, "0") and text.strip():
            label = self.numberer.label(num[0], _int(num[1], 0))
            if label:
                return label + text.lstrip(), True
        return text, False

    def paragraph(self, p) -> Paragraph:
        text = self._text(p)
        style_id, outline, num = self._props(p)
        sname, s_outline, s_num = self.styles.get(style_id)
        if outline is None:
            outline = s_outline
        if num is None:
            num = s_num
        elif num[1] is None and s_num is not None:
            num = (num[0], s_num[1])
        text, numbered = self._numbered(text, style_id, num)
        if outline is not None and outline > 9:  # outlineLvl 9 is "body text"
            outline = None
        return Paragraph(text=text, style=sname or None, outline_level=outline, numbered=numbered)

    def cell_paragraph(self, p) -> str:
        """A paragraph inside a cell: only its text (with any list label) matters."""
        text = self._text(p)
        style_id, _, num = self._props(p)
        if num is None and style_id is not None:
            num = self.styles.get(style_id)[2]
        return self._numbered(text, style_id, num)[0]

    # -- tables -----------------------------------------------------------
    def table(self, tbl, depth: int = 0) -> Table:
        if depth > _MAX_NESTING:
            raise CorruptFile(f"tables nested more than {_MAX_NESTING} deep")
        cells: list[Cell] = []
        # For vMerge: the cells of the row above, by the grid column they start at
        # (a continuation cell continues the cell that starts where it starts).
        above: dict[int, Cell] = {}
        r = 0
        width = len(tbl.findall(f"{W}tblGrid/{W}gridCol"))
        for tr in _children(tbl):
            if tr.tag != _TR:
                continue
            self.deadline.check()
            trpr = _child(tr, W + "trPr")
            col = min(max(0, _int(_val(None if trpr is None else _child(trpr, W + "gridBefore")), 0)), _MAX_COLS)
            current: dict[int, Cell] = {}
            for tc in _children(tr):
                if tc.tag != _TC:
                    continue
                span = 1
                vmerge = None
                if len(tc) and tc[0].tag == _TCPR:  # tcPr, when present, is the first child
                    for c in tc[0]:
                        if c.tag == _GRIDSPAN:
                            span = min(max(1, _int(c.get(_VAL), 1)), _MAX_COLS)
                        elif c.tag == _VMERGE:
                            vmerge = c.get(_VAL, "continue")
                prev = above.get(col)
                if vmerge == "continue" and prev is not None:
                    prev.rowspan = r - prev.row + 1
                    cell = prev
                else:
                    cell = Cell(row=r, col=col, text=self.cell_text(tc, depth), colspan=span)
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

    def cell_text(self, tc, depth: int) -> str:
        lines = []
        for el in tc:
            tag = el.tag
            if tag == _P:
                lines.append(self.cell_paragraph(el) if len(el) else "")
            elif tag == _TBL:
                # A nested table: its cells' text, in reading order, as lines.
                lines.extend(c.text for c in self.table(el, depth + 1).cells)
            elif tag in _WRAPPERS:  # a content control: its content in place
                inner = self.cell_text(el, depth)
                if inner:
                    lines.append(inner)
        return "\n".join(lines)

    # -- body -------------------------------------------------------------
    def body(self, body) -> list:
        blocks = []
        for el in _children(body):
            if el.tag == _P:
                p = self.paragraph(el)
                # A manual line break (w:br) starts a new line as a reader sees
                # it: split so that a heading after it stands alone.
                for line in p.text.split("\n"):
                    if line.strip():
                        blocks.append(Paragraph(line, p.style, p.outline_level, p.numbered))
            elif el.tag == _TBL:
                self.deadline.check()
                t = self.table(el)
                if t.cells:
                    blocks.append(t)
        return blocks


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
    reader = _Reader(pkg, limits, style_ids={_val(el) for el in root.iter(W + "pStyle")} - {None})
    reader.deadline = deadline
    return Document(blocks=reader.body(body), format="docx", pages=_pages(pkg))

