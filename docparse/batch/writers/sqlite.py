"""SQLite: the tables with primary/foreign keys and indexes, built in a temp
file renamed over the database when done.

Amounts (and their ``_yuan``) are TEXT: a REAL column would round them, and
NUMERIC affinity turns ``"0.50"`` into a float. ``*_num`` columns are REAL,
for sorting (``ORDER BY score_num``); the exact text is beside them.
"""

from __future__ import annotations

import os
import sqlite3

from .. import tables as T
from ..outputs import temp_file
from . import Writer
from .cells import text

_TYPE = {T.INT: "INTEGER", T.BOOL: "INTEGER", T.NUM: "REAL"}


def _value(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (int, float, str)) or v is None:
        return v
    return text(v)


def schema(tables: dict[str, list[T.Column]]) -> list[str]:
    stmts = []
    for name, cols in tables.items():
        defs = []
        for c in cols:
            d = f'"{c.name}" {_TYPE.get(c.kind, "TEXT")}'
            if name == "reports" and c.name == "id":
                d += " PRIMARY KEY"
            elif name == "reports" and c.name == "sha256":
                d += " NOT NULL UNIQUE"
            elif name == "manifest" and c.name == "input":
                d += " PRIMARY KEY"
            elif name == "manifest" and c.name == "status":
                d += " NOT NULL"
            elif c.name == "report_id" and name not in ("reports", "failures"):
                d += " REFERENCES reports(id)" + (" ON DELETE CASCADE" if name != "manifest" else "")
                if name != "manifest":
                    d += " NOT NULL"
            defs.append(d)
        t = T.TABLES.get(name)
        if t is not None and t.name != "reports":
            defs.append(f"PRIMARY KEY ({', '.join(t.key)})")
        stmts.append(f'CREATE TABLE "{name}" ({", ".join(defs)})')
        for ix in (t.indexes if t is not None else []):
            stmts.append(f'CREATE INDEX "ix_{name}_{"_".join(ix)}" ON "{name}" ({", ".join(ix)})')
    if "manifest" in tables:
        for ix in (["sha256"], ["status"], ["report_id"]):
            stmts.append(f'CREATE INDEX "ix_manifest_{ix[0]}" ON manifest ({ix[0]})')
    return stmts


class SqliteWriter(Writer):
    def __init__(self, path: str):
        self.path = os.path.abspath(path)
        self.con = None
        self.tmp = None

    def open(self, outdir, tables):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self.tmp = temp_file(os.path.dirname(self.path), os.path.basename(self.path))
        self.con = sqlite3.connect(self.tmp)
        self.con.execute("PRAGMA journal_mode=OFF")  # a temp file: atomicity comes from the rename
        self.con.execute("PRAGMA synchronous=OFF")
        self.con.execute("PRAGMA foreign_keys=ON")
        self.width = {n: len(c) for n, c in tables.items()}
        for stmt in schema(tables):
            self.con.execute(stmt)

    def write(self, table, rows):
        if rows and table in self.width:
            marks = ", ".join("?" * self.width[table])
            self.con.executemany(f'INSERT INTO "{table}" VALUES ({marks})', [[_value(v) for v in r] for r in rows])

    def close(self):
        self.con.commit()
        self.con.close()
        self.con = None
        with open(self.tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(self.tmp, self.path)
        self.tmp = None

    def abort(self):
        if self.con is not None:
            try:
                self.con.close()
            except Exception:
                pass
        if self.tmp and os.path.exists(self.tmp):
            os.unlink(self.tmp)
