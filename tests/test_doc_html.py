"""Legacy .doc (via LibreOffice) and HTML report pages → the neutral document.

The HTML tests run on inline pages. The parity tests compare a .doc or an
HTML page with the .docx it was made from: same table cells row by row, same
paragraphs (compared by ``fold``). Each .doc is converted once per module.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
from pathlib import Path

import pytest

import docparse
from docparse.document import Paragraph, Table
from docparse.errors import ConversionFailed, ConverterMissing, CorruptFile, LimitExceeded
from docparse.limits import DEFAULT, Limits
from docparse.readers import doc as doc_reader
from docparse.readers import soffice
from docparse.readers.html import decode, read_html
from docparse.readers.sniff import sniff
from docparse.text import fold

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "golden"
CORPUS = ROOT.parent / "shared" / "corpus"
SEED = "seed-yueyang-veterans-2022"


def html(body: str, head: str = "") -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode("utf-8")


def paras(doc) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


def tables(doc) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table)]


def shape(doc):
    """(tables as rows of folded cell texts, folded non-empty paragraph texts)."""
    ts = [[[fold(c.text) for c in row] for row in t.rows()] for _, t in doc.tables()]
    ps = [fold(b.text) for b in doc.blocks if isinstance(b, Paragraph) and fold(b.text)]
    return ts, ps


def need_soffice():
    try:
        doc_reader.find_soffice()
    except ConverterMissing:
        pytest.skip("LibreOffice (soffice) not installed")


# -- HTML: grid ----------------------------------------------------------------

def test_rowspan_colspan_grid():
    page = html("""<table border=1>
      <tr><th rowspan=2>机构名称</th><th rowspan="2">收入合计</th><th colspan=2>其中：</th></tr>
      <tr><td>上年结转</td><td>财政拨款</td></tr>
      <tr><td>局机关</td><td>9.5</td><td>1</td><td>8.5</td></tr>
      <tr><td colspan=3>合计</td><td rowspan=5>x</td></tr>
    </table>""")
    (t,) = tables(read_html(page, DEFAULT))
    assert (t.n_rows, t.n_cols) == (4, 4)
    got = [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in t.cells]
    assert got == [
        (0, 0, 2, 1, "机构名称"), (0, 1, 2, 1, "收入合计"), (0, 2, 1, 2, "其中："),
        (1, 2, 1, 1, "上年结转"), (1, 3, 1, 1, "财政拨款"),
        (2, 0, 1, 1, "局机关"), (2, 1, 1, 1, "9.5"), (2, 2, 1, 1, "1"), (2, 3, 1, 1, "8.5"),
        (3, 0, 1, 3, "合计"), (3, 3, 1, 1, "x"),  # rowspan clamped to the table
    ]
    # The same semantics as the docx reader: a merged cell is listed in every row it spans.
    assert [c.text for c in t.rows()[1]] == ["机构名称", "收入合计", "上年结转", "财政拨款"]


def test_cell_lines_and_nested_table():
    page = html("""<table><tr><td>年度主要<br>工作内容</td><td><p>任务1</p><p>&nbsp;</p><p>任务2</p></td></tr>
      <tr><td>签字</td><td><table><tr><td>甲</td><td>乙</td></tr><tr><td>丙</td><td></td></tr></table></td></tr></table>""")
    (t,) = tables(read_html(page, DEFAULT))
    assert [c.text for c in t.cells] == ["年度主要\n工作内容", "任务1\n任务2", "签字", "甲\n乙\n丙\n"]


# -- HTML: text ----------------------------------------------------------------

def test_br_lines_headings_and_spaces():
    page = html("""<h1>报告</h1><h3>一、单位概况</h3><h5>小字</h5>
      <p>第一行<br>第二行<br/><br/>第三行</p><div>甲&nbsp;&nbsp;乙　丙<div>内层</div>尾</div>""")
    d = read_html(page, DEFAULT)
    assert paras(d) == ["报告", "一、单位概况", "小字", "第一行", "第二行", "第三行", "甲  乙 丙", "内层", "尾"]
    levels = [b.outline_level for b in d.blocks]
    assert levels[:3] == [1, 3, None] and set(levels[3:]) == {None}
    assert d.format == "html"


def test_chrome_dropped():
    page = html("""
      <script>document.write("来源：脚本");</script><style>p{color:red}</style>
      <div id="header"><div class="logo">某县人民政府门户网站</div></div>
      <nav><a href="/">首页</a></nav>
      <div class="main-menu"><ul><li><a href="/a">政务公开</a></li><li><a href="/b">办事服务</a></li></ul></div>
      <ul><li><a href="/c">机构概况</a></li><li><a href="/d">领导信息</a></li></ul>
      <table><tr><td><a href="/">首页</a></td><td>|</td><td><a href="/e">政务公开</a></td></tr></table>
      <div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/x">绩效评价</a></div>
      <div class="crumbs"><a href="/">首页</a> / 政务公开</div>
      <h1>某局2022年度部门整体支出绩效自评报告</h1>
      <div class="info">来源：某局&nbsp;&nbsp;发布时间：2023-05-10&nbsp;&nbsp;浏览量：<span>128</span></div>
      <p>浏览次数：99</p>
      <div style="display:none">索引号：0001</div>
      <p>一、单位概况</p><p>本局设有内设机构5个。资金来源：财政拨款。</p>
      <table><tr><td><a href="javascript:print()">【打印】</a></td><td><a href="javascript:close()">【关闭】</a></td></tr></table>
      <div class="bdshare">分享到：<a href="#">微信</a></div>
      <p>【打印本页】【关闭窗口】</p>
      <footer>版权所有 某县人民政府</footer>
      <div id="foot-copyright">主办：某县政府办 湘ICP备000号</div>
      <p>湘公网安备 430000号 网站标识码：430001</p>""")
    d = read_html(page, DEFAULT)
    assert paras(d) == ["某局2022年度部门整体支出绩效自评报告", "一、单位概况", "本局设有内设机构5个。资金来源：财政拨款。"]
    assert not tables(d)


def test_layout_wrapper_unwrapped():
    form = "<table border=1><tr><td>项目</td><td>金额</td></tr><tr><td>收入</td><td>10</td></tr></table>"
    # A single cell wrapping the page, and inside it a two-column layout with a sidebar.
    page = html(f"""<table width=1000><tr><td>
      <table><tr><td class="left-sidebar"><a href="/1">部门整体支出</a></td>
        <td><h2>自评报告</h2>{form}<p>一、单位概况</p></td></tr></table>
    </td></tr></table>""")
    d = read_html(page, DEFAULT)
    assert [type(b).__name__ for b in d.blocks] == ["Paragraph", "Table", "Paragraph"]
    (t,) = tables(d)
    assert [c.text for c in t.cells] == ["项目", "金额", "收入", "10"]
    assert paras(d) == ["自评报告", "一、单位概况"]


def test_form_with_small_subtable_is_not_layout():
    rows = "".join(f"<tr><td>指标{i}</td><td>{i}%</td><td>完成</td></tr>" for i in range(8))
    sub = "<table><tr><td>甲</td><td>乙</td></tr><tr><td>丙</td><td>丁</td></tr></table>"
    page = html(f"<table>{rows}<tr><td>评价人员</td><td colspan=2>{sub}</td></tr></table>")
    (t,) = tables(read_html(page, DEFAULT))
    assert t.n_rows == 9 and t.cells[-1].text == "甲\n乙\n丙\n丁"


# -- HTML: character set -------------------------------------------------------

def test_gbk_meta_http_equiv():
    # 镕 and 喆 are GBK, not GB2312: a "gb2312" page must still read them.
    body = "<p>朱镕基、陶喆：部门整体支出绩效自评报告</p>"
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            f"</head><body>{body}</body></html>").encode("gbk")
    text, enc, warnings = decode(page)
    assert enc == "gb18030" and not warnings
    assert paras(read_html(page, DEFAULT)) == ["朱镕基、陶喆：部门整体支出绩效自评报告"]


@pytest.mark.parametrize("head,encoding", [
    ('<meta charset="GBK">', "gbk"),
    ("", "gbk"),  # no declaration: not UTF-8, so GB18030
    ("", "utf-8"),
    ('<meta charset="gb2312">', "utf-8"),  # re-encoded page with a stale meta tag
    ('<meta charset="utf-8">', "utf-8-sig"),
])
def test_charset_detection(head, encoding):
    page = f"<html><head>{head}</head><body><p>绩效自评报告　一、</p></body></html>".encode(encoding)
    assert paras(read_html(page, DEFAULT)) == ["绩效自评报告 一、"]


def test_broken_html_is_a_docparse_error():
    with pytest.raises(CorruptFile):
        read_html(b"   \r\n ", DEFAULT)
    # Garbage after a marker: recovered, never an lxml exception.
    d = read_html(b"<html><body><p>\xff\xfe\x00<table><tr><td rowspan=99999999 colspan=-3>x", DEFAULT)
    assert isinstance(d.blocks, list)


# -- format detection ------------------------------------------------------------

def test_html_saved_as_doc_is_sniffed_as_html(tmp_path):
    page = ('<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
            '<meta name=ProgId content=Word.Document></head><body>'
            "<p class=MsoNormal>部门整体支出绩效自评报告<o:p></o:p></p></body></html>").encode("gbk")
    path = tmp_path / "report.doc"
    path.write_bytes(page)
    assert sniff(page) == "html"
    d = docparse.read_document(path)
    assert d.format == "html" and paras(d) == ["部门整体支出绩效自评报告"]


def test_rtf_goes_to_the_doc_reader():
    assert sniff(b"{\\rtf1\\ansi hello}") == "doc"


# -- .doc: converter missing, failing, hanging -------------------------------------

def test_converter_missing_says_how_to_install(monkeypatch):
    monkeypatch.delenv("DOCPARSE_SOFFICE", raising=False)
    monkeypatch.setattr(soffice.shutil, "which", lambda name: None)
    with pytest.raises(ConverterMissing) as e:
        doc_reader.read_doc(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, DEFAULT)
    msg = str(e.value)
    assert "apt-get install libreoffice-writer-nogui" in msg and "\n" not in msg
    assert e.value.exit_code != 0


def test_converter_env_var_not_executable(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCPARSE_SOFFICE", str(tmp_path / "no-such-soffice"))
    with pytest.raises(ConverterMissing, match="libreoffice-writer-nogui"):
        doc_reader.find_soffice()


def _fake_soffice(tmp_path: Path, script: str) -> str:
    path = tmp_path / "soffice"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def _alive_in_group(pgid: int) -> list[int]:
    """Pids of live (non-zombie) processes in a process group."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            out.append(int(entry))
    return out


