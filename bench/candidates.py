"""What is timed: docparse, the floors under it, and its peers.

Each candidate is a function of a path that does the whole job for one file
(open, read, close). ``available()`` says whether its library is installed;
a missing peer is reported as skipped, never as an error.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Candidate:
    key: str
    label: str
    role: str  # "docparse" | "stage" (a part of docparse) | "floor" | "peer"
    module: str  # what must be importable
    run: Callable[[str], object]
    setup: Callable[[], None] | None = None  # untimed, before every timed call

    def available(self) -> bool:
        return importlib.util.find_spec(self.module) is not None


# -- docparse ------------------------------------------------------------------------

def _docparse(path: str):
    import docparse

    return docparse.extract(path)


def _docparse_reader(path: str):
    """The reader stage alone (file → neutral Document): shows where docparse's time goes."""
    import docparse

    return docparse.read_document(path)


def _forget_memos() -> None:
    """Clear docparse's per-text memo so that timing the same files over and
    over does not flatter it: each timed call starts as on a new document."""
    from docparse import text

    memo = getattr(text, "_fold", None)
    if memo is not None and hasattr(memo, "cache_clear"):
        memo.cache_clear()


# -- docx ------------------------------------------------------------------------------

def _docx_floor(path: str):
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/document.xml"))


def _python_docx_naive(path: str):
    import docx

    d = docx.Document(path)
    n = 0
    for t in d.tables:
        rows = t.rows
        for i in range(len(rows)):
            for c in t.rows[i].cells:  # the idiom people write; ~O(rows²·cols) in python-docx
                n += len(c.text)
    return n


def _docx2python(path: str):
    import warnings

    from docx2python import docx2python

    with warnings.catch_warnings():  # it warns about every chineseCounting list it meets
        warnings.simplefilter("ignore")
        with docx2python(path) as r:
            return r.body


# -- pdf -------------------------------------------------------------------------------

def _pdfplumber_floor(path: str):
    import pdfplumber

    n = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            n += len(page.chars) + len(page.lines) + len(page.rects)
    return n


def _pdfplumber_naive(path: str):
    import pdfplumber

    n = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            n += len(page.extract_tables())
            n += len(page.extract_text() or "")
    return n


def _pypdfium2_text(path: str):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    try:
        n = 0
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            n += len(tp.get_text_range())
            tp.close()
            page.close()
        return n
    finally:
        doc.close()


# docparse itself and its reader stage, timed on either format.
_DOCPARSE = [
    Candidate("docparse", "docparse.extract", "docparse", "docparse", _docparse, _forget_memos),
    Candidate("reader", "docparse.read_document (its reader stage)", "stage", "docparse", _docparse_reader,
              _forget_memos),
]

DOCX = [
    *_DOCPARSE,
    Candidate("floor", "floor: zip + lxml parse of document.xml", "floor", "lxml", _docx_floor),
    Candidate("python-docx", "python-docx, naive rows[i].cells", "peer", "docx", _python_docx_naive),
    Candidate("docx2python", "docx2python", "peer", "docx2python", _docx2python),
]

PDF = [
    *_DOCPARSE,
    Candidate("pypdfium2", "pypdfium2 plain text (speed of light)", "floor", "pypdfium2", _pypdfium2_text),
    Candidate("pdfplumber-floor", "pdfplumber floor: chars, lines, rects", "floor", "pdfplumber", _pdfplumber_floor),
    Candidate("pdfplumber-naive", "pdfplumber naive: extract_tables + extract_text", "peer", "pdfplumber",
              _pdfplumber_naive),
]
