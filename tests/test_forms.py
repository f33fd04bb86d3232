"""The form families (contract 1.1): project forms, department forms, text-only reports.

Forms are built here as neutral documents (cells with spans), so each test
shows the layout it is about; the golden and roundtrip tests cover the same
through real .docx/.pdf files.
"""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest

import docparse
from docparse.document import Document, Paragraph
from docparse.engine import build_report, spec as spec_mod
from docparse.errors import ExtractionError
from golden.forms import department_form, project_form, sichuan_form, table

SRC = {"file": "t", "format": "docx", "sha256": "0" * 64, "pages": None}


def extract(blocks) -> docparse.models.Report:
    return build_report(Document(list(blocks), "docx"), SRC, provenance=True)


def test_project_form_reads_every_part():
    r = extract(project_form())
    assert r.document_type == "project" and r.template == "project_form"
    assert (r.title, r.unit_name, r.fiscal_year) == ("项目支出绩效自评表", "某县公路事务中心", 2022)
    p = r.projects[0]
    assert (p.name, p.department, p.implementing_unit, p.fiscal_year) == ("道路维修项目", "219-某县交通运输局",
                                                                          "某县公路事务中心", 2022)
    assert p.budget_unit == "万元"
    t = p.budget_execution[0]
    assert (t.item, t.kind, t.initial_budget, t.full_year_budget, t.executed, t.weight, t.execution_rate, t.score) == (
        "年度资金总额", "total", Decimal("100"), Decimal("120"), Decimal("114"), Decimal("10"), "95%", Decimal("9.5"))
    assert [(ln.item, ln.kind) for ln in p.budget_execution[1:]] == [
        ("本年财政拨款", "appropriation"), ("上年结转资金", "carryover"), ("其他资金", "other")]
    assert p.budget_execution[1].weight is None  # a `-` placeholder is null, not zero
    assert p.goals == ["完成道路维修。", "保障通行安全。"] and p.completion == "全部完成。"
    assert [(i.level1, i.level1_weight, i.level2, i.name) for i in p.indicators] == [
        ("产出指标", "50", "数量指标", "维修里程"), ("效益指标", "30", "社会效益指标", "通行满意度"),
        ("满意度指标", "10", "服务对象满意度指标", "群众满意度")]
    assert (p.score, p.max_score) == (Decimal("95"), Decimal("100"))
    assert "注" not in p.extras and not [c for c in r.checks if not c.ok]
    assert r.provenance["/projects/0/budget_execution/0/executed"].col == 4


def test_project_form_checks_flag_each_inconsistency_at_its_cell():
    r = extract(project_form(total=("100", "121", "114"), rate="90%", score="96"))
    failed = {(c.rule, c.subject): c for c in r.checks if not c.ok}
    assert set(failed) == {("budget.total_equals_sum", "道路维修项目/full_year_budget"),
                           ("budget.execution_rate", "道路维修项目/年度资金总额"),
                           ("form.total_score", "道路维修项目")}
    rate = failed[("budget.execution_rate", "道路维修项目/年度资金总额")]
    assert (rate.expected, rate.actual) == (Decimal("94"), Decimal("90"))  # 114/121 = 94.2% printed as 90%
    assert rate.location == "table 0 row 3 col 6"


def test_several_project_forms_in_one_file_are_several_projects():
    blocks = project_form("甲项目") + project_form("乙项目") + project_form("丙项目", total_label="合计")
    r = extract(blocks)
    assert [p.name for p in r.projects] == ["甲项目", "乙项目", "丙项目"]
    assert all(len(p.indicators) == 3 and p.score == Decimal("95") for p in r.projects)
    assert not [c for c in r.checks if not c.ok]


def test_amounts_with_the_unit_in_the_cell_and_yuan_blocks():
    r = extract(project_form(caption="项目资金（元）", total=("1,000,000.00元", "1,200,000.00元", "1,140,000.00元"),
                             rows=[("当年财政拨款", "1,000,000.00", "1,100,000.00", "1,040,000.00"),
                                   ("上年结转资金", "—", "100,000.00", "100,000.00")]))
    p = r.projects[0]
    assert p.budget_unit == "元"
    assert p.budget_execution[0].full_year_budget == Decimal("1200000.00")
    assert p.budget_execution[2].initial_budget is None
    assert not [c for c in r.checks if not c.ok]


