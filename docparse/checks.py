"""Arithmetic and consistency checks: reported, never applied.

One ``Check`` per rule and subject (row or column). Arithmetic is exact
``Decimal``; the only tolerance is the printed precision: a figure printed with
fewer decimals than its parts is compared with their sum rounded to it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from decimal import ROUND_HALF_UP, Decimal

from .models import FINANCE_COLUMNS, Check, Report
from .text import fold

# parts of each row's total, per table
ROW_TOTALS = {
    "income": ("total", ["prior_year_carryover", "general_budget", "government_fund", "special_account_non_tax", "other"]),
    "three_public": ("total", ["reception", "vehicle_operation", "vehicle_purchase", "overseas_travel"]),
    "fixed_assets": ("total", ["in_use", "leased", "other"]),
}
COLUMNS = FINANCE_COLUMNS
# Clauses about another year are not compared with this year's tables.
_OTHER_YEAR = ("上年度", "上一年度", "去年", "比上年", "同比")
_CLAUSE_END = re.compile(r"[。；;\n]")
_DIGIT = re.compile(r"[0-9０-９]")
_AMOUNT = re.compile(r"[为是共计达:]{0,3}(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)(万元|元)")
_TO_YUAN = {"元": Decimal(1), "万元": Decimal(10000)}


def _places(d: Decimal) -> int:
    return max(0, -d.as_tuple().exponent)


def same(printed: Decimal, computed: Decimal) -> bool:
    """Equal at the printed precision (no looser)."""
    if printed == computed:
        return True
    p = _places(printed)
    if _places(computed) > p:
        computed = computed.quantize(Decimal(1).scaleb(-p), rounding=ROUND_HALF_UP)
    return printed == computed


def _check(rule: str, subject: str, expected: Decimal, actual: Decimal, note: str = "") -> Check:
    ok = same(actual, expected)
    msg = "" if ok else f"{subject}: {format(actual, 'f')} != {format(expected, 'f')}"
    if note:
        msg = f"{msg} ({note})" if msg else note
    return Check(rule=rule, subject=subject, ok=ok, expected=expected, actual=actual, message=msg)


def _sum(values) -> Decimal | None:
    vals = [v for v in values if v is not None]
    return sum(vals[1:], vals[0]) if vals else None


def run_checks(report: Report, spec=None, trace=None) -> list[Check]:
    locate = trace.location if trace is not None else (lambda pointer: None)
    out: list[Check] = []
    f = report.finance
    if f is not None:
        for table in ("income", "expenditure", "three_public", "fixed_assets"):
            rows = getattr(f, table)
            found = _row_totals(table, rows, trace) + _summary(table, rows)
            for c in found:  # where the printed figure that was checked sits
                c.location = locate(_finance_pointer(table, rows, c))
            out += found
    if report.self_evaluation is not None and spec is not None:
        out += _grade(report, spec)
    if spec is not None and getattr(spec, "narrative_rules", None):
        rules = {r["rule"]: r for r in spec.narrative_rules}
        for c in _narrative(report, spec):  # located at the table figure the narrative is compared with
            rule = rules[c.rule]
            rows = getattr(f, rule["table"])
            i = next((k for k, r in enumerate(rows) if r.is_summary), 0)
            c.location = locate(f"/finance/{rule['table']}/{i}/{rule['column']}")
            out.append(c)
    se = report.self_evaluation
    if se is not None and (se.budget_execution or se.max_score is not None):
        out += form_checks("部门", "/self_evaluation", se.budget_execution, se.indicators, se.score, se.max_score,
                           locate)
    for k, p in enumerate(report.projects):
        base = f"/projects/{k}"
        out += form_checks(p.name or f"项目{k + 1}", base, p.budget_execution, p.indicators, p.score, p.max_score,
                           locate)
        if spec is not None:
            out += _grade_of(f"{p.name or f'项目{k + 1}'}/grade", p.score, p.grade, spec)
    return out


# --- the forms (schema 1.1) ------------------------------------------------------

def _num(text: str | None) -> Decimal | None:
    """A score or weight printed as text (``7``, ``6.5``, ``7分``); None when it is not a number."""
    if text is None:
        return None
    t = fold(text).removesuffix("分")
    try:
        return Decimal(t) if _PLAIN.fullmatch(t) else None
    except ArithmeticError:  # pragma: no cover - the pattern vetted it
        return None


_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")
_RATE = re.compile(r"^(-?\d+(?:\.\d+)?)(%?)$")


def _rate(printed: str, header_percent: bool = True) -> Decimal | None:
    """A printed 执行率 as a percentage: ``99.97%`` → 99.97; a bare ``100`` is a percent too."""
    m = _RATE.match(fold(printed))
    if not m:
        return None
    v = Decimal(m.group(1))
    if not m.group(2) and v <= 1 and "." in m.group(1):  # 0.9997: a ratio
        v = v * 100
    return v


def form_checks(name: str, base: str, lines, indicators, score, max_score, locate) -> list[Check]:
    out: list[Check] = []
    cols = ("initial_budget", "full_year_budget", "executed")
    total_i = next((i for i, ln in enumerate(lines) if ln.kind == "total"), None)
    total = lines[total_i] if total_i is not None else None
    table_lines = [(i, ln) for i, ln in enumerate(lines) if ln.kind != "total" and ln.amount is None and ln.basis is None]
    if total is not None:
        for col in cols:
            printed = getattr(total, col)
            parts = [getattr(ln, col) for _, ln in table_lines]
            s = _sum(parts)
            if printed is None or s is None:
                continue
            c = _check("budget.total_equals_sum", f"{name}/{col}", s, printed)
            c.location = locate(f"{base}/budget_execution/{total_i}/{col}")
            out.append(c)
        for basis, rule in (("income", "budget.income_sum"), ("expenditure", "budget.expenditure_sum")):
            amounts = [ln.amount for ln in lines if ln.basis == basis]
            s = _sum(amounts)
            if s is None or total.full_year_budget is None:
                continue
            c = _check(rule, name, s, total.full_year_budget)
            c.location = locate(f"{base}/budget_execution/{total_i}/full_year_budget")
            out.append(c)
    for i, ln in enumerate(lines):
        if not ln.execution_rate or ln.executed is None or not ln.full_year_budget:
            continue
        printed = _rate(ln.execution_rate)
        if printed is None:
            continue
        computed = ln.executed / ln.full_year_budget * 100
        places = max(0, -printed.as_tuple().exponent)
        computed = computed.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        ok = computed == printed
        msg = "" if ok else f"{name}/{ln.item}: {format(printed, 'f')} != {format(computed, 'f')}"
        out.append(Check(rule="budget.execution_rate", subject=f"{name}/{ln.item}", ok=ok, expected=computed,
                         actual=printed, message=msg, location=locate(f"{base}/budget_execution/{i}/execution_rate")))
    for i, ind in enumerate(indicators):
        sc, w = _num(ind.score), _num(ind.weight)
        if sc is None or w is None:
            continue
        ok = Decimal(0) <= sc <= w
        out.append(Check(rule="indicators.score_within_weight", subject=f"{name}/{ind.name}", ok=ok,
                         expected=f"0..{format(w, 'f')}", actual=sc,
                         message="" if ok else f"{name}/{ind.name}: score {format(sc, 'f')} is outside 0..{format(w, 'f')}",
                         location=locate(f"{base}/indicators/{i}/score")))
    groups: dict[str, list] = {}
    for i, ind in enumerate(indicators):
        if ind.level1 is not None:
            groups.setdefault(ind.level1, []).append((i, ind))
    for level1, members in groups.items():
        printed = next((_num(ind.level1_weight) for _, ind in members if ind.level1_weight), None)
        s = _sum(_num(ind.weight) for _, ind in members)
        if printed is None or s is None:
            continue
        c = _check("indicators.level1_weight", f"{name}/{level1}", s, printed)
        c.location = locate(f"{base}/indicators/{members[0][0]}/name")
        out.append(c)
    budget_score = total.score if total is not None else None
    budget_weight = total.weight if total is not None else None
    for rule, printed, parts, extra, ptr in (
            ("form.total_score", score, [_num(i.score) for i in indicators], budget_score, "score"),
            ("form.max_score", max_score, [_num(i.weight) for i in indicators], budget_weight, "max_score")):
        s = _sum(parts + [extra])
        if printed is None or s is None:
            continue
        c = _check(rule, name, s, printed)
        c.location = locate(f"{base}/{ptr}")
        out.append(c)
    return out


def _finance_pointer(table: str, rows, c: Check) -> str:
    if c.rule.endswith("summary_equals_sum"):
        i = next((k for k, r in enumerate(rows) if r.is_summary), 0)
        return f"/finance/{table}/{i}/{c.subject}"
    i = next((k for k, r in enumerate(rows) if r.institution == c.subject), 0)
    return f"/finance/{table}/{i}/{'basic' if c.rule.endswith('basic_split') else 'total'}"


def _row_totals(table: str, rows, trace=None) -> list[Check]:
    out = []
    # A column empty in every row may be one the reader lost (a PDF header
    # it could not map), not a column of zeros.
    lost = {c for c in ("basic", "project") if table == "expenditure" and all(getattr(r, c) is None for r in rows)}
    for r in rows:
        if table == "expenditure":
            out += _expenditure_row(r, lost, trace)
            continue
        total_f, parts = ROW_TOTALS[table]
        total = getattr(r, total_f)
        s = _sum(getattr(r, p) for p in parts)
        if total is None or s is None:
            continue
        out.append(_check(f"{table}.row_total", r.institution, s, total))
    return out


_OPERAND_LABEL = {"basic": "基本支出", "project": "项目支出"}


def _unread(r, lost: set) -> list[str]:
    """Operands of the row total that were not read, as far as one can tell:
    基本支出 empty though 人员 + 公用 are not zero, or a column empty in every row."""
    out = [c for c in ("basic", "project") if getattr(r, c) is None and c in lost]
    if r.basic is None and "basic" not in out and any(v for v in (r.personnel, r.public_use) if v is not None):
        out.insert(0, "basic")
    return out


def _expenditure_row(r, lost: set = frozenset(), trace=None) -> list[Check]:
    out = _expenditure_row_checks(r)
    unread = _unread(r, lost)
    if unread and any(c.rule == "expenditure.row_total" and not c.ok for c in out):
        # A missing operand, not a wrong sum: the check does not run.
        out = [c for c in out if c.rule != "expenditure.row_total"]
        if trace is not None:
            names = "、".join(_OPERAND_LABEL[c] for c in unread)
            trace.warn("checks.operand_missing", f"expenditure.row_total not checked for {r.institution}: {names} not read",
                       location=f"expenditure row {r.institution}")
    return out


def _expenditure_row_checks(r) -> list[Check]:
    out = []
    if r.basic is not None and (r.personnel is not None or r.public_use is not None):
        out.append(_check("expenditure.basic_split", r.institution, _sum([r.personnel, r.public_use]), r.basic))
    if r.total is None:
        return out
    base = _sum([r.basic, r.project])
    if base is None:
        return out
    if same(r.total, base) or r.current_surplus is None:
        out.append(_check("expenditure.row_total", r.institution, base, r.total))
    else:
        with_surplus = base + r.current_surplus
        note = "支出合计 = 基本支出 + 项目支出 + 当年结余" if same(r.total, with_surplus) else ""
        out.append(_check("expenditure.row_total", r.institution, with_surplus, r.total, note))
    return out


def _summary(table: str, rows) -> list[Check]:
    summaries = [r for r in rows if r.is_summary]
    parts = [r for r in rows if not r.is_summary]
    if len(summaries) != 1 or not parts:
        return []
    summary = summaries[0]
    out = []
    for col in COLUMNS[table]:
        actual = getattr(summary, col)
        s = _sum(getattr(r, col) for r in parts)
        if actual is None or s is None:
            continue
        out.append(_check(f"{table}.summary_equals_sum", col, s, actual))
    return out


def _grade(report: Report, spec) -> list[Check]:
    se = report.self_evaluation
    return _grade_of("grade", se.score, se.grade, spec)


def _grade_of(subject: str, score, grade, spec) -> list[Check]:
    if score is None or not grade or not spec.grades:
        return []
    bands = dict(spec.grades)
    if fold(grade) not in bands:
        return []
    # None: a score below every band (negative) matches no grade.
    expected = next((g for g, low in spec.grades if score >= low), None)
    ok = expected == fold(grade)
    why = f"score {score} is {expected}" if expected else f"score {score} is below every grade band"
    return [Check(rule="self_evaluation.grade_matches_score", subject=subject, ok=ok, expected=None,
                  actual=score, message="" if ok else f"{why}, the form says {grade}")]


def _paragraphs(sections):
    for s in sections:
        if s.text:
            yield s.text
        yield from _paragraphs(s.children)


def _narrative(report: Report, spec) -> list[Check]:
    f = report.finance
    if f is None or not report.narrative:
        return []
    # Only clauses with a digit can state a figure, and clauses about another
    # year never state this year's: fold the rest once, not per rule.
    clauses = [k for c in _CLAUSE_END.split("\n".join(_paragraphs(report.narrative))) if _DIGIT.search(c)
               for k in (fold(c),) if not any(m in k for m in _OTHER_YEAR)]
    text = "\n".join(clauses)
    ends = list(itertools.accumulate(len(c) + 1 for c in clauses))  # clause k ends before ends[k]
    out = []
    for rule in spec.narrative_rules:
        rows = getattr(f, rule["table"], [])
        summary = next((r for r in rows if r.is_summary), rows[0] if len(rows) == 1 else None)
        if summary is None or getattr(summary, rule["column"]) is None:
            continue
        table_value = getattr(summary, rule["column"])
        hit = _first_figure(text, ends, [fold(p) for p in rule["phrases"]])
        if hit is None:
            continue
        value, unit = hit
        # The narrative may state the table's figure in the other unit
        # (9037.07万元 for 90370744.45 元): compare in the narrative's unit.
        factor = _TO_YUAN[f.currency_unit or unit] / _TO_YUAN[unit]
        # One slip in the table is reported once, by its arithmetic rule: a
        # narrative figure that agrees with what the table's other cells add
        # up to is not a second failure.
        ok = any(same(value, v * factor) for v in _readings(rule["table"], rule["column"], rows, summary))
        msg = "" if ok else (
            f"narrative states {format(value, 'f')}{unit}; the table has {format(table_value, 'f')} {f.currency_unit or ''}".rstrip())
        out.append(Check(rule=rule["rule"], subject=rule["subject"], ok=ok,
                         expected=table_value, actual=value, message=msg))
    return out


def _readings(table: str, col: str, rows, row) -> list[Decimal]:
    """The figure as printed, and as the table's other cells add it up."""
    out = [getattr(row, col)]
    if row.is_summary:
        out.append(_sum(getattr(r, col) for r in rows if not r.is_summary))
    if table == "expenditure" and col == "total":
        base = _sum([row.basic, row.project])
        out += [base, None if base is None or row.current_surplus is None else base + row.current_surplus]
    elif table == "expenditure" and col == "basic":
        out.append(_sum([row.personnel, row.public_use]))
    elif table in ROW_TOTALS and col == ROW_TOTALS[table][0]:
        out.append(_sum(getattr(row, c) for c in ROW_TOTALS[table][1]))
    return [v for v in out if v is not None]


def _first_figure(text: str, ends: list[int], phrases: list[str]):
    """(amount, unit) right after a phrase: the earliest clause wins, then the earlier phrase."""
    best = None
    for rank, p in enumerate(phrases):
        i = text.find(p)
        while i >= 0:
            m = _AMOUNT.match(text, i + len(p))
            if m:  # later occurrences of this phrase sit in later clauses
                key = (bisect.bisect_right(ends, i), rank)
                if best is None or key < best[0]:
                    best = (key, Decimal(m.group(1).replace(",", "")), m.group(2))
                break
            i = text.find(p, i + 1)
    return None if best is None else best[1:]
