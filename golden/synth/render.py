"""ReportSpec → .docx bytes."""

from __future__ import annotations

import datetime as dt
import io

import docx
from docx.shared import Twips

from .ooxml import (W, C, add_heading_numbering, el, para, repack, row, table)
from .spec import (FIXED_ASSETS_COLS, INCOME_COLS, THREE_PUBLIC_COLS, Cover,
                   FinanceRow, Heading, Para, ReportSpec)

_CN = "〇一二三四五六七八九"


def cn_number(n: int) -> str:
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def heading_number(level: int, n: int) -> str:
    return {1: f"{cn_number(n)}、", 2: f"（{cn_number(n)}）", 3: f"{n}、", 4: f"（{n}）"}.get(level, "")


def numbered_institution(name: str, i: int, style: str) -> str:
    return {"1、": f"{i}、", "1.": f"{i}.", "（1）": f"（{i}）", "": ""}[style] + name


# -- the form -----------------------------------------------------------------

class Form:
    """Collects the form as items: ("title", text) and ("rows", [row, …])."""

    def __init__(self, spec: ReportSpec):
        self.s = spec
        self.items: list[tuple[str, object]] = []

    def title(self, key_or_text: str, is_key: bool = True):
        text = self.s.label(key_or_text) if is_key else key_or_text
        if text:
            self.items.append(("title", text))

    def rows(self, rows):
        self.items.append(("rows", rows))

    # 一、基本概况
    def overview(self):
        s = self.s
        L = s.label
        lw = [14, 86]
        annual = C(s.annual_work, nested=s.annual_work_table)
        self.title("section.overview")
        self.rows([
            row([L("contact_person"), s.contact_person, L("contact_phone"), s.contact_phone], [14, 36, 18, 32]),
            row([L("authorized_staff"), s.authorized_staff, L("actual_staff"), s.actual_staff], [14, 36, 18, 32]),
            row([L("functions"), s.functions], lw),
            row([L("annual_work"), annual], lw),
            row([L("performance_summary"), s.performance_summary], lw),
        ])

    # 二、收支情况
    def _caption(self, key):
        cap = self.s.label(key)
        if cap:
            self.title(f"{cap}（{self.s.currency_unit}）", is_key=False)

    def _body(self, rows: list[FinanceRow], weights) -> list:
        out, i = [], 0
        for r in rows:
            if r.is_summary:
                name = r.institution
            else:
                i += 1
                name = numbered_institution(r.institution, i, self.s.institution_numbering)
            out.append(row([name, *r.values], weights, align="center"))
        return out

    def _simple(self, prefix, cols, rows, weights, tail_outside: bool = False):
        """机构名称 | 合计 | 其中：(sub-columns) [| last column outside 其中：]."""
        L = self.s.label
        n_sub = len(cols) - 1 - (1 if tail_outside else 0)
        sub = sum(weights[2:2 + n_sub])
        top = [C(L("institution"), vmerge="restart"), C(L(f"{prefix}.total"), vmerge="restart"),
               C(L("of_which"))]
        top_w = weights[:2] + [sub]
        second = [C(vmerge="continue"), C(vmerge="continue")] + [C(L(f"{prefix}.{k}")) for k in cols[1:1 + n_sub]]
        second_w = weights[:2 + n_sub]
        if tail_outside:
            top.append(C(L(f"{prefix}.{cols[-1]}"), vmerge="restart"))
            top_w.append(weights[-1])
            second.append(C(vmerge="continue"))
            second_w.append(weights[-1])
        hdr = [row(top, top_w, align="center"), row(second, second_w, align="center")]
        self.rows(hdr + self._body(rows, weights))

    def finance(self):
        s, L = self.s, self.s.label
        self.title("section.finance")
        if s.income:
            self._caption("caption.income")
            self._simple("income", INCOME_COLS, s.income, [16, 14, 13, 14, 14, 17, 12])
        if s.expenditure:
            self._caption("caption.expenditure")
            w = [15, 12, 13, 12, 13, 12, 12, 11]
            cont = C(vmerge="continue")
            r1 = row([C(L("institution"), vmerge="restart"), C(L("expenditure.total"), vmerge="restart"),
                      L("of_which"), L("expenditure.surplus")], [w[0], w[1], sum(w[2:6]), w[6] + w[7]],
                     align="center")
            r2 = row([cont, C(vmerge="continue"), C(L("expenditure.basic"), vmerge="restart"), L("of_which"),
                      C(L("expenditure.project"), vmerge="restart"),
                      C(L("expenditure.current_surplus"), vmerge="restart"),
                      C(L("expenditure.accumulated_surplus"), vmerge="restart")],
                     [w[0], w[1], w[2], w[3] + w[4], w[5], w[6], w[7]], align="center")
            r3 = row([C(vmerge="continue"), C(vmerge="continue"), C(vmerge="continue"),
                      L("expenditure.personnel"), L("expenditure.public_use"), C(vmerge="continue"),
                      C(vmerge="continue"), C(vmerge="continue")], w, align="center")
            self.rows([r1, r2, r3] + self._body(s.expenditure, w))
        if s.three_public:
            self._caption("caption.three_public")
            self._simple("three_public", THREE_PUBLIC_COLS, s.three_public, [16, 14, 16, 18, 18, 18])
        if s.fixed_assets:
            self._caption("caption.fixed_assets")
            self._simple("fixed_assets", FIXED_ASSETS_COLS, s.fixed_assets, [16, 18, 22, 22, 22],
                         tail_outside=True)

    # 三、自评
    def self_evaluation(self):
        s, L = self.s, self.s.label
        self.title("section.self_evaluation")
        rows = [row([C(L("qualitative"), vmerge="restart"), L("expected_goals"), L("actual_completion")],
                    [14, 43, 43], align="center"),
                row([C(vmerge="continue"), s.qualitative_goals, s.qualitative_completion], [14, 43, 43])]
        full = s.indicator_layout == "full"
        if full:
            w = [10, 9, 9, 20, 10, 10, 7, 7, 18]
            hdr = [L(k) for k in ("level1", "level2", "level3", "target", "actual", "weight", "score_col", "note")]
            rows.append(row([C(L("quantitative"), vmerge="restart"), *hdr], w, align="center"))
        else:
            w = [14, 12, 12, 44, 18]
            rows.append(row([C(L("quantitative"), vmerge="restart"), L("eval_content"), L("perf_target"),
                             L("completion")], [w[0], w[1] + w[2], w[3], w[4]], align="center"))
        ind = s.indicators
        for i, it in enumerate(ind):
            def merge(key):
                same_prev = i > 0 and key(ind[i - 1]) == key(it)
                same_next = i + 1 < len(ind) and key(ind[i + 1]) == key(it)
                return "continue" if same_prev else ("restart" if same_next else None)
            m1 = merge(lambda x: x.level1)
            m2 = merge(lambda x: (x.level1, x.level2))
            cells = [C(vmerge="continue"), C(it.level1, vmerge=m1, align="center"),
                     C(it.level2, vmerge=m2, align="center"), it.name]
            if full:
                cells += [it.target, it.actual, it.weight, it.score, it.note]
            else:
                cells.append(it.actual)
            rows.append(row(cells, w))
        rows.append(row([L("score"), s.score], [24, 76], align="center"))
        rows.append(row([L("grade"), s.grade], [24, 76], align="center"))
        self.rows(rows)

    # 四、评价人员
    def evaluators(self):
        s, L = self.s, self.s.label
        self.title("section.evaluators")
        w = [16, 24, 40, 20]
        rows = [row([L("ev.name"), L("ev.position"), L("ev.organization"), L("ev.signature")], w, align="center")]
        rows += [row([e.name, e.position, e.organization, ""], w, align="center") for e in s.evaluators]
        if s.closing_rows:
            rows.append(row([L("closing.leader")], [1]))
            rows.append(row([L("closing.opinion")], [1]))
        self.rows(rows)

    def build(self):
        self.overview()
        self.finance()
        self.self_evaluation()
        self.evaluators()
        return self.items


