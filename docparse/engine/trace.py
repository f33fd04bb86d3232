"""Provenance and warnings collected while extracting.

Extractors record, for each value they emit, the JSON pointer it will have in
the report and the cell or paragraph it came from; and, for each value they
could not read cleanly, a warning with a location a person can find.
"""

from __future__ import annotations

from ..document import LOW_CONFIDENCE, Cell
from ..models import Origin, Warning
from .rows import Row


def where(row: Row | None, cell: Cell | None = None) -> str:
    """Human location: ``table 1 row 12 col 3`` or ``paragraph 40``."""
    if row is None:
        return "document"
    if row.table is None:
        loc = f"paragraph {row.block}"
    else:
        loc = f"table {row.table_index} row {row.r}"
        if cell is not None:
            loc += f" col {cell.col}"
    # No page here: a warning must read the same for a .docx and its PDF;
    # pages and boxes are in the provenance.
    return loc


class Trace:
    def __init__(self):
        self._notes: dict[str, tuple[Row, Cell | None]] = {}
        self.warnings: list[Warning] = []

    def note(self, pointer: str, row: Row | None, cell: Cell | None = None) -> None:
        if row is not None:
            self._notes[pointer] = (row, cell or (row.cells[0] if row.cells else None))

    def location(self, pointer: str) -> str | None:
        """Where the value at ``pointer`` was read, for a person: ``table 3 row 4 col 8, page 2``."""
        hit = self._notes.get(pointer)
        if hit is None:
            return None
        row, cell = hit
        loc = where(row, cell)
        sheet = getattr(row.table, "sheet", None)  # workbooks: the sheet a person opens
        if sheet:
            loc = f"sheet {sheet}, {loc}"
        page = cell.page if cell is not None else None
        return f"{loc}, page {page}" if page is not None else loc

    def origins(self) -> dict[str, Origin]:
        """Provenance, built only when asked for (most callers never are)."""
        out = {}
        for pointer, (row, c) in self._notes.items():
            out[pointer] = Origin(
                block=row.block,
                table=row.table_index,
                row=row.r,
                col=None if row.table is None or c is None else c.col,
                paragraph=row.block if row.table is None else None,
                page=None if c is None else c.page,
                bbox=None if c is None else c.bbox,
            )
        return out

    def warn(self, code: str, message: str, row: Row | None = None, cell: Cell | None = None,
             location: str | None = None) -> None:
        self.warnings.append(Warning(code=code, message=message, location=location or where(row, cell)))

    def doubtful(self, cell: Cell | None, what: str, row: Row | None = None) -> bool:
        """A number in ``cell`` read by OCR with low confidence: warn and do not take it."""
        conf = None if cell is None else cell.confidence
        if conf is None or conf >= LOW_CONFIDENCE or not (cell.text or "").strip():
            return False
        self.warn("ocr.low_confidence", f"{what}: {cell.text.strip()[:40]!r} read by OCR with confidence "
                  f"{conf:.2f}; left null, read it off the scan", row, cell)
        return True
