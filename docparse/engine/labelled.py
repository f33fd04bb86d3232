"""Label → value blocks: the cover page and 一、基本概况.

A label is a cell (or paragraph) whose folded text is a known variant; its
value is the next cell in the row, or the text after the colon when label and
value share a cell or a paragraph (``部门(单位)名称：岳阳县…``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import regex

from ..document import Cell
from ..models import Cover, Overview
from ..text import NotANumber, clean, fold, parse_int, squash
from .rows import Row
from .spec import Labels, Spec
from .trace import Trace

_COLON = re.compile(r"[:：]")
# A paragraph "label␣␣value": a borderless cover table's row read from a PDF
# (its column gap) or values aligned with spaces.
_GAP = re.compile(r"[ \u3000]{2,}")


def pairs(rows: list[Row], labels: Labels) -> Iterator[tuple[str, str, Row, Cell, Cell | None]]:
    """(field, raw value text, row, label cell, value cell) for each label found.

    For an inline ``label：value`` the value cell is the label cell itself.
    """
    for row in rows:
        for cell in row.cells:
            name = labels.match(cell.text)
            if name is not None:
                nxt = row.after(cell)
                if nxt is not None and labels.match(nxt.text) is None:
                    yield name, nxt.text, row, cell, nxt
                else:
                    yield name, "", row, cell, None
                continue
            # Inline "label：value" (cover paragraphs, some overview cells).
            text = cell.text.strip()
            m = _COLON.search(text) or (_GAP.search(text) if row.table is None else None)
            if m and m.start() > 0:
                name = labels.match(text[: m.start()])
                if name is not None:
                    yield name, text[m.end():], row, cell, cell


def unknown_pairs(rows: list[Row], labels: Labels) -> Iterator[tuple[str, str]]:
    """Label/value cell pairs in label rows whose label the spec does not know."""
    for row in rows:
        if row.table is None or len(row.cells) < 2 or len(row.cells) % 2:
            continue
        if not any(labels.match(c.text) for c in row.cells[::2]):
            continue
        for label, value in zip(row.cells[::2], row.cells[1::2]):
            if labels.match(label.text) is None and fold(label.text) and len(fold(label.text)) <= 20:
                yield label.text, value.text


_DATE = re.compile(r"^\s*(\d{4})\s*(?:年|[.\-/．])\s*(\d{1,2})\s*(?:月|[.\-/．])\s*(\d{1,2})\s*日?\s*$")


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


def _wrapped_rest(rows: list[Row], row: Row, spec: Spec) -> str:
    """The rest of a cover value that wrapped onto a line of its own.

    A cover laid out as a borderless table comes out of a PDF as lines; a long
    value (评价机构：…绩效评价 / 领导小组) wraps onto a short line with no label,
    which is not the issuer line, a title or a date.
    """
    i = next((k for k, r in enumerate(rows) if r is row), None)
    if i is None or i + 1 >= len(rows) or rows[i + 1].table is not None:
        return ""
    raw = rows[i + 1].cells[0].text.strip()
    nxt = clean(raw) or ""
    if (not nxt or len(nxt) > 12 or _COLON.search(nxt) or _GAP.search(raw) or spec.issuer_suffix.search(nxt)
            or spec.cover.match(nxt) or regex.search(r"\d|报告|年度|自评表", nxt)):
        return ""
    return nxt


def extract_cover(rows: list[Row], spec: Spec, trace: Trace) -> Cover | None:
    cover = Cover()
    seen = False
    for field, value, row, _label, cell in pairs(rows, spec.cover):
        if getattr(cover, field) is not None:
            continue
        v = clean(value)
        if v is None:
            continue
        if row.table is None:
            v += _wrapped_rest(rows, row, spec)
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


def extract_overview(rows: list[Row], spec: Spec, trace: Trace) -> Overview | None:
    ov = Overview()
    seen = False
    for field, value, row, label, cell in pairs(rows, spec.overview):
        if getattr(ov, field) is not None:
            continue
        seen = True
        if spec.overview_types.get(field) == "int":
            if trace.doubtful(cell, field, row):
                continue
            try:
                v = parse_int(value)
            except NotANumber:
                trace.warn("overview.not_a_number", f"{field}: {value.strip()[:40]!r} is not a count", row, cell)
                continue
        else:
            v = clean(value)
        if v is None:
            trace.warn("overview.empty", f"{fold(label.text)} has no value", row, label)
            continue
        setattr(ov, field, v)
        trace.note(f"/overview/{field}", row, cell)
    for label, value in unknown_pairs(rows, spec.overview):
        key = (clean(label) or "").replace("\n", "")
        if key and clean(value):
            ov.extras[key] = clean(value)
    return ov if seen else None
