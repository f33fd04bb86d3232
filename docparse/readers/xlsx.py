"""Excel workbooks (.xlsx, .xlsm) → ``Document``: one ``Table`` per sheet.

Read straight from the package with lxml, like the .docx reader, under the
same limits (``ooxml.Package``: zip bombs, DOCTYPEs, part sizes), because the
parts hold what the contract needs exactly: a cell's ``<v>`` is the stored
number as Excel wrote it (``193.83``, ``0.30000000000000004``), which becomes
its decimal rounded to 15 significant digits with trailing zeros dropped —
never a float's repr. A percent-formatted number is shown as displayed
(``0.9997`` under ``0.00%`` → ``99.97%``); a date as ISO; a formula gives its
cached value, or empty with a warning. Merged ranges become cells with
spans; a hidden sheet is kept and marked (the engine reads it only if it
holds a form); external links and other parts are never opened.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..document import Cell, Document, ReaderWarning, Table
from ..errors import CorruptFile, LimitExceeded
from ..limits import Deadline, Limits
from .ooxml import Package

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RNS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
# built-in number formats that are percentages or dates (ECMA-376 18.8.30)
_BUILTIN = {9: "0%", 10: "0.00%", 14: "yyyy-mm-dd", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 22: "yyyy-mm-dd h:mm",
            57: "yyyy\"年\"m\"月\"", 58: "m\"月\"d\"日\"", 31: "yyyy\"年\"m\"月\"d\"日\""}
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_EPOCH = dt.date(1899, 12, 30)


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _ref(ref: str) -> tuple[int, int]:
    m = _REF.match(ref or "")
    if not m:
        raise CorruptFile(f"bad cell reference {ref!r}")
    return int(m.group(2)) - 1, col_index(m.group(1))


def number_text(stored: str) -> str:
    """The stored number rounded to 15 significant digits, trailing zeros dropped, no exponent."""
    try:
        d = Decimal(stored.strip())
    except InvalidOperation:
        raise CorruptFile(f"a numeric cell holds {stored[:20]!r}") from None
    if not d.is_finite():
        raise CorruptFile("a numeric cell is not a finite number")
    if d.is_zero():
        return "0"
    d = d.quantize(Decimal(1).scaleb(d.adjusted() - 14), rounding=ROUND_HALF_UP).normalize()
    text = format(d, "f")
    return text


def _kind(code: str) -> tuple[str, int]:
    """('percent' | 'date' | 'number', decimals shown) for a number format code."""
    bare = _QUOTED.sub("", code.split(";")[0])
    if "%" in bare:
        m = re.search(r"0\.(0+)", bare)
        return "percent", len(m.group(1)) if m else 0
    if re.search(r"[ymd]", bare, re.I) and not re.search(r"[#0]", bare):
        return "date", 0
    return "number", 0


class _Styles:
    def __init__(self, pkg: Package, path: str | None):
        self.codes: list[str] = []
        if not path or not pkg.has(path):
            return
        root = pkg.xml(path)
        custom = {int(n.get("numFmtId", -1)): n.get("formatCode", "") for n in root.iter(f"{NS}numFmt")}
        xfs = root.find(f"{NS}cellXfs")
        for xf in (xfs if xfs is not None else []):
            fid = int(xf.get("numFmtId", 0) or 0)
            self.codes.append(custom.get(fid, _BUILTIN.get(fid, "General")))

    def code(self, s: str | None) -> str:
        try:
            return self.codes[int(s)] if s is not None else "General"
        except (ValueError, IndexError):
            return "General"


def _text_of(si) -> str:
    """A shared or inline string: its runs' text, without phonetic guides (rPh)."""
    return "".join(t.text or "" for t in si.iter(f"{NS}t") if t.getparent().tag != f"{NS}rPh")


def _rels(pkg: Package, part: str) -> dict[str, str]:
    """The internal targets only: external links are never followed."""
    return {rid: target for rid, (target, external) in pkg.relationships(part).items() if not external}


def _value(c, t: str | None, shared: list[str], styles: _Styles) -> tuple[str, str | None, str]:
    """(text as the contract wants it, the stored value, number format)."""
    code = styles.code(c.get("s"))
    if t == "inlineStr":
        is_ = c.find(f"{NS}is")
        return (_text_of(is_) if is_ is not None else ""), None, code
    v = c.find(f"{NS}v")
    raw = v.text if v is not None and v.text is not None else None
    if raw is None:
        return "", None, code
    if t == "s":
        try:
            return shared[int(raw)], raw, code
        except (ValueError, IndexError):
            raise CorruptFile(f"a cell points at shared string {raw[:12]!r}, which does not exist") from None
    if t in ("str", "e"):
        return raw, raw, code
    if t == "b":
        return ("TRUE" if raw.strip() == "1" else "FALSE"), raw, code
    kind, places = _kind(code)
    if kind == "percent":
        d = Decimal(number_text(raw)) * 100
        return f"{d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)}%", raw, code
    if kind == "date":
        try:
            day = _EPOCH + dt.timedelta(days=int(Decimal(raw)))
            return day.isoformat(), raw, code
        except (InvalidOperation, OverflowError, ValueError):
            pass
    return number_text(raw), raw, code


