"""Mutations of the golden files. Each case is a pure function of (seed, index),
so a worker can build its own input and the parent can rebuild a crashing one."""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{%s}" % W


@dataclass
class Case:
    index: int
    fmt: str  # "docx", "pdf" or "xlsx"
    seed_file: str
    ops: list[str]
    data: bytes

    @property
    def label(self) -> str:
        return f"{self.fmt}#{self.index} {self.seed_file} [{', '.join(self.ops)}]"


@lru_cache(maxsize=None)
def seeds(fmt: str) -> tuple[tuple[str, bytes], ...]:
    files = sorted(GOLDEN.glob(f"*.{fmt}"))
    if not files:
        raise SystemExit(f"no golden *.{fmt} files in {GOLDEN}")
    return tuple((f.name, f.read_bytes()) for f in files)


# -- values a hostile file puts where numbers belong -------------------------
WEIRD_INTS = ["100000", "-1", "0", "-2147483649", "4294967296", "99999999999999999999", "abc", "",
              "1e309", "NaN", " 3", "3.5", "０", "²", "٣", "63", "64", "1000", "-100000", "0x10"]
WEIRD_TEXT = ["9" * 5000, "1e999999999", "-1e-999999999", "NaN", "Infinity", "１２３，４５６．７８", "(1,234.5)",
              "1,2,3.4.5", "％", "\u202e12", "\ud7ff" * 3, "元" * 1000, "0." + "0" * 3000 + "1", "²³", "万元",
              "-", "——", "（一）" * 200, "2021年" * 50, "一、" * 300, "\t\n" * 50, "9" * 4301 + "人"]

BILLION_LAUGHS = (
    '<!DOCTYPE w:document [<!ENTITY a "lolololololololololol">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + "]>"
)
XXE = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
XXE_PARAM = '<!DOCTYPE w:document [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>'
EXT_DTD = '<!DOCTYPE w:document SYSTEM "http://127.0.0.1:9/evil.dtd">'


# -- docx: zip level -----------------------------------------------------------
def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i, z.read(i)) for i in z.infolist()]


