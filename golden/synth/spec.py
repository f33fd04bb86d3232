"""What one synthetic report looks like: plain dataclasses, no behaviour.

Everything that ends up printed is a *string exactly as printed*: amounts
(``"9692.786137"``, ``"０"``, ``None`` for an empty cell), staff counts, the
score. Labels can be overridden per report (``ReportSpec.labels``) to get the
wording variants seen in real files; a label containing ``\\n`` is written as
one paragraph per line inside its cell (``"公共财\\n\\n政拨款"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

from docparse.models import FINANCE_COLUMNS

Amount = Optional[str]  # as printed; None = empty cell

# Column keys of the four finance tables, in printed order (after 机构名称): the models' fields.
INCOME_COLS, EXPENDITURE_COLS, THREE_PUBLIC_COLS, FIXED_ASSETS_COLS = (
    FINANCE_COLUMNS[t] for t in ("income", "expenditure", "three_public", "fixed_assets"))

DEFAULT_LABELS: dict[str, Optional[str]] = {
    # 一、基本概况
    "section.overview": "一、部门（单位）基本概况",
    "contact_person": "联系人",
    "contact_phone": "联络电话",          # variant: 联系电话
    "authorized_staff": "人员编制",       # variant: 编制人数
    "actual_staff": "实有人数",           # variant: 实际人数
    "functions": "职能职责概述",
    "annual_work": "年度主要工作内容",
    "performance_summary": "年度部门（单位）总体运行情况及取得的成绩",
    # 二、收支情况
    "section.finance": "二、部门（单位）收支情况",
    "institution": "机构名称",
    "of_which": "其中：",
    "caption.income": "年度收入情况",
    "caption.expenditure": "部门（单位）年度支出和结余情况",
    "caption.three_public": None,          # the seed prints no caption for these two
    "caption.fixed_assets": None,
    "income.total": "收入合计",
    "income.prior_year_carryover": "上年结转",
    "income.general_budget": "公共财政拨款",   # variant: 一般公共预算拨款
    "income.government_fund": "政府基金拨款",  # variant: 政府性基金预算拨款
    "income.special_account_non_tax": "纳入专户管理的非税收入拨款",
    "income.other": "其他收入",
    "expenditure.total": "支出合计",
    "expenditure.basic": "基本支出",
    "expenditure.personnel": "人员支出",
    "expenditure.public_use": "公用支出",
    "expenditure.project": "项目支出",
    "expenditure.surplus": "结余",
    "expenditure.current_surplus": "当年结余",
    "expenditure.accumulated_surplus": "累计结余",
    "three_public.total": "三公经费合计",
    "three_public.reception": "公务接待费",
    "three_public.vehicle_operation": "公务用车运维费",
    "three_public.vehicle_purchase": "公务用车购置费",
    "three_public.overseas_travel": "因公出国费",  # variant: 因公出国（境）费
    "fixed_assets.total": "固定资产合计",
    "fixed_assets.in_use": "在用固定资产",
    "fixed_assets.leased": "出租固定资产",
    "fixed_assets.other": "其他",
    # 三、绩效自评
    "section.self_evaluation": "三、部门（单位）整体支出绩效自评情况",
    "qualitative": "整体支出绩效定性目标及实施计划完成情况",
    "expected_goals": "预期目标",
    "actual_completion": "实际完成",
    "quantitative": "整体支出绩效定量目标及实施计划完成情况",
    "eval_content": "评价内容",
    "perf_target": "绩效目标",
    "completion": "完成情况",
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "target": "年度指标值",
    "actual": "实际完成值",
    "weight": "分值",
    "score_col": "得分",
    "note": "偏差原因分析及改进措施",
    "score": "绩效自评综合得分",           # variant: 自评得分
    "grade": "评价等次",
    # 四、评价人员
    "section.evaluators": "四、评价人员",
    "ev.name": "姓  名",
    "ev.position": "职务/职称",
    "ev.organization": "单  位",
    "ev.signature": "签  字",
    # closing rows
    "closing.leader": "评价组组长（签字）：\n\n" + " " * 63 + "年    月    日",
    "closing.opinion": "部门（单位）意见：\n\n" + " " * 41 + "部门（单位）负责人（签章）：\n\n"
                       + " " * 63 + "年    月    日",
}


@dataclass
class FinanceRow:
    institution: str            # without list numbering; numbering comes from ReportSpec
    values: tuple[Amount, ...]  # one per column key, as printed
    is_summary: bool = False


@dataclass
class IndicatorRow:
    """One printed row of the 定量 block. Consecutive rows with the same
    ``level1`` (and ``level2``) are merged vertically, like Word does."""
    level1: str                 # as printed, e.g. "产出目标\n\n（部门工作实绩，…）"
    level2: str                 # 质量指标 …
    name: str                   # cell text, may hold several "指标N：…" lines
    actual: Amount = None       # 完成情况 / 实际完成值
    target: Amount = None       # 年度指标值 (full layout only)
    weight: Amount = None       # 分值 (full layout only)
    score: Amount = None        # 得分 (full layout only)
    note: Amount = None         # 偏差原因分析及改进措施 (full layout only)


@dataclass
class Evaluator:
    name: str                   # as printed, e.g. "邹  文"
    position: str
    organization: str


@dataclass
class Cover:
    unit_name: str
    budget_code: Optional[str] = None      # keep leading zeros: "006001"
    evaluation_method: Optional[str] = None
    evaluation_agency: Optional[str] = None
    report_date: Optional[str] = None      # as printed: "2022年3月15日" / "2022.3.15"
    issuer: Optional[str] = None           # printed as f"{issuer}(制)"
    title: str = "部门（单位）整体支出绩效自评报告"
    subtitle: Optional[str] = None         # e.g. "（2021年度）"
    style: str = "paragraphs"              # "paragraphs" | "table"


@dataclass
class Heading:
    level: int                  # 1 一、 / 2 （一） / 3 1、 / 4 （1）; 0 = known heading, unnumbered
    text: str                   # without the number
    number: Optional[str] = None  # printed number in "text" mode; None = computed


@dataclass
class Para:
    text: str                   # "" = an empty paragraph, as Word files are full of


Block = Union[Heading, Para]


@dataclass
class ReportSpec:
    case_id: str
    unit: str
    year: int
    # 一、基本概况
    contact_person: str = ""
    contact_phone: str = ""
    authorized_staff: str = ""
    actual_staff: str = ""
    functions: str = ""
    annual_work: str = ""
    annual_work_table: Optional[list[list[str]]] = None   # nested table inside the cell
    performance_summary: str = ""
    # 二、收支情况
    currency_unit: str = "万元"
    income: list[FinanceRow] = field(default_factory=list)
    expenditure: list[FinanceRow] = field(default_factory=list)
    three_public: list[FinanceRow] = field(default_factory=list)
    fixed_assets: list[FinanceRow] = field(default_factory=list)
    institution_numbering: str = "1、"     # "1、" | "1." | "（1）" | ""
    # 三、自评
    qualitative_goals: str = ""            # cell text as printed ("目标1：… 目标2：…")
    qualitative_completion: str = ""
    indicators: list[IndicatorRow] = field(default_factory=list)
    indicator_layout: str = "basic"        # "basic": 评价内容|绩效目标|完成情况; "full": 8 columns
    score: Amount = None
    grade: Optional[str] = None
    # 四、评价人员
    evaluators: list[Evaluator] = field(default_factory=list)
    closing_rows: bool = True              # 评价组组长（签字） / 部门（单位）意见 rows
    after_form: list[str] = field(default_factory=list)   # paragraphs after the form (填报人…)
    # the free-text report
    narrative_title: Optional[str] = None
    narrative: list[Block] = field(default_factory=list)
    # layout switches
    cover: Optional[Cover] = None
    form_title: list[str] = field(default_factory=list)  # paragraphs before the form
    form_layout: str = "single"            # "single" one big table | "split" tables + paragraph titles
    heading_mode: str = "text"             # "text" | "numbering" | "styles" | "styles_numbering"
    labels: dict[str, Optional[str]] = field(default_factory=dict)
    # deliberate arithmetic errors: [(rule, subject)], e.g. ("income.row_total", "局机关")
    inconsistencies: list[tuple[str, str]] = field(default_factory=list)
    notes: str = ""                        # what this case covers (documentation only)

    def label(self, key: str) -> Optional[str]:
        return self.labels[key] if key in self.labels else DEFAULT_LABELS[key]