def test_sichuan_layout_from_the_contract_lists_alone():
    r = extract(sichuan_form())
    p = r.projects[0]
    assert (r.title, p.name, p.department, p.implementing_unit) == (
        "部门预算项目支出绩效自评表", "51000021R000000019951-工资性支出", "101-四川省某厅", "四川省某厅")
    assert [(ln.item, ln.kind, ln.initial_budget, ln.full_year_budget, ln.executed) for ln in p.budget_execution] == [
        ("总额", "total", Decimal("200"), Decimal("210"), Decimal("205")),
        ("财政资金", "appropriation", Decimal("200"), Decimal("200"), Decimal("195")),
        ("财政专户管理资金", "special_account", None, None, None),
        ("单位资金", "unit_funds", None, Decimal("10"), Decimal("10")),
        ("其他资金", "other", None, None, None)]
    total = p.budget_execution[0]
    assert (total.execution_rate, total.weight, total.score) == ("97.62%", Decimal("10"), Decimal("9.76"))
    assert p.goals == ["保障人员工资按时发放。"] and p.completion == "按时足额发放。"
    ind = p.indicators[0]
    assert (ind.level1, ind.name, ind.nature, ind.target, ind.unit, ind.actual, ind.weight, ind.score) == (
        "产出指标", "发放人数", "≥", "120", "人", "120", "45", "45")
    assert p.indicators[2].note == "个别人员流动"
    assert (p.score, p.max_score) == (Decimal("97.76"), Decimal("100"))
    assert {k: p.extras.get(k) for k in ("报表编号", "评价结论", "存在问题", "改进措施", "项目负责人", "财务负责人")} == {
        "报表编号": "510000_0013zp", "评价结论": "良好完成年度目标。", "存在问题": "无", "改进措施": "加强预算管理。",
        "项目负责人": "王某", "财务负责人": "李某"}
    assert not [c for c in r.checks if not c.ok]


def test_department_form_with_inline_budget_items_and_a_text_report_after_it():
    r = extract(department_form(narrative=True))
    assert r.document_type == "department_overall" and r.template == "department_form"
    assert (r.unit_name, r.fiscal_year) == ("某县农业农村局", 2021)
    se = r.self_evaluation
    assert se.budget_unit == "万元" and (se.score, se.max_score) == (Decimal("94.67"), Decimal("100"))
    assert [(ln.basis, ln.item, ln.kind, ln.amount) for ln in se.budget_execution[1:]] == [
        ("income", "一般公共预算", "appropriation", Decimal("600.5")),
        ("income", "政府性基金拨款", "government_fund", Decimal("20")),
        ("income", "其他资金", "other", None),
        ("expenditure", "基本支出", "basic", Decimal("300")),
        ("expenditure", "项目支出", "project", Decimal("320.5"))]
    assert se.budget_execution[0].full_year_budget == Decimal("620.5")
    assert se.qualitative_goals == ["推进高标准农田建设。", "发展村级集体经济。"]
    assert [i.name for i in se.indicators] == ["农田建设面积"] and se.indicators[0].level1_weight == "90"
    # the text report's first heading is a narrative section, not the form's 基本概况
    assert r.overview is None and [s.heading for s in r.narrative] == ["部门基本情况", "绩效自评结论"]
    assert r.title == "某县农业农村局2021年度部门整体支出绩效自评报告"
    assert not [c for c in r.checks if not c.ok], [c for c in r.checks if not c.ok]
    assert {c.rule for c in r.checks} >= {"budget.income_sum", "budget.expenditure_sum", "budget.execution_rate",
                                         "form.total_score", "form.max_score", "indicators.level1_weight"}


def test_department_form_alone_takes_its_title():
    r = extract(department_form())
    assert r.title == "部门整体支出绩效自评表" and r.narrative == []
    assert not [w for w in r.warnings if w.code == "narrative.missing"]


def test_department_form_followed_by_project_forms():
    r = extract(department_form() + project_form("甲项目") + project_form("乙项目"))
    assert r.document_type == "department_overall" and r.template == "department_form+project_form"
    assert r.unit_name == "某县农业农村局" and [p.name for p in r.projects] == ["甲项目", "乙项目"]


