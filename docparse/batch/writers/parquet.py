"""Parquet: a partitioned dataset, ``OUTDIR/parquet/<table>/part-NNNNN.parquet``.

Rows are buffered per table and flushed as a new part file every
``part_rows`` rows, so a batch of millions never holds its rows in memory;
DuckDB (``read_parquet('out/parquet/totals/*.parquet')``), pandas
(``pd.read_parquet('out/parquet/totals')``), polars and Spark read the
folders directly. Every table has at least one part (an empty one when it has
no rows) so its schema is always there.

Types: printed amounts (``total``) and scores stay **strings**: they are the
digits as printed, and the printed precision is information (``"0.50"`` and
``"0.5"``, checks round to it) that a fixed-scale decimal would erase.
``*_yuan`` are ``decimal128(38, 10)``: one fixed scale for every part (parts
are written before the later data is seen, and a dataset needs one schema),
enough for 万元 printed with 14 decimals; a value finer than that (never seen
in a real form) is null there and stays exact in its text column. Integers are
int64, flags bool, ``*_num`` float64 (for sorting only).

Needs pyarrow: ``pip install 'docparse[parquet]'``.
"""

from __future__ import annotations

import os
import shutil
from decimal import Context, Decimal, InvalidOperation

from ...errors import DocparseError
from .. import tables as T
from ..outputs import temp_dir
from . import Writer
from .cells import text

YUAN_PRECISION, YUAN_SCALE = 38, 10
PART_ROWS = 100_000
DIR = "parquet"


def _pa():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise DocparseError("--parquet needs pyarrow: pip install 'docparse[parquet]'") from None
    return pa, pq


def arrow_schema(cols: list[T.Column]):
    pa, _ = _pa()
    kinds = {T.INT: pa.int64(), T.BOOL: pa.bool_(), T.NUM: pa.float64(),
             T.YUAN: pa.decimal128(YUAN_PRECISION, YUAN_SCALE)}
    return pa.schema([pa.field(c.name, kinds.get(c.kind, pa.string())) for c in cols])


_Q = Decimal(1).scaleb(-YUAN_SCALE)


def _yuan(v):
    if v is None:
        return None
    try:
        q = v.quantize(_Q, context=Context(prec=YUAN_PRECISION))
    except InvalidOperation:  # more than 38 digits
        return None
    return q if q == v else None  # finer than the scale: not rounded, null (the text column is exact)


class ParquetWriter(Writer):
    def __init__(self, part_rows: int | None = None):
        self.part_rows = part_rows or PART_ROWS
        self.tmp = None

    def open(self, outdir, tables):
        self.pa, self.pq = _pa()
        self.final = os.path.join(outdir, DIR)
        for n in os.listdir(outdir):  # left by a killed run
            if n.startswith(".tmp-parquet-"):
                shutil.rmtree(os.path.join(outdir, n), ignore_errors=True)
        self.tmp = temp_dir(outdir, ".tmp-parquet-")
        self.cols = {n: c for n, c in tables.items() if n != "manifest"}
        self.schemas = {n: arrow_schema(c) for n, c in self.cols.items()}
        self.buf: dict[str, list[list]] = {n: [] for n in self.cols}
        self.parts = {n: 0 for n in self.cols}
        for n in self.cols:
            os.makedirs(os.path.join(self.tmp, n))

    def write(self, table, rows):
        if table not in self.buf:
            return
        self.buf[table].extend(rows)
        if len(self.buf[table]) >= self.part_rows:
            self._flush(table)

    def _flush(self, table):
        rows, self.buf[table] = self.buf[table], []
        cols = self.cols[table]
        arrays = []
        for j, c in enumerate(cols):
            vals = [r[j] for r in rows]
            if c.kind == T.YUAN:
                vals = [_yuan(v) for v in vals]
            elif c.kind not in (T.INT, T.BOOL, T.NUM):
                vals = [text(v) for v in vals]
            arrays.append(self.pa.array(vals, type=self.schemas[table].field(j).type))
        batch = self.pa.Table.from_arrays(arrays, schema=self.schemas[table])
        path = os.path.join(self.tmp, table, f"part-{self.parts[table]:05d}.parquet")
        self.pq.write_table(batch, path)
        self.parts[table] += 1

    def close(self):
        for n in self.cols:
            if self.buf[n] or not self.parts[n]:
                self._flush(n)
        old = None
        if os.path.exists(self.final):
            old = temp_dir(os.path.dirname(self.final), ".tmp-parquet-old-")
            os.rename(self.final, os.path.join(old, DIR))
        os.rename(self.tmp, self.final)
        self.tmp = None
        if old:
            shutil.rmtree(old, ignore_errors=True)

    def abort(self):
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
