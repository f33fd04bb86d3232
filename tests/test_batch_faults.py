"""docparse batch and extract under faults: writes that fail, a disk that
fills, names that are not UTF-8, archive members whose names collide, modes.
Inputs are made here; the fake extractor of test_batch stands in for
docparse.extract except where a golden report is used."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import test_batch as tb
from docparse.batch import run_batch
from docparse.cli import main as cli_main
from docparse.filenames import display

TESTS = str(Path(__file__).parent)
GOLDEN_DOCX = sorted((Path(__file__).resolve().parent.parent / "golden").glob("*.docx"))


def _reports(folder: Path, n: int, prefix: str = "r") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"{prefix}{i:02}.docx").write_bytes(tb.fake_report_bytes(f"{prefix}{i}"))
    return folder


# --- a JSON that cannot be written ----------------------------------------------------------

def test_report_whose_json_cannot_be_written_is_failed_and_the_run_goes_on(tmp_path):
    src = _reports(tmp_path / "in", 3)
    out = tmp_path / "out"
    out.mkdir()
    (out / "json").write_text("x")  # a file where the folder of JSONs should be
    s = run_batch([str(src)], str(out), jobs=2, extractor=tb.FAKE, progress=False, quiet=True)
    rows = tb.manifest(out)
    assert len(rows) == 3 and s.exit_code == 1
    assert all(r["status"] == "failed" and r["reason"].startswith("write_failed: cannot write") for r in rows)
    assert all(r["output"] is None for r in rows)
    # once the obstacle is gone, --retry-failed extracts them all
    (out / "json").unlink()
    s = run_batch([str(src)], str(out), jobs=2, extractor=tb.FAKE, progress=False, quiet=True, retry_failed=True)
    assert s.exit_code == 0
    assert all(r["status"] == "ok" for r in tb.assert_consistent(out).values())


def test_one_unwritable_json_fails_alone(tmp_path, monkeypatch):
    tb.fail_writes_of(monkeypatch, "r01")  # before the workers fork
    src = _reports(tmp_path / "in", 4)
    s = run_batch([str(src)], str(tmp_path / "out"), jobs=2, extractor=tb.FAKE, progress=False, quiet=True)
    m = tb.assert_consistent(tmp_path / "out")
    assert s.exit_code == 1
    assert {k.rsplit("/", 1)[1]: v["status"] for k, v in m.items()} == {
        "r00.docx": "ok", "r01.docx": "failed", "r02.docx": "ok", "r03.docx": "ok"}
    assert "Permission denied" in m[str(src / "r01.docx")]["reason"]


# --- the disk fills -------------------------------------------------------------------------

_ENOSPC_RUNNER = textwrap.dedent("""
    import errno, functools, os, re, sys
    sys.path.insert(0, {tests!r})
    import docparse.batch.outputs as outputs
    import docparse.batch.runner as runner
    from docparse.batch.command import batch

    real = outputs.write_report_path
    def full(path, text):  # the disk is "full" while the flag file exists, from the 6th report on
        if os.path.exists({flag!r}) and int(re.search(r"r(\\d\\d)\\.docx\\.json$", path)[1]) >= 5:
            raise OSError(errno.ENOSPC, "No space left on device", path)
        real(path, text)
    outputs.write_report_path = full
    runner.run_batch = functools.partial(runner.run_batch, extractor="test_batch:fake_extract")
    batch.main({args!r}, prog_name="docparse batch")
""")


def _run_cli(code: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, **kw)


def _ok_rows_have_their_json(out: Path) -> list[dict]:
    rows = tb.manifest(out)
    for r in rows:
        if r["status"] == "ok":
            assert (out / r["output"]).stat().st_size > 0, r
    return rows


def test_disk_full_stops_with_exit_74_and_a_resume_completes(tmp_path):
    src = _reports(tmp_path / "in", 12)
    out = tmp_path / "out"
    flag = tmp_path / "disk-is-full"
    flag.write_text("")
    code = _ENOSPC_RUNNER.format(tests=TESTS, flag=str(flag), args=[str(src), "-o", str(out), "-j", "2",
                                                                     "--no-progress"])
    p = _run_cli(code)
    assert p.returncode == 74, p.stderr
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert "no space left" in p.stderr.lower() and "run the same command again" in p.stderr
    rows = _ok_rows_have_their_json(out)
    assert all(r["status"] == "ok" for r in rows)  # a report that could not be written is not recorded at all
    assert len(rows) < 12
    flag.unlink()  # space is freed
    p = _run_cli(code)
    assert p.returncode == 0, p.stderr
    m = tb.assert_consistent(out)
    assert len(m) == 12 and all(r["status"] == "ok" for r in m.values())


@pytest.fixture
def small_fs(tmp_path):
    """A real 64 KB tmpfs (needs root or CAP_SYS_ADMIN; skipped elsewhere)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)],
                      capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_disk_full_on_a_real_filesystem_then_resume(tmp_path, small_fs):
    src = _reports(tmp_path / "in", 40)
    out = small_fs / "out"
    code = textwrap.dedent(f"""
        import functools, sys
        sys.path.insert(0, {TESTS!r})
        import docparse.batch.runner as runner
        from docparse.batch.command import batch
        runner.run_batch = functools.partial(runner.run_batch, extractor="test_batch:fake_extract")
        batch.main({[str(src), "-o", str(out), "-j", "2", "--no-progress"]!r}, prog_name="docparse batch")
    """)
    p = _run_cli(code)
    assert p.returncode == 74, (p.returncode, p.stderr)
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    rows = _ok_rows_have_their_json(out)
    assert len({r["input"] for r in rows}) == len(rows) < 40
    subprocess.run(["mount", "-o", "remount,size=16m", str(small_fs)], check=True)
    p = _run_cli(code)
    assert p.returncode == 0, p.stderr
    m = tb.assert_consistent(out)
    assert len(m) == 40 and all(r["status"] == "ok" for r in m.values())


