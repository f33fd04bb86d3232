"""The shared parts of the 自评表 forms: labelled fields, the budget block,
the 年度总体目标 goals, the indicator table and the 总分 row.

Project forms, department forms and their regional layouts are the same few
parts in different arrangements. Each part has a small config (from
``extractors/_forms.toml`` and the template's own tables), is located on its
own by its anchors, and reads the rows from its anchor to the next part's;
``extract_form`` puts the parts of one form instance together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

import regex

from ..document import Cell
from ..models import BudgetLine, Indicator
from ..text import NotANumber, clean, fold, parse_amount
from .rows import Row
from .spec import Labels, SpecReader, label_key
from .trace import Trace

_LABEL_KEY_MAX = 30  # a caption or label is short; a longer cell is a value
_COLON = re.compile(r"[:：]")
_PAREN_NOTE = re.compile(r"\s*[（(].*$", re.S)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def _fz(xs: list[str]) -> list[str]:
    return [fold(x) for x in xs]


def _contains(key: str, needles: list[str]) -> bool:
    return bool(key) and len(key) <= _LABEL_KEY_MAX and any(n in key for n in needles)


@dataclass
class BudgetConfig:
    anchors: list[str]
    units: list[str]
    basis: dict[str, list[str]]
    prefixes: list[str]
    placeholders: set[str]
    columns: Labels
    kinds: Labels

    @classmethod
    def read(cls, r: SpecReader) -> "BudgetConfig":
        return cls(_fz(r.strings("anchors_contains")), r.strings("units"),
                   {"income": _fz(r.strings("basis_income_contains")),
                    "expenditure": _fz(r.strings("basis_expenditure_contains"))},
                   r.strings("prefixes"), {fold(x) for x in r.strings("placeholders")},
                   r.labels("columns"), r.labels("kinds"))


@dataclass
class GoalsConfig:
    anchors: list[str]
    labels: Labels  # goals / completion
    markers: list[regex.Pattern]

    @classmethod
    def read(cls, r: SpecReader) -> "GoalsConfig":
        markers = [regex.compile(m) for m in r.strings("item_markers")]
        return cls(_fz(r.strings("anchors_contains")),
                   Labels({"goals": r.strings("goals"), "completion": r.strings("completion")}), markers)


@dataclass
class IndicatorConfig:
    captions: list[str]
    item_marker: regex.Pattern
    placeholders: set[str]
    level_weight: regex.Pattern
    columns: Labels

    @classmethod
    def read(cls, r: SpecReader) -> "IndicatorConfig":
        return cls(_fz(r.strings("caption_contains")), r.pattern("item_marker"),
                   {fold(x) for x in r.strings("placeholders")}, r.pattern("level_weight"), r.labels("columns"))


@dataclass
class TotalConfig:
    labels: Labels  # total row / score / grade
    suffixes: list[str]

    @classmethod
    def read(cls, r: SpecReader) -> "TotalConfig":
        return cls(Labels({"total": r.strings("labels"), "score": r.strings("score"), "grade": r.strings("grade")}),
                   r.strings("suffixes", []))


@dataclass
class FormConfig:
    names: list[str]  # the form's own title (项目支出绩效自评表)
    fields: Labels
    ignore: list[str]
    pair_split: regex.Pattern | None  # where a known label follows a value with no space
    budget: BudgetConfig
    goals: GoalsConfig
    indicators: IndicatorConfig
    total: TotalConfig

    @classmethod
    def from_spec(cls, r: SpecReader) -> "FormConfig":
        f = r.table("fields")
        ignore = _fz(f.strings("ignore_contains", []))
        pair_labels = f.strings("pair_labels", [])
        fields = Labels({k: f.strings(k) for k in f.data if k not in ("ignore_contains", "pair_labels")})
        names = _fz(r.table("instance").strings("names"))
        split = regex.compile(rf"(?<=\S)(?=(?:{'|'.join(map(regex.escape, pair_labels))})\s*[:：])") if pair_labels else None
        return cls(names, fields, ignore, split, BudgetConfig.read(r.table("budget")), GoalsConfig.read(r.table("goals")),
                   IndicatorConfig.read(r.table("indicators")), TotalConfig.read(r.table("total")))


@dataclass
class FormResult:
    """One form instance, before it becomes a ProjectEvaluation or a SelfEvaluation."""

    fields: dict[str, str] = field(default_factory=dict)
    extras: dict[str, str] = field(default_factory=dict)
    title: str | None = None
    fiscal_year: int | None = None
    budget_unit: str | None = None
    budget: list[BudgetLine] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    completion: str | None = None
    indicators: list[Indicator] = field(default_factory=list)
    score: Decimal | None = None
    max_score: Decimal | None = None
    grade: str | None = None
    parts: set[str] = field(default_factory=set)  # the parts found


# --- locating the parts ---------------------------------------------------------

def _is_budget_header(row: Row, cfg: BudgetConfig) -> bool:
    return sum(1 for k in row.keys if cfg.columns.match_key(k)) >= 2


def _indicator_header(row: Row, cfg: IndicatorConfig) -> dict[str, Cell] | None:
    """field → header cell, when ``row`` is the indicator table's header."""
    cols: dict[str, Cell] = {}
    for c, key in zip(row.cells, row.keys):
        if c.row < (row.r or 0):  # a caption spanning down from above
            continue
        f = cfg.columns.match_key(key)
        if f and f not in cols:
            cols[f] = c
    if len(cols) >= 3 and ("name" in cols or "level1" in cols or "level2" in cols):
        return cols
    return None


