"""三、整体支出绩效自评情况: goals, the indicator table, score and grade."""

from __future__ import annotations

import re

import regex

from ..document import Cell
from ..models import Indicator, SelfEvaluation
from ..text import NotANumber, clean, fold, parse_amount
from .rows import Row
from .spec import Spec
from .trace import Trace

_NOTE = re.compile(r"\s*[（(].*$", re.S)


def category(text: str | None) -> str | None:
    """产出目标（部门工作实绩…） → 产出目标: the name alone, note dropped."""
    t = clean(text)
    if not t:
        return None
    t = _NOTE.sub("", t.replace("\n", "")).strip()
    return t or None


def split_items(text: str | None, marker: regex.Pattern, spec: Spec) -> list[str]:
    """``目标1：a 目标2：b`` → [a, b]; placeholders (``指标1：``, ``……``) dropped."""
    t = clean(text)
    if not t:
        return []
    parts = marker.split(t) if marker.search(t) else [t]
    out = []
    for p in parts:
        p = clean(p)
        if p and fold(p) not in spec.placeholders:
            out.append(p)
    return out


def _is_quantitative_start(row: Row, spec: Spec) -> bool:
    """The indicator table's header row (评价内容 / 一级指标 …)."""
    return any(spec.indicator_columns.match(c.text) in ("category", "level1") for c in row.cells)


def extract_self_evaluation(rows: list[Row], spec: Spec, trace: Trace) -> SelfEvaluation | None:
    se = SelfEvaluation()
    found = False
    i = 0
    n = len(rows)
    # -- qualitative goals ------------------------------------------------
    while i < n:
        row = rows[i]
        labels = {spec.goals_header.match(c.text): c for c in row.cells}
        if "goals" in labels and "completion" in labels and not _is_quantitative_start(row, spec):
            found = True
            gcol, ccol = labels["goals"].col, labels["completion"].col
            goals_cells: list[tuple[Row, Cell]] = []
            done_cells: list[tuple[Row, Cell]] = []
            i += 1
            while i < n and not rows[i].is_title() and not _is_quantitative_start(rows[i], spec) \
                    and not any(q in rows[i].keys[0] for q in spec.se_quantitative):
                r = rows[i]
                for col, acc in ((gcol, goals_cells), (ccol, done_cells)):
                    c = r.cell_at(col)
                    if c is not None and all(c is not x for _, x in acc):
                        acc.append((r, c))
                i += 1
            for r, c in goals_cells:
                for item in split_items(c.text, spec.goal_marker, spec):
                    trace.note(f"/self_evaluation/qualitative_goals/{len(se.qualitative_goals)}", r, c)
                    se.qualitative_goals.append(item)
            texts = [clean(c.text) for _, c in done_cells if clean(c.text)]
            if texts:
                se.qualitative_completion = "\n".join(texts)
                trace.note("/self_evaluation/qualitative_completion", *done_cells[0])
            break
        if _is_quantitative_start(row, spec):
            break
        i += 1
    if not found:
        i = 0
    # -- quantitative indicators -------------------------------------------
    while i < n and not _is_quantitative_start(rows[i], spec):
        i += 1
    if i < n:
        found = True
        i = _indicators(rows, i, spec, se, trace)
    # -- score and grade ---------------------------------------------------
    for row in rows:
        for cell in row.cells:
            field = spec.score_labels.match(cell.text)
            if field is None:
                continue
            value = row.after(cell)
            text = clean(value.text) if value is not None else None
            found = True
            if field == "grade":
                se.grade = text
                if text:
                    trace.note("/self_evaluation/grade", row, value)
            else:
                se.score = _score(text, spec, row, value, trace)
                if se.score is not None:
                    trace.note("/self_evaluation/score", row, value)
    if not found:
        return None
    if se.score is None:
        trace.warn("self_evaluation.no_score", "no 自评综合得分 value found")
    return se


def _score(text, spec, row, cell, trace):
    if not text or trace.doubtful(cell, "score", row):
        return None
    t = text
    for s in spec.score_suffixes:
        t = t.removesuffix(s)
    try:
        return parse_amount(t)
    except NotANumber:
        trace.warn("self_evaluation.score_not_a_number", f"score {text!r} is not a number", row, cell)
        return None


def _indicators(rows: list[Row], i: int, spec: Spec, se: SelfEvaluation, trace: Trace) -> int:
    header = rows[i]
    cols: dict[str, Cell] = {}
    for c in header.cells:
        f = spec.indicator_columns.match(c.text)
        if f and f not in cols:
            cols[f] = c
    if "name" not in cols:
        trace.warn("self_evaluation.indicator_header", "indicator table header has no 指标 name column", header)
        return i + 1
    cat = cols.get("category")
    first_col = min(c.col for c in cols.values())
    i += 1
    n = len(rows)
    while i < n:
        row = rows[i]
        if row.is_title() or any(spec.score_labels.match(c.text) for c in row.cells):
            break
        if _is_quantitative_start(row, spec):  # a repeated header (table continued)
            i += 1
            continue
        body = [c for c in row.cells if c.col + c.colspan > first_col]
        level1 = level2 = None
        if cat is not None:
            inside = [c for c in body if cat.col <= c.col < cat.col + cat.colspan]
            if inside:
                level1 = category(inside[0].text)
                level2 = category(inside[1].text) if len(inside) > 1 else None
        if "level1" in cols:
            level1 = category(_text(row.cell_at(cols["level1"].col)))
        if "level2" in cols:
            level2 = category(_text(row.cell_at(cols["level2"].col)))
        name_cell = row.cell_at(cols["name"].col)
        names = split_items(_text(name_cell), spec.indicator_marker, spec)
        shared = {}
        for f in ("target", "actual", "weight", "score", "note"):
            if f in cols:
                c = row.cell_at(cols[f].col)
                shared[f] = (c, clean(_text(c)) if c is not None and c is not name_cell else None)
        for name in names:
            idx = len(se.indicators)
            se.indicators.append(Indicator(level1=level1, level2=level2, name=name,
                                           **{f: v for f, (_, v) in shared.items()}))
            trace.note(f"/self_evaluation/indicators/{idx}/name", row, name_cell)
            for f, (c, v) in shared.items():
                if v is not None:
                    trace.note(f"/self_evaluation/indicators/{idx}/{f}", row, c)
        i += 1
    return i


def _text(cell: Cell | None) -> str | None:
    return None if cell is None else cell.text
