"""One report as a self-contained HTML page laid out like the form.

Each value cell carries its JSON pointer (``data-ptr``) and, with provenance,
where it was read (``title``: table/row/col/page, shown on hover). A failed
check marks the cells it is about (red, with a numbered link to its
explanation); a warning marks the cell at its location (yellow) and is
listed in the section it belongs to.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..models import BudgetLine, Check, Indicator, Report, ROW_MODELS
from .html import esc, page

LABELS = {
    "income": {"institution": "单位", "total": "收入合计", "prior_year_carryover": "上年结转",
               "general_budget": "一般公共预算财政拨款", "government_fund": "政府性基金拨款",
               "special_account_non_tax": "纳入专户管理的非税收入拨款", "other": "其他收入"},
    "expenditure": {"institution": "单位", "total": "支出合计", "basic": "基本支出", "personnel": "人员支出",
                    "public_use": "公用支出", "project": "项目支出", "current_surplus": "当年结余",
                    "accumulated_surplus": "累计结余"},
    "three_public": {"institution": "单位", "total": "合计", "reception": "公务接待费",
                     "vehicle_operation": "公务用车运行维护费", "vehicle_purchase": "公务用车购置费",
                     "overseas_travel": "因公出国（境）费"},
    "fixed_assets": {"institution": "单位", "total": "合计", "in_use": "在用", "leased": "出租出借", "other": "其他"},
    "budget": {"item": "项目", "initial_budget": "年初预算数", "full_year_budget": "全年预算数",
               "executed": "全年执行数", "amount": "金额", "weight": "分值", "execution_rate": "执行率", "score": "得分"},
    "indicator": {"level1": "一级指标", "level2": "二级指标", "name": "三级指标", "nature": "指标性质",
                  "target": "年度指标值", "unit": "计量单位", "actual": "实际完成值", "weight": "分值",
                  "score": "得分", "note": "偏差原因分析及改进措施"},
    "cover": {"unit_name": "单位名称", "budget_code": "预算编码", "evaluation_method": "评价方式",
              "evaluation_agency": "评价机构", "report_date": "报告日期", "issuer": "发布单位"},
    "overview": {"contact_person": "联系人", "contact_phone": "联系电话", "authorized_staff": "编制人数",
                 "actual_staff": "实有人数", "functions": "职能职责", "annual_work": "年度主要工作",
                 "performance_summary": "整体绩效情况"},
    "project": {"name": "项目名称", "department": "主管部门", "implementing_unit": "实施单位",
                "fiscal_year": "年度"},
    "evaluator": {"name": "姓名", "position": "职务", "organization": "单位"},
}
TITLES = {"income": "收入情况", "expenditure": "支出情况", "three_public": "“三公”经费", "fixed_assets": "固定资产"}

RULES = {
    "row_total": "合计应等于各分项之和", "summary_equals_sum": "汇总行应等于各单位行之和",
    "basic_split": "基本支出应等于人员支出加公用支出", "grade_matches_score": "自评等级应与得分的区间一致",
    "total_equals_sum": "年度资金总额应等于各资金来源之和", "income_sum": "按收入性质分的金额之和应等于年度资金总额",
    "expenditure_sum": "按支出性质分的金额之和应等于年度资金总额", "execution_rate": "执行率应等于执行数 ÷ 全年预算数",
    "score_within_weight": "得分应在 0 与分值之间", "level1_weight": "一级指标下各指标分值之和应等于其权重",
    "total_score": "总分应等于各指标得分与预算执行得分之和", "max_score": "总分分值应等于各指标分值与预算执行分值之和",
}

_LOC = re.compile(r"table (\d+) row (\d+)(?: col (\d+))?")


def explain(c: Check) -> str:
    what = RULES.get(c.rule.split(".", 1)[-1], "")
    if c.rule.startswith("narrative."):
        what = "报告正文所述数字应与表中一致"
    parts = [what] if what else []
    if c.actual is not None or c.expected is not None:
        parts.append(f"printed {_fmt(c.actual)}, computed {_fmt(c.expected)}")
    if c.message:
        parts.append(c.message)
    return "; ".join(parts)


def _fmt(v) -> str:
    if v is None:
        return "—"
    return format(v, "f") if not isinstance(v, str) else v


def _provenance_index(report: Report) -> dict[tuple, list[str]]:
    idx: dict[tuple, list[str]] = defaultdict(list)
    for ptr, o in (report.provenance or {}).items():
        idx[(o.table, o.row, o.col)].append(ptr)
        idx[(o.table, o.row, None)].append(ptr)
    return idx


def _by_location(loc: str | None, idx) -> list[str]:
    m = _LOC.search(loc or "")
    if not m:
        return []
    t, r, c = int(m.group(1)), int(m.group(2)), m.group(3)
    return list(idx.get((t, r, int(c) if c is not None else None), []))


def _form_base(report: Report, subject: str) -> tuple[str | None, str]:
    """The pointer of the form a form check's subject names, and the rest of the subject."""
    if subject == "部门" or subject.startswith("部门/"):
        return "/self_evaluation", subject[3:]
    for k, p in enumerate(report.projects):
        name = p.name or f"项目{k + 1}"
        if subject == name or subject.startswith(name + "/"):
            return f"/projects/{k}", subject[len(name) + 1:]
    return None, subject


