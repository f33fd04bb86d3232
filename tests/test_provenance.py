"""Provenance: every value's JSON pointer leads back to where it was printed."""

import random
from pathlib import Path

import pytest

import docparse
from docparse.text import fold

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def _resolve(doc, pointer):
    node = doc
    for part in pointer.strip("/").split("/"):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _short_values(report):
    dump = report.model_dump(mode="json")
    for pointer in sorted(report.provenance):
        value = _resolve(dump, pointer)
        if pointer.endswith("report_date") or value is None:
            continue  # a date is normalised to ISO; it is not printed that way
        text = str(value)
        if len(text) <= 40:
            yield pointer, text


@pytest.mark.parametrize("case", ["seed-yueyang-2022", "health-2021", "education-2019"])
def test_pdf_provenance_points_at_the_printed_text(case):
    pdfium = pytest.importorskip("pypdfium2")
    path = GOLDEN / f"{case}.pdf"
    report = docparse.extract(path, provenance=True)
    values = list(_short_values(report))
    assert len(values) >= 20
    pdf = pdfium.PdfDocument(str(path))
    try:
        for pointer, text in random.Random(7).sample(values, 20):
            o = report.provenance[pointer]
            assert o.page is not None and o.bbox is not None, pointer
            page = pdf[o.page - 1]
            height = page.get_height()
            x0, top, x1, bottom = o.bbox
            printed = page.get_textpage().get_text_bounded(x0 - 1, height - bottom - 1, x1 + 1, height - top + 1)
            assert fold(text) in fold(printed), (pointer, text, printed[:80])
    finally:
        pdf.close()


def test_docx_provenance_points_at_the_cell():
    path = GOLDEN / "seed-yueyang-2022.docx"
    report = docparse.extract(path, provenance=True)
    doc = docparse.read_document(path)
    for pointer, text in _short_values(report):
        o = report.provenance[pointer]
        block = doc.blocks[o.block]
        if o.table is None:
            cell_text = block.text
        else:
            cell_text = block.grid()[o.row][o.col].text
        assert fold(text) in fold(cell_text), (pointer, text, cell_text[:60])
