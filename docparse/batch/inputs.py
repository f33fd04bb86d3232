"""Finding the report files in the inputs: files, folders, .zip archives.

Every file seen becomes one ``Entry`` with a label: the path as given, an
archive member as ``ARCHIVE::MEMBER`` and a member of a nested zip as
``a.zip::b.zip::x.docx``. Members are read in memory, never extracted to
disk, so hostile member names (``../../etc``) cannot escape anywhere.
"""

from __future__ import annotations

import hashlib
import os
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from docparse.filenames import display

SEP = "::"
REPORT_EXTS = frozenset({".docx", ".doc", ".wps", ".pdf", ".html", ".htm", ".shtml", ".xlsx", ".xlsm", ".xls"})
ARCHIVE_EXTS = frozenset({".zip"})
MAX_NESTING = 4  # zips inside zips; deeper is a zip bomb, not a download
MAX_MEMBER_BYTES = 200 * 1024 * 1024  # same as Limits.max_file_bytes

CANDIDATE, SKIPPED, FAILED = "candidate", "skipped", "failed"


@dataclass
class Entry:
    label: str
    kind: str  # CANDIDATE / SKIPPED / FAILED
    sha256: str | None = None
    reason: str | None = None
    path: str | None = None  # a file on disk
    # (archive path, member index, nested member index, ...): indexes into
    # infolist(), as two members may share a name
    chain: tuple[str | int, ...] = field(default_factory=tuple)


def _ext(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split()) or type(e).__name__


# --- member names -----------------------------------------------------------

