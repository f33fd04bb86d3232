"""Raw WordprocessingML helpers: paragraphs, tables on a computed grid,
Word auto-numbering definitions, and a deterministic package writer.

Tables are built the way Word stores them: every row is a list of cells with
absolute widths; the table grid (``w:tblGrid``) is the union of all cell
boundaries, so a cell that covers several grid columns gets ``w:gridSpan``,
and a cell merged with the one above gets ``w:vMerge`` (``restart`` on the
first row, bare ``w:vMerge`` on the rows it covers).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Optional

from lxml import etree

WNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{%s}" % WNS
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

TEXT_WIDTH = 9638  # twips: A4 (11906) minus 2 × 1134 (2 cm) margins, as most forms use


def el(tag: str, attrs: Optional[dict] = None, *children) -> etree._Element:
    e = etree.Element(W + tag, nsmap={"w": WNS})
    for k, v in (attrs or {}).items():
        e.set(W + k, str(v))
    for c in children:
        if c is not None:
            e.append(c)
    return e


def run(text: str, bold: bool = False, size: Optional[int] = None) -> etree._Element:
    r = el("r")
    if bold or size:
        rpr = el("rPr")
        if bold:
            rpr.append(el("b"))
        if size:
            rpr.append(el("sz", {"val": size}))
            rpr.append(el("szCs", {"val": size}))
        r.append(rpr)
    parts = text.split("\n")
    for i, part in enumerate(parts):
        if i:
            r.append(el("br"))
        if part:
            t = el("t")
            t.text = part
            if part != part.strip():
                t.set(XML_SPACE, "preserve")
            r.append(t)
    return r


def para(text: str = "", *, bold: bool = False, size: Optional[int] = None, align: Optional[str] = None,
         style: Optional[str] = None, num: Optional[tuple[int, int]] = None, page_break: bool = False,
         indent_first: bool = False) -> etree._Element:
    """One ``w:p``. ``num`` = (numId, ilvl) puts it in a Word list; ``text`` may hold ``\\n`` (line breaks)."""
    p = el("p")
    ppr = el("pPr")
    if style:
        ppr.append(el("pStyle", {"val": style}))
    if num is not None:
        ppr.append(el("numPr", None, el("ilvl", {"val": num[1]}), el("numId", {"val": num[0]})))
    if indent_first:
        ppr.append(el("ind", {"firstLine": 480}))
    if align:
        ppr.append(el("jc", {"val": align}))
    if len(ppr):
        p.append(ppr)
    if text:
        p.append(run(text, bold=bold, size=size))
    if page_break:
        r = el("r")
        r.append(el("br", {"type": "page"}))
        p.append(r)
    return p


@dataclass
class C:
    """One cell of a row: its text (a ``\\n`` starts a new paragraph), its width in twips."""
    text: str = ""
    width: int = 0
    vmerge: Optional[str] = None   # None | "restart" | "continue"
    bold: bool = False
    align: Optional[str] = None
    nested: Optional[list[list[str]]] = None  # a table inside the cell, after its paragraphs


def widths(weights: list[float], total: int = TEXT_WIDTH) -> list[int]:
    """Integer widths proportional to ``weights`` that add up to ``total`` exactly."""
    s = sum(weights)
    out, acc, run_w = [], 0.0, 0
    for w in weights:
        acc += w
        edge = round(total * acc / s)
        out.append(edge - run_w)
        run_w = edge
    return out


def row(texts: list, weights: list[float], total: int = TEXT_WIDTH, **kw) -> list[C]:
    """A row of plain cells; an item of ``texts`` may already be a ``C`` (its width is set here)."""
    cells = []
    for t, w in zip(texts, widths(weights, total)):
        c = t if isinstance(t, C) else C(text="" if t is None else t, **kw)
        c.width = w
        cells.append(c)
    return cells


def _borders(tag: str) -> etree._Element:
    b = el(tag)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b.append(el(side, {"val": "single", "sz": 4, "space": 0, "color": "000000"}))
    return b


def table(rows: list[list[C]], total: int = TEXT_WIDTH) -> etree._Element:
    """A ``w:tbl`` whose grid is the union of the rows' cell boundaries."""
    edges = {0}
    for r in rows:
        x = 0
        for c in r:
            x += c.width
            edges.add(x)
        if x != total:
            raise ValueError(f"row width {x} != table width {total}: {[c.text[:8] for c in r]}")
    edges = sorted(edges)
    index = {x: i for i, x in enumerate(edges)}
    tbl = el("tbl")
    tbl.append(el("tblPr", None,
                  el("tblW", {"w": total, "type": "dxa"}),
                  el("jc", {"val": "center"}),
                  _borders("tblBorders"),
                  el("tblLayout", {"type": "fixed"}),
                  el("tblCellMar", None, el("left", {"w": 57, "type": "dxa"}),
                     el("right", {"w": 57, "type": "dxa"})),
                  el("tblLook", {"val": "0000", "firstRow": 0, "lastRow": 0, "firstColumn": 0,
                                 "lastColumn": 0, "noHBand": 0, "noVBand": 0})))
    grid = el("tblGrid")
    for a, b in zip(edges, edges[1:]):
        grid.append(el("gridCol", {"w": b - a}))
    tbl.append(grid)
    for r in rows:
        tr = el("tr")
        tr.append(el("trPr", None, el("jc", {"val": "center"})))
        x = 0
        for c in r:
            span = index[x + c.width] - index[x]
            x += c.width
            tc = el("tc")
            tcpr = el("tcPr", None, el("tcW", {"w": c.width, "type": "dxa"}))
            if span > 1:
                tcpr.append(el("gridSpan", {"val": span}))
            if c.vmerge == "restart":
                tcpr.append(el("vMerge", {"val": "restart"}))
            elif c.vmerge == "continue":
                tcpr.append(el("vMerge"))
            tcpr.append(el("vAlign", {"val": "center"}))
            tc.append(tcpr)
            text = "" if c.vmerge == "continue" else c.text
            for line in text.split("\n"):
                tc.append(para(line, bold=c.bold, align=c.align))
            if c.nested and c.vmerge != "continue":
                inner = c.width - 216
                ncols = max(len(nr) for nr in c.nested)
                nrows = [row(list(nr) + [""] * (ncols - len(nr)), [1] * ncols, inner) for nr in c.nested]
                tc.append(table(nrows, inner))
                tc.append(para(""))  # a cell must end with a paragraph
            tr.append(tc)
        tbl.append(tr)
    return tbl


