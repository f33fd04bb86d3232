"""四、评价人员 (the evaluators) and the cover page."""

from __future__ import annotations

import unicodedata

import regex

from ..models import Cover, Evaluator
from ..text import clean, fold, squash
from .labelled import pairs
from .rows import Row
from .spec import Spec
from .trace import Trace

_DATE = regex.compile(r"^\s*(\d{4})\s*(?:年|[.\-/．])\s*(\d{1,2})\s*(?:月|[.\-/．])\s*(\d{1,2})\s*日?\s*$")


def iso_date(text: str | None) -> str | None:
    """2022年3月15日 / 2022.3.15 → 2022-03-15; incomplete dates as printed."""
    t = clean(text)
    if not t:
        return None
    m = _DATE.match(unicodedata.normalize("NFKC", t))
    if m:
        y, mo, d = (int(g) for g in m.groups())
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    return t


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


def extract_cover(rows: list[Row], spec: Spec, trace: Trace) -> Cover | None:
    cover = Cover()
    seen = False
    for field, value, row, _label, cell in pairs(rows, spec.cover):
        if getattr(cover, field) is not None:
            continue
        v = clean(value)
        if v is None:
            continue
        v = v.replace("\n", "")
        if field == "report_date":
            v = iso_date(v)
        elif field == "budget_code":
            v = squash(v)
        setattr(cover, field, v)
        trace.note(f"/cover/{field}", row, cell)
        seen = True
    for row in rows:
        for cell in row.cells:
            t = clean(cell.text)
            if t and len(t) < 40 and spec.issuer_suffix.search(t):
                cover.issuer = spec.issuer_suffix.sub("", t).strip()
                trace.note("/cover/issuer", row, cell)
                seen = True
                break
    return cover if seen else None


def cover_title_lines(rows: list[Row]) -> list[str]:
    """Short stand-alone lines of the cover (the report's name, the year line)."""
    return [fold(r.cells[0].text) for r in rows if r.table is None]
