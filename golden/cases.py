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
from .synth.randomspec import fullwidth

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
        notes="the seed report as its text shows it: one big table, no cover, summary row first "
              "(局机关及二级机构汇总), 1、 numbering, broken labels, empty cells and printed 0s, "
              "basic indicator layout, plain-text headings with two unnumbered known headings",
    )


CASES: dict[str, Callable[[], ReportSpec]] = {
    "seed-yueyang-2022": seed_yueyang_2022,
}


def names() -> list[str]:
    return list(CASES)


def get(name: str) -> ReportSpec:
    return CASES[name]()
