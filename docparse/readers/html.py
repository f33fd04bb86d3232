"""The HTML reader: a published report page → neutral ``Document``.

Many reports are published only as a CMS page: the form as an HTML table,
the narrative as paragraphs, and site chrome around them. This reader keeps
the report and leaves the page out:

- the character set comes from the BOM, the ``<meta>`` tag or the XML
  declaration, else the bytes (UTF-8, then GB18030); GB2312/GBK are read as
  GB18030, their superset, because sites declare gb2312 and use GBK glyphs;
- tables become the same grid as the docx reader makes (row/col of the top-left
  slot, rowspan/colspan), nested tables become lines of the outer cell;
- page-layout tables (one cell wrapping content, or a few cells wrapping the
  report's own tables) are unwrapped, their cells read as a flow of blocks;
- chrome is dropped: script/style/nav/header/footer/aside, elements whose
  class or id says nav/menu/footer/breadcrumb/share, hidden elements, link-only
  lines and menu tables, and the 来源/发布时间/浏览量/【打印】/分享到/版权所有 lines.

The parser is lxml's HTML parser with no network access and no huge-tree
mode; HTML has no external entities, and named entities are the built-in set.
"""

from __future__ import annotations

import codecs

import lxml.html
import regex
from lxml import etree

from ..document import Cell, Document, Paragraph, Table
from ..errors import CorruptFile, LimitExceeded
from ..limits import Deadline, Limits
from ..text import fold

# -- character set ----------------------------------------------------------

_META_CHARSET = regex.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)""", regex.I)
_XML_DECL = regex.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([a-z0-9_.:-]+)""", regex.I)
# Sites declare gb2312 and still use GBK characters (e.g. 镕, 喆); GB18030 reads all of them.
_GB = {"gb2312", "gb_2312", "gb_2312-80", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "euc-cn",
       "x-euc-cn", "csgb2312", "csgbk", "chinese", "iso-ir-58", "gb18030"}


def _declared(data: bytes) -> str | None:
    head = data[:16384]
    m = _XML_DECL.match(head) or _META_CHARSET.search(head)
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    if name in _GB:
        return "gb18030"
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return None
    # An ASCII <meta> cannot be in UTF-16/32; a declaration that says so is wrong.
    return None if name.startswith(("utf-16", "utf-32")) else name


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding used, warnings)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, "replace"), enc, []
    declared = _declared(data)
    candidates = [declared] if declared else []
    if declared == "gb18030" and not data.isascii():
        # GBK text almost never happens to be valid UTF-8; a page that is
        # valid UTF-8 was re-encoded and its meta tag not updated.
        try:
            text = data.decode("utf-8")
            return text, "utf-8", ["declared gb2312/gbk but the bytes are UTF-8"]
        except UnicodeDecodeError:
            pass
    candidates += [c for c in ("utf-8", "gb18030") if c != declared]
    for enc in candidates:
        try:
            return data.decode(enc), enc, []
        except UnicodeDecodeError:
            continue
    # Damaged bytes: the reading with the fewest replacement characters.
    best = min(candidates, key=lambda e: data.decode(e, "replace").count("\ufffd"))
    return data.decode(best, "replace"), best, [f"some bytes are not valid {best}; replaced"]


# -- what is chrome -----------------------------------------------------------

_DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed", "applet",
    "svg", "math", "canvas", "nav", "aside", "menu", "head", "title", "meta", "link", "base", "select",
    "option", "button", "input", "textarea", "map", "audio", "video", "footer",
})
_BLOCKS = frozenset({
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "section", "article", "main", "blockquote", "center",
    "address", "figure", "figcaption", "hr", "form", "fieldset", "legend", "caption", "tr", "td", "th",
    "tbody", "thead", "tfoot", "body", "html", "details", "summary", "header", "hgroup", "pre", "dir",
})
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_CHROME_NAME = regex.compile(r"nav|menu|footer|breadcrumb|crumb|share|sidebar|copyright|toolbar", regex.I)
# Whole class/id tokens for the page header; "headline"/"topic" are content.
_CHROME_TOKEN = regex.compile(r"^(?:header|banner|logo|top)(?:[-_].*)?$|^(?:topbar|tophead|sitename|site-name)$", regex.I)
_HIDDEN_STYLE = regex.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", regex.I)
_CHROME_LINE = regex.compile(
    r"""^\s*(?:信息)?来源\s*[:：]
    | 发布(?:时间|日期)\s*[:：] | 浏览(?:量|次数|次) | 访问(?:量|次数) | 点击(?:数|量|率|次数)\s*[:：]
    | 阅读(?:量|数|次数)\s*[:：]
    | [【\[]\s*(?:打印|关闭|字体|字号|收藏|返回|大|中|小)
    | 分享到 | ^\s*(?:当前位置|您(?:现在)?的位置|你(?:现在)?的位置|所在位置)
    | 打印本页 | 关闭窗口 | 返回顶部 | ^\s*[上下]一篇 | 版权所有 | ICP备 | 网站标识码 | 公网安备
    | 技术支持\s*[:：] | ^\s*(?:主办|承办)(?:单位)?\s*[:：] | ^\s*字号\s*[:：]
    """,
    regex.X | regex.I,
)
_CHROME_LINE_MAX = 200  # a long narrative line that mentions 来源 is content
_WS = regex.compile(r"[ \t\r\n\f\v]+")
_SPACES = str.maketrans({"\xa0": " ", "\u3000": " ", "\u200b": None, "\ufeff": None, "\x00": None})

_MAX_DEPTH = 200  # element nesting beyond this is read as plain text, not walked
_MAX_TABLE_NESTING = 16
_MAX_GRID = 4_000_000  # grid slots in one table; far beyond any report


def _tag(el) -> str | None:
    return el.tag.lower() if isinstance(el.tag, str) else None


def _span(value: str | None, default: int, top: int) -> int:
    if not value:
        return default
    m = regex.match(r"\s*(\d+)", value)
    if not m:
        return default
    return min(int(m.group(1)), top)


def _rows(table) -> list[tuple[object, list]]:
    """The table's own rows (not a nested table's) and their td/th cells."""
    rows = []
    for child in table:
        t = _tag(child)
        if t == "tr":
            rows.append(child)
        elif t in ("thead", "tbody", "tfoot"):
            rows.extend(tr for tr in child if _tag(tr) == "tr")
    return [(tr, [td for td in tr if _tag(td) in ("td", "th")]) for tr in rows]


def _is_big(table) -> bool:
    """A real table: at least two rows and a row of at least two cells."""
    for t in table.iter("table"):
        rows = _rows(t)
        if len(rows) >= 2 and any(len(cells) >= 2 for _, cells in rows):
            return True
    return False


def _nonspace(s: str) -> int:
    return len("".join(s.split()))  # str.split() also splits on NBSP and U+3000


def _text_len(el) -> int:
    return _nonspace("".join(el.itertext()))


class _Flow:
    """Lines (and tables) in reading order, built from inline text and breaks."""

    def __init__(self, cell: bool):
        self.cell = cell
        # ("line", text, level, link_ratio, words) or Table; words counts letters
        # and digits, so "首页 | 政务公开" is all link and "——" is no words at all.
        self.items: list = []
        self.buf: list[str] = []
        self.chars = 0
        self.link_chars = 0
        self.level: int | None = None
        self.pre = 0

    def add(self, s: str, link: bool) -> None:
        if self.pre:
            parts = s.split("\n")
            for i, part in enumerate(parts):
                if i:
                    self.newline()
                self._add(part, link)
        else:
            self._add(s, link)

    def _add(self, s: str, link: bool) -> None:
        if not s:
            return
        self.buf.append(s)
        n = sum(map(str.isalnum, s))
        self.chars += n
        if link:
            self.link_chars += n

    def newline(self) -> None:
        if self.buf:
            text = _WS.sub(" ", "".join(self.buf)).translate(_SPACES).strip()
            if text:
                ratio = self.link_chars / self.chars if self.chars else 0.0
                self.items.append(("line", text, self.level, ratio, self.chars))
        self.buf = []
        self.chars = self.link_chars = 0


