"""Small CLI items: check reads stdin, check --warnings, extract --help lists the templates,
the batch summary names failed inputs and warns about an empty folder."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from docparse.cli import main

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "golden" / "small-unit-2023.docx"


def test_check_reads_stdin_and_prints_warnings_as_a_table():
    r = CliRunner().invoke(main, ["check", "--warnings", "-"], input=SMALL.read_bytes())
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].startswith("-: 平江县档案馆 2023")
    assert lines[1].split() == ["code", "where", "message"]
    assert "overview.empty" in lines[2] and "table 0 row 5" in lines[2]


def test_extract_help_lists_the_template_names():
    from docparse.engine.spec import load_specs

    r = CliRunner().invoke(main, ["extract", "--help"])
    assert r.exit_code == 0 and "Templates (--template NAME)" in r.output
    for s in load_specs():
        assert s.name in r.output


def test_batch_summary_names_failed_inputs_and_empty_folders(tmp_path):
    from docparse.batch import run_batch

    (tmp_path / "in").mkdir()
    (tmp_path / "empty").mkdir()
    (tmp_path / "in" / "broken.docx").write_bytes(b"PK\x03\x04garbage")
    (tmp_path / "in" / "ok.docx").write_bytes(SMALL.read_bytes())
    s = run_batch([str(tmp_path / "in"), str(tmp_path / "empty")], str(tmp_path / "out"), jobs=1, progress=False)
    text = s.format()
    assert f"failed: {tmp_path / 'in' / 'broken.docx'}: corrupt:" in text
    assert f"warning: {tmp_path / 'empty'}: no files in this folder" in text
    rows = (tmp_path / "out" / "failures.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "input,code,message" and rows[1].startswith(f"{tmp_path / 'in' / 'broken.docx'},corrupt,")
