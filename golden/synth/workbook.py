"""A neutral ``Document`` written as an .xlsx workbook: one sheet per table.

How budget systems export the forms: the title lines above a table become
rows merged across the sheet, merges stay merges, an amount is a numeric cell
with a ``0.00`` format, a rate written ``96%`` a percent-formatted number, and
the label lines under the table (注：, 填表人：) rows below it. ``extra_sheets``
adds the sheets real workbooks carry beside the forms (支出明细, a hidden
sheet), which hold no form. Deterministic, like the .docx writers.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

from docparse.document import Paragraph, Table

from .ooxml import FIXED_DATE

_AMOUNT = re.compile(r"^-?\d+(?:\.\d+)?$")
_RATE = re.compile(r"^(\d+(?:\.\d+)?)%$")


def _put(ws, r: int, c: int, text: str) -> None:
    cell = ws.cell(row=r + 1, column=c + 1)
    if _AMOUNT.match(text) and len(text) < 16:
        d = Decimal(text)
        cell.value = int(d) if d == d.to_integral_value() and "." not in text else float(d)
        places = len(text.split(".")[1]) if "." in text else 0
        cell.number_format = "0." + "0" * places if places else "General"
    elif m := _RATE.match(text):
        places = len(m.group(1).split(".")[1]) if "." in m.group(1) else 0
        cell.value = float(Decimal(m.group(1)) / 100)
        cell.number_format = "0" + ("." + "0" * places if places else "") + "%"
    else:
        cell.value = text or None


def document_xlsx(blocks: list, extra_sheets: bool = True) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    pending: list[str] = []
    ws = None
    for b in blocks + [None]:
        if isinstance(b, Paragraph):
            if ws is not None and ("：" in b.text or b.text.startswith("注")):
                row = ws.max_row
                ws.cell(row=row + 1, column=1, value=b.text)
                ws.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=ws.max_column)
            else:
                pending.append(b.text)
            continue
        if not isinstance(b, Table):
            continue
        ws = wb.create_sheet(f"项目{len(wb.sheetnames) + 1}")
        for i, t in enumerate(pending):
            ws.cell(row=i + 1, column=1, value=t)
            ws.merge_cells(start_row=i + 1, start_column=1, end_row=i + 1, end_column=b.n_cols)
        off = len(pending)
        pending = []
        for c in b.cells:
            _put(ws, c.row + off, c.col, c.text)
            if c.rowspan > 1 or c.colspan > 1:
                ws.merge_cells(start_row=c.row + off + 1, start_column=c.col + 1,
                               end_row=c.row + off + c.rowspan, end_column=c.col + c.colspan)
    if extra_sheets:
        detail = wb.create_sheet("支出明细")
        for r, row in enumerate([["科目", "金额（万元）"], ["办公费", 12.5], ["差旅费", 3.2]], 1):
            for k, v in enumerate(row, 1):
                detail.cell(row=r, column=k, value=v)
        hidden = wb.create_sheet("参数")
        hidden.sheet_state = "hidden"
        hidden["A1"] = "版本"
        hidden["B1"] = "3.2"
    buf = io.BytesIO()
    wb.save(buf)
    return _repack(buf.getvalue())


def _repack(data: bytes) -> bytes:
    """Fixed timestamps (openpyxl stamps the time into the zip and docProps/core.xml)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                blob = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", blob)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, blob)
    return out.getvalue()
