"""File names that are not UTF-8, shown faithfully.

On Linux a file name is bytes; Python hands names that are not UTF-8 over
as ``str`` with lone surrogates (``surrogateescape``), typically the GBK
names of a Windows archive unzipped on Linux. Such a string opens the file
but cannot be written to JSON, CSV or SQLite. ``display`` renders it for
those outputs: each path part that is not UTF-8 is decoded as GB18030 when
it decodes, else its bytes are shown as ``\\xNN``, and a suffix says so —
the rendering never equals the name of another file that is valid UTF-8.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\udc80-\udcff]")
_PARTS = re.compile(r"(/|::)")  # path separators and the batch's archive-member separator


def is_faithful(name: str) -> bool:
    """True when ``name`` can be written as UTF-8 as it is."""
    return not _SURROGATE.search(name)


def display(name: str) -> str:
    """``name`` itself when it is valid UTF-8, else its rendering (see module doc)."""
    if is_faithful(name):
        return name
    how = "GB18030"
    parts = []
    for part in _PARTS.split(name):
        if is_faithful(part):
            parts.append(part)
            continue
        raw = part.encode("utf-8", "surrogateescape")
        try:
            parts.append(raw.decode("gb18030"))
        except UnicodeDecodeError:
            parts.append(raw.decode("ascii", "backslashreplace"))
            how = "bytes"
    note = "read as GB18030" if how == "GB18030" else "bytes shown as \\xNN"
    return f"{''.join(parts)} (file name not UTF-8, {note})"
