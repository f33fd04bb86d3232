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
