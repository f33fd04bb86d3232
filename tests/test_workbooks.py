"""Workbooks (.xlsx, .xls): the reader's cells, and hostile workbooks bounded by the limits.

Inputs are written here as raw SpreadsheetML parts, so each test shows the
stored values it is about.
"""

from __future__ import annotations

import io
import time
import zipfile
from decimal import Decimal

import pytest

import docparse
from docparse.errors import CorruptFile, EncryptedFile, LimitExceeded
from docparse.readers.sniff import sniff
from docparse.readers.xlsx import number_text

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def workbook(sheets: dict[str, str], *, styles: str = "", shared: list[str] | None = None, hidden=(),
             extra: dict[str, bytes] | None = None) -> bytes:
    """sheets: name → the <sheetData>… inner XML (plus <mergeCells> if wanted)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                                          'package/2006/content-types"/>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                                  'package/2006/relationships"><Relationship Id="rId1" Type="x" '
                                  'Target="xl/workbook.xml"/></Relationships>')
        entries = "".join(f'<sheet name="{n}" sheetId="{i + 1}" r:id="rId{i + 1}"'
                          f'{" state=" + chr(34) + "hidden" + chr(34) if n in hidden else ""}/>'
                          for i, n in enumerate(sheets))
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook {NS} {RNS}><sheets>{entries}</sheets></workbook>')
        rels = "".join(f'<Relationship Id="rId{i + 1}" Type="ws" Target="worksheets/sheet{i + 1}.xml"/>'
                       for i in range(len(sheets)))
        rels += '<Relationship Id="rS" Type="styles" Target="styles.xml"/>'
        if shared is not None:
            rels += '<Relationship Id="rT" Type="sharedStrings" Target="sharedStrings.xml"/>'
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                                                 f'openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
        z.writestr("xl/styles.xml", f'<?xml version="1.0"?><styleSheet {NS}>{styles}</styleSheet>')
        if shared is not None:
            sis = "".join(f"<si>{s}</si>" for s in shared)
            z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst {NS}>{sis}</sst>')
        for i, body in enumerate(sheets.values()):
            part = body if body.startswith("<?xml") else f'<?xml version="1.0"?><worksheet {NS}>{body}</worksheet>'
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml", part)
        for name, blob in (extra or {}).items():
            z.writestr(name, blob)
    return buf.getvalue()


PCT = ('<numFmts count="1"><numFmt numFmtId="164" formatCode="0.00%"/></numFmts>'
       '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs>')


def cells(doc):
    return {(c.row, c.col): c for c in doc.blocks[0].cells}


def test_stored_numbers_become_their_decimal_rounded_to_15_significant_digits():
    assert number_text("0.30000000000000004") == "0.3"
    assert number_text("89.974000000000004") == "89.974"
    assert number_text("193.83") == "193.83"
    assert number_text("10") == "10" and number_text("1E-3") == "0.001" and number_text("1.5E+20") == "150000000000000000000"
    assert number_text("0") == "0"


def test_cells_as_the_contract_reads_them():
    data = workbook({"项目1": '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>0.30000000000000004</v></c>'
                              '<c r="C1" s="1"><v>0.99970000000000003</v></c><c r="D1" s="2"><v>44927</v></c>'
                              '<c r="E1" t="inlineStr"><is><t>内联</t></is></c><c r="F1"><f>SUM(B1)</f></c>'
                              '<c r="G1"><f>B1*2</f><v>0.6</v></c></row></sheetData>'
                              '<mergeCells><mergeCell ref="A2:C3"/></mergeCells>'},
                    styles=PCT, shared=['<r><t>项目</t></r><r><t>名称</t></r><rPh><t>こう</t></rPh>'])
    assert sniff(data) == "xlsx"
    doc = docparse.read_document(data)
    t = doc.blocks[0]
    assert t.sheet == "项目1" and not t.hidden
    got = cells(doc)
    assert [got[0, k].text for k in range(7)] == ["项目名称", "0.3", "99.97%", "2023-01-01", "内联", "", "0.6"]
    assert got[0, 2].raw == "0.99970000000000003" and got[0, 2].number_format == "0.00%"
    assert got[0, 6].formula and got[0, 5].formula
    assert [(w.code, w.location) for w in doc.warnings] == [("xlsx.formula_without_value", "sheet 项目1 row 0 col 5")]


def test_merges_become_spans_and_a_merge_over_the_whole_sheet_is_clipped_to_its_values():
    data = workbook({"s": '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>标题</t></is></c></row>'
                          '<row r="2"><c r="B2"><v>1</v></c></row></sheetData>'
                          '<mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>'})
    t = docparse.read_document(data).blocks[0]
    assert (t.n_rows, t.n_cols) == (2, 2)
    assert [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in t.cells] == [(0, 0, 2, 2, "标题")]


def test_a_hidden_sheet_is_marked_and_sheets_without_values_are_left_out():
    data = workbook({"表": '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>', "空": "<sheetData/>",
                     "参数": '<sheetData><row r="1"><c r="A1"><v>2</v></c></row></sheetData>'}, hidden=("参数",))
    doc = docparse.read_document(data)
    assert [(t.sheet, t.hidden) for t in doc.blocks] == [("表", False), ("参数", True)]


def test_a_workbook_of_forms_reads_like_its_docx_twin_and_names_the_sheet_of_a_check():
    from golden.forms import project_form
    from golden.synth.workbook import document_xlsx

    r = docparse.extract(document_xlsx(project_form(total=("100", "121", "114"))), filename="x.xlsx")
    assert r.source.format == "xlsx" and r.projects[0].name == "道路维修项目"
    assert r.projects[0].budget_execution[0].full_year_budget == Decimal("121")
    bad = [c for c in r.checks if not c.ok]
    assert bad and all(c.location.startswith("sheet 项目1, ") for c in bad)


def test_a_zip_bomb_in_the_shared_strings_is_refused_by_a_named_limit():
    data = workbook({"s": '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>'},
                    shared=["<t>" + "x" * (30 * 1024 * 1024) + "</t>"])
    assert len(data) < 200_000
    with pytest.raises(LimitExceeded, match="max_xml_bytes"):
        docparse.read_document(data)


def test_a_sheet_of_a_million_rows_is_refused_early():
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 600_001))
    data = workbook({"s": f"<sheetData>{rows}</sheetData>"})
    t0 = time.monotonic()
    with pytest.raises(LimitExceeded):  # its part is over max_xml_bytes before its cells are counted
        docparse.read_document(data)
    assert time.monotonic() - t0 < 30


def test_16384_columns_are_refused_by_the_cell_limit():
    data = workbook({"s": '<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
                          '<row r="40"><c r="XFD40"><v>2</v></c></row></sheetData>'})
    with pytest.raises(LimitExceeded, match="max_cells_per_table"):
        docparse.read_document(data)


def test_a_doctype_in_any_part_is_refused():
    bad = workbook({"s": f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><worksheet {NS}><sheetData/></worksheet>'})
    with pytest.raises(CorruptFile, match="DOCTYPE"):
        docparse.read_document(bad)


def test_external_links_are_never_followed():
    data = workbook({"s": '<sheetData><row r="1"><c r="A1"><f>[1]Sheet1!A1</f><v>5</v></c></row></sheetData>'},
                    extra={"xl/externalLinks/_rels/externalLink1.xml.rels":
                           b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                           b'relationships"><Relationship Id="rId1" Type="x" Target="file:///etc/passwd" '
                           b'TargetMode="External"/></Relationships>'})
    assert cells(docparse.read_document(data))[0, 0].text == "5"  # the cached value; the link is never opened


def test_an_encrypted_workbook_is_an_encrypted_file():
    ole = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    ole += "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le")
    with pytest.raises(EncryptedFile):
        docparse.read_document(bytes(ole))


def test_a_damaged_xls_is_a_corrupt_file():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 100
    assert sniff(ole) == "xls"
    with pytest.raises(CorruptFile):
        docparse.read_document(ole)
