"""The extraction engine: neutral ``Document`` → ``Report``.

It knows reports, not formats. ``build_report`` lays the document out as rows
(``rows.py``), finds every form instance in it (``instances.py``: each
template spec says how its forms open and what they must hold), reads each
instance with its spec's parts, and assembles one Report: a 1.0 report form
fills the report's own sections, a department form its self-evaluation, each
project form one entry of ``projects``. What follows the last form is the
text report; a file with no form but a text report is read as text only.
Checks run last.
"""

from __future__ import annotations

import re

from ..document import Document
from ..errors import ExtractionError
from ..models import ProjectEvaluation, Report, SelfEvaluation, Source
from ..text import clean
from .finance import extract_finance
from .forms import extract_form
from .instances import Instance, find_instances
from .labelled import extract_cover, extract_overview
from .narrative import extract_narrative, find_title
from .people import extract_evaluators
from .rows import Row, build_rows, find_row
from .selfeval import extract_self_evaluation
from .spec import Spec, get_spec, load_specs, spec_errors
from .trace import Trace

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# 岳阳县退役军人事务局（关于）2022年度… / 2022年度岳阳县退役军人事务局部门整体支出…
_UNIT_FROM_TITLE = (
    re.compile(r"^(?!关于)(.+?)(?:关于)?(?:(?:19|20)\d{2}\s*年)"),
    re.compile(r"^(?:关于)?(?:19|20)\d{2}\s*年度?(.+?)(?:部门|单位)?(?:[（(]单位[）)])?(?:整体支出|整体绩效|绩效自评|绩效评价)"),
)


def _regions(rows: list[Row], spec: Spec) -> dict[str, tuple[int, int]] | None:
    """Row ranges of cover, overview, finance, self-evaluation, evaluators, narrative (1.0 report form)."""
    s = spec.sections
    if not any(r.table is not None for r in rows):
        return None  # a form is a table
    ov = find_row(rows, s["overview"], titles_only=True)
    fin = find_row(rows, s["finance"], start=ov or 0, titles_only=True)
    se = find_row(rows, s["self_evaluation"], start=fin or ov or 0, titles_only=True)
    ev = find_row(rows, s["evaluators"], start=se or fin or ov or 0, titles_only=True)
    anchors = [a for a in (ov, fin, se, ev) if a is not None]
    if not anchors:
        # No section titles: take the first table with a known label as the form.
        for i, r in enumerate(rows):
            if r.table is not None and any(spec.overview.match(c.text) for c in r.cells):
                anchors = [i]
                ov = i
                break
    if not anchors or not _form_follows(rows, anchors[0]):
        return None
    start = anchors[0]
    last = anchors[-1]
    # The form ends with the last table at or after the last anchor (the
    # evaluators table and its signature rows).
    end = last + 1
    table_after = next((i for i in range(last, len(rows)) if rows[i].table is not None), None)
    if table_after is not None:
        tbl = rows[table_after].table
        end = table_after
        while end < len(rows) and rows[end].table is tbl:
            end += 1
    # Each part runs to the next anchor (anchors are found in order), the last to the form's end.
    bounds = anchors + [end]

    def span(a):
        if a is None:
            return (0, 0)
        nxt = min(b for b in bounds if b > a)
        return (a, nxt)

    return {
        "cover": (0, start),
        "overview": span(ov),
        "finance": span(fin),
        "self_evaluation": span(se),
        "evaluators": span(ev),
        "narrative": (end, len(rows)),
    }


def _form_follows(rows: list[Row], i: int, within: int = 3) -> bool:
    """A form is a table: the first section title is a table row, or a table follows it closely."""
    return any(r.table is not None for r in rows[i:i + within + 1])


