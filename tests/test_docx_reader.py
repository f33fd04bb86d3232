"""The docx reader: grid with spans, numbering, nesting, text."""

import pytest

from docparse import read_document
from docparse.document import Paragraph, Table
from docparse.errors import CorruptFile, UnsupportedFormat
from docparse.readers.numbering import format_number
from minidocx import docx, p, tbl, tc


def test_merged_cells_are_one_cell_with_spans():
    body = tbl([
        [tc("机构名称", vmerge="restart"), tc("收入合计", vmerge="restart"), tc("其中：", span=2)],
        [tc(vmerge="continue"), tc(vmerge="continue"), tc("上年结转"), tc("公共财\n\n政拨款")],
        [tc("1、局机关"), tc("10.5"), tc(""), tc("10.5")],
    ], ncols=4)
    doc = read_document(docx(body))
    (t,) = doc.blocks
    assert isinstance(t, Table) and (t.n_rows, t.n_cols) == (3, 4)
    g = t.grid()
    assert g[0][0] is g[1][0] and g[0][0].rowspan == 2 and g[0][0].text == "机构名称"
    assert g[0][2] is g[0][3] and g[0][2].colspan == 2
    assert g[1][3].text == "公共财\n\n政拨款"  # the cell's paragraphs, blank one kept
    assert [c.text for c in t.rows()[2]] == ["1、局机关", "10.5", "", "10.5"]
    assert len(t.cells) == 3 + 2 + 4  # merged continuations are not new cells


def test_grid_before_and_nested_table():
    inner = tbl([[tc("a"), tc("b")]], 2)
    body = tbl([
        ['<w:trPr><w:gridBefore w:val="1"/></w:trPr>', tc("x")],
        [tc("y"), tc(body=p("outer") + inner)],
    ], ncols=2)
    (t,) = read_document(docx(body)).blocks
    assert t.grid()[0][0] is None and t.grid()[0][1].text == "x"
    assert t.grid()[1][1].text == "outer\na\nb"


NUMBERING = """
<w:abstractNum w:abstractNumId="0">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
"""


def _num(ilvl):
    return f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="1"/></w:numPr>'


def test_word_auto_numbering_is_rendered():
    body = "".join([
        p("单位概况", _num(0)), p("正文"), p("基本支出", _num(1)), p("专项支出", _num(1)),
        p("安排", _num(2)), p("使用", _num(2)), p("整体支出管理及使用情况", _num(0)), p("基本支出", _num(1)),
    ])
    texts = [(b.text, b.numbered) for b in read_document(docx(body, numbering=NUMBERING)).blocks]
    assert texts == [
        ("一、单位概况", True), ("正文", False), ("（一）基本支出", True), ("（二）专项支出", True),
        ("1.安排", True), ("2.使用", True), ("二、整体支出管理及使用情况", True), ("（一）基本支出", True),
    ]


def test_numbering_from_style_and_heading_level():
    styles = """<w:style w:type="paragraph" w:styleId="H1"><w:name w:val="heading 1"/>
      <w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style>"""
    (para,) = read_document(docx(p("绩效评价工作情况", '<w:pStyle w:val="H1"/>'), NUMBERING, styles)).blocks
    assert isinstance(para, Paragraph)
    assert para.text == "一、绩效评价工作情况" and para.outline_level == 1 and para.style == "heading 1"


@pytest.mark.parametrize("n, fmt, out", [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (12, "chineseCountingThousand", "十二"),
    (21, "chineseCounting", "二十一"), (3, "decimalEnclosedCircle", "③"), (4, "upperRoman", "IV"),
    (2, "lowerLetter", "b"), (7, "decimalFullWidth", "７"), (10, "ideographDigital", "一〇"),
])
def test_format_number(n, fmt, out):
    assert format_number(n, fmt) == out


def test_line_breaks_split_body_paragraphs():
    body = '<w:p><w:r><w:t>报告标题</w:t><w:br/><w:t>单位概况</w:t></w:r></w:p>'
    assert [b.text for b in read_document(docx(body)).blocks] == ["报告标题", "单位概况"]


