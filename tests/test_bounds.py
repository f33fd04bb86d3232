"""Inputs at the edges of the limits: read within the time and memory bounds,
or refused early by a named limit. The inputs are made here (fuzz/samples.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import docparse  # noqa: E402
from docparse.limits import DEFAULT  # noqa: E402
from docparse.readers.docx import read_docx  # noqa: E402
from docparse.readers.html import read_html  # noqa: E402
from minidocx import docx, p  # noqa: E402

BIG_TEXT = "年" * (7 * 1024 * 1024)  # 21 MB of UTF-8 in one text node: over libxml2's 10 MB, under max_xml_bytes


def test_docx_text_node_over_10mb_is_read_not_called_corrupt():
    doc = read_docx(docx(p("标题") + p(BIG_TEXT) + p("结尾")), DEFAULT)
    assert [len(b.text) for b in doc.blocks] == [2, len(BIG_TEXT), 2]


def test_html_text_node_over_10mb_does_not_drop_what_follows():
    page = f"<html><body><p>{BIG_TEXT}</p><table><tr><td>甲</td><td>1.00</td></tr></table><p>结尾</p></body></html>"
    doc = read_html(page.encode("utf-8"), DEFAULT)
    assert len(doc.blocks) == 3 and doc.blocks[-1].text == "结尾"


def test_part_over_max_xml_bytes_is_still_refused_by_that_limit():
    with pytest.raises(docparse.LimitExceeded, match="max_xml_bytes"):
        read_docx(docx(p("年" * (9 * 1024 * 1024))), DEFAULT)


# --- refused early by a named limit (the probe's files; bench/bounds.py measures them) ----------

from fuzz import samples  # noqa: E402


@pytest.mark.parametrize("case, limit", [
    ("docx-3.3m-empty-tc", "max_cells"),  # 92 KB, was 19.5 s and 1.5 GB
    ("docx-490k-vmerge", "max_cells"),  # was 723 MB
    ("html-23mb", "max_cells"),  # 23 MB of plain tables, was 39 s and 1.64 GB
    ("pdf-2000x9000", "max_segments"),  # 508 KB, was 2.67 GB and 122 s
    ("html-rowspan-65535", None),  # read (not a report), was refused after 575 MB
    ("docx-3m-empty-p", "max_paragraphs"),  # 26 KB, was 1.7 GB
])
def test_huge_layouts_stay_under_1gb_or_are_refused_by_a_named_limit(case, limit):
    """Each in a fresh process (its peak is its own); time is measured in bench/bounds.py, not here."""
    from bench.bounds import run

    res = run(case)
    assert res.get("limit") == limit, res
    assert res["peak_mb"] is None or res["peak_mb"] < 1024, res


def test_cell_and_segment_limits_are_overridable():
    data = samples.vmerge_docx(3000)
    with pytest.raises(docparse.LimitExceeded, match="max_cells"):
        docparse.extract(data, filename="x.docx", limits=docparse.Limits(max_cells=1000))
    with pytest.raises(docparse.ExtractionError):  # read, and found not to be a report
        docparse.extract(data, filename="x.docx", limits=docparse.Limits(max_cells=5000))
    with pytest.raises(docparse.LimitExceeded, match="max_segments"):
        docparse.extract(samples.ruled_pages_pdf(3, 450), filename="x.pdf", limits=docparse.Limits(max_segments=1000))


def test_long_paragraph_text_is_joined_as_line_by_line():
    """paragraph_text joins in linear time (a paragraph can run over many pages) with join_lines' rules."""
    from types import SimpleNamespace

    from docparse.readers.pdf.text import join_lines, paragraph_text

    texts = ["预算执行率", "100%，资金 12", "3.45万元", "", "and more", "words", "186.45230", "0"]
    lines = [SimpleNamespace(text=t) for t in texts]  # paragraph_text reads only the text
    expected = texts[0]
    for t in texts[1:]:
        expected = join_lines(expected, t)
    assert paragraph_text(lines) == expected == "预算执行率100%，资金 123.45万元and more words 186.452300"


def test_cell_and_segment_limits_on_the_command_line(tmp_path):
    import subprocess

    for name, opt in (("health-2021.docx", "--max-cells"), ("health-2021.pdf", "--max-segments")):
        p = subprocess.run([sys.executable, "-m", "docparse.cli", "extract", opt, "10", str(ROOT / "golden" / name)],
                           capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert p.returncode == docparse.LimitExceeded.exit_code, p.stderr
        assert opt[2:].replace("-", "_") in p.stderr and len(p.stderr.splitlines()) == 1
