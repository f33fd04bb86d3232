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
