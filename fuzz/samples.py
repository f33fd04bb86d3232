"""Hand-made hostile inputs, built at run time (tests/test_hostile.py uses them).

Each function returns the bytes of one file; none needs a network or a tool
beyond the standard library and lxml, so the tests run anywhere.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

_CT = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       b'<Default Extension="xml" ContentType="application/xml"/>'
       b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       b'wordprocessingml.document.main+xml"/></Types>')


def docx(document_xml: bytes | str | None, extra: dict | None = None) -> bytes:
    """A minimal .docx around ``document_xml`` (None: no document part at all)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        if document_xml is not None:
            z.writestr("word/document.xml", document_xml if isinstance(document_xml, bytes) else document_xml.encode())
        for name, body in (extra or {}).items():
            z.writestr(name, body)
    return buf.getvalue()


def body(inner: str, doctype: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
            f'<w:document xmlns:w="{W}"><w:body>{inner}</w:body></w:document>').encode()


def para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def hello_docx() -> bytes:
    """Readable, but not a report."""
    return docx(body(para("hello")))


def zip_bomb(mb: int = 600) -> bytes:
    """document.xml inflates to ``mb`` MB of blanks (declared size honest)."""
    buf = io.BytesIO()
    head = f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>'.encode()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(head)
            chunk = b" " * (1 << 20)
            for _ in range(mb):
                f.write(chunk)
            f.write(b"</w:body></w:document>")
    return buf.getvalue()


def lying_zip_bomb(mb: int = 600) -> bytes:
    """The same bomb with its headers claiming document.xml is 1 KB."""
    data = bytearray(zip_bomb(mb))
    # Rewrite the 32-bit sizes in every central and local header (a zip64
    # extra is only consulted when the 32-bit field is 0xFFFFFFFF).
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) != -1:
        struct.pack_into("<I", data, pos + 24, 1024)
        pos += 4
    pos = 0
    while (pos := data.find(b"PK\x03\x04", pos)) != -1:
        struct.pack_into("<I", data, pos + 22, 1024)
        pos += 4
    return bytes(data)


def billion_laughs() -> bytes:
    ents = '<!ENTITY a "lolololololololololololololololololololol">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    return docx(body(para("&j;"), f"<!DOCTYPE w:document [{ents}]>"))


