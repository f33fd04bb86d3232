"""Make the golden web pages and .doc copies from the golden .docx files.

    python -m golden.web            # golden/<case>.html for every golden/<case>.docx,
                                    # golden/<case>.doc for the seed case(s)
    python -m golden.web --force    # also remake .doc files that look up to date

Each page is written the way a county CMS publishes a report: GBK bytes with
a gb2312 meta tag, a navigation menu, a breadcrumb, the 来源/发布时间/浏览量
line, a share/print bar, a layout table with a sidebar, a footer with
版权所有/ICP, and the report itself as an HTML table (rowspan/colspan) and
<p> paragraphs. It is generated from the neutral Document of the .docx, so it
mirrors the .docx exactly: the reader must give the same table cells and
paragraphs, plus the page's displayed title as one extra first paragraph.

The .doc copies are LibreOffice's "MS Word 97" export of the .docx. They are
remade only when missing or older than the .docx (the bytes differ on every
export, so regenerating needlessly would churn the repository).
"""

from __future__ import annotations

import html
import subprocess
import sys
import tempfile
from pathlib import Path

from docparse import read_document
from docparse.document import Document, Paragraph, Table

HERE = Path(__file__).resolve().parent
DOC_PREFIXES = ("seed-",)  # cases that also get a .doc copy

