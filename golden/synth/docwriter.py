"""A neutral ``Document`` (paragraphs and tables of merged cells) written as a .docx.

The form goldens (``golden/forms.py``) are written as the reader should see
them: each ``Table`` becomes a Word table on an even grid whose merges are
real ``gridSpan``/``vMerge``, each ``Paragraph`` a paragraph (a ``\\n`` a line
break). The output is deterministic, like ``build_docx``.
"""

from __future__ import annotations

import io

import docx

from docparse.document import Paragraph, Table

from .ooxml import TEXT_WIDTH, C, W, para, repack, table, widths


def _rows(t: Table) -> list[list[C]]:
    col_w = widths([1] * t.n_cols, TEXT_WIDTH)
    grid = t.grid()
    out = []
    for r in range(t.n_rows):
        line, c = [], 0
        while c < t.n_cols:
            cell = grid[r][c]
            if cell is None:  # an unfilled slot: an empty cell of its own
                line.append(C("", col_w[c]))
                c += 1
                continue
            span = min(cell.colspan, t.n_cols - cell.col)
            w = sum(col_w[cell.col:cell.col + span])
            if cell.row == r:
                line.append(C(cell.text, w, vmerge="restart" if cell.rowspan > 1 else None))
            else:
                line.append(C("", w, vmerge="continue"))
            c = cell.col + span
        out.append(line)
    return out


def document_docx(blocks: list) -> bytes:
    d = docx.Document()
    body = d.element.body
    for p in list(body.iterchildren(W + "p")):
        body.remove(p)
    sect = body.find(W + "sectPr")
    for b in blocks:
        if isinstance(b, Table):
            sect.addprevious(table(_rows(b)))
            sect.addprevious(para(""))  # Word keeps two tables apart with a paragraph
        elif isinstance(b, Paragraph):
            short = len(b.text) <= 30 and "：" not in b.text
            sect.addprevious(para(b.text, bold=short and "自评" in b.text, size=32 if "自评" in b.text and short else None,
                                  align="center" if short and "自评" in b.text else None))
    buf = io.BytesIO()
    d.save(buf)
    return repack(buf.getvalue())
