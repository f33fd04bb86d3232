"""LibreOffice as a converter: .doc/.wps/RTF → .docx, .xls → .xlsx.

    from docparse.readers.soffice import convert
    docx_bytes = convert(doc_bytes, to="docx", timeout=60)
    xlsx_bytes = convert(xls_bytes, to="xlsx", suffix=".xls")   # needs libreoffice-calc-nogui

Three ways to run it, chosen per call by ``convert``:

1. **A running converter server** named by ``DOCPARSE_SOFFICE_SERVER`` (a Unix
   socket path; start one with ``python -m docparse.readers.soffice_server serve PATH``).
   Used outside batch workers; if nothing answers there, the next way is used.
   The server and its client are ``soffice_server``.
2. **A long-lived per-process converter** (``Converter``): in a batch worker
   (``worker_start``, called by the pool) each worker keeps one LibreOffice
   alive and converts through it over UNO, about 0.15 s a file instead of
   ~1.5 s for a fresh start. UNO comes from Debian's python3-uno, built for the
   system's /usr/bin/python3 (not necessarily the Python docparse runs in), so
   the UNO side is a small separate process, ``_unobridge.py``, that talks
   JSON lines over a pipe. It is restarted when it dies, when a file takes
   longer than its limit, and after ``DOCPARSE_SOFFICE_MAX_FILES`` (200)
   conversions (LibreOffice's memory creeps).
3. **One LibreOffice per call** (``soffice --convert-to``): the fallback when
   there is no UNO Python, and the single-file path.

Every LibreOffice runs with a private profile (two sharing one hand jobs to
each other or fail on its lock) inside a private work dir
``$TMPDIR/docparse-doc-*`` that holds a ``lock`` file, flock-ed by its owner
and inherited by LibreOffice. Nothing outlives its owner: LibreOffice and the
bridge run in their own process group, killed on timeout and at stop, and with
PR_SET_PDEATHSIG, so that a SIGKILLed worker takes its converter with it; the
bridge removes its dir when its parent dies. ``sweep_stale`` (run whenever a
converter starts) removes the dirs whose lock nobody holds any more: what a
run killed harder than that (OOM killer, kill -9 of the whole tree) left.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..errors import ConversionFailed, ConverterMissing, LimitExceeded

INSTALL_HINT = "apt-get install libreoffice-writer-nogui"
PREFIX = "docparse-doc-"
# A hung converter must not hold a batch worker forever, whatever max_seconds says.
MAX_CONVERT_SECONDS = 300.0
START_SECONDS = 60.0  # LibreOffice's first start with a fresh profile takes 1-3 s; on a loaded machine more
MAX_FILES = 200
STALE_UNLOCKED_SECONDS = 900  # a dir without a lock file (an older docparse) is stale after this
BRIDGE = Path(__file__).with_name("_unobridge.py")

# to → (LibreOffice export filter, extension)
TARGETS = {
    "docx": ("MS Word 2007 XML", "docx"),
    "xlsx": ("Calc MS Excel 2007 XML", "xlsx"),
    "pdf": ("writer_pdf_Export", "pdf"),
}


# --- finding LibreOffice and a Python with uno ---------------------------------------

def find_soffice() -> str:
    """Path of the LibreOffice binary, or ConverterMissing with the install hint."""
    env = os.environ.get("DOCPARSE_SOFFICE")
    if env:
        found = shutil.which(env)
        if found:
            return found
        raise ConverterMissing(
            f"DOCPARSE_SOFFICE={env} is not an executable; LibreOffice is needed to read .doc files "
            f"(install it: {INSTALL_HINT})"
        )
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise ConverterMissing(
        f"LibreOffice (soffice) is needed to read .doc files and is not installed (install it: {INSTALL_HINT},"
        " or set DOCPARSE_SOFFICE to its path)"
    )


def soffice_bin(launcher: str) -> str:
    """The real binary behind the ``soffice`` launcher script, when it is there.

    The launcher (a shell script, then oosplash) forks soffice.bin: run
    directly, soffice.bin is our child, so PR_SET_PDEATHSIG and waitpid reach it.
    """
    real = os.path.realpath(launcher)
    if os.path.basename(real) in ("soffice", "libreoffice"):
        cand = os.path.join(os.path.dirname(real), "soffice.bin")
        if os.access(cand, os.X_OK):
            return cand
    return launcher


_uno_python: dict[str, str | None] = {}


def find_uno_python() -> str | None:
    """A Python that can ``import uno`` (DOCPARSE_UNO_PYTHON, this one, /usr/bin/python3), or None."""
    key = os.environ.get("DOCPARSE_UNO_PYTHON", "")
    if key in _uno_python:
        return _uno_python[key]
    cands = [key] if key else [sys.executable, "/usr/bin/python3", shutil.which("python3") or ""]
    found = None
    for py in dict.fromkeys(c for c in cands if c):
        try:
            r = subprocess.run([py, "-c", "import uno"], stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if r.returncode == 0:
            found = py
            break
    _uno_python[key] = found
    return found


# --- process and dir hygiene ----------------------------------------------------

_libc = None


def _pdeathsig(sig: int) -> None:
    """Called in the child before exec: die with the parent (Linux)."""
    if _libc is not None:
        _libc.prctl(1, sig)  # PR_SET_PDEATHSIG


def _load_libc() -> None:
    # Loaded before fork: preexec_fn must not dlopen.
    global _libc
    if _libc is None and sys.platform.startswith("linux"):
        try:
            import ctypes

            _libc = ctypes.CDLL(None, use_errno=True)
        except Exception:
            pass


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _remove_dir(path: str) -> None:
    """A work dir and the sockets its (dead) LibreOffice left in /tmp."""
    from ._unobridge import pipe_files

    for sock in pipe_files(str(path), os.path.basename(str(path))):
        try:
            os.unlink(sock)
        except OSError:
            pass
    shutil.rmtree(path, ignore_errors=True)


class WorkDir:
    """``$TMPDIR/docparse-doc-PID-xxxx`` with a ``lock`` file held while its owner lives."""

    def __init__(self):
        self.path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
        tmp = self.path / ".lock.tmp"
        self.fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        os.rename(tmp, self.path / "lock")  # only ever seen locked by sweep_stale

    def remove(self) -> None:
        """Only once its LibreOffice is dead."""
        _remove_dir(self.path)
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def sweep_stale(root: str | None = None) -> int:
    """Remove the ``docparse-doc-*`` dirs that no live process owns; how many."""
    root = root or tempfile.gettempdir()
    removed = 0
    try:
        entries = [e for e in os.scandir(root) if e.name.startswith(PREFIX)]
    except OSError:
        return 0
    for e in entries:
        try:
            if not e.is_dir(follow_symlinks=False):
                continue
            try:
                fd = os.open(os.path.join(e.path, "lock"), os.O_RDONLY | os.O_CLOEXEC)
            except FileNotFoundError:
                # No lock: an older docparse's dir, or one being created right now.
                if time.time() - e.stat(follow_symlinks=False).st_mtime > STALE_UNLOCKED_SECONDS:
                    _remove_dir(e.path)
                    removed += 1
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as err:
                if err.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                    continue  # its owner (or its LibreOffice) is alive
                raise
            else:
                _remove_dir(e.path)
                removed += 1
            finally:
                os.close(fd)
        except OSError:
            continue
    return removed


def _target(to: str) -> tuple[str, str]:
    try:
        return TARGETS[to]
    except KeyError:
        raise ValueError(f"convert to {to!r}: one of {', '.join(TARGETS)}") from None


def _budget(timeout: float | None) -> float:
    return max(0.5, min(float(timeout) if timeout else MAX_CONVERT_SECONDS, MAX_CONVERT_SECONDS))


def _check_size(data: bytes, max_bytes: int | None, to: str) -> bytes:
    if max_bytes is not None and len(data) > max_bytes:
        raise LimitExceeded("max_file_bytes", f"converted .{to} is {len(data)} bytes > {max_bytes}")
    return data


# --- 3. one LibreOffice per call ------------------------------------------------------

def _why(stderr: bytes, stdout: bytes) -> str:
    """The converter's own complaint, one short line, without launcher noise."""
    for blob in (stderr, stdout):
        for line in blob.decode("utf-8", "replace").splitlines():
            line = line.strip()
            if line and "javaldx" not in line and not line.startswith("convert "):
                return line[:200]
    return "no output file and no message"