def _zip(members, method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point
        with zipfile.ZipFile(buf, "w", method) as z:
            for name, body in members:
                z.writestr(name, body)
    return buf.getvalue()


def _entries(data: bytes):
    """(offset of local header, offset of central record) of each member."""
    out = []
    for m in re.finditer(rb"PK\x01\x02", data):
        p = m.start()
        if p + 46 > len(data):
            continue
        local = struct.unpack_from("<I", data, p + 42)[0]
        out.append((local, p))
    return out


def z_drop(rng, data, members):
    name = rng.choice([n for n, _ in members] + ["word/document.xml"] * 3)
    return _zip([(n, b) for n, b in members if n != name]), f"drop {name}"


def z_duplicate(rng, data, members):
    i = rng.randrange(len(members))
    dup = list(members)
    body = members[i][1] if rng.random() < 0.5 else members[rng.randrange(len(members))][1]
    dup.insert(rng.randrange(len(dup) + 1), (members[i][0], body))
    return _zip(dup), f"duplicate {members[i][0]}"


def z_truncate(rng, data, members):
    n = rng.randrange(len(data))
    return data[:n], f"truncate@{n}"


def z_flip_compressed(rng, data, members):
    ents = _entries(data)
    if not ents:
        return _flip(rng, data, 5), "flip"
    local, _ = rng.choice(ents)
    if local + 30 > len(data):
        return _flip(rng, data, 5), "flip"
    nlen, xlen = struct.unpack_from("<HH", data, local + 26)
    csize = struct.unpack_from("<I", data, local + 18)[0]
    start = local + 30 + nlen + xlen
    end = min(len(data), start + max(1, csize))
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        p = rng.randrange(start, max(start + 1, end))
        if p < len(out):
            out[p] ^= 1 << rng.randrange(8)
    return bytes(out), "flip-compressed"


def z_sizes(rng, data, members):
    """Lie about sizes (and sometimes the method) in local and central headers."""
    ents = _entries(data)
    if not ents:
        return data, "sizes(none)"
    out = bytearray(data)
    for local, central in rng.sample(ents, min(len(ents), rng.randint(1, 3))):
        val = rng.choice([0, 1, 100, 0x7FFFFFFF, 0xFFFFFFFF, rng.randrange(1 << 32)])
        which = rng.choice(["usize", "csize", "method", "flags"])
        if which == "usize":
            struct.pack_into("<I", out, central + 24, val)
            if local + 26 <= len(out):
                struct.pack_into("<I", out, local + 22, val)
        elif which == "csize":
            struct.pack_into("<I", out, central + 20, val)
        elif which == "method":
            struct.pack_into("<H", out, central + 10, rng.choice([0, 1, 9, 12, 14, 99, 0xFFFF]))
        else:
            struct.pack_into("<H", out, central + 8, rng.choice([1, 0x41, 0x2000, 0xFFFF]))
    return bytes(out), f"sizes:{which}={val}"


def z_flip_any(rng, data, members):
    return _flip(rng, data, rng.randint(1, 30)), "flip-any"


def z_many_entries(rng, data, members):
    n = rng.choice([100, 6000])
    return _zip(members + [(f"junk/{k}.bin", b"") for k in range(n)], zipfile.ZIP_STORED), f"entries+{n}"


def z_bomb(rng, data, members):
    """document.xml replaced by a big, very compressible body (declared size honest)."""
    mb = rng.choice([210, 600])
    return _bomb(members, mb, pad=rng.choice([b" ", b"<w:p/>"])), f"bomb {mb}MB"


def _bomb(members, mb: int, pad: bytes = b" ") -> bytes:
    head = b'<?xml version="1.0"?><w:document xmlns:w="%s"><w:body>' % W.encode()
    import warnings

    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        warnings.simplefilter("ignore")  # members may hold duplicates from an earlier mutation
        for info, body in members:
            if info == "word/document.xml":
                with z.open("word/document.xml", "w", force_zip64=True) as f:
                    f.write(head)
                    chunk = pad * ((1 << 20) // len(pad))
                    for _ in range(mb):
                        f.write(chunk)
                    f.write(b"</w:body></w:document>")
            else:
                z.writestr(info, body)
    return buf.getvalue()


def z_ole_encrypted(rng, data, members):
    from .samples import ole2

    return ole2({"EncryptionInfo": b"\x04\x00\x04\x00" + bytes(60), "EncryptedPackage": data[:4096]}), "ole2-encrypted"


ZIP_OPS = [(z_drop, 3), (z_duplicate, 2), (z_truncate, 3), (z_flip_compressed, 4), (z_sizes, 3),
           (z_flip_any, 2), (z_many_entries, 0.3), (z_bomb, 0.15), (z_ole_encrypted, 0.2)]


# -- docx: XML level -------------------------------------------------------------
def _elements(root):
    return [el for el in root.iter() if isinstance(el.tag, str) and el is not root]


def x_delete(rng, root):
    els = _elements(root)
    n = rng.randint(1, 10)
    for el in rng.sample(els, min(n, len(els))):
        p = el.getparent()
        if p is not None:
            p.remove(el)
    return f"delete×{n}"


def x_duplicate(rng, root):
    import copy

    els = _elements(root)
    el = rng.choice(els)
    k = rng.choice([1, 2, 10, 200])
    p = el.getparent()
    if p is None:
        return "dup(none)"
    i = p.index(el)
    for _ in range(k):
        p.insert(i, copy.deepcopy(el))
    return f"dup {etree.QName(el).localname}×{k}"


def x_attr(rng, root):
    """A weird value in a numeric attribute (gridSpan, vMerge, numId, ...)."""
    cands = [el for el in root.iter() if isinstance(el.tag, str) and el.get(_W + "val") is not None]
    names = ["gridSpan", "vMerge", "gridBefore", "gridAfter", "outlineLvl", "numId", "ilvl", "start", "lvlRestart",
             "startOverride", "abstractNumId"]
    targets = [el for el in cands if etree.QName(el).localname in names] or cands
    done = []
    for el in rng.sample(targets, min(len(targets), rng.randint(1, 6))):
        v = rng.choice(WEIRD_INTS + ["restart", "continue"])
        el.set(_W + "val", v)
        done.append(f"{etree.QName(el).localname}={v!r}")
    # and sometimes a fresh gridSpan on a random cell
    tcs = list(root.iter(_W + "tc"))
    if tcs and rng.random() < 0.5:
        tc = rng.choice(tcs)
        pr = tc.find(_W + "tcPr")
        if pr is None:
            pr = etree.SubElement(tc, _W + "tcPr")
            tc.insert(0, pr)
        v = rng.choice(WEIRD_INTS)
        etree.SubElement(pr, _W + rng.choice(["gridSpan", "vMerge"])).set(_W + "val", v)
        done.append(f"tc+{v!r}")
    return "attr " + " ".join(done)


def x_text(rng, root):
    ts = list(root.iter(_W + "t"))
    done = 0
    for t in rng.sample(ts, min(len(ts), rng.randint(1, 20))):
        t.text = rng.choice(WEIRD_TEXT)
        done += 1
    return f"text×{done}"


def x_nest(rng, root):
    """Tables nested in a cell, N deep (or wrappers, or plain elements)."""
    n = rng.choice([5, 17, 40, 300, 3000])
    kind = rng.choice(["tbl", "sdt", "run"])
    host = rng.choice(list(root.iter(_W + "tc")) or list(root.iter(_W + "body")) or [root])
    cur = host
    for _ in range(n):
        if kind == "tbl":
            tbl = etree.SubElement(cur, _W + "tbl")
            tr = etree.SubElement(tbl, _W + "tr")
            cur = etree.SubElement(tr, _W + "tc")
            etree.SubElement(etree.SubElement(etree.SubElement(cur, _W + "p"), _W + "r"), _W + "t").text = "x"
        elif kind == "sdt":
            cur = etree.SubElement(etree.SubElement(cur, _W + "sdt"), _W + "sdtContent")
        else:
            cur = etree.SubElement(cur, _W + "r")
    etree.SubElement(etree.SubElement(cur, _W + "p"), _W + "r")
    return f"nest {kind}×{n}"


def x_wide(rng, root):
    """Rows wider and longer than any report."""
    tbls = list(root.iter(_W + "tbl"))
    if not tbls:
        return "wide(none)"
    tbl = rng.choice(tbls)
    tr = etree.SubElement(tbl, _W + "tr")
    ncells = rng.choice([10, 500, 3000])
    for _ in range(ncells):
        tc = etree.SubElement(tr, _W + "tc")
        etree.SubElement(etree.SubElement(tc, _W + "tcPr"), _W + "gridSpan").set(_W + "val", rng.choice(["1000", "63", "100000"]))
        etree.SubElement(tc, _W + "p")
    rows = 1 if ncells > 500 else rng.choice([1, 300])  # the mutator itself must stay small
    import copy

    for _ in range(rows - 1):
        tbl.append(copy.deepcopy(tr))
    return f"wide rows={rows}"


XML_OPS = [(x_delete, 3), (x_duplicate, 3), (x_attr, 4), (x_text, 3), (x_nest, 1), (x_wide, 0.3)]
DOCTYPES = [BILLION_LAUGHS, XXE, XXE_PARAM, EXT_DTD]


DOCX_PARTS = ["word/document.xml"] * 5 + ["word/styles.xml", "word/numbering.xml", "docProps/app.xml",
                                          "[Content_Types].xml"]
XLSX_PARTS = ["xl/worksheets/sheet1.xml"] * 4 + ["xl/worksheets/sheet2.xml", "xl/styles.xml", "xl/workbook.xml",
                                                 "xl/_rels/workbook.xml.rels", "[Content_Types].xml"]


def mutate_docx(rng: random.Random, data: bytes, parts: list[str] = DOCX_PARTS) -> tuple[bytes, list[str]]:
    """A zip/XML-level mutation of an Office package (``parts``: which XML parts to mutate, weighted)."""
    members = [(i.filename, b) for i, b in _members(data)]
    ops = []
    if rng.random() < 0.55:
        # XML level on one part, then re-zipped
        part = rng.choice(parts)
        body = dict(members).get(part)
        if body is not None:
            xml_ops = []
            if rng.random() < 0.85:
                root = etree.fromstring(body, etree.XMLParser(huge_tree=True))
                for _ in range(rng.randint(1, 3)):
                    op = _pick(rng, XML_OPS)
                    xml_ops.append(_safe(op, rng, root))
                body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            if rng.random() < 0.2:
                body, what = _doctype(rng, body)
                xml_ops.append(what)
            if rng.random() < 0.05:
                body = _flip(rng, body, rng.randint(1, 5))
                xml_ops.append("xml-flip")
            members = [(n, body if n == part else b) for n, b in members]
            ops.append(f"{part}: " + "; ".join(xml_ops))
        data = _zip(members)
        if rng.random() < 0.2:
            op = _pick(rng, ZIP_OPS)
            data, what = _safe(op, rng, data, members, default=(data, "noop"))
            ops.append(what)
    else:
        for _ in range(rng.randint(1, 2)):
            op = _pick(rng, ZIP_OPS)
            try:
                members = [(i.filename, b) for i, b in _members(data)]
            except Exception:
                members = []
            if not members and op not in (z_truncate, z_flip_any, z_flip_compressed, z_sizes):
                continue
            data, what = _safe(op, rng, data, members, default=(data, "noop"))
            ops.append(what)
    return data, ops


def _doctype(rng, body: bytes) -> tuple[bytes, str]:
    dt = rng.choice(DOCTYPES)
    text = body.decode("utf-8", "replace")
    text = re.sub(r"^<\?xml[^>]*\?>", "", text)
    ref = {BILLION_LAUGHS: "&j;", XXE: "&xxe;"}.get(dt)
    if ref:
        text = text.replace("<w:t>", "<w:t>" + ref, 3).replace('<w:t xml:space="preserve">', '<w:t xml:space="preserve">' + ref, 3)
    return ('<?xml version="1.0" encoding="UTF-8"?>' + dt + text).encode("utf-8"), "doctype " + dt[:40]


# -- pdf ---------------------------------------------------------------------------
def p_flip(rng, data):
    return _flip(rng, data, rng.randint(1, 50)), "flip"


def p_truncate(rng, data):
    n = rng.randrange(len(data))
    return data[:n], f"truncate@{n}"


def p_splice(rng, data):
    other = rng.choice(seeds("pdf"))[1]
    a = rng.randrange(len(data))
    b = rng.randrange(len(other))
    n = rng.randint(1, 20000)
    if rng.random() < 0.5:
        return data[:a] + other[b:b + n] + data[a:], "splice-insert"
    return data[:a] + other[b:b + n] + data[a + n:], "splice-replace"


def p_delete(rng, data):
    a = rng.randrange(len(data))
    return data[:a] + data[a + rng.randint(1, 5000):], "delete-chunk"


def p_xref(rng, data):
    """Rewrite offsets in the xref table, or startxref."""
    out = data
    if rng.random() < 0.3:
        v = rng.choice([0, 1, len(data) + 1000, 10 ** 12, rng.randrange(len(data))])
        return re.sub(rb"startxref\s+\d+", b"startxref\n%d" % v, out), f"startxref={v}"
    entries = list(re.finditer(rb"(\d{10}) (\d{5}) ([nf])", out))
    if not entries:
        return _flip(rng, data, 5), "flip"
    buf = bytearray(out)
    for m in rng.sample(entries, min(len(entries), rng.randint(1, 10))):
        v = rng.choice([0, len(data) - 5, rng.randrange(len(data)), 9999999999])
        buf[m.start(1):m.end(1)] = b"%010d" % v
    return bytes(buf), "xref-offsets"


def p_stream(rng, data):
    """Break streams: lengths, filters, bodies."""
    what = rng.choice(["length", "filter", "body", "endstream"])
    if what == "length":
        ms = list(re.finditer(rb"/Length (\d+)(?! \d+ R)", data))
        if not ms:
            return _flip(rng, data, 5), "flip"
        m = rng.choice(ms)
        v = rng.choice([0, 1, 10 ** 9, -5, int(m.group(1)) * 2])
        return data[:m.start(1)] + str(v).encode() + data[m.end(1):], f"length={v}"
    if what == "filter":
        new = rng.choice([b"/LZWDecode", b"/DCTDecode", b"/JBIG2Decode", b"/CCITTFaxDecode", b"/RunLengthDecode",
                          b"/ASCII85Decode", b"/Crypt", b"[/FlateDecode/FlateDecode]", b"/Bogus"])
        return data.replace(b"/FlateDecode", new, rng.randint(1, 3)), f"filter {new.decode()}"
    if what == "endstream":
        return data.replace(b"endstream", b"", rng.randint(1, 5)), "no-endstream"
    ms = list(re.finditer(rb"stream\r?\n", data))
    m = rng.choice(ms)
    out = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        p = min(len(out) - 1, m.end() + rng.randrange(2000))
        out[p] = rng.randrange(256)
    return bytes(out), "stream-body"


def p_loop(rng, data):
    """Object reference loops and absurd counts in the page tree."""
    pages = re.search(rb"(\d+) 0 obj\s*<<\s*/Type\s*/Pages", data)
    if not pages:
        return _flip(rng, data, 5), "flip"
    n = pages.group(1)
    what = rng.choice(["kids-self", "parent-self", "count", "root-pages", "kid-page-self"])
    if what == "kids-self":
        return re.sub(rb"/Kids\s*\[\s*\d+ 0 R", b"/Kids[ " + n + b" 0 R", data, count=1), "kids->pages"
    if what == "parent-self":
        m = re.search(rb"(\d+) 0 obj\s*<<\s*/Type\s*/Page\b", data)
        if m:
            return re.sub(rb"/Parent \d+ 0 R", b"/Parent " + m.group(1) + b" 0 R", data, count=1), "parent->page"
        return data, "parent(none)"
    if what == "count":
        v = rng.choice([b"0", b"-1", b"999999999", b"2147483648", b"3.5"])
        return re.sub(rb"/Count \d+", b"/Count " + v, data, count=1), f"count={v.decode()}"
    if what == "root-pages":
        return re.sub(rb"/Root \d+ 0 R", b"/Root " + n + b" 0 R", data, count=1), "root->pages"
    # every page's Kids entry points at the Pages node (a tree that is a cycle)
    return re.sub(rb"/Kids\s*\[[^\]]*\]", b"/Kids[" + (n + b" 0 R ") * 3 + b"]", data, count=1), "kids->pages×3"


def p_content(rng, data):
    """Rewrite one page content stream: absurd operators, many lines, huge numbers."""
    ms = list(re.finditer(rb"<</Length (?:\d+ 0 R|\d+)/Filter/FlateDecode>>\s*stream\r?\n", data))
    if not ms:
        return _flip(rng, data, 5), "flip"
    for m in rng.sample(ms, len(ms)):
        stop = data.find(b"endstream", m.end())
        if stop < 0:
            continue
        try:
            plain = zlib.decompressobj().decompress(data[m.end():stop])
        except zlib.error:
            continue
        if b" Tf" not in plain and b" re" not in plain and b" l" not in plain:
            continue
        what = rng.choice(["grid", "huge", "repeat", "cut", "text"])
        if what == "grid":
            k = rng.choice([50, 400, 1500, 6000])
            step = rng.choice([0.5, 2.5, 3.0])  # below and above the grid tolerance
            ops = [b"q 0.5 w"]
            for i in range(k):
                ops.append(b"%.1f %.1f m %.1f %.1f l S" % (10, 10 + i * step, 10 + k * step, 10 + i * step))
                ops.append(b"%.1f %.1f m %.1f %.1f l S" % (10 + i * step, 10, 10 + i * step, 10 + k * step))
            plain += b"\n" + b"\n".join(ops) + b"\nQ\n"
        elif what == "huge":
            plain = re.sub(rb"-?\d+\.\d+", lambda _m: rng.choice([b"1e308", b"99999999999", b"-0", b"nan", b"3.4e38"]), plain, count=50)
        elif what == "repeat":
            plain = plain * rng.choice([3, 40])
        elif what == "cut":
            plain = plain[: rng.randrange(len(plain) + 1)]
        else:
            plain = re.sub(rb"\[<[0-9A-Fa-f]+>", b"[<" + b"0041" * rng.choice([10, 5000]) + b">", plain, count=20)
        new = zlib.compress(plain)
        head = b"<</Length %d/Filter/FlateDecode>>\nstream\n" % len(new)
        # Offsets after this stream shift: readers must rebuild the xref.
        return data[:m.start()] + head + new + b"\n" + data[stop:], f"content {what}"
    return _flip(rng, data, 5), "flip"


def p_mediabox(rng, data):
    v = rng.choice([b"[0 0 0 0]", b"[0 0 1e30 1e30]", b"[0 0 -595 -842]", b"[]", b"[0 0 14400 14400]"])
    return re.sub(rb"/MediaBox\s*\[[^\]]*\]", b"/MediaBox" + v, data, count=rng.choice([1, 0])), f"mediabox {v.decode()}"


def p_encrypt(rng, data):
    """A trailer that names an /Encrypt dictionary."""
    enc = b"<</Filter/Standard/V 1/R 2/O<" + b"00" * 32 + b">/U<" + b"00" * 32 + b">/P -4>>"
    out = data.replace(b"trailer\n<<", b"trailer\n<</Encrypt " + enc, 1)
    return out, "encrypt-dict"


PDF_OPS = [(p_flip, 3), (p_truncate, 2), (p_splice, 2), (p_delete, 1), (p_xref, 3), (p_stream, 3), (p_loop, 2),
           (p_content, 3), (p_mediabox, 1), (p_encrypt, 0.3)]


def mutate_pdf(rng: random.Random, data: bytes) -> tuple[bytes, list[str]]:
    ops = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        op = _pick(rng, PDF_OPS)
        data, what = _safe(op, rng, data, default=(data, "noop"))
        ops.append(what)
    return data, ops


# -- shared ------------------------------------------------------------------------
def _pick(rng, weighted):
    fs, ws = zip(*weighted)
    return rng.choices(fs, ws)[0]


def _safe(op, *args, default="noop"):
    """A mutator that does not apply to this input is a no-op, not a failure."""
    try:
        return op(*args)
    except (ValueError, IndexError, KeyError, zipfile.BadZipFile, etree.LxmlError, zlib.error):
        return default


def _flip(rng, data: bytes, n: int) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(n):
        p = rng.randrange(len(out))
        out[p] = rng.randrange(256) if rng.random() < 0.5 else out[p] ^ (1 << rng.randrange(8))
    return bytes(out)


def make_case(seed: int, index: int, formats=("docx", "pdf")) -> Case:
    rng = random.Random(seed * 1_000_003 + index)
    fmt = formats[index % len(formats)]
    name, data = rng.choice(seeds(fmt))
    if fmt == "docx":
        out, ops = mutate_docx(rng, data)
    elif fmt == "xlsx":
        out, ops = mutate_docx(rng, data, XLSX_PARTS)
    else:
        out, ops = mutate_pdf(rng, data)
    return Case(index, fmt, name, ops, out)