def _row_label(row: Row) -> Cell | None:
    """The first cell that starts in this row (not a caption merged from above)."""
    for c in row.cells:
        if row.table is None or c.row == row.r:
            return c
    return None


def locate(rows: list[Row], cfg: FormConfig) -> dict[str, int]:
    """Row index where each part starts (only the parts found)."""
    at: dict[str, int] = {}
    for i, row in enumerate(rows):
        keys = row.keys
        if "budget" not in at:
            if any(_contains(k, cfg.budget.anchors) for k in keys) or _is_budget_header(row, cfg.budget):
                # the caption of a block of amounts, not a passing mention
                if any(_is_budget_header(r, cfg.budget) or _inline_items(r, cfg.budget) for r in rows[i:i + 4]):
                    at["budget"] = i
        if "goals" not in at and row.table is not None:
            if any(_contains(k, cfg.goals.anchors) or cfg.goals.labels.match_key(k) for k in keys):
                at["goals"] = i
        if "indicators" not in at:
            if _indicator_header(row, cfg.indicators):
                # a caption row of its own just above the header (绩效指标（90分）) belongs to it
                cap = i - 1 if i > 0 and rows[i - 1].is_title() and _contains(
                    rows[i - 1].keys[0], cfg.indicators.captions) else i
                at["indicators"] = cap
        elif "total" not in at:
            lab = _row_label(row)
            if lab is not None and cfg.total.labels.match(lab.text) == "total":
                at["total"] = i
    return at


# --- the parts --------------------------------------------------------------------

def _unit_in(text: str | None, units: list[str]) -> str | None:
    k = fold(text)
    for u in sorted(units, key=len, reverse=True):
        if f"({u})" in k or f"单位:{u}" in k or k.endswith(u) and "单位" in k:
            return u
    return None


def _strip_prefix(label: str, prefixes: list[str]) -> str:
    t = label.strip()
    changed = True
    while changed:
        changed = False
        for p in prefixes:
            if t.startswith(p):
                t = t[len(p):].strip()
                changed = True
    return t.rstrip(":：").strip()


_INLINE_ITEM = regex.compile(r"^(?P<label>[^\d:：]+?)\s*[:：]\s*(?P<value>.*)$")


def _inline_items(row: Row, cfg: BudgetConfig) -> bool:
    return any(_contains(k, cfg.basis["income"] + cfg.basis["expenditure"]) for k in row.keys)


