"""Random project / department / Sichuan forms with their expected Report fields.

A ``FormSpec`` holds one form's values and layout knobs (``axes``); ``blocks``
renders it as neutral blocks (``golden.forms.table``) that
``golden.synth.docwriter`` writes as a .docx with real gridSpan/vMerge merges;
``expected`` gives the contract fields the extraction must equal. Arithmetic is
consistent by construction; ``inject`` breaks exactly one rule and records the
(rule, subject) that must fail.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from docparse.document import Paragraph

D = Decimal
AXES = {
    "variant": ["national", "national", "national", "sichuan"],
    "l1_layout": ["inline", "vertical", "two_lines"],
    "l1_weight_style": ["none", "full_fen", "half_fen", "half"],
    "budget_header": ["plain", "b_a", "pct"],
    "approp_label": ["本年财政拨款", "当年财政拨款", "财政拨款", "财政资金"],
    "budget_caption": ["项目资金", "资金情况"],
    "ind_columns": ["standard", "nature", "unit", "reordered"],
    "total_label": ["总分", "合计"],
    "amount_suffix": [False, True],
    "unit": ["万元", "元"],
    "zeros": ["empty", "0", "-"],
    "placeholders": ["none", "dots", "prefix"],
    "ind_prefix": [False, True],
    "notes": [0, 1, 2],
    "goal_style": ["prose", "numbered"],
    "annex": ["", "附件2"],
    "project_codes": [False, True],
    "dept_code": [False, True],
    "carry_row": [True, False],
    "year_style": ["full", "short"],
    "n_projects": [1, 1, 2, 3, 6],
}
L1 = [("产出指标", ["数量指标", "质量指标", "时效指标", "成本指标"]),
      ("效益指标", ["社会效益指标", "经济效益指标", "生态效益指标", "可持续影响指标"]),
      ("满意度指标", ["服务对象满意度指标"])]
IND_NAMES = ["维修里程", "培训人次", "验收合格率", "资金拨付及时率", "设备完好率", "群众满意度", "受益人口",
             "覆盖乡镇数", "项目完成率", "投诉率", "水质达标率", "政府采购执行率", "宣传场次", "检查次数"]
PROJ = ["道路维修项目", "农村饮水安全工程", "防汛物资储备项目", "学校营养餐补助", "环境整治专项",
        "医疗设备购置项目", "干部培训经费", "信息化建设项目", "森林防火专项", "残疾人补助资金"]
UNITS = ["某县交通运输局", "某县水利局", "某县教育局", "某县卫生健康委员会", "某县农业农村局"]


def q2(x: Decimal) -> Decimal:
    return x.quantize(D("0.01"), ROUND_HALF_UP)


def dstr(x: Decimal | None) -> str | None:
    if x is None:
        return None
    s = format(x.normalize(), "f") if x == x.to_integral() else format(x, "f")
    return s


@dataclass
class Ind:
    level1: str
    level2: str
    name: str
    target: str
    actual: str
    weight: Decimal
    score: Decimal
    nature: str | None = None
    unit: str | None = None


@dataclass
class FormSpec:
    case_id: str
    kind: str  # "project" | "sichuan"
    name: str
    department: str
    implementing_unit: str
    year: int
    budget: list  # [(label, kind, init, full, exec)] total first
    budget_weight: Decimal
    budget_score: Decimal
    rate: str | None
    goals: list[str]
    completion: str
    indicators: list[Ind]
    l1_weights: dict
    axes: dict = field(default_factory=dict)
    extras: dict = field(default_factory=dict)
    total_score: Decimal | None = None
    max_score: Decimal | None = None
    inconsistency: tuple | None = None


def _money(rng, lo, hi) -> Decimal:
    return q2(D(rng.randint(lo * 100, hi * 100)) / 100)


def make_spec(rng: random.Random, idx: int, axes: dict, year: int) -> FormSpec:
    sich = axes["variant"] == "sichuan"
    name = PROJ[idx % len(PROJ)] + ("" if idx < len(PROJ) else str(idx))
    if axes["project_codes"] or sich:
        name = "51000021R0000000%05d-%s" % (rng.randint(10000, 99999), name)
    unit = UNITS[rng.randrange(len(UNITS))]
    dept = ("%d-%s" % (rng.randint(100, 999), unit)) if axes["dept_code"] else unit
    labels = [("年度资金总额：" if not sich else "总额", "total"),
              (("其中：" if not sich else "其中：") + (axes["approp_label"] if not sich else "财政资金"), "appropriation")]
    if sich:
        labels += [("财政专户管理资金", "special_account"), ("单位资金", "unit_funds"), ("其他资金", "other")]
    else:
        if axes["carry_row"]:
            labels.append(("上年结转资金", "carryover"))
        labels.append(("其他资金", "other"))
    rows = []
    for lab, kind in labels[1:]:
        if rng.random() < 0.3 and kind != "appropriation":
            rows.append((lab, kind, None, None, None))
            continue
        full = _money(rng, 5, 400) if axes["unit"] == "万元" else _money(rng, 5000, 900000)
        init = full if rng.random() < 0.6 else q2(full * D(rng.randint(70, 100)) / 100)
        ex = q2(full * D(rng.randint(80, 100)) / 100)
        rows.append((lab, kind, init, full, ex))
    tot = [sum((r[i] for r in rows if r[i] is not None), D(0)) for i in (2, 3, 4)]
    budget = [(labels[0][0], "total", *tot)] + rows
    pct = (tot[2] / tot[1] * 100) if tot[1] else D(0)
    places = rng.choice([0, 2])
    rate_num = pct.quantize(D(1) if places == 0 else D("0.01"), ROUND_HALF_UP)
    rate = dstr(rate_num) + ("" if axes["budget_header"] == "pct" and not sich else "%")
    bw = D(10)
    bs = q2(bw * min(pct, D(100)) / 100)
    # indicators: weights sum to 90
    inds, l1w = [], {}
    remaining = 90
    groups = [(L1[0], 50), (L1[1], 30), (L1[2], 10)]
    k = 0
    for (l1, l2s), w in groups:
        n = rng.randint(1, 4) if l1 != "满意度指标" else rng.randint(1, 2)
        ws = _split(rng, w, n)
        l1w[l1] = D(w)
        for j, wj in enumerate(ws):
            l2 = l2s[min(j // 2, len(l2s) - 1)] if l1 != "满意度指标" else l2s[0]
            nm = IND_NAMES[k % len(IND_NAMES)] + ("" if k < len(IND_NAMES) else str(k))
            k += 1
            sc = D(wj) if rng.random() < 0.6 else q2(D(wj) * D(rng.randint(50, 99)) / 100)
            nat = rng.choice(["≥", "≤", "="]) if (axes["ind_columns"] in ("nature",) or sich) else None
            un = rng.choice(["人", "%", "公里", "次"]) if (axes["ind_columns"] == "unit" or sich) else None
            tgt = str(rng.randint(1, 100)) if un else "≥%d%%" % rng.randint(80, 95)
            act = str(rng.randint(1, 100)) if un else "%d%%" % rng.randint(90, 100)
            inds.append(Ind(l1, l2, nm, tgt, act, D(wj), sc, nat, un))
        remaining -= w
    goals = ["完成%s年度任务。" % name.split("-")[-1], "保障资金使用效益。"]
    if axes["goal_style"] == "prose":
        goals = ["".join(goals)]
    spec = FormSpec(f"p{idx}", "sichuan" if sich else "project", name, dept, unit, year, budget, bw, bs, rate,
                    goals, "全部完成年度目标。", inds, l1w, dict(axes))
    if sich:
        spec.extras = {"报表编号": "510000_0013zp", "评价结论": "良好完成年度目标。", "存在问题": "无",
                       "改进措施": "加强预算管理。", "项目负责人": "王某", "财务负责人": "李某"}
    spec.total_score = sum((i.score for i in inds), D(0)) + bs
    spec.max_score = sum((i.weight for i in inds), D(0)) + bw
    return spec


def _split(rng, total: int, n: int) -> list[int]:
    if n == 1:
        return [total]
    cuts = sorted(rng.sample(range(1, total), n - 1))
    return [b - a for a, b in zip([0] + cuts, cuts + [total])]


RULES = ["budget.total_equals_sum", "budget.execution_rate", "indicators.score_within_weight",
         "indicators.level1_weight", "form.total_score", "form.max_score"]


def inject(spec: FormSpec, rule: str, rng: random.Random) -> None:
    """Break exactly one rule; record the (rule, subject) that must fail."""
    n = spec.name
    if rule == "budget.total_equals_sum":
        lab, kind, i, f, e = spec.budget[0]
        spec.budget[0] = (lab, kind, i, f, e + D("1.00"))
        # keep the rate, the scores as printed: only the executed column is off
        spec.inconsistency = (rule, f"{n}/executed")
        # the rate now disagrees too unless recomputed: recompute it from the new total
        pct = (e + D(1)) / f * 100
        places = 0 if "." not in spec.rate else 2
        spec.rate = dstr(pct.quantize(D(1) if places == 0 else D("0.01"), ROUND_HALF_UP)) + ("%" if spec.rate.endswith("%") else "")
    elif rule == "budget.execution_rate":
        num = D(spec.rate.rstrip("%")) - D(3)
        spec.rate = dstr(num) + ("%" if spec.rate.endswith("%") else "")
        spec.inconsistency = (rule, f"{n}/{spec.budget[0][0].rstrip('：:')}")
    elif rule == "indicators.score_within_weight":
        ind = spec.indicators[0]
        old, ind.score = ind.score, ind.weight + D(1)
        spec.total_score += ind.score - old
        spec.inconsistency = (rule, f"{n}/{ind.name}")
    elif rule == "indicators.level1_weight":
        l1 = spec.indicators[0].level1
        spec.l1_weights[l1] += D(2)
        spec.inconsistency = (rule, f"{n}/{l1}")
    elif rule == "form.total_score":
        spec.total_score += D(2)
        spec.inconsistency = (rule, n)
    elif rule == "form.max_score":
        spec.max_score += D(5)
        spec.inconsistency = (rule, n)


# ---------------------------------------------------------------- rendering

def _amt(x: Decimal | None, ax: dict) -> str:
    if x is None:
        return {"empty": "", "0": "0", "-": "-"}[ax["zeros"]] if ax["zeros"] != "0" else ""
    s = f"{x:,.2f}" if ax["unit"] == "元" else f"{x:.2f}"
    return s + (ax["unit"] if ax["amount_suffix"] else "")


def _l1_cell(l1: str, w: Decimal, ax: dict) -> str:
    ws = {"none": "", "full_fen": f"（{dstr(w)}分）", "half_fen": f"({dstr(w)}分)", "half": f"({dstr(w)})"}[ax["l1_weight_style"]]
    if ax["l1_layout"] == "vertical":
        return "\n".join(l1) + ("\n" + ws if ws else "")
    if ax["l1_layout"] == "two_lines":
        return l1 + ("\n" + ws if ws else "")
    return l1 + ws


def project_blocks(s: FormSpec) -> list:
    from golden.forms import table
    if s.kind == "sichuan":
        return sichuan_blocks(s)
    ax = s.axes
    hdr = {"plain": ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"),
           "b_a": ("年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"),
           "pct": ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率（%）", "得分")}[ax["budget_header"]]
    W = 8
    rows = [["项目名称", (s.name, 1, W - 1)],
            ["主管部门", (s.department, 1, 3), ("实施单位", 1, 2), (s.implementing_unit, 1, 2)]]
    nb = len(s.budget)
    cap = "%s（%s）" % (ax["budget_caption"], ax["unit"])
    rows.append([(cap, nb + 1, 1), "", *hdr])
    for i, (lab, kind, a, b, c) in enumerate(s.budget):
        if i == 0:
            rows.append([None, lab, _amt(a, ax), _amt(b, ax), _amt(c, ax), dstr(s.budget_weight), s.rate,
                         dstr(s.budget_score)])
        else:
            rows.append([None, lab, _amt(a, ax), _amt(b, ax), _amt(c, ax), "-", "-" if ax["zeros"] == "-" else "", "-"])
    rows.append([("年度总体目标", 2, 1), ("预期目标", 1, 3), ("实际完成情况", 1, 4)])
    gtext = "\n".join(f"目标{i + 1}：{g}" for i, g in enumerate(s.goals)) if ax["goal_style"] == "numbered" else s.goals[0]
    rows.append([None, (gtext, 1, 3), (s.completion, 1, 4)])
    # indicator table
    cols = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    extra_col = None
    if ax["ind_columns"] == "reordered":
        cols = ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "得分"]
    elif ax["ind_columns"] == "nature":
        extra_col = "指标性质"
    elif ax["ind_columns"] == "unit":
        extra_col = "计量单位"
    body = []
    groups = []
    for ind in s.indicators:
        if groups and groups[-1][0] == ind.level1:
            groups[-1][1].append(ind)
        else:
            groups.append((ind.level1, [ind]))
    for l1, inds in groups:
        extra_rows = []
        if ax["placeholders"] == "dots":
            extra_rows = [None]
        l2groups = []
        for ind in inds:
            if l2groups and l2groups[-1][0] == ind.level2:
                l2groups[-1][1].append(ind)
            else:
                l2groups.append((ind.level2, [ind]))
        grp_rows = []
        for l2, l2inds in l2groups:
            for j, ind in enumerate(l2inds):
                nm = (f"指标{j + 1}：" if ax["ind_prefix"] else "") + ind.name
                vals = {"三级指标": nm, "年度指标值": ind.target, "实际完成值": ind.actual,
                        "分值": dstr(ind.weight), "得分": dstr(ind.score)}
                r = [(l2, len(l2inds), 1) if j == 0 else None] + [vals[c] for c in cols[2:]]
                if extra_col:
                    r.insert(2, ind.nature if extra_col == "指标性质" else ind.unit)
                grp_rows.append(r)
        if ax["placeholders"] == "prefix":
            r = [l2groups[-1][0] + "", f"指标{len(l2groups[-1][1]) + 1}：", "", "", "", ""]
            r = [("……", 1, 1)] + ["", "", "", "", ""]
            r = [r[0], "指标%d：" % (len(inds) + 1), "", "", "", ""]
            if extra_col:
                r.insert(2, "")
            grp_rows.append(r)
        elif ax["placeholders"] == "dots":
            r = ["……", "……", "", "", "", ""]
            if extra_col:
                r.insert(2, "")
            grp_rows.append(r)
        first = _l1_cell(l1, s.l1_weights[l1], ax)
        grp_rows[0] = [(first, len(grp_rows), 1)] + grp_rows[0]
        for r in grp_rows[1:]:
            r.insert(0, None)
        body += grp_rows
    hcols = cols[:3] + ([extra_col] if extra_col else []) + cols[3:]
    nW = len(hcols) + 1
    # widen the form grid if the indicator table has more columns
    if nW > W:
        for r in rows:
            pass
    ind_rows = [[("绩效指标", len(body) + 1, 1), *hcols]] + [[None] + r for r in body]
    if ax["ind_columns"] == "reordered":  # 分值 stands right after 三级指标
        tot = [(ax["total_label"], 1, 4), dstr(s.max_score), ("", 1, 2), dstr(s.total_score)]
    else:
        tot = [(ax["total_label"], 1, nW - 2), dstr(s.max_score), dstr(s.total_score)]
    allrows = rows + ind_rows + [tot]
    if nW > W:  # stretch the last cell of the upper rows
        allrows = [_stretch(r, nW - W) for r in rows] + ind_rows + [tot]
    blocks = []
    if ax["annex"]:
        blocks.append(Paragraph(ax["annex"]))
    blocks += [Paragraph("项目支出绩效自评表"),
               Paragraph("（%d年度）" % s.year if ax["year_style"] == "full" else "（%d年）" % s.year),
               table(allrows)]
    for i in range(ax["notes"]):
        blocks.append(Paragraph("注：%d. 一级指标分值按规定设置。" % (i + 1)))
    return blocks


def _stretch(row: list, extra: int) -> list:
    row = list(row)
    last = row[-1]
    if last is None:
        return row
    t, rs, cs = (last, 1, 1) if isinstance(last, str) else last
    row[-1] = (t, rs, cs + extra)
    return row


def sichuan_blocks(s: FormSpec) -> list:
    from golden.forms import table
    rows = [["项目名称", (s.name, 1, 10)],
            ["主管部门及代码", (s.department, 1, 4), ("实施单位（盖章）", 1, 2), (s.implementing_unit, 1, 4)],
            [("预算执行情况（10分）", len(s.budget) + 2, 1), ("", 2, 1), ("年度预算数（万元）", 1, 3), ("预算执行率", 2, 1),
             ("权重", 2, 1), ("得分", 2, 1), ("原因", 2, 3)],
            [None, None, "年初预算", "调整后预算数", "预算执行数", None, None, None, None]]
    ax = s.axes
    for i, (lab, kind, a, b, c) in enumerate(s.budget):
        if i == 0:
            rows.append([None, lab, _amt(a, ax), _amt(b, ax), _amt(c, ax), s.rate, dstr(s.budget_weight),
                         dstr(s.budget_score), ("", 1, 3)])
        else:
            rows.append([None, lab, _amt(a, ax), _amt(b, ax), _amt(c, ax), "", "", "", ("", 1, 3)])
    rows.append(["项目年度目标", ("；".join(s.goals) if len(s.goals) > 1 else s.goals[0], 1, 10)])
    rows.append(["年度目标完成情况", (s.completion, 1, 10)])
    hdr = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分", ("未完成原因分析", 1, 1)]
    body = []
    groups = []
    for ind in s.indicators:
        if groups and groups[-1][0] == ind.level1:
            groups[-1][1].append(ind)
        else:
            groups.append((ind.level1, [ind]))
    for l1, inds in groups:
        l2g = []
        for ind in inds:
            if l2g and l2g[-1][0] == ind.level2:
                l2g[-1][1].append(ind)
            else:
                l2g.append((ind.level2, [ind]))
        grp = []
        for l2, li in l2g:
            for j, ind in enumerate(li):
                grp.append([(l2, len(li), 1) if j == 0 else None, ind.name, ind.nature, ind.target, ind.unit,
                            ind.actual, dstr(ind.weight), dstr(ind.score), ""])
        grp[0] = [(l1, len(grp), 1)] + grp[0]
        for r in grp[1:]:
            r.insert(0, None)
        body += grp
    rows.append([("绩效指标（90分）", len(body) + 1, 1), *hdr])
    rows += [[None] + r for r in body]
    rows.append([("合计", 1, 8), dstr(s.max_score), dstr(s.total_score), ""])
    rows.append(["评价结论", (s.extras["评价结论"], 1, 10)])
    rows.append(["存在问题", (s.extras["存在问题"], 1, 10)])
    rows.append(["改进措施", (s.extras["改进措施"], 1, 10)])
    return [Paragraph("报表编号：510000_0013zp"), Paragraph("部门预算项目支出绩效自评表"),
            Paragraph("（%d年度）" % s.year), table(rows),
            Paragraph("项目负责人：王某    财务负责人：李某")]


# ---------------------------------------------------------------- expected

def expected_project(s: FormSpec) -> dict:
    def amt(x):
        return dstr(x)
    lines = []
    for i, (lab, kind, a, b, c) in enumerate(s.budget):
        item = lab.replace("其中：", "").rstrip("：:")
        lines.append({"item": item, "kind": kind, "basis": None, "initial_budget": amt(a),
                      "full_year_budget": amt(b), "executed": amt(c), "amount": None,
                      "weight": dstr(s.budget_weight) if i == 0 else None,
                      "execution_rate": s.rate if i == 0 else None,
                      "score": dstr(s.budget_score) if i == 0 else None})
    inds = []
    sich = s.kind == "sichuan"
    for ind in s.indicators:
        inds.append({"level1": ind.level1, "level2": ind.level2, "name": ind.name, "target": ind.target,
                     "actual": ind.actual, "weight": dstr(ind.weight), "score": dstr(ind.score), "note": None,
                     "level1_weight": None if (sich or s.axes["l1_weight_style"] == "none") else dstr(s.l1_weights[ind.level1]),
                     "level2_weight": None, "unit": ind.unit, "nature": ind.nature, "extras": {}})
    return {"name": s.name, "department": s.department, "implementing_unit": s.implementing_unit,
            "fiscal_year": s.year, "budget_unit": "万元" if sich else s.axes["unit"], "budget_execution": lines,
            "goals": s.goals if not sich else ["；".join(s.goals)], "completion": s.completion, "indicators": inds,
            "score": dstr(s.total_score), "max_score": dstr(s.max_score), "grade": None, "extras": dict(s.extras)}


@dataclass
class FileSpec:
    case_id: str
    forms: list
    axes: dict

    @property
    def failing(self):
        return [f.inconsistency for f in self.forms if f.inconsistency]


def random_axes(rng: random.Random, force: dict | None = None) -> dict:
    ax = {k: rng.choice(v) for k, v in AXES.items()}
    if ax["variant"] == "sichuan":
        ax.update(unit="万元", amount_suffix=False)
    ax.update(force or {})
    return ax


def generate_file(seed: int, force: dict | None = None, inject_rule: str | None = None) -> FileSpec:
    rng = random.Random(seed)
    ax = random_axes(rng, force)
    year = rng.randint(2019, 2024)
    forms = []
    used = rng.sample(range(len(PROJ)), min(ax["n_projects"], len(PROJ)))
    for k, i in enumerate(used):
        forms.append(make_spec(rng, i, ax, year))
    if inject_rule is None and rng.random() < 0.3:
        inject_rule = rng.choice(RULES)
    if inject_rule == "indicators.level1_weight" and (ax["variant"] == "sichuan" or ax["l1_weight_style"] == "none"):
        inject_rule = "form.max_score"  # no level-1 weight printed: nothing to contradict
    if inject_rule:
        inject(forms[rng.randrange(len(forms))], inject_rule, rng)
    return FileSpec(f"forms-{seed}", forms, ax)


def file_blocks(f: FileSpec) -> list:
    out = []
    for s in f.forms:
        out += project_blocks(s)
    return out


def file_expected(f: FileSpec) -> dict:
    first = f.forms[0]
    title = "部门预算项目支出绩效自评表" if first.kind == "sichuan" else "项目支出绩效自评表"
    return {"schema_version": "1.1", "document_type": "project", "template": None, "title": title,
            "unit_name": first.implementing_unit if len({x.implementing_unit for x in f.forms}) == 1 else None, "fiscal_year": first.year, "cover": None, "overview": None,
            "finance": None, "self_evaluation": None, "evaluators": [], "narrative": [],
            "projects": [expected_project(s) for s in f.forms],
            "checks": [{"rule": r, "subject": sub, "ok": False} for r, sub in f.failing]}
