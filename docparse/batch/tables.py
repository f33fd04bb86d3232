"""The report JSON flattened into tables: one layout, derived from the models.

Every table's columns come from walking the pydantic models' ``model_fields``
(``docparse.models``), never from a list written out per format; the writers
(``docparse.batch.writers``: CSV, SQLite, Parquet, XLSX) and
``docparse.frames`` all read ``TABLES``. A field's annotation says its kind:

- ``models.Amount`` → an exact amount (a ``Decimal``), with the table's
  ``unit`` column and ``<col>_yuan`` beside it: the same amount in 元, exact
  (×10000 for 万元 by moving the decimal point, never through float);
- a score-like field (``score``, ``max_score``, ``weight``) → its exact text
  plus ``<col>_num``, a float **for sorting only**;
- ``int`` → integer, ``bool`` → boolean, ``str``/``Literal`` → text;
- ``dict``/``list`` → JSON text.

Every table is keyed by the report id: the first 16 hex digits of the source
file's sha256 (64 bits: unique for any realistic archive, short enough to
read). ``reports.sha256`` holds the full hash. Child tables carry
``report_id`` and ``row`` (the 0-based position in the JSON list); the
tables under a project add ``project_row``. Counts are named ``n_<table>``.

Row values are typed Python values (``Decimal`` for amounts, ``float`` only
in ``*_num``); each writer turns them into its format's cells.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass, field
from decimal import Context, Decimal, InvalidOperation
from typing import Any

from .. import models as m

REPORT_ID_LEN = 16


def report_id(sha256: str) -> str:
    return sha256[:REPORT_ID_LEN]


# --- column kinds --------------------------------------------------------------------------

TEXT, INT, BOOL, AMOUNT, YUAN, SCORE, NUM, JSON = "text", "int", "bool", "amount", "yuan", "score", "num", "json"
# Amount-typed fields that are points, not money: no unit, no _yuan.
SCORE_FIELDS = {"score", "max_score", "weight"}
YUAN_PER = {"元": 0, "万元": 4}  # decimal places the point moves


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    source: str | None = None  # the model field (or derived column's base field)


def _kind(name: str, annotation: Any) -> str:
    args = [a for a in (typing.get_args(annotation) if _is_union(annotation) else (annotation,))
            if a is not type(None)]
    if name in SCORE_FIELDS:
        return SCORE
    if len(args) == 1:
        a = args[0]
        if a == m.Amount:
            return AMOUNT
        origin = typing.get_origin(a) or a
        if origin is bool:
            return BOOL
        if origin is int:
            return INT
        if origin in (dict, list, tuple):
            return JSON
        return TEXT
    return TEXT  # a union such as ``Amount | str``: the exact text


def _is_union(a) -> bool:
    return typing.get_origin(a) in (typing.Union, types.UnionType)


def _nested_model(annotation):
    """The model class of a ``Model | None`` field, else None."""
    args = typing.get_args(annotation) if _is_union(annotation) else (annotation,)
    for a in args:
        if isinstance(a, type) and issubclass(a, m.BaseModel):
            return a
    return None


def _list_model(annotation):
    if typing.get_origin(annotation) is list:
        (a,) = typing.get_args(annotation)
        if isinstance(a, type) and issubclass(a, m.BaseModel):
            return a
    return None


def model_columns(model: type[m.BaseModel], *, skip: tuple[str, ...] = ()) -> list[Column]:
    """The scalar columns of one model: its fields in model order, JSON fields last."""
    plain, last = [], []
    for name, f in model.model_fields.items():
        if name in skip or _list_model(f.annotation) or _nested_model(f.annotation):
            continue
        col = Column(name, _kind(name, f.annotation), name)
        (last if col.kind == JSON else plain).append(col)
    return plain + last


def derived(cols: list[Column], *, unit: bool) -> list[Column]:
    """``unit`` and ``<amount>_yuan`` (when the table has amounts), ``<score>_num``."""
    out = []
    amounts = [c for c in cols if c.kind == AMOUNT]
    if amounts and unit:
        out.append(Column("unit", TEXT, None))
        out += [Column(f"{c.name}_yuan", YUAN, c.name) for c in amounts]
    out += [Column(f"{c.name}_num", NUM, c.name) for c in cols if c.kind == SCORE]
    return out


# --- the tables ----------------------------------------------------------------------------

@dataclass
class Table:
    name: str
    columns: list[Column]
    key: list[str]
    model: type | None = None  # the model of one row (child tables)
    path: tuple[str, ...] = ()  # where its rows are in the report (``projects`` → per project)
    unit_path: tuple[str, ...] | None = None  # where the unit of its amounts is
    per_project: bool = False
    indexes: list[list[str]] = field(default_factory=list)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


_KEY = [Column("report_id", TEXT), Column("row", INT)]
_PKEY = [Column("report_id", TEXT), Column("project_row", INT), Column("row", INT)]


def _child(name, model, path, unit_path=None, *, per_project=False, indexes=()) -> Table:
    cols = model_columns(model)
    key = _PKEY if per_project else _KEY
    return Table(name, key + cols + derived(cols, unit=unit_path is not None), [c.name for c in key], model, path,
                 unit_path, per_project, [list(i) for i in indexes])


def _report_columns() -> list[Column]:
    """The reports table: the report's scalars, walked through its one-of models."""
    cols = [Column("id", TEXT), Column("sha256", TEXT), Column("input", TEXT), Column("output", TEXT)]
    prefix = {"cover": "cover_", "overview": "overview_"}
    walked: list[Column] = []
    nested = []
    for name, f in m.Report.model_fields.items():
        sub = _nested_model(f.annotation)
        if name == "provenance" or _list_model(f.annotation):
            continue
        if sub is None:
            walked.append(Column(name, _kind(name, f.annotation), name))
        elif name == "source":  # source first, as printed by ``source``: file, format, pages
            walked[:0] = [Column(c.name, c.kind, f"source.{c.name}") for c in model_columns(sub, skip=("sha256",))]
        else:
            nested.append((name, sub))
    for name, sub in nested:
        p = prefix.get(name, "")
        walked += [Column(p + c.name, c.kind, f"{name}.{c.name}") for c in model_columns(sub)]
    cols += walked
    cols += [Column(c.name + "_num", NUM, c.source) for c in walked if c.kind == SCORE]
    return cols


