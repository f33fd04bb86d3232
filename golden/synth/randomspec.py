"""Consistent finance rows from components, and ``generate(n, seed)``: random
but valid ReportSpecs mixing every layout variant.

All arithmetic is ``Decimal`` on the printed strings; nothing goes through
``float``. A total is printed with as many decimals as its widest part.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Optional, Sequence

from .spec import Cover, Evaluator, FinanceRow, Heading, IndicatorRow, Para, ReportSpec

Amount = Optional[str]
_FW = str.maketrans("0123456789.-", "０１２３４５６７８９．－")


def fullwidth(s: Amount) -> Amount:
    """``"9692.78"`` → ``"９６９２．７８"`` (as some WPS files print numbers)."""
    return None if s is None else s.translate(_FW)


def _dp(s: str) -> int:
    return len(s.split(".")[1]) if "." in s else 0


def add(parts: Sequence[Amount], empty_if_none: bool = True) -> Amount:
    """The printed sum of printed amounts (None = empty cell = 0)."""
    given = [p for p in parts if p is not None]
    if not given and empty_if_none:
        return None
    total = sum((Decimal(p) for p in given), Decimal(0))
    dp = max((_dp(p) for p in given), default=0)
    return format(total.quantize(Decimal(1).scaleb(-dp)), "f")


def _rows(names: Sequence[str], body: list[tuple], summary: Optional[str], summary_first: bool) -> list[FinanceRow]:
    rows = [FinanceRow(n, tuple(v)) for n, v in zip(names, body)]
    if summary:
        cols = list(zip(*body))
        srow = FinanceRow(summary, tuple(add(c) for c in cols), is_summary=True)
        rows = [srow] + rows if summary_first else rows + [srow]
    return rows


def income_rows(data: Sequence[tuple], summary=None, summary_first=True) -> list[FinanceRow]:
    """data: (name, carryover, general_budget, government_fund, special_account, other)."""
    return _rows([d[0] for d in data], [(add(d[1:]),) + tuple(d[1:]) for d in data], summary, summary_first)


def expenditure_rows(data: Sequence[tuple], summary=None, summary_first=True) -> list[FinanceRow]:
    """data: (name, personnel, public_use, project, current_surplus, accumulated_surplus)."""
    body = []
    for _, pers, pub, proj, cur, acc in data:
        basic = add([pers, pub])
        body.append((add([basic, proj]), basic, pers, pub, proj, cur, acc))
    return _rows([d[0] for d in data], body, summary, summary_first)


def three_public_rows(data: Sequence[tuple], summary=None, summary_first=True) -> list[FinanceRow]:
    """data: (name, reception, vehicle_operation, vehicle_purchase, overseas_travel)."""
    return _rows([d[0] for d in data], [(add(d[1:]),) + tuple(d[1:]) for d in data], summary, summary_first)


def fixed_assets_rows(data: Sequence[tuple], summary=None, summary_first=True) -> list[FinanceRow]:
    """data: (name, in_use, leased, other)."""
    return _rows([d[0] for d in data], [(add(d[1:]),) + tuple(d[1:]) for d in data], summary, summary_first)


def grade_for(score: str) -> str:
    s = Decimal(score)
    return "优秀" if s >= 90 else "良好" if s >= 80 else "中" if s >= 60 else "差"


def pad_name(name: str) -> str:
    return f"{name[0]}  {name[1]}" if len(name) == 2 else name


# -- random reports -----------------------------------------------------------------

COUNTIES = ["岳阳县", "平江县", "华容县", "湘阴县", "汨罗市", "临湘市", "君山区", "云溪区", "南县", "桃江县", "安化县"]
DEPTS = {
    "退役军人事务局": ["局机关", "光荣院", "退役军人服务中心", "军休所", "烈士陵园管理所"],
    "卫生健康局": ["局机关", "疾病预防控制中心", "妇幼保健院", "卫生监督执法局", "爱卫办", "计生协会"],
    "教育局": ["局机关", "教育考试中心", "教研室", "第一中学", "第二中学", "实验小学", "职业中专", "幼儿园"],
    "农业农村局": ["局机关", "农业技术推广中心", "畜牧水产事务中心", "农机事务中心", "农村经营服务站"],
    "民政局": ["局机关", "社会福利院", "殡仪馆", "救助管理站", "婚姻登记处"],
    "水利局": ["局机关", "水利工程管理站", "河道管理所", "防汛抗旱服务中心", "水土保持站"],
    "文化旅游广电体育局": ["局机关", "图书馆", "文化馆", "博物馆", "体育中心", "文物管理所", "广播电视台"],
}
EXTRA_INST = ["信息中心", "培训中心", "综合执法大队", "档案室", "后勤服务中心", "监测站", "研究所"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红湘江兴文辉斌宇新波鹏飞林亮晨"
POSITIONS = ["局长", "副局长", "党组书记", "办公室主任", "财务股股长", "规划财务股股长", "会计", "出纳", "纪检组长", "主任科员"]
LEVEL2 = {
    "产出目标": [("数量指标", ["政府采购执行率", "公务卡刷卡率", "固定资产利用率", "培训人次"]),
                ("质量指标", ["财政供养人员控制率", "“三公”经费控制率", "资金使用合规率"]),
                ("时效指标", ["专项支出安排率", "基本支出安排率", "资金拨付及时率"]),
                ("成本指标", ["部门整体支出", "部门整体结余"])],
    "效益目标": [("社会效益", ["服务对象覆盖率", "群众办事便利度提升"]), ("经济效益", ["带动社会投资"]),
                ("生态效益", ["节能降耗目标完成率"]), ("可持续影响", ["长效管理机制健全性"])],
    "满意度": [("社会公众或服务对象满意度", ["服务对象满意度"])],
}
SENTENCES = [
    "我单位严格执行预算管理制度，加强资金使用监管，确保资金安全有效运行。",
    "全年各项重点工作任务按计划推进，主要绩效目标均已完成。",
    "严格落实中央八项规定精神，压减一般性支出，三公经费控制在预算以内。",
    "项目资金实行专账核算、专款专用，未发现截留、挤占、挪用等问题。",
    "部门预算编制的科学性和精准性仍需提高，个别项目执行进度偏慢。",
    "下一步将加强绩效目标管理，强化绩效评价结果应用，提高财政资金使用效益。",
    "按照财政部门统一部署，成立绩效自评工作领导小组，对年度整体支出开展自评。",
    "固定资产管理制度健全，资产账实相符，资产配置合理。",
]
OUTLINE = [  # (level, heading)
    (1, "部门（单位）基本情况"), (2, "部门职能"), (2, "机构设置及人员情况"),
    (1, "部门整体支出管理及使用情况"), (2, "基本支出"), (2, "项目支出"), (3, "项目资金安排落实情况"),
    (3, "项目资金实际使用情况"), (4, "资金拨付情况"), (4, "资金使用情况"),
    (1, "部门专项组织实施情况"), (1, "部门整体支出绩效情况"), (1, "存在的主要问题"),
    (1, "改进措施和有关建议"), (2, "加强预算管理"), (2, "强化绩效运用"),
]


def _amount(rng: random.Random, lo: int, hi: int, dp: int, zero_style: Optional[str]) -> Amount:
    if rng.random() < 0.2:
        return zero_style
    v = Decimal(rng.randint(lo * 10 ** dp, hi * 10 ** dp)).scaleb(-dp)
    return format(v, "f")


def _text(rng: random.Random, k: int) -> str:
    return "".join(rng.choice(SENTENCES) for _ in range(k))


def random_spec(rng: random.Random, case_id: str) -> ReportSpec:
    dept = rng.choice(list(DEPTS))
    unit = rng.choice(COUNTIES) + dept
    year = rng.randint(2018, 2023)
    n_inst = rng.choice([1, 1, 2, 3, 4, 5, 6, 8, 10, 12])
    names = (DEPTS[dept] + EXTRA_INST)[:n_inst]
    unit_yuan = rng.random() < 0.35
    dp = 2 if unit_yuan else rng.choice([2, 4, 6])
    scale = 10000 if unit_yuan else 1
    zero = rng.choice([None, "0", "0.00"])
    has_summary = n_inst > 1 or rng.random() < 0.5
    summary = rng.choice(["汇总", "合计", "局机关及二级机构汇总", "总计"]) if has_summary else None
    first = rng.random() < 0.6

    def amt(lo, hi):
        return _amount(rng, lo * scale, hi * scale, dp, zero)

    income = income_rows([(n, amt(0, 50), amt(50, 5000), amt(0, 300), amt(0, 30), amt(0, 20)) for n in names],
                         summary, first)
    expenditure = expenditure_rows([(n, amt(30, 900), amt(5, 80), amt(0, 4000), amt(0, 20), None) for n in names],
                                   summary, first)
    three = three_public_rows([(n, amt(0, 8), amt(0, 15), zero, zero) for n in names], summary, first)
    assets = fixed_assets_rows([(n, amt(0, 3000), zero, amt(0, 50)) for n in names], summary, first)
    if rng.random() < 0.25:  # some WPS files print a few numbers full-width
        r = rng.choice(income)
        r.values = tuple(fullwidth(v) for v in r.values)
    full = rng.random() < 0.4
    inds = []
    for l1 in rng.sample(list(LEVEL2), rng.randint(2, 3)):
        for l2, candidates in rng.sample(LEVEL2[l1], rng.randint(1, len(LEVEL2[l1]))):
            picks = rng.sample(candidates, rng.randint(1, len(candidates)))
            note = l1 if rng.random() < 0.5 else f"{l1}\n\n（{'预期实现的效益' if l1 == '效益目标' else '部门工作实绩'}）"
            if not full and len(picks) > 1 and rng.random() < 0.3:  # several 指标N： in one cell
                name = "\n".join(f"指标{i}：{p}" for i, p in enumerate(picks, 1))
                inds.append(IndicatorRow(note, l2, name, f"{rng.randint(90, 100)}%"))
                continue
            for i, p in enumerate(picks, 1):
                if full:
                    w = rng.choice(["5", "10", "15"])
                    inds.append(IndicatorRow(note, l2, p, f"{rng.randint(90, 100)}%", target="≥90%", weight=w,
                                             score=w if rng.random() < 0.7 else str(int(w) - 1),
                                             note=None if rng.random() < 0.7 else "已按计划完成"))
                else:
                    inds.append(IndicatorRow(note, l2, f"指标{i}：{p}", f"{rng.randint(90, 100)}%"))
    if not full and rng.random() < 0.5:
        inds.append(IndicatorRow("效益目标", "生态效益", "指标1：\n\n指标2：\n\n……", None))
    score = str(rng.randint(78, 99)) if rng.random() < 0.7 else f"{rng.randint(78, 98)}.{rng.randint(1, 9)}"
    pad = rng.random() < 0.6
    evs = []
    for _ in range(rng.randint(1, 6)):
        nm = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 1, 2])))
        evs.append(Evaluator(pad_name(nm) if pad else nm, rng.choice(POSITIONS), unit))
    labels = {}
    for key, options in [("contact_phone", ["联络电话", "联系电话"]), ("authorized_staff", ["人员编制", "编制人数"]),
                         ("actual_staff", ["实有人数", "实际人数"]),
                         ("income.general_budget", ["公共财政拨款", "一般公共预算拨款", "公共财\n\n政拨款"]),
                         ("income.government_fund", ["政府基金拨款", "政府性基金预算拨款"]),
                         ("three_public.overseas_travel", ["因公出国费", "因公出国（境）费"]),
                         ("score", ["绩效自评综合得分", "自评得分"]),
                         ("caption.three_public", [None, "三公经费情况"]), ("caption.fixed_assets", [None, "固定资产情况"])]:
        labels[key] = rng.choice(options)
    cover = None
    if rng.random() < 0.6:
        m, d = rng.randint(1, 6), rng.randint(1, 28)
        cover = Cover(unit_name=unit, budget_code=f"{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}",
                      evaluation_method=rng.choice(["部门自评", "单位自评"]),
                      evaluation_agency=rng.choice([unit, f"{unit}绩效评价工作小组"]),
                      report_date=rng.choice([f"{year + 1}年{m}月{d}日", f"{year + 1}.{m}.{d}"]),
                      issuer=rng.choice(["岳阳市财政局", "益阳市财政局", "湖南省财政厅"]),
                      subtitle=f"（{year}年度）", style=rng.choice(["paragraphs", "table"]))
    long = rng.random() < 0.5
    outline = OUTLINE if long else [h for h in OUTLINE if h[0] == 1][:4]
    total = next(r for r in income if r.is_summary or len(income) == 1).values[0]
    total_txt = total if total is None else total.translate({ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９．－"})
    narrative: list = []
    if rng.random() < 0.5:
        narrative += [Heading(0, "单位概况"), Para(f"{year}年我单位总收入为{total_txt}{'元' if unit_yuan else '万元'}。")]
    for lvl, h in outline:
        narrative.append(Heading(lvl, h))
        for _ in range(rng.randint(1, 3) if long else 1):
            narrative.append(Para(_text(rng, rng.randint(2, 8) if long else 1)))
    return ReportSpec(
        case_id=case_id, unit=unit, year=year,
        contact_person=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
        contact_phone=f"0730-{rng.randint(1000000, 9999999)}",
        authorized_staff=str(rng.randint(5, 200)), actual_staff=str(rng.randint(5, 220)),
        functions=_text(rng, rng.randint(1, 4)), annual_work=_text(rng, rng.randint(1, 3)),
        annual_work_table=[["序号", "任务", "完成情况"], ["1", "重点工作", "已完成"]] if rng.random() < 0.15 else None,
        performance_summary=_text(rng, rng.randint(2, 30 if long else 6)),
        currency_unit="元" if unit_yuan else "万元",
        income=income, expenditure=expenditure, three_public=three, fixed_assets=assets,
        institution_numbering=rng.choice(["1、", "1.", "（1）", ""]),
        qualitative_goals="\n".join(f"目标{i}：{_text(rng, 1)}" for i in range(1, rng.randint(2, 5))),
        qualitative_completion=_text(rng, 1),
        indicators=inds, indicator_layout="full" if full else "basic",
        score=score, grade=grade_for(score), evaluators=evs, closing_rows=rng.random() < 0.7,
        after_form=["填报人（签名）：                          联系电话："] if rng.random() < 0.5 else [],
        narrative_title=f"{unit}{year}年度整体支出绩效自评报告",
        narrative=narrative, cover=cover,
        form_title=[f"{year}年度部门整体支出绩效自评表"] if rng.random() < 0.5 else [],
        form_layout=rng.choice(["single", "single", "split"]),
        heading_mode=rng.choice(["text", "numbering", "styles", "styles_numbering"]),
        labels=labels,
        notes=f"random spec from generate(); {n_inst} institution(s)",
    )


def generate(n: int, seed: int = 0) -> list[ReportSpec]:
    """n random but valid ReportSpecs, deterministic from ``seed``."""
    rng = random.Random(seed)
    return [random_spec(random.Random(rng.getrandbits(64)), f"gen-{seed}-{i:03d}") for i in range(n)]