_NARRATIVE = {"total_income": ("income", "total"), "total_expenditure": ("expenditure", "total"),
              "basic_expenditure": ("expenditure", "basic"), "project_expenditure": ("expenditure", "project"),
              "three_public": ("three_public", "total")}


def check_pointers(report: Report, c: Check, idx=None) -> list[str]:
    """The JSON pointers of the values a check is about (where to mark it)."""
    table, _, rule = c.rule.partition(".")
    fin = report.finance
    if fin is not None and table in ROW_MODELS:
        rows = getattr(fin, table)
        if rule == "summary_equals_sum":
            return [f"/finance/{table}/{i}/{c.subject}" for i, r in enumerate(rows) if r.is_summary]
        col = "basic" if rule == "basic_split" else "total"
        return [f"/finance/{table}/{i}/{col}" for i, r in enumerate(rows) if r.institution == c.subject]
    if table == "narrative" and fin is not None and rule in _NARRATIVE:
        t, col = _NARRATIVE[rule]  # the figure the narrative was compared with
        rows = getattr(fin, t)
        summary = [i for i, r in enumerate(rows) if r.is_summary] or ([0] if len(rows) == 1 else [])
        return [f"/finance/{t}/{i}/{col}" for i in summary]
    if c.rule == "self_evaluation.grade_matches_score":
        if c.subject.endswith("/grade"):
            base, _ = _form_base(report, c.subject[: -len("/grade")])
            return [f"{base}/grade", f"{base}/score"] if base else []
        return ["/self_evaluation/grade", "/self_evaluation/score"]
    base, rest = _form_base(report, c.subject)
    if base is None:
        return _by_location(c.location, idx or {})
    form = report.self_evaluation if base == "/self_evaluation" else report.projects[int(base.rsplit("/", 1)[1])]
    lines: list[BudgetLine] = form.budget_execution
    inds: list[Indicator] = form.indicators
    total_i = next((i for i, ln in enumerate(lines) if ln.kind == "total"), None)
    if table == "budget":
        if rule == "total_equals_sum" and total_i is not None:
            return [f"{base}/budget_execution/{total_i}/{rest}"]
        if rule in ("income_sum", "expenditure_sum") and total_i is not None:
            return [f"{base}/budget_execution/{total_i}/full_year_budget"]
        if rule == "execution_rate":
            return [f"{base}/budget_execution/{i}/execution_rate" for i, ln in enumerate(lines) if ln.item == rest][:1]
    if table == "indicators":
        if rule == "score_within_weight":
            return [f"{base}/indicators/{i}/score" for i, ind in enumerate(inds) if ind.name == rest][:1]
        if rule == "level1_weight":
            return [f"{base}/indicators/{i}/level1" for i, ind in enumerate(inds) if ind.level1 == rest][:1]
    if table == "form":
        return [f"{base}/{'score' if rule == 'total_score' else 'max_score'}"]
    return _by_location(c.location, idx or {})


