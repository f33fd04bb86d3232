"""The batch tables as pandas DataFrames, for notebooks.

    >>> import docparse
    >>> t = docparse.frames([docparse.extract("a.docx"), docparse.extract("b.pdf")])
    >>> t["totals"].income_total_yuan.sum()           # Decimal: exact
    >>> t = docparse.batch.load("out/")                # the same, from a batch's OUTDIR

The tables and columns are those of ``docparse batch`` (``docparse.batch.tables``).
Amount and ``*_yuan`` columns hold ``decimal.Decimal`` (object dtype: exact,
never float), integers are nullable ``Int64``, flags ``boolean``, ``*_num``
float64 (for sorting only). pandas is an optional extra:
``pip install 'docparse[frames]'``.
"""

from __future__ import annotations

import hashlib
import os
from decimal import Decimal

from .errors import DocparseError


def _pd():
    try:
        import pandas as pd
    except ImportError:
        raise DocparseError("docparse.frames needs pandas: pip install 'docparse[frames]'") from None
    return pd


def _frame(pd, cols, rows):
    from .batch import tables as T

    names = [c.name for c in cols]
    df = pd.DataFrame(rows, columns=names, dtype=object)
    for c in cols:
        s = df[c.name]
        if c.kind == T.INT:
            df[c.name] = s.astype("Int64")
        elif c.kind == T.BOOL:
            df[c.name] = s.astype("boolean")
        elif c.kind == T.NUM:
            df[c.name] = pd.to_numeric(s, errors="coerce").astype("float64")
        elif c.kind in (T.AMOUNT, T.YUAN):
            df[c.name] = s.map(lambda v: v if v is None or isinstance(v, Decimal) else T.dec(v))
    return df


def frames(reports) -> dict:
    """Table name → DataFrame for reports (``Report`` objects or their JSON dicts)."""
    from .batch import tables as T
    from .batch.writers import layouts

    pd = _pd()
    rows: dict[str, list] = {t: [] for t in T.TABLES}
    for rep in reports:
        d = rep if isinstance(rep, dict) else rep.model_dump(mode="json")
        sha = (d.get("source") or {}).get("sha256") or hashlib.sha256(repr(d).encode()).hexdigest()
        label = (d.get("source") or {}).get("file") or ""
        for t, rs in T.flatten(T.report_id(sha), sha, label, "", d).items():
            rows[t].extend(rs)
    lay = layouts()
    return {t: _frame(pd, lay[t], rows[t]) for t in T.TABLES}


def load(outdir: str) -> dict:
    """Table name → DataFrame from a batch's OUTDIR (its CSV tables and ``failures``)."""
    import csv

    from .batch import tables as T
    from .batch.writers import layouts

    pd = _pd()
    out = {}
    for name, cols in layouts().items():
        path = os.path.join(outdir, f"{name}.csv")
        if not os.path.exists(path):
            raise DocparseError(f"{outdir}: no {name}.csv (not a docparse batch output folder?)")
        with open(path, encoding="utf-8-sig", newline="") as f:
            r = csv.reader(f)
            header = next(r, [])
            idx = [header.index(c.name) if c.name in header else None for c in cols]
            rows = [[_cell(c, row[i] if i is not None and i < len(row) else "") for c, i in zip(cols, idx)]
                    for row in r]
        out[name] = _frame(pd, cols, rows)
    return out


def _cell(col, s: str):
    from .batch import tables as T

    if s == "":
        return None
    if col.kind == T.INT:
        return int(s)
    if col.kind == T.BOOL:
        return s == "true"
    if col.kind in (T.AMOUNT, T.YUAN):
        return T.dec(s)
    return s
