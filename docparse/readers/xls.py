"""Legacy Excel workbooks (.xls, BIFF8) → ``Document``, through xlrd.

Budget systems still export .xls. xlrd reads BIFF with ``formatting_info``
for the merged ranges and number formats; a number is its stored double
(BIFF has no decimal text), written shortest-round-trip and rounded to 15
significant digits like the .xlsx reader's — the same text for the same
workbook saved either way.
"""

from __future__ import annotations

import datetime as dt

from ..document import Cell, Document, Table
from ..errors import CorruptFile, EncryptedFile, LimitExceeded
from ..limits import Deadline, Limits
from .xlsx import _kind, number_text


def read_xls(data: bytes, limits: Limits) -> Document:
    import xlrd  # imported here: only .xls files pay for it

    deadline = Deadline(limits.max_seconds)
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except xlrd.biffh.XLRDError as e:
        msg = str(e)
        if "encrypt" in msg.lower() or "password" in msg.lower():
            raise EncryptedFile("the workbook is password-protected") from None
        raise CorruptFile(f"not a readable .xls workbook ({msg})") from None
    except MemoryError:
        raise LimitExceeded("memory", "the .xls workbook does not fit in memory") from None
    except Exception as e:  # noqa: BLE001 - xlrd parses untrusted bytes and raises many kinds on damage
        raise CorruptFile(f"not a readable .xls workbook ({type(e).__name__}: {str(e)[:80]})") from None
    budget = limits.max_cells_per_table
    blocks = []
    try:
        for i in range(book.nsheets):
            deadline.check()
            sh = book.sheet_by_index(i)
            if sh.nrows * sh.ncols > budget:
                raise LimitExceeded("max_cells_per_table", f"sheet {sh.name} spans {sh.nrows} × {sh.ncols} cells > {budget}")
            t = _sheet(book, sh, xlrd)
            book.unload_sheet(i)
            if t is not None:
                blocks.append(t)
    except LimitExceeded:
        raise
    except Exception as e:  # noqa: BLE001 - as above
        raise CorruptFile(f"a damaged .xls sheet ({type(e).__name__}: {str(e)[:80]})") from None
    return Document(blocks=blocks, format="xls", pages=None)


def _text(book, sh, r: int, k: int, xlrd) -> tuple[str, str | None, str | None]:
    cell = sh.cell(r, k)
    ct = cell.ctype
    if ct in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return "", None, None
    if ct == xlrd.XL_CELL_TEXT:
        return cell.value, None, None
    if ct == xlrd.XL_CELL_BOOLEAN:
        return ("TRUE" if cell.value else "FALSE"), str(int(cell.value)), None
    if ct == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR"), None, None
    raw = repr(float(cell.value))
    xf = book.xf_list[sh.cell_xf_index(r, k)]
    fmt = book.format_map.get(xf.format_key)
    code = fmt.format_str if fmt is not None else "General"
    if ct == xlrd.XL_CELL_DATE:
        try:
            y, m, d, *_ = xlrd.xldate_as_tuple(cell.value, book.datemode)
            return dt.date(y, m, d).isoformat(), raw, code
        except (ValueError, xlrd.xldate.XLDateError):
            return number_text(raw), raw, code
    kind, places = _kind(code)
    if kind == "percent":
        from decimal import ROUND_HALF_UP, Decimal

        d = Decimal(number_text(raw)) * 100
        return f"{d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)}%", raw, code
    return number_text(raw), raw, None if code == "General" else code


def _sheet(book, sh, xlrd) -> Table | None:
    if sh.nrows == 0 or sh.ncols == 0:
        return None
    covered: dict[tuple[int, int], bool] = {}
    cells: list[Cell] = []
    used_r = used_c = -1
    texts = {}
    for r in range(sh.nrows):
        for k in range(sh.row_len(r)):
            text, raw, code = _text(book, sh, r, k, xlrd)
            if text:
                texts[r, k] = Cell(r, k, text, raw=raw, number_format=code)
                used_r, used_c = max(used_r, r), max(used_c, k)
    if not texts:
        return None
    n_rows, n_cols = used_r + 1, used_c + 1
    for r0, r1, c0, c1 in sh.merged_cells:  # half-open ranges
        r1, c1 = min(r1, n_rows), min(c1, n_cols)
        if r0 >= r1 or c0 >= c1 or (r0, c0) in covered:
            continue
        top = texts.get((r0, c0)) or Cell(r0, c0, "")
        top.rowspan, top.colspan = r1 - r0, c1 - c0
        for r in range(r0, r1):
            for k in range(c0, c1):
                covered[r, k] = True
        cells.append(top)
    for r in range(n_rows):
        for k in range(n_cols):
            if (r, k) not in covered:
                cells.append(texts.get((r, k)) or Cell(r, k, ""))
    cells.sort(key=lambda c: (c.row, c.col))
    hidden = getattr(sh, "visibility", 0) != 0
    return Table(cells=cells, n_rows=n_rows, n_cols=n_cols, sheet=sh.name, hidden=hidden)