def convert_oneshot(data: bytes, to: str = "docx", timeout: float | None = None, suffix: str = ".doc",
                    max_bytes: int | None = None) -> bytes:
    """``soffice --convert-to`` in a private dir and profile; the converted bytes."""
    filter_name, ext = _target(to)
    soffice = find_soffice()
    binary = soffice_bin(soffice)
    budget = _budget(timeout)
    _load_libc()
    sweep_stale()
    wd = WorkDir()
    try:
        src = wd.path / f"input{suffix}"
        src.write_bytes(data)
        outdir = wd.path / "out"
        cmd = [binary, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               f"-env:UserInstallation={(wd.path / 'profile').as_uri()}",
               "--convert-to", f"{ext}:{filter_name}", "--outdir", str(outdir), str(src)]
        env = dict(os.environ, TMPDIR=str(wd.path))  # LibreOffice's own scratch files go where we clean up
        env.pop("DISPLAY", None)  # never talk to an X server
        deadline = time.monotonic() + budget
        result = outdir / f"input.{ext}"
        # soffice.bin run directly exits 81 on the first start of a new profile
        # (the launcher would restart it): so do we.
        for _ in range(3):
            try:
                proc = subprocess.Popen(
                    cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                    cwd=str(wd.path), env=env, start_new_session=True, pass_fds=(wd.fd,),
                    preexec_fn=(lambda: _pdeathsig(signal.SIGKILL)) if _libc is not None else None,
                )
            except OSError as e:
                raise ConverterMissing(
                    f"cannot run LibreOffice at {soffice}: {e.strerror} (install it: {INSTALL_HINT})") from None
            try:
                out, err = proc.communicate(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _kill_group(proc.pid)
                proc.communicate()
                raise LimitExceeded("max_seconds", f"LibreOffice did not convert the file within {budget:g} s") from None
            finally:
                # Also after a normal exit: a helper may have outlived the launcher.
                _kill_group(proc.pid)
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
            if proc.returncode != 81 or result.is_file():
                break
        if not result.is_file() or result.stat().st_size == 0:
            raise ConversionFailed(
                f"LibreOffice could not convert the document (exit {proc.returncode}): {_why(err, out)}"
            )
        if max_bytes is not None and result.stat().st_size > max_bytes:
            raise LimitExceeded("max_file_bytes", f"converted .{ext} is {result.stat().st_size} bytes > {max_bytes}")
        return result.read_bytes()
    finally:
        wd.remove()


# --- 2. a long-lived converter ------------------------------------------------------

class Converter:
    """One LibreOffice kept alive behind a UNO bridge process; not thread-safe.

    ``convert`` starts it on first use and restarts it after a crash, a
    timeout or ``max_files`` conversions. A file that kills or hangs it fails
    (ConversionFailed / LimitExceeded); the next file gets a fresh one.
    """

    def __init__(self, max_files: int | None = None, python: str | None = None, bridge: str | None = None):
        env_max = os.environ.get("DOCPARSE_SOFFICE_MAX_FILES")
        self.max_files = max_files or (int(env_max) if env_max and env_max.isdigit() else MAX_FILES)
        self.python = python
        self.bridge = bridge or str(BRIDGE)  # tests give a stand-in
        self.soffice_pid: int | None = None
        self.proc: subprocess.Popen | None = None
        self.wd: WorkDir | None = None
        self.converted = 0  # by the current LibreOffice
        self.starts = 0
        self._buf = b""

    # -- life cycle
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self, deadline: float) -> None:
        python = self.python or find_uno_python()
        if python is None:
            raise ConverterMissing("no Python with LibreOffice's uno module (apt-get install python3-uno)")
        binary = soffice_bin(find_soffice())
        _load_libc()
        sweep_stale()
        self.wd = WorkDir()
        self._buf = b""
        env = dict(os.environ, TMPDIR=str(self.wd.path))
        for var in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):  # the bridge's Python is not ours
            env.pop(var, None)
        cmd = [python, self.bridge, "--soffice", binary, "--dir", str(self.wd.path), "--parent", str(os.getpid()),
               "--lock-fd", str(self.wd.fd), "--start-seconds", f"{max(1.0, deadline - time.monotonic()):.1f}"]
        stderr = open(self.wd.path / "bridge.log", "wb")
        try:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
                                         cwd=str(self.wd.path), env=env, start_new_session=True,
                                         pass_fds=(self.wd.fd,))
        except OSError as e:
            self._cleanup()
            raise ConverterMissing(f"cannot run {python}: {e.strerror}") from None
        finally:
            stderr.close()
        self.starts += 1
        self.converted = 0
        msg = self._read(deadline)
        if msg is None or not msg.get("ready"):
            why = (msg or {}).get("error") or self._log_tail() or "no answer"
            timed_out = msg is None and time.monotonic() >= deadline
            self.stop(force=True)
            if timed_out:
                raise LimitExceeded("max_seconds", "LibreOffice did not start within the time limit")
            raise ConversionFailed(f"LibreOffice converter did not start: {why}")
        self.soffice_pid = msg.get("soffice_pid")

    def stop(self, force: bool = False) -> None:
        """Close LibreOffice and remove its dir (politely unless ``force``, then by force)."""
        proc = self.proc
        if proc is not None:
            if proc.poll() is None and not force:
                try:
                    proc.stdin.close()  # EOF: the bridge terminates LibreOffice
                except OSError:
                    pass
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
            _kill_group(proc.pid)
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            for f in (proc.stdin, proc.stdout):
                try:
                    f.close()
                except (OSError, ValueError):
                    pass
            self.proc = None
        self._cleanup()

    def _cleanup(self) -> None:
        if self.wd is not None:
            self.wd.remove()
            self.wd = None

    def _log_tail(self) -> str:
        try:
            lines = (self.wd.path / "bridge.log").read_text("utf-8", "replace").strip().splitlines()
        except (OSError, AttributeError):
            return ""
        return lines[-1][:200] if lines else ""

    def _read(self, deadline: float) -> dict | None:
        """One JSON line from the bridge, or None at EOF or the deadline."""
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self._buf += chunk
        line, _, self._buf = self._buf.partition(b"\n")
        return json.loads(line)

    # -- work
    def convert(self, data: bytes, to: str = "docx", timeout: float | None = None, suffix: str = ".doc",
                max_bytes: int | None = None) -> bytes:
        filter_name, ext = _target(to)
        budget = _budget(timeout)
        deadline = time.monotonic() + budget
        if self.alive() and self.converted >= self.max_files:
            self.stop()  # memory creep: a fresh LibreOffice now and then
        if not self.alive():
            self.stop()  # whatever is left of a dead one
            self.start(deadline)
        job = self.wd.path / "job"
        job.mkdir(exist_ok=True)
        src, dst = job / f"input{suffix}", job / f"output.{ext}"
        for p in (src, dst):
            p.unlink(missing_ok=True)
        src.write_bytes(data)
        try:
            self.proc.stdin.write(json.dumps({"in": str(src), "out": str(dst), "filter": filter_name}).encode() + b"\n")
            self.proc.stdin.flush()
        except OSError:
            msg = None
        else:
            msg = self._read(deadline)
        if msg is None:
            timed_out = self.alive() and time.monotonic() >= deadline
            why = self._log_tail()
            self.stop(force=True)  # hung or dead: the next file gets a fresh one
            if timed_out:
                raise LimitExceeded("max_seconds", f"LibreOffice did not convert the file within {budget:g} s")
            raise ConversionFailed("LibreOffice crashed converting the document" + (f": {why}" if why else ""))
        self.converted += 1
        if not msg.get("ok"):
            if msg.get("fatal"):
                self.stop(force=True)
            raise ConversionFailed(f"LibreOffice could not convert the document: {msg.get('error', 'no reason given')}")
        try:
            out = dst.read_bytes()
        except OSError:
            out = b""
        finally:
            for p in (src, dst):
                p.unlink(missing_ok=True)
        if not out:
            raise ConversionFailed("LibreOffice could not convert the document: it wrote an empty file")
        return _check_size(out, max_bytes, ext)