def _unicode_path_extra(info: zipfile.ZipInfo, raw: bytes) -> str | None:
    """The Info-ZIP Unicode Path extra field (0x7075), if present and current."""
    extra = info.extra
    i = 0
    while i + 4 <= len(extra):
        tag, size = struct.unpack("<HH", extra[i : i + 4])
        body = extra[i + 4 : i + 4 + size]
        if tag == 0x7075 and len(body) >= 5 and body[0] == 1:
            # The CRC guards against a stale field after the name was edited.
            if struct.unpack("<I", body[1:5])[0] == zlib.crc32(raw):
                try:
                    return body[5:].decode("utf-8")
                except UnicodeDecodeError:
                    return None
        i += 4 + size
    return None


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's real name, whether the zip says UTF-8 or was made in GBK.

    Without flag 0x800 zipfile decodes names as cp437; that is a bijection on
    bytes, so encoding back gives the raw name. UTF-8 is tried before GBK on
    purpose: GBK bytes are almost never valid UTF-8, while UTF-8 Chinese is
    often valid (wrong) GBK.
    """
    if info.flag_bits & 0x800:
        name = info.filename
    else:
        try:
            raw = info.filename.encode("cp437")
        except UnicodeEncodeError:  # metadata_encoding was given: already decoded
            raw = None
        name = info.filename
        if raw is not None:
            name = _unicode_path_extra(info, raw) or _decode_raw(raw) or info.filename
    return name.replace("\\", "/")


def _decode_raw(raw: bytes) -> str | None:
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return None


# --- classification -----------------------------------------------------------

def classify(name: str, data: bytes) -> tuple[str, str | None]:
    """(CANDIDATE, None) for a report file, (SKIPPED, why) otherwise."""
    ext = _ext(name)
    if ext in REPORT_EXTS:
        return CANDIDATE, None  # even when broken: the extractor says why
    from docparse.errors import DocparseError
    from docparse.readers.sniff import sniff

    try:
        fmt = sniff(data)
    except DocparseError as e:
        return SKIPPED, f"not a report file: {e}"
    # Content decides for unknown extensions, but only for unambiguous
    # formats: a .xml or .jar would otherwise pass as html / docx.
    if fmt == "pdf" or (fmt == "doc" and "WordDocument".encode("utf-16-le") in data[:65536 * 4]):
        return CANDIDATE, None
    if fmt == "docx" and b"word/document" in data:
        return CANDIDATE, None
    return SKIPPED, f"not a report file ({ext or 'no extension'})"


def _looks_like_docx(zf: zipfile.ZipFile) -> bool:
    names = set(zf.namelist())
    return "[Content_Types].xml" in names and "word/document.xml" in names


# --- walking ------------------------------------------------------------------

def scan(inputs: Iterable[str], exclude: Iterable[str] = ()) -> Iterator[Entry]:
    """Every file under the inputs, once each, in a stable order."""
    excluded = {os.path.realpath(p) for p in exclude}
    seen: set[str] = set()
    for given in inputs:
        for path in _walk(given, excluded):
            if path in seen:
                continue
            seen.add(path)
            yield from _scan_file(path)


def _walk(given: str, excluded: set[str]) -> Iterator[str]:
    if os.path.isdir(given):
        for root, dirs, files in os.walk(given):
            dirs[:] = sorted(d for d in dirs if os.path.realpath(os.path.join(root, d)) not in excluded)
            for f in sorted(files):
                p = os.path.join(root, f)
                if os.path.realpath(p) not in excluded and os.path.isfile(p):
                    yield p
    else:
        yield given


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _scan_file(path: str) -> Iterator[Entry]:
    label = display(path)  # the path itself unless it is not UTF-8 (GBK names from Windows)
    try:
        size = os.path.getsize(path)
        if size > MAX_MEMBER_BYTES and _ext(path) not in ARCHIVE_EXTS:
            yield Entry(label, FAILED, None, f"limit_exceeded: file is {size} bytes", path=path)
            return
        if _ext(path) in ARCHIVE_EXTS:
            with open(path, "rb") as f:
                sha = hashlib.file_digest(f, "sha256").hexdigest()
            yield from _scan_zip(label, path, (path,), 1, sha)
            return
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        yield Entry(label, FAILED, None, f"not_found: cannot read {label}: {e.strerror}", path=path)
        return
    kind, reason = classify(path, data)
    yield Entry(label, kind, _sha(data), reason, path=path)


def _scan_zip(label: str, src, chain: tuple[str, ...], depth: int, sha: str) -> Iterator[Entry]:
    """The members of one archive (``src`` is a path or a file object)."""
    try:
        zf = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        yield Entry(label, FAILED, sha, f"corrupt: not a readable zip archive ({_one_line(e)})", chain=chain)
        return
    with zf:
        if _looks_like_docx(zf):  # a .docx saved as .zip is a report, not an archive
            yield Entry(label, CANDIDATE, sha, None, path=chain[0] if len(chain) == 1 else None,
                        chain=chain if len(chain) > 1 else ())
            return
        taken: set[str] = set()
        for index, info in enumerate(zf.infolist()):
            if info.is_dir():
                continue
            mlabel = f"{label}{SEP}{member_name(info)}"
            if mlabel in taken:  # a name twice, or two encodings of one name: each keeps its line
                mlabel = f"{mlabel} [member {index + 1}]"
            taken.add(mlabel)
            mchain = chain + (index,)
            if info.flag_bits & 0x1:
                yield Entry(mlabel, FAILED, None, "encrypted: the zip member is password-protected", chain=mchain)
                continue
            if info.file_size > MAX_MEMBER_BYTES:
                yield Entry(mlabel, FAILED, None, f"limit_exceeded: member is {info.file_size} bytes", chain=mchain)
                continue
            try:
                data = zf.read(info)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError) as e:
                yield Entry(mlabel, FAILED, None, f"corrupt: cannot read the zip member ({_one_line(e)})", chain=mchain)
                continue
            msha = _sha(data)
            if _ext(info.filename) in ARCHIVE_EXTS:
                if depth >= MAX_NESTING:
                    yield Entry(mlabel, FAILED, msha, f"limit_exceeded: zips nested deeper than {MAX_NESTING}", chain=mchain)
                else:
                    import io

                    yield from _scan_zip(mlabel, io.BytesIO(data), mchain, depth + 1, msha)
                continue
            kind, reason = classify(info.filename, data)
            yield Entry(mlabel, kind, msha, reason, chain=mchain)


def _member(zf: zipfile.ZipFile, index: int) -> bytes:
    return zf.read(zf.infolist()[index])


class MemberLoader:
    """Reads archive members again at dispatch time.

    Entries come in archive order, so keeping the open archives of the last
    chain makes nested zips cost one read each, not one per member.
    """

    def __init__(self) -> None:
        self._open: list[tuple[tuple[str, ...], zipfile.ZipFile]] = []

    def read(self, chain: tuple[str | int, ...]) -> bytes:
        import io

        prefix = chain[:-1]
        # keep the longest common prefix of what is open
        keep = 0
        while keep < len(self._open) and keep < len(prefix) and self._open[keep][0] == prefix[: keep + 1]:
            keep += 1
        for _, zf in self._open[keep:]:
            zf.close()
        del self._open[keep:]
        for i in range(keep, len(prefix)):
            if i == 0:
                zf = zipfile.ZipFile(prefix[0])
            else:
                zf = zipfile.ZipFile(io.BytesIO(_member(self._open[i - 1][1], prefix[i])))
            self._open.append((prefix[: i + 1], zf))
        return _member(self._open[-1][1], chain[-1])

    def close(self) -> None:
        for _, zf in self._open:
            zf.close()
        self._open.clear()
