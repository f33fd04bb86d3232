"""The LibreOffice converter (docparse.readers.soffice) and the .doc password check.

The state machine of the long-lived converter (restart on crash, hang, N
files; nothing left behind) runs against a stand-in bridge, so it needs no
LibreOffice. The tests marked ``lo`` use the real thing and skip without
soffice and a Python with ``uno`` (python3-uno).
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

import docparse
from docparse.errors import ConversionFailed, EncryptedFile, LimitExceeded
from docparse.limits import DEFAULT
from docparse.readers import doc as doc_reader
from docparse.readers import soffice

sys.path.insert(0, str(Path(__file__).parent))
from ole2 import word_doc  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "golden"
SEED_DOC = GOLDEN / "seed-yueyang-2022.doc"


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_gone(pids, seconds: float = 10.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = [p for p in pids if alive(p)]
        if not left:
            return []
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """$TMPDIR (and tempfile's cached dir) pointed at a fresh folder, inherited by forked workers."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    return tmp


def need_lo():
    try:
        soffice.find_soffice()
    except docparse.DocparseError:
        pytest.skip("LibreOffice (soffice) not installed")
    if soffice.find_uno_python() is None:
        pytest.skip("no Python with LibreOffice's uno module (python3-uno)")


# -- password-protected .doc ---------------------------------------------------------

def test_encrypted_doc_is_detected_from_the_fib():
    assert doc_reader.is_encrypted(word_doc(flags=doc_reader.F_ENCRYPTED))
    assert doc_reader.is_encrypted(word_doc(flags=doc_reader.F_ENCRYPTED | doc_reader.F_OBFUSCATED))  # XOR
    assert not doc_reader.is_encrypted(word_doc(flags=doc_reader.F_OBFUSCATED))  # ignored without fEncrypted
    assert doc_reader.is_encrypted(word_doc(flags=doc_reader.F_ENCRYPTED, ident=0xA5DC))  # Word 6/95
    assert doc_reader.is_encrypted(word_doc(flags=doc_reader.F_ENCRYPTED, size=1000))  # in the mini stream
    assert not doc_reader.is_encrypted(word_doc(flags=0))
    assert not doc_reader.is_encrypted(word_doc(flags=0, size=600))
    # Damaged or foreign OLE2 files are not "encrypted": LibreOffice gets to say what they are.
    assert not doc_reader.is_encrypted(word_doc(flags=doc_reader.F_ENCRYPTED)[:1200])
    assert not doc_reader.is_encrypted(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 600)


def test_encrypted_doc_raises_encrypted_file_without_converting(monkeypatch):
    def no_convert(*a, **k):
        raise AssertionError("LibreOffice must not be asked")

    monkeypatch.setattr(soffice, "convert", no_convert)
    with pytest.raises(EncryptedFile, match="password-protected"):
        doc_reader.read_doc(word_doc(flags=doc_reader.F_ENCRYPTED), DEFAULT)


def test_encrypted_doc_exits_6(tmp_path):
    path = tmp_path / "locked.doc"
    path.write_bytes(word_doc(flags=doc_reader.F_ENCRYPTED))
    r = subprocess.run([sys.executable, "-m", "docparse.cli", "extract", str(path)], capture_output=True, text=True)
    assert r.returncode == 6, r.stderr
    assert "password-protected" in r.stderr and "Traceback" not in r.stderr


def test_libreoffice_password_doc_is_encrypted_file(tmp_path):
    need_lo()
    out = tmp_path / "locked.doc"
    work = tmp_path / "gen"
    r = subprocess.run([soffice.find_uno_python(), str(ROOT / "tests" / "gen_encrypted_doc.py"),
                        soffice.soffice_bin(soffice.find_soffice()), str(work),
                        str(GOLDEN / "small-unit-2023.docx"), str(out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and out.exists(), r.stderr[-1000:]
    with pytest.raises(EncryptedFile):
        docparse.extract(out)


# -- the long-lived converter against a stand-in bridge --------------------------------

FAKE_BRIDGE = textwrap.dedent("""
    import json, os, sys, time
    args = sys.argv[1:]
    print(json.dumps({"ready": True, "soffice_pid": os.getpid()}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        data = open(req["in"], "rb").read()
        if b"KILL" in data:
            os._exit(3)
        if b"HANG" in data:
            time.sleep(600)
        if b"FAIL" in data:
            print(json.dumps({"ok": False, "error": "General Error"}), flush=True)
            continue
        open(req["out"], "wb").write(b"converted:" + data)
        print(json.dumps({"ok": True}), flush=True)
""")


@pytest.fixture
def fake(tmp_path, monkeypatch, private_tmp):
    path = tmp_path / "fake_bridge.py"
    path.write_text(FAKE_BRIDGE)
    monkeypatch.setenv("DOCPARSE_SOFFICE", "/bin/true")  # found, never run by the stand-in
    convs = []

    def make(**kw):
        c = soffice.Converter(python=sys.executable, bridge=str(path), **kw)
        convs.append(c)
        return c

    yield make
    for c in convs:
        c.stop(force=True)


def test_converter_keeps_one_process_for_many_files(fake, private_tmp):
    c = fake()
    assert c.convert(b"one") == b"converted:one"
    pid = c.proc.pid
    assert c.convert(b"two") == b"converted:two"
    assert c.proc.pid == pid and c.starts == 1
    wd = c.wd.path
    assert wd.parent == private_tmp and (wd / "lock").exists()
    c.stop()
    assert not wd.exists() and not wait_gone([pid])


def test_converter_restarts_after_max_files(fake):
    c = fake(max_files=2)
    for i in range(5):
        c.convert(b"x%d" % i)
    assert c.starts == 3


def test_file_that_kills_the_converter_fails_and_the_next_gets_a_fresh_one(fake):
    c = fake()
    c.convert(b"ok")
    first, wd = c.proc.pid, c.wd.path
    with pytest.raises(ConversionFailed, match="crashed"):
        c.convert(b"KILL")
    assert not wd.exists()
    assert c.convert(b"after") == b"converted:after"
    assert c.proc.pid != first and c.starts == 2


def test_hung_conversion_times_out_and_kills_the_converter(fake):
    c = fake()
    c.convert(b"warm")
    pid, wd = c.proc.pid, c.wd.path
    t0 = time.monotonic()
    with pytest.raises(LimitExceeded) as e:
        c.convert(b"HANG", timeout=1)
    assert e.value.limit == "max_seconds"
    assert time.monotonic() - t0 < 5
    assert not wait_gone([pid]) and not wd.exists()
    assert c.convert(b"next") == b"converted:next"


def test_converter_error_is_conversion_failed_and_keeps_the_converter(fake):
    c = fake()
    with pytest.raises(ConversionFailed, match="General Error"):
        c.convert(b"FAIL")
    pid = c.proc.pid
    c.convert(b"fine")
    assert c.proc.pid == pid


def test_dead_converter_is_replaced_before_the_next_file(fake):
    c = fake()
    c.convert(b"a")
    os.kill(c.proc.pid, signal.SIGKILL)
    c.proc.wait()
    assert c.convert(b"b") == b"converted:b" and c.starts == 2


# -- stale work dirs --------------------------------------------------------------------

def test_sweep_removes_only_dirs_whose_owner_is_dead(private_tmp):
    dead = soffice.WorkDir()
    os.close(dead.fd)  # as if its owner was SIGKILLed: the lock is free
    dead.fd = None
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import fcntl, os, sys, time
        fd = os.open({str(private_tmp / 'docparse-doc-live')!r} + "/lock", os.O_RDWR)
        fcntl.flock(fd, fcntl.LOCK_EX)
        print("locked", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    live = private_tmp / "docparse-doc-live"
    live.mkdir()
    (live / "lock").write_text("")
    try:
        assert holder.stdout.readline().strip() == "locked"
        unlocked_new = private_tmp / "docparse-doc-being-created"
        unlocked_new.mkdir()  # no lock file yet: young, left alone
        assert soffice.sweep_stale() == 1
        assert not dead.path.exists() and live.exists() and unlocked_new.exists()
    finally:
        holder.kill()
        holder.wait()
    assert soffice.sweep_stale() == 1 and not live.exists()


def test_sweep_leaves_our_own_live_dir(private_tmp):
    wd = soffice.WorkDir()
    try:
        assert soffice.sweep_stale() == 0 and wd.path.exists()
        fd = os.open(wd.path / "lock", os.O_RDONLY)
        with pytest.raises(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.close(fd)
    finally:
        wd.remove()


# -- the single-file path and the server --------------------------------------------------

def test_server_env_pointing_nowhere_falls_back_to_a_local_conversion(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCPARSE_SOFFICE_SERVER", str(tmp_path / "nobody.sock"))
    calls = []
    monkeypatch.setattr(soffice, "convert_oneshot", lambda data, *a, **k: calls.append(data) or b"docx")
    assert soffice.convert(b"doc bytes") == b"docx" and calls == [b"doc bytes"]


def test_convert_rejects_an_unknown_target():
    with pytest.raises(ValueError, match="docx"):
        soffice.convert(b"x", to="odt")


# -- with LibreOffice ----------------------------------------------------------------------

def test_real_converter_reuses_libreoffice_and_matches_the_docx(private_tmp):
    need_lo()
    c = soffice.Converter()
    try:
        data = SEED_DOC.read_bytes()
        one = c.convert(data, timeout=120)
        pid = c.soffice_pid
        two = c.convert(data, timeout=120)
        assert c.soffice_pid == pid and c.starts == 1
        assert one and two
        want = docparse.extract(GOLDEN / "seed-yueyang-2022.docx").model_dump(mode="json", exclude={"source"})
        got = docparse.extract(one, filename="seed.docx").model_dump(mode="json", exclude={"source"})
        assert got == want
        lo = c.soffice_pid
    finally:
        c.stop()
    assert not wait_gone([lo]) and not list(private_tmp.iterdir())


def test_real_converter_survives_libreoffice_being_killed(private_tmp):
    need_lo()
    c = soffice.Converter()
    try:
        data = SEED_DOC.read_bytes()
        c.convert(data, timeout=120)
        os.kill(c.soffice_pid, signal.SIGKILL)
        with pytest.raises(ConversionFailed):
            c.convert(data, timeout=120)  # the file it died under fails...
        assert c.convert(data, timeout=120)  # ...and the next one gets a fresh LibreOffice
        assert c.starts == 2
    finally:
        c.stop()
    assert not list(private_tmp.iterdir())


def test_sigkilled_owner_takes_its_libreoffice_and_dir_with_it(private_tmp):
    need_lo()
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import json, sys, time
        from docparse.readers import soffice
        c = soffice.Converter()
        c.convert(open({str(SEED_DOC)!r}, "rb").read(), timeout=120)
        print(json.dumps({{"bridge": c.proc.pid, "soffice": c.soffice_pid, "dir": str(c.wd.path)}}), flush=True)
        time.sleep(120)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(child.stdout.readline())
    finally:
        child.kill()
        child.wait()
    assert not wait_gone([info["bridge"], info["soffice"]])
    deadline = time.monotonic() + 5
    while Path(info["dir"]).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(info["dir"]).exists()
    from docparse.readers._unobridge import pipe_files

    assert not [p for p in pipe_files(info["dir"], os.path.basename(info["dir"])) if os.path.exists(p)]


def test_batch_doc_files_through_per_worker_converters(tmp_path, private_tmp):
    need_lo()
    from docparse.batch import run_batch

    src = tmp_path / "in"
    src.mkdir()
    data = SEED_DOC.read_bytes()
    # Distinct bytes, same document: a trailing sector of padding after the compound file.
    for i in range(3):
        (src / f"r{i}.doc").write_bytes(data + bytes([i]) * 512)
    s = run_batch([str(src)], str(tmp_path / "out"), jobs=1, progress=False, quiet=True)
    assert s.ok == 3, s.failures
    assert not list(private_tmp.iterdir())
    assert not any(alive(int(p)) for p in _pids_with(str(private_tmp)))


def _pids_with(text: str) -> list[str]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if text.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                    out.append(entry)
            except OSError:
                pass
    return out


def test_extract_uses_a_running_converter_server(tmp_path, monkeypatch, private_tmp):
    need_lo()
    sock = str(tmp_path / "conv.sock")
    server = subprocess.Popen([sys.executable, "-m", "docparse.readers.soffice_server", "serve", sock],
                              stderr=subprocess.PIPE, text=True)
    try:
        assert "listening" in server.stderr.readline()
        monkeypatch.setenv("DOCPARSE_SOFFICE_SERVER", sock)
        monkeypatch.setattr(soffice, "convert_oneshot", lambda *a, **k: pytest.fail("not through the server"))
        report = docparse.extract(SEED_DOC)
        assert report.source.format == "doc" and report.unit_name
        assert "converted" in server.stderr.readline()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    assert not os.path.exists(sock) and not list(private_tmp.iterdir())


def test_convert_to_xlsx_through_calc(private_tmp):
    need_lo()
    if not list(Path(os.path.realpath(soffice.find_soffice())).parent.glob("libsclo.so")):
        pytest.skip("LibreOffice Calc not installed (libreoffice-calc-nogui)")
    c = soffice.Converter()
    try:
        # CSV because it is plain text we can write here; an .xls takes the same path (load, store as xlsx).
        out = c.convert(b"item,amount\noffice,12.50\n", to="xlsx", suffix=".csv", timeout=120)
    finally:
        c.stop()
    import io

    z = zipfile.ZipFile(io.BytesIO(out))
    assert "xl/workbook.xml" in z.namelist()
    assert "office" in z.read("xl/sharedStrings.xml").decode("utf-8")


def test_doc_bench_copies_are_distinct_and_the_same_report():
    sys.path.insert(0, str(ROOT))
    from bench.doc_bench import distinct_docx

    src = (GOLDEN / "small-unit-2023.docx").read_bytes()
    a, b = distinct_docx(src, "copy 1"), distinct_docx(src, "copy 2")
    assert a != b
    one = docparse.extract(a, filename="a.docx").model_dump(mode="json", exclude={"source"})
    assert one == docparse.extract(src, filename="s.docx").model_dump(mode="json", exclude={"source"})


def test_worker_start_removes_what_a_killed_run_left(private_tmp, monkeypatch):
    # issue 14 item 9: a worker SIGKILLed mid-conversion leaves its dir; the next worker's start removes it.
    left = soffice.WorkDir()
    os.close(left.fd)
    left.fd = None
    old = private_tmp / "docparse-doc-from-an-older-docparse"
    old.mkdir()
    os.utime(old, (time.time() - 2 * soffice.STALE_UNLOCKED_SECONDS,) * 2)
    monkeypatch.setattr(soffice, "_persistent", False)
    soffice.worker_start()
    assert soffice._persistent
    assert not left.path.exists() and not old.exists()
