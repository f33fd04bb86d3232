"""The form-family golden cases, written as neutral documents.

Each case is the list of blocks (paragraphs and tables of merged cells) a
reader should make of it; ``golden.synth.docwriter`` writes it as the .docx,
LibreOffice makes the .pdf, ``golden.web`` the .html. The builders below are
also what ``tests/test_forms.py`` uses, so a layout is defined once.

Each case also states what the golden JSON must say (``expect``: the key
fields, from the case's own values) and the inconsistencies built into it
(``inconsistencies``: the (rule, subject) pairs that must fail, and only those).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from docparse.document import Cell, Paragraph, Table


def table(rows: list[list]) -> Table:
    """Rows of cells; a cell is text or (text, rowspan, colspan); None is a slot a merge above covers."""
    cells, n_cols = [], 0
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        for item in row:
            while (r, c) in taken:
                c += 1
            if item is None:
                continue
            text, rs, cs = (item, 1, 1) if isinstance(item, str) else item
            cells.append(Cell(r, c, text, rs, cs))
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            c += cs
        n_cols = max(n_cols, c, max((k for rr, k in taken if rr == r), default=-1) + 1)
    return Table(cells, len(rows), n_cols)


def project_form(name="道路维修项目", total=("100", "120", "114"), rate="95%", rows=None, score="95",
                 caption="项目资金（万元）", total_label="总分") -> list:
    rows = rows or [("其中：本年财政拨款", "100", "110", "104"), ("上年结转资金", "", "10", "10"), ("其他资金", "", "", "")]
    n = 1 + len(rows)
    return [
        Paragraph("项目支出绩效自评表"), Paragraph("（2022年度）"),
        table([
            ["项目名称", (name, 1, 7)],
            ["主管部门", ("219-某县交通运输局", 1, 2), ("实施单位", 1, 2), ("某县公路事务中心", 1, 2)],
            [(caption, n + 1, 1), "", "年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"],
            [None, "年度资金总额：", *total, "10", rate, "9.5"],
            *[[None, label, *vals, "-", "", "-"] for label, *vals in rows],
            [("年度总体目标", 2, 1), ("预期目标", 1, 3), ("实际完成情况", 1, 4)],
            [None, ("目标1：完成道路维修。\n目标2：保障通行安全。", 1, 3), ("全部完成。", 1, 4)],
            [("绩效指标", 5, 1), "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
            [None, ("产\n出\n指\n标\n（50分）", 2, 1), "数量指标", "指标1：维修里程", "≥10公里", "12公里", "50", "48"],
            [None, None, "质量指标", "指标2：", "", "", "", ""],
            [None, "效益指标(30)", "社会效益指标", "通行满意度", "≥90%", "95%", "30", "28"],
            [None, "满意度指标（10分）", "服务对象满意度指标", "群众满意度", "≥90%", "93%", "10", "9.5"],
            [(total_label, 1, 6), "100", score],
        ]),
        Paragraph("注：一级指标分值按规定设置。"),
    ]


def sichuan_form() -> list:
    return [
        Paragraph("报表编号：510000_0013zp"),
        Paragraph("部门预算项目支出绩效自评表"), Paragraph("（2022年度）"),
        table([
            ["项目名称", ("51000021R000000019951-工资性支出", 1, 10)],
            ["主管部门及代码", ("101-四川省某厅", 1, 4), ("实施单位（盖章）", 1, 2), ("四川省某厅", 1, 4)],
            [("预算执行情况（10分）", 7, 1), ("", 2, 1), ("年度预算数（万元）", 1, 3), ("预算执行率", 2, 1),
             ("权重", 2, 1), ("得分", 2, 1), ("原因", 2, 3)],
            [None, None, "年初预算", "调整后预算数", "预算执行数", None, None, None, None],
            [None, "总额", "200", "210", "205", "97.62%", "10", "9.76", ("", 1, 3)],
            [None, "其中：财政资金", "200", "200", "195", "", "", "", ("", 1, 3)],
            [None, "财政专户管理资金", "", "", "", "", "", "", ("", 1, 3)],
            [None, "单位资金", "", "10", "10", "", "", "", ("", 1, 3)],
            [None, "其他资金", "", "", "", "", "", "", ("", 1, 3)],
            ["项目年度目标", ("保障人员工资按时发放。", 1, 10)],
            ["年度目标完成情况", ("按时足额发放。", 1, 10)],
            [("绩效指标（90分）", 4, 1), "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值",
             "权重", "得分", "未完成原因分析"],
            [None, ("产出指标", 2, 1), "数量指标", "发放人数", "≥", "120", "人", "120", "45", "45", ""],
            [None, None, "时效指标", "发放及时率", "＝", "100", "%", "100", "25", "25", ""],
            [None, "效益指标", "社会效益指标", "队伍稳定", "定性", "稳定", "", "稳定", "20", "18", "个别人员流动"],
            [("合计", 1, 8), "100", "97.76", ""],
            ["评价结论", ("良好完成年度目标。", 1, 10)],
            ["存在问题", ("无", 1, 10)],
            ["改进措施", ("加强预算管理。", 1, 10)],
        ]),
        Paragraph("项目负责人：王某    财务负责人：李某"),
    ]


def department_form(narrative: bool = False) -> list:
    blocks = [
        Paragraph("部门整体支出绩效自评表"), Paragraph("（2021年度）"),
        table([
            [("预算单位名称", 1, 2), ("某县农业农村局", 1, 6)],
            [("年度预算申请（万元）", 6, 1), "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
            [None, "年度资金总额", "500万元", "620.5万元", "600万元", "10", "96.70%", "9.67"],
            [None, ("按收入性质分：", 1, 3), ("按支出性质分：", 1, 4)],
            [None, ("其中：一般公共预算：600.5万元", 1, 3), ("其中：基本支出：300万元", 1, 4)],
            [None, ("政府性基金拨款：20万元", 1, 3), ("项目支出：320.5万元", 1, 4)],
            [None, ("其他资金：", 1, 3), ("", 1, 4)],
            [("年度总体目标", 2, 1), ("预期目标", 1, 3), ("实际完成情况", 1, 4)],
            [None, ("1.推进高标准农田建设。\n2.发展村级集体经济。", 1, 3), ("基本完成。", 1, 4)],
            ["一级指标", "二级指标", ("三级指标", 1, 2), "年度指标值", "实际完成值", "分值", "得分"],
            [("产出指标(90)", 1, 1), "数量指标", ("农田建设面积", 1, 2), "≥1万亩", "1.2万亩", "90", "85"],
            [("总分", 1, 6), "100", "94.67"],
        ]),
        Paragraph("填表人：张某    联系电话：0746-1234567"),
    ]
    if narrative:
        blocks += [Paragraph("某县农业农村局2021年度部门整体支出绩效自评报告"), Paragraph("一、部门基本情况"),
                   Paragraph("本局内设机构8个。"), Paragraph("二、绩效自评结论"), Paragraph("总体良好。")]
    return blocks


def project_form_b(name: str, code: str, yuan: bool = False, score_over: bool = False,
                   approp: str = "当年财政拨款") -> list:
    """The other common layout: 执行率（%） as bare numbers, indicator columns in another order with
    指标性质 / 计量单位 / 指标方向, weights on the level-2 cells, a 合计 row, amounts with their unit."""
    if yuan:
        unit, amounts = "元", [("年度资金总额", "1,250,000.00元", "1,250,000.00元", "1,200,000.00元"),
                              (f"其中：{approp}", "1,000,000.00元", "1,000,000.00元", "980,000.00元"),
                              ("上年结转资金", "250,000.00元", "250,000.00元", "220,000.00元"),
                              ("其他资金", "—", "—", "—")]
        rate = "96"
    else:
        unit, amounts = "万元", [("年度资金总额", "620.82万元", "640.00万元", "633.60万元"),
                               (f"其中：{approp}", "620.82万元", "640.00万元", "633.60万元"),
                               ("上年结转资金", "/", "/", "/"),
                               ("其他资金", "/", "/", "/")]
        rate = "99"
    s1 = "21" if score_over else "19"
    budget_score = "9.6" if yuan else "9.9"
    # 总分 = the indicators' scores + the budget block's
    total = format(sum(Decimal(x) for x in (s1, "20", "19.7", "20", "10", budget_score)), "f")
    return [
        Paragraph("附件2"), Paragraph("项目支出绩效自评表"), Paragraph("（2023年度）"),
        table([
            ["项目名称", (name, 1, 8)],
            ["主管部门", (f"{code}-某区卫生健康委员会", 1, 3), ("实施单位", 1, 2), ("某区疾病预防控制中心", 1, 3)],
            [(f"项目资金（{unit}）", 5, 1), "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率（%）", ("得分", 1, 2)],
            *[[None, label, a, b, c, "10" if i == 0 else "-", rate if i == 0 else "-", (budget_score if i == 0 else "-", 1, 2)]
              for i, (label, a, b, c) in enumerate(amounts)],
            [("年度总体目标", 2, 1), ("预期目标", 1, 4), ("实际完成情况", 1, 4)],
            [None, ("1.完成重点人群免疫接种；\n2.及时处置突发疫情。", 1, 4), ("各项目标均已完成。", 1, 4)],
            ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值（B）", "得分", "指标性质", "计量单位",
             "指标方向"],
            [("产出指标（60分）", 3, 1), ("数量指标（40分）", 2, 1), "免疫接种人次", "20", "≥5000", "5320", s1, "定量",
             "人次", "正向"],
            [None, None, "疫情处置起数", "20", "≥3", "4", "20", "定量", "起", "正向"],
            [None, "时效指标（20分）", "处置及时率", "20", "100", "100", "19.7", "定量", "%", "正向"],
            [("效益指标（20分）", 1, 1), "社会效益指标（20分）", "传染病发病率", "20", "≤5", "3.2", "20", "定量", "‰", "反向"],
            [("满意度指标（10分）", 1, 1), "服务对象满意度指标（10分）", "群众满意度", "10", "≥90", "95", "10", "定量", "%",
             "正向"],
            [("合计", 1, 3), "100", "", "", total, "", "", ""],
        ]),
    ]


@dataclass
class FormCase:
    blocks: list
    expect: dict = field(default_factory=dict)  # "projects/0/name" → value in the golden JSON
    inconsistencies: set = field(default_factory=set)  # (rule, subject) that must fail, and only those
    notes: str = ""
    workbook: bool = True  # also as .xlsx (and .xls): a file of forms without a text report after them


def _single() -> FormCase:
    return FormCase(project_form(), {
        "document_type": "project", "title": "项目支出绩效自评表", "unit_name": "某县公路事务中心", "fiscal_year": 2022,
        "projects/0/name": "道路维修项目", "projects/0/department": "219-某县交通运输局",
        "projects/0/budget_execution/0/full_year_budget": "120", "projects/0/budget_execution/0/execution_rate": "95%",
        "projects/0/budget_execution/1/weight": None, "projects/0/goals/1": "保障通行安全。",
        "projects/0/indicators/0/level1": "产出指标", "projects/0/indicators/0/level1_weight": "50",
        "projects/0/score": "95", "projects/0/max_score": "100"},
        notes="the national form: (A)/(B)/(B/A) headers, `-` placeholders, a vertical level-1 cell, `指标2：` dropped, 注：")


def _six() -> FormCase:
    blocks = (project_form("道路维修项目") + project_form_b("免疫规划项目", "667")
              + project_form("农村公路养护", total_label="合计") + project_form_b("疾病监测经费", "667", score_over=True)
              + project_form_b("健康教育经费", "668", yuan=True, approp="财政资金") + project_form("桥梁检测项目"))
    return FormCase(blocks, {
        "document_type": "project", "unit_name": None, "fiscal_year": 2022,
        "projects/1/name": "免疫规划项目", "projects/1/department": "667-某区卫生健康委员会",
        "projects/1/fiscal_year": 2023, "projects/1/budget_unit": "万元",
        "projects/1/budget_execution/0/initial_budget": "620.82", "projects/1/budget_execution/2/executed": None,
        "projects/1/budget_execution/0/execution_rate": "99", "projects/1/goals/0": "完成重点人群免疫接种；",
        "projects/1/indicators/0/level2": "数量指标", "projects/1/indicators/0/level2_weight": "40",
        "projects/1/indicators/0/nature": "定量", "projects/1/indicators/0/unit": "人次",
        "projects/1/indicators/0/extras": {"指标方向": "正向"}, "projects/1/indicators/0/actual": "5320",
        "projects/1/score": "98.6", "projects/4/budget_unit": "元",
        "projects/4/budget_execution/0/full_year_budget": "1250000.00",
        "projects/4/budget_execution/1/kind": "appropriation", "projects/4/budget_execution/3/initial_budget": None,
        "projects/5/name": "桥梁检测项目"},
        {("indicators.score_within_weight", "疾病监测经费/免疫接种人次")},
        notes="six forms of two layouts in one file; 元 with separators; a score over its weight in 疾病监测经费")


def _department() -> FormCase:
    return FormCase(department_form(narrative=True), {
        "document_type": "department_overall", "title": "某县农业农村局2021年度部门整体支出绩效自评报告",
        "unit_name": "某县农业农村局", "fiscal_year": 2021, "overview": None, "finance": None,
        "self_evaluation/budget_unit": "万元", "self_evaluation/budget_execution/1/basis": "income",
        "self_evaluation/budget_execution/1/amount": "600.5", "self_evaluation/budget_execution/4/item": "基本支出",
        "self_evaluation/qualitative_goals/1": "发展村级集体经济。", "self_evaluation/score": "94.67",
        "self_evaluation/max_score": "100", "narrative/0/heading": "部门基本情况"},
        notes="a department form with its inline 按收入性质分 / 按支出性质分 items, then its text report",
        workbook=False)


def _sichuan() -> FormCase:
    return FormCase(sichuan_form(), {
        "title": "部门预算项目支出绩效自评表", "projects/0/name": "51000021R000000019951-工资性支出",
        "projects/0/implementing_unit": "四川省某厅", "projects/0/budget_execution/3/kind": "unit_funds",
        "projects/0/budget_execution/0/execution_rate": "97.62%", "projects/0/indicators/0/nature": "≥",
        "projects/0/indicators/0/unit": "人", "projects/0/extras/报表编号": "510000_0013zp",
        "projects/0/extras/财务负责人": "李某", "projects/0/max_score": "100"},
        notes="the Sichuan 部门预算项目支出绩效自评表, from the contract's lists alone")


def _department_and_projects() -> FormCase:
    return FormCase(department_form() + project_form("甲项目") + project_form_b("乙项目", "301"), {
        "document_type": "department_overall", "template": "department_form+project_form",
        "unit_name": "某县农业农村局", "projects/0/name": "甲项目", "projects/1/name": "乙项目"},
        notes="a department form followed by the unit's project forms")


FORM_CASES = {
    "form-project-2022": _single,
    "form-projects-x6-2023": _six,
    "form-department-2021": _department,
    "form-sichuan-2022": _sichuan,
    "form-department-projects-2022": _department_and_projects,
}


def get(name: str) -> FormCase:
    return FORM_CASES[name]()