# --- names that are not UTF-8 ---------------------------------------------------------------

GBK_NAME = "岳阳县教育局".encode("gbk") + b".docx"
RAW_NAME = b"\xff\xfe-report.docx"  # no encoding decodes it


def test_non_utf8_names_are_rendered_faithfully():
    gbk = os.fsdecode(GBK_NAME)
    assert display(gbk) == "岳阳县教育局.docx (file name not UTF-8, read as GB18030)"
    assert display(os.fsdecode(b"/data/" + RAW_NAME)) == "/data/\\xff\\xfe-report.docx (file name not UTF-8, bytes shown as \\xNN)"
    assert display("/data/报告.docx") == "/data/报告.docx"


def test_batch_extracts_files_whose_names_are_not_utf8(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for raw in (GBK_NAME, RAW_NAME):
        with open(os.fsencode(src) + b"/" + raw, "wb") as f:
            f.write(tb.fake_report_bytes(raw.hex()))
    out, db = tmp_path / "out", tmp_path / "t.db"
    s = run_batch([str(src)], str(out), jobs=2, extractor=tb.FAKE, progress=False, quiet=True, sqlite=str(db))
    assert s.exit_code == 0
    m = tb.assert_consistent(out, sqlite_path=str(db))
    assert sorted(m) == sorted([f"{src}/岳阳县教育局.docx (file name not UTF-8, read as GB18030)",
                                f"{src}/\\xff\\xfe-report.docx (file name not UTF-8, bytes shown as \\xNN)"])
    assert all(r["status"] == "ok" for r in m.values())
    files = {json.load(open(p, encoding="utf-8"))["source"]["file"] for p in (out / "json").glob("*.json")}
    assert files == set(m)
    con = sqlite3.connect(db)
    assert sorted(r[0] for r in con.execute("SELECT input FROM manifest")) == sorted(m)


@pytest.mark.skipif(not GOLDEN_DOCX, reason="no golden docx")
def test_extract_reads_a_file_whose_name_is_not_utf8(tmp_path):
    target = os.fsencode(tmp_path) + b"/" + GBK_NAME
    with open(target, "wb") as f:
        f.write(GOLDEN_DOCX[0].read_bytes())
    r = CliRunner().invoke(cli_main, ["extract", os.fsdecode(target)])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["source"]["file"].endswith("岳阳县教育局.docx (file name not UTF-8, read as GB18030)")


# --- zip members whose names collide ----------------------------------------------------------

def test_colliding_member_names_each_keep_their_own_line(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    members = [("报告.docx", b"REPORT one"), (tb.gbk_member("报告.docx"), b"REPORT two"),
               ("dup.docx", b"REPORT three"), ("dup.docx", b"REPORT four"),
               ("Case.docx", b"REPORT five"), ("case.docx", b"REPORT five")]  # the last two: equal bytes
    with zipfile.ZipFile(src / "a.zip", "w") as z:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns on the repeated name
            for name, data in members:
                z.writestr(name, data)
    out = tmp_path / "out"
    s = run_batch([str(src)], str(out), jobs=2, extractor=tb.FAKE, progress=False, quiet=True)
    assert s.exit_code == 0
    m = tb.assert_consistent(out)
    a = f"{src}/a.zip::"
    assert sorted(m) == sorted([a + "报告.docx", a + "报告.docx [member 2]", a + "dup.docx",
                                a + "dup.docx [member 4]", a + "Case.docx", a + "case.docx"])
    shas = {hashlib.sha256(d).hexdigest() for _, d in members}
    assert {r["sha256"] for r in m.values()} == shas
    titles = {json.load(open(out / r["output"], encoding="utf-8"))["title"] for r in m.values()}
    assert titles == {d.decode() for _, d in members}  # no report lost
    dups = [r for r in m.values() if (r["reason"] or "").startswith("duplicate of")]
    assert len(dups) == 1 and m[a + "case.docx"] is dups[0]
    assert dups[0]["sha256"] == m[a + "Case.docx"]["sha256"] and dups[0]["output"] == m[a + "Case.docx"]["output"]
    # a second run reads each member again by its index: nothing changes
    s = run_batch([str(src)], str(out), jobs=2, extractor=tb.FAKE, progress=False, quiet=True)
    assert s.resumed == 6 and s.extracted == 0


# --- extract -o where it cannot be written --------------------------------------------------------

@pytest.mark.skipif(not GOLDEN_DOCX, reason="no golden docx")
def test_extract_output_in_a_missing_folder_is_one_line_exit_73(tmp_path):
    r = CliRunner().invoke(cli_main, ["extract", str(GOLDEN_DOCX[0]), "-o", str(tmp_path / "nodir" / "x.json")])
    assert r.exit_code == 73
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1
    assert "cannot write" in r.output and "x.json" in r.output


# --- output modes follow the umask --------------------------------------------------------------

def test_batch_outputs_follow_the_umask(tmp_path):
    src = _reports(tmp_path / "in", 2)
    out, db = tmp_path / "out", tmp_path / "elsewhere" / "t.db"
    db.parent.mkdir()
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {TESTS!r})
        from docparse.batch import run_batch
        s = run_batch([{str(src)!r}], {str(out)!r}, jobs=2, extractor="test_batch:fake_extract", progress=False,
                      quiet=True, sqlite={str(db)!r})
        sys.exit(s.exit_code)
    """)
    p = subprocess.run([sys.executable, "-c", code], preexec_fn=lambda: os.umask(0o027), capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    files = [out / "manifest.jsonl", out / "reports.csv", out / "reports.jsonl", db,
             *sorted((out / "json").glob("*.json"))]
    assert {str(f): oct(stat.S_IMODE(f.stat().st_mode)) for f in files} == {str(f): "0o640" for f in files}
    assert oct(stat.S_IMODE((out / "json").stat().st_mode)) == "0o750"


def test_member_labels_survive_a_json_round_trip(tmp_path):
    """Member labels with [member N] are plain strings: the manifest, CSV and SQLite carry them as they are."""
    src = tmp_path / "in"
    src.mkdir()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            z.writestr("x.docx", b"REPORT 1")
            z.writestr("x.docx", b"REPORT 2")
    (src / "b.zip").write_bytes(buf.getvalue())
    db = tmp_path / "t.db"
    run_batch([str(src)], str(tmp_path / "out"), jobs=1, extractor=tb.FAKE, progress=False, quiet=True,
              sqlite=str(db))
    m = tb.assert_consistent(tmp_path / "out", sqlite_path=str(db))
    assert f"{src}/b.zip::x.docx [member 2]" in m


# --- temps a killed run left -----------------------------------------------------------------------

def test_sqlite_temp_left_by_a_killed_run_is_removed_by_the_next(tmp_path):
    elsewhere = tmp_path / "db"
    elsewhere.mkdir()
    code = textwrap.dedent(f"""
        import os, signal
        from docparse.batch.outputs import temp_file
        print(temp_file({str(elsewhere)!r}, "t.db"), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # as a run killed while building the database
    """)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    dead = Path(p.stdout.strip())
    assert p.returncode == -9 and dead.exists()
    from docparse.batch.outputs import temp_file

    live = Path(temp_file(str(elsewhere), "t.db"))  # this process is alive: its temp stays
    s = run_batch([str(_reports(tmp_path / "in", 2))], str(tmp_path / "out"), jobs=1, extractor=tb.FAKE,
                  progress=False, quiet=True, sqlite=str(elsewhere / "t.db"))
    assert s.exit_code == 0
    assert sorted(x.name for x in elsewhere.iterdir()) == sorted(["t.db", live.name])


def test_worker_aborted_under_its_memory_ceiling_is_a_memory_failure(tmp_path):
    from docparse.batch.runner import reason_code

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.docx").write_bytes(b"ABRT")
    (src / "b.docx").write_bytes(tb.fake_report_bytes("b"))
    s = run_batch([str(src)], str(tmp_path / "out"), jobs=1, extractor=tb.FAKE, progress=False, quiet=True,
                  memory_mb=1024)
    m = tb.assert_consistent(tmp_path / "out")
    reason = m[str(src / "a.docx")]["reason"]
    assert reason.startswith("memory limit exceeded") and "1024 MB" in reason and reason_code(reason) == "memory_limit"
    assert m[str(src / "a.docx")]["code"] == "memory_limit"
    assert m[str(src / "b.docx")]["status"] == "ok" and s.exit_code == 1


def test_manifest_line_cut_by_a_full_disk_is_taken_back(tmp_path, monkeypatch):
    import docparse.batch.outputs as outputs

    m = outputs.Manifest(str(tmp_path))
    m.commit({"input": "a.docx", "sha256": "x", "status": "ok"})
    real = os.write

    def half_then_full(fd, data):  # the device fills in the middle of the line
        if len(data) > 10:
            return real(fd, data[:10])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs.os, "write", half_then_full)
    with pytest.raises(outputs.OutOfSpace):
        m.commit({"input": "b.docx", "sha256": "y", "status": "ok"})
    monkeypatch.undo()
    assert [r["input"] for r in tb.manifest(tmp_path)] == ["a.docx"]
