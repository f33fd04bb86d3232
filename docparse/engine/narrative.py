"""The free-text report after the form, as a tree of numbered sections.

A paragraph is a heading when it starts with a level's numbering (一、 /
（一） / 1、 / （1）) and is short enough to be a title rather than a list
item, when Word numbered it or styled it as a heading, or when it is one of the
known headings printed without numbering (单位概况). Levels come from the
numbering style, not from nesting depth, so a 1、 straight under 一、 is
still level 3.
"""

from __future__ import annotations

from ..models import Section
from ..text import clean, fold
from .rows import Row
from .spec import Spec
from .trace import Trace


def heading_of(text: str, spec: Spec, outline: int | None = None) -> tuple[int, str | None, str] | None:
    """(level, number, heading) when ``text`` is a heading, else None."""
    t = text.strip()
    if not t:
        return None
    for level, pat in spec.levels:
        m = pat.match(t)
        if m:
            rest = t[m.end():].strip()
            if rest and _short(rest, spec):
                return level, "".join(m.group("number").split()), rest
            return None
    if len(t) > 3 * spec.max_heading_chars:  # body text: not worth folding to find out
        return None
    key = fold(t).rstrip(":")
    if key in spec.unnumbered:
        return 1, None, t
    if outline is not None and outline <= 4 and _short(t, spec):
        return outline, None, t
    return None


def _short(rest: str, spec: Spec) -> bool:
    """A title: not long, and at most one sentence (a final 。 is allowed)."""
    if len(rest) > 3 * spec.max_heading_chars:  # even with padding between its characters
        return False
    k = fold(rest)
    if len(k) > spec.max_heading_chars:
        return False
    body = k.rstrip("。.;；")
    return "。" not in body and "；" not in body and ";" not in body


def find_title(rows: list[Row], spec: Spec) -> int | None:
    """Index of the report's title line among the rows after the form."""
    for i, row in enumerate(rows):
        if row.table is not None:
            continue
        t = row.cells[0].text
        k = fold(t)
        if heading_of(t, spec) is not None:
            return None
        if len(k) <= 80 and any(n in k for n in spec.title_contains):
            return i
    return None


def extract_narrative(rows: list[Row], spec: Spec, trace: Trace) -> list[Section]:
    roots: list[Section] = []
    stack: list[Section] = []
    texts: dict[int, list[str]] = {}
    path: dict[int, str] = {}
    for row in rows:
        if row.table is not None:
            line = "\t".join(c.text.strip() for c in row.cells)
            if stack:
                texts.setdefault(id(stack[-1]), []).append(line)
            continue
        p = row.paragraph
        h = heading_of(p.text, spec, p.outline_level)
        if h is None:
            if stack:
                texts.setdefault(id(stack[-1]), []).append(p.text)
            continue
        level, number, heading = h
        sec = Section(number=number, heading=heading, level=level)
        while stack and stack[-1].level >= level:
            stack.pop()
        siblings = stack[-1].children if stack else roots
        pointer = f"{path[id(stack[-1])]}/children/{len(siblings)}" if stack else f"/narrative/{len(roots)}"
        siblings.append(sec)
        path[id(sec)] = pointer
        trace.note(pointer + "/heading", row)
        stack.append(sec)
    _fill(roots, texts)
    return roots


def _fill(sections: list[Section], texts: dict[int, list[str]]) -> None:
    for s in sections:
        s.text = clean("\n".join(texts.get(id(s), [])))
        _fill(s.children, texts)