class _Marks:
    """Which cells are marked, and by which checks and warnings."""

    def __init__(self, report: Report):
        self.report = report
        self.prov = report.provenance or {}
        idx = _provenance_index(report)
        self.failed = [c for c in report.checks if not c.ok]
        self.bad: dict[str, list[int]] = defaultdict(list)  # pointer → check numbers (1-based)
        self.unplaced: list[int] = []
        for n, c in enumerate(self.failed, 1):
            ptrs = check_pointers(report, c, idx)
            for p in ptrs:
                self.bad[p].append(n)
            if not ptrs:
                self.unplaced.append(n)
        self.warn: dict[str, list[int]] = defaultdict(list)
        self.warn_section: dict[str, list[int]] = defaultdict(list)  # section → warning numbers
        for n, w in enumerate(report.warnings, 1):
            ptrs = _by_location(w.location, idx)
            for p in ptrs:
                self.warn[p].append(n)
            self.warn_section[_section_of(ptrs[0]) if ptrs else "document"].append(n)

    def cell(self, ptr: str, value, *, cls: str = "", tag: str = "td", attrs: str = "") -> str:
        classes = [cls] if cls else []
        titles = []
        o = self.prov.get(ptr)
        if o is not None:
            where = ", ".join(f"{k} {v}" for k, v in (("table", o.table), ("row", o.row), ("col", o.col),
                                                      ("paragraph", o.paragraph), ("page", o.page)) if v is not None)
            titles.append(f"read at {where}")
        marks = ""
        for n in self.bad.get(ptr, []):
            classes.append("bad")
            c = self.failed[n - 1]
            titles.append(f"FAILED {c.rule}: {explain(c)}")
            marks += f'<a class="mark" href="#check-{n}">✗{n}</a>'
        for n in self.warn.get(ptr, []):
            classes.append("warn")
            w = self.report.warnings[n - 1]
            titles.append(f"warning {w.code}: {w.message}")
            marks += f'<a class="mark" href="#warning-{n}">⚠{n}</a>'
        text = _fmt(value) if value is not None and not isinstance(value, (str, int)) else esc(value)
        cl = f' class="{esc(" ".join(dict.fromkeys(classes)))}"' if classes else ""
        ti = f' title="{esc(" | ".join(titles))}"' if titles else ""
        return f'<{tag} data-ptr="{esc(ptr)}"{cl}{ti}{attrs}>{text}{marks}</{tag}>'

    def warnings_box(self, section: str) -> str:
        ns = self.warn_section.get(section, [])
        if not ns:
            return ""
        items = "".join(f'<li id="warning-{n}"><b>{esc(w.code)}</b> {esc(w.message)}'
                        + (f' <span class="meta">({esc(w.location)})</span>' if w.location else "") + "</li>"
                        for n in ns for w in [self.report.warnings[n - 1]])
        return f'<div class="box w"><b>Warnings</b><ol>{items}</ol></div>'


def _section_of(ptr: str) -> str:
    parts = ptr.split("/")
    if len(parts) > 2 and parts[1] == "projects":
        return f"projects/{parts[2]}"
    return parts[1] if len(parts) > 1 else "document"


def _num_cls(v) -> str:
    return "num" if v is not None and not isinstance(v, str) else ""