def xxe(target: str = "/etc/passwd") -> bytes:
    return docx(body(para("&xxe;") + para("一、部门概况"), f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{target}">]>'))


def xxe_parameter(target: str = "/etc/passwd") -> bytes:
    dt = f'<!DOCTYPE w:document [<!ENTITY % p SYSTEM "file://{target}"> %p;]>'
    return docx(body(para("x"), dt))


def nested_tables(depth: int = 40) -> bytes:
    inner = para("x")
    for _ in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{inner}</w:tc></w:tr></w:tbl><w:p/>"
    return docx(body(inner))


def deep_xml(depth: int = 100_000) -> bytes:
    return docx(body("<w:r>" * depth + "</w:r>" * depth))


def wide_table(span: str = "100000", cells: int = 2000, rows: int = 50) -> bytes:
    tc = f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr><w:p/></w:tc>'
    return docx(body("<w:tbl>" + f"<w:tr>{tc * cells}</w:tr>" * rows + "</w:tbl>"))


def truncated_docx(data: bytes) -> bytes:
    return data[: len(data) // 2]


def ole2(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (v3, 512-byte sectors) holding ``streams``.

    Streams are padded to the 4096-byte mini-stream cutoff so that all live in
    regular sectors; one FAT sector, one directory sector (≤ 3 streams).
    """
    assert len(streams) <= 3
    sec = 512
    end, free, fatsect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    fat = [fatsect, end]  # sector 0: FAT, sector 1: directory
    payload = b""
    entries = []
    for name, data in streams.items():
        data = data.ljust(4096, b"\x00")
        n = -(-len(data) // sec)
        start = len(fat)
        fat += [start + k + 1 for k in range(n - 1)] + [end]
        payload += data.ljust(n * sec, b"\x00")
        entries.append((name, 2, start, len(data)))
    assert len(fat) <= sec // 4

    def entry(name, typ, start, size, child=free, right=free):
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), typ, 1)
                + struct.pack("<III", free, right, child) + bytes(16) + bytes(4) + bytes(16)
                + struct.pack("<IQ", start, size))

    dirs = [entry("Root Entry", 5, end, 0, child=1 if entries else free)]
    for k, (name, typ, start, size) in enumerate(entries):
        dirs.append(entry(name, typ, start, size, right=k + 2 if k + 1 < len(entries) else free))
    directory = b"".join(dirs).ljust(sec, b"\x00")
    fat_sector = b"".join(struct.pack("<I", v) for v in fat).ljust(sec, b"\xff")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + bytes(6) + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + b"\xff" * (109 * 4 - 4))
    assert len(header) == sec
    return header + fat_sector + directory + payload


def encrypted_docx() -> bytes:
    """What Word saves for a password-protected .docx: OLE2 with EncryptedPackage."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<?xml version=\"1.0\"?><encryption/>"
    return ole2({"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 1234) + bytes(1234)})


# -- PDFs ----------------------------------------------------------------------
def pdf(objects: list[bytes], root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF with a correct xref table from numbered object bodies (1-based)."""
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for i, body_ in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body_ + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root %d 0 R%s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, trailer_extra, xref)
    return out


def _stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<</Length %d%s>>\nstream\n" % (len(content), extra) + content + b"\nendstream"


def text_pdf(text: str = "hello") -> bytes:
    content = b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET"
    return pdf([
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
        _stream(content),
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ])


def loop_pdf() -> bytes:
    """/Pages whose Kids point back at itself (and a page whose Parent is itself)."""
    return pdf([
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[2 0 R 3 0 R 2 0 R]/Count 3>>",
        b"<</Type/Page/Parent 3 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>",
        _stream(b"BT ET"),
    ])


def scanned_pdf() -> bytes:
    """One page showing one image, no text at all."""
    w = h = 8
    img = zlib.compress(bytes(w * h))
    return pdf([
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</XObject<</Im1 5 0 R>>>>>>",
        _stream(b"q 500 0 0 700 40 70 cm /Im1 Do Q"),
        _stream(img, b"/Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceGray/BitsPerComponent 8"
                b"/Filter/FlateDecode" % (w, h)),
    ])


def encrypted_pdf() -> bytes:
    """A PDF whose trailer names a standard security handler with a user password.

    The /O and /U entries are not derived from any password, so no password
    (the empty one included) opens it: exactly what a reader meets with a
    password-protected file.
    """
    enc = b"<</Filter/Standard/V 2/R 3/Length 128/O<" + b"11" * 32 + b">/U<" + b"22" * 32 + b">/P -3904>>"
    base = text_pdf("secret")
    objs = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>",
        _stream(b"\x8a\x13garbage-ciphertext"),
        enc,
    ]
    del base
    return pdf(objs, trailer_extra=b"/Encrypt 5 0 R/ID[<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>]")


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(200) + b"\xff\xd9"


def grid_pdf(n: int = 300, step: float = 2.5) -> bytes:
    """One page ruled with n horizontal and n vertical lines (a table of n² slots)."""
    ops = [b"0.2 w"]
    for i in range(n):
        ops.append(b"10 %.2f m %.2f %.2f l S" % (10 + i * step, 10 + n * step, 10 + i * step))
        ops.append(b"%.2f 10 m %.2f %.2f l S" % (10 + i * step, 10 + i * step, 10 + n * step))
    ops.append(b"BT /F1 12 Tf 20 20 Td (hello) Tj ET")
    side = 20 + n * step
    return pdf([
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 %.0f %.0f]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>" % (side, side),
        _stream(b"\n".join(ops)),
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ])


# -- inputs at the scale limits (bench/bounds.py, tests/test_bounds.py) ---------
def ruled_pages_pdf(pages: int = 2000, lines: int = 9000, text: bool = True) -> bytes:
    """Many pages sharing one content stream of ``lines`` short ruling segments
    (small on disk, costly to lay out): the probe's 2000 × 9000 file is 508 KB."""
    ops = [b"0.2 w"]
    for i in range(lines):
        x, y = 20 + (i % 90) * 6, 20 + (i // 90) * 8 % 800
        ops.append(b"%d %d m %d %d l S" % (x, y, x + 5, y))
    if text:
        ops.append(b"BT /F1 10 Tf 30 810 Td (page) Tj ET")
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b""]
    kids = []
    for k in range(pages):
        kids.append(b"%d 0 R" % (k + 5))
    objs[1] = b"<</Type/Pages/Kids[" + b" ".join(kids) + b"]/Count %d>>" % pages
    objs.append(_stream(zlib.compress(b"\n".join(ops)), b"/Filter/FlateDecode"))  # 3
    objs.append(b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>")  # 4
    for _ in range(pages):
        objs.append(b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 3 0 R"
                    b"/Resources<</Font<</F1 4 0 R>>>>>>")
    return pdf(objs)


def text_pages_pdf(pages: int = 1000, lines_per_page: int = 50) -> bytes:
    """Pages of plain text lines (a long report), to see the cost grow with pages."""
    lines = b"".join(b"BT /F1 10 Tf 40 %d Td (line %d of the page, some words here) Tj ET\n" % (800 - 14 * i, i)
                     for i in range(lines_per_page))
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b""]
    objs[1] = b"<</Type/Pages/Kids[" + b" ".join(b"%d 0 R" % (k + 5) for k in range(pages)) + b"]/Count %d>>" % pages
    objs.append(_stream(zlib.compress(lines), b"/Filter/FlateDecode"))
    objs.append(b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>")
    for _ in range(pages):
        objs.append(b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 3 0 R"
                    b"/Resources<</Font<</F1 4 0 R>>>>>>")
    return pdf(objs)


def empty_cells_docx(cells: int = 3_300_000, per_row: int = 50) -> bytes:
    """One table of ``cells`` empty w:tc (compresses to ~90 KB)."""
    row = "<w:tr>" + "<w:tc/>" * per_row + "</w:tr>"
    return docx(body("<w:tbl>" + row * (cells // per_row) + "</w:tbl>"))


def vmerge_docx(cells: int = 490_000, per_row: int = 10) -> bytes:
    """A table whose every cell below the first row continues a vertical merge."""
    first = "<w:tr>" + '<w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p/></w:tc>' * per_row + "</w:tr>"
    cont = "<w:tr>" + "<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>" * per_row + "</w:tr>"
    return docx(body("<w:tbl>" + first + cont * (cells // per_row - 1) + "</w:tbl>"))


def tables_html(mb: float = 23) -> bytes:
    """Plain tables of short cells, ``mb`` MB of markup."""
    one = ("<table>" + ("<tr>" + "<td>12.5</td>" * 10 + "</tr>") * 200 + "</table>\n").encode()
    return b"<html><body>" + one * int(mb * 1024 * 1024 // len(one)) + b"</body></html>"


def paragraphs_html(mb: float = 23) -> bytes:
    """Short paragraphs, ``mb`` MB of markup."""
    one = "<p>第一部分 预算执行情况 12.5 万元</p>\n".encode()
    return b"<html><body>" + one * int(mb * 1024 * 1024 // len(one)) + b"</body></html>"


def rowspan_html(span: int = 65535, rows: int = 200) -> bytes:
    cells = "".join(f'<td rowspan="{span}">x</td>' for _ in range(50))
    return f"<html><body><table>{('<tr>' + cells + '</tr>') * rows}</table></body></html>".encode()