TABLES: dict[str, Table] = {}


def _add(t: Table) -> None:
    names = t.column_names
    assert len(names) == len(set(names)), f"duplicate column in {t.name}"
    TABLES[t.name] = t


_add(Table("reports", _report_columns(), ["id"], m.Report, (), None,
           indexes=[["unit_name"], ["fiscal_year"], ["title"]]))
for _name, _model in m.ROW_MODELS.items():
    _add(_child(_name, _model, ("finance", _name), ("finance", "currency_unit"), indexes=[["institution"]]))
_add(_child("indicators", m.Indicator, ("self_evaluation", "indicators"), indexes=[["level1", "level2"]]))
_add(_child("budget_lines", m.BudgetLine, ("self_evaluation", "budget_execution"),
            ("self_evaluation", "budget_unit"), indexes=[["kind"]]))
_add(_child("projects", m.ProjectEvaluation, ("projects",), indexes=[["name"]]))
_add(_child("project_budget", m.BudgetLine, ("budget_execution",), ("budget_unit",), per_project=True,
            indexes=[["kind"]]))
_add(_child("project_indicators", m.Indicator, ("indicators",), per_project=True, indexes=[["level1", "level2"]]))
_add(_child("evaluators", m.Evaluator, ("evaluators",)))
_add(_child("checks", m.Check, ("checks",), indexes=[["rule"], ["ok"]]))
_add(_child("warnings", m.Warning, ("warnings",), indexes=[["code"]]))

# Counts of every child table on the reports and projects rows.
_CHILDREN = [t for t in TABLES.values() if t.name != "reports"]
TABLES["reports"].columns += [Column(f"n_{t.name}", INT) for t in _CHILDREN if not t.per_project]
TABLES["reports"].columns += [Column("n_failed_checks", INT)]
TABLES["reports"].columns += [Column(f"n_{t.name}", INT) for t in _CHILDREN if t.per_project]
TABLES["projects"].columns += [Column("n_budget_lines", INT), Column("n_indicators", INT)]


