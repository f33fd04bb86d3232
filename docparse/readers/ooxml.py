"""Safe access to Office Open XML containers (zip + XML parts).

Zip bombs: the entry count and the declared sizes are checked first, and the
decompressed bytes are counted while reading, since headers can lie. XML is
parsed with entity resolution, DTD loading and network access off (billion
laughs, XXE), and libxml2's default depth limit kept.
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
import zlib
from collections.abc import Iterator

from lxml import etree

from ..errors import CorruptFile, EncryptedFile, LimitExceeded
from ..limits import Limits

_SAFE = dict(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
_PARSER = etree.XMLParser(huge_tree=False, **_SAFE)
# For a part whose one text node passes libxml2's 10 MB cap: the part itself is
# already bounded by max_xml_bytes, so reading it costs no more than any other.
_HUGE_PARSER = etree.XMLParser(huge_tree=True, **_SAFE)
_CHUNK = 1 << 16
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


class Package:
    """A zip container whose members are read under the limits."""

    def __init__(self, data: bytes, limits: Limits):
        self.limits = limits
        self._read_total = 0
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            # Office wraps password-protected .docx in an OLE2 file.
            if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
                raise EncryptedFile("the document is password-protected (encrypted Office file)")
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError,
                struct.error) as e:  # NotImplementedError: a damaged "needs zip version 15.4" field
            raise CorruptFile(f"not a readable zip container ({e})") from None
        if len(infos) > limits.max_zip_entries:
            raise LimitExceeded("max_zip_entries", f"{len(infos)} entries > {limits.max_zip_entries}")
        self._infos = {i.filename: i for i in infos}
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_unzipped_bytes:
            raise LimitExceeded("max_unzipped_bytes", f"declared {declared} bytes > {limits.max_unzipped_bytes}")

    def has(self, name: str) -> bool:
        return name in self._infos

    def names(self) -> list[str]:
        return list(self._infos)

    def read(self, name: str) -> bytes:
        return b"".join(self.chunks(name))

    def chunks(self, name: str) -> Iterator[bytes]:
        """The member's bytes in pieces, under the limits, for a reader that may stop early."""
        info = self._infos.get(name)
        if info is None:
            raise CorruptFile(f"the container has no {name}")
        if info.flag_bits & 0x1:
            raise EncryptedFile(f"{name} is encrypted")
        cap = self.limits.max_xml_bytes
        if info.file_size > cap:
            raise LimitExceeded("max_xml_bytes", f"{name} declares {info.file_size} bytes > {cap}")
        size = 0
        try:
            with self._zip.open(info) as f:
                while chunk := f.read(_CHUNK):
                    size += len(chunk)
                    if size > cap:
                        raise LimitExceeded("max_xml_bytes", f"{name} inflates past {cap} bytes")
                    self._read_total += len(chunk)
                    if self._read_total > self.limits.max_unzipped_bytes:
                        raise LimitExceeded("max_unzipped_bytes",
                                            f"more than {self.limits.max_unzipped_bytes} bytes inflated")
                    yield chunk
        except LimitExceeded:
            raise
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as e:
            raise CorruptFile(f"{name} is damaged ({e})") from None

    def xml(self, name: str) -> etree._Element:
        return parse_xml(self.read(name), name)

    def relationships(self, part: str) -> dict[str, tuple[str, bool]]:
        """``part``'s relationships: id → (target part, is external). An
        external target is left as written (a URL), never resolved or followed."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        if not self.has(rels):
            return {}
        out = {}
        for r in self.xml(rels).iter(_PKG_REL):
            target = r.get("Target", "")
            external = r.get("TargetMode") == "External"
            if not external:
                target = posixpath.normpath(target.lstrip("/") if target.startswith("/")
                                            else posixpath.join(folder, target))
            out[r.get("Id")] = (target, external)
        return out


def _doctype(name: str) -> CorruptFile:
    # Office never writes a DTD (ECMA-376 forbids one); a part that has one is
    # an entity attack (billion laughs, XXE) or damage. Refuse it outright.
    return CorruptFile(f"{name} declares a DOCTYPE, which Office XML does not allow (entities are never expanded)")


def parse_xml(data: bytes, name: str) -> etree._Element:
    if b"<!DOCTYPE" in data[:4096] or "<!DOCTYPE".encode("utf-16-le") in data[:8192]:
        raise _doctype(name)
    try:
        try:
            root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as e:
            if "Resource limit exceeded" not in str(e):
                raise
            root = etree.fromstring(data, _HUGE_PARSER)
    except etree.XMLSyntaxError as e:
        if b"<!DOCTYPE" in data[: 1 << 20]:
            raise _doctype(name) from None
        msg = str(e)
        if "depth" in msg.lower() or "nested" in msg.lower():
            raise LimitExceeded("xml_depth", f"{name} is nested too deeply") from None
        raise CorruptFile(f"{name} is not well-formed XML ({msg})") from None
    if root is None:
        raise CorruptFile(f"{name} is empty")
    if root.getroottree().docinfo.doctype:
        raise _doctype(name)
    return root
