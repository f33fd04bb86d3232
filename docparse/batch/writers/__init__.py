"""Table writers: one small module per output format, one interface.

    w = CsvWriter()                 # or SqliteWriter(path), ParquetWriter(), XlsxWriter()
    w.open(outdir, layouts())       # table name → columns (docparse.batch.tables)
    w.write("income", rows)         # any number of times, rows in column order
    w.close()                       # commit: files renamed into place
    w.abort()                       # on error: temp files removed, old outputs kept

Rows hold typed values (``Decimal`` amounts, ``int``, ``bool``, ``str``,
``float`` only in ``*_num``); each writer makes its own cells of them. A
writer may hold a bounded buffer but never the whole batch.
"""

from __future__ import annotations

from ..tables import FAILURES, MANIFEST, TABLES, Column


def layouts(*, manifest: bool = False) -> dict[str, list[Column]]:
    """Every table a writer is given: the report tables, ``failures`` (and ``manifest``)."""
    out = {name: t.columns for name, t in TABLES.items()}
    out["failures"] = FAILURES
    if manifest:
        out["manifest"] = MANIFEST
    return out


class Writer:
    """The interface; see the module docstring."""

    def open(self, outdir: str, tables: dict[str, list[Column]]) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def write(self, table: str, rows: list[list]) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def abort(self) -> None:
        pass


def make(fmt: str, **kw) -> Writer:
    """A writer by format name: ``csv``, ``sqlite`` (path=...), ``parquet``, ``xlsx``, ``html``."""
    if fmt == "csv":
        from .csvfiles import CsvWriter as W
    elif fmt == "sqlite":
        from .sqlite import SqliteWriter as W
    elif fmt == "parquet":
        from .parquet import ParquetWriter as W
    elif fmt == "xlsx":
        from .xlsx import XlsxWriter as W
    elif fmt == "html":
        from .dashboard import DashboardWriter as W
    else:
        raise ValueError(f"unknown output format {fmt!r}")
    return W(**kw)