@contextlib.contextmanager
def watch_conversions():
    """Record the process groups and temp dirs the doc reader creates."""
    seen = {"pgids": [], "dirs": []}
    real_popen, real_workdir = subprocess.Popen, soffice.WorkDir

    def popen(*a, **kw):
        p = real_popen(*a, **kw)
        seen["pgids"].append(p.pid)  # start_new_session: the pid is the group id
        return p

    def workdir():
        w = real_workdir()
        seen["dirs"].append(str(w.path))
        return w

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(soffice.subprocess, "Popen", popen)
        mp.setattr(soffice, "WorkDir", workdir)
        yield seen


def test_conversion_failure_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCPARSE_SOFFICE", _fake_soffice(tmp_path, 'echo "Error: source file could not be loaded" >&2\nexit 1\n'))
    with pytest.raises(ConversionFailed, match="could not be loaded"):
        doc_reader.read_doc(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, DEFAULT)


def test_timeout_kills_the_whole_process_group(monkeypatch, tmp_path):
    # A launcher that leaves a helper behind, like oosplash → soffice.bin.
    monkeypatch.setenv("DOCPARSE_SOFFICE", _fake_soffice(tmp_path, "sleep 60 &\nsleep 60\n"))
    with watch_conversions() as seen:
        with pytest.raises(LimitExceeded, match="max_seconds"):
            doc_reader.read_doc(b"{\\rtf1 x}", Limits(max_seconds=1))
    assert len(seen["pgids"]) == 1 and not _alive_in_group(seen["pgids"][0])
    assert seen["dirs"] and not any(os.path.exists(d) for d in seen["dirs"])


