"""Hostile and broken input: each gets its own DocparseError class and a
one-line message, through the API and through the CLI (exit code, one stderr
line, no traceback), in bounded time and memory. The samples are built at run
time (fuzz/samples.py); tests/hostile/ holds inputs the fuzzer found."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import docparse  # noqa: E402
from docparse import (  # noqa: E402
    CorruptFile,
    DocparseError,
    EncryptedFile,
    ExtractionError,
    InputNotFound,
    LimitExceeded,
    ScannedPDF,
    UnsupportedFormat,
)
from fuzz import samples  # noqa: E402

HOSTILE = Path(__file__).resolve().parent / "hostile"
GOLDEN_DOCX = ROOT / "golden" / "health-2021.docx"


def _xlsx() -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


def _many_entries() -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", samples.body(samples.para("x")))
        for k in range(5001):
            z.writestr(f"junk/{k}", b"")
    return buf.getvalue()


# name → (bytes factory, file suffix, error class, words the message must have)
CASES = {
    "zip-bomb": (lambda: samples.zip_bomb(600), ".docx", LimitExceeded, "max_unzipped_bytes"),
    "zip-bomb-one-part": (lambda: samples.zip_bomb(100), ".docx", LimitExceeded, "max_xml_bytes"),
    "zip-bomb-lying-sizes": (lambda: samples.lying_zip_bomb(600), ".docx", (CorruptFile, LimitExceeded), ""),
    "billion-laughs": (samples.billion_laughs, ".docx", CorruptFile, "DOCTYPE"),
    "xxe": (samples.xxe, ".docx", CorruptFile, "DOCTYPE"),
    "xxe-parameter-entity": (samples.xxe_parameter, ".docx", CorruptFile, "DOCTYPE"),
    "nested-tables": (lambda: samples.nested_tables(40), ".docx", CorruptFile, "nested"),
    "deep-xml": (samples.deep_xml, ".docx", LimitExceeded, "xml_depth"),
    "gridspan-100000": (samples.wide_table, ".docx", CorruptFile, "gridSpan"),
    "too-many-zip-entries": (_many_entries, ".docx", LimitExceeded, "max_zip_entries"),
    "pdf-reference-loop": (samples.loop_pdf, ".pdf", CorruptFile, "page"),
    "one-byte": (lambda: b"x", ".docx", UnsupportedFormat, "this is"),
    "one-nul-byte": (lambda: b"\x00", ".pdf", UnsupportedFormat, "this is"),
    "empty": (lambda: b"", ".docx", CorruptFile, "empty"),
    "docx-without-document-xml": (lambda: samples.docx(None), ".docx", CorruptFile, "word/document.xml"),
    "jpeg-named-pdf": (lambda: samples.JPEG, ".pdf", UnsupportedFormat, "JPEG"),
    "png-named-docx": (lambda: b"\x89PNG\r\n\x1a\n" + bytes(100), ".docx", UnsupportedFormat, "PNG"),
    "text-named-docx": (lambda: "这是一个文本文件\nhello\n".encode(), ".docx", UnsupportedFormat, "plain text"),
    "xlsx-named-docx": (_xlsx, ".docx", ExtractionError, "not a performance"),  # read as the workbook it is
    "truncated-docx": (lambda: samples.truncated_docx(GOLDEN_DOCX.read_bytes()), ".docx", CorruptFile, ""),
    "encrypted-docx": (samples.encrypted_docx, ".docx", EncryptedFile, "password"),
    "encrypted-pdf": (samples.encrypted_pdf, ".pdf", EncryptedFile, "password"),
    "scanned-pdf": (samples.scanned_pdf, ".pdf", ScannedPDF, "text layer"),
    "hello-docx": (samples.hello_docx, ".docx", ExtractionError, "not a performance"),
    "hello-pdf": (samples.text_pdf, ".pdf", ExtractionError, "not a performance"),
}


def _one_line(msg: str) -> bool:
    return bool(msg) and "\n" not in msg and "\r" not in msg and len(msg) < 400


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    out = {}
    for name, (make, suffix, _, _) in CASES.items():
        p = d / f"{name}{suffix}"
        p.write_bytes(make())
        out[name] = p
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_api_raises_its_class_with_one_line(name, files):
    _, _, cls, words = CASES[name]
    t0 = time.monotonic()
    with pytest.raises(cls) as ei:
        docparse.extract(files[name])
    assert time.monotonic() - t0 < 30
    msg = str(ei.value)
    assert _one_line(msg), msg
    assert words in msg
    assert "root:" not in msg


@pytest.mark.parametrize("name", list(CASES))
def test_cli_exit_code_and_one_stderr_line(name, files):
    _, _, cls, _ = CASES[name]
    p = subprocess.run([sys.executable, "-m", "docparse.cli", "extract", str(files[name])],
                       capture_output=True, text=True, timeout=120, cwd=ROOT)
    codes = {c.exit_code for c in (cls if isinstance(cls, tuple) else (cls,))}
    assert p.returncode in codes, p.stderr
    lines = p.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"docparse: {files[name]}: "), p.stderr
    assert "Traceback" not in p.stderr and p.stdout == ""


def test_directory_is_not_found(tmp_path):
    with pytest.raises(InputNotFound):
        docparse.extract(tmp_path)
    p = subprocess.run([sys.executable, "-m", "docparse.cli", "extract", str(tmp_path)],
                       capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert p.returncode == InputNotFound.exit_code and len(p.stderr.splitlines()) == 1


def test_missing_file(tmp_path):
    p = subprocess.run([sys.executable, "-m", "docparse.cli", "extract", str(tmp_path / "nope.docx")],
                       capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert p.returncode == InputNotFound.exit_code and len(p.stderr.splitlines()) == 1


def test_xxe_never_reads_the_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:SECRET-MARKER\n")
    for data in (samples.xxe(str(secret)), samples.xxe_parameter(str(secret))):
        try:
            out = docparse.extract(data).to_json()
        except DocparseError as e:
            out = str(e)
        assert "SECRET-MARKER" not in out and "root:" not in out
    # an HTML page has no external entities either
    page = (f'<!DOCTYPE html [<!ENTITY x SYSTEM "file://{secret}">]><html><body><p>&x;</p>'
            "<table><tr><td>a</td><td>b</td></tr></table></body></html>").encode()
    try:
        out = docparse.extract(page).to_json()
    except DocparseError as e:
        out = str(e)
    assert "SECRET-MARKER" not in out


def test_dense_pdf_ruling_is_fast():
    """600 × 600 ruling lines on one page: not a table, and well within the time limit."""
    t0 = time.monotonic()
    with pytest.raises(ExtractionError):
        docparse.extract(samples.grid_pdf(600), limits=docparse.Limits(max_seconds=10))
    assert time.monotonic() - t0 < 10


def test_limits_are_overridable_in_api_and_cli(tmp_path):
    data = GOLDEN_DOCX.read_bytes()
    checks = [
        (docparse.Limits(max_file_bytes=1000), "max_file_bytes", ["--max-file-mb", "0.001"]),
        (docparse.Limits(max_xml_bytes=1000), "max_xml_bytes", ["--max-xml-mb", "0.001"]),
        (docparse.Limits(max_zip_entries=3), "max_zip_entries", ["--max-zip-entries", "3"]),
        (docparse.Limits(max_unzipped_bytes=1000), "max_unzipped_bytes", ["--max-unzipped-mb", "0.001"]),
        (docparse.Limits(max_seconds=0), "max_seconds", ["--timeout", "0"]),
    ]
    f = tmp_path / "r.docx"
    f.write_bytes(data)
    for limits, name, opts in checks:
        with pytest.raises(LimitExceeded) as ei:
            docparse.extract(data, limits=limits)
        assert ei.value.limit == name and name in str(ei.value)
        p = subprocess.run([sys.executable, "-m", "docparse.cli", "extract", *opts, str(f)],
                           capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert p.returncode == LimitExceeded.exit_code and name in p.stderr, (opts, p.stderr)
    pdf = (ROOT / "golden" / "health-2021.pdf").read_bytes()
    for limits, name in ((docparse.Limits(max_pages=1), "max_pages"),
                         (docparse.Limits(max_chars_per_page=10), "max_chars_per_page"),
                         (docparse.Limits(max_chars=100), "max_chars")):
        with pytest.raises(LimitExceeded) as ei:
            docparse.extract(pdf, limits=limits)
        assert ei.value.limit == name


def test_internal_error_is_one_line_exit_70(tmp_path):
    """A bug in the library (any non-DocparseError) is one line and exit 70, not a traceback."""
    code = (
        "import sys, docparse.engine as e\n"
        "def boom(*a, **k): raise KeyError('simulated bug')\n"
        "e.build_report = boom\n"
        "from docparse.cli import main\n"
        f"sys.argv = ['docparse', 'extract', {str(GOLDEN_DOCX)!r}]\n"
        "main()\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert p.returncode == 70, p.stderr
    lines = p.stderr.splitlines()
    assert len(lines) == 1 and "internal error: KeyError" in lines[0] and "Traceback" not in p.stderr


def test_zip_bomb_peak_memory(tmp_path):
    """The bombs are refused from the declared sizes or while inflating, never inflated whole."""
    for name, make in (("honest", "zip_bomb(600)"), ("lying", "lying_zip_bomb(600)")):
        f = tmp_path / f"{name}.docx"
        code = (
            "import resource, sys, docparse\n"
            f"sys.path.insert(0, {str(ROOT)!r})\n"
            "from fuzz import samples\n"
            f"data = samples.{make}\n"
            f"open({str(f)!r}, 'wb').write(data)\n"
            f"try:\n    docparse.extract({str(f)!r})\nexcept docparse.DocparseError as e:\n    print(type(e).__name__)\n"
            # VmHWM: ru_maxrss survives exec, so it would count the pytest process this child was forked from
            "print(int([ln for ln in open('/proc/self/status') if ln.startswith('VmHWM')][0].split()[1]) // 1024)\n"
        )
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
        assert p.returncode == 0, p.stderr
        kind, peak_mb = p.stdout.split()
        assert kind in ("LimitExceeded", "CorruptFile")
        assert int(peak_mb) < 400, f"{name} bomb: peak {peak_mb} MB"


@pytest.mark.parametrize("path", sorted(p for p in HOSTILE.iterdir() if p.suffix in (".docx", ".pdf", ".doc", ".html")),
                         ids=lambda p: p.name)
def test_regression_inputs(path):
    """Inputs the fuzzer once crashed on: now a Report or a DocparseError, in time."""
    t0 = time.monotonic()
    try:
        docparse.extract(path, limits=docparse.Limits(max_seconds=20)).to_json()
    except DocparseError as e:
        assert _one_line(str(e))
    assert time.monotonic() - t0 < 25
