"""``w:altChunk``: a part of a .docx that holds its content in another format.

html-docx-js and some CMS exports write the whole body as one embedded HTML
(or MHT) part; Word renders it when it opens the file. Such a chunk is read
through the HTML reader and its blocks stand where the chunk stands. RTF and
other chunks are not read (a warning, or an error when they are the whole
body); external targets are never followed.
"""

from __future__ import annotations

import codecs
import posixpath

from ..document import ReaderWarning
from ..errors import CorruptFile
from ..limits import Limits
from .ooxml import Package

_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_HTML = {"text/html", "application/xhtml+xml"}
_MHT = {"message/rfc822", "multipart/related"}
_BY_EXT = {".htm": "text/html", ".html": "text/html", ".xhtml": "application/xhtml+xml",
           ".mht": "message/rfc822", ".mhtml": "message/rfc822", ".rtf": "application/rtf",
           ".txt": "text/plain"}
_KIND = {"application/rtf": "RTF", "text/rtf": "RTF", "text/plain": "plain text"}


class Chunks:
    """The altChunk targets of ``word/document.xml``, read on demand."""

    def __init__(self, pkg: Package, limits: Limits):
        self._pkg = pkg
        self._limits = limits
        self._rels: dict[str, tuple[str, bool]] | None = None
        self._types: dict[str, str] | None = None

    def rels(self) -> dict[str, tuple[str, bool]]:
        """Id → (target part, is external)."""
        if self._rels is None:
            self._rels = self._pkg.relationships("word/document.xml")
        return self._rels

    def content_type(self, part: str) -> str:
        if self._types is None:
            self._types = {}
            if self._pkg.has("[Content_Types].xml"):
                root = self._pkg.xml("[Content_Types].xml")
                for d in root.iter(_CT + "Default"):
                    self._types["." + (d.get("Extension") or "").lower()] = (d.get("ContentType") or "").lower()
                for o in root.iter(_CT + "Override"):
                    self._types[(o.get("PartName") or "").lstrip("/")] = (o.get("ContentType") or "").lower()
        ext = posixpath.splitext(part)[1].lower()
        ct = self._types.get(part) or self._types.get(ext) or _BY_EXT.get(ext, "")
        return ct.split(";")[0].strip()

    def read(self, rid: str | None) -> tuple[list, list[ReaderWarning], str | None]:
        """(blocks, warnings, why not read): the chunk's content as blocks when it is HTML."""
        target, external = self.rels().get(rid or "", (None, False))
        if target is None:
            return [], [], "an embedded chunk (altChunk) whose part is missing"
        if external:
            return [], [], f"an embedded chunk (altChunk) pointing outside the file ({target[:80]}), not followed"
        if not self._pkg.has(target):
            return [], [], f"an embedded chunk (altChunk) whose part {target} is missing"
        ct = self.content_type(target)
        if ct in _HTML:
            html = self._pkg.read(target)
        elif ct in _MHT:
            html = _html_of_mht(self._pkg.read(target))
            if html is None:
                return [], [], f"an embedded MHT chunk ({target}) with no HTML part"
        else:
            kind = _KIND.get(ct, ct or "unknown")
            return [], [], f"an embedded {kind} chunk (altChunk, {target}), which docparse does not read"
        from .html import read_html

        try:
            doc = read_html(html, self._limits)
        except CorruptFile as e:
            return [], [], f"an embedded HTML chunk ({target}) that cannot be read: {e}"
        return doc.blocks, [ReaderWarning("docx.altchunk", f"content read from the embedded HTML chunk {target}",
                                          target)] + doc.warnings, None


def _html_of_mht(data: bytes) -> bytes | None:
    """The first text/html part of a MIME (MHT) archive, as UTF-8 with a BOM."""
    import email
    import email.policy

    msg = email.message_from_bytes(data, policy=email.policy.default)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            try:
                text = part.get_content()
            except (LookupError, ValueError, AssertionError):  # unknown charset, broken encoding
                payload = part.get_payload(decode=True) or b""
                return payload
            return codecs.BOM_UTF8 + text.encode("utf-8")
    return None
