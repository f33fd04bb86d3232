"""The converter process: one LibreOffice kept alive, driven through UNO.

Run by ``docparse.readers.soffice`` with the Python that has LibreOffice's
``uno`` module (Debian's /usr/bin/python3 with python3-uno), which need not
be the Python docparse runs in, hence a separate process and only the
standard library here (no docparse imports).

    python3 _unobridge.py --soffice BIN --dir WORKDIR --parent PID [--lock-fd N]

It starts ``soffice.bin`` listening on a private pipe, then answers one JSON
line per request on stdin, ``{"in": path, "out": path, "filter": name}``, with
one JSON line on stdout: ``{"ok": true}`` or ``{"ok": false, "error": ...,
"fatal": bool}`` (fatal: LibreOffice is gone, this process exits). EOF on
stdin: LibreOffice is closed and the process exits.

Nothing may outlive the worker that started this: LibreOffice gets
PR_SET_PDEATHSIG=SIGKILL (it dies with this process), this process gets
SIGTERM when its parent dies, and SIGTERM kills LibreOffice and removes the
work dir. UNO calls run in a thread so that a conversion stuck in LibreOffice
cannot keep the main thread from handling that signal.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
RESTART_EXIT = 81  # soffice.bin asks its launcher to restart it (first start of a new profile)
START_SECONDS = 60.0

_state = {"soffice": None, "dir": None, "pipe": None}


def pipe_files(workdir: str, pipe: str | None) -> list[str]:
    """The sockets LibreOffice makes in /tmp whatever TMPDIR says (OSL pipes), for its profile and our pipe.

    A killed LibreOffice leaves them; the single-instance pipe is named from
    the MD5 of the UTF-16 profile URL, hex digits unpadded (officeipcthread.cxx).
    """
    import hashlib

    url = "file://" + os.path.join(workdir, "profile")
    digest = "".join(f"{b:x}" for b in hashlib.md5(url.encode("utf-16-le")).digest())
    names = [f"SingleOfficeIPC_{digest}"] + ([pipe] if pipe else [])
    return [os.path.join(d, f"OSL_PIPE_{os.getuid()}_{n}") for d in ("/tmp", "/var/tmp") for n in names]


def _prctl_pdeathsig(sig: int) -> None:
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, sig)
    except Exception:
        pass


def _cleanup_and_exit(code: int = 0) -> None:
    proc = _state["soffice"]
    if proc is not None and proc.poll() is None:
        try:
            proc.kill()
            proc.wait(timeout=5)
        except Exception:
            pass
    if _state["dir"]:
        for path in pipe_files(_state["dir"], _state["pipe"]):
            try:
                os.unlink(path)
            except OSError:
                pass
        shutil.rmtree(_state["dir"], ignore_errors=True)
    os._exit(code)


def _on_term(signum, frame) -> None:
    _cleanup_and_exit(0)


def _reply(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def start_soffice(binary: str, workdir: str, pipe: str, lock_fd: int | None) -> subprocess.Popen:
    profile = "file://" + os.path.join(workdir, "profile")
    tmp = os.path.join(workdir, "tmp")
    os.makedirs(tmp, exist_ok=True)
    env = dict(os.environ, TMPDIR=tmp, SAL_USE_VCLPLUGIN="svp")
    env.pop("DISPLAY", None)  # never talk to an X server
    cmd = [binary, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
           "--nofirststartwizard", f"-env:UserInstallation={profile}",
           f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]
    # Runs before exec, in the child; the ctypes call is async-signal-safe enough (libc already loaded).
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=workdir, env=env, pass_fds=(lock_fd,) if lock_fd is not None else (),
                            preexec_fn=lambda: _prctl_pdeathsig(signal.SIGKILL))


def connect(binary: str, workdir: str, pipe: str, lock_fd: int | None, deadline: float):
    import uno  # after soffice.bin is forked: pyuno starts threads

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    restarts = 0
    while True:
        proc = _state["soffice"]
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:
            pass
        code = proc.poll()
        if code is not None:
            if code == RESTART_EXIT and restarts < 3:
                restarts += 1
                _state["soffice"] = start_soffice(binary, workdir, pipe, lock_fd)
                continue
            raise RuntimeError(f"LibreOffice exited with code {code} while starting")
        if time.monotonic() > deadline:
            raise RuntimeError("LibreOffice did not start listening in time")
        time.sleep(0.05)


def _props(**kw):
    from com.sun.star.beans import PropertyValue

    out = []
    for name, value in kw.items():
        p = PropertyValue()
        p.Name, p.Value = name, value
        out.append(p)
    return tuple(out)


def convert(desktop, src: str, dst: str, filter_name: str) -> None:
    import uno

    # No macros, no link updates (no network fetches), no dialogs: read-only and hidden.
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                       _props(Hidden=True, ReadOnly=True, MacroExecutionMode=0, UpdateDocMode=0))
    if doc is None:
        raise RuntimeError("LibreOffice could not load the document (unknown format or damaged)")
    try:
        doc.storeToURL(uno.systemPathToFileUrl(dst), _props(FilterName=filter_name, Overwrite=True))
    finally:
        try:
            doc.close(True)
        except Exception:
            try:
                doc.dispose()
            except Exception:
                pass


def _soffice_gone(error: str) -> bool:
    """After a failed call: is LibreOffice dead (then this bridge is useless)?"""
    proc = _state["soffice"]
    if "DisposedException" in error:  # the UNO connection is gone: so is LibreOffice, or it soon will be
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        return True
    try:
        proc.wait(timeout=0.05)  # it may be dying as we look
    except subprocess.TimeoutExpired:
        return False
    return True


def _one_line(e: BaseException) -> str:
    msg = getattr(e, "Message", None) or str(e) or type(e).__name__
    return " ".join(f"{type(e).__name__}: {msg}".split())[:300]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--soffice", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--parent", type=int, required=True)
    ap.add_argument("--lock-fd", type=int)
    ap.add_argument("--start-seconds", type=float, default=START_SECONDS)
    a = ap.parse_args()
    _state["dir"] = a.dir
    signal.signal(signal.SIGTERM, _on_term)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the batch decides what Ctrl-C means
    _prctl_pdeathsig(signal.SIGTERM)
    if os.getppid() != a.parent:  # the parent died before the prctl
        _cleanup_and_exit(1)
    pipe = _state["pipe"] = os.path.basename(a.dir)
    try:
        _state["soffice"] = start_soffice(a.soffice, a.dir, pipe, a.lock_fd)
        desktop = connect(a.soffice, a.dir, pipe, a.lock_fd, time.monotonic() + a.start_seconds)
    except Exception as e:  # noqa: BLE001
        _reply({"ready": False, "error": _one_line(e)})
        _cleanup_and_exit(1)
    _reply({"ready": True, "soffice_pid": _state["soffice"].pid})

    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        result: dict = {}

        def job(req=req, result=result):
            try:
                convert(desktop, req["in"], req["out"], req["filter"])
                result["ok"] = True
            except Exception as e:  # noqa: BLE001 - every failure is an answer
                result.update(ok=False, error=_one_line(e))

        t = threading.Thread(target=job, daemon=True)
        t.start()
        while t.is_alive():
            t.join(0.2)  # signals are handled between waits
            if os.getppid() != a.parent:
                _cleanup_and_exit(1)
        if not result.get("ok") and _soffice_gone(result.get("error", "")):
            result["fatal"] = True
            code = _state["soffice"].returncode
            result["error"] = f"LibreOffice died (exit {code}): {result.get('error', '')}"
        _reply(result)
        if result.get("fatal"):
            _cleanup_and_exit(1)
    # EOF: the worker is done with us. A polite terminate (LibreOffice then
    # removes its pipes and lock files itself), then make sure.
    def terminate():
        try:
            desktop.terminate()
        except Exception:
            pass  # the bridge is disposed as LibreOffice goes: expected

    t = threading.Thread(target=terminate, daemon=True)
    t.start()
    try:
        _state["soffice"].wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    _cleanup_and_exit(0)


if __name__ == "__main__":
    main()
