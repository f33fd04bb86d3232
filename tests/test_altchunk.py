"""A .docx whose content is an embedded HTML/MHT part (w:altChunk, as
html-docx-js and CMS exports write it): read through the HTML reader, where
the chunk stands; RTF chunks refused or warned; external targets unfollowed."""

from __future__ import annotations

import io
import zipfile
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest

import docparse
from docparse import UnsupportedFormat
from minidocx import NS, p

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "golden" / "education-2019.html"
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
AF = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk"


def chunk_docx(parts: dict[str, tuple[str, bytes]], body: str, external: dict[str, str] | None = None) -> bytes:
    """parts: rId → (part name under word/, bytes); its content type comes from the extension."""
    types = {"htm": "text/html", "html": "text/html", "mht": "message/rfc822", "rtf": "application/rtf"}
    rels = "".join(f'<Relationship Id="{rid}" Type="{AF}" Target="{name}"/>' for rid, (name, _) in parts.items())
    rels += "".join(f'<Relationship Id="{rid}" Type="{AF}" Target="{url}" TargetMode="External"/>'
                    for rid, url in (external or {}).items())
    exts = {name.rsplit(".", 1)[1] for name, _ in parts.values()}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                   + "".join(f'<Default Extension="{e}" ContentType="{types[e]}"/>' for e in exts) + "</Types>")
        z.writestr("word/document.xml", f'<?xml version="1.0"?><w:document {NS} {R_NS}><w:body>{body}</w:body></w:document>')
        z.writestr("word/_rels/document.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   f'openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
        for name, data in parts.values():
            z.writestr(f"word/{name}", data)
    return buf.getvalue()


def alt(rid: str) -> str:
    return f'<w:altChunk r:id="{rid}"/>'


def _same_report(a, b) -> None:
    da, db = a.model_dump(mode="json"), b.model_dump(mode="json")
    for d in (da, db):
        d.pop("source")
        d.pop("warnings")
    assert da == db


@pytest.fixture(scope="module")
def from_html():
    return docparse.extract(HTML)


def test_docx_whose_body_is_an_html_chunk_reads_like_the_page(from_html):
    rep = docparse.extract(chunk_docx({"rId9": ("afchunk.htm", HTML.read_bytes())}, alt("rId9")), filename="c.docx")
    _same_report(rep, from_html)
    assert any(w.code == "docx.altchunk" for w in rep.warnings)


def test_docx_whose_body_is_an_mht_chunk_reads_like_the_page(from_html):
    from docparse.readers.html import decode

    mht = MIMEMultipart("related")  # as Word's "single file web page" writes it, in the page's own charset
    mht.attach(MIMEText(decode(HTML.read_bytes())[0], "html", "gb18030"))
    rep = docparse.extract(chunk_docx({"rId2": ("afchunk.mht", mht.as_bytes())}, alt("rId2")), filename="c.docx")
    _same_report(rep, from_html)


def test_docx_whose_body_is_an_rtf_chunk_is_refused_saying_so():
    data = chunk_docx({"rId2": ("afchunk.rtf", rb"{\rtf1\ansi hello}")}, alt("rId2"))
    with pytest.raises(UnsupportedFormat, match="embedded RTF chunk"):
        docparse.extract(data, filename="c.docx")


def test_external_chunk_is_not_followed_and_says_so():
    data = chunk_docx({}, alt("rId5"), external={"rId5": "http://127.0.0.1:9/secret.htm"})
    with pytest.raises(UnsupportedFormat, match="pointing outside the file.*not followed"):
        docparse.extract(data, filename="c.docx")


def test_chunk_beside_normal_content_is_read_in_place_with_a_warning():
    from docparse.readers.docx import read_docx
    from docparse.limits import DEFAULT

    html = "<html><body><p>第二段（来自嵌入块）</p><table><tr><td>甲</td><td>1.00</td></tr></table></body></html>"
    body = p("第一段") + alt("rId3") + alt("rId4") + p("第三段")
    data = chunk_docx({"rId3": ("a.htm", html.encode()), "rId4": ("b.rtf", rb"{\rtf1 x}")}, body)
    doc = read_docx(data, DEFAULT)
    texts = [getattr(b, "text", None) or b.cells[0].text for b in doc.blocks]
    assert texts == ["第一段", "第二段（来自嵌入块）", "甲", "第三段"]
    codes = [w.code for w in doc.warnings]
    assert "docx.altchunk" in codes and "docx.altchunk_unread" in codes
    assert any("RTF" in w.message for w in doc.warnings)