HEAD = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<meta name="ArticleTitle" content="{title}" />
<meta name="ContentSource" content="岳阳县人民政府门户网站" />
<title>{title}_绩效评价_岳阳县人民政府门户网站</title>
<link rel="stylesheet" type="text/css" href="/images/style.css" />
<style type="text/css">
body {{ font-family: "宋体"; font-size: 12px; }}
.content table {{ border-collapse: collapse; }}
</style>
<script type="text/javascript" src="/js/jquery.min.js"></script>
<script type="text/javascript">
var siteName = "岳阳县人民政府门户网站";
function doZoom(size) {{ document.getElementById("zoom").style.fontSize = size + "px"; }}
</script>
</head>
<body>
<div class="header" id="header">
<div class="logo"><a href="/"><img src="/images/logo.png" alt="岳阳县人民政府门户网站" /></a></div>
<div class="top-links"><a href="/wza/">无障碍浏览</a> | <a href="/en/">English</a> | 2023年6月28日 星期三</div>
</div>
<div class="nav" id="nav">
<ul class="menu">
<li><a href="/">首页</a></li>
<li><a href="/zwgk/">政务公开</a></li>
<li><a href="/zwfw/">政务服务</a></li>
<li><a href="/hdjl/">互动交流</a></li>
<li><a href="/zjyy/">走进岳阳</a></li>
</ul>
</div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/jxpj/">绩效评价</a></div>
<table width="1000" border="0" cellspacing="0" cellpadding="0" align="center" class="main">
<tr>
<td width="220" valign="top" class="sidebar">
<div class="side-title">绩效评价</div>
<ul>
<li><a href="/zwgk/jxpj/bmzt/">部门整体支出</a></li>
<li><a href="/zwgk/jxpj/xmzc/">项目支出</a></li>
</ul>
</td>
<td width="780" valign="top">
<div class="article">
<div class="title">{title}</div>
<div class="info">来源：{source}&nbsp;&nbsp;&nbsp;&nbsp;发布时间：2023-06-28 09:30&nbsp;&nbsp;&nbsp;&nbsp;浏览量：<span id="hits">1287</span>&nbsp;&nbsp;&nbsp;&nbsp;【字体：<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>】</div>
<div style="display:none">索引号：430621-000-2023-0001 文号：无</div>
<div class="content" id="zoom">
"""

TAIL = """</div>
<div class="tools">
<div class="bdsharebuttonbox">分享到：<a href="#" class="bds_weixin">微信</a> <a href="#" class="bds_tsina">微博</a></div>
<p>【<a href="javascript:window.print()">打印本页</a>】 【<a href="javascript:window.close()">关闭窗口</a>】</p>
</div>
</div>
</td>
</tr>
</table>
<div class="footer" id="footer">
<p>主办：岳阳县人民政府办公室&nbsp;&nbsp;承办：岳阳县政务服务中心</p>
<p>版权所有：岳阳县人民政府&nbsp;&nbsp;湘ICP备05001234号&nbsp;&nbsp;网站标识码：4306210001</p>
<p>湘公网安备 43062102000123号</p>
</div>
<script type="text/javascript">document.getElementById("hits").innerHTML = "1288";</script>
</body>
</html>
"""


def _text(s: str) -> str:
    """Escaped text with the spacing a CMS editor keeps (&nbsp; for runs)."""
    out = []
    run = 0
    for ch in s.replace("\t", "    "):
        if ch == " ":
            run += 1
            continue
        if run:
            out.append(" " if run == 1 and out else "&nbsp;" * run)
            run = 0
        out.append(html.escape(ch, quote=False))
    if run:
        out.append("&nbsp;" * run)
    return "".join(out)


def _cell(text: str) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return _text(text)
    # Word-pasted cells keep one <p> per paragraph (blank ones as &nbsp;);
    # short multi-line labels come out of the editor as <br /> breaks.
    if all(len(ln) < 20 for ln in lines) and all(ln.strip() for ln in lines):
        return "<br />".join(_text(ln) for ln in lines)
    return "".join(f"<p>{_text(ln) or '&nbsp;'}</p>" for ln in lines)


def _table(t: Table) -> list[str]:
    out = ['<table border="1" cellspacing="0" cellpadding="0" width="100%" class="MsoNormalTable">', "<tbody>"]
    grid = t.grid()
    for r in range(t.n_rows):
        tds = []
        for k in range(t.n_cols):
            c = grid[r][k]
            if c is None:
                tds.append("<td></td>")  # a hole in the Word grid
            elif c.row == r and c.col == k:
                span = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
                tds.append(f'<td{span} valign="center">{_cell(c.text)}</td>')
        out.append("<tr>" + "".join(tds) + "</tr>")
    out += ["</tbody>", "</table>"]
    return out


def _title(doc: Document, case: str) -> str:
    for b in doc.blocks:
        if isinstance(b, Paragraph) and "报告" in b.text and len(b.text.strip()) <= 60:
            return b.text.strip()
    for b in doc.blocks:  # a file of forms: the first form's title
        if isinstance(b, Paragraph) and "自评表" in b.text and len(b.text.strip()) <= 60:
            return b.text.strip()
    return case


def render(doc: Document, case: str) -> str:
    title = _title(doc, case)
    source = title.split("20")[0] if "20" in title else "本站"
    body = []
    for b in doc.blocks:
        if isinstance(b, Table):
            body += _table(b)
        elif b.outline_level and b.outline_level <= 4:
            body.append(f"<h{b.outline_level}>{_text(b.text)}</h{b.outline_level}>")
        else:
            body.append(f'<p style="text-indent:2em;line-height:1.75">{_text(b.text)}</p>')
    return HEAD.format(title=html.escape(title), source=html.escape(source)) + "\n".join(body) + "\n" + TAIL


def write_html(docx: Path) -> Path:
    page = render(read_document(docx), docx.stem)
    out = docx.with_suffix(".html")
    # Characters outside GBK become numeric references, as CMSs do.
    out.write_bytes(page.encode("gbk", "xmlcharrefreplace"))
    return out


def write_doc(docx: Path, force: bool = False) -> Path | None:
    from docparse.readers.doc import find_soffice

    out = docx.with_suffix(".doc")
    if out.exists() and not force and out.stat().st_mtime >= docx.stat().st_mtime:
        return None
    soffice = find_soffice()
    with tempfile.TemporaryDirectory(prefix="golden-doc-") as tmp:
        profile = (Path(tmp) / "profile").as_uri()
        cmd = [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile}",
               "--convert-to", 'doc:MS Word 97', "--outdir", tmp, str(docx)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=180, start_new_session=True)
        made = Path(tmp) / f"{docx.stem}.doc"
        out.write_bytes(made.read_bytes())
    return out


def main(argv: list[str]) -> int:
    force = "--force" in argv
    cases = sorted(HERE.glob("*.docx"))
    if not cases:
        print("no golden/*.docx yet", file=sys.stderr)
        return 1
    for docx in cases:
        print(write_html(docx).relative_to(HERE.parent))
        if docx.stem.startswith(DOC_PREFIXES):
            made = write_doc(docx, force)
            print(made.relative_to(HERE.parent) if made else f"{docx.with_suffix('.doc').name} up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