class _Reader:
    def __init__(self, limits: Limits, total_chars: int):
        self.deadline = Deadline(limits.max_seconds)
        self.total = max(total_chars, 1)
        self.ticks = 0

    # -- chrome ----------------------------------------------------------
    def dropped(self, el, tag: str) -> bool:
        if tag in _DROP_TAGS:
            return True
        if tag == "header" and not any(True for _ in el.iterancestors("article", "main")):
            return True
        if el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or ""):
            return True
        names = (el.get("class") or "") + " " + (el.get("id") or "")
        if names.strip() and (_CHROME_NAME.search(names) or any(_CHROME_TOKEN.match(t) for t in names.split())):
            # A wrapper named e.g. "content-share" may hold the whole report:
            # only small chrome-named elements are chrome.
            return _text_len(el) < 0.5 * self.total
        return False

    # -- flow ------------------------------------------------------------
    def element(self, el, flow: _Flow, depth: int, link: bool, tables: int) -> None:
        tag = _tag(el)
        if tag is None or self.dropped(el, tag):
            return
        self.ticks += 1
        if self.ticks % 256 == 0:
            self.deadline.check()
        if depth > _MAX_DEPTH:
            flow.newline()
            flow.add(" ".join(el.itertext()), link)
            flow.newline()
            return
        if tag == "br":
            flow.newline()
        elif tag == "table":
            flow.newline()
            self.table(el, flow, depth, tables + 1)
            flow.newline()
        elif tag in _HEADINGS:
            flow.newline()
            saved, flow.level = flow.level, _HEADINGS[tag]
            self.content(el, flow, depth, link, tables)
            flow.newline()
            flow.level = saved
        elif tag in _BLOCKS:
            flow.newline()
            if tag == "pre":
                flow.pre += 1
            self.content(el, flow, depth, link, tables)
            if tag == "pre":
                flow.pre -= 1
            flow.newline()
        else:
            self.content(el, flow, depth, link or (tag == "a" and el.get("href") is not None), tables)

    def content(self, el, flow: _Flow, depth: int, link: bool, tables: int) -> None:
        if el.text:
            flow.add(el.text, link)
        for child in el:
            self.element(child, flow, depth + 1, link, tables)
            if child.tail:  # text after a child belongs to this element, even after dropped chrome
                flow.add(child.tail, link)

    # -- tables ----------------------------------------------------------
    def table(self, el, flow: _Flow, depth: int, tables: int) -> None:
        if tables > _MAX_TABLE_NESTING:
            flow.add(" ".join(el.itertext()), False)
            return
        rows = _rows(el)
        if not flow.cell and self.is_layout(el, rows):
            for child in el:  # a caption, then the cells as a flow of blocks
                if _tag(child) == "caption":
                    self.element(child, flow, depth + 1, False, tables)
            for _, cells in rows:
                for td in cells:
                    if self.dropped(td, "td"):  # a sidebar column
                        continue
                    flow.newline()
                    self.content(td, flow, depth + 2, False, tables)
                    flow.newline()
            return
        for child in el:
            if _tag(child) == "caption":
                self.element(child, flow, depth + 1, False, tables)
        t, chrome = self.grid(rows, depth, tables)
        if not t.cells:
            return
        if flow.cell:
            # A table inside a cell: its cells' text as lines, like the docx reader.
            for c in t.cells:
                flow.items.append(("line", c.text, None, 0.0, 1))
        elif not chrome:
            flow.items.append(t)

    def is_layout(self, el, rows) -> bool:
        cells = [td for _, tds in rows for td in tds]
        full = [td for td in cells if _text_len(td) or td.find(".//table") is not None]
        if not full:
            return True  # spacer table; its content (if any) read as flow
        if len(full) == 1:
            return True  # one cell wrapping content: a wrapper
        nested = [t for td in full for t in td.iter("table")]
        if not any(_is_big(t) for t in nested):
            return False
        # Page layout: a few cells around real tables that hold a good part of
        # the text (a report's form is over half of it). A form with a small
        # sub-table in a cell is data: many cells, or a sub-table of little text.
        top = [t for t in nested if not any(a in nested for a in t.iterancestors("table") if a is not el)]
        share = sum(_text_len(t) for t in top) / max(_text_len(el), 1)
        return share >= (0.25 if len(full) <= 12 else 0.6)

    def grid(self, rows, depth: int, tables: int) -> tuple[Table, bool]:
        """The table as a grid, and whether it is page chrome (a menu, print links)."""
        n_rows = len(rows)
        taken: set[tuple[int, int]] = set()
        cells: list[Cell] = []
        width = 0
        chrome = True
        for r, (_, tds) in enumerate(rows):
            self.deadline.check()
            col = 0
            for td in tds:
                while (r, col) in taken:
                    col += 1
                colspan = max(1, _span(td.get("colspan"), 1, 1000))
                rowspan = _span(td.get("rowspan"), 1, 65534)
                rowspan = n_rows - r if rowspan == 0 else min(rowspan, n_rows - r)
                if len(taken) + rowspan * colspan > _MAX_GRID:
                    raise CorruptFile(f"an HTML table spans more than {_MAX_GRID} grid cells (rowspan/colspan out of range)")
                sub = _Flow(cell=True)
                self.content(td, sub, depth + 2, False, tables)
                sub.newline()
                lines = [it[1] for it in sub.items]
                text = "\n".join(lines)
                # A menu or print-bar table: every cell links, separators or chrome lines.
                if text and not all(it[4] == 0 or it[3] >= 0.9 or _chrome_line(it[1]) for it in sub.items):
                    chrome = False
                cells.append(Cell(row=r, col=col, text=text, rowspan=rowspan, colspan=colspan))
                for rr in range(r, r + rowspan):
                    for cc in range(col, col + colspan):
                        taken.add((rr, cc))
                col += colspan
            width = max(width, col)
        if n_rows * width > _MAX_GRID:  # Table.grid() would allocate every slot
            raise CorruptFile(f"an HTML table of {n_rows}x{width} grid cells is beyond any report (colspan out of range)")
        chrome = chrome and any(fold(c.text) for c in cells)
        return Table(cells=cells, n_rows=n_rows, n_cols=width), chrome


