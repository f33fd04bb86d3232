"""Where the forms are: every form instance in the row stream, with its spec.

A file may hold several forms — six 项目支出绩效自评表 one after another, a
部门整体支出绩效自评表 followed by its text report. A ``parts`` template says
how its forms open (``[instance] start``: the label of a table row, such as
项目名称) and what a real one holds (``requires``: 一级指标, 项目资金 …).
An instance runs from its opening row through the tables that follow
(separated at most by a few short lines: a page's running head, a caption),
plus the label lines under the last table (注：, 填表人：); the title lines
just above it (项目支出绩效自评表, （2022年度）) are its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..text import fold
from .rows import Row
from .spec import Spec

_SHORT_LINE = 60  # folded characters: a title or caption, not a paragraph of text
_MAX_TITLE_LINES = 6
_MAX_GAP_LINES = 3  # short lines allowed between two tables of one form


@dataclass
class Instance:
    spec: Spec
    start: int  # first row: its title lines included
    body: int  # the row that opened it
    end: int  # one past its last row

    def title_rows(self, rows: list[Row]) -> list[Row]:
        return rows[self.start:self.body]

    def rows(self, rows: list[Row]) -> list[Row]:
        return rows[self.body:self.end]


def _opens(row: Row, spec: Spec) -> bool:
    if row.table is None:
        return False
    cells = row.cells
    for k, key in enumerate(row.keys):
        if key and key.rstrip(":") in spec.instance_start and k + 1 < len(cells) and cells[k].row == row.r:
            return True
    return False


def _holds(rows: list[Row], needles: list[str]) -> bool:
    return any(n in k for r in rows for k in r.keys for n in needles)


def _short(row: Row) -> bool:
    return row.table is None and len(fold(row.cells[0].text)) <= _SHORT_LINE


def _end(rows: list[Row], i: int, limit: int) -> int:
    """One past the form opened at ``i``: its tables, then its label lines."""
    last = i
    j = i
    sheet = rows[i].table.sheet if rows[i].table is not None else None
    while j < limit:
        if rows[j].table is not None:
            if sheet is not None and rows[j].table.sheet != sheet:
                break  # a form is one sheet: the next sheet is another form or none
            last = j
            j += 1
            continue
        k = j
        while k < limit and k - j < _MAX_GAP_LINES and rows[k].table is None and _short(rows[k]):
            k += 1
        if k < limit and rows[k].table is not None and k - j <= _MAX_GAP_LINES:
            j = k
            continue
        break
    end = last + 1
    while end < limit and rows[end].table is None:
        t = fold(rows[end].cells[0].text)
        if not t or t.startswith("注") or (":" in t and len(t) <= 120):
            end += 1
        else:
            break
    return end


def _title_start(rows: list[Row], i: int, floor: int, spec: Spec) -> int:
    """The first of the title lines just above row ``i`` (a form's 注：/填表人： lines are not)."""
    s = i
    while s > floor and i - s < _MAX_TITLE_LINES:
        r = rows[s - 1]
        k = fold(r.cells[0].text)
        if not (r.is_title() and len(k) <= _SHORT_LINE) or k.startswith("注"):
            break
        if ":" in k and not any(t in k for t in spec.form_titles):
            break
        s -= 1
    return s


def _other_form(rows: list[Row], inst: Instance) -> bool:
    """A look-alike that evaluates nothing (绩效目标申报表), by its title lines or its sheet's name."""
    spec = inst.spec
    sheet = rows[inst.body].table.sheet if rows[inst.body].table is not None else None
    titles = [fold(r.cells[0].text) for r in inst.title_rows(rows)] + [fold(sheet)]
    return any(n in t for t in titles for n in spec.not_titles) and not any(n in t for t in titles for n in spec.form.names)


def find_instances(rows: list[Row], specs: list[Spec]) -> list[Instance]:
    starts: list[tuple[int, Spec]] = []
    for i, row in enumerate(rows):
        for spec in specs:
            if _opens(row, spec):
                starts.append((i, spec))
                break
    # A start of another kind inside the header of the form before it (a
    # 单位名称 under 项目名称) is a field of that form, not a new form.
    kept: list[tuple[int, Spec]] = []
    for i, spec in starts:
        if kept:
            pi, pspec = kept[-1]
            if pspec is not spec and not _holds(rows[pi:i], pspec.instance_requires):
                continue
        kept.append((i, spec))
    out: list[Instance] = []
    for n, (i, spec) in enumerate(kept):
        limit = kept[n + 1][0] if n + 1 < len(kept) else len(rows)
        # the title lines may be the last rows the form before ran into (a workbook's next sheet)
        start = _title_start(rows, i, out[-1].body + 1 if out else 0, spec)
        if out and start < out[-1].end:
            out[-1].end = start
        end = _end(rows, i, limit)
        inst = Instance(spec, start, i, end)
        # A form holds one of its parts; an empty one (a budget-system export with
        # only the header filled) still has the form's title above it.
        if _other_form(rows, inst):
            continue
        if _holds(inst.rows(rows), spec.instance_requires) or _holds(inst.title_rows(rows), spec.form.names):
            out.append(inst)
    # the next form's title lines are its own, not the previous form's trailer
    for a, b in zip(out, out[1:]):
        a.end = min(a.end, b.start)
    return out
