"""docparse batch: inputs, isolation, outputs, resume. Fast: a fake extractor
stands in for docparse.extract except where a golden report is used."""

from __future__ import annotations

import csv
import glob
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from docparse.batch import run_batch
from docparse.batch.command import batch
from docparse.batch.inputs import member_name
from docparse.batch.outputs import base_name
from docparse.batch.tables import CSV_TABLES

ROOT = Path(__file__).resolve().parent.parent
FAKE = f"{__name__}:fake_extract"


# --- a fake extractor: behaviour chosen by the file's first bytes ------------------------

def fake_extract(source, *, filename=None, limits=None):
    import hashlib

    from docparse.errors import CorruptFile

    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if not data:
        raise CorruptFile("the file is empty (0 bytes)")
    if data.startswith(b"HANG"):
        time.sleep(3600)
    if data.startswith(b"EXIT"):
        os._exit(3)
    if data.startswith(b"ABRT"):
        import faulthandler

        faulthandler.disable()  # pytest's, inherited by the fork: no dump for an abort on purpose
        os.abort()  # as C code does when an allocation fails under RLIMIT_AS
    if data.startswith(b"KILL"):
        os.kill(os.getpid(), signal.SIGKILL)
    if data.startswith(b"HOG"):
        _ = bytearray(4 * 1024**3)  # over any test ceiling
    if data.startswith(b"SLOW"):
        time.sleep(0.3)
    if data.startswith(b"BAD"):
        raise CorruptFile("this one is broken")
    return {
        "schema_version": "1.1",
        "title": data[:40].decode("utf-8", "replace"),
        "unit_name": "测试局",
        "fiscal_year": 2022,
        "source": {"file": filename, "format": "docx", "sha256": hashlib.sha256(data).hexdigest(), "pages": None},
        "finance": {"currency_unit": "万元",
                    "income": [{"institution": "局机关", "is_summary": False, "total": "9692.786137", "extras": {}},
                               {"institution": "合计", "is_summary": True, "total": "9692.786137", "extras": {}}],
                    "expenditure": [], "three_public": [], "fixed_assets": []},
        "self_evaluation": {"qualitative_goals": [], "indicators": [{"name": "指标", "score": "10"}],
                            "score": "95.50", "grade": "优秀"},
        "evaluators": [{"name": "张三", "position": "局长", "organization": None}],
        "checks": [{"rule": "income.row_total", "subject": "局机关", "ok": False, "expected": "1.0",
                    "actual": "2.0", "message": "x"}],
        "warnings": [],
    }


def fake_report_bytes(tag: str) -> bytes:
    return f"REPORT {tag}".encode()


# --- helpers ------------------------------------------------------------------------------

class RawNameInfo(zipfile.ZipInfo):
    """A member whose name is written as raw bytes without the UTF-8 flag (Windows GBK zips)."""

    def _encodeFilenameFlags(self):
        return self.raw_name, self.flag_bits


def gbk_member(name: str) -> zipfile.ZipInfo:
    zi = RawNameInfo(name)
    zi.raw_name = name.encode("gbk")
    zi.flag_bits = 0
    return zi


def wait_for_lines(outdir, n: int, seconds: float = 30, poll: float = 0.05) -> None:
    """Until the manifest in ``outdir`` has ``n`` lines (or ``seconds`` pass)."""
    mf = Path(outdir) / "manifest.jsonl"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if mf.exists() and mf.read_text(encoding="utf-8").count("\n") >= n:
            return
        time.sleep(poll)


def fail_writes_of(monkeypatch, marker: str) -> None:
    """JSON writes whose path holds ``marker`` fail with EACCES (patched before any worker forks)."""
    import errno

    import docparse.batch.outputs as outputs

    real = outputs.write_report_path

    def flaky(path, text):
        if marker in path:
            raise PermissionError(errno.EACCES, "Permission denied", path)
        real(path, text)

    monkeypatch.setattr(outputs, "write_report_path", flaky)