def _label_rows(mk: _Marks, base: str, obj, labels: dict[str, str], extras: dict | None = None) -> str:
    rows = []
    for f, label in labels.items():
        v = getattr(obj, f, None)
        long = isinstance(v, str) and len(v) > 40
        rows.append(f'<tr><td class="label">{esc(label)}</td>'
                    + mk.cell(f"{base}/{f}", v, cls="long" if long else "") + "</tr>")
    for k, v in (extras or {}).items():
        rows.append(f'<tr><td class="label">{esc(k)}</td>' + mk.cell(f"{base}/extras/{k}", v) + "</tr>")
    return "<table>" + "".join(rows) + "</table>"


def _finance(mk: _Marks, report: Report) -> str:
    fin = report.finance
    out = [f'<h2>收支情况 <span class="meta">（单位：{esc(fin.currency_unit or "未注明")}）</span></h2>']
    for table, model in ROW_MODELS.items():
        rows = getattr(fin, table)
        labels = LABELS[table]
        cols = [f for f in model.model_fields if f in labels]
        extra_keys = list(dict.fromkeys(k for r in rows for k in r.extras))
        head = "".join(f"<th>{esc(labels[c])}</th>" for c in cols) + "".join(f"<th>{esc(k)}</th>" for k in extra_keys)
        body = []
        for i, r in enumerate(rows):
            tds = "".join(mk.cell(f"/finance/{table}/{i}/{c}", getattr(r, c), cls=_num_cls(getattr(r, c)))
                          for c in cols)
            tds += "".join(mk.cell(f"/finance/{table}/{i}/extras/{k}", r.extras.get(k), cls="num") for k in extra_keys)
            body.append(f'<tr{" class=summary" if r.is_summary else ""}>{tds}</tr>')
        out.append(f"<h3>{esc(TITLES[table])}</h3>")
        out.append(f"<table><tr>{head}</tr>{''.join(body)}</table>" if rows else '<p class="empty">（无）</p>')
    return "".join(out) + mk.warnings_box("finance")


def _budget(mk: _Marks, base: str, unit: str | None, lines: list[BudgetLine], caption: str) -> str:
    if not lines:
        return ""
    labels = LABELS["budget"]
    cols = [c for c in labels if c == "item" or any(getattr(ln, c) is not None for ln in lines)]
    head = "".join(f"<th>{esc(labels[c])}</th>" for c in cols)
    body = "".join("<tr>" + "".join(mk.cell(f"{base}/budget_execution/{i}/{c}", getattr(ln, c),
                                            cls=_num_cls(getattr(ln, c))) for c in cols) + "</tr>"
                   for i, ln in enumerate(lines))
    return (f'<h3>{esc(caption)} <span class="meta">（单位：{esc(unit or "未注明")}）</span></h3>'
            f"<table><tr>{head}</tr>{body}</table>")


def _indicators(mk: _Marks, base: str, inds: list[Indicator]) -> str:
    if not inds:
        return ""
    labels = LABELS["indicator"]
    cols = [c for c in labels if c in ("level1", "level2", "name") or any(getattr(i, c) for i in inds)]
    extra_keys = list(dict.fromkeys(k for i in inds for k in i.extras))
    head = "".join(f"<th>{esc(labels[c])}</th>" for c in cols) + "".join(f"<th>{esc(k)}</th>" for k in extra_keys)

    def spans(key):  # rowspans of runs of equal level1 / (level1, level2), as the form merges them
        out, i = {}, 0
        while i < len(inds):
            j = i
            while j + 1 < len(inds) and key(inds[j + 1]) == key(inds[i]):
                j += 1
            out[i] = j - i + 1
            i = j + 1
        return out

    s1 = spans(lambda x: x.level1)
    s2 = spans(lambda x: (x.level1, x.level2))
    body = []
    for i, ind in enumerate(inds):
        tds = []
        for c in cols:
            v = getattr(ind, c)
            if c in ("level1", "level2"):
                sp = (s1 if c == "level1" else s2).get(i)
                if sp is None:
                    continue
                w = getattr(ind, f"{c}_weight")
                text = f"{v}（{w}分）" if v and w else v
                tds.append(mk.cell(f"{base}/indicators/{i}/{c}", text, attrs=f' rowspan="{sp}"' if sp > 1 else ""))
            else:
                tds.append(mk.cell(f"{base}/indicators/{i}/{c}", v, cls="num" if c in ("weight", "score") else ""))
        tds += [mk.cell(f"{base}/indicators/{i}/extras/{k}", ind.extras.get(k)) for k in extra_keys]
        body.append("<tr>" + "".join(tds) + "</tr>")
    return f"<h3>绩效指标</h3><table><tr>{head}</tr>{''.join(body)}</table>"


