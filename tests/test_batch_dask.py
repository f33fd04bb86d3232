"""docparse batch on Dask (a LocalCluster of 2 worker processes): the same
outputs as the local pool, hostile files contained on the worker, a worker
SIGKILLed mid-run and a client SIGKILLed mid-run lose and duplicate nothing.
Skipped without dask.distributed (pip install 'docparse[dask]')."""

from __future__ import annotations

import csv
import glob
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")
import psutil  # a dependency of distributed  # noqa: E402

import test_batch as tb  # noqa: E402
from docparse.batch import run_batch  # noqa: E402

TESTS = str(Path(__file__).parent)


def _mixed(src: Path) -> Path:
    src.mkdir(parents=True)
    for i in range(5):
        (src / f"r{i}.docx").write_bytes(tb.fake_report_bytes(f"r{i}"))
    (src / "sub").mkdir()
    (src / "sub" / "copy-of-r1.docx").write_bytes(tb.fake_report_bytes("r1"))  # duplicate
    (src / "bad.docx").write_bytes(b"BAD broken")
    (src / "hang.docx").write_bytes(b"HANG forever")
    (src / "hog.docx").write_bytes(b"HOG memory")
    (src / "kill.docx").write_bytes(b"KILL itself")
    (src / "empty.docx").write_bytes(b"")
    (src / "readme.txt").write_text("not a report")
    import zipfile

    with zipfile.ZipFile(src / "a.zip", "w") as z:
        z.writestr("m/member.docx", tb.fake_report_bytes("member"))
        z.writestr("m/also-r2.docx", tb.fake_report_bytes("r2"))
    return src


def _manifest(out) -> dict[str, dict]:
    return {r["input"]: {k: v for k, v in r.items() if k != "seconds"} for r in tb.manifest(out)}