def _meta(report: Report, cover_rows: list[Row], title_row: Row | None, trace: Trace) -> None:
    if title_row is not None:
        report.title = clean(title_row.cells[0].text).replace("\n", "")
        trace.note("/title", title_row)
    lines = [clean(r.cells[0].text) or "" for r in cover_rows if r.table is None]
    if report.title is None:
        report.title = next((t for t in lines if "报告" in t), None)
    unit = report.cover.unit_name if report.cover else None
    if unit is None and report.title:
        for pattern in _UNIT_FROM_TITLE:
            m = pattern.match(report.title)
            if m and len(m.group(1)) >= 2:
                unit = m.group(1)
                break
    if unit is None and report.evaluators:
        # The evaluators' own organisation is the unit in a self-evaluation.
        orgs = [e.organization for e in report.evaluators if e.organization]
        unit = max(set(orgs), key=orgs.count) if orgs else None
    report.unit_name = unit
    for t in [report.title or ""] + lines:
        m = _YEAR.search(t)
        if m:
            report.fiscal_year = int(m.group(1))
            break
    if report.unit_name is None:
        trace.warn("meta.no_unit_name", "unit name not found on the cover or in the title")
    if report.fiscal_year is None:
        trace.warn("meta.no_fiscal_year", "fiscal year not found in the title or on the cover")



def _report_spec(rows: list[Row], specs: list[Spec]) -> Spec | None:
    """The ``sections`` template (1.0 report form) that fits best, if any."""
    cands = [s for s in specs if s.layout == "sections"]
    if len(cands) <= 1:
        return cands[0] if cands else None
    text = "".join(k for r in rows[:400] for k in r.keys)
    return max(cands, key=lambda s: s.score_markers(text))


_LOOKED_FOR = "部门（单位）整体支出绩效自评表, 部门整体支出绩效自评表, 项目支出绩效自评表, or a text report with numbered headings"


def build_report(doc: Document, source: dict, *, provenance: bool = False, template: str | None = None) -> Report:
    from ..checks import run_checks

    rows = build_rows(doc)
    specs = [get_spec(template)] if template else list(load_specs())
    trace = Trace()
    for err in spec_errors():
        trace.warn("spec.invalid", f"template spec skipped: {err}")
    for w in doc.warnings:  # what the reader could not read cleanly
        if hasattr(w, "code"):
            trace.warn(w.code, w.message, location=getattr(w, "location", None))
    report_spec = _report_spec(rows, specs)
    reg = _regions(rows, report_spec) if report_spec is not None else None
    # Forms after a 1.0 report form (whose cover and tables hold some of their labels too).
    instances = find_instances(rows, [s for s in specs if s.layout == "parts"])
    if reg is not None and instances and instances[0].body < reg["cover"][1]:
        reg = None  # section titles after a form are the headings of its text report
    seed_end = reg["narrative"][0] if reg is not None else 0
    instances = [i for i in instances if i.start >= seed_end]
    first = instances[0].start if instances else len(rows)
    report = Report(source=Source(**source))
    used: list[str] = []
    if reg is not None:
        used.append(report_spec.name)
        part = lambda name: rows[reg[name][0]:reg[name][1]]  # noqa: E731
        report.cover = extract_cover(part("cover"), report_spec, trace)
        report.overview = extract_overview(part("overview"), report_spec, trace)
        report.finance = extract_finance(part("finance"), report_spec, trace)
        report.self_evaluation = extract_self_evaluation(part("self_evaluation"), report_spec, trace)
        report.evaluators = extract_evaluators(part("evaluators"), report_spec, trace)
        narrative_rows = rows[reg["narrative"][0]:first]
        cover_rows = [r for r in part("cover") if r.table is None]  # the form's own title line names the year
    elif instances:
        narrative_rows = rows[instances[-1].end:]
        cover_rows = []
    else:
        narrative_rows = rows
        cover_rows = []
    nspec = report_spec or (instances[0].spec if instances else specs[0])
    t = find_title(narrative_rows, nspec)
    title_row = narrative_rows[t] if t is not None else None
    body = narrative_rows[t + 1:] if t is not None else narrative_rows
    if reg is None and not instances and report_spec is not None:
        # A text-only report: a cover may stand before its title.
        before = narrative_rows[:t] if t is not None else []
        report.cover = extract_cover(before, report_spec, trace)
        cover_rows = [r for r in before if r.table is None]
    report.narrative = extract_narrative(body, nspec, trace)
    _meta(report, cover_rows, title_row, trace)
    if instances:
        _read_forms(report, rows, instances, title_row is not None, trace, used)
    report.template = "+".join(dict.fromkeys(used)) or None
    if reg is not None:
        for name in ("overview", "finance", "self_evaluation"):
            if getattr(report, name) is None:
                trace.warn(f"{name}.missing", f"the form has no {name.replace('_', ' ')} section")
        if not report.evaluators:
            trace.warn("evaluators.missing", "no evaluators (评价人员) found")
    if reg is None and not instances:
        if not report.narrative:
            raise ExtractionError(f"not a performance self-evaluation report: found none of {_LOOKED_FOR}")
        trace.warn("form.missing", "no form (自评表) found: read as a text-only report")
    elif not report.narrative and reg is not None:
        trace.warn("narrative.missing", "no narrative report with headings after the form")
    report.checks = run_checks(report, report_spec or nspec, trace)
    report.warnings = trace.warnings
    if provenance:
        report.provenance = trace.origins()
    return report


