"""四、评价人员: the evaluators."""

from __future__ import annotations

from ..models import Evaluator
from ..text import clean, squash
from .rows import Row
from .spec import Spec
from .trace import Trace


def extract_evaluators(rows: list[Row], spec: Spec, trace: Trace) -> list[Evaluator]:
    out: list[Evaluator] = []
    cols = None
    for row in rows:
        if cols is None:
            found = {spec.evaluator_columns.match(c.text): c for c in row.cells}
            if "name" in found:
                cols = {k: v for k, v in found.items() if k}
            continue
        if any(s in k for k in row.keys for s in spec.evaluator_stop) or (row.is_title() and out):
            break
        if row.is_title():
            continue
        if spec.evaluator_columns.match(row.cells[0].text) == "name":
            continue  # header repeated after a page break
        values = {}
        for field, hdr in cols.items():
            c = row.cell_at(hdr.col)
            values[field] = (c, None if c is None else (squash(c.text) if field == "name" else clean(c.text)))
        if not values.get("name", (None, None))[1]:
            continue
        idx = len(out)
        out.append(Evaluator(**{f: v for f, (_, v) in values.items()}))
        for f, (c, v) in values.items():
            if v:
                trace.note(f"/evaluators/{idx}/{f}", row, c)
    return out
