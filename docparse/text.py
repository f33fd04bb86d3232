"""Text normalisation and exact number parsing, shared by readers and extractors.

Two kinds of text leave here:
- ``fold(s)``: a matching key — NFKC (full-width → half-width), no white space
  at all, unified quotes and dashes. Labels are compared by their keys, so
  ``公共财\\n\\n政拨款`` and ``公共财政拨款`` are the same label.
- ``clean(s)``: text for output — as printed, lines stripped, blank lines
  dropped.

Amounts never touch ``float``: ``parse_amount`` goes from the cell text to a
``Decimal`` that keeps the printed digits (``"9584.256820"`` stays so).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import regex

_WS = regex.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_QUOTES = {"“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-", "−": "-", "﹣": "-"}
# Full-width ASCII (！ to ～) is what NFKC changes in Chinese report text; a
# translate table does it in one C pass. Text with anything else in it (①,
# ㎡, compatibility ideographs, …) takes the full NFKC.
_TABLE = str.maketrans({**{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}, **_QUOTES})
# Stdlib ``re`` for these two: plain character classes, where it is several times faster than ``regex``.
_NFKC_SAFE = re.compile(r"[\x00-\x7f\u4e00-\u9fff\u3000-\u3035\u303b-\u303f\uff01-\uff5e\u2018\u2019\u201c\u201d\u2013\u2014\s]*")
_MAPPED = re.compile("[\uff01-\uff5e" + "".join(_QUOTES) + "]")


def fold(s: str | None) -> str:
    """Matching key: NFKC, no white space, plain quotes and dashes."""
    if not s:
        return ""
    return _fold(s)


# Extractors fold the same cell texts and labels over and over (every label
# lookup, every anchor search), so remember recent keys.
@lru_cache(maxsize=16384)
def _fold(s: str) -> str:
    # str.split() drops every Unicode white space character in C.
    if s.isascii():  # amounts, years, codes: NFKC and the table change nothing
        return "".join(s.split())
    if _NFKC_SAFE.fullmatch(s) is None:
        s = unicodedata.normalize("NFKC", s)
    s = "".join(s.split())
    if "\u200b" in s or "\ufeff" in s:  # zero-width, but not white space to str.split()
        s = s.replace("\u200b", "").replace("\ufeff", "")
    return s.translate(_TABLE) if _MAPPED.search(s) else s


_INLINE_WS = re.compile(r"[ \t\u3000\u00a0]+")
# White space next to a CJK character or full-width punctuation is alignment
# padding (Word users space-align with runs of blanks), not content; a PDF
# of the same page does not even have it. Between Latin words it is kept.
_CJK_PAD = regex.compile(r"(?<=[\p{Han}\p{InCJK_Symbols_and_Punctuation}\uff00-\uffef]) | (?=[\p{Han}\p{InCJK_Symbols_and_Punctuation}\uff00-\uffef])")


def clean(s: str | None) -> str | None:
    """Output text: lines stripped, padding collapsed, blank lines dropped; None when empty."""
    if s is None:
        return None
    if "\n" not in s:  # one line: most cells
        return _clean_line(s) or None
    lines = (_clean_line(ln) for ln in s.replace("\r\n", "\n").split("\n"))
    out = "\n".join(ln for ln in lines if ln)
    return out or None


def _clean_line(ln: str) -> str:
    if " " not in ln and ln.isprintable():  # no white space of any kind: nothing to do
        return ln
    return _CJK_PAD.sub("", _INLINE_WS.sub(" ", ln)).strip()


def squash(s: str | None) -> str | None:
    """Text with all inner white space removed (person names: ``邹  文`` → ``邹文``)."""
    if s is None:
        return None
    return _WS.sub("", s) or None


# Placeholders printed in empty amount cells; they mean "nothing", not zero.
_EMPTY_MARKS = {"", "-", "--", "/", "无", "——", "—", "…", "...", "……", "......"}
_NUMBER = regex.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


class NotANumber(ValueError):
    """The cell has text but it is not an amount."""


def parse_amount(text: str | None) -> Decimal | None:
    """The exact Decimal printed in a cell, None for an empty cell.

    Full-width digits and separators are normalised, thousands separators
    dropped, a trailing unit (元/万元) ignored, accounting parentheses read as a
    minus sign. Raises NotANumber for text that is not an amount.
    """
    if text is None:
        return None
    if text.isascii():  # the common case, without the folding a CJK text needs
        s = "".join(text.split())
        if _PLAIN_NUMBER.fullmatch(s):
            return Decimal(s)
    s = fold(text)
    if s in _EMPTY_MARKS:
        return None
    for unit in ("万元", "元"):
        if s.endswith(unit):
            s = s[: -len(unit)]
            break
    neg = False
    if s.startswith("(") and s.endswith(")"):
        neg, s = True, s[1:-1]
    s = s.replace(",", "").replace("，", "").replace("'", "")
    if not _NUMBER.match(s):
        raise NotANumber(text)
    if neg:
        s = "-" + s.lstrip("+")
    try:
        return Decimal(s)
    except InvalidOperation:  # pragma: no cover - the regex already vetted it
        raise NotANumber(text) from None


def parse_int(text: str | None) -> int | None:
    """A whole count such as 人员编制 (``38``, ``38人``); None when empty."""
    if text is None:
        return None
    s = fold(text)
    for unit in ("人", "名", "个"):
        if s.endswith(unit):
            s = s[: -len(unit)]
    if s in _EMPTY_MARKS:
        return None
    # isdecimal, not isdigit: int() refuses "²"-like digits; and no count has
    # 19+ digits (int() refuses > 4300 of them outright).
    if not s.isdecimal() or len(s) > 18:
        raise NotANumber(text)
    return int(s)