def _score_line(mk: _Marks, base: str, form) -> str:
    cells = [f'<td class="label">总分</td>', mk.cell(f"{base}/score", form.score, cls="num")]
    if getattr(form, "max_score", None) is not None:
        cells += ['<td class="label">分值</td>', mk.cell(f"{base}/max_score", form.max_score, cls="num")]
    cells += ['<td class="label">等级</td>', mk.cell(f"{base}/grade", form.grade)]
    return "<table><tr>" + "".join(cells) + "</tr></table>"


def _goals(mk: _Marks, base: str, goals: list[str], gfield: str, completion, cfield: str) -> str:
    if not goals and not completion:
        return ""
    g = "".join(mk.cell(f"{base}/{gfield}/{i}", t, tag="li") for i, t in enumerate(goals))
    return ('<h3>年度总体目标</h3><table><tr><td class="label">预期目标</td>'
            f'<td><ol>{g}</ol></td></tr><tr><td class="label">实际完成情况</td>'
            + mk.cell(f"{base}/{cfield}", completion, cls="long") + "</tr></table>")


def _self_evaluation(mk: _Marks, se) -> str:
    return ("<h2>整体支出绩效自评情况</h2>"
            + _budget(mk, "/self_evaluation", se.budget_unit, se.budget_execution, "年度预算申请（预算执行情况）")
            + _goals(mk, "/self_evaluation", se.qualitative_goals, "qualitative_goals", se.qualitative_completion,
                     "qualitative_completion")
            + _indicators(mk, "/self_evaluation", se.indicators)
            + _score_line(mk, "/self_evaluation", se) + mk.warnings_box("self_evaluation"))


def _project(mk: _Marks, k: int, p) -> str:
    base = f"/projects/{k}"
    return (f'<section class="form" id="project-{k}"><h2>项目支出绩效自评表 · {esc(p.name or f"项目{k + 1}")}</h2>'
            + _label_rows(mk, base, p, LABELS["project"], p.extras)
            + _budget(mk, base, p.budget_unit, p.budget_execution, "项目资金")
            + _goals(mk, base, p.goals, "goals", p.completion, "completion")
            + _indicators(mk, base, p.indicators) + _score_line(mk, base, p)
            + mk.warnings_box(f"projects/{k}") + "</section>")


def _outline(mk: _Marks, sections, base="/narrative") -> str:
    items = []
    for i, s in enumerate(sections):
        ptr = f"{base}/{i}"
        head = " ".join(x for x in (s.number, s.heading) if x)
        text = f'<div class="t">{esc(s.text)}</div>' if s.text else ""
        kids = _outline(mk, s.children, f"{ptr}/children") if s.children else ""
        items.append(f'<li><b data-ptr="{esc(ptr)}">{esc(head)}</b>{text}{kids}</li>')
    return f"<ol>{''.join(items)}</ol>"