def _outputs(out) -> dict[str, object]:
    """Everything a run gives, order-free: manifest (less timings), each JSON, each table's rows."""
    jsons = {os.path.basename(p): Path(p).read_bytes() for p in glob.glob(os.path.join(out, "json", "*.json"))}
    tables = {}
    for p in glob.glob(os.path.join(out, "*.csv")):
        with open(p, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        tables[os.path.basename(p)] = sorted(map(tuple, rows))
    return {"manifest": _manifest(out), "json": jsons, "tables": tables}


@pytest.mark.parametrize("shared_fs", [False, True], ids=["bytes", "shared-fs"])
def test_dask_local_cluster_gives_the_outputs_of_a_local_run(tmp_path, shared_fs):
    src = _mixed(tmp_path / "in")
    kw = dict(timeout=2, memory_mb=1024, extractor=tb.FAKE, progress=False, quiet=True)
    local = run_batch([str(src)], str(tmp_path / "local"), jobs=2, **kw)
    dask = run_batch([str(src)], str(tmp_path / "dask"), dask_local=2, shared_fs=shared_fs, **kw)
    a, b = _outputs(tmp_path / "local"), _outputs(tmp_path / "dask")
    assert b["manifest"] == a["manifest"]
    assert b["json"] == a["json"] and len(a["json"]) == 6
    assert b["tables"] == a["tables"]
    # the hostile files were contained by the child processes, not by losing a Dask worker
    reasons = {Path(k).name: v["reason"] for k, v in b["manifest"].items() if v["status"] == "failed"}
    assert reasons["hang.docx"] == "timeout after 2 s"
    assert reasons["hog.docx"] == "memory limit exceeded"
    assert reasons["kill.docx"].startswith("worker crashed")
    assert reasons["bad.docx"] == "corrupt: this one is broken"
    assert (dask.ok, dask.failed, dask.duplicates) == (local.ok, local.failed, local.duplicates)
    tb.assert_consistent(tmp_path / "dask")


def _dask_workers() -> list[psutil.Process]:
    """This process's Dask worker processes (spawned by the LocalCluster's nannies)."""
    return [p for p in psutil.Process().children()
            if any("spawn_main" in a for a in p.cmdline()) and p.children()]


@pytest.mark.parametrize("allowed_failures", [3, 0])
def test_a_dask_worker_sigkilled_mid_run_loses_and_duplicates_nothing(tmp_path, monkeypatch, allowed_failures):
    import docparse.batch.dask_backend as db

    monkeypatch.setattr(db, "ALLOWED_FAILURES", allowed_failures)  # the LocalCluster's scheduler setting
    src = tmp_path / "in"
    src.mkdir()
    n = 24
    for i in range(n):
        (src / f"s{i:02}.docx").write_bytes(f"SLOW {i}".encode())  # 0.3 s each
    out = tmp_path / "out"
    killed: list[int] = []

    def kill_one_when_started():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            mf = out / "manifest.jsonl"
            if mf.exists() and mf.read_text(encoding="utf-8").count("\n") >= 3:
                workers = _dask_workers()  # one with a child is running a file
                if workers:
                    workers[0].send_signal(signal.SIGKILL)
                    killed.append(workers[0].pid)
                    return
            time.sleep(0.02)

    t = threading.Thread(target=kill_one_when_started)
    t.start()
    s = run_batch([str(src)], str(out), dask_local=2, timeout=10, extractor=tb.FAKE, progress=False, quiet=True)
    t.join()
    assert killed, "no Dask worker was killed"
    m = tb.assert_consistent(out)
    assert len(m) == n and s.extracted == n  # every file committed once, retried ones included
    failed = {k: r["reason"] for k, r in m.items() if r["status"] == "failed"}
    if allowed_failures:  # its files ran again on the other worker
        assert not failed and s.exit_code == 0, s.format()
        assert s.retried >= 1 and s.workers_replaced == 1
    else:  # no retry allowed: its files are failed, with the reason
        assert failed and s.failed == len(failed) == s.failures["worker_lost"]
        assert all(r.startswith("worker_lost: the Dask worker running it died 1 time(s)") for r in failed.values())


_CLIENT = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from docparse.batch import run_batch
    if __name__ == "__main__":
        s = run_batch([{src!r}], {out!r}, dask_local=2, extractor="test_batch:fake_extract", progress=False,
                      quiet=True)
        sys.exit(s.exit_code)
""")


def test_a_dask_client_sigkilled_mid_run_resumes_exactly(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    n = 20
    for i in range(n):
        (src / f"s{i:02}.docx").write_bytes(f"SLOW {i}".encode())
    out = tmp_path / "out"
    script = tmp_path / "client.py"
    script.write_text(_CLIENT.format(tests=TESTS, src=str(src), out=str(out)))
    proc = subprocess.Popen([sys.executable, str(script)], start_new_session=True)
    tb.wait_for_lines(out, 4, seconds=60, poll=0.02)
    family = psutil.Process(proc.pid).children(recursive=True)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    done_before = sum(1 for r in tb.manifest(out) if r["status"] == "ok")
    assert 4 <= done_before < n
    assert subprocess.run([sys.executable, str(script)], timeout=120).returncode == 0
    m = tb.assert_consistent(out)
    assert len(m) == n and all(r["status"] == "ok" for r in m.values())
    _, alive = psutil.wait_procs(family, timeout=30)  # the killed client's workers do not linger
    assert not alive


def test_dask_json_that_cannot_be_written_on_the_client_fails_alone(tmp_path, monkeypatch):
    tb.fail_writes_of(monkeypatch, "r01")  # the client writes the JSONs
    src = tmp_path / "in"
    src.mkdir()
    for i in range(4):
        (src / f"r{i:02}.docx").write_bytes(tb.fake_report_bytes(f"r{i}"))
    s = run_batch([str(src)], str(tmp_path / "out"), dask_local=2, extractor=tb.FAKE, progress=False, quiet=True)
    m = tb.assert_consistent(tmp_path / "out")
    assert s.exit_code == 1
    assert {Path(k).name: v["status"] for k, v in m.items()} == {
        "r00.docx": "ok", "r01.docx": "failed", "r02.docx": "ok", "r03.docx": "ok"}
    assert m[str(src / "r01.docx")]["reason"].startswith("write_failed: cannot write")


def broken_run_tasks(*args, **kwargs):
    """Stands in for run_tasks on a cluster that cannot run it (another docparse there, say)."""
    raise RuntimeError("Error during deserialization of the task graph")


def test_a_cluster_that_cannot_run_the_tasks_stops_the_run_and_fails_no_file(tmp_path, monkeypatch):
    import docparse.batch.dask_backend as db
    from docparse.batch.outputs import BatchError

    monkeypatch.setattr(db, "run_tasks", broken_run_tasks)
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"r{i}.docx").write_bytes(tb.fake_report_bytes(f"r{i}"))
    out = tmp_path / "out"
    with pytest.raises(BatchError, match="install the same docparse"):
        run_batch([str(src)], str(out), dask_local=1, extractor=tb.FAKE, progress=False, quiet=True)
    assert not (out / "manifest.jsonl").exists() or not tb.manifest(out)  # nothing recorded as failed
    monkeypatch.undo()
    s = run_batch([str(src)], str(out), dask_local=1, extractor=tb.FAKE, progress=False, quiet=True)
    assert s.exit_code == 0 and s.ok == 3