def _amount(text: str | None, placeholders: set[str], trace: Trace, what: str, row: Row, cell: Cell | None,
            suffixes: tuple[str, ...] = ()) -> Decimal | None:
    t = clean(text)
    if not t or fold(t) in placeholders:
        return None
    if trace.doubtful(cell, what, row):
        return None
    for s in suffixes:
        t = t.removesuffix(s)
    try:
        return parse_amount(t)
    except NotANumber:
        trace.warn("form.not_a_number", f"{what}: {t[:40]!r} is not an amount", row, cell)
        return None


def _column_line(row: Row, label: Cell, cols: dict[str, Cell], cfg: BudgetConfig, trace: Trace, base: str,
                 out: FormResult) -> None:
    """A budget row with its amounts under the header's columns."""
    item = _strip_prefix(clean(label.text).replace("\n", ""), cfg.prefixes)
    line = BudgetLine(item=item, kind=cfg.kinds.match(item))
    idx = len(out.budget)
    for f, hdr in cols.items():
        c = row.cell_at(hdr.col)
        if c is None or c is label:
            continue
        if f == "reason":
            if clean(c.text) and fold(c.text) not in cfg.placeholders:
                out.extras.setdefault(f"{item}原因", clean(c.text))
            continue
        if f == "execution_rate":
            v = clean(c.text)
            v = None if v is None or fold(v) in cfg.placeholders else v.replace("\n", "")
        else:
            v = _amount(c.text, cfg.placeholders, trace, f"budget {item} {f}", row, c, ("分",))
        setattr(line, f, v)
        if v is not None:
            trace.note(f"{base}/budget_execution/{idx}/{f}", row, c)
    trace.note(f"{base}/budget_execution/{idx}/item", row, label)
    out.budget.append(line)


_TRAILING_AMOUNT = regex.compile(r"^(?P<label>.*?[^\d.,，\s])\s*(?P<value>-?[\d,，.]+\s*(?:万元|元)?)$")


class _Inline:
    """Items written with their amount (其中：一般公共预算：1873.66万元) under 按收入性质分 / 按支出性质分.

    A heading's column range gives the items below it their basis; an item may
    share its cell with the amount, or have the amount in the next cell.
    """

    def __init__(self, cfg: BudgetConfig):
        self.cfg = cfg
        self.regions: list[tuple[int, int, str]] = []
        self.last: str | None = None
        self.lines: list[tuple[int, BudgetLine, Row, Cell]] = []

    def read(self, row: Row, cells: list[Cell], trace: Trace) -> None:
        cfg = self.cfg
        k = 0
        while k < len(cells):
            c = cells[k]
            text = clean(c.text) or ""
            nxt = cells[k + 1] if k + 1 < len(cells) else None
            # label | amount in two cells
            if (self.regions and nxt is not None and text and not regex.search(r"\d", text)
                    and _amount_like(nxt.text, cfg)):
                text = f"{text.rstrip(':：')}：{clean(nxt.text) or ''}"
                k += 1
            k += 1
            for piece in regex.split(r"[\n；;]+|\s{2,}", text):
                self._piece(piece, row, c, trace)

    def _piece(self, piece: str, row: Row, c: Cell, trace: Trace) -> None:
        cfg = self.cfg
        k = fold(piece)
        if not k:
            return
        for basis, needles in cfg.basis.items():
            hit = next((n for n in needles if n in k), None)
            if hit:
                self.regions.append((c.col, c.col + c.colspan, basis))
                self.last = basis
                # items may follow the heading in the same piece
                piece = regex.sub(rf"^.*?{regex.escape(hit)}\s*[:：]?", "", piece, count=1)
                break
        piece = piece.strip()
        for p in cfg.prefixes:
            piece = piece.removeprefix(p).strip()
        if not piece:
            return
        m = _INLINE_ITEM.match(piece) or _TRAILING_AMOUNT.match(piece)
        if not m:
            return
        item, value = _strip_prefix(m.group("label"), cfg.prefixes), m.group("value")
        if not item or cfg.kinds.match(item) is None and self.last is None:
            return
        basis = next((b for lo, hi, b in reversed(self.regions) if lo <= c.col < hi), self.last)
        amount = _amount(value, cfg.placeholders, trace, f"budget {item}", row, c)
        line = BudgetLine(item=item, kind=cfg.kinds.match(item), basis=basis, amount=amount)
        self.lines.append((0 if basis == "income" else 1, line, row, c))


