"""Format detection from the bytes themselves.

A wrong extension is not an error (sites serve HTML as .doc, PDFs as .docx);
an unknown format is, and the message says what the bytes look like instead.
"""

from __future__ import annotations

import regex

from ..errors import CorruptFile, EncryptedFile, UnsupportedFormat

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = regex.compile(rb"<\s*(?:!doctype\s+html|html|head|body|table|meta|div|p)[\s>/]", regex.I)
_MAGIC = [
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
]


def _ole2_kind(data: bytes) -> str:
    """doc, or raise for encrypted Office / other OLE2 files."""
    # Directory entries are UTF-16LE names; a cheap scan is enough to tell.
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise EncryptedFile("the document is password-protected (encrypted Office file)")
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    if "PowerPoint Document".encode("utf-16-le") in data:
        raise UnsupportedFormat("this is a legacy PowerPoint file (.ppt), not a report document")
    # WPS Office's .wps is OLE2 with its own stream names; LibreOffice reads it.
    return "doc"


def sniff(data: bytes) -> str:
    """One of the READERS keys, or a DocparseError saying what this is."""
    if not data:
        raise CorruptFile("the file is empty (0 bytes)")
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        # member names are stored in the clear: the main part says what the package is
        if b"xl/workbook" in data and b"word/document" not in data:
            return "xlsx"
        if b"word/" in data or b"[Content_Types].xml" in data[:4096]:
            return "docx"
        if b"ppt/" in data[:65536]:
            raise UnsupportedFormat("this is a PowerPoint file (.pptx), not a report document")
        if b"mimetypeapplication/vnd.oasis" in data[:200]:
            raise UnsupportedFormat("this is an OpenDocument file (.odt), not .docx")
        return "docx"  # let the docx reader say what is missing
    if data[:8] == _OLE2:
        return _ole2_kind(data)
    if data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")[:5] == b"{\\rtf":
        return "doc"  # RTF: LibreOffice converts it like a .doc
    for magic, what in _MAGIC:
        if what and data.startswith(magic):
            raise UnsupportedFormat(f"this is {what}, not a report document")
    text_head = head.lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff \t\r\n\x00")
    if text_head[:100].upper().startswith(b"MIME-VERSION"):
        raise UnsupportedFormat("this is an MHTML web archive (.mht), not a report document")
    if _HTML.search(data[:8192]):
        return "html"
    if data[:4] == b"%!PS":
        raise UnsupportedFormat("this is a PostScript file, not a PDF")
    sample = data[:4096]
    if b"\x00" not in sample:
        try:
            sample.decode("utf-8")
            raise UnsupportedFormat("this is plain text, not a report document")
        except UnicodeDecodeError:
            pass
    if len(data) < 8:
        raise UnsupportedFormat(f"this is not a report document ({len(data)} bytes, no known format)")
    raise UnsupportedFormat("this is not a .docx, .doc, PDF or HTML file (unknown format)")