def _checks(mk: _Marks, report: Report) -> str:
    n_ok = sum(1 for c in report.checks if c.ok)
    if not mk.failed:
        return f'<p class="ok">All {n_ok} checks pass.</p>' if report.checks else ""
    items = []
    for n, c in enumerate(mk.failed, 1):
        loc = f' <span class="meta">({esc(c.location)})</span>' if c.location else ""
        placed = "" if n not in mk.unplaced else ' <span class="meta">(not at a table cell)</span>'
        items.append(f'<li class="fail" id="check-{n}"><b>✗{n} {esc(c.rule)}</b> · {esc(c.subject)}: '
                     f'{esc(explain(c))}{loc}{placed}</li>')
    return (f'<div class="box checks"><b>{len(mk.failed)} failed check(s)</b>, {n_ok} passed. '
            f'Failed values are marked <span class="bad">&nbsp;like this&nbsp;</span> at their cells.'
            f'<ol style="list-style:none;padding-left:0">{"".join(items)}</ol></div>')


def render(report: Report) -> str:
    """The report as one self-contained HTML page."""
    mk = _Marks(report)
    shown = {"document", "cover" if report.cover else "", "overview" if report.overview else "",
             "finance" if report.finance else "", "self_evaluation" if report.self_evaluation else "",
             "evaluators" if report.evaluators else "", "narrative" if report.narrative else ""}
    shown |= {f"projects/{k}" for k in range(len(report.projects))}
    for sec in [s for s in mk.warn_section if s not in shown]:  # no section to list them in: at the top
        mk.warn_section["document"] += mk.warn_section.pop(sec)
    src = report.source
    title = report.title or report.unit_name or src.file or "report"
    badges = (f'<span class="badge">{esc(report.document_type)}</span>'
              + (f'<span class="badge">template {esc(report.template)}</span>' if report.template else "")
              + f'<span class="badge{" fail" if mk.failed else ""}">{len(mk.failed)} failed checks</span>'
              + f'<span class="badge{" warn" if report.warnings else ""}">{len(report.warnings)} warnings</span>')
    body = [f"<h1>{esc(title)}</h1>",
            f'<p class="meta">{esc(report.unit_name)} · {esc(report.fiscal_year)} · {esc(src.file)} '
            f'({esc(src.format)}{", %s pages" % src.pages if src.pages else ""}) · sha256 {esc(src.sha256[:16])}</p>',
            f"<p>{badges}</p>", _checks(mk, report), mk.warnings_box("document")]
    if report.cover is not None:
        body.append('<section class="form"><h2>封面</h2>'
                    + _label_rows(mk, "/cover", report.cover, LABELS["cover"]) + mk.warnings_box("cover") + "</section>")
    if report.overview is not None:
        body.append('<section class="form"><h2>基本概况</h2>'
                    + _label_rows(mk, "/overview", report.overview, LABELS["overview"], report.overview.extras)
                    + mk.warnings_box("overview") + "</section>")
    if report.finance is not None:
        body.append('<section class="form">' + _finance(mk, report) + "</section>")
    if report.self_evaluation is not None:
        body.append('<section class="form">' + _self_evaluation(mk, report.self_evaluation) + "</section>")
    body += [_project(mk, k, p) for k, p in enumerate(report.projects)]
    if report.evaluators:
        labels = LABELS["evaluator"]
        rows = "".join("<tr>" + "".join(mk.cell(f"/evaluators/{i}/{f}", getattr(e, f)) for f in labels) + "</tr>"
                       for i, e in enumerate(report.evaluators))
        body.append('<section class="form"><h2>评价人员</h2><table><tr>'
                    + "".join(f"<th>{esc(v)}</th>" for v in labels.values()) + f"</tr>{rows}</table>"
                    + mk.warnings_box("evaluators") + "</section>")
    if report.narrative:
        body.append('<section class="form outline"><h2>自评报告（提纲）</h2>' + _outline(mk, report.narrative)
                    + mk.warnings_box("narrative") + "</section>")
    if not report.provenance:
        body.append('<p class="meta">Extracted without provenance: run <code>docparse view</code> on the document '
                    'itself to see where each value was read.</p>')
    return page(title, "".join(body))