def test_text_only_report_is_read_with_a_warning():
    r = extract([Paragraph("某县教育局2022年度部门整体支出绩效自评报告"), Paragraph("一、部门基本情况"),
                 Paragraph("（一）部门职能"), Paragraph("负责全县教育工作。"), Paragraph("二、部门收支情况"),
                 Paragraph("2022年总收入为100万元。")])
    assert (r.title, r.unit_name, r.fiscal_year) == ("某县教育局2022年度部门整体支出绩效自评报告", "某县教育局", 2022)
    assert r.overview is None and r.finance is None and r.self_evaluation is None and r.checks == []
    assert [s.heading for s in r.narrative] == ["部门基本情况", "部门收支情况"]
    assert r.narrative[0].children[0].text == "负责全县教育工作。"
    assert "form.missing" in {w.code for w in r.warnings}


def test_a_file_with_no_known_form_says_what_was_looked_for():
    with pytest.raises(ExtractionError, match="项目支出绩效自评表"):
        extract([Paragraph("会议通知"), Paragraph("请各单位按时参会。")])


def test_empty_form_is_a_project_with_nulls_and_an_incomplete_warning():
    r = extract([table([["项目名称", "某项目", "主管部门", "某局"], ["项目资金（万元）", "", "", ""],
                        ["一级指标", "二级指标", "三级指标", "得分"]])])
    p = r.projects[0]
    assert (p.name, p.department, p.score, p.budget_execution, p.indicators) == ("某项目", "某局", None, [], [])
    assert "form.incomplete" in {w.code for w in r.warnings}


@pytest.fixture
def spec_folder(tmp_path, monkeypatch):
    for f in spec_mod.spec_dir().glob("*.toml"):
        shutil.copy(f, tmp_path / f.name)
    monkeypatch.setattr(spec_mod, "spec_dir", lambda: tmp_path)
    spec_mod.load_specs.cache_clear()
    yield tmp_path
    spec_mod.load_specs.cache_clear()


def test_a_broken_spec_is_skipped_naming_its_file_and_key(spec_folder):
    (spec_folder / "broken.toml").write_text('[template]\nname = "broken"\ndocument_type = "project"\nlayout = "parts"\n'
                                             'include = ["_common", "_forms"]\n', encoding="utf-8")
    with pytest.warns(UserWarning, match="broken.toml"):
        names = [s.name for s in spec_mod.load_specs()]
    assert "broken" not in names and "project_form" in names
    assert any("broken.toml" in e and "[fields]" in e for e in spec_mod.spec_errors())
    r = extract(project_form())  # the others still work
    assert r.projects[0].name == "道路维修项目"
    assert "spec.invalid" in {w.code for w in r.warnings}


def test_a_template_only_spec_is_skipped_not_a_crash(spec_folder):
    (spec_folder / "empty.toml").write_text('[template]\nname = "x"\ndocument_type = "department_overall"\n',
                                            encoding="utf-8")
    with pytest.warns(UserWarning, match="empty.toml: missing table \\[narrative\\]"):
        spec_mod.load_specs()
    assert extract(project_form()).projects


def test_department_budget_items_with_their_amounts_in_cells_of_their_own():
    r = extract([Paragraph("部门整体支出绩效自评表（2021年度）"), table([
        [("部门（单位）名称", 1, 2), ("某县林业局", 1, 4)],
        [("年度预算申请（万元）", 5, 1), "", "年初预算数", "全年预算数", "全年执行数", "执行率"],
        [None, "年度资金总额", "50", "60", "60", "100%"],
        [None, ("按收入性质分", 1, 2), ("按支出性质分", 1, 2), ""],
        [None, "一般公共预算", "55", "基本支出", "35", ""],
        [None, "其他资金", "5", "项目支出", "25", ""],
    ])])
    se = r.self_evaluation
    assert [(ln.basis, ln.item, ln.amount) for ln in se.budget_execution[1:]] == [
        ("income", "一般公共预算", Decimal("55")), ("income", "其他资金", Decimal("5")),
        ("expenditure", "基本支出", Decimal("35")), ("expenditure", "项目支出", Decimal("25"))]
    assert (r.unit_name, r.fiscal_year) == ("某县林业局", 2021)
    assert not [c for c in r.checks if not c.ok]


