"""Word auto-numbering rendered as Word displays it.

A heading such as ``一、单位概况`` often has its ``一、`` only in
``numbering.xml`` (``w:numPr`` on the paragraph or its style); a plain text dump
loses it. ``Numberer`` replays the list counters in document order and returns
the label for each numbered paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN = "〇一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PAREN = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_MAX_LEVEL = 8  # Word lists have levels 0-8
_MAX_START = 32767  # Word's largest list start value


def _chinese_counting(n: int) -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")
    return str(n)


def _roman(n: int) -> str:
    vals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
            (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def _letter(n: int) -> str:
    if n <= 0:
        return str(n)
    q, r = divmod(n - 1, 26)
    return chr(ord("a") + r) * (q + 1)


def format_number(n: int, fmt: str) -> str:
    """One counter value in a Word ``numFmt``."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "chineseLegalSimplified"):
        return _chinese_counting(n)
    if fmt in ("ideographDigital", "japaneseDigitalTenThousand", "taiwaneseDigital"):
        return "".join(_CN[int(d)] for d in str(n))
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "decimalEnclosedFullstop") and 0 < n <= 20:
        return _CIRCLED[n - 1]
    if fmt == "decimalEnclosedParen" and 0 < n <= 20:
        return _PAREN[n - 1]
    if fmt == "ideographTraditional" and 0 < n <= 10:
        return _TIANGAN[n - 1]
    if fmt == "ideographZodiac" and 0 < n <= 12:
        return _DIZHI[n - 1]
    if fmt == "lowerLetter":
        return _letter(n)
    if fmt == "upperLetter":
        return _letter(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


@dataclass(slots=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None  # w:lvlRestart: reset when this (1-based) level advances
    legal: bool = False


def _attr(el, name: str, default=None):
    if el is None:
        return default
    return el.get(W + name, default)


def _int(value, default: int, lo: int, hi: int) -> int:
    """A numeric attribute clamped to what Word allows; junk reads as the default.
    (An unchecked ilvl or start from a hostile file would drive loops.)"""
    try:
        return min(max(int(value), lo), hi)
    except (TypeError, ValueError):
        return default


def _parse_levels(parent) -> dict[int, _Level]:
    levels = {}
    for lvl in parent.iterchildren(W + "lvl"):
        ilvl = _int(_attr(lvl, "ilvl", "0"), -1, -1, _MAX_LEVEL + 1)
        if not 0 <= ilvl <= _MAX_LEVEL:
            continue
        lv = _Level()
        if (s := lvl.find(W + "start")) is not None:
            lv.start = _int(_attr(s, "val", "1"), 1, 0, _MAX_START)
        if (f := lvl.find(W + "numFmt")) is not None:
            lv.fmt = _attr(f, "val", "decimal")
        if (t := lvl.find(W + "lvlText")) is not None:
            lv.text = _attr(t, "val", "")
        if (r := lvl.find(W + "lvlRestart")) is not None:
            lv.restart = _int(_attr(r, "val", "0"), 0, 0, _MAX_LEVEL + 1)
        lv.legal = lvl.find(W + "isLgl") is not None
        levels[ilvl] = lv
    return levels


class Numberer:
    """Replays Word list counters; ``label(num_id, ilvl)`` for each numbered paragraph."""

    def __init__(self, root: etree._Element | None):
        self._abstract: dict[str, dict[int, _Level]] = {}
        self._nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._started: set[str] = set()
        if root is None:
            return
        for an in root.iterchildren(W + "abstractNum"):
            self._abstract[_attr(an, "abstractNumId")] = _parse_levels(an)
        for num in root.iterchildren(W + "num"):
            aid = _attr(num.find(W + "abstractNumId"), "val")
            starts, lvls = {}, {}
            for ov in num.iterchildren(W + "lvlOverride"):
                ilvl = _int(_attr(ov, "ilvl", "0"), -1, -1, _MAX_LEVEL + 1)
                if not 0 <= ilvl <= _MAX_LEVEL:
                    continue
                if (so := ov.find(W + "startOverride")) is not None:
                    starts[ilvl] = _int(_attr(so, "val", "1"), 1, 0, _MAX_START)
                lvls.update(_parse_levels(ov))
            self._nums[_attr(num, "numId")] = (aid, starts, lvls)

    def label(self, num_id: str, ilvl: int) -> str | None:
        entry = self._nums.get(num_id)
        if entry is None:
            return None
        aid, starts, over = entry
        levels = {**self._abstract.get(aid, {}), **over}
        if not 0 <= ilvl <= _MAX_LEVEL:
            return None
        lv = levels.get(ilvl)
        if lv is None or lv.fmt == "bullet":
            return None
        counters = self._counters.setdefault(aid, {})
        if num_id not in self._started:
            # A num with startOverride is a restarted list instance.
            self._started.add(num_id)
            for k, v in starts.items():
                counters[k] = v - 1
        counters[ilvl] = counters.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper in list(counters):
            if deeper > ilvl:
                dl = levels.get(deeper)
                if dl is None or dl.restart is None or dl.restart > ilvl:
                    del counters[deeper]
        out = lv.text
        for k in range(ilvl, -1, -1):
            token = f"%{k + 1}"
            if token in out:
                kl = levels.get(k, _Level())
                n = counters.get(k, kl.start)
                fmt = "decimal" if (lv.legal and k != ilvl) else kl.fmt
                out = out.replace(token, format_number(n, fmt))
        return out
