"""The golden generator: valid .docx, merged cells where Word puts them,
auto-numbered headings, byte-identical rebuilds, and a seed rebuild whose every
cell and paragraph is in the seed text."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

import docparse
from golden import cases
from golden.synth import build_docx, generate

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "golden"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED_TEXT = SHARED / "seed" / "000_ba092eeb265ea4e9.txt"
SEED = "seed-yueyang-2022"

need_seed = pytest.mark.skipif(not SEED_TEXT.exists(), reason="../shared seed text not present")


def _ws(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _doc(name: str):
    path = GOLDEN / f"{name}.docx"
    if not path.exists():
        pytest.skip(f"{path.name} not built (python -m golden.build)")
    return docparse.read_document(path)


def _cells(doc):
    return [c for _, t in doc.tables() for c in t.cells]


def _cell(doc, text: str):
    for c in _cells(doc):
        if c.text == text:
            return c
    raise AssertionError(f"no cell {text!r}")


def test_every_case_builds_and_opens():
    import docx

    for name in cases.names():
        try:
            spec = cases.get(name)
        except cases.SeedMissing:
            continue
        data = build_docx(spec)
        d = docx.Document(io.BytesIO(data))
        assert d.tables, name
        doc = docparse.read_document(data)
        assert doc.format == "docx"


def test_committed_docx_matches_generator():
    """Rebuilding gives the committed bytes (the build is deterministic)."""
    for name in cases.names():
        path = GOLDEN / f"{name}.docx"
        try:
            spec = cases.get(name)
        except cases.SeedMissing:
            continue
        assert path.exists(), f"{path.name} missing: run python -m golden.build"
        assert build_docx(spec) == path.read_bytes(), f"{name}: rebuild differs from the committed file"


def test_rebuild_is_byte_identical():
    for spec in generate(3, seed=7):
        assert build_docx(spec) == build_docx(spec)


def test_generate_is_deterministic_and_varied():
    a = generate(12, seed=1)
    b = generate(12, seed=1)
    assert [x.case_id for x in a] == [x.case_id for x in b]
    assert [build_docx(x) for x in a[:2]] == [build_docx(x) for x in b[:2]]
    assert a != generate(12, seed=2)
    assert {x.form_layout for x in a} == {"single", "split"}
    assert len({x.heading_mode for x in a}) >= 3


@need_seed
def test_seed_table_merges():
    doc = _doc(SEED)
    tables = [t for _, t in doc.tables()]
    assert len(tables) == 1, "the seed form is one big table"
    inst = [c for c in _cells(doc) if c.text == "机构名称"]
    assert [c.rowspan for c in inst] == [2, 3, 2, 2]
    of_which = [c for c in _cells(doc) if c.text == "其中："]
    assert of_which[0].colspan >= 4
    assert _cell(doc, "收入合计").rowspan == 2
    assert _cell(doc, "一、部门（单位）基本概况").colspan == tables[0].n_cols
    assert _cell(doc, "公共财\n\n政拨款").rowspan == 1
    assert _cell(doc, "整体支出\n\n绩效定量目标及实施计划完成情况").rowspan == 14
    assert _cell(doc, "质量指标").rowspan == 2
    assert _cell(doc, "数量指标").rowspan == 3
    assert _cell(doc, "社会效益").rowspan == 1
    level1 = [c for c in _cells(doc) if c.text.startswith("产出目标")]
    assert len(level1) == 1 and level1[0].rowspan == 9
    assert _cell(doc, "9584.256820").colspan >= 1
    assert _cell(doc, "邹  文")


@need_seed
def test_seed_rebuild_text_is_in_seed_text():
    seed = _ws(SEED_TEXT.read_text(encoding="utf-8"))
    doc = _doc(SEED)
    for b in doc.blocks:
        texts = [c.text for c in b.cells] if b.kind == "table" else [b.text]
        for t in texts:
            assert _ws(t) in seed, f"not in the seed text: {t[:60]!r}"
    paras = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert paras[1] == "岳阳县退役军人事务局2022年度整体绩效自评报告"
    assert "单位概况" in paras and "整体支出管理及使用情况" in paras
    assert "三、单位专项组织实施情况" in paras
    assert paras[-2] == "（二）加强财务人员的学习培训。"


@need_seed
def test_seed_values_as_printed():
    spec = cases.get(SEED)
    assert spec.income[0].values[0] == "9692.786137"
    assert spec.income[1].values[2] == "9584.256820"
    assert spec.cover is None
    assert len(spec.performance_summary) > 2500


# -- variants -------------------------------------------------------------------

def _paras(doc):
    return {b.text: b for b in doc.blocks if b.kind == "paragraph"}


def test_auto_numbered_headings():
    health = _paras(_doc("health-2021"))
    for text in ("一、部门（单位）基本情况", "（二）收支情况", "1、项目资金安排落实情况", "（2）资金使用情况",
                 "五、改进措施和有关建议"):
        assert health[text].numbered, text
    assert health["一、部门（单位）基本情况"].style.lower() == "heading 1"
    small = _paras(_doc("small-unit-2023"))
    assert small["一、整体支出管理及使用情况"].numbered
    assert small["（二）项目支出"].numbered
    assert small["2、加强执行监控"].numbered
    assert not small["单位概况"].numbered
    # the number is in numbering.xml, not in the paragraph text
    import zipfile

    xml = zipfile.ZipFile(GOLDEN / "small-unit-2023.docx").read("word/document.xml").decode()
    assert "整体支出管理及使用情况" in xml and "一、整体支出管理及使用情况" not in xml
    assert "chineseCounting" in zipfile.ZipFile(GOLDEN / "small-unit-2023.docx").read("word/numbering.xml").decode()


def test_cover_table_and_unit():
    doc = _doc("health-2021")
    tables = [t for _, t in doc.tables()]
    cover = tables[0]
    assert (cover.n_rows, cover.n_cols) == (5, 2)
    assert [c.text for c in cover.rows()[1]] == ["预算编码", "006001"]
    assert "岳阳市财政局(制)" in _paras(doc)
    assert _cell(doc, "年度收入情况（元）")
    assert _cell(doc, "合计")  # summary row last
    assert tables[1].rows()[-1][0].text != "合计"


def test_split_form_fullwidth_and_full_indicator_layout():
    doc = _doc("education-2019")
    tables = [t for _, t in doc.tables()]
    assert len(tables) == 7  # overview, 4 finance tables, self-evaluation, evaluators
    paras = _paras(doc)
    for title in ("一、部门（单位）基本概况", "二、部门（单位）收支情况", "年度收入情况（万元）",
                  "三、部门（单位）整体支出绩效自评情况", "四、评价人员", "预算编码：012003", "报告日期：2020.3.15"):
        assert title in paras, title
    assert _cell(doc, "１５５６３．８３")
    assert _cell(doc, "编制人数") and _cell(doc, "自评得分") and _cell(doc, "因公出国（境）费")
    for h in ("年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"):
        assert _cell(doc, h)
    assert _cell(doc, "（2）县第一中学")
    assert _cell(doc, "黎  明")


def test_nested_table_and_empty_cells():
    import zipfile

    doc = _doc("small-unit-2023")
    work = _cell(doc, "年度主要工作内容")
    t = next(t for _, t in doc.tables())
    value = t.grid()[work.row][work.col + work.colspan]
    assert "馆藏档案数字化" in value.text
    xml = zipfile.ZipFile(GOLDEN / "small-unit-2023.docx").read("word/document.xml")
    from lxml import etree

    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert etree.fromstring(xml).findall(f".//{W}tc/{W}tbl")
    assert _cell(doc, "平江县档案馆")  # no numbering, no summary row


# -- arithmetic: the cases add up except where documented --------------------------

def _num(v):
    from decimal import Decimal

    if v is None:
        return Decimal(0)
    return Decimal(v.translate(str.maketrans("０１２３４５６７８９．－", "0123456789.-")))


def failed_checks(spec) -> set[tuple[str, str]]:
    from golden.synth import EXPENDITURE_COLS, FIXED_ASSETS_COLS, INCOME_COLS, THREE_PUBLIC_COLS

    bad = set()
    tables = {"income": (spec.income, INCOME_COLS), "expenditure": (spec.expenditure, EXPENDITURE_COLS),
              "three_public": (spec.three_public, THREE_PUBLIC_COLS),
              "fixed_assets": (spec.fixed_assets, FIXED_ASSETS_COLS)}
    for name, (rows, cols) in tables.items():
        for r in rows:
            v = dict(zip(cols, map(_num, r.values)))
            if name == "expenditure":
                if v["total"] != v["basic"] + v["project"]:
                    bad.add(("expenditure.row_total", r.institution))
                if v["basic"] != v["personnel"] + v["public_use"]:
                    bad.add(("expenditure.basic_split", r.institution))
            elif v["total"] != sum(v[c] for c in cols[1:]):
                bad.add((f"{name}.row_total", r.institution))
        summary = [r for r in rows if r.is_summary]
        parts = [r for r in rows if not r.is_summary]
        for s in summary:
            for i, c in enumerate(cols):
                if _num(s.values[i]) != sum(_num(p.values[i]) for p in parts):
                    bad.add((f"{name}.summary_equals_sum", c))
    return bad


def test_golden_cases_add_up_except_documented():
    seen_error = False
    for name in cases.names():
        try:
            spec = cases.get(name)
        except cases.SeedMissing:
            continue
        assert failed_checks(spec) == set(spec.inconsistencies), name
        seen_error |= bool(spec.inconsistencies)
    assert seen_error


def test_generated_specs_add_up_and_mix_variants():
    specs = generate(60, seed=3)
    for s in specs:
        assert failed_checks(s) == set(), s.case_id
    sizes = {len([r for r in s.income if not r.is_summary]) for s in specs}
    assert min(sizes) == 1 and max(sizes) == 12
    assert {s.cover.style if s.cover else None for s in specs} == {None, "paragraphs", "table"}
    assert {s.currency_unit for s in specs} == {"万元", "元"}
    assert {s.indicator_layout for s in specs} == {"basic", "full"}
    assert {s.heading_mode for s in specs} == {"text", "numbering", "styles", "styles_numbering"}
    assert {s.institution_numbering for s in specs} == {"1、", "1.", "（1）", ""}
    assert any(s.annual_work_table for s in specs)
    assert any("０" in (v or "") or "１" in (v or "") for s in specs for r in s.income for v in r.values)


def test_generated_docx_read_back():
    for spec in generate(6, seed=11):
        doc = docparse.read_document(build_docx(spec))
        texts = {c.text for _, t in doc.tables() for c in t.cells}
        assert "机构名称" in texts
        assert spec.label("score") in texts
