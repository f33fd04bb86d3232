"""The legacy .doc reader: LibreOffice converts to .docx, the docx reader reads it.

Word 97-2003 binary files (and WPS Office .wps, and RTF) are not worth a
parser of our own: LibreOffice reads them as well as anything does. Each
call runs ``soffice --headless --convert-to docx`` in its own temporary
directory with its own user profile (two LibreOffice processes sharing a
profile hand the job to each other or fail on the lock, which breaks parallel
batch workers), in its own process group so that a timeout kills oosplash and
soffice.bin together. Nothing is left behind: the directory is always
removed and the process group is always killed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from ..document import Document
from ..errors import ConversionFailed, ConverterMissing, DocparseError, LimitExceeded
from ..limits import Limits

INSTALL_HINT = "apt-get install libreoffice-writer-nogui"
# A hung converter must not hold a batch worker forever, whatever max_seconds says.
MAX_CONVERT_SECONDS = 300.0


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


def _kill_group(proc: subprocess.Popen) -> None:
    # soffice is a launcher: oosplash and soffice.bin live in the child's
    # process group (start_new_session), so the group is what must die.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _why(stderr: bytes, stdout: bytes) -> str:
    """The converter's own complaint, one short line, without launcher noise."""
    for blob in (stderr, stdout):
        for line in blob.decode("utf-8", "replace").splitlines():
            line = line.strip()
            if line and "javaldx" not in line and not line.startswith("convert "):
                return line[:200]
    return "no output file and no message"


def convert_to_docx(data: bytes, limits: Limits, suffix: str = ".doc") -> tuple[bytes, float]:
    """The .docx bytes LibreOffice makes of ``data``, and the seconds it took."""
    soffice = find_soffice()
    # Leave a share of max_seconds for reading and extracting, and time out
    # before a batch worker's own wall clock (set to max_seconds) kills the
    # worker: only this process can kill LibreOffice's group and clean up.
    timeout = max(0.5, min(0.8 * float(limits.max_seconds), MAX_CONVERT_SECONDS))
    with tempfile.TemporaryDirectory(prefix="docparse-doc-") as tmp:
        tmpdir = Path(tmp)
        src = tmpdir / f"input{suffix}"
        src.write_bytes(data)
        outdir = tmpdir / "out"
        profile = tmpdir / "profile"
        cmd = [
            soffice, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to", "docx", "--outdir", str(outdir), str(src),
        ]
        env = dict(os.environ)
        env["TMPDIR"] = str(tmpdir)  # LibreOffice's own scratch files go where we clean up
        env.pop("DISPLAY", None)  # never talk to an X server
        start = time.monotonic()
        try:
            proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                cwd=tmp, env=env, start_new_session=True,
            )
        except OSError as e:
            raise ConverterMissing(f"cannot run LibreOffice at {soffice}: {e.strerror} (install it: {INSTALL_HINT})") from None
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            proc.communicate()
            raise LimitExceeded("max_seconds", f"LibreOffice did not convert the .doc within {timeout:g} s") from None
        finally:
            # Also after a normal exit: a helper may have outlived the launcher.
            _kill_group(proc)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        elapsed = time.monotonic() - start
        result = outdir / "input.docx"
        if not result.is_file() or result.stat().st_size == 0:
            raise ConversionFailed(
                f"LibreOffice could not convert the document (exit {proc.returncode}): {_why(err, out)}"
            )
        size = result.stat().st_size
        if size > limits.max_file_bytes:
            raise LimitExceeded("max_file_bytes", f"converted .docx is {size} bytes > {limits.max_file_bytes}")
        return result.read_bytes(), elapsed


def read_doc(data: bytes, limits: Limits) -> Document:
    from .docx import read_docx

    suffix = ".rtf" if data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")[:5] == b"{\\rtf" else ".doc"
    docx, elapsed = convert_to_docx(data, limits, suffix)
    # The time limit is for the whole document, conversion included.
    rest = limits.with_overrides(max_seconds=max(1.0, float(limits.max_seconds) - elapsed))
    try:
        doc = read_docx(docx, rest)
    except LimitExceeded:
        raise
    except DocparseError as e:
        raise ConversionFailed(f"LibreOffice produced a .docx that cannot be read: {e}") from None
    return Document(blocks=doc.blocks, format="doc", pages=doc.pages, warnings=doc.warnings)