def _unit_of_amounts(rows: list[Row], cfg: BudgetConfig) -> str | None:
    found = set()
    for row in rows:
        for c in row.cells:
            k = fold(c.text)
            if k.endswith("元") and _amount_like(c.text, cfg):
                found.add("万元" if k.endswith("万元") else "元")
    return found.pop() if len(found) == 1 else None


def _amount_like(text: str | None, cfg: BudgetConfig) -> bool:
    t = clean(text)
    if not t or fold(t) in cfg.placeholders:
        return True
    try:
        parse_amount(t)
        return True
    except NotANumber:
        return False


def extract_budget(rows: list[Row], cfg: BudgetConfig, title_unit: str | None, trace: Trace, base: str,
                   out: FormResult) -> None:
    anchor: Cell | None = None
    for row in rows[:4]:
        for c in row.cells:
            if _contains(fold(c.text), cfg.anchors):
                anchor = c
                break
        if anchor is not None:
            break
    unit = _unit_in(anchor.text, cfg.units) if anchor is not None else None
    cols: dict[str, Cell] = {}
    data_from = 0
    for i, row in enumerate(rows[:5]):
        if _is_budget_header(row, cfg):
            for c in row.cells:
                f = cfg.columns.match(c.text)
                if f:
                    cols[f] = c
                unit = unit or _unit_in(c.text, cfg.units)
            data_from = i + 1
        elif cols:
            break
    out.budget_unit = unit or title_unit
    first_value_col = min((c.col for c in cols.values()), default=None)
    inline = _Inline(cfg)
    for row in rows[data_from:]:
        cells = [c for c in row.cells if c is not anchor and (row.table is None or c.row == row.r or c.rowspan == 1)]
        if not cells:
            continue
        label = cells[0]
        has_columns = (not inline.regions and first_value_col is not None
                       and label.col + label.colspan <= first_value_col
                       and any(row.cell_at(c.col) is not label for c in cols.values()))
        if has_columns and clean(label.text):
            _column_line(row, label, cols, cfg, trace, base, out)
        else:
            inline.read(row, cells, trace)
    for _, line, row, c in sorted(inline.lines, key=lambda t: t[0]):
        idx = len(out.budget)
        out.budget.append(line)
        trace.note(f"{base}/budget_execution/{idx}/item", row, c)
        if line.amount is not None:
            trace.note(f"{base}/budget_execution/{idx}/amount", row, c)
    if out.budget:
        out.parts.add("budget")
        if out.budget_unit is None:  # no caption says it: the amounts may (4753.66万元)
            out.budget_unit = _unit_of_amounts(rows, cfg)
        if out.budget_unit is None:
            trace.warn("budget.no_unit", "no unit (万元/元) found for the budget block", rows[0])


def _split_goals(text: str | None, cfg: GoalsConfig) -> list[str]:
    t = clean(text)
    if not t:
        return []
    for m in cfg.markers:
        parts = [clean(p) for p in m.split(t)]
        if len(parts) > 1:
            items = [p.strip(" \n") for p in parts if p]
            items = [p for p in items if p and fold(p) not in ("……", "…", "-", "/")]
            if items:
                return items
    return [t]


def extract_goals(rows: list[Row], cfg: GoalsConfig, trace: Trace, base: str, goals_field: str,
                  completion_field: str, out: FormResult) -> None:
    for i, row in enumerate(rows):
        labels = {cfg.labels.match(c.text): c for c in row.cells if c.row == (row.r or 0) or row.table is None}
        labels.pop(None, None)
        if "goals" in labels and "completion" in labels and labels["goals"] is not labels["completion"]:
            # header row: the texts sit below, in the same columns
            acc: dict[str, list[tuple[Row, Cell]]] = {"goals": [], "completion": []}
            for r in rows[i + 1:]:
                for f in acc:
                    c = r.cell_at(labels[f].col)
                    if c is not None and c is not labels[f] and all(c is not x for _, x in acc[f]):
                        acc[f].append((r, c))
            _set_goals(out, acc["goals"], acc["completion"], cfg, trace, base, goals_field, completion_field)
            return
    goals: list[tuple[Row, Cell]] = []
    done: list[tuple[Row, Cell]] = []
    for row in rows:
        for c in row.cells:
            f = cfg.labels.match(c.text)
            if f is None:
                continue
            v = row.after(c)
            if v is not None and cfg.labels.match(v.text) is None:
                (goals if f == "goals" else done).append((row, v))
    _set_goals(out, goals, done, cfg, trace, base, goals_field, completion_field)