# -- Word auto-numbering ------------------------------------------------------

HEADING_LEVELS = (  # (numFmt, lvlText) per ilvl: 一、 / （一） / 1、 / （1）
    ("chineseCounting", "%1、"),
    ("chineseCounting", "（%2）"),
    ("decimal", "%3、"),
    ("decimal", "（%4）"),
)


def add_heading_numbering(numbering_root: etree._Element, *, nsid: str = "5A3C0D11") -> int:
    """Append a 4-level Chinese outline list to ``numbering.xml``; return its numId."""
    aids = [int(a.get(W + "abstractNumId")) for a in numbering_root.iterchildren(W + "abstractNum")]
    nids = [int(n.get(W + "numId")) for n in numbering_root.iterchildren(W + "num")]
    aid, nid = max(aids, default=0) + 1, max(nids, default=0) + 1
    an = el("abstractNum", {"abstractNumId": aid})
    an.append(el("nsid", {"val": nsid}))
    an.append(el("multiLevelType", {"val": "multilevel"}))
    an.append(el("tmpl", {"val": "0B3E6F2A"}))
    for i, (fmt, text) in enumerate(HEADING_LEVELS):
        lvl = el("lvl", {"ilvl": i})
        lvl.append(el("start", {"val": 1}))
        lvl.append(el("numFmt", {"val": fmt}))
        lvl.append(el("lvlText", {"val": text}))
        lvl.append(el("lvlJc", {"val": "left"}))
        lvl.append(el("pPr", None, el("ind", {"left": 0, "firstLine": 640})))
        an.append(lvl)
    first_num = numbering_root.find(W + "num")
    if first_num is not None:
        first_num.addprevious(an)  # schema order: all abstractNum before num
    else:
        numbering_root.append(an)
    numbering_root.append(el("num", {"numId": nid}, el("abstractNumId", {"val": aid})))
    return nid


# -- deterministic package ----------------------------------------------------

FIXED_DATE = (2024, 1, 1, 0, 0, 0)
_DROP = ("docProps/thumbnail.jpeg",)


def repack(data: bytes) -> bytes:
    """Rewrite a .docx zip with fixed timestamps and order, so equal content gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in _DROP:
                continue
            blob = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                blob = blob.replace(b'<Override PartName="/docProps/thumbnail.jpeg" ContentType="image/jpeg"/>', b"")
            if info.filename == "_rels/.rels":
                root = etree.fromstring(blob)
                for rel in list(root):
                    if rel.get("Target", "").endswith("thumbnail.jpeg"):
                        root.remove(rel)
                blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, blob)
    return out.getvalue()