# -- .doc and HTML parity with the .docx -----------------------------------------------

@pytest.fixture(scope="module")
def corpus_seed():
    doc, docx = CORPUS / f"{SEED}.doc", CORPUS / f"{SEED}.docx"
    if not (doc.exists() and docx.exists()):
        pytest.skip(f"corpus seed not found in {CORPUS}")
    need_soffice()
    with watch_conversions() as seen:
        converted = docparse.read_document(doc)
    return converted, docparse.read_document(docx), seen


def golden_cases(ext: str) -> list[str]:
    return sorted(p.stem for p in GOLDEN.glob(f"*.{ext}") if (GOLDEN / f"{p.stem}.docx").exists())


@pytest.fixture(scope="module")
def golden_docs():
    cases = golden_cases("doc")
    if not cases:
        pytest.skip("no golden/*.doc yet (python -m golden.web)")
    need_soffice()
    return {c: docparse.read_document(GOLDEN / f"{c}.doc") for c in cases}


def test_corpus_seed_doc_matches_docx(corpus_seed):
    converted, docx, _ = corpus_seed
    assert converted.format == "doc"
    assert shape(converted) == shape(docx)


def test_conversion_leaves_nothing_behind(corpus_seed):
    _, _, seen = corpus_seed
    assert seen["pgids"], "LibreOffice was not started"
    for pgid in seen["pgids"]:
        assert not _alive_in_group(pgid), f"LibreOffice process group {pgid} still running"
    assert seen["dirs"] and not any(os.path.exists(d) for d in seen["dirs"])


def test_golden_doc_matches_docx(golden_docs):
    for case, converted in golden_docs.items():
        assert converted.format == "doc"
        assert shape(converted) == shape(docparse.read_document(GOLDEN / f"{case}.docx")), case


@pytest.mark.parametrize("case", golden_cases("html") or [pytest.param("none", marks=pytest.mark.skip("no golden/*.html yet"))])
def test_golden_html_matches_docx(case):
    data = (GOLDEN / f"{case}.html").read_bytes()
    assert b"charset=gb2312" in data[:2048]
    page = docparse.read_document(GOLDEN / f"{case}.html")
    docx = docparse.read_document(GOLDEN / f"{case}.docx")
    assert page.format == "html"
    t_page, p_page = shape(page)
    t_docx, p_docx = shape(docx)
    assert t_page == t_docx
    # The page shows its title above the report (as CMSs do): one extra first paragraph.
    assert p_page[1:] == p_docx and p_page[0] in p_docx
    assert [b.outline_level for b in page.blocks if isinstance(b, Paragraph)][1:] == \
        [b.outline_level for b in docx.blocks if isinstance(b, Paragraph) and fold(b.text)]