def _set_goals(out, goals, done, cfg, trace, base, goals_field, completion_field) -> None:
    for r, c in goals:
        for item in _split_goals(c.text, cfg):
            trace.note(f"{base}/{goals_field}/{len(out.goals)}", r, c)
            out.goals.append(item)
    texts = [clean(c.text) for _, c in done if clean(c.text)]
    if texts:
        out.completion = "\n".join(texts)
        trace.note(f"{base}/{completion_field}", *done[0])
    if goals or done:
        out.parts.add("goals")


def level_name(text: str | None, cfg: IndicatorConfig) -> tuple[str | None, str | None]:
    """产\\n出\\n指\\n标\\n（50分） → (产出指标, 50); 产出目标（部门工作实绩…） → (产出目标, None)."""
    t = clean(text)
    if not t:
        return None, None
    t = "".join(t.split())
    m = cfg.level_weight.match(t)
    if m and m.group("name") and (m.group("name") != t):
        name = m.group("name").rstrip(":：")
        if name and not name[-1].isdigit():
            return name, m.group("weight")
    t = _PAREN_NOTE.sub("", t).strip()
    return t or None, None


def _value(cell: Cell | None, cfg: IndicatorConfig) -> str | None:
    if cell is None:
        return None
    v = clean(cell.text)
    if v is None or fold(v) in cfg.placeholders:
        return None
    return v


def extract_indicators(rows: list[Row], cfg: IndicatorConfig, total: Labels, trace: Trace, base: str,
                       out: FormResult) -> dict[str, Cell] | None:
    """The indicator table; returns the header's columns (the total row reads under them)."""
    start = next((i for i, r in enumerate(rows) if _indicator_header(r, cfg)), None)
    if start is None:
        return None
    header = rows[start]
    cols = _indicator_header(header, cfg)
    assert cols is not None
    # A second header row (指标值 over 年度指标值 | 实际完成值): every cell that starts in it is a header.
    while start + 1 < len(rows):
        nxt = rows[start + 1]
        own = [(c, k) for c, k in zip(nxt.cells, nxt.keys) if c.row == nxt.r]
        if not own or not all(cfg.columns.match_key(k) or not k for _, k in own) or not any(k for _, k in own):
            break
        for c, k in own:
            f = cfg.columns.match_key(k)
            if f:
                cols[f] = c
        start += 1
    known = {id(c) for c in cols.values()}
    first = min(c.col for c in cols.values())
    # other headed columns go to extras; a group header over named columns is none
    extra_cols = [c for c in header.cells if id(c) not in known and c.row == header.r and c.col > first
                  and clean(c.text) and not any(c.col <= k.col < c.col + c.colspan for k in cols.values())]
    out.parts.add("indicators")
    levels: dict[int, tuple[str | None, str | None]] = {}  # a merged level cell spans many rows: read it once

    def level(f: str, row: Row) -> tuple[str | None, str | None]:
        c = row.cell_at(cols[f].col) if f in cols else None
        if c is None:
            return None, None
        if id(c) not in levels:
            levels[id(c)] = level_name(c.text, cfg)
        return levels[id(c)]

    for row in rows[start + 1:]:
        if row.is_title() and row.table is None:
            continue  # a running head or a caption between the pages of a table
        if _indicator_header(row, cfg):
            continue  # the header repeated after a page break
        lab = _row_label(row)
        if lab is not None and lab.col <= first and total.match(lab.text) == "total":
            break
        l1, w1 = level("level1", row)
        l2, w2 = level("level2", row)
        name_cell = row.cell_at(cols["name"].col) if "name" in cols else None
        names = _names(name_cell, cfg)
        if not names:
            continue
        shared: dict[str, tuple[Cell | None, str | None]] = {}
        for f in ("target", "actual", "weight", "score", "note", "unit", "nature"):
            if f in cols:
                c = row.cell_at(cols[f].col)
                shared[f] = (c, _value(c, cfg) if c is not name_cell else None)
        extras = {}
        for h in extra_cols:
            c = row.cell_at(h.col)
            v = _value(c, cfg) if c is not name_cell else None
            if v is not None:
                extras[clean(h.text).replace("\n", "")] = v
        for name in names:
            idx = len(out.indicators)
            out.indicators.append(Indicator(level1=l1, level2=l2, name=name, level1_weight=w1, level2_weight=w2,
                                            extras=dict(extras), **{f: v for f, (_, v) in shared.items()}))
            trace.note(f"{base}/indicators/{idx}/name", row, name_cell)
            for f, (c, v) in shared.items():
                if v is not None:
                    trace.note(f"{base}/indicators/{idx}/{f}", row, c)
    return cols


