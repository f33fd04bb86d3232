"""Readers: a file's bytes → the neutral ``Document``.

The format is detected from the content (``sniff``), never trusted from the
extension. Each reader module is imported only when its format is met, so a
.docx run never pays for importing the PDF stack.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from ..document import Document
from ..errors import InputNotFound, LimitExceeded
from ..limits import DEFAULT, Limits
from .sniff import sniff

# format → "module:function"; the function takes (bytes, Limits).
READERS = {
    "docx": "docparse.readers.docx:read_docx",
    "pdf": "docparse.readers.pdf:read_pdf",
    "doc": "docparse.readers.doc:read_doc",
    "html": "docparse.readers.html:read_html",
    "xlsx": "docparse.readers.xlsx:read_xlsx",
    "xls": "docparse.readers.xls:read_xls",
}


def load_bytes(source: str | os.PathLike | bytes, limits: Limits = DEFAULT) -> tuple[bytes, str | None]:
    """The input's bytes and its name (None for bytes given directly)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = None
    else:
        path = Path(source)
        if not path.exists():
            raise InputNotFound(f"no such file: {path}", path=str(path))
        if not path.is_file():
            raise InputNotFound(f"not a regular file: {path}", path=str(path))
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise LimitExceeded("max_file_bytes", f"{size} bytes > {limits.max_file_bytes}", path=str(path))
        try:
            data = path.read_bytes()
        except OSError as e:
            raise InputNotFound(f"cannot read {path}: {e.strerror}", path=str(path)) from None
        name = str(source)
    if len(data) > limits.max_file_bytes:
        raise LimitExceeded("max_file_bytes", f"{len(data)} bytes > {limits.max_file_bytes}")
    return data, name


def read(data: bytes, limits: Limits = DEFAULT, fmt: str | None = None) -> Document:
    """Read bytes of any supported format into a Document."""
    fmt = fmt or sniff(data)
    module, func = READERS[fmt].split(":")
    return getattr(importlib.import_module(module), func)(data, limits)
