"""The neutral document every reader produces and every extractor consumes.

A ``Document`` is an ordered list of blocks: ``Paragraph`` and ``Table``.
A table is a set of ``Cell`` objects placed on a grid: each cell knows its
top-left ``row``/``col`` and its ``rowspan``/``colspan``, so a merged cell is
one object, not several copies. PDF readers also fill ``page`` (1-based) and
``bbox`` (x0, top, x1, bottom in PDF points, origin top-left).

Readers know formats, not reports; nothing here knows what a report is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Union

BBox = tuple[float, float, float, float]
# A cell read by OCR below this confidence is doubtful: its number is not
# taken (null with a warning). Measured in bench/ocr_bench.py: cells read
# right score 0.99+; the misreads seen scored lower.
LOW_CONFIDENCE = 0.85


@dataclass(slots=True)
class Paragraph:
    text: str
    style: str | None = None  # the style name, e.g. "Heading 1"
    outline_level: int | None = None  # 1-based heading level from the style, if any
    numbered: bool = False  # the number in ``text`` came from Word auto-numbering
    page: int | None = None
    bbox: BBox | None = None
    kind = "paragraph"


@dataclass(slots=True)
class Cell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    page: int | None = None
    bbox: BBox | None = None
    # workbooks: the stored value as text and its number format, and whether a formula made it
    raw: str | None = None
    number_format: str | None = None
    formula: bool = False
    # OCR'd pages: the recognition score of the cell's worst text line (0-1), and "ocr"
    confidence: float | None = None
    origin: str | None = None


@dataclass(slots=True)
class Table:
    cells: list[Cell]
    n_rows: int
    n_cols: int
    page: int | None = None
    bbox: BBox | None = None
    sheet: str | None = None  # workbooks: the sheet this table is
    hidden: bool = False  # workbooks: a hidden sheet
    kind = "table"
    _grid: list[list[Cell | None]] | None = field(default=None, repr=False, compare=False)

    def grid(self) -> list[list[Cell | None]]:
        """Row-major grid; a merged cell appears in every slot it covers."""
        if self._grid is None:
            n_rows, n_cols = self.n_rows, self.n_cols
            g: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
            for c in self.cells:
                k0 = c.col
                if k0 >= n_cols:
                    continue
                k1 = min(k0 + c.colspan, n_cols)
                span = [c] * (k1 - k0)
                for line in g[c.row:c.row + c.rowspan]:
                    line[k0:k1] = span
            self._grid = g
        return self._grid

    def rows(self) -> list[list[Cell]]:
        """Each grid row as its distinct cells, left to right.

        A vertically merged cell is listed in every row it spans, so callers
        can see that a row's first column belongs to a larger label.
        """
        out = []
        for line in self.grid():
            seen: list[Cell] = []
            for c in line:
                if c is not None and (not seen or seen[-1] is not c):
                    seen.append(c)
            out.append(seen)
        return out


Block = Union[Paragraph, Table]


@dataclass(slots=True)
class ReaderWarning:
    """Something a reader could not read cleanly; it reaches ``Report.warnings``."""

    code: str
    message: str
    location: str | None = None


@dataclass(slots=True)
class Document:
    blocks: list[Block]
    format: str  # "docx", "pdf", "doc", "html", "xlsx", "xls"
    pages: int | None = None
    warnings: list[ReaderWarning] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # 1-based pages read by OCR

    def tables(self) -> Iterator[tuple[int, Table]]:
        for i, b in enumerate(self.blocks):
            if isinstance(b, Table):
                yield i, b
