"""The command line: JSON on stdout, one-line errors on stderr, distinct exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
SEED = GOLDEN / "seed-yueyang-2022.docx"


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "docparse.cli", *map(str, args)], capture_output=True,
                          input=stdin, timeout=120)


def test_extract_prints_json_with_chinese_unescaped():
    r = run("extract", SEED)
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode("utf-8")
    assert "岳阳县退役军人事务局" in out and "\\u" not in out
    d = json.loads(out)
    assert d["schema_version"] == "1.1" and d["finance"]["income"][0]["total"] == "9692.786137"
    assert "provenance" not in d


def test_extract_compact_output_file_and_provenance(tmp_path):
    out = tmp_path / "r.json"
    r = run("extract", SEED, "--compact", "--provenance", "-o", out)
    assert r.returncode == 0 and r.stdout == b""
    text = out.read_text(encoding="utf-8")
    assert text.count("\n") == 1
    d = json.loads(text)
    assert d["provenance"]["/finance/income/0/total"]["table"] == 0


def test_extract_from_stdin():
    r = run("extract", "-", stdin=SEED.read_bytes())
    assert r.returncode == 0 and json.loads(r.stdout)["source"]["file"] == "-"


@pytest.mark.parametrize("make, code, words", [
    (lambda d: d / "missing.docx", 3, "no such file"),
    (lambda d: d, 3, "not a regular file"),
    (lambda d: _write(d / "text.docx", "这不是 Word 文件".encode()), 4, "plain text"),
    (lambda d: _write(d / "empty.docx", b""), 5, "empty"),
    (lambda d: _write(d / "trunc.docx", SEED.read_bytes()[:3000]), 5, "zip"),
    (lambda d: _write(d / "page.docx", b"<html><body><p>hi</p></body></html>"), 11, "not a performance"),
])
def test_bad_input_one_line_and_exit_code(tmp_path, make, code, words):
    r = run("extract", make(tmp_path))
    err = r.stderr.decode()
    assert r.returncode == code, err
    assert r.stdout == b""
    assert err.count("\n") == 1 and "Traceback" not in err and words in err


def _write(path, data):
    path.write_bytes(data)
    return path


def test_version_help_schema():
    assert run("--version").stdout.decode().startswith("docparse, version")
    help_text = run("--help").stdout.decode()
    assert "extract" in help_text and "batch" in help_text and "Examples" in help_text
    schema = json.loads(run("schema").stdout)
    assert "finance" in schema["properties"]


def test_check_exit_code_and_table():
    r = run("check", SEED)
    out = r.stdout.decode()
    assert r.returncode == 1
    assert "expenditure.basic_split" in out and "425.3586876" in out and "425.3587356" in out
    assert "narrative.three_public" in out


def test_python_api_errors_are_docparse_errors(tmp_path):
    import docparse

    with pytest.raises(docparse.DocparseError):
        docparse.extract(tmp_path / "nope.pdf")
    with pytest.raises(docparse.UnsupportedFormat):
        docparse.extract(b"\xff\xd8\xff\xe0 jpeg")