def _totals_columns() -> list[Column]:
    cols = [Column("report_id", TEXT), Column("unit", TEXT)]
    for t in m.ROW_MODELS:
        cols += [Column(f"{t}_total", AMOUNT, "total"), Column(f"{t}_total_yuan", YUAN, f"{t}_total"),
                 Column(f"{t}_total_from", TEXT)]
    cols += [Column("n_projects", INT), Column("n_project_budget_totals", INT)]
    for who in ("project", "dept"):
        cols.append(Column(f"{who}_budget_unit", TEXT))
        for c in m.BUDGET_COLUMNS:
            cols += [Column(f"{who}_{c}", AMOUNT, c), Column(f"{who}_{c}_yuan", YUAN, f"{who}_{c}")]
    cols += [Column("score", SCORE), Column("score_num", NUM, "score"), Column("grade", TEXT),
             Column("n_checks", INT), Column("n_failed_checks", INT), Column("n_warnings", INT)]
    return cols


_add(Table("totals", _totals_columns(), ["report_id"]))

MANIFEST = [Column("input", TEXT), Column("sha256", TEXT), Column("status", TEXT), Column("reason", TEXT),
            Column("output", TEXT), Column("report_id", TEXT), Column("warnings", INT),
            Column("failed_checks", INT), Column("seconds", NUM)]
FAILURES = [Column("input", TEXT), Column("code", TEXT), Column("message", TEXT)]

CSV_TABLES = list(TABLES)


# --- values --------------------------------------------------------------------------------

_CTX = Context(prec=200)


def dec(v) -> Decimal | None:
    """An amount of the JSON (exact digits) as a Decimal; None for null or junk."""
    if v is None or v == "":
        return None
    if isinstance(v, Decimal):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        v = str(v)  # a stray number in hand-made JSON: its printed digits
    try:
        d = Decimal(v)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return d if d.is_finite() else None


def yuan(v, unit: str | None) -> Decimal | None:
    """The amount in 元, exact: 万元 moves the decimal point four places."""
    d = dec(v)
    if d is None or unit not in YUAN_PER:
        return None
    return d.scaleb(YUAN_PER[unit], _CTX)


def num(v) -> float | None:
    """A score as a float, for sorting (the exact text is beside it)."""
    if v is None:
        return None
    s = str(v).strip().rstrip("分").strip()
    try:
        f = float(Decimal(s))
    except (InvalidOperation, ValueError):
        return None
    return f if f == f and abs(f) != float("inf") else None


def _get(d, *keys):
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def _value(col: Column, v):
    if col.kind == AMOUNT:
        return dec(v)
    if col.kind == JSON:
        return json.dumps(v, ensure_ascii=False) if v else None
    if col.kind == BOOL:
        return None if v is None else bool(v)
    if col.kind == INT:
        return v if isinstance(v, int) and not isinstance(v, bool) else None
    if col.kind == SCORE:
        return None if v is None else str(v)
    return v


def _row(table: Table, key: list, obj: dict, unit: str | None) -> list:
    out = list(key)
    for c in table.columns[len(key):]:
        if c.kind == YUAN:
            out.append(yuan(obj.get(c.source), unit))
        elif c.kind == NUM:
            out.append(num(obj.get(c.source)))
        elif c.name == "unit" and c.source is None:
            out.append(unit)
        elif c.name.startswith("n_"):
            v = obj.get(c.name[2:])
            out.append(len(v) if isinstance(v, list) else 0)
        else:
            out.append(_value(c, obj.get(c.source)))
    return out


def _finance_row(table: Table, row: dict) -> dict:
    # fields the contract may add later land in extras rather than vanish
    known = {c.source for c in table.columns if c.source}
    extra = {k: v for k, v in row.items() if k not in known}
    if extra:
        row = {**row, "extras": {**(row.get("extras") or {}), **extra}}
    return row


def flatten(rid: str, sha256: str, label: str, output: str, rep: dict) -> dict[str, list[list]]:
    """All table rows of one report (its JSON as a dict), as lists in column order."""
    out: dict[str, list[list]] = {t: [] for t in TABLES}
    projects = [p for p in (rep.get("projects") or []) if isinstance(p, dict)]
    for t in TABLES.values():
        if t.name in ("reports", "totals"):
            continue
        if t.per_project:
            for pi, p in enumerate(projects):
                unit = _get(p, *t.unit_path) if t.unit_path else None
                for i, r in enumerate(_get(p, *t.path) or []):
                    out[t.name].append(_row(t, [rid, pi, i], r, unit))
            continue
        unit = _get(rep, *t.unit_path) if t.unit_path else None
        for i, r in enumerate(_get(rep, *t.path) or []):
            if t.name == "projects":
                r = {**r, "budget_lines": r.get("budget_execution")}
            elif t.path[0] == "finance":
                r = _finance_row(t, r)
            out[t.name].append(_row(t, [rid, i], r, unit))
    out["reports"].append(_report_row(rid, sha256, label, output, rep, out))
    out["totals"].append(totals_row(rid, rep))
    return out