# --- the per-worker converter (batch) -------------------------------------------

_persistent = False
_converter: Converter | None = None


def worker_start() -> None:
    """Batch worker start: use a long-lived converter (started on the first file).

    ``DOCPARSE_SOFFICE_PERSISTENT=0`` keeps one LibreOffice per file (the
    benchmark's baseline). Also sweeps what dead runs left in $TMPDIR.
    """
    global _persistent
    _persistent = os.environ.get("DOCPARSE_SOFFICE_PERSISTENT", "1") != "0"
    sweep_stale()


def worker_stop() -> None:
    """Batch worker exit: stop its converter, if one was started."""
    global _converter
    if _converter is not None:
        _converter.stop()
        _converter = None


# --- the entry point ------------------------------------------------------------------

def convert(data: bytes, to: str = "docx", *, timeout: float | None = None, suffix: str = ".doc",
            max_bytes: int | None = None) -> bytes:
    """``data`` converted by LibreOffice to ``to`` ("docx", "xlsx", "pdf"); the bytes.

    ``suffix`` tells LibreOffice what the input is (".doc", ".wps", ".rtf",
    ".xls"); ``timeout`` is the wall-clock budget in seconds (at most 300).
    Raises ConverterMissing, ConversionFailed or LimitExceeded.
    """
    global _converter
    _target(to)
    if _persistent:
        if _converter is None and find_uno_python() is not None:
            _converter = Converter()
        if _converter is not None:
            return _converter.convert(data, to, timeout, suffix, max_bytes)
    else:
        server = os.environ.get("DOCPARSE_SOFFICE_SERVER")
        if server:
            from .soffice_server import convert_via_server

            try:
                return convert_via_server(server, data, to, timeout, suffix, max_bytes)
            except OSError:
                pass  # nothing listening there: convert here
    return convert_oneshot(data, to, timeout, suffix, max_bytes)
