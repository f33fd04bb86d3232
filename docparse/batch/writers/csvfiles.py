"""CSV: one ``<table>.csv`` per table, UTF-8 with BOM (Excel reads the Chinese as UTF-8)."""

from __future__ import annotations

import csv
import os

from ..outputs import atomic_open
from . import Writer
from .cells import text


class CsvWriter(Writer):
    def __init__(self, tables: list[str] | None = None):
        self.only = tables
        self._cms = []
        self._w: dict[str, csv.writer] = {}

    def open(self, outdir, tables):
        for name, cols in tables.items():
            if name == "manifest" or (self.only and name not in self.only):
                continue
            cm = atomic_open(os.path.join(outdir, f"{name}.csv"), "w", encoding="utf-8-sig", newline="")
            f = cm.__enter__()
            self._cms.append(cm)
            self._w[name] = w = csv.writer(f)
            w.writerow([c.name for c in cols])

    def write(self, table, rows):
        w = self._w.get(table)
        if w is not None:
            w.writerows([["" if v is None else text(v) for v in r] for r in rows])

    def close(self):
        while self._cms:
            self._cms.pop().__exit__(None, None, None)

    def abort(self):
        while self._cms:
            try:
                self._cms.pop().__exit__(RuntimeError, RuntimeError("aborted"), None)
            except BaseException:
                pass
