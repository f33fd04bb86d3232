"""The batch table layout: derived from the models, units and exact 元, totals, counts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from docparse import models as m
from docparse.batch import tables as T


def report(**kw) -> m.Report:
    base = dict(source=m.Source(file="x.docx", format="docx", sha256="ab" * 32))
    base.update(kw)
    return m.Report(**base)


def rows_of(rep: m.Report) -> dict[str, list[dict]]:
    d = rep.model_dump(mode="json")
    out = T.flatten("rid", d["source"]["sha256"], "in/x.docx", "json/x.json", d)
    return {t: [dict(zip(T.TABLES[t].column_names, r)) for r in rs] for t, rs in out.items()}


def test_every_model_field_is_a_column():
    for t in T.TABLES.values():
        if t.model is None or t.name == "reports":
            continue
        names = set(t.column_names)
        for f, info in t.model.model_fields.items():
            if T._list_model(info.annotation) or T._nested_model(info.annotation):
                continue
            assert f in names, (t.name, f)


def test_amount_columns_have_unit_and_yuan_beside_them():
    cols = T.TABLES["income"].column_names
    assert cols[:4] == ["report_id", "row", "institution", "is_summary"]
    for f, info in m.IncomeRow.model_fields.items():
        if T._kind(f, info.annotation) == T.AMOUNT:
            assert f"{f}_yuan" in cols
    assert "unit" in cols
    assert "unit" in T.TABLES["project_budget"].column_names and "executed_yuan" in T.TABLES["project_budget"].column_names
    # scores are points, not money: a number for sorting, no 元
    assert "score_num" in T.TABLES["project_budget"].column_names
    assert "score_yuan" not in T.TABLES["project_budget"].column_names


def test_yuan_is_exact_decimal_never_float():
    assert T.yuan("9692.786137", "万元") == Decimal("96927861.37")
    assert T.yuan("0.0001", "万元") == Decimal("1")
    assert T.yuan("12.30", "元") == Decimal("12.30")
    assert T.yuan("1234567890123456789.123456", "万元") == Decimal("12345678901234567891234.56")
    assert T.yuan("1", None) is None


def test_totals_take_the_summary_row_or_the_single_institution():
    single = report(finance=m.Finance(currency_unit="元", income=[m.IncomeRow(institution="档案馆", total=Decimal("5.5"))]))
    multi = report(finance=m.Finance(currency_unit="万元", income=[
        m.IncomeRow(institution="合计", is_summary=True, total=Decimal("3")),
        m.IncomeRow(institution="局机关", total=Decimal("1")), m.IncomeRow(institution="中心", total=Decimal("2"))]))
    t1, t2 = rows_of(single)["totals"][0], rows_of(multi)["totals"][0]
    assert (t1["income_total_yuan"], t1["income_total_from"], t1["unit"]) == (Decimal("5.5"), "single", "元")
    assert (t2["income_total_yuan"], t2["income_total_from"]) == (Decimal("30000"), "summary")


def project(name, unit, total, executed, **kw):
    return m.ProjectEvaluation(name=name, budget_unit=unit, budget_execution=[
        m.BudgetLine(item="年度资金总额", kind="total", full_year_budget=Decimal(total), executed=Decimal(executed),
                     weight=Decimal(10), score=Decimal("9.9")),
        m.BudgetLine(item="本年财政拨款", kind="appropriation", full_year_budget=Decimal(total))],
        indicators=[m.Indicator(level1="产出指标", name="数量", weight="10", score="8")], score=Decimal("88.5"), **kw)


def test_project_tables_keyed_by_report_and_project_row():
    rep = report(document_type="project", projects=[project("甲", "万元", "1.5", "1"), project("乙", "元", "300", "200")])
    r = rows_of(rep)
    assert [(p["row"], p["name"], p["n_budget_lines"], p["n_indicators"]) for p in r["projects"]] == [
        (0, "甲", 2, 1), (1, "乙", 2, 1)]
    assert [(b["project_row"], b["row"], b["unit"], b["full_year_budget_yuan"]) for b in r["project_budget"]] == [
        (0, 0, "万元", Decimal("15000")), (0, 1, "万元", Decimal("15000")),
        (1, 0, "元", Decimal("300")), (1, 1, "元", Decimal("300"))]
    assert r["project_indicators"][1]["project_row"] == 1 and r["project_indicators"][0]["score_num"] == 8.0
    t = r["totals"][0]
    # mixed units: no sum in one unit, the exact sum in 元
    assert t["n_projects"] == 2 and t["project_budget_unit"] is None and t["project_full_year_budget"] is None
    assert t["project_full_year_budget_yuan"] == Decimal("15300") and t["project_executed_yuan"] == Decimal("10200")
    assert r["reports"][0]["n_projects"] == 2 and r["reports"][0]["n_project_budget"] == 4


def test_department_form_budget_lines_and_counts():
    se = m.SelfEvaluation(budget_unit="万元", score=Decimal("92.5"), grade="优秀", budget_execution=[
        m.BudgetLine(item="年度资金总额", kind="total", full_year_budget=Decimal("100"), executed=Decimal("99")),
        m.BudgetLine(item="一般公共预算", kind="appropriation", basis="income", amount=Decimal("100"))])
    rep = report(self_evaluation=se, checks=[m.Check(rule="budget.execution_rate", subject="部门/年度资金总额", ok=False,
                                                     expected=Decimal(99), actual=Decimal(89), location="table 0 row 2 col 10")],
                 warnings=[m.Warning(code="x.y", message="m", location="table 0 row 1")])
    r = rows_of(rep)
    assert [b["amount_yuan"] for b in r["budget_lines"]] == [None, Decimal("1000000")]
    rr = r["reports"][0]
    assert (rr["n_budget_lines"], rr["n_checks"], rr["n_failed_checks"], rr["n_warnings"]) == (2, 1, 1, 1)
    assert rr["score"] == "92.5" and rr["score_num"] == 92.5
    assert r["checks"][0]["location"] == "table 0 row 2 col 10"
    assert r["warnings"][0] == {"report_id": "rid", "row": 0, "code": "x.y", "message": "m", "location": "table 0 row 1"}
    t = r["totals"][0]
    assert (t["dept_budget_unit"], t["dept_executed_yuan"], t["n_failed_checks"], t["grade"]) == ("万元", Decimal("990000"), 1, "优秀")


def test_cover_budget_code_is_text():
    r = rows_of(report(cover=m.Cover(budget_code="006001")))
    assert r["reports"][0]["cover_budget_code"] == "006001"


@pytest.mark.parametrize("bad", ["", "abc", "NaN", None])
def test_junk_amounts_in_hand_made_json_are_null(bad):
    assert T.yuan(bad, "元") is None
