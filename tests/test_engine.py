"""Extractor pieces: label matching, heading levels, name cleaning, whole small forms."""

import pytest

import docparse
from docparse.engine.finance import institution_name
from docparse.engine.narrative import heading_of
from docparse.engine.labelled import iso_date
from docparse.engine.selfeval import category
from docparse.engine.spec import get_spec
from minidocx import docx, p, tbl, tc

SPEC = get_spec("department_overall")


@pytest.mark.parametrize("text, field", [
    ("联系人", "contact_person"), ("联络电话", "contact_phone"), ("联系电话", "contact_phone"),
    ("人员编制", "authorized_staff"), ("编制人数", "authorized_staff"), ("实有人数", "actual_staff"),
    ("实际人数", "actual_staff"), ("年度主要\n\n工作内容", "annual_work"), ("职能职责概述：", "functions"),
    ("年度部门（单位）总体运行情况及取得的成绩", "performance_summary"), ("联 系 人", "contact_person"),
])
def test_overview_labels(text, field):
    assert SPEC.overview.match(text) == field


@pytest.mark.parametrize("kind, text, field", [
    ("income", "公共财\n\n政拨款", "general_budget"), ("income", "一般公共预算拨款", "general_budget"),
    ("income", "政府性基金预算拨款", "government_fund"), ("income", "其他\n\n收入", "other"),
    ("three_public", "因公出国（境）费", "overseas_travel"), ("three_public", "因公出国费", "overseas_travel"),
    ("three_public", "三公经费\n\n合计", "total"), ("fixed_assets", "固定资产\n合计", "total"),
    ("expenditure", "当年结余", "current_surplus"),
])
def test_finance_column_labels(kind, text, field):
    assert SPEC.tables[kind][1].match(text) == field


@pytest.mark.parametrize("text, expected", [
    ("一、单位概况", (1, "一、", "单位概况")),
    ("三.单位专项组织实施情况", (1, "三.", "单位专项组织实施情况")),
    ("（一）基本支出", (2, "（一）", "基本支出")),
    ("(二)专项支出", (2, "(二)", "专项支出")),
    ("1、专项资金安排落实、总投入等情况分析", (3, "1、", "专项资金安排落实、总投入等情况分析")),
    ("2．专项资金实际使用情况分析", (3, "2．", "专项资金实际使用情况分析")),
    ("（1）卫生健康支出资金使用情况", (4, "（1）", "卫生健康支出资金使用情况")),
    ("单位概况", (1, None, "单位概况")),
    ("整体支出管理及使用情况", (1, None, "整体支出管理及使用情况")),
    ("（一）提高预算编制科学性和合理性，严格执行预算。", (2, "（一）", "提高预算编制科学性和合理性，严格执行预算。")),
])
def test_heading_levels(text, expected):
    assert heading_of(text, SPEC) == expected


@pytest.mark.parametrize("text", [
    "1.把准政治方向，党的领导持续加强。全面加强党对退役军人工作的领导，坚决维护党中央集中统一领导。",
    "2022年我局总收入为9692.786137万元",   # a year is not a list number
    "1.5万元用于维修",
    "岳阳县退役军人事务局于2018年12月7日正式挂牌成立",
])
def test_body_text_is_not_a_heading(text):
    assert heading_of(text, SPEC) is None


def test_heading_from_word_style_without_number():
    assert heading_of("部门职能", SPEC, outline=2) == (2, None, "部门职能")


@pytest.mark.parametrize("text, name", [
    ("1、局机关", "局机关"), ("1.局机关", "局机关"), ("（1）局机关", "局机关"), ("(2) 光荣院", "光荣院"),
    ("局机关及二级机构汇总", "局机关及二级机构汇总"), ("①服务中心", "服务中心"), ("10、某中心", "某中心"),
])
def test_institution_numbering_dropped(text, name):
    assert institution_name(text) == name


def test_category_note_dropped():
    assert category("产出目标\n\n（部门工作实绩，包含上级部门…）") == "产出目标"
    assert category("效益目标(预期实现的效益)") == "效益目标"
    assert category("社会公众或服务对象满意度") == "社会公众或服务对象满意度"


@pytest.mark.parametrize("text, iso", [
    ("2022年3月15日", "2022-03-15"), ("2020.3.15", "2020-03-15"), ("2021年06月10日", "2021-06-10"),
    ("２０２０年６月３日", "2020-06-03"), ("2022年3月", "2022年3月"), ("    年  月  日", "年月日"),
])
def test_report_date(text, iso):
    assert iso_date(text) == iso