def test_a_form_sheet_with_only_its_header_filled_is_one_project_with_a_warning():
    # a budget-system export: the 自评表's title and header rows, nothing below
    r = extract([table([[("项目支出绩效自评表", 1, 4)], [("（2023年度）", 1, 4)],
                        ["项目名称", "档案数字化", "主管部门", "某县档案馆"], ["实施单位", "某县档案馆", "", ""]])])
    p = r.projects[0]
    assert (p.name, p.department, p.fiscal_year, p.score, p.indicators) == ("档案数字化", "某县档案馆", 2023, None, [])
    assert "form.incomplete" in {w.code for w in r.warnings}


def test_title_rows_inside_the_table_and_goals_labelled_on_the_left():
    r = extract([table([
        [("项目支出绩效自评表", 1, 8)],
        [("（2023年度）", 1, 8)],
        ["项目名称", ("乡村道路硬化", 1, 7)],
        ["主管部门", ("某镇人民政府", 1, 3), "实施单位", ("某镇人民政府", 1, 3)],
        [("资金情况（万元）", 3, 1), "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率（%）", "得分"],
        [None, "年度资金总额", "80", "80", "79.2", "10", "99", "9.9"],
        [None, "其中：财政资金", "80", "80", "79.2", "", "", ""],
        [("年度总体目标", 2, 1), "预期目标", ("硬化道路5公里。", 1, 6)],
        [None, "实际完成情况", ("完成5.2公里。", 1, 6)],
        ["一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标（20分）", "硬化里程", "正向", "5公里", "5.2公里", "20", "20"],
        [("合计", 1, 6), "20", "29.9"],
    ])])
    p = r.projects[0]
    assert (r.title, p.fiscal_year, p.name) == ("项目支出绩效自评表", 2023, "乡村道路硬化")
    assert p.goals == ["硬化道路5公里。"] and p.completion == "完成5.2公里。"
    ind = p.indicators[0]
    assert (ind.level2, ind.level2_weight, ind.nature) == ("数量指标", "20", "正向")
    assert p.budget_execution[0].execution_rate == "99"
    failed = {c.rule for c in r.checks if not c.ok}
    assert failed == {"form.max_score"}  # 20 printed, 20 + the budget's 10 expected


def test_an_indicator_header_over_two_rows():
    r = extract(project_form()[:2] + [table([
        ["项目名称", ("某项目", 1, 7)],
        [("一级指标", 2, 1), ("二级指标", 2, 1), ("三级指标", 2, 1), ("指标值", 1, 2), ("分值", 2, 1), ("得分", 2, 1),
         ("说明", 2, 1)],
        [None, None, None, "年度指标值", "实际完成值", None, None, None],
        ["产出指标", "数量指标", "培训人次", "≥100人次", "120人次", "50", "50", ""],
        [("总分", 1, 5), "50", "50", ""],
    ])])
    ind = r.projects[0].indicators[0]
    assert (ind.name, ind.target, ind.actual, ind.weight, ind.score) == ("培训人次", "≥100人次", "120人次", "50", "50")
    assert ind.extras == {}


def test_a_budget_system_workbook_reads_its_empty_evaluation_sheet_among_look_alikes():
    from golden.synth.workbook import document_xlsx

    declaration = [Paragraph("项目支出绩效目标申报表"), table([
        ["项目名称", "档案数字化", "主管部门", "某县档案馆"], ["年度总体目标", ("完成数字化10万页。", 1, 3)],
        ["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "数字化页数", "10万页"]])]
    detail = [Paragraph("项目支出明细表"), table([["项目名称", "科目", "金额"], ["档案数字化", "委托业务费", "30"]])]
    empty = [Paragraph("项目支出绩效自评表"), Paragraph("（2023年度）"), table([
        ["项目名称", "档案数字化", "主管部门", "某县档案馆"], ["实施单位", "某县档案馆", "", ""],
        ["项目资金（万元）", "", "年初预算数", "全年预算数"], ["一级指标", "二级指标", "三级指标", "得分"]])]
    r = docparse.extract(document_xlsx(declaration + detail + empty + declaration), filename="export.xlsx")
    assert [(p.name, p.department, p.score) for p in r.projects] == [("档案数字化", "某县档案馆", None)]
    assert "form.incomplete" in {w.code for w in r.warnings}
