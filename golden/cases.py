"""The golden cases: ReportSpec values for ``python -m golden.build``.

``seed-yueyang-2022`` rebuilds the seed report (../shared/seed/…txt) exactly
as its text shows it: short values are written here and checked against the
seed text by tests/test_golden_build.py; the long texts (职能职责概述, 年度主要
工作内容, 总体运行情况, 定性目标, the closing rows and the whole narrative) are
parsed from the seed file, so they are verbatim. The other cases cover the
layout variants the seed does not have; their ``notes`` say which.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Callable

from .synth import (Cover, Evaluator, FinanceRow, Heading, IndicatorRow, Para, ReportSpec, generate)
from .synth.randomspec import (add, expenditure_rows, fixed_assets_rows, fullwidth, income_rows, pad_name,
                                three_public_rows)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED_TEXT = SHARED / "seed" / "000_ba092eeb265ea4e9.txt"

__all__ = ["CASES", "get", "names", "generate", "SEED_TEXT", "SeedMissing"]


class SeedMissing(RuntimeError):
    pass


# -- the seed -------------------------------------------------------------------

@lru_cache(maxsize=1)
def seed_parts() -> tuple[list[str], list[str], list[str]]:
    """(cell texts in order, lines after the form, narrative lines) from the seed text.

    The seed text is a dump of the Word file: every table cell starts a line
    with a tab; the lines that follow without one belong to the same cell.
    """
    if not SEED_TEXT.exists():
        raise SeedMissing(f"seed text not found: {SEED_TEXT}")
    cells: list[list[str]] = []
    for line in SEED_TEXT.read_text(encoding="utf-8").split("\n"):
        if "\t" in line[:2]:
            cells.append([line.split("\t", 1)[1]])
        else:
            cells[-1].append(line)
    narrative = cells.pop()
    closing = cells[-1]
    k = next(i for i, ln in enumerate(closing) if ln.startswith("填报人"))
    after = [ln for ln in closing[k:] if ln]
    cells[-1] = closing[:k]
    texts = []
    for c in cells:
        while c and not c[-1].strip():
            c.pop()
        texts.append("\n".join(c))
    while narrative and not narrative[-1].strip():
        narrative.pop()
    return texts, after, narrative


_HEAD = re.compile(r"^(\s*)([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+、)(.*)$")
_KNOWN = ("单位概况", "整体支出管理及使用情况")


def _narrative(lines: list[str]) -> list:
    out = []
    for ln in lines:
        m = _HEAD.match(ln)
        if ln.strip() in _KNOWN:
            out.append(Heading(0, ln))
        elif m and len(ln.strip()) <= 40:
            num = m.group(2)
            level = 1 if num.endswith("、") and not num[0].isdigit() else 2 if num.startswith("（") else 3
            out.append(Heading(level, m.group(3), number=m.group(1) + num))
        else:
            out.append(Para(ln))
    return out


def seed_yueyang_2022() -> ReportSpec:
    cells, after, narrative = seed_parts()

    def after_label(label: str) -> str:
        return cells[cells.index(label) + 1]

    unit = "岳阳县退役军人事务局"
    names = ["局机关", "光荣院", "服务中心"]
    summary = "局机关及二级机构汇总"

    def fin(rows):
        return [FinanceRow(summary if i == 0 else names[i - 1], tuple(v), is_summary=i == 0)
                for i, v in enumerate(rows)]

    N = None
    out1 = "产出目标\n\n（部门工作实绩，包含上级部门和市委市政府布置的重点工作、实事任务等，根据部门实际进行调整细化）"
    ben = "效益目标\n\n（预期实现的效益）"
    ind = [
        IndicatorRow(out1, "质量指标", "指标1：财政供养人员控制率", "100%"),
        IndicatorRow(out1, "质量指标", "指标2：“三公”经费控制率", "100%"),
        IndicatorRow(out1, "数量指标", "指标1：政府采购执行率", "100%"),
        IndicatorRow(out1, "数量指标", "指标2：公务卡刷卡率", "95%"),
        IndicatorRow(out1, "数量指标", "指标3：固定资产利用率", "95%"),
        IndicatorRow(out1, "时效指标", "指标1：专项支出安排率", "98%"),
        IndicatorRow(out1, "时效指标", "指标2：基本支出安排率", "98%"),
        IndicatorRow(out1, "成本指标", "指标1：部门整体支出", "9691.647591万元"),
        IndicatorRow(out1, "成本指标", "指标2：部门整体结余", "1.138546万元"),
        IndicatorRow(ben, "社会效益", after_label("社会效益"), "95%"),
        IndicatorRow(ben, "经济效益", after_label("经济效益"), "95%"),
        IndicatorRow(ben, "生态效益", "指标1：\n\n指标2：\n\n……", N),
        IndicatorRow(ben, "社会公众或服务对象满意度", "指标1：退役军人、现役军人、军属、烈遗属等服务对象。", N),
    ]
    return ReportSpec(
        case_id="seed-yueyang-2022", unit=unit, year=2022,
        contact_person="李小华", contact_phone="0730-7649818", authorized_staff="38", actual_staff="52",
        functions=after_label("职能职责概述"),
        annual_work=after_label("年度主要\n\n工作内容"),
        performance_summary=after_label("年度部门（单位）总体运行情况及取得的成绩"),
        currency_unit="万元",
        income=fin([
            ("9692.786137", "2.064046", "9683.017903", N, N, "7.704188"),
            ("9594.025054", "2.064046", "9584.256820", N, N, "7.704188"),
            ("46.645732", N, "46.645732", N, N, N),
            ("52.115351", N, "52.115351", N, N, N),
        ]),
        expenditure=fin([
            ("9692.786137", "524.119907", "489.086349", "35.033558", "9167.527684", "1.138546", N),
            ("9594.025054", "425.3586876", "398.580948", "26.7777876", "9167.527684", "1.138546", N),
            ("46.645732", "46.645732", "41.976663", "4.669069", N, N, N),
            ("52.115351", "52.115351", "48.528738", "3.586613", N, N, N),
        ]),
        three_public=fin([
            ("4.2150", "4.2150", "0", "0", "0"),
            ("4.2150", "4.2150", "0", "0", "0"),
            ("0", "0", "0", "0", "0"),
            ("0", "0", "0", "0", "0"),
        ]),
        fixed_assets=fin([
            ("2081.401108", "2081.401108", N, N),
            ("503.607181", "503.607181", N, N),
            ("1577.793927", "1577.793927", N, N),
            (N, "0", N, N),
        ]),
        institution_numbering="1、",
        qualitative_goals=cells[cells.index("实际完成") + 2],
        qualitative_completion=cells[cells.index("实际完成") + 3],
        indicators=ind, indicator_layout="basic",
        score="93", grade="优秀",
        evaluators=[Evaluator("卢兴国", "局长", unit), Evaluator("付湘江", "副局长", unit),
                    Evaluator("邹  文", "办公室主任", unit), Evaluator("李小华", "规划财务股股长", unit)],
        closing_rows=True,
        after_form=[""] + after,
        narrative_title=narrative[0],
        narrative=_narrative(narrative[1:]),
        labels={
            "annual_work": "年度主要\n\n工作内容",
            "income.general_budget": "公共财\n\n政拨款",
            "income.other": "其他\n\n收入",
            "three_public.total": "三公经费\n\n合计",
            "fixed_assets.total": "固定资产\n\n合计",
            "quantitative": "整体支出\n\n绩效定量目标及实施计划完成情况",
            "closing.leader": next(c for c in cells if c.startswith("评价组组长")),
            "closing.opinion": next(c for c in cells if c.startswith("部门（单位）意见")),
        },
        # Not ours: the seed itself does not add up. 局机关 prints 基本支出 425.3586876 but 人员 + 公用 =
        # 425.3586356; its 支出合计 9594.025054 ≠ 基本 + 项目 (9592.8863716), and the summary's 9692.786137
        # ≠ 524.119907 + 9167.527684 = 9691.647591 (the 成本指标 value: 支出合计 here includes 结余);
        # the summary's 基本支出 and 公用支出 ≠ the sums of the three institutions.
        inconsistencies=[("expenditure.basic_split", "局机关"), ("expenditure.row_total", "局机关"),
                         ("expenditure.row_total", "局机关及二级机构汇总"),
                         ("expenditure.summary_equals_sum", "basic"),
                         ("expenditure.summary_equals_sum", "public_use")],
        notes="the seed report as its text shows it: one big table, no cover, summary row first "
              "(局机关及二级机构汇总), 1、 numbering, broken labels, empty cells and printed 0s, "
              "basic indicator layout, plain-text headings with two unnumbered known headings",
    )


# -- health bureau 2021: table cover, 元, summary last (合计), Heading styles + numbering.xml ----------

def health_2021() -> ReportSpec:
    unit = "岳阳市卫生健康委员会"
    N = None
    inst = ["委机关", "疾病预防控制中心", "卫生健康综合监督执法局", "妇幼保健计划生育服务中心"]
    income = income_rows([
        (inst[0], "125000.00", "38652140.35", N, N, "24500.00"),
        (inst[1], N, "21540388.12", "3200000.00", "865400.50", N),
        (inst[2], "8600.00", "6854210.88", N, N, N),
        (inst[3], N, "15230004.60", "1500000.00", "2314500.00", "56000.00"),
    ], summary="合计", summary_first=False)
    expenditure = expenditure_rows([
        (inst[0], "9854120.33", "1254300.12", "27546002.40", "147217.50", "350000.00"),
        (inst[1], "12547800.00", "1865400.22", "11106588.40", "86000.00", N),
        (inst[2], "4521003.18", "865400.00", "1476407.70", N, N),
        (inst[3], "8754120.00", "1102300.60", "9189084.00", "55000.00", "120000.00"),
    ], summary="合计", summary_first=False)
    three = three_public_rows([
        (inst[0], "45210.00", "86500.00", "0", "0"),
        (inst[1], "12500.00", "54300.00", "285000.00", "0"),
        (inst[2], "3600.00", "42100.00", "0", "0"),
        (inst[3], "5800.00", "31200.00", "0", "0"),
    ], summary="合计", summary_first=False)
    assets = fixed_assets_rows([
        (inst[0], "15420365.20", "2100000.00", "84500.00"),
        (inst[1], "46521003.88", N, "125400.00"),
        (inst[2], "3254100.00", N, N),
        (inst[3], "28541200.50", "650000.00", N),
    ], summary="合计", summary_first=False)
    total = next(r for r in income if r.is_summary).values[0]
    out1 = "产出目标"
    ind = [
        IndicatorRow(out1, "数量指标", "指标1：免费孕前优生健康检查目标人群覆盖率\n指标2：国家免疫规划疫苗接种率", "≥98%"),
        IndicatorRow(out1, "质量指标", "指标1：传染病报告及时率", "100%"),
        IndicatorRow(out1, "时效指标", "指标1：资金拨付及时率", "100%"),
        IndicatorRow(out1, "成本指标", "指标1：部门整体支出", f"{add([r.values[0] for r in expenditure if r.is_summary])}元"),
        IndicatorRow("效益目标", "社会效益", "指标1：居民健康素养水平", "24.6%"),
        IndicatorRow("效益目标", "可持续影响", "指标1：卫生健康服务体系持续完善", "持续完善"),
        IndicatorRow("满意度", "社会公众或服务对象满意度", "指标1：群众满意度", "96%"),
    ]
    narrative = [
        Heading(1, "部门（单位）基本情况"),
        Para("岳阳市卫生健康委员会为市人民政府工作部门，内设科室14个，下属二级机构3个。"),
        Heading(2, "部门职能"),
        Para("贯彻执行国民健康政策，组织拟订卫生健康事业发展规划，统筹规划卫生健康资源配置。"),
        Heading(2, "收支情况"),
        Para(f"2021年度部门总收入{total}元，其中一般公共预算拨款"
             f"{next(r for r in income if r.is_summary).values[2]}元。"),
        Heading(1, "部门整体支出管理及使用情况"),
        Heading(2, "基本支出"),
        Para("基本支出主要用于人员工资、社会保障缴费及日常公用经费，严格按定额标准执行。"),
        Heading(2, "项目支出"),
        Heading(3, "项目资金安排落实情况"),
        Para("项目资金按照年初预算及上级追加文件及时安排到位。"),
        Heading(4, "资金拨付情况"),
        Para("全部项目资金实行国库集中支付。"),
        Heading(4, "资金使用情况"),
        Para("专款专用，未发现挤占挪用现象。"),
        Heading(3, "项目资金管理情况"),
        Para("建立健全项目资金管理办法，实行专账核算。"),
        Heading(1, "部门整体支出绩效情况"),
        Para("各项绩效目标基本完成，疫情防控和基本公共卫生服务成效明显。"),
        Heading(1, "存在的主要问题"),
        Para("部分项目预算执行进度偏慢，绩效目标设置不够细化。"),
        Heading(1, "改进措施和有关建议"),
        Heading(2, "加强预算执行管理"),
        Para("建立预算执行进度通报制度。"),
        Heading(2, "强化绩效结果应用"),
        Para("将绩效评价结果作为下年度预算安排的重要依据。"),
    ]
    return ReportSpec(
        case_id="health-2021", unit=unit, year=2021,
        cover=Cover(unit_name=unit, budget_code="006001", evaluation_method="部门自评",
                    evaluation_agency="岳阳市卫生健康委员会绩效自评工作小组", report_date="2022年3月15日",
                    issuer="岳阳市财政局", subtitle="（2021年度）", style="table"),
        contact_person="陈国华", contact_phone="0730-8251234", authorized_staff="412", actual_staff="398",
        functions="1、贯彻执行国民健康政策，拟订卫生健康事业发展规划。\n2、协调推进深化医药卫生体制改革。\n"
                  "3、制定并组织落实疾病预防控制规划、国家免疫规划。",
        annual_work="任务1：统筹推进新冠肺炎疫情防控。\n任务2：推进公立医院综合改革。\n任务3：实施基本公共卫生服务项目。",
        performance_summary="2021年，在市委、市政府的坚强领导下，我委统筹推进疫情防控和卫生健康事业发展，"
                            "各项工作取得明显成效。\n全市居民主要健康指标持续向好。",
        currency_unit="元", income=income, expenditure=expenditure, three_public=three, fixed_assets=assets,
        institution_numbering="1.",
        qualitative_goals="目标1：疫情防控常态化。\n目标2：基本公共卫生服务项目全面完成。",
        qualitative_completion="各项目标均已完成。",
        indicators=ind, indicator_layout="basic", score="95", grade="优秀",
        evaluators=[Evaluator("陈国华", "党组书记、主任", unit), Evaluator("何  平", "副主任", unit),
                    Evaluator("刘晓红", "财务科科长", unit)],
        narrative_title=f"{unit}2021年度部门整体支出绩效自评报告", narrative=narrative,
        heading_mode="styles_numbering",
        labels={"contact_phone": "联系电话", "income.general_budget": "一般公共预算拨款",
                "income.government_fund": "政府性基金预算拨款", "three_public.overseas_travel": "因公出国（境）费",
                "caption.three_public": "三公经费情况", "caption.fixed_assets": "固定资产情况"},
        notes="table cover page (budget code with leading zeros, 2022年3月15日, 岳阳市财政局(制)); 元 unit; "
              "summary row last named 合计; 1. numbering; several 指标N： in one cell; label variants "
              "联系电话/一般公共预算拨款/政府性基金预算拨款/因公出国（境）费; captions for all four finance tables; "
              "headings in Heading 1–4 styles numbered by numbering.xml (number not in the text), four levels",
    )


# -- education bureau 2019: split form, full-width digits, label variants, 8-column indicators ----------

def education_2019() -> ReportSpec:
    unit = "华容县教育局"
    N = None
    inst = ["局机关", "县第一中学", "县第二中学", "县职业中专", "县实验小学", "县教育考试中心"]
    income = income_rows([
        (inst[0], "12.50", "1854.36", N, N, "3.20"),
        (inst[1], N, "4521.08", "120.00", "356.40", "12.65"),
        (inst[2], "5.00", "3985.44", N, "218.90", N),
        (inst[3], N, "2210.75", "80.00", "145.30", "22.10"),
        (inst[4], N, "1865.20", N, N, N),
        (inst[5], N, "142.35", N, "8.60", N),
    ], summary="汇总", summary_first=True)
    expenditure = expenditure_rows([
        (inst[0], "865.42", "124.30", "874.34", "6.00", "15.20"),
        (inst[1], "3654.20", "412.30", "930.88", "12.75", N),
        (inst[2], "3120.45", "365.80", "718.09", "5.00", "8.00"),
        (inst[3], "1654.30", "245.60", "558.25", N, N),
        (inst[4], "1542.30", "198.40", "124.50", N, N),
        (inst[5], "98.45", "22.10", "30.40", N, N),
    ], summary="汇总", summary_first=True)
    three = three_public_rows([(n, r, v, "0", "0") for n, r, v in [
        (inst[0], "6.85", "12.40"), (inst[1], "1.20", "3.50"), (inst[2], "0.85", "2.80"),
        (inst[3], "1.10", "3.20"), (inst[4], "0.40", "0"), (inst[5], "0.25", "0")]],
        summary="汇总", summary_first=True)
    assets = fixed_assets_rows([
        (inst[0], "1254.30", N, "12.00"), (inst[1], "8541.20", "120.00", N), (inst[2], "6524.10", N, N),
        (inst[3], "4521.85", "85.00", "24.00"), (inst[4], "2654.30", N, N), (inst[5], "185.40", N, N),
    ], summary="汇总", summary_first=True)
    in_total, ex_sum = income[0].values[0], expenditure[0].values
    # The WPS export printed the summary row of 收入 and one school in full-width digits.
    for r in (income[0], expenditure[2]):
        r.values = tuple(fullwidth(v) for v in r.values)
    # Deliberate inconsistency: 县第二中学's 人员支出 is mistyped (3210.45 for 3120.45): 基本支出 no
    # longer splits into 人员 + 公用. The summary row keeps the true sums, so the 人员支出 column of
    # the summary no longer equals the sum of the institutions either.
    r = expenditure[3]
    assert r.institution == "县第二中学"
    r.values = r.values[:2] + ("3210.45",) + r.values[3:]
    ind = [
        IndicatorRow("产出指标", "数量指标", "义务教育巩固率", "97.5%", target="≥97%", weight="10", score="10"),
        IndicatorRow("产出指标", "数量指标", "学生资助覆盖人数", "12568人", target="12000人", weight="10", score="10"),
        IndicatorRow("产出指标", "质量指标", "高中阶段毛入学率", "93.2%", target="≥95%", weight="10", score="8",
                     note="外出务工家庭子女随迁就读增多，下一步加强控辍保学"),
        IndicatorRow("产出指标", "时效指标", "资金拨付及时率", "100%", target="100%", weight="10", score="10"),
        IndicatorRow("产出指标", "成本指标", "生均公用经费标准", "650元", target="650元", weight="10", score="10"),
        IndicatorRow("效益指标", "社会效益", "适龄儿童入学率", "100%", target="100%", weight="15", score="15"),
        IndicatorRow("效益指标", "可持续影响", "教育教学质量持续提升", "有效提升", target="逐年提升", weight="15",
                     score="13", note="城乡差距仍较大"),
        IndicatorRow("满意度指标", "服务对象满意度", "学生及家长满意度", "92%", target="≥90%", weight="20", score="18"),
    ]
    narrative = [
        Heading(1, "部门基本情况"), Para("华容县教育局是县人民政府工作部门，下属学校及事业单位5个。"),
        Heading(1, "部门整体支出情况"),
        Para(f"2019年度部门总收入{in_total}万元，总支出{ex_sum[0]}万元。"),
        Heading(2, "基本支出"), Para(f"基本支出{ex_sum[1]}万元，主要用于在职人员工资福利和学校日常运转。"),
        Heading(2, "项目支出"), Para(f"项目支出{ex_sum[4]}万元，主要用于学生资助、校舍维修改造。"),
        Heading(3, "学生资助项目"), Para("全年资助学生12568人次。"),
        Heading(3, "校舍改造项目"), Para("完成农村薄弱学校改造8所。"),
        Heading(1, "绩效目标完成情况"), Para("部门整体绩效目标基本完成，自评得分89分。"),
        Heading(1, "存在的问题及改进措施"), Para("高中阶段毛入学率未达目标，下一步加强控辍保学。"),
    ]
    return ReportSpec(
        case_id="education-2019", unit=unit, year=2019,
        cover=Cover(unit_name=unit, budget_code="012003", evaluation_method="单位自评",
                    evaluation_agency="华容县教育局", report_date="2020.3.15", issuer="华容县财政局",
                    subtitle="（2019年度）", style="paragraphs"),
        form_title=["2019年度部门整体支出绩效自评表"],
        contact_person="彭志强", contact_phone="0730-4221356", authorized_staff="1856", actual_staff="1902",
        functions="贯彻执行国家教育方针政策，统筹管理全县各级各类教育。",
        annual_work="1.巩固义务教育均衡发展成果；2.推进高中阶段教育普及；3.落实学生资助政策。",
        performance_summary="全县教育事业持续健康发展，义务教育均衡发展成果进一步巩固。",
        currency_unit="万元", income=income, expenditure=expenditure, three_public=three, fixed_assets=assets,
        institution_numbering="（1）",
        qualitative_goals="目标1：义务教育均衡发展。\n目标2：学生资助应助尽助。\n目标3：校舍安全达标。",
        qualitative_completion="基本完成。高中阶段毛入学率未达预期。",
        indicators=ind, indicator_layout="full", score="８９", grade="良好",
        evaluators=[Evaluator(pad_name("黎明"), "局长", unit), Evaluator("汤建国", "副局长", unit),
                    Evaluator(pad_name("易芳"), "计财股股长", unit), Evaluator("曾湘江", "会计", unit),
                    Evaluator("文志红", "县财政局教科文股", "华容县财政局")],
        closing_rows=True,
        narrative_title="华容县教育局2019年度部门整体支出绩效自评报告", narrative=narrative,
        form_layout="split", heading_mode="styles",
        labels={"authorized_staff": "编制人数", "actual_staff": "实际人数",
                "income.general_budget": "一般公共预算拨款", "income.government_fund": "政府性基金预算拨款",
                "three_public.overseas_travel": "因公出国（境）费", "score": "自评得分",
                "caption.three_public": "三公经费支出情况", "caption.fixed_assets": "固定资产情况",
                "level1": "一级指标", "level2": "二级指标", "level3": "三级指标"},
        inconsistencies=[("expenditure.basic_split", "县第二中学"),
                         ("expenditure.summary_equals_sum", "personnel")],
        notes="form split over six tables with the section titles and captions as paragraphs between them; "
              "paragraph cover (预算编码 012003, 2020.3.15, 华容县财政局(制)); form title paragraph; "
              "full-width digits (收入 summary row, one 支出 row, the score ８９); label variants 编制人数/实际人数/"
              "一般公共预算拨款/政府性基金预算拨款/因公出国（境）费/自评得分; summary row first named 汇总; "
              "（1） institution numbering; 8-column indicator layout (年度指标值/实际完成值/分值/得分/偏差原因分析及改进措施); "
              "headings in Heading 1–3 styles with the number typed in the text; five evaluators with padded names; "
              "one deliberate error: 县第二中学 人员支出 3210.45 (true 3120.45)",
    )


# -- a small unit 2023: one institution, no summary, placeholders, nested table, numPr headings ----------

def small_unit_2023() -> ReportSpec:
    unit = "平江县档案馆"
    N = None
    income = income_rows([(unit, N, "186.452300", N, N, N)])
    expenditure = expenditure_rows([(unit, "142.365800", "21.086500", "23.000000", "0", N)])
    three = three_public_rows([(unit, "0.452000", N, N, N)])
    assets = fixed_assets_rows([(unit, "356.214500", N, N)])
    ind = [
        IndicatorRow("产出目标", "数量指标", "指标1：档案接收进馆数量", "12000卷"),
        IndicatorRow("产出目标", "数量指标", "指标2：档案数字化页数", "85万页"),
        IndicatorRow("产出目标", "质量指标", "指标1：\n\n指标2：\n\n……", N),
        IndicatorRow("产出目标", "时效指标", "指标1：\n\n指标2：\n\n……", N),
        IndicatorRow("产出目标", "成本指标", "指标1：部门整体支出", "186.452300万元"),
        IndicatorRow("效益目标", "社会效益", "指标1：档案查阅利用人次", "3560人次"),
        IndicatorRow("效益目标", "经济效益", "指标1：", N),
        IndicatorRow("效益目标", "生态效益", "", N),
        IndicatorRow("满意度", "社会公众或服务对象满意度", "指标1：查档群众满意度", "98%"),
    ]
    narrative = [
        Heading(0, "单位概况"),
        Para("平江县档案馆为县委直属公益一类事业单位，核定编制12名。"),
        Para("2023年总收入186.452300万元，全部为一般公共预算拨款。"),
        Heading(1, "整体支出管理及使用情况"),
        Heading(2, "基本支出"), Para("基本支出163.452300万元。"),
        Heading(2, "项目支出"), Para("项目支出23.000000万元，用于档案数字化加工。"),
        Heading(1, "绩效评价工作情况"), Para("成立自评小组，对照指标逐项打分。"),
        Heading(1, "存在的主要问题"), Para("档案数字化经费不足。"),
        Heading(1, "改进措施和有关建议"),
        Heading(2, "加强预算编制"), Heading(3, "细化项目预算"), Para("按实际工作量测算。"),
        Heading(3, "加强执行监控"), Para("按季度分析预算执行情况。"),
    ]
    return ReportSpec(
        case_id="small-unit-2023", unit=unit, year=2023,
        form_title=["2023年度部门（单位）整体支出绩效自评表"],
        contact_person="钟  敏", contact_phone="0730-6223145", authorized_staff="12", actual_staff="11",
        functions="负责全县档案的收集、保管和提供利用。",
        annual_work="主要任务如下：",
        annual_work_table=[["序号", "工作内容", "完成情况"], ["1", "档案接收进馆", "已完成"],
                           ["2", "馆藏档案数字化", "完成85%"], ["3", "档案安全检查", "已完成"]],
        performance_summary="",
        currency_unit="万元", income=income, expenditure=expenditure, three_public=three, fixed_assets=assets,
        institution_numbering="",
        qualitative_goals="目标1：档案安全保管。", qualitative_completion="",
        indicators=ind, indicator_layout="basic", score="91.5", grade="优秀",
        evaluators=[Evaluator("钟  敏", "馆长", unit), Evaluator("潘建新", "会计", unit)],
        closing_rows=False,
        narrative_title=f"{unit}2023年度部门整体支出绩效自评报告", narrative=narrative,
        heading_mode="numbering",
        labels={"contact_phone": "联系电话", "income.general_budget": "一般公共预算拨款"},
        notes="one institution, no summary row, no numbering of the institution; empty cells (总体运行情况, "
              "实际完成, 指标 placeholders 指标1：/……, an empty 指标 cell, three 三公 columns empty) vs printed 0 "
              "(当年结余); a nested table inside the 年度主要工作内容 cell; headings numbered by w:numPr on the "
              "paragraphs (numbering.xml chineseCounting %1、/（%2）, decimal %3、), two known headings unnumbered; "
              "no cover, no closing rows",
    )


CASES: dict[str, Callable[[], ReportSpec]] = {
    "seed-yueyang-2022": seed_yueyang_2022,
    "health-2021": health_2021,
    "education-2019": education_2019,
    "small-unit-2023": small_unit_2023,
}


def names() -> list[str]:
    return list(CASES)


def get(name: str) -> ReportSpec:
    return CASES[name]()