def _chrome_line(text: str) -> bool:
    return len(text) <= _CHROME_LINE_MAX and bool(_CHROME_LINE.search(text))


def _blocks(items) -> list:
    blocks = []
    for it in items:
        if isinstance(it, Table):
            blocks.append(it)
            continue
        _, text, level, link_ratio, _ = it
        if _chrome_line(text):
            continue
        # Menus, related-article lists, "上一篇" links: lines that are all links.
        if level is None and (link_ratio >= 0.9 or (link_ratio >= 0.6 and len(text) <= 60)):
            continue
        blocks.append(Paragraph(
            text=text,
            style=f"Heading {level}" if level else None,
            outline_level=level if level and level <= 4 else None,
        ))
    return blocks


def parse(text: str):
    """The lxml tree of an HTML text (no network, comments dropped).

    huge_tree: without it libxml2 silently drops everything from a text node
    over 10 MB on; the page's size is bounded by max_xml_bytes already.
    """
    parser = lxml.html.HTMLParser(
        encoding="utf-8", no_network=True, huge_tree=True, remove_comments=True, remove_pis=True,
        recover=True, default_doctype=False, collect_ids=False,
    )
    try:
        # Re-encoded so the explicit encoding wins over any <meta charset> in it.
        return lxml.html.document_fromstring(text.translate({0: None}).encode("utf-8", "replace"), parser=parser)
    except (etree.LxmlError, ValueError) as e:
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise CorruptFile(f"not a readable HTML page: {msg}") from None


_CELL_TAG = regex.compile(rb"<t[dh][\s>/]", regex.I)


def read_html(data: bytes, limits: Limits) -> Document:
    if len(data) > limits.max_xml_bytes:  # the tree costs many times the markup
        raise LimitExceeded("max_xml_bytes", f"the HTML page is {len(data)} bytes > {limits.max_xml_bytes}")
    cells = len(_CELL_TAG.findall(data))  # before parsing: the tree is what costs
    if cells > limits.max_cells:
        raise LimitExceeded("max_cells", f"the HTML page has {cells} table cells > {limits.max_cells}")
    deadline = Deadline(limits.max_seconds)  # decoding and parsing count too
    text, encoding, warnings = decode(data)
    if not text.strip():
        raise CorruptFile("the HTML page is empty")
    root = parse(text)
    body = root.find("body")
    if body is None:
        body = root
    deadline.check()
    reader = _Reader(limits, _text_len(body))
    reader.deadline = deadline
    flow = _Flow(cell=False)
    try:
        reader.content(body, flow, 0, False, 0)
    except RecursionError:
        raise CorruptFile("the HTML page is nested too deeply") from None
    flow.newline()
    return Document(blocks=_blocks(flow.items), format="html", pages=None, warnings=warnings)
