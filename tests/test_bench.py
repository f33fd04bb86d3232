"""The benchmark machinery keeps working: one small file, one repetition, no timing assertions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import samples as S
from bench.__main__ import run
from bench.candidates import DOCX, PDF, Candidate
from bench.report import format_results, summarise
from bench.timing import interleaved

SMALL = S.Sample("small-unit-2023", S.GOLDEN / "small-unit-2023.docx", S.GOLDEN / "small-unit-2023.pdf")


@pytest.fixture(scope="module")
def results() -> dict:
    pdf = SMALL.pdf if SMALL.pdf.exists() else None
    return run(("docx", "pdf", "memory"), reps=1, files=[S.Sample(SMALL.name, SMALL.docx, pdf)], log=lambda m: None)


def test_every_installed_candidate_is_timed_and_compared(results):
    for fmt, cands in (("docx", DOCX), ("pdf", PDF)):
        if fmt == "pdf" and not SMALL.pdf.exists():
            continue
        d = results[fmt]
        for c in cands:
            assert (c.key in d["candidates"]) == c.available()
            assert (c.key in d["skipped"]) != c.available()
        for key, row in d["candidates"].items():
            assert row["ms_per_doc"] > 0
            assert row["docparse_over"] is not None
        assert "ratio" in d["target"] and "met" in d["target"]
    if "pdf" in results:
        assert results["pdf"]["files"][0]["pages"] >= 1
        assert "ms_per_page" in results["pdf"]["candidates"]["docparse"]


def test_memory_probe_runs_in_a_fresh_process(results):
    mem = results["memory"]["docx"]
    assert mem["peak_kb"] >= mem["imports_kb"] > 0
    assert Path(mem["file"]).name == "small-unit-2023.docx"


def test_table_and_json(results, tmp_path):
    text = format_results(results)
    assert "docparse.extract" in text and "DOCX" in text and "target docx_vs_floor" in text
    out = tmp_path / "results.json"
    out.write_text(json.dumps(results, ensure_ascii=False))
    assert json.loads(out.read_text())["docx"]["candidates"]["docparse"]["label"] == "docparse.extract"


def test_missing_peer_is_skipped_not_an_error():
    ghost = Candidate("ghost", "not installed", "peer", "no_such_module_for_bench", lambda p: None)
    assert not ghost.available()
    med = interleaved([c for c in DOCX[:2]], [str(SMALL.docx)], reps=1)
    d = summarise("docx", DOCX[:2], med, [str(SMALL.docx)], None, {"ghost": "no_such_module_for_bench not installed"})
    assert "ghost" in d["skipped"] and "ghost" not in d["candidates"]
    assert "skipped" in format_results({"meta": {"when": "-", "python": "-", "platform": "-", "reps": 1}, "docx": d})


def test_variants_are_chosen_from_the_generator():
    specs = S.variant_specs()
    assert sorted(specs) == sorted(f"gen-inst{n:02d}-{k}" for n in S.INSTITUTIONS for k in ("short", "long"))
    for name, spec in specs.items():
        assert S._institutions(spec) == int(name[8:10])


def test_cold_start_runs_the_command_line():
    from bench.timing import cold_start

    c = cold_start(str(SMALL.docx), reps=1)
    assert c["docparse_s"] > 0 and c["python_startup_s"] > 0
    assert c["command"].split()[-2:] == ["extract", str(SMALL.docx)]


def test_own_folder_of_reports(tmp_path):
    import shutil

    shutil.copy(SMALL.docx, tmp_path / "a.docx")
    if SMALL.pdf.exists():
        shutil.copy(SMALL.pdf, tmp_path / "b.pdf")
    (tmp_path / "notes.txt").write_text("not a report")
    samples = S.folder_samples(tmp_path)
    assert [(s.name, s.docx is not None, s.pdf is not None) for s in samples] == (
        [("a", True, False), ("b", False, True)] if SMALL.pdf.exists() else [("a", True, False)])
    res = run(("docx", "pdf"), reps=1, files=samples, log=lambda m: None)
    assert [f["path"] for f in res["docx"]["files"]] == [str(tmp_path / "a.docx")]
    if SMALL.pdf.exists():
        assert [f["path"] for f in res["pdf"]["files"]] == [str(tmp_path / "b.pdf")]
