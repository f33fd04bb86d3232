"""A check whose operand was not read does not run (never ok: false); a warning says so."""

from decimal import Decimal as D

from docparse.checks import run_checks
from docparse.engine.trace import Trace
from docparse.models import ExpenditureRow, Finance, Report, Source


def _report(*rows):
    return Report(source=Source(format="pdf", sha256="0"), finance=Finance(expenditure=list(rows)))


def test_row_total_with_an_unread_operand_does_not_run_and_warns():
    # 项目支出 lost in every row (a PDF column the reader could not map).
    rows = [ExpenditureRow(institution="局机关", total=D("30.5"), basic=D("10.5"), personnel=D("8"), public_use=D("2.5")),
            ExpenditureRow(institution="二级机构", total=D("12"), basic=D("2"), personnel=D("2"))]
    trace = Trace()
    checks = run_checks(_report(*rows), None, trace)
    assert not [c for c in checks if c.rule == "expenditure.row_total"]
    assert all(c.ok for c in checks)
    warned = [w for w in trace.warnings if w.code == "checks.operand_missing"]
    assert len(warned) == 2 and "项目支出" in warned[0].message
    # 基本支出 not read though 人员 + 公用 are printed.
    rows = [ExpenditureRow(institution="档案室", total=D("9"), personnel=D("3"), public_use=D("2"), project=D("4")),
            ExpenditureRow(institution="局机关", total=D("4"), basic=D("4"), personnel=D("4"))]
    trace = Trace()
    assert all(c.ok for c in run_checks(_report(*rows), None, trace))
    assert [w.message for w in trace.warnings] == ["expenditure.row_total not checked for 档案室: 基本支出 not read"]


def test_row_total_with_empty_project_in_some_rows_still_flags_a_wrong_sum():
    rows = [ExpenditureRow(institution="局机关", total=D("11"), basic=D("10"), personnel=D("10")),
            ExpenditureRow(institution="二级机构", total=D("5"), basic=D("2"), personnel=D("2"), project=D("3"))]
    failed = [(c.rule, c.subject) for c in run_checks(_report(*rows), None, Trace()) if not c.ok]
    assert failed == [("expenditure.row_total", "局机关")]
