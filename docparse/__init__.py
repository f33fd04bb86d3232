"""docparse: performance self-evaluation reports (绩效自评报告) → typed JSON.

    >>> import docparse
    >>> report = docparse.extract("report.docx")      # or .pdf, .doc, .html, bytes
    >>> report.finance.income[0].total                 # Decimal('9692.786137')
    >>> print(report.to_json())                        # the JSON contract

Every failure caused by the input raises a ``docparse.DocparseError``
subclass with a one-line message.
"""

from __future__ import annotations

import hashlib
import os

from .errors import (
    ConversionFailed,
    ConverterMissing,
    CorruptFile,
    DocparseError,
    EncryptedFile,
    ExtractionError,
    InputNotFound,
    LimitExceeded,
    ScannedPDF,
    UnsupportedFormat,
)
from .limits import DEFAULT as DEFAULT_LIMITS
from .limits import Limits

__version__ = "0.1.0"

__all__ = [
    "extract", "read_document", "json_schema", "frames", "Limits", "DEFAULT_LIMITS", "__version__",
    "DocparseError", "InputNotFound", "UnsupportedFormat", "CorruptFile", "EncryptedFile",
    "ScannedPDF", "LimitExceeded", "ConverterMissing", "ConversionFailed", "ExtractionError",
]


def read_document(source: str | os.PathLike | bytes, *, limits: Limits | None = None):
    """The neutral ``Document`` (blocks, tables, cells) a reader makes of a file."""
    from .readers import load_bytes, read

    limits = limits or DEFAULT_LIMITS
    data, _ = load_bytes(source, limits)
    return read(data, limits)


def extract(
    source: str | os.PathLike | bytes,
    *,
    filename: str | None = None,
    limits: Limits | None = None,
    provenance: bool = False,
    template: str | None = None,
    ocr: str | None = None,
):
    """Extract a report from a path or bytes.

    ``filename`` names bytes input in ``source.file``; ``limits`` overrides the
    safety limits; ``provenance`` fills ``Report.provenance`` (JSON pointer →
    where the value was read); ``template`` forces a spec from ``extractors/``
    instead of choosing the best match; ``ocr`` ("auto", "always", "never")
    says which PDF pages are read by OCR (the ``ocr`` extra; default auto:
    pages without a usable text layer).
    """
    from .engine import build_report
    from .readers import load_bytes, read
    from .readers.sniff import sniff

    limits = limits or DEFAULT_LIMITS
    if ocr is not None:
        if ocr not in ("auto", "always", "never"):
            raise ValueError(f"ocr must be auto, always or never, not {ocr!r}")
        limits = limits.with_overrides(ocr=ocr)
    data, name = load_bytes(source, limits)
    fmt = sniff(data)
    doc = read(data, limits, fmt)
    source_info = {
        "file": filename if filename is not None else name,
        "format": fmt,
        "sha256": hashlib.sha256(data).hexdigest(),
        "pages": doc.pages,
    }
    return build_report(doc, source_info, provenance=provenance, template=template)


def frames(reports) -> dict:
    """The batch tables of ``reports`` as pandas DataFrames with Decimal amounts
    (module ``docparse.dataframes``; needs ``pip install 'docparse[frames]'``)."""
    from .dataframes import frames as _frames

    return _frames(reports)


def json_schema() -> dict:
    """The JSON Schema of the report (what ``docparse schema`` prints)."""
    from .models import json_schema as _schema

    return _schema()