def _names(cell: Cell | None, cfg: IndicatorConfig) -> list[str]:
    t = clean(_text(cell))
    if not t:
        return []
    parts = cfg.item_marker.split(t) if cfg.item_marker.search(t) else [t]
    return [p for p in (clean(p) for p in parts) if p and fold(p) not in cfg.placeholders]


def _text(cell: Cell | None) -> str | None:
    return None if cell is None else cell.text


def extract_total(rows: list[Row], cfg: TotalConfig, cols: dict[str, Cell] | None, trace: Trace, base: str,
                  out: FormResult) -> None:
    for row in rows:
        lab = _row_label(row)
        if lab is not None and cfg.labels.match(lab.text) == "total":
            out.parts.add("total")
            if cols and ("score" in cols or "weight" in cols):
                pick = {"score": cols.get("score"), "max_score": cols.get("weight")}
                for f, hdr in pick.items():
                    c = row.cell_at(hdr.col) if hdr is not None else None
                    if c is not None and c is not lab:
                        v = _amount(c.text, set(), trace, f"总分 {f}", row, c, tuple(cfg.suffixes))
                        setattr(out, f, v)
                        if v is not None:
                            trace.note(f"{base}/{f}", row, c)
            else:  # no header to read under: 分值 then 得分, as printed
                nums = [c for c in row.cells if c is not lab and clean(c.text)]
                for f, c in zip(("max_score", "score"), nums):
                    v = _amount(c.text, set(), trace, f"总分 {f}", row, c, tuple(cfg.suffixes))
                    setattr(out, f, v)
                    if v is not None:
                        trace.note(f"{base}/{f}", row, c)
            break
    for row in rows:
        for c in row.cells:
            f = cfg.labels.match(c.text)
            if f not in ("score", "grade"):
                continue
            v = row.after(c)
            if v is None:
                continue
            if f == "grade":
                out.grade = clean(v.text)
                if out.grade:
                    trace.note(f"{base}/grade", row, v)
            elif out.score is None:
                out.score = _amount(v.text, set(), trace, "自评得分", row, v, tuple(cfg.suffixes))
                if out.score is not None:
                    out.parts.add("total")
                    trace.note(f"{base}/score", row, v)


_PAIR = regex.compile(r"(?P<label>[^\s:：]{1,20})\s*[:：]\s*(?P<value>.*?)(?=\s+[^\s:：]{1,20}\s*[:：]|$)", regex.S)