def manifest(outdir) -> list[dict]:
    with open(os.path.join(outdir, "manifest.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def csv_rows(outdir, table) -> int:
    with open(os.path.join(outdir, f"{table}.csv"), encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def expected_rows(outdir) -> dict[str, int]:
    """Row counts the tables must have, counted from the per-report JSONs."""
    n = {t: 0 for t in CSV_TABLES}
    for p in glob.glob(os.path.join(outdir, "json", "*.json")):
        rep = json.load(open(p, encoding="utf-8"))
        n["reports"] += 1
        for t in ("income", "expenditure", "three_public", "fixed_assets"):
            n[t] += len((rep.get("finance") or {}).get(t) or [])
        n["indicators"] += len((rep.get("self_evaluation") or {}).get("indicators") or [])
        n["evaluators"] += len(rep.get("evaluators") or [])
        n["checks"] += len(rep.get("checks") or [])
        n["totals"] += 1
        n["warnings"] += len(rep.get("warnings") or [])
        n["budget_lines"] += len((rep.get("self_evaluation") or {}).get("budget_execution") or [])
        for p in rep.get("projects") or []:
            n["projects"] += 1
            n["project_budget"] += len(p.get("budget_execution") or [])
            n["project_indicators"] += len(p.get("indicators") or [])
    return n


def assert_consistent(outdir, sqlite_path=None):
    rows = manifest(outdir)
    labels = [r["input"] for r in rows]
    assert len(labels) == len(set(labels)), "an input appears twice in the manifest"
    for r in rows:
        if r["status"] == "ok":
            assert os.path.exists(os.path.join(outdir, r["output"]))
    owned = {r["output"] for r in rows if r["status"] == "ok"}
    on_disk = {f"json/{os.path.basename(p)}" for p in glob.glob(os.path.join(outdir, "json", "*.json"))}
    assert owned == on_disk, "orphan or missing per-report JSON"
    exp = expected_rows(outdir)
    for t in CSV_TABLES:
        assert csv_rows(outdir, t) == exp[t], t
    with open(os.path.join(outdir, "reports.jsonl"), encoding="utf-8") as f:
        assert sum(1 for line in f if line.strip()) == exp["reports"]
    assert not [n for n in os.listdir(outdir) if n.startswith(".tmp-")]
    if sqlite_path:
        con = sqlite3.connect(sqlite_path)
        for t in CSV_TABLES:
            assert con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] == exp[t], t
        assert con.execute("SELECT count(*) FROM manifest").fetchone()[0] == len(rows)
        con.close()
    return {r["input"]: r for r in rows}


@pytest.fixture
def tree(tmp_path):
    """A folder with good, duplicate, broken and non-report files, and nested zips."""
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.docx").write_bytes(fake_report_bytes("a"))
    (src / "sub" / "b.pdf").write_bytes(fake_report_bytes("b"))
    (src / "sub" / "copy-of-a.docx").write_bytes(fake_report_bytes("a"))  # duplicate
    (src / "empty.docx").write_bytes(b"")
    (src / "bad.docx").write_bytes(b"BAD zip-as-docx")
    (src / "readme.txt").write_text("not a report\n")
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr(gbk_member("内层/岳阳县教育局.docx"), fake_report_bytes("gbk"))
        z.writestr("utf8/报告.docx", fake_report_bytes("utf8"))  # zipfile sets the 0x800 flag
    with zipfile.ZipFile(src / "2022.zip", "w") as z:
        z.writestr(gbk_member("报告/岳阳县民政局.docx"), fake_report_bytes("outer"))
        z.writestr("附件.zip", inner.getvalue())
        z.writestr("照片.jpg", b"\xff\xd8\xff\xe0 jpeg")
    return src


# --- inputs ------------------------------------------------------------------------------

def test_member_names_gbk_and_utf8(tmp_path):
    p = tmp_path / "n.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr(gbk_member("报告/岳阳县.docx"), b"x")
        z.writestr("报告/utf8.docx", b"x")
        z.writestr("plain.docx", b"x")
        utf8_no_flag = RawNameInfo("utf8-no-flag")  # made on Linux/macOS without the flag
        utf8_no_flag.raw_name = "无标志/文件.docx".encode("utf-8")
        utf8_no_flag.flag_bits = 0
        z.writestr(utf8_no_flag, b"x")
    with zipfile.ZipFile(p) as z:
        assert [member_name(i) for i in z.infolist()] == [
            "报告/岳阳县.docx", "报告/utf8.docx", "plain.docx", "无标志/文件.docx"]


def test_output_names_are_flat_and_safe():
    assert base_name("2022.zip::报告/岳阳县.docx") == "2022.zip__报告__岳阳县.docx.json"
    assert base_name("../../etc/passwd") == "etc__passwd.json"
    assert len(base_name("x/" + "很长" * 200 + ".docx").encode()) < 255


# --- a whole batch -----------------------------------------------------------------------

def test_batch_statuses_outputs_and_counts(tree, tmp_path):
    out = tmp_path / "out"
    db = tmp_path / "out.db"
    (tree / "hang.docx").write_bytes(b"HANG")
    (tree / "exit.docx").write_bytes(b"EXIT")
    (tree / "killed.pdf").write_bytes(b"KILL")
    s = run_batch([str(tree)], str(out), jobs=2, timeout=2, sqlite=str(db), extractor=FAKE, progress=False)
    m = assert_consistent(out, db)
    t = str(tree)
    assert set(m) == {
        f"{t}/a.docx", f"{t}/sub/b.pdf", f"{t}/sub/copy-of-a.docx", f"{t}/empty.docx", f"{t}/bad.docx",
        f"{t}/readme.txt", f"{t}/hang.docx", f"{t}/exit.docx", f"{t}/killed.pdf",
        f"{t}/2022.zip::报告/岳阳县民政局.docx", f"{t}/2022.zip::附件.zip::内层/岳阳县教育局.docx",
        f"{t}/2022.zip::附件.zip::utf8/报告.docx", f"{t}/2022.zip::照片.jpg",
    }
    status = {k: v["status"] for k, v in m.items()}
    assert status[f"{t}/readme.txt"] == status[f"{t}/2022.zip::照片.jpg"] == "skipped"
    assert m[f"{t}/empty.docx"]["reason"].startswith("corrupt:")
    assert m[f"{t}/bad.docx"]["reason"] == "corrupt: this one is broken"
    assert m[f"{t}/hang.docx"]["reason"] == "timeout after 2 s"
    assert m[f"{t}/exit.docx"]["reason"] == "worker crashed (exit code 3)"
    assert m[f"{t}/killed.pdf"]["reason"] == "worker crashed (signal 9)"
    dup = m[f"{t}/sub/copy-of-a.docx"]
    assert dup["status"] == "ok" and dup["reason"] == f"duplicate of {t}/a.docx"
    assert dup["output"] == m[f"{t}/a.docx"]["output"]
    gbk = m[f"{t}/2022.zip::附件.zip::内层/岳阳县教育局.docx"]
    assert gbk["status"] == "ok" and gbk["output"] == "json/" + base_name(gbk["input"])
    rep = json.load(open(out / gbk["output"], encoding="utf-8"))
    assert rep["source"]["file"] == gbk["input"] and rep["title"] == "REPORT gbk"
    assert gbk["warnings"] == 0 and gbk["failed_checks"] == 1
    assert (s.ok, s.failed, s.skipped, s.duplicates) == (6, 5, 2, 1)
    assert s.failures == {"corrupt": 2, "timeout": 1, "crashed": 2}
    assert s.exit_code == 1
    # amounts stay exact strings, CSV has a BOM, SQLite stores decimals as TEXT
    assert (out / "income.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    con = sqlite3.connect(db)
    assert con.execute("SELECT DISTINCT total, typeof(total) FROM income").fetchall() == [("9692.786137", "text")]
    assert con.execute("SELECT count(*) FROM manifest WHERE report_id IS NOT NULL").fetchone()[0] == 6
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []


def test_memory_ceiling(tmp_path):
    (tmp_path / "hog.docx").write_bytes(b"HOG")
    (tmp_path / "ok.docx").write_bytes(fake_report_bytes("ok"))
    s = run_batch([str(tmp_path / "hog.docx"), str(tmp_path / "ok.docx")], str(tmp_path / "out"), jobs=1,
                  memory_mb=3000, extractor=FAKE, progress=False)
    m = assert_consistent(tmp_path / "out")
    assert m[str(tmp_path / "hog.docx")]["reason"] == "memory limit exceeded"
    assert m[str(tmp_path / "ok.docx")]["status"] == "ok"
    assert (s.ok, s.failed) == (1, 1)


def test_resume_after_interruption_and_retry_failed(tree, tmp_path):
    out = tmp_path / "out"
    first = run_batch([str(tree)], str(out), jobs=1, extractor=FAKE, progress=False, stop_after=2)
    assert first.interrupted and first.exit_code == 130
    assert_consistent(out)
    # a kill during an append leaves a torn line: it must be ignored
    with open(out / "manifest.jsonl", "a", encoding="utf-8") as f:
        f.write('{"input": "torn')
    second = run_batch([str(tree)], str(out), jobs=2, extractor=FAKE, progress=False)
    m = assert_consistent(out)
    assert not second.interrupted and second.resumed >= 1
    assert len(m) == 10 and second.failed == 2
    third = run_batch([str(tree)], str(out), jobs=2, extractor=FAKE, progress=False)
    assert third.extracted == 0 and third.failed == 2  # nothing redone without --retry-failed
    fourth = run_batch([str(tree)], str(out), jobs=2, extractor=FAKE, progress=False, retry_failed=True)
    assert fourth.extracted == 2
    assert_consistent(out)


def test_collisions_and_changed_file(tmp_path):
    (tmp_path / "in" / "a").mkdir(parents=True)
    (tmp_path / "in" / "a" / "b.docx").write_bytes(fake_report_bytes("1"))
    (tmp_path / "in" / "a__b.docx").write_bytes(fake_report_bytes("2"))
    out = tmp_path / "out"
    run_batch([str(tmp_path / "in")], str(out), jobs=1, extractor=FAKE, progress=False)
    m = assert_consistent(out)
    assert len({r["output"] for r in m.values()}) == 2
    (tmp_path / "in" / "a__b.docx").write_bytes(fake_report_bytes("changed"))
    s = run_batch([str(tmp_path / "in")], str(out), jobs=1, extractor=FAKE, progress=False)
    assert s.extracted == 1 and s.resumed == 1
    m2 = assert_consistent(out)
    assert {k: v["output"] for k, v in m.items()} == {k: v["output"] for k, v in m2.items()}


_RUNNER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from docparse.batch import run_batch
    s = run_batch([{src!r}], {out!r}, jobs=2, extractor="test_batch:fake_extract", progress=False, quiet=True)
    sys.exit(s.exit_code)
""")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_mid_way_then_rerun(tmp_path, sig):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(16):
        (src / f"r{i:02}.docx").write_bytes(f"SLOW {i}".encode())
    out = tmp_path / "out"
    code = _RUNNER.format(tests=str(Path(__file__).parent), src=str(src), out=str(out))
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    wait_for_lines(out, 4)
    os.kill(proc.pid, sig)
    rc = proc.wait(30)
    if sig == signal.SIGINT:
        assert rc == 130
        assert_consistent(out)
    done_before = sum(1 for r in manifest(out) if r["status"] == "ok")
    assert 4 <= done_before < 16
    rc2 = subprocess.run([sys.executable, "-c", code], timeout=60).returncode
    assert rc2 == 0
    m = assert_consistent(out)
    assert len(m) == 16 and all(r["status"] == "ok" for r in m.values())


# --- the CLI ---------------------------------------------------------------------------------

def test_cli_usage_and_exit_codes(tmp_path):
    r = CliRunner().invoke(batch, [str(tmp_path)])
    assert r.exit_code == 2  # -o missing
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.docx").write_bytes(b"")
    (tmp_path / "in" / "notes.txt").write_text("hello")
    r = CliRunner().invoke(batch, [str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-j", "1", "--no-progress"])
    assert r.exit_code == 1, r.output
    assert "1 failed, 1 skipped" in r.output and "corrupt 1" in r.output
    r = CliRunner().invoke(batch, [str(tmp_path / "in" / "notes.txt"), "-o", str(tmp_path / "o2"), "-q"])
    assert r.exit_code == 0 and r.output == ""


def test_cli_module_imports_only_click():
    code = ("import sys; import docparse.batch.command; "
            "heavy = [m for m in ('pydantic', 'tqdm', 'docparse.models', 'multiprocessing', 'sqlite3') "
            "if m in sys.modules]; print(heavy)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[]"


# --- real reports (when the golden files and the extractor exist) -----------------------------

def _goldens() -> list[Path]:
    return sorted(p for p in (ROOT / "golden").glob("*") if p.suffix in (".docx", ".pdf"))


@pytest.mark.skipif(not _goldens(), reason="no golden reports yet")
def test_real_reports_equal_docparse_extract(tmp_path):
    import docparse

    try:
        import docparse.engine  # noqa: F401
    except ImportError:
        pytest.skip("the extractor is not there yet")
    src = tmp_path / "in"
    src.mkdir()
    goldens = _goldens()[:3]
    for g in goldens:
        (src / g.name).write_bytes(g.read_bytes())
    (src / "zip-as-docx.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    with zipfile.ZipFile(src / "archive.zip", "w") as z:
        z.writestr(gbk_member("报告/" + goldens[0].name), goldens[0].read_bytes())
    out = tmp_path / "out"
    s = run_batch([str(src)], str(out), jobs=2, progress=False, sqlite=str(tmp_path / "db.sqlite"))
    m = assert_consistent(out, tmp_path / "db.sqlite")
    assert m[str(src / "zip-as-docx.docx")]["status"] == "failed"
    for g in goldens:
        rec = m[str(src / g.name)]
        assert rec["status"] == "ok", rec
        got = json.load(open(out / rec["output"], encoding="utf-8"))
        want = json.loads(docparse.extract(str(src / g.name)).to_json())
        if rec["reason"]:  # a duplicate: the JSON is its original's, named after it
            got["source"].pop("file"), want["source"].pop("file")
        assert got == want
    assert m[f"{src}/archive.zip::报告/{goldens[0].name}"]["reason"].startswith("duplicate of")
    assert s.failed == 1


def test_file_queued_behind_a_hung_one_still_runs(tmp_path):
    (tmp_path / "a-hang.docx").write_bytes(b"HANG")
    (tmp_path / "b-exit.docx").write_bytes(b"EXIT")
    (tmp_path / "c-ok.docx").write_bytes(fake_report_bytes("c"))
    s = run_batch([str(tmp_path)], str(tmp_path / "out"), jobs=1, timeout=1, extractor=FAKE, progress=False)
    m = assert_consistent(tmp_path / "out")
    assert [m[str(tmp_path / n)]["status"] for n in ("a-hang.docx", "b-exit.docx", "c-ok.docx")] == \
        ["failed", "failed", "ok"]
    assert s.workers_replaced >= 2


def test_outdir_inside_the_input_folder_is_not_read(tmp_path):
    (tmp_path / "a.docx").write_bytes(fake_report_bytes("a"))
    for _ in range(2):  # the second run must not pick up the first run's JSON or CSV
        s = run_batch([str(tmp_path)], str(tmp_path / "out"), jobs=1, extractor=FAKE, progress=False,
                      sqlite=str(tmp_path / "db.sqlite"))
    m = assert_consistent(tmp_path / "out", tmp_path / "db.sqlite")
    assert list(m) == [str(tmp_path / "a.docx")] and s.inputs == 1


def test_failed_inputs_carry_a_reason_code_in_the_manifest(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name, data in {"ok.docx": fake_report_bytes("ok"), "bad.docx": b"BAD", "hang.docx": b"HANG",
                       "kill.docx": b"KILL", "hog.docx": b"HOG", "copy-of-bad.docx": b"BAD",
                       "broken.zip": b"PK\x03\x04 not a zip"}.items():
        (src / name).write_bytes(data)
    s = run_batch([str(src)], str(tmp_path / "out"), jobs=2, timeout=2, memory_mb=512, extractor=FAKE,
                  progress=False, quiet=True)
    rows = {Path(r["input"]).name: r for r in manifest(tmp_path / "out")}
    assert {n: r["code"] for n, r in rows.items()} == {
        "ok.docx": None, "bad.docx": "corrupt", "copy-of-bad.docx": "corrupt", "hang.docx": "timeout",
        "kill.docx": "crashed", "hog.docx": "memory_limit", "broken.zip": "corrupt"}
    assert rows["hang.docx"]["reason"] == "timeout after 2 s"  # the reason string is unchanged
    assert s.failures == {"corrupt": 3, "timeout": 1, "crashed": 1, "memory_limit": 1}


def test_a_manifest_written_before_codes_still_gives_failure_codes(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "bad.docx").write_bytes(b"BAD")
    out = tmp_path / "out"
    out.mkdir()
    import hashlib

    old = {"input": str(src / "bad.docx"), "sha256": hashlib.sha256(b"BAD").hexdigest(), "status": "failed",
           "reason": "corrupt: this one is broken", "output": None, "warnings": None, "failed_checks": None,
           "seconds": 0.01}  # no "code"
    (out / "manifest.jsonl").write_text(json.dumps(old) + "\n", encoding="utf-8")
    s = run_batch([str(src)], str(out), jobs=1, extractor=FAKE, progress=False, quiet=True)
    assert s.failures == {"corrupt": 1} and s.extracted == 0
    with open(out / "failures.csv", encoding="utf-8-sig", newline="") as f:
        assert [r[1] for r in csv.reader(f)][1:] == ["corrupt"]


def test_cli_dask_options_that_do_not_go_together(tmp_path):
    (tmp_path / "a.docx").write_bytes(fake_report_bytes("a"))
    base = [str(tmp_path / "a.docx"), "-o", str(tmp_path / "out")]
    for extra, says in ((["--scheduler", "tcp://h:8786", "--dask-local", "2"], "give one"),
                        (["--dask-local", "2", "-j", "2"], "-j/--jobs sizes the local pool"),
                        (["--shared-fs"], "--shared-fs goes with")):
        r = CliRunner().invoke(batch, base + extra)
        assert r.exit_code == 2 and says in r.output, (extra, r.output)
    assert not (tmp_path / "out").exists()
