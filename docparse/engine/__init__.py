"""The extraction engine: neutral ``Document`` → ``Report``.

It knows reports, not formats. ``build_report`` lays the document out as rows
(``rows.py``), finds the form's parts by the anchors of the chosen template
spec, and hands each part to its extractor; the title, unit and year are read
from the title line, the cover or the form title; checks run last.
"""

from __future__ import annotations

import re

from ..document import Document
from ..errors import ExtractionError
from ..models import Report, Source
from ..text import clean
from .finance import extract_finance
from .labelled import extract_cover, extract_overview
from .narrative import extract_narrative, find_title
from .people import extract_evaluators
from .rows import Row, build_rows, find_row
from .selfeval import extract_self_evaluation
from .spec import Spec, get_spec, load_specs
from .trace import Trace

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# 岳阳县退役军人事务局（关于）2022年度… / 2022年度岳阳县退役军人事务局部门整体支出…
_UNIT_FROM_TITLE = (
    re.compile(r"^(?!关于)(.+?)(?:关于)?(?:(?:19|20)\d{2}\s*年)"),
    re.compile(r"^(?:关于)?(?:19|20)\d{2}\s*年度?(.+?)(?:部门|单位)?(?:[（(]单位[）)])?(?:整体支出|整体绩效|绩效自评|绩效评价)"),
)


def choose_spec(rows: list[Row], name: str | None) -> Spec:
    if name:
        return get_spec(name)
    specs = load_specs()
    if len(specs) == 1:
        return specs[0]
    text = "".join(k for r in rows[:400] for k in r.keys)
    return max(specs, key=lambda s: s.score_markers(text))


def _regions(rows: list[Row], spec: Spec) -> dict[str, tuple[int, int]]:
    """Row ranges of cover, overview, finance, self-evaluation, evaluators, narrative."""
    s = spec.sections
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
    if not anchors:
        raise ExtractionError("not a performance self-evaluation report: none of the form's sections was found")
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


def build_report(doc: Document, source: dict, *, provenance: bool = False, template: str | None = None) -> Report:
    from ..checks import run_checks

    rows = build_rows(doc)
    spec = choose_spec(rows, template)
    trace = Trace()
    reg = _regions(rows, spec)
    part = lambda name: rows[reg[name][0]:reg[name][1]]  # noqa: E731

    report = Report(document_type=spec.document_type, template=spec.name, source=Source(**source))
    report.cover = extract_cover(part("cover"), spec, trace)
    report.overview = extract_overview(part("overview"), spec, trace)
    report.finance = extract_finance(part("finance"), spec, trace)
    report.self_evaluation = extract_self_evaluation(part("self_evaluation"), spec, trace)
    report.evaluators = extract_evaluators(part("evaluators"), spec, trace)
    narrative_rows = part("narrative")
    t = find_title(narrative_rows, spec)
    title_row = narrative_rows[t] if t is not None else None
    # The form's own title line (2021年度部门整体支出绩效自评表) also names the year.
    form_title = [r for r in part("cover") if r.table is None]
    _meta(report, form_title, title_row, trace)
    body = narrative_rows[t + 1:] if t is not None else narrative_rows
    report.narrative = extract_narrative(body, spec, trace)
    for name in ("overview", "finance", "self_evaluation"):
        if getattr(report, name) is None:
            trace.warn(f"{name}.missing", f"the form has no {name.replace('_', ' ')} section")
    if not report.evaluators:
        trace.warn("evaluators.missing", "no evaluators (评价人员) found")
    if not report.narrative:
        trace.warn("narrative.missing", "no narrative report with headings after the form")
    report.checks = run_checks(report, spec, trace)
    report.warnings = trace.warnings
    if provenance:
        report.provenance = trace.origins()
    return report
