"""PDF pages read by OCR, then laid out by the PDF reader like any other page."""

from __future__ import annotations

from ...document import ReaderWarning
from ...errors import CorruptFile, DocparseError, LimitExceeded, ScannedPDF
from ...limits import Deadline, Limits


def read_scanned(data: bytes, pages: list, todo: list[int], limits: Limits, deadline: Deadline):
    from .. import ocr
    from . import build_document

    ocr.require()
    if len(todo) > limits.max_ocr_pages:
        raise LimitExceeded("max_ocr_pages", f"{len(todo)} pages to OCR > {limits.max_ocr_pages}")
    import pypdfium2 as pdfium

    stats = ocr.OcrStats()
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as e:
        raise CorruptFile(f"the PDF cannot be opened for OCR: {e}") from None
    try:
        for i in todo:
            deadline.check()
            page = pdf[i]
            try:
                ocr.ocr_page(page, pages[i], limits, stats)
            except DocparseError:
                raise
            except Exception as e:  # a library failure on one page is the file's fault
                raise CorruptFile(f"page {i + 1} cannot be OCR'd: {' '.join(str(e).split())[:200]}") from None
            finally:
                page.close()
    finally:
        pdf.close()
    if not any(c.text for c in stats.crops) and not any(p.chars for p in pages):
        raise ScannedPDF(f"the PDF has no text layer and OCR found no text on its {len(pages)} page(s)")
    doc = build_document(pages, deadline)
    ocr.annotate(doc, stats)
    doc.ocr_pages = list(stats.pages)
    mean = stats.mean_confidence
    doc.warnings.append(ReaderWarning(
        code="ocr.summary",
        message=(f"{len(stats.pages)} of {len(pages)} page(s) read by OCR (pages {_ranges(stats.pages)}); "
                 f"mean confidence {mean:.3f}" if mean is not None else
                 f"{len(stats.pages)} of {len(pages)} page(s) read by OCR; no text recognised")
        + "; OCR'd amounts are checked by the totals, read doubtful ones against the scan",
        location=f"pages {_ranges(stats.pages)}",
    ))
    return doc


def _ranges(ns: list[int]) -> str:
    """[1, 2, 3, 5] → "1-3,5"."""
    parts, run = [], []
    for n in ns + [None]:
        if run and n is not None and n == run[-1] + 1:
            run.append(n)
            continue
        if run:
            parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [n]
    return ",".join(parts)
