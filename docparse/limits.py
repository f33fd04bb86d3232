"""Safety limits for untrusted input.

Every reader checks these while it reads (not only up front: zip headers
lie), and exceeding one raises ``LimitExceeded`` naming the limit. The
defaults are generous for real reports (a large one is 2 MB, 40 pages) and
small enough that a hostile file cannot take the machine down.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, fields, replace

from .errors import LimitExceeded

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_bytes: int = 200 * MB  # the input file itself
    max_zip_entries: int = 5000  # members of a .docx/.xlsx container
    max_unzipped_bytes: int = 500 * MB  # all members read, decompressed
    # One XML part decompressed, or an HTML page. The parsed tree takes up to
    # ~20x the text (hostile dense markup), so this bounds peak memory (< 1 GB);
    # a 40-page report's document.xml is 1-3 MB.
    max_xml_bytes: int = 24 * MB
    max_pages: int = 2000  # PDF pages
    max_chars_per_page: int = 200_000  # PDF characters on one page
    max_chars: int = 2_000_000  # PDF characters in the whole document (~250 bytes each in memory)
    max_seconds: float = 120.0  # wall time for one document
    # Cells of one table (a workbook sheet's used area, merges clipped to it): a
    # real form sheet has a few thousand; 16,384 columns × many rows is not one.
    max_cells_per_table: int = 500_000
    # Table cells in the whole document (.docx, HTML, PDF): a unit's file of
    # 100 project forms has ~20,000; past this the layout's cost, not the
    # report, is what grows (3.3M empty w:tc in a 92 KB .docx took 1.5 GB).
    max_cells: int = 200_000
    # Paragraphs of a .docx, in cells too: a 40-page report has ~2,000; 3M
    # empty w:p (a 26 KB file) took 1.7 GB.
    max_paragraphs: int = 500_000
    # PDF ruling segments in the whole document: a ruled form page has a few
    # hundred; 2000 pages × 9000 (a 508 KB file) took 2.7 GB to lay out.
    max_segments: int = 1_000_000
    # OCR (the ``ocr`` extra): "auto" reads pages without a usable text layer,
    # "always" every page, "never" none (an image-only PDF is then ScannedPDF).
    ocr: str = "auto"
    max_ocr_pages: int = 50  # pages OCR'd in one document (~1-4 s each)
    max_ocr_pixels: int = 16_000_000  # one rendered page (A4 at 200 dpi: 3.9 M); larger pages render coarser
    max_image_pixels: int = 100_000_000  # one image embedded in a page, decoded (decompression bombs)

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def with_overrides(self, **kw) -> "Limits":
        return replace(self, **{k: v for k, v in kw.items() if v is not None})


DEFAULT = Limits()


class Deadline:
    """Cooperative time limit: readers call ``check()`` inside their loops."""

    __slots__ = ("_end", "_seconds")

    def __init__(self, seconds: float):
        self._seconds = seconds
        self._end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self._end:
            raise LimitExceeded("max_seconds", f"document took longer than {self._seconds:g} s")