def test_deleted_text_and_fallback_are_not_read():
    body = ('<w:p xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:r><w:t>keep</w:t></w:r>'
            '<w:del><w:r><w:delText>gone</w:delText></w:r></w:del>'
            '<mc:AlternateContent><mc:Choice Requires="wps"><w:r><w:t>A</w:t></w:r></mc:Choice>'
            '<mc:Fallback><w:r><w:t>A</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>')
    assert read_document(docx(body)).blocks[0].text == "keepA"


def test_not_a_docx():
    with pytest.raises(UnsupportedFormat):
        read_document(b"just some text, renamed .docx")
    with pytest.raises(CorruptFile):
        read_document(docx(p("x"))[:200])


def test_content_controls_are_read_through():
    sdt = f'<w:sdt><w:sdtPr/><w:sdtContent>{p("inside")}</w:sdtContent></w:sdt>'
    body = tbl([[tc(body=p("before") + sdt + p("after"))]], 1) + f"<w:sdt><w:sdtContent>{p('body sdt')}</w:sdtContent></w:sdt>"
    t, para = read_document(docx(body)).blocks
    assert t.cells[0].text == "before\ninside\nafter" and para.text == "body sdt"


@pytest.mark.parametrize("filler_at", ["before", "after"])
def test_styles_found_wherever_they_sit_in_a_large_styles_part(filler_at):
    # styles.xml is inflated only as far as the wanted definitions: one past the
    # first inflated pieces, and one before a long tail, must both be found.
    filler = "".join(f'<w:style w:type="character" w:styleId="C{i}"><w:name w:val="c{i}"/></w:style>'
                     for i in range(6000))
    h2 = """<w:style w:type="paragraph" w:styleId="H2"><w:name w:val="heading 2"/><w:basedOn w:val="Base"/></w:style>
      <w:style w:type="paragraph" w:styleId="Base"><w:name w:val="base"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>"""
    styles = filler + h2 if filler_at == "before" else h2 + filler
    (para,) = read_document(docx(p("项目情况", '<w:pStyle w:val="H2"/>'), styles=styles)).blocks
    assert para.style == "heading 2" and para.outline_level == 2


def test_duplicate_style_ids_first_wins():
    styles = """<w:style w:type="paragraph" w:styleId="H"><w:name w:val="first"/></w:style>
      <w:style w:type="paragraph" w:styleId="H"><w:name w:val="second"/></w:style>"""
    (para,) = read_document(docx(p("x", '<w:pStyle w:val="H"/>'), styles=styles)).blocks
    assert para.style == "first"


def test_text_box_text_joins_its_paragraph_and_moved_from_text_is_dropped():
    # A text box (with a table in it) sits in a run: its text is part of the
    # paragraph, as Word's own text is; its table is not a table of the body.
    box = ('<w:r><w:pict><w:txbxContent>' + p("框内") + tbl([[tc("格")]], 1)
           + '</w:txbxContent></w:pict></w:r>')
    body = (f'<w:p><w:r><w:t>前</w:t></w:r>{box}<w:r><w:t>后</w:t></w:r></w:p>'
            f'<w:moveFrom>{p("旧位置")}</w:moveFrom>' + p("正文")
            + tbl([[tc(body=f'<w:p><w:r><w:t>甲</w:t></w:r>{box}</w:p>')]], 1))
    blocks = read_document(docx(body)).blocks
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == ["前框内格后", "正文"]
    (t,) = [b for b in blocks if isinstance(b, Table)]
    assert t.n_rows == 1 and t.cells[0].text == "甲框内格"


def test_paragraph_properties_are_its_own_not_a_tracked_change():
    styles = """<w:style w:type="paragraph" w:styleId="H1"><w:name w:val="heading 1"/></w:style>
      <w:style w:type="paragraph" w:styleId="Old"><w:name w:val="old"/></w:style>"""
    ppr = '<w:pStyle w:val="H1"/><w:pPrChange><w:pPr><w:pStyle w:val="Old"/></w:pPr></w:pPrChange>'
    (para,) = read_document(docx(p("标题", ppr), styles=styles)).blocks
    assert para.style == "heading 1"