def _read_forms(report: Report, rows: list[Row], instances: list[Instance], has_title: bool, trace: Trace,
                used: list[str]) -> None:
    """Each form instance into the report: the department form's self-evaluation, or one project."""
    dept_seen = False
    for inst in instances:
        spec = inst.spec
        used.append(spec.name)
        if spec.fills == "department_form":
            if dept_seen or report.self_evaluation is not None:
                trace.warn("form.duplicate", "a second department form; only the first is read", inst.rows(rows)[0])
                continue
            dept_seen = True
            res = extract_form(inst.rows(rows), inst.title_rows(rows), spec.form, trace, "/self_evaluation",
                               goals_field="qualitative_goals", completion_field="qualitative_completion")
            report.self_evaluation = SelfEvaluation(
                qualitative_goals=res.goals, qualitative_completion=res.completion, indicators=res.indicators,
                score=res.score, grade=res.grade, budget_unit=res.budget_unit, budget_execution=res.budget,
                max_score=res.max_score)
            if res.fields.get("unit_name"):
                report.unit_name = res.fields["unit_name"]
            if res.fiscal_year is not None:
                report.fiscal_year = res.fiscal_year
            if not has_title and res.title:
                report.title = res.title
            _incomplete(res, "the department form", inst, rows, trace)
        else:
            k = len(report.projects)
            res = extract_form(inst.rows(rows), inst.title_rows(rows), spec.form, trace, f"/projects/{k}")
            f = res.fields
            report.projects.append(ProjectEvaluation(
                name=f.get("name"), department=f.get("department"), implementing_unit=f.get("implementing_unit"),
                fiscal_year=res.fiscal_year, budget_unit=res.budget_unit, budget_execution=res.budget,
                goals=res.goals, completion=res.completion, indicators=res.indicators, score=res.score,
                max_score=res.max_score, grade=res.grade, extras=res.extras))
            if f.get("name") is None:
                trace.warn("project.no_name", f"project form {k + 1} has no 项目名称", inst.rows(rows)[0])
            _incomplete(res, f"project form {k + 1}", inst, rows, trace)
            if report.title is None and res.title:
                report.title = res.title
    if report.projects:
        years = [p.fiscal_year for p in report.projects if p.fiscal_year is not None]
        for p in report.projects:
            if p.fiscal_year is None:
                p.fiscal_year = years[0] if years else report.fiscal_year
        if report.self_evaluation is None and report.finance is None:
            report.document_type = "project"
            units = {p.implementing_unit for p in report.projects}
            report.unit_name = units.pop() if len(units) == 1 else None
            if report.fiscal_year is None and years:
                report.fiscal_year = years[0]
    # A form file has no cover or title line: its unit and year come from the forms.
    trace.warnings[:] = [w for w in trace.warnings
                         if not (w.code == "meta.no_unit_name" and report.unit_name is not None)
                         and not (w.code == "meta.no_fiscal_year" and report.fiscal_year is not None)]


def _incomplete(res, what: str, inst: Instance, rows: list[Row], trace: Trace) -> None:
    missing = [p for p in ("budget", "indicators") if p not in res.parts]
    if missing:
        names = {"budget": "budget block (项目资金/年度预算申请)", "indicators": "indicator table (绩效指标)"}
        trace.warn("form.incomplete", f"{what} is incomplete: no {' and no '.join(names[m] for m in missing)}",
                   inst.rows(rows)[0])