def _report_row(rid, sha256, label, output, rep, rows) -> list:
    vals = []
    for c in TABLES["reports"].columns:
        if c.name == "id":
            vals.append(rid)
        elif c.name in ("sha256", "input", "output"):
            vals.append({"sha256": sha256, "input": label, "output": output}[c.name])
        elif c.name == "n_failed_checks":
            vals.append(sum(1 for ch in rep.get("checks") or [] if not ch.get("ok", True)))
        elif c.name.startswith("n_"):
            vals.append(len(rows[c.name[2:]]))
        else:
            v = _get(rep, *c.source.split("."))
            vals.append(num(v) if c.kind == NUM else _value(c, v))
    return vals


def _summary_total(rows: list[dict]) -> tuple[Decimal | None, str | None]:
    """The summary row's total, or the single institution's, or (several, no
    summary) the exact sum of the rows' totals."""
    rows = [r for r in rows if isinstance(r, dict)]
    summary = [r for r in rows if r.get("is_summary")]
    if summary:
        return dec(summary[0].get("total")), "summary"
    if len(rows) == 1:
        return dec(rows[0].get("total")), "single"
    vals = [dec(r.get("total")) for r in rows]
    if rows and all(v is not None for v in vals):
        return sum(vals, Decimal(0)), "sum_of_rows"
    return None, None


def _budget_totals(blocks: list[tuple[str | None, list]]) -> tuple[str | None, dict, dict, int]:
    """Sums of the 年度资金总额 rows of budget blocks: (unit if shared, sums in it, sums in 元, blocks counted)."""
    units = {u for u, _ in blocks}
    shared = units.pop() if len(units) == 1 else None
    in_unit = {c: None for c in m.BUDGET_COLUMNS}
    in_yuan = {c: None for c in m.BUDGET_COLUMNS}
    counted = 0
    for unit, lines in blocks:
        total = next((b for b in lines if isinstance(b, dict) and b.get("kind") == "total"), None)
        if total is None:
            continue
        counted += 1
        for c in m.BUDGET_COLUMNS:
            d, y = dec(total.get(c)), yuan(total.get(c), unit)
            if d is not None:
                in_unit[c] = (in_unit[c] or Decimal(0)) + d
            if y is not None:
                in_yuan[c] = (in_yuan[c] or Decimal(0)) + y
    if shared is None:
        in_unit = {c: None for c in in_unit}
    return shared, in_unit, in_yuan, counted


def totals_row(rid: str, rep: dict) -> list:
    fin = rep.get("finance") or {}
    se = rep.get("self_evaluation") or {}
    unit = fin.get("currency_unit")
    vals: dict[str, Any] = {"report_id": rid, "unit": unit}
    for t in m.ROW_MODELS:
        total, basis = _summary_total(fin.get(t) or [])
        vals[f"{t}_total"], vals[f"{t}_total_yuan"], vals[f"{t}_total_from"] = total, yuan(total, unit), basis
    projects = [p for p in rep.get("projects") or [] if isinstance(p, dict)]
    vals["n_projects"] = len(projects)
    for who, blocks in (("project", [(p.get("budget_unit"), p.get("budget_execution") or []) for p in projects]),
                        ("dept", [(se.get("budget_unit"), se.get("budget_execution") or [])] if se else [])):
        shared, in_unit, in_yuan, counted = _budget_totals(blocks)
        if who == "project":
            vals["n_project_budget_totals"] = counted
        vals[f"{who}_budget_unit"] = shared
        for c in m.BUDGET_COLUMNS:
            vals[f"{who}_{c}"], vals[f"{who}_{c}_yuan"] = in_unit[c], in_yuan[c]
    checks = rep.get("checks") or []
    vals.update(score=None if se.get("score") is None else str(se.get("score")), score_num=num(se.get("score")),
                grade=se.get("grade"), n_checks=len(checks),
                n_failed_checks=sum(1 for c in checks if not c.get("ok", True)),
                n_warnings=len(rep.get("warnings") or []))
    return [vals[c.name] for c in TABLES["totals"].columns]


def failure_row(rec: dict, code: str) -> list:
    return [rec.get("input"), code, rec.get("reason")]
