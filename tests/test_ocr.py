"""OCR of scanned PDFs (docparse.readers.ocr, the ``ocr`` extra).

The scans are made here from the golden PDFs by golden/synth/scan.py (render
at 150 dpi, turned 0.5°, grey noise, JPEG). The default run reads one
two-page form (a few seconds); the engine tests skip when the extra is not
installed. The rule tested hardest: a wrong amount is never silent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import docparse
from docparse.errors import LimitExceeded, ScannedPDF
from docparse.limits import Limits
from docparse.readers import ocr

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
CASE = "form-project-2022"  # two pages: budget lines, indicators, 总分
needs_ocr = pytest.mark.skipif(not ocr.available(), reason="the OCR extra is not installed: pip install 'docparse[ocr]'")
_AMOUNT = re.compile(r"^\d+(\.\d+)?%?$")  # what the recogniser returns for a number cell


@pytest.fixture(scope="module")
def scan() -> bytes:
    from golden.synth.scan import scan_pdf

    return scan_pdf((GOLDEN / f"{CASE}.pdf").read_bytes(), dpi=150, angle=0.5, seed=3)


_READ: dict = {}  # crop bytes → what the engine read: the same scan is read by many tests


@pytest.fixture(autouse=True)
def _remember(monkeypatch):
    real = ocr.recognise

    def cached(images):
        keys = [(im.shape, im.tobytes()) for im in images]
        todo = [im for im, k in zip(images, keys) if k not in _READ]
        for im, res in zip(todo, real(todo)):
            _READ[(im.shape, im.tobytes())] = res
        return [_READ[k] for k in keys]

    monkeypatch.setattr(ocr, "recognise", cached)


def _json(report) -> dict:
    return report.model_dump(mode="json", exclude={"provenance"})


def _fields(d: dict) -> dict:
    """Every leaf but source/checks/warnings, by JSON pointer."""
    out = {}

    def walk(v, path):
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, f"{path}/{k}")
        elif isinstance(v, list):
            out[f"{path}#len"] = len(v)
            for i, x in enumerate(v):
                walk(x, f"{path}/{i}")
        else:
            out[path] = v

    walk({k: v for k, v in d.items() if k not in ("source", "checks", "warnings")}, "")
    return out


def _flagged(d: dict) -> bool:
    return any(not c["ok"] for c in d["checks"]) or any(w["code"] != "ocr.summary" for w in d["warnings"])


# -- without the engine ------------------------------------------------------------

def test_scanned_pdf_without_the_extra_names_it(monkeypatch, scan):
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(ScannedPDF) as e:
        docparse.extract(scan)
    assert "pip install 'docparse[ocr]'" in str(e.value)


def test_ocr_never_keeps_the_scanned_pdf_error(scan):
    with pytest.raises(ScannedPDF) as e:
        docparse.extract(scan, ocr="never")
    assert "pip install 'docparse[ocr]'" in str(e.value) and "\n" not in str(e.value)


def test_ocr_mode_is_checked():
    with pytest.raises(ValueError):
        docparse.extract(b"%PDF-1.7", ocr="sometimes")


def test_garbage_text_layer_is_detected():
    chars = [(c, 0, 0, 1, 1) for c in "(cid:12)(cid:7)(cid:99)"]
    assert ocr.garbage(chars)
    assert ocr.garbage([("\ufffd", 0, 0, 1, 1)] * 5 + [("a", 0, 0, 1, 1)])
    assert not ocr.garbage([(c, 0, 0, 1, 1) for c in "部门整体支出绩效自评报告"])


def test_recognised_punctuation_is_set_as_chinese_text_sets_it():
    assert ocr.normalise("(二)收支情况") == "（二）收支情况"
    assert ocr.normalise("1、  项目资金") == "1、项目资金"
    assert ocr.normalise("目标:统筹推进,完成") == "目标：统筹推进，完成"
    assert ocr.normalise("时间10:30到") == "时间10:30到"  # after a digit: a time, left
    assert ocr.normalise("38,801,640.35") == "38,801,640.35"  # no Chinese: left as read
    assert ocr.normalise("0730-8251234") == "0730-8251234"


# -- with the engine -----------------------------------------------------------------

@needs_ocr
def test_scanned_golden_form_gives_every_field(scan):
    """Tolerance: none. Every field of the golden JSON, read off a 150 dpi scan."""
    expected = json.loads((GOLDEN / f"{CASE}.json").read_text(encoding="utf-8"))
    got = _json(docparse.extract(scan))  # auto: the pages have no text layer
    e, g = _fields(expected), _fields(got)
    assert {k: (v, g.get(k)) for k, v in e.items() if g.get(k) != v} == {}
    assert got["source"]["format"] == "pdf" and got["source"]["pages"] == 2
    summary = [w for w in got["warnings"] if w["code"] == "ocr.summary"]
    assert len(summary) == 1 and "2 of 2 page(s)" in summary[0]["message"] and "mean confidence" in summary[0]["message"]
    assert [c for c in got["checks"] if not c["ok"]] == [c for c in expected["checks"] if not c["ok"]]


@needs_ocr
def test_ocr_cells_carry_confidence_and_origin(scan):
    doc = docparse.read_document(scan, limits=Limits(ocr="always"))
    cells = [c for _, t in doc.tables() for c in t.cells if c.text]
    assert cells and all(c.origin == "ocr" and c.page in (1, 2) and c.bbox for c in cells)
    assert all(c.confidence is not None and 0 <= c.confidence <= 1 for c in cells)
    assert doc.ocr_pages == [1, 2]


def _misread(monkeypatch, pick, change, score=None):
    """Make the recogniser misread the amount crops ``pick`` chooses (by order)."""
    real = ocr.recognise
    seen = {"n": 0, "changed": []}

    def fake(images):
        out = []
        for text, s in real(images):
            if _AMOUNT.match(text):
                if pick(seen["n"]):
                    seen["changed"].append(text)
                    text, s = change(text), (s if score is None else score)
                seen["n"] += 1
            out.append((text, s))
        return out

    monkeypatch.setattr(ocr, "recognise", fake)
    return seen


def _wrong_digit(text: str) -> str:
    i = next(i for i, ch in enumerate(text) if ch.isdigit() and ch != "0")
    return text[:i] + str((int(text[i]) + 3) % 10) + text[i + 1:]


@needs_ocr
@pytest.mark.parametrize("k", [1, 12, 20])  # a budget line, an indicator's score, 总分
def test_a_confidently_wrong_amount_is_never_silent(monkeypatch, scan, k):
    """The acceptance rule: a wrong amount in the output comes with a failed check or a warning."""
    expected = _fields(json.loads((GOLDEN / f"{CASE}.json").read_text(encoding="utf-8")))
    seen = _misread(monkeypatch, lambda n: n == k, _wrong_digit)
    got = _json(docparse.extract(scan))
    assert seen["changed"], "no amount was misread: the test did not test"
    wrong = [p for p, v in _fields(got).items() if p in expected and expected[p] != v]
    assert wrong, f"the misread {seen['changed']} reached no field"
    assert _flagged(got), f"wrong {wrong} with no failed check and no warning"


@needs_ocr
def test_a_doubtful_amount_is_null_with_a_warning_at_its_cell(monkeypatch, scan):
    seen = _misread(monkeypatch, lambda n: n == 0, lambda t: t, score=0.42)
    got = docparse.extract(scan, provenance=True)
    assert seen["changed"]
    low = [w for w in got.warnings if w.code == "ocr.low_confidence"]
    assert len(low) == 1 and seen["changed"][0] in low[0].message and "0.42" in low[0].message
    assert re.match(r"table \d+ row \d+ col \d+$", low[0].location)
    expected = _fields(json.loads((GOLDEN / f"{CASE}.json").read_text(encoding="utf-8")))
    diff = {p: (expected[p], g) for p, g in _fields(_json(got)).items() if p in expected and expected[p] != g}
    assert list(diff.values()) == [(seen["changed"][0], None)], diff  # that value, and only it, is null


@needs_ocr
def test_ocr_limits(scan):
    with pytest.raises(LimitExceeded, match="max_ocr_pages"):
        docparse.extract(scan, limits=Limits(max_ocr_pages=1))
    with pytest.raises(LimitExceeded, match="max_ocr_pixels"):
        docparse.extract(scan, limits=Limits(max_ocr_pixels=100_000))
    with pytest.raises(LimitExceeded, match="max_image_pixels"):  # an embedded image that decodes too large
        docparse.extract(scan, limits=Limits(max_image_pixels=1_000_000))


@needs_ocr
def test_cli_ocr_option(tmp_path, scan):
    from click.testing import CliRunner

    from docparse.cli import main

    p = tmp_path / "scan.pdf"
    p.write_bytes(scan)
    r = CliRunner().invoke(main, ["extract", str(p), "--ocr", "never"])
    assert r.exit_code == 7 and "docparse[ocr]" in r.output
    r = CliRunner().invoke(main, ["extract", str(p), "--ocr", "auto", "--compact"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout.splitlines()[0])["projects"][0]["budget_execution"]
