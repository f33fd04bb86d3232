"""The JSON contract (``report-schema.md``, schema version 1.1) as pydantic models.

Field names are fixed by the contract; fields may be added, never renamed.
Amounts are ``Decimal`` end to end and dump as the exact printed digits
(``format(d, "f")``: ``Decimal("0.0000000")`` stays ``"0.0000000"``, never
``"0E-7"``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, field_validator

from .filenames import display

Amount = Annotated[
    Decimal,
    PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json"),
    Field(json_schema_extra={"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Source(_Model):
    file: str | None = None
    format: str
    sha256: str
    pages: int | None = None

    @field_validator("file")
    @classmethod
    def _printable(cls, v: str | None) -> str | None:
        # A name that is not UTF-8 (GBK from a Windows zip) cannot go to JSON as it is.
        return None if v is None else display(v)


class Cover(_Model):
    unit_name: str | None = None
    budget_code: str | None = None
    evaluation_method: str | None = None
    evaluation_agency: str | None = None
    report_date: str | None = None
    issuer: str | None = None


class Overview(_Model):
    contact_person: str | None = None
    contact_phone: str | None = None
    authorized_staff: int | None = None
    actual_staff: int | None = None
    functions: str | None = None
    annual_work: str | None = None
    performance_summary: str | None = None
    extras: dict[str, str] = Field(default_factory=dict, description="labelled fields the spec does not know")


class _Row(_Model):
    institution: str
    is_summary: bool = False
    extras: dict[str, Amount | None] = Field(
        default_factory=dict, description="amount columns the spec does not know, by their printed header"
    )


class IncomeRow(_Row):
    total: Amount | None = None
    prior_year_carryover: Amount | None = None
    general_budget: Amount | None = None
    government_fund: Amount | None = None
    special_account_non_tax: Amount | None = None
    other: Amount | None = None


class ExpenditureRow(_Row):
    total: Amount | None = None
    basic: Amount | None = None
    personnel: Amount | None = None
    public_use: Amount | None = None
    project: Amount | None = None
    current_surplus: Amount | None = None
    accumulated_surplus: Amount | None = None


class ThreePublicRow(_Row):
    total: Amount | None = None
    reception: Amount | None = None
    vehicle_operation: Amount | None = None
    vehicle_purchase: Amount | None = None
    overseas_travel: Amount | None = None


class FixedAssetsRow(_Row):
    total: Amount | None = None
    in_use: Amount | None = None
    leased: Amount | None = None
    other: Amount | None = None


ROW_MODELS: dict[str, type[_Row]] = {
    "income": IncomeRow,
    "expenditure": ExpenditureRow,
    "three_public": ThreePublicRow,
    "fixed_assets": FixedAssetsRow,
}


def amount_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The model's own amount fields (``Amount | None``), in declaration order: the one list of its columns."""
    return tuple(name for name, f in model.model_fields.items() if Amount in get_args(f.annotation))


# table → its amount columns, for the checks, the batch tables and the synth code
FINANCE_COLUMNS: dict[str, tuple[str, ...]] = {t: amount_fields(m) for t, m in ROW_MODELS.items()}


class Finance(_Model):
    currency_unit: str | None = None
    income: list[IncomeRow] = Field(default_factory=list)
    expenditure: list[ExpenditureRow] = Field(default_factory=list)
    three_public: list[ThreePublicRow] = Field(default_factory=list)
    fixed_assets: list[FixedAssetsRow] = Field(default_factory=list)


class Indicator(_Model):
    level1: str | None = None
    level2: str | None = None
    name: str | None = None
    target: str | None = None
    actual: str | None = None
    weight: str | None = None
    score: str | None = None
    note: str | None = None
    level1_weight: str | None = None
    level2_weight: str | None = None
    unit: str | None = None
    nature: str | None = None
    extras: dict[str, str] = Field(default_factory=dict, description="other columns, header → value")


BudgetUnit = Literal["万元", "元"]


class BudgetLine(_Model):
    """One row (or one inline item) of a budget block (项目资金 / 年度预算申请)."""

    item: str
    kind: str | None = None
    basis: Literal["income", "expenditure"] | None = None
    initial_budget: Amount | None = None
    full_year_budget: Amount | None = None
    executed: Amount | None = None
    amount: Amount | None = None
    weight: Amount | None = None
    execution_rate: str | None = None
    score: Amount | None = None


# The amount columns of a budget line, in the order the forms print them.
BUDGET_COLUMNS = ("initial_budget", "full_year_budget", "executed")


class SelfEvaluation(_Model):
    qualitative_goals: list[str] = Field(default_factory=list)
    qualitative_completion: str | None = None
    indicators: list[Indicator] = Field(default_factory=list)
    score: Amount | None = None
    grade: str | None = None
    budget_unit: BudgetUnit | None = None
    budget_execution: list[BudgetLine] = Field(default_factory=list)
    max_score: Amount | None = None


class ProjectEvaluation(_Model):
    """One 项目支出绩效自评表."""

    name: str | None = None
    department: str | None = None
    implementing_unit: str | None = None
    fiscal_year: int | None = None
    budget_unit: BudgetUnit | None = None
    budget_execution: list[BudgetLine] = Field(default_factory=list)
    goals: list[str] = Field(default_factory=list)
    completion: str | None = None
    indicators: list[Indicator] = Field(default_factory=list)
    score: Amount | None = None
    max_score: Amount | None = None
    grade: str | None = None
    extras: dict[str, str] = Field(default_factory=dict, description="labelled fields the spec does not know")


class Evaluator(_Model):
    name: str | None = None
    position: str | None = None
    organization: str | None = None


class Section(_Model):
    number: str | None = None
    heading: str
    level: int
    text: str | None = None
    children: list["Section"] = Field(default_factory=list)


class Check(_Model):
    rule: str
    subject: str
    ok: bool
    # An amount, or a range such as ``0..7`` (indicators.score_within_weight).
    expected: Amount | str | None = None
    actual: Amount | None = None
    message: str = ""
    location: str | None = Field(default=None, description="where the checked value was read (table, row, col, page)")


class Warning(_Model):  # noqa: A001 - the contract's name
    code: str
    message: str
    location: str | None = None


class Origin(_Model):
    """Where one extracted value was read (for ``--provenance``)."""

    block: int
    table: int | None = None
    row: int | None = None
    col: int | None = None
    paragraph: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None


class Report(_Model):
    schema_version: Literal["1.1"] = "1.1"
    document_type: Literal["department_overall", "project"] = "department_overall"
    template: str | None = None
    title: str | None = None
    unit_name: str | None = None
    fiscal_year: int | None = None
    source: Source
    cover: Cover | None = None
    overview: Overview | None = None
    finance: Finance | None = None
    self_evaluation: SelfEvaluation | None = None
    evaluators: list[Evaluator] = Field(default_factory=list)
    narrative: list[Section] = Field(default_factory=list)
    projects: list[ProjectEvaluation] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    warnings: list[Warning] = Field(default_factory=list)
    provenance: dict[str, Origin] | None = Field(
        default=None, description="JSON pointer → origin; present only when asked for"
    )

    def to_json(self, *, indent: int | None = 2, provenance: bool = False) -> str:
        """The contract's JSON (UTF-8 text, Chinese not escaped)."""
        exclude = None if provenance else {"provenance"}
        return self.model_dump_json(indent=indent, exclude=exclude)

    def failed_checks(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]


def json_schema() -> dict[str, Any]:
    return Report.model_json_schema(mode="serialization")