def form_blocks(spec: ReportSpec) -> list:
    items = Form(spec).build()
    if spec.form_layout == "split":
        out = []
        for kind, v in items:
            out.append(para(v, bold=True) if kind == "title" else table(v))
        return out
    rows = []
    for kind, v in items:
        if kind == "title":
            rows.append(row([C(v, bold=True, align="left")], [1]))
        else:
            rows.extend(v)
    return [table(rows)]


# -- cover --------------------------------------------------------------------

def cover_blocks(c: Cover) -> list:
    fields = [("部门(单位)名称", c.unit_name), ("预算编码", c.budget_code), ("评价方式", c.evaluation_method),
              ("评价机构", c.evaluation_agency), ("报告日期", c.report_date)]
    fields = [(k, v) for k, v in fields if v is not None]
    out = [para(), para(), para(c.title, bold=True, size=44, align="center")]
    if c.subtitle:
        out.append(para(c.subtitle, size=32, align="center"))
    out += [para(), para()]
    if c.style == "table":
        out.append(table([row([k, v], [35, 65], total=6800) for k, v in fields], total=6800))
    else:
        out += [para(f"{k}：{v}", size=30) for k, v in fields]
    out += [para(), para()]
    if c.issuer:
        out.append(para(f"{c.issuer}(制)", size=30, align="center"))
    out.append(para(page_break=True))
    return out