def _small_form(extra_rows=()):
    rows = [
        [tc("一、部门（单位）基本概况", span=4)],
        [tc("联系人"), tc("张  三"), tc("联系电话"), tc("0730-1234567")],
        [tc("编制人数"), tc("10"), tc("实际人数"), tc("十二")],
        [tc("二、部门（单位）收支情况", span=4)],
        [tc("年度收入情况（元）", span=4)],
        [tc("机构名称", vmerge="restart"), tc("收入合计", vmerge="restart"), tc("其中：", span=2)],
        [tc(vmerge="continue"), tc(vmerge="continue"), tc("上年结转"), tc("一般公共预算拨款")],
        [tc("合计"), tc("１,０００.５０"), tc(""), tc("1000.50")],
        [tc("1.局机关"), tc("1000.50"), tc("abc"), tc("1000.50")],
        *extra_rows,
    ]
    return docx(tbl(rows, 4) + p("某单位2023年度部门整体支出绩效自评报告") + p("一、部门概况") + p("正文。"))


def test_small_form_values_warnings_and_provenance():
    r = docparse.extract(_small_form(), filename="x.docx", provenance=True)
    assert (r.unit_name, r.fiscal_year, r.title) == ("某单位", 2023, "某单位2023年度部门整体支出绩效自评报告")
    assert r.overview.contact_person == "张三"               # alignment padding is not content
    assert r.overview.authorized_staff == 10 and r.overview.actual_staff is None
    assert r.finance.currency_unit == "元"
    summary, inst = r.finance.income
    assert summary.is_summary and format(summary.total, "f") == "1000.50"
    assert inst.institution == "局机关" and inst.prior_year_carryover is None
    codes = {w.code for w in r.warnings}
    assert {"overview.not_a_number", "finance.not_a_number", "self_evaluation.missing"} <= codes
    bad = next(w for w in r.warnings if w.code == "finance.not_a_number")
    assert bad.location == "table 0 row 8 col 2"
    o = r.provenance["/finance/income/1/total"]
    assert (o.table, o.row, o.col) == (0, 8, 1)
    assert r.narrative[0].heading == "部门概况" and r.narrative[0].text == "正文。"


def test_not_a_report():
    with pytest.raises(docparse.ExtractionError):
        docparse.extract(docx(p("hello world")))


@pytest.mark.parametrize("title, unit", [
    ("岳阳县退役军人事务局2022年度整体绩效自评报告", "岳阳县退役军人事务局"),
    ("桃源县卫生健康局关于2021年度部门整体支出绩效自评的报告", "桃源县卫生健康局"),
    ("2021年度桃源县卫生健康局部门整体支出绩效自评报告", "桃源县卫生健康局"),
    ("关于2021年度平江县档案馆部门（单位）整体支出绩效评价的报告", "平江县档案馆"),
])
def test_unit_name_from_title(title, unit):
    body = tbl([[tc("一、部门（单位）基本概况", span=2)], [tc("联系人"), tc("张三")]], 2) + p(title) + p("一、概况")
    r = docparse.extract(docx(body))
    assert r.unit_name == unit and r.title == title


def test_cover_value_wrapped_onto_its_own_line():
    """A borderless cover table read from a PDF: 评价机构's value wraps onto a bare line."""
    cover = "".join(p(t) for t in ["部门整体支出绩效自评报告", "（2020年度）", "部门（单位）名称：某某局",
                                   "评价机构：某某局绩效评价", "领导小组", "报告日期：2021年06月10日", "某某县财政局（制）"])
    form = tbl([[tc("一、部门（单位）基本概况", span=2)], [tc("联系人"), tc("张三")]], 2)
    r = docparse.extract(docx(cover + form + p("某某局2020年度部门整体支出绩效自评报告") + p("一、概况")))
    assert r.cover.evaluation_agency == "某某局绩效评价领导小组"
    assert (r.cover.unit_name, r.cover.report_date, r.cover.issuer) == ("某某局", "2021-06-10", "某某县财政局")


def test_cover_values_set_off_by_spaces_are_read():
    """A borderless cover table read from a PDF: each row a line ``label␣␣value`` (no colon)."""
    cover = "".join(p(t) for t in ["部门整体支出绩效自评报告", "部门(单位)名称  某某局", "预算编码  006001",
                                   "评价方式  部门自评", "报告日期  2021年06月10日", "某某县财政局（制）"])
    form = tbl([[tc("一、部门（单位）基本概况", span=2)], [tc("联系人"), tc("张三")]], 2)
    r = docparse.extract(docx(cover + form + p("某某局2020年度部门整体支出绩效自评报告") + p("一、概况")))
    assert (r.cover.unit_name, r.cover.budget_code, r.cover.evaluation_method, r.cover.report_date) == (
        "某某局", "006001", "部门自评", "2021-06-10")