def _sheet(pkg: Package, part: str, name: str, hidden: bool, shared: list[str], styles: _Styles, limits: Limits,
           deadline: Deadline, warnings: list[ReaderWarning]) -> Table | None:
    root = pkg.xml(part)
    values: dict[tuple[int, int], Cell] = {}
    budget = limits.max_cells_per_table
    for i, c in enumerate(root.iter(f"{NS}c")):
        if i % 4096 == 0:
            deadline.check()
        r, k = _ref(c.get("r"))
        text, raw, code = _value(c, c.get("t"), shared, styles)
        formula = c.find(f"{NS}f") is not None
        if formula and raw is None and c.get("t") != "inlineStr":
            warnings.append(ReaderWarning("xlsx.formula_without_value",
                                          f"a formula cell has no cached value: read as empty",
                                          f"sheet {name} row {r} col {k}"))
        if not text and not formula:
            continue
        if len(values) >= budget:
            raise LimitExceeded("max_cells_per_table", f"sheet {name} has more than {budget} cells with values")
        values[r, k] = Cell(r, k, text, raw=raw, number_format=None if code == "General" else code, formula=formula)
    if not values:
        return None
    n_rows = max(r for r, _ in values) + 1
    n_cols = max(k for _, k in values) + 1
    merges = []
    for m in root.iter(f"{NS}mergeCell"):
        a, _, b = (m.get("ref") or "").partition(":")
        (r0, c0), (r1, c1) = _ref(a), _ref(b or a)
        # clip to the used area: a range over the whole sheet covers only what holds values
        r1, c1 = min(r1, n_rows - 1), min(c1, n_cols - 1)
        if r0 <= r1 and c0 <= c1:
            merges.append((r0, c0, r1, c1))
    if n_rows * n_cols > budget:
        raise LimitExceeded("max_cells_per_table", f"sheet {name} spans {n_rows} × {n_cols} cells > {budget}")
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    cells: list[Cell] = []
    for r0, c0, r1, c1 in merges:
        if any((r, k) in covered for r in range(r0, r1 + 1) for k in (c0, c1)):
            continue  # overlapping ranges (damage): the first wins
        top = values.get((r0, c0)) or Cell(r0, c0, "")
        top.rowspan, top.colspan = r1 - r0 + 1, c1 - c0 + 1
        for r in range(r0, r1 + 1):
            for k in range(c0, c1 + 1):
                covered[r, k] = (r0, c0)
        cells.append(top)
    for r in range(n_rows):
        for k in range(n_cols):
            if (r, k) not in covered:
                cells.append(values.get((r, k)) or Cell(r, k, ""))
    cells.sort(key=lambda c: (c.row, c.col))
    return Table(cells=cells, n_rows=n_rows, n_cols=n_cols, sheet=name, hidden=hidden)


def read_xlsx(data: bytes, limits: Limits) -> Document:
    deadline = Deadline(limits.max_seconds)
    pkg = Package(data, limits)
    rels = _rels(pkg, "_rels/.rels") if pkg.has("_rels/.rels") else {}
    main = next((t for t in rels.values() if t.endswith(".xml") and "workbook" in t), "xl/workbook.xml")
    if not pkg.has(main):
        raise CorruptFile("the workbook has no xl/workbook.xml")
    wb = pkg.xml(main)
    wrels = _rels(pkg, main)
    folder = posixpath.dirname(main)
    styles_part = next((t for t in wrels.values() if t.endswith("styles.xml")), posixpath.join(folder, "styles.xml"))
    strings_part = next((t for t in wrels.values() if t.endswith("sharedStrings.xml")),
                        posixpath.join(folder, "sharedStrings.xml"))
    styles = _Styles(pkg, styles_part)
    shared = [_text_of(si) for si in pkg.xml(strings_part).iter(f"{NS}si")] if pkg.has(strings_part) else []
    warnings: list[ReaderWarning] = []
    blocks = []
    for sh in wb.iter(f"{NS}sheet"):
        part = wrels.get(sh.get(f"{RNS}id"))
        if part is None or not pkg.has(part) or "worksheets/" not in part:
            continue  # a chart sheet, or a sheet whose part is missing
        t = _sheet(pkg, part, sh.get("name") or "", sh.get("state") in ("hidden", "veryHidden"), shared, styles,
                   limits, deadline, warnings)
        if t is not None:
            blocks.append(t)
    return Document(blocks=blocks, format="xlsx", pages=None, warnings=warnings)
