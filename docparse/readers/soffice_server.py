"""A converter server: one long-lived LibreOffice that ``docparse extract`` runs share.

    python -m docparse.readers.soffice_server serve /run/user/1000/docparse.sock &
    DOCPARSE_SOFFICE_SERVER=/run/user/1000/docparse.sock docparse extract report.doc

One conversion at a time through a ``soffice.Converter`` (so with its
restarts, limits and clean-up); the socket is the caller's user's only (0600).
The protocol is a JSON header line and the payload bytes, each way:
``{"to", "timeout", "suffix", "size"}`` + input, ``{"ok", "size"}`` + output
or ``{"ok": false, "error", "error_class"}``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

from ..errors import ConversionFailed, ConverterMissing, LimitExceeded
from .soffice import MAX_FILES, TARGETS, Converter, _budget, convert

def _send(sock: socket.socket, header: dict, payload: bytes = b"") -> None:
    sock.sendall(json.dumps(dict(header, size=len(payload))).encode() + b"\n" + payload)


def _recv(sock: socket.socket, max_size: int) -> tuple[dict, bytes]:
    buf = b""
    while b"\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
        if len(buf) > 65536 and b"\n" not in buf:
            raise ConnectionError("bad header")
    line, _, rest = buf.partition(b"\n")
    header = json.loads(line)
    size = int(header.get("size", 0))
    if size > max_size:
        raise ConnectionError(f"payload of {size} bytes refused")
    chunks, got = [rest], len(rest)
    while got < size:
        chunk = sock.recv(min(1 << 20, size - got))
        if not chunk:
            raise ConnectionError("closed")
        chunks.append(chunk)
        got += len(chunk)
    return header, b"".join(chunks)[:size]


_ERRORS = {"LimitExceeded": LimitExceeded, "ConversionFailed": ConversionFailed, "ConverterMissing": ConverterMissing}


def convert_via_server(path: str, data: bytes, to: str, timeout: float | None, suffix: str,
                       max_bytes: int | None) -> bytes:
    """Ask the server at ``path``; OSError if nothing answers there."""
    budget = _budget(timeout)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect(path)
        s.settimeout(budget + 10)  # the server enforces the budget itself
        _send(s, {"to": to, "timeout": budget, "suffix": suffix}, data)
        try:
            header, payload = _recv(s, max_bytes if max_bytes is not None else 1 << 31)
        except (ConnectionError, socket.timeout, ValueError) as e:
            raise ConversionFailed(f"the converter server at {path} gave no answer ({e})") from None
    if header.get("ok"):
        return payload
    kind = _ERRORS.get(header.get("error_class"), ConversionFailed)
    if kind is LimitExceeded:
        raise LimitExceeded(header.get("limit", "max_seconds"), header.get("error", ""))
    raise kind(header.get("error", "the converter server failed"))


def serve(path: str, max_files: int | None = None, log=None) -> None:
    """Serve conversions on a Unix socket until SIGTERM/SIGINT, one at a time."""
    conv = Converter(max_files=max_files)
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    os.chmod(path, 0o600)  # the caller's user only
    srv.listen(16)
    stopping = []

    def stop(signum, frame):
        stopping.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    log = log or (lambda m: print(m, file=sys.stderr, flush=True))
    log(f"docparse converter listening on {path}")
    try:
        while True:
            conn, _ = srv.accept()
            with conn:
                try:
                    conn.settimeout(30)
                    header, data = _recv(conn, 1 << 30)
                    t0 = time.monotonic()
                    conn.settimeout(None)
                    try:
                        out = conv.convert(data, header.get("to", "docx"), header.get("timeout"),
                                           header.get("suffix", ".doc"))
                        _send(conn, {"ok": True}, out)
                        log(f"converted {len(data)} bytes to {header.get('to')} in {time.monotonic() - t0:.2f} s")
                    except (LimitExceeded, ConversionFailed, ConverterMissing, ValueError) as e:
                        err = {"ok": False, "error": str(e), "error_class": type(e).__name__}
                        if isinstance(e, LimitExceeded):
                            err["limit"] = e.limit
                            err["error"] = str(e).split(": ", 1)[-1]
                        _send(conn, err)
                        log(f"failed: {e}")
                except (OSError, ConnectionError, ValueError) as e:
                    log(f"bad request: {e}")
    except KeyboardInterrupt:
        pass
    finally:
        conv.stop()
        srv.close()
        try:
            os.unlink(path)
        except OSError:
            pass


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m docparse.readers.soffice_server",
                                 description="A long-lived LibreOffice converter for docparse.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sv = sub.add_parser("serve", help="serve conversions on a Unix socket (point DOCPARSE_SOFFICE_SERVER at it)")
    sv.add_argument("socket")
    sv.add_argument("--max-files", type=int, help=f"restart LibreOffice after this many files (default {MAX_FILES})")
    cv = sub.add_parser("convert", help="convert one file (through DOCPARSE_SOFFICE_SERVER when set)")
    cv.add_argument("input")
    cv.add_argument("output")
    cv.add_argument("--to", choices=list(TARGETS), default="docx")
    cv.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args(argv)
    if a.cmd == "serve":
        try:
            serve(a.socket, a.max_files)
        except OSError as e:
            print(f"docparse converter: {e}", file=sys.stderr)
            return 1
        return 0
    try:
        out = convert(Path(a.input).read_bytes(), a.to, timeout=a.timeout, suffix=Path(a.input).suffix or ".doc")
    except (ConversionFailed, ConverterMissing, LimitExceeded) as e:
        print(f"docparse converter: {a.input}: {e}", file=sys.stderr)
        return e.exit_code
    Path(a.output).write_bytes(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
