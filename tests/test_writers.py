"""The batch writers (CSV, SQLite, Parquet, XLSX, dashboard) give the same tables."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from docparse import models as m
from docparse.batch import outputs as out
from docparse.batch import tables as T

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def _report(i: int) -> m.Report:
    return m.Report(
        title=f"报告{i}", unit_name=f"单位{i}", fiscal_year=2022,
        source=m.Source(file=f"r{i}.docx", format="docx", sha256=f"{i:02x}" * 32),
        cover=m.Cover(budget_code="006001"),
        finance=m.Finance(currency_unit="万元" if i % 2 else "元", income=[
            m.IncomeRow(institution="合计", is_summary=True, total=Decimal("9692.786137")),
            m.IncomeRow(institution="局机关", total=Decimal("9692.786137"))]),
        self_evaluation=m.SelfEvaluation(score=Decimal("95.50"), grade="优秀"),
        projects=[m.ProjectEvaluation(name="项目", budget_unit="万元", budget_execution=[
            m.BudgetLine(item="年度资金总额", kind="total", full_year_budget=Decimal("10"), executed=Decimal("9.5"))])],
        checks=[m.Check(rule="income.row_total", subject="局机关", ok=False, expected=Decimal(1), actual=Decimal(2))],
        warnings=[m.Warning(code="w", message="消息", location="table 0 row 1")])


def make_outdir(tmp_path, n=3, failed=1) -> tuple[str, out.Manifest]:
    outdir = str(tmp_path / "out")
    os.makedirs(os.path.join(outdir, "json"))
    man = out.Manifest(outdir)
    for i in range(n):
        rep = _report(i + 1)
        rel = f"json/r{i}.json"
        out.write_report(outdir, rel, rep.to_json())
        man.records[f"in/r{i}.docx"] = {"input": f"in/r{i}.docx", "sha256": rep.source.sha256, "status": "ok",
                                        "reason": None, "output": rel, "warnings": 1, "failed_checks": 1,
                                        "seconds": 0.1}
    for j in range(failed):
        man.records[f"in/bad{j}.docx"] = {"input": f"in/bad{j}.docx", "sha256": "ff" * 32, "status": "failed",
                                          "reason": "corrupt: the file is empty (0 bytes)", "output": None,
                                          "warnings": None, "failed_checks": None, "seconds": 0.0}
    return outdir, man


def read_csv(outdir, table):
    with open(os.path.join(outdir, f"{table}.csv"), encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_csv_and_sqlite_have_the_new_tables_units_and_sortable_scores(tmp_path):
    outdir, man = make_outdir(tmp_path)
    db = os.path.join(outdir, "r.db")
    counts = out.rebuild(outdir, man, db, code_of=lambda r: "corrupt")
    assert counts["totals"] == 3 and counts["warnings"] == 3 and counts["failures"] == 1
    income = read_csv(outdir, "income")
    assert {(r["unit"], r["total_yuan"]) for r in income} == {("万元", "96927861.37"), ("元", "9692.786137")}
    assert read_csv(outdir, "failures") == [{"input": "in/bad0.docx", "code": "corrupt",
                                             "message": "corrupt: the file is empty (0 bytes)"}]
    lines = [json.loads(x) for x in open(os.path.join(outdir, "reports.jsonl"), encoding="utf-8")]
    assert [x["report_id"] for x in lines] == [r["id"] for r in read_csv(outdir, "reports")]
    con = sqlite3.connect(db)
    assert con.execute("SELECT typeof(score_num), typeof(score), typeof(total_yuan) FROM reports, income "
                       "LIMIT 1").fetchone() == ("real", "text", "text")
    assert con.execute("SELECT count(*) FROM totals JOIN reports ON reports.id = totals.report_id").fetchone()[0] == 3
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert con.execute("SELECT location FROM warnings LIMIT 1").fetchone() == ("table 0 row 1",)


def test_parquet_dataset_matches_csv_and_keeps_yuan_exact(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    outdir, man = make_outdir(tmp_path, n=5)
    from docparse.batch.writers import parquet as P

    real = P.PART_ROWS
    P.PART_ROWS = 2  # several parts per table, as a large batch writes them
    try:
        out.rebuild(outdir, man, formats=["parquet"])
    finally:
        P.PART_ROWS = real
    for table in T.TABLES:
        parts = sorted(os.listdir(os.path.join(outdir, "parquet", table)))
        assert parts and all(p.startswith("part-") for p in parts)
        data = pq.read_table(os.path.join(outdir, "parquet", table))
        assert data.num_rows == len(read_csv(outdir, table)), table
    assert len(os.listdir(os.path.join(outdir, "parquet", "income"))) == 5  # 10 rows, 2 a part
    yuan = pq.read_table(os.path.join(outdir, "parquet", "income")).column("total_yuan").to_pylist()
    assert sorted(set(yuan)) == [Decimal("9692.786137"), Decimal("96927861.37")]
    assert not [n for n in os.listdir(outdir) if n.startswith(".tmp-")]


def test_parquet_opens_in_duckdb_and_pandas_with_the_same_rows(tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    outdir, man = make_outdir(tmp_path)
    out.rebuild(outdir, man, formats=["parquet"])
    df = pd.read_parquet(os.path.join(outdir, "parquet", "totals"))
    assert len(df) == 3 and sum(df.income_total_yuan) == sum(T.dec(r["income_total_yuan"]) for r in read_csv(outdir, "totals"))
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    got = con.execute(f"SELECT count(*), sum(income_total_yuan) FROM read_parquet('{outdir}/parquet/totals/*.parquet')"
                      ).fetchone()
    assert got[0] == 3 and Decimal(got[1]) == sum(df.income_total_yuan)


def test_xlsx_keeps_codes_and_amounts_as_text(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    outdir, man = make_outdir(tmp_path)
    out.rebuild(outdir, man, formats=["xlsx"])
    wb = openpyxl.load_workbook(os.path.join(outdir, "reports.xlsx"), read_only=True)
    assert set(T.TABLES) | {"failures"} <= set(wb.sheetnames)
    rows = list(wb["reports"].iter_rows(values_only=True))
    code = rows[0].index("cover_budget_code")
    assert {r[code] for r in rows[1:]} == {"006001"}
    inc = list(wb["income"].iter_rows(values_only=True))
    total = inc[0].index("total")
    assert {r[total] for r in inc[1:]} == {"9692.786137"}


def test_a_failing_writer_leaves_the_old_outputs(tmp_path, monkeypatch):
    outdir, man = make_outdir(tmp_path)
    out.rebuild(outdir, man)
    before = open(os.path.join(outdir, "totals.csv"), "rb").read()
    from docparse.batch.writers import csvfiles

    def boom(self, table, rows):
        raise OSError("disk full")

    monkeypatch.setattr(csvfiles.CsvWriter, "write", boom)
    with pytest.raises(OSError):
        out.rebuild(outdir, man)
    assert open(os.path.join(outdir, "totals.csv"), "rb").read() == before
    assert not [n for n in os.listdir(outdir) if n.startswith(".tmp-")]


def test_frames_and_load_give_decimal_columns(tmp_path):
    pytest.importorskip("pandas")
    import docparse
    from docparse.batch import load

    outdir, man = make_outdir(tmp_path)
    out.rebuild(outdir, man)
    loaded = load(outdir)
    direct = docparse.frames([_report(i + 1) for i in range(3)])
    for t in T.TABLES:
        assert len(loaded[t]) == len(direct[t]), t
    assert all(isinstance(v, Decimal) for v in loaded["income"].total_yuan)
    assert list(loaded["totals"].income_total_yuan) == list(direct["totals"].income_total_yuan)
    assert str(loaded["reports"].n_checks.dtype) == "Int64"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present")
def test_corpus_batch_totals_add_up_to_the_json(tmp_path):
    """sum(income_total_yuan) over totals = the hand sum from each report's JSON, in 元."""
    from docparse.batch import run_batch

    files = sorted(str(p) for p in CORPUS.glob("*.docx"))
    outdir = tmp_path / "out"
    s = run_batch(files, str(outdir), jobs=2, progress=False, sqlite=str(outdir / "r.db"))
    assert s.failed == 0
    totals = read_csv(outdir, "totals")
    reps = [json.load(open(p, encoding="utf-8")) for p in (outdir / "json").glob("*.json")]
    assert len(totals) == len(reps) == len(files)

    def hand(rep, table):
        fin = rep.get("finance") or {}
        rows = fin.get(table) or []
        row = next((r for r in rows if r["is_summary"]), rows[0] if len(rows) == 1 else None)
        if row is None or row.get("total") is None:
            return Decimal(0)
        return Decimal(row["total"]) * (10000 if fin["currency_unit"] == "万元" else 1)

    for table in m.ROW_MODELS:
        got = sum((Decimal(r[f"{table}_total_yuan"]) for r in totals if r[f"{table}_total_yuan"]), Decimal(0))
        assert got == sum((hand(r, table) for r in reps), Decimal(0)), table
    assert len(read_csv(outdir, "warnings")) == sum(len(r["warnings"]) for r in reps)
    checks = read_csv(outdir, "checks")
    assert len(checks) == sum(len(r["checks"]) for r in reps)
    assert sum(c["ok"] == "false" for c in checks) == sum(not c["ok"] for r in reps for c in r["checks"])
