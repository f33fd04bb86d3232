"""A short fuzz run (the long one is ``python -m fuzz --runs 20000 --seed 1``):
mutated golden .docx and .pdf files each give a Report or a DocparseError,
within the time limit, in address-space-capped workers."""

from __future__ import annotations

import random
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fuzz import mutators  # noqa: E402
from fuzz.runner import Config, run, run_one  # noqa: E402


def test_short_fuzz_run(tmp_path):
    cfg = Config(seed=7, runs=300, workers=2, time_limit=10.0, crash_dir=tmp_path)
    res = run(cfg)
    print(res.summary())
    assert res.total == 300
    bad = [(o, label, detail.strip().splitlines()[-1:]) for o, label, detail, _ in res.bad]
    assert not bad, bad
    assert res.counts["ok"] > 0 and res.errors  # both outcomes are exercised


def test_short_fuzz_run_of_workbooks(tmp_path):
    res = run(Config(seed=7, runs=150, workers=2, time_limit=10.0, formats=("xlsx",), crash_dir=tmp_path))
    assert res.total == 150 and not res.bad, res.bad
    assert res.counts["ok"] > 0 and res.errors


def test_cases_are_reproducible():
    a = mutators.make_case(1, 17)
    b = mutators.make_case(1, 17)
    assert a.data == b.data and a.ops == b.ops


@pytest.mark.parametrize("value", mutators.WEIRD_INTS)
def test_weird_gridspan_and_numbering_values(value):
    """Every weird integer in every numeric attribute the docx reader reads."""
    data = (ROOT / "golden" / "health-2021.docx").read_bytes()
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as z:
        members = [(i.filename, z.read(i)) for i in z.infolist()]
    out = []
    for name, body in members:
        if name in ("word/document.xml", "word/numbering.xml"):
            for attr in (b"gridSpan", b"vMerge", b"ilvl", b"numId", b"start", b"outlineLvl"):
                body = body.replace(b"<w:%s w:val=\"" % attr, b"<w:%s w:val=\"%s\" w:x=\"" % (attr, value.encode()))
        out.append((name, body))
    outcome, detail, _ = run_one(mutators._zip(out), 20.0)
    assert outcome == "ok" or outcome.startswith("error:"), detail


def test_each_mutator_runs():
    rng = random.Random(3)
    docx = mutators.seeds("docx")[0][1]
    members = mutators._members(docx)
    members = [(i.filename, b) for i, b in members]
    for op, _ in mutators.ZIP_OPS:
        if op is mutators.z_bomb:
            continue  # slow to build; covered by tests/test_hostile.py
        data, what = op(rng, docx, members)
        assert isinstance(data, bytes) and what
    pdf = mutators.seeds("pdf")[0][1]
    for op, _ in mutators.PDF_OPS:
        data, what = op(rng, pdf)
        assert isinstance(data, bytes) and what
