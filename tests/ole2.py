"""Tiny OLE2 (compound file) writer for test inputs: legacy .doc shells with a chosen FIB.

Not a Word document LibreOffice could open: just a valid container whose
``WordDocument`` stream starts with a FIB whose flags the test picks (e.g.
fEncrypted), which is all the password check reads. Streams of 4096 bytes
or more go in regular 512-byte sectors, smaller ones in the mini stream, so
both paths of the reader are exercised.
"""

from __future__ import annotations

import struct

SIG = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
SECTOR, MINI, CUTOFF = 512, 64, 4096


def fib(flags: int = 0, size: int = 4096, ident: int = 0xA5EC) -> bytes:
    """A WordDocument stream: FIB base (wIdent, nFib, ..., flags at 0x0A), zero-padded."""
    head = struct.pack("<HHHHHH", ident, 0x00C1, 0, 0x0804, 0, flags)
    return head + b"\0" * (size - len(head))


def _entry(name: str, kind: int, start: int, size: int, child: int = NOSTREAM, right: int = NOSTREAM) -> bytes:
    raw = name.encode("utf-16-le") + b"\0\0"
    return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", NOSTREAM, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
            + struct.pack("<III", start, size, 0))


def ole2(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams`` (name → bytes) under the root."""
    fat: list[int] = [FATSECT]  # sector 0 is the FAT itself
    body: list[bytes] = []

    def alloc(data: bytes) -> int:
        n = max(1, -(-len(data) // SECTOR))
        first = len(fat)
        for i in range(n):
            fat.append(first + i + 1 if i < n - 1 else END)
            body.append(data[i * SECTOR:(i + 1) * SECTOR].ljust(SECTOR, b"\0"))
        return first

    names = list(streams)
    n_entries = 1 + len(names)
    dir_sectors = -(-n_entries * 128 // SECTOR)
    dir_start = alloc(b"\0" * dir_sectors * SECTOR)  # filled in below
    big, mini_data, minifat, starts = {}, bytearray(), [], {}
    for name in names:
        data = streams[name]
        if len(data) >= CUTOFF:
            starts[name] = alloc(data)
        else:
            n = max(1, -(-len(data) // MINI))
            first = len(minifat)
            for i in range(n):
                minifat.append(first + i + 1 if i < n - 1 else END)
            mini_data += data.ljust(n * MINI, b"\0")
            starts[name] = first
        big[name] = len(data)
    minifat_start = alloc(struct.pack(f"<{len(minifat)}I", *minifat)) if minifat else END
    mini_start = alloc(bytes(mini_data)) if mini_data else END
    entries = [_entry("Root Entry", 5, mini_start, len(mini_data), child=1 if names else NOSTREAM)]
    for i, name in enumerate(names):
        entries.append(_entry(name, 2, starts[name], big[name], right=i + 2 if i + 1 < len(names) else NOSTREAM))
    dir_bytes = b"".join(entries).ljust(dir_sectors * SECTOR, b"\0")
    for i in range(dir_sectors):
        body[dir_start - 1 + i] = dir_bytes[i * SECTOR:(i + 1) * SECTOR]
    if len(fat) > SECTOR // 4:
        raise ValueError("test files are limited to one FAT sector")
    fat_sector = struct.pack(f"<{SECTOR // 4}I", *(fat + [FREE] * (SECTOR // 4 - len(fat))))
    header = (SIG + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, dir_start, 0, CUTOFF, minifat_start, 1 if minifat else 0, END, 0)
              + struct.pack("<109I", 0, *([FREE] * 108)))
    return header + fat_sector + b"".join(body)


def word_doc(flags: int = 0, size: int = 4096, ident: int = 0xA5EC) -> bytes:
    """A .doc shell: WordDocument (the FIB) and a 1Table stream."""
    return ole2({"WordDocument": fib(flags, size, ident), "1Table": b"\0" * 512})