# -- narrative ----------------------------------------------------------------

def narrative_blocks(spec: ReportSpec, num_id: int | None) -> list:
    mode = spec.heading_mode
    out = []
    if spec.narrative_title:
        out.append(para(spec.narrative_title, bold=True, size=36, align="center"))
    counters = [0] * 5
    for b in spec.narrative:
        if isinstance(b, Para):
            out.append(para(b.text, indent_first=bool(b.text)))
            continue
        assert isinstance(b, Heading)
        lvl = b.level
        if lvl == 0:
            counters[1:] = [0] * 4
            number = ""
        else:
            counters[lvl] += 1
            counters[lvl + 1:] = [0] * (4 - lvl)
            number = b.number if b.number is not None else heading_number(lvl, counters[lvl])
        style = f"Heading{max(lvl, 1)}" if mode.startswith("styles") else None
        if mode == "numbering" and lvl:
            out.append(para(b.text, bold=lvl == 1, num=(num_id, lvl - 1)))
        elif mode == "styles_numbering":
            # the number comes from the style; an unnumbered heading switches it off (numId 0)
            out.append(para(b.text, style=style, num=None if lvl else (0, 0)))
        else:
            out.append(para(number + b.text, bold=lvl in (0, 1) and style is None, style=style))
    return out


# -- document -----------------------------------------------------------------

def _setup(d, spec: ReportSpec) -> int | None:
    sec = d.sections[0]
    sec.page_width, sec.page_height = Twips(11906), Twips(16838)
    sec.left_margin = sec.right_margin = Twips(1134)
    sec.top_margin = sec.bottom_margin = Twips(1440)
    cp = d.core_properties
    cp.author = cp.last_modified_by = "docparse golden"
    cp.title = spec.narrative_title or spec.unit
    cp.comments = f"synthetic report {spec.case_id}"
    cp.created = cp.modified = dt.datetime(2024, 1, 1)
    cp.revision = 1
    styles = d.styles.element
    # CJK fonts everywhere (LibreOffice maps 宋体/黑体 to Noto CJK when exporting PDF)
    rpr = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    if rpr is not None:
        for f in rpr.findall(W + "rFonts"):
            rpr.remove(f)
        rpr.insert(0, el("rFonts", {"ascii": "Times New Roman", "hAnsi": "Times New Roman",
                                    "eastAsia": "宋体", "cs": "Times New Roman"}))
    num_id = None
    if spec.heading_mode in ("numbering", "styles_numbering"):
        num_id = add_heading_numbering(d.part.numbering_part.element)
    for st in styles.iterchildren(W + "style"):
        sid = st.get(W + "styleId")
        if sid in ("Heading1", "Heading2", "Heading3", "Heading4"):
            srpr = st.find(W + "rPr")
            if srpr is not None:
                for f in srpr.findall(W + "rFonts"):
                    f.set(W + "eastAsia", "黑体")
            if spec.heading_mode == "styles_numbering":
                ppr = st.find(W + "pPr")
                if ppr is None:
                    ppr = el("pPr")
                    st.insert(2, ppr)
                ppr.insert(0, el("numPr", None, el("ilvl", {"val": int(sid[-1]) - 1}),
                                 el("numId", {"val": num_id})))
    return num_id


def build_docx(spec: ReportSpec) -> bytes:
    """The report as .docx bytes; equal specs give byte-identical files."""
    d = docx.Document()
    num_id = _setup(d, spec)
    body = d.element.body
    for p in list(body.iterchildren(W + "p")):
        body.remove(p)
    sect = body.find(W + "sectPr")
    blocks = []
    if spec.cover:
        blocks += cover_blocks(spec.cover)
    blocks += [para(t, bold=True, size=32, align="center") for t in spec.form_title]
    blocks += form_blocks(spec)
    blocks += [para(t) for t in spec.after_form]
    if spec.narrative or spec.narrative_title:
        blocks.append(para(page_break=True))
        blocks += narrative_blocks(spec, num_id)
    for b in blocks:
        sect.addprevious(b)
    buf = io.BytesIO()
    d.save(buf)
    return repack(buf.getvalue())
