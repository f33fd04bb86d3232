"""The four finance tables (收入, 支出和结余, 三公经费, 固定资产).

Each table is found by its header block: a row whose first cell is the
institution header (机构名称), continued while that merged cell spans down.
The header cells' labels say which table it is and which grid columns hold
which field; a data row's value for a field is the cell covering the leaf
header's first grid column. Amounts go from cell text to ``Decimal``.
"""

from __future__ import annotations

import re

from ..document import Cell
from ..models import ROW_MODELS, Finance
from ..text import NotANumber, clean, fold, parse_amount
from .rows import Row
from .spec import Spec
from .trace import Trace

# 1、局机关 / 1.局机关 / （1）局机关 / (1) / ① / 一、
_INST_NUMBER = re.compile(r"^\s*(?:[（(]\s*\d{1,3}\s*[)）]|\d{1,3}\s*[、.．,，)）]|[①-⑳]|[一二三四五六七八九十]{1,3}\s*[、.．])\s*")


def institution_name(text: str) -> str:
    t = clean(text) or ""
    return _INST_NUMBER.sub("", t.replace("\n", "")).strip()


def _unit_of(text: str, spec: Spec) -> str | None:
    """The currency unit a caption names: （万元）, 单位：元 …"""
    m = spec.unit_pattern.search(fold(text))
    return m.group(1) if m else None


class _Header:
    def __init__(self, rows: list[Row]):
        self.rows = rows
        self.table = rows[0].table

    def leaves(self) -> list[Cell]:
        """The lowest header cell over each grid column, left to right, distinct."""
        out: list[Cell] = []
        grid = self.table.grid()
        last = self.rows[-1].r
        for col in range(self.table.n_cols):
            c = grid[last][col]
            if c is not None and (not out or out[-1] is not c):
                out.append(c)
        return out


def _classify(header: _Header, caption: str | None, spec: Spec) -> tuple[str | None, dict[str, Cell]]:
    """Which table this header is, and field → leaf header cell."""
    best, best_map, best_score = None, {}, 0
    leaves = header.leaves()
    for kind, (captions, labels) in spec.tables.items():
        mapping: dict[str, Cell] = {}
        for leaf in leaves[1:]:
            field = labels.match(leaf.text)
            if field and field not in mapping:
                mapping[field] = leaf
        score = len(mapping) * 2
        if caption and any(c in fold(caption) for c in captions):
            score += 3
        # A distinctive total label (三公经费合计) outweighs generic ones (合计).
        if score > best_score:
            best, best_map, best_score = kind, mapping, score
    return best, best_map


def _is_data_row(row: Row, inst_col: int, spec: Spec) -> bool:
    if row.is_title():
        return False
    first = row.cell_at(inst_col)
    if first is None or spec.institution_header.match(first.text):
        return False
    return True


def extract_finance(rows: list[Row], spec: Spec, trace: Trace) -> Finance | None:
    finance = Finance()
    units: list[str] = []
    caption: str | None = None
    unit: str | None = None
    found = False
    i = 0
    while i < len(rows):
        row = rows[i]
        if row.is_title():
            caption = row.cells[0].text
            u = _unit_of(caption, spec)
            if u:
                unit = u
            i += 1
            continue
        first = row.cells[0]
        if row.table is None or not spec.institution_header.match(first.text):
            # A caption can also sit in the first row of its own table.
            u = _unit_of(first.text, spec)
            if u and len(row.cells) == 1:
                unit = u
            i += 1
            continue
        # Header block: rows while the institution cell keeps spanning down.
        j = i + 1
        while j < len(rows) and rows[j].table is row.table and rows[j].cells and rows[j].cells[0] is first:
            j += 1
        header = _Header(rows[i:j])
        kind, mapping = _classify(header, caption, spec)
        if kind is None:
            trace.warn("finance.unknown_table", f"a finance table header did not match the spec: {fold(' '.join(row.texts))[:60]}", row)
            i = j
            continue
        found = True
        if getattr(finance, kind):
            trace.warn("finance.duplicate_table", f"a second {kind} table; rows appended", row)
        if unit:
            units.append(unit)
        known = {id(c) for c in mapping.values()} | {id(first)}
        extra_cols = [c for c in header.leaves() if id(c) not in known and spec.group_labels.isdisjoint({fold(c.text).rstrip(':')})]
        missing = [f for f in spec.tables[kind][1].fields if f not in mapping]
        if missing:
            trace.warn("finance.missing_columns", f"{kind}: no column for {', '.join(missing)}", row)
        # Data rows.
        k = j
        target = getattr(finance, kind)
        model = ROW_MODELS[kind]
        inst_col = first.col
        while k < len(rows) and rows[k].table is row.table and _is_data_row(rows[k], inst_col, spec):
            drow = rows[k]
            name_cell = drow.cell_at(inst_col)
            name = institution_name(name_cell.text if name_cell else "")
            values = {}
            for field, leaf in mapping.items():
                cell = drow.cell_at(leaf.col)
                values[field] = (cell, _amount(cell, kind, field, drow, trace))
            extras = {}
            for leaf in extra_cols:
                cell = drow.cell_at(leaf.col)
                extras[clean(leaf.text).replace("\n", "") if clean(leaf.text) else f"col{leaf.col}"] = _amount(cell, kind, leaf.text, drow, trace)
            k += 1
            if not name and all(v is None for _, v in values.values()):
                continue  # an empty placeholder row
            if not name:
                trace.warn("finance.no_institution", f"{kind}: a row with amounts but no institution name", drow)
            idx = len(target)
            summary = any(s in fold(name) for s in spec.summary_contains)
            target.append(model(institution=name, is_summary=summary, extras=extras,
                                **{f: v for f, (_, v) in values.items()}))
            trace.note(f"/finance/{kind}/{idx}/institution", drow, name_cell)
            for f, (cell, v) in values.items():
                if v is not None:
                    trace.note(f"/finance/{kind}/{idx}/{f}", drow, cell)
        caption = None
        i = k
    if not found:
        return None
    distinct = sorted(set(units))
    if len(distinct) > 1:
        trace.warn("finance.mixed_units", f"finance tables use different units: {', '.join(distinct)}; currency_unit left null")
    elif distinct:
        finance.currency_unit = distinct[0]
    else:
        trace.warn("finance.no_unit", "no currency unit (万元/元) found in the finance captions")
    return finance


def _amount(cell: Cell | None, kind: str, field: str, row: Row, trace: Trace):
    if cell is None or trace.doubtful(cell, f"{kind}.{fold(field)}", row):
        return None
    try:
        return parse_amount(cell.text)
    except NotANumber:
        trace.warn("finance.not_a_number", f"{kind}.{fold(field)}: {cell.text.strip()[:40]!r} is not an amount", row, cell)
        return None
