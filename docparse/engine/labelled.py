"""Label → value pairs: the 基本概况 block and the cover page.

A label is a cell (or paragraph) whose folded text is a known variant; its
value is the next cell in the row, or the text after the colon when label and
value share a cell or a paragraph (``部门(单位)名称：岳阳县…``).
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from ..document import Cell
from ..text import fold
from .rows import Row
from .spec import Labels

_COLON = regex.compile(r"[:：]")


def pairs(rows: list[Row], labels: Labels) -> Iterator[tuple[str, str, Row, Cell, Cell | None]]:
    """(field, raw value text, row, label cell, value cell) for each label found.

    For an inline ``label：value`` the value cell is the label cell itself.
    """
    for row in rows:
        for cell in row.cells:
            name = labels.match(cell.text)
            if name is not None:
                nxt = row.after(cell)
                if nxt is not None and labels.match(nxt.text) is None:
                    yield name, nxt.text, row, cell, nxt
                else:
                    yield name, "", row, cell, None
                continue
            # Inline "label：value" (cover paragraphs, some overview cells).
            text = cell.text.strip()
            m = _COLON.search(text)
            if m and m.start() > 0:
                name = labels.match(text[: m.start()])
                if name is not None:
                    yield name, text[m.end():], row, cell, cell


def unknown_pairs(rows: list[Row], labels: Labels) -> Iterator[tuple[str, str]]:
    """Label/value cell pairs in label rows whose label the spec does not know."""
    for row in rows:
        if row.table is None or len(row.cells) < 2 or len(row.cells) % 2:
            continue
        if not any(labels.match(c.text) for c in row.cells[::2]):
            continue
        for label, value in zip(row.cells[::2], row.cells[1::2]):
            if labels.match(label.text) is None and fold(label.text) and len(fold(label.text)) <= 20:
                yield label.text, value.text
