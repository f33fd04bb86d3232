"""The legacy .doc reader: LibreOffice converts to .docx, the docx reader reads it.

Word 97-2003 binary files (and WPS Office .wps, and RTF) are not worth a
parser of our own: LibreOffice reads them as well as anything does. The
conversion itself (a long-lived converter in batch workers, a converter
server, or one LibreOffice per file) is ``soffice.convert``.

One thing is read here before converting: whether the document is
password-protected. LibreOffice would only fail on it (or wait for a
password), so the Word FIB's fEncrypted flag, found through a
minimal OLE2 (compound file) walk, give ``EncryptedFile`` instead of
``ConversionFailed``.
"""

from __future__ import annotations

import struct

from ..document import Document
from ..errors import ConversionFailed, DocparseError, EncryptedFile, LimitExceeded
from ..limits import Limits
from . import soffice
from .soffice import INSTALL_HINT, MAX_CONVERT_SECONDS, find_soffice  # noqa: F401 - the reader's public names

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE_OR_END = 0xFFFFFFFA  # sector ids from here up are special (end of chain, free, FAT, DIFAT)
F_ENCRYPTED, F_OBFUSCATED = 0x0100, 0x8000


class _Ole2:
    """Just enough of a compound file to read the start of one stream."""

    def __init__(self, data: bytes):
        if data[:8] != _OLE2 or len(data) < 512:
            raise ValueError("not OLE2")
        self.data = data
        self.ssize = 1 << struct.unpack_from("<H", data, 0x1E)[0]
        self.msize = 1 << struct.unpack_from("<H", data, 0x20)[0]
        if self.ssize not in (512, 4096) or self.msize > self.ssize:
            raise ValueError("bad sector size")
        self.nsect = max(0, len(data) // self.ssize - 1)
        n_fat, self.dir_start = struct.unpack_from("<II", data, 0x2C)
        self.cutoff, self.minifat_start = struct.unpack_from("<II", data, 0x38)
        dif_start, n_dif = struct.unpack_from("<II", data, 0x44)
        fat_sects = list(struct.unpack_from("<109I", data, 0x4C))
        sect, per = dif_start, self.ssize // 4 - 1
        for _ in range(min(n_dif, self.nsect)):
            if sect >= _FREE_OR_END:
                break
            ids = struct.unpack_from(f"<{per + 1}I", self._sector(sect))
            fat_sects += ids[:per]
            sect = ids[per]
        fat = bytearray()
        for s in fat_sects[:min(n_fat, self.nsect)]:
            if s < _FREE_OR_END:
                fat += self._sector(s)
        self.fat = struct.unpack(f"<{len(fat) // 4}I", bytes(fat[: len(fat) // 4 * 4]))

    def _sector(self, n: int) -> bytes:
        if n >= self.nsect:
            raise ValueError("sector out of range")
        off = (n + 1) * self.ssize
        return self.data[off:off + self.ssize]

    def _chain(self, start: int, table, limit: int):
        seen = 0
        while start < _FREE_OR_END and seen < limit:
            yield start
            seen += 1
            start = table[start] if start < len(table) else _FREE_OR_END

    def _read(self, start: int, size: int, want: int) -> bytes:
        out = bytearray()
        for s in self._chain(start, self.fat, self.nsect):
            out += self._sector(s)
            if len(out) >= min(size, want):
                break
        return bytes(out[:min(size, want)])

    def entries(self):
        """(name, start sector, size) of each directory entry."""
        dir_bytes = b"".join(self._sector(s) for s in self._chain(self.dir_start, self.fat, self.nsect))
        for off in range(0, len(dir_bytes) - 127, 128):
            e = dir_bytes[off:off + 128]
            n = struct.unpack_from("<H", e, 0x40)[0]
            kind = e[0x42]
            if kind in (1, 2, 5) and 2 <= n <= 64:
                name = e[:n - 2].decode("utf-16-le", "replace")
                start, size = struct.unpack_from("<II", e, 0x74)
                yield name, kind, start, size

    def stream_head(self, name: str, want: int) -> bytes | None:
        ents = list(self.entries())
        for ename, kind, start, size in ents:
            if kind == 2 and ename == name:
                if size >= self.cutoff:
                    return self._read(start, size, want)
                # A small stream lives in the mini stream (the root entry's chain).
                root = next((e for e in ents if e[1] == 5), None)
                if root is None:
                    return None
                mini = self._read(root[2], root[3], root[3])
                minifat_b = self._read(self.minifat_start, self.nsect * self.ssize, self.nsect * self.ssize)
                minifat = struct.unpack(f"<{len(minifat_b) // 4}I", minifat_b[: len(minifat_b) // 4 * 4])
                out = bytearray()
                for s in self._chain(start, minifat, len(minifat) + 1):
                    out += mini[s * self.msize:(s + 1) * self.msize]
                    if len(out) >= min(size, want):
                        break
                return bytes(out[:min(size, want)])
        return None


def word_stream_head(data: bytes, want: int = 32) -> bytes | None:
    """The first bytes of the WordDocument stream (the FIB), or None if there is none or the file is damaged."""
    try:
        return _Ole2(data).stream_head("WordDocument", want)
    except (ValueError, struct.error, IndexError):
        return None


def is_encrypted(data: bytes) -> bool:
    """A Word 6-2003 .doc (or WPS's Word-format .wps) whose FIB says it is password-protected."""
    fib = word_stream_head(data, 16)
    if not fib or len(fib) < 12:
        return False
    ident, flags = struct.unpack_from("<H", fib, 0)[0], struct.unpack_from("<H", fib, 0x0A)[0]
    # fObfuscated (XOR rather than RC4) only means something when fEncrypted is set ([MS-DOC] 2.5.2).
    return ident in (0xA5EC, 0xA5DC) and bool(flags & F_ENCRYPTED)


def _suffix(data: bytes) -> str:
    if data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")[:5] == b"{\\rtf":
        return ".rtf"
    if data[:8] == _OLE2 and "WordDocument".encode("utf-16-le") not in data:
        return ".wps"  # an OLE2 file of another writer (WPS, Works): let LibreOffice detect it
    return ".doc"


def convert_to_docx(data: bytes, limits: Limits, suffix: str = ".doc") -> bytes:
    """The .docx bytes LibreOffice makes of ``data``."""
    # Leave a share of max_seconds for reading and extracting, and time out
    # before a batch worker's own wall clock (set to max_seconds) kills the
    # worker: only this process can kill LibreOffice's group and clean up.
    timeout = max(0.5, min(0.8 * float(limits.max_seconds), MAX_CONVERT_SECONDS))
    return soffice.convert(data, "docx", timeout=timeout, suffix=suffix, max_bytes=limits.max_file_bytes)


def read_doc(data: bytes, limits: Limits) -> Document:
    import time

    from .docx import read_docx

    if data[:8] == _OLE2 and is_encrypted(data):
        raise EncryptedFile("the document is password-protected (encrypted Word .doc)")
    start = time.monotonic()
    docx = convert_to_docx(data, limits, _suffix(data))
    elapsed = time.monotonic() - start
    # The time limit is for the whole document, conversion included.
    rest = limits.with_overrides(max_seconds=max(1.0, float(limits.max_seconds) - elapsed))
    try:
        doc = read_docx(docx, rest)
    except LimitExceeded:
        raise
    except DocparseError as e:
        raise ConversionFailed(f"LibreOffice produced a .docx that cannot be read: {e}") from None
    return Document(blocks=doc.blocks, format="doc", pages=doc.pages, warnings=doc.warnings)