def extract_fields(rows: list[Row], cfg: FormConfig, trace: Trace, base: str, out: FormResult) -> None:
    """Known labels into ``fields``; other ``label：value`` pairs into ``extras``."""
    for row in rows:
        cells = row.cells
        if row.table is not None and not row.is_title():
            skip: set[int] = set()
            for k, c in enumerate(cells):
                if id(c) in skip or c.row != row.r:
                    continue
                key = label_key(c.text)
                f = cfg.fields.match(c.text)
                nxt = cells[k + 1] if k + 1 < len(cells) else None
                if f is not None:
                    if nxt is not None and cfg.fields.match(nxt.text) is None:
                        v = clean(nxt.text)
                        if v and f not in out.fields:
                            out.fields[f] = v.replace("\n", "")
                            trace.note(f"{base}/{f}", row, nxt)
                        skip.add(id(nxt))
                    continue
                if _inline_pair(c.text, cfg, trace, base, out, row, c):
                    continue
                if (nxt is not None and key and len(key) <= 20 and not _is_number(key)
                        and not any(n in key for n in cfg.ignore) and cfg.fields.match(nxt.text) is None):
                    v = clean(nxt.text)
                    if v:
                        out.extras.setdefault((clean(c.text) or "").replace("\n", "").rstrip(":："), v)
                    skip.add(id(nxt))
        else:
            _inline_pair(cells[0].text, cfg, trace, base, out, row, cells[0], many=True)


def _inline_pair(text: str, cfg: FormConfig, trace: Trace, base: str, out: FormResult, row: Row, cell: Cell,
                 many: bool = False) -> bool:
    # the raw text: the padding between two pairs (王某    财务负责人：) is what separates them
    t = (text or "").strip()
    if not t or not _COLON.search(t) or len(t) > 400:
        return False
    if cfg.pair_split is not None:
        t = cfg.pair_split.sub(" ", t)
    found = False
    for m in _PAIR.finditer(t.replace("\n", " ")):
        label, value = m.group("label"), clean(m.group("value"))
        key = label_key(label)
        if not key or any(n in key for n in cfg.ignore) or key in ("注", "单位", "金额单位", "说明"):
            found = True
            if not many:
                return True
            continue
        f = cfg.fields.match(label)
        if f is not None:
            if value and f not in out.fields:
                out.fields[f] = value
                trace.note(f"{base}/{f}", row, cell)
            found = True
        elif value and not _is_number(key):
            out.extras.setdefault(label, value)
            found = True
        if not many:
            break
    return found


def _is_number(key: str) -> bool:
    try:
        parse_amount(key)
        return True
    except NotANumber:
        return False


def extract_form(rows: list[Row], title_rows: list[Row], cfg: FormConfig, trace: Trace, base: str, *,
                 goals_field: str = "goals", completion_field: str = "completion") -> FormResult:
    """One form instance: its title lines and its rows."""
    out = FormResult()
    title_unit = None
    for r in title_rows:
        t = clean(r.cells[0].text) or ""
        k = fold(t)
        if out.title is None and any(n in k for n in cfg.names):
            out.title = t.replace("\n", "")
        m = _YEAR.search(t)
        if m and out.fiscal_year is None and len(k) <= 40:
            out.fiscal_year = int(m.group(1))
        title_unit = title_unit or _unit_in(t, cfg.budget.units)
    at = locate(rows, cfg)
    order = sorted(at.items(), key=lambda kv: kv[1])
    bounds = {name: (start, next((s for _, s in order if s > start), len(rows))) for name, start in order}
    part = lambda name: rows[bounds[name][0]:bounds[name][1]]  # noqa: E731
    cols = None
    if "budget" in bounds:
        extract_budget(part("budget"), cfg.budget, title_unit, trace, base, out)
    if "goals" in bounds:
        extract_goals(part("goals"), cfg.goals, trace, base, goals_field, completion_field, out)
    if "indicators" in bounds:
        cols = extract_indicators(part("indicators"), cfg.indicators, cfg.total.labels, trace, base, out)
    tail = rows[bounds["total"][0]:] if "total" in bounds else []
    extract_total(tail or (part("indicators") if "indicators" in bounds else rows), cfg.total, cols, trace, base, out)
    # Labelled fields: the rows before the first part, and after the total row.
    first = order[0][1] if order else len(rows)
    after_total = bounds["total"][0] + 1 if "total" in bounds else len(rows)
    extract_fields(title_rows + rows[:first] + rows[after_total:], cfg, trace, base, out)
    return out
