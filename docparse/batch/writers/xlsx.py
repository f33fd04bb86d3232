"""XLSX: one workbook ``OUTDIR/reports.xlsx``, one sheet per table (openpyxl write-only: streamed).

Cells are text except counts (numbers) and ``*_num`` (numbers, for sorting):
amounts stay the exact printed digits (Excel would turn ``9692.786137`` into a
float and ``006001`` into 6001), budget codes keep their leading zeros. A
table longer than a sheet (1,048,576 rows) continues in ``<table>_2`` …

Needs openpyxl: ``pip install 'docparse[xlsx]'``.
"""

from __future__ import annotations

import os
import re

from ...errors import DocparseError
from .. import tables as T
from ..outputs import temp_file
from . import Writer
from .cells import text

NAME = "reports.xlsx"
MAX_ROWS = 1_048_576
MAX_CELL = 32_767  # Excel's limit on the characters of one cell
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell(kind, v):
    if v is None:
        return None
    if kind in (T.INT, T.NUM) and isinstance(v, (int, float)) and not isinstance(v, bool):
        return v
    s = _ILLEGAL.sub("", text(v))
    return s if len(s) <= MAX_CELL else s[: MAX_CELL - 1] + "…"


class XlsxWriter(Writer):
    def __init__(self, max_rows: int = MAX_ROWS):
        self.max_rows = max_rows
        self.tmp = None

    def open(self, outdir, tables):
        try:
            from openpyxl import Workbook
        except ImportError:
            raise DocparseError("--xlsx needs openpyxl: pip install 'docparse[xlsx]'") from None
        self.path = os.path.join(outdir, NAME)
        self.wb = Workbook(write_only=True)
        self.cols = {n: c for n, c in tables.items() if n != "manifest"}
        self.sheet = {}
        self.count = {}
        self.pages = {}
        for n in self.cols:
            self._new_sheet(n)

    def _new_sheet(self, table):
        self.pages[table] = self.pages.get(table, 0) + 1
        title = table if self.pages[table] == 1 else f"{table}_{self.pages[table]}"
        ws = self.wb.create_sheet(title[:31])
        ws.append([c.name for c in self.cols[table]])
        self.sheet[table], self.count[table] = ws, 1

    def write(self, table, rows):
        cols = self.cols.get(table)
        if cols is None:
            return
        kinds = [c.kind for c in cols]
        for r in rows:
            if self.count[table] >= self.max_rows:
                self._new_sheet(table)
            self.sheet[table].append([_cell(k, v) for k, v in zip(kinds, r)])
            self.count[table] += 1

    def close(self):
        self.tmp = temp_file(os.path.dirname(self.path), NAME)
        self.wb.save(self.tmp)
        os.replace(self.tmp, self.path)
        self.tmp = None

    def abort(self):
        if self.tmp and os.path.exists(self.tmp):
            os.unlink(self.tmp)
