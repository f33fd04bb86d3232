"""The form as one stream of rows, whatever the layout.

Real forms come as one big table, as several tables, or as tables with their
section titles as paragraphs in between. Extractors should not care, so every
table row becomes a ``Row`` of its distinct cells, and every paragraph a
one-cell ``Row``; section extractors then scan rows between anchors.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..document import Cell, Document, Paragraph, Table
from ..text import fold

_LABEL_MAX = 200  # characters; longer cells are values (a 3,000-character 总体运行情况)


@dataclass(slots=True)
class Row:
    cells: list[Cell]
    block: int  # index of the block in Document.blocks
    table: Table | None = None  # None for a paragraph row
    table_index: int | None = None
    r: int | None = None  # row index in the table
    paragraph: Paragraph | None = None
    line: list[Cell | None] | None = None  # the table's grid row: the cell over each column
    _keys: list[str] | None = None

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    @property
    def keys(self) -> list[str]:
        """Folded cell texts for label and anchor search; a long text is no label."""
        if self._keys is None:
            self._keys = [fold(c.text) if len(c.text) <= _LABEL_MAX else "" for c in self.cells]
        return self._keys

    def is_title(self) -> bool:
        """A paragraph, or a table row that is one cell across the whole table."""
        if self.table is None:
            return True
        return len(self.cells) == 1 and self.cells[0].colspan >= self.table.n_cols

    def cell_at(self, col: int) -> Cell | None:
        """The cell of this row covering grid column ``col``."""
        line = self.line
        if line is None:
            return self.cells[0] if col == 0 else None
        return line[col] if 0 <= col < len(line) else None

    def after(self, cell: Cell) -> Cell | None:
        """The next distinct cell to the right of ``cell`` in this row."""
        for i, c in enumerate(self.cells):
            if c is cell:
                return self.cells[i + 1] if i + 1 < len(self.cells) else None
        return None


def build_rows(doc: Document) -> list[Row]:
    rows: list[Row] = []
    t_index = 0
    for i, b in enumerate(doc.blocks):
        if isinstance(b, Table):
            grid = b.grid()
            for r, cells in enumerate(b.rows()):
                if cells:
                    rows.append(Row(cells, i, b, t_index, r, line=grid[r]))
            t_index += 1
        else:
            rows.append(Row([Cell(0, 0, b.text, page=b.page, bbox=b.bbox)], i, paragraph=b))
    return rows


def find_row(rows: list[Row], needles: list[str], start: int = 0, end: int | None = None,
             titles_only: bool = False) -> int | None:
    """Index of the first row with a cell whose folded text contains a needle."""
    end = len(rows) if end is None else end
    for i in range(start, end):
        row = rows[i]
        if titles_only and not row.is_title():
            continue
        for k in row.keys:
            if any(n in k for n in needles):
                return i
    return None
