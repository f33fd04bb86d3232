"""docparse view and the batch dashboard: self-contained pages, rendered in headless Chromium.

The browser tests skip where no Chromium is installed (.ci/run installs Debian's
``chromium`` and ``fonts-noto-cjk``); screenshots are saved under the test's tmp dir.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import docparse
from docparse import models as m
from docparse.cli import main
from docparse.view import render
from docparse.view.report import check_pointers

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = sorted((ROOT / "golden").glob("*.docx"))
BROWSER = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
needs_browser = pytest.mark.skipif(BROWSER is None, reason="no headless Chromium installed")


def chromium(url: str, tmp_path: Path, *, screenshot: Path | None = None) -> tuple[str, list[str]]:
    """The DOM after scripts ran, and the console messages (one per line)."""
    base = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr", "--v=0", "--window-size=1280,2000"]
    p = subprocess.run(base + ["--dump-dom", url], capture_output=True, text=True, timeout=120)
    console = [ln for ln in p.stderr.splitlines() if ":CONSOLE" in ln]
    if screenshot is not None:
        subprocess.run(base + [f"--screenshot={screenshot}", url], capture_output=True, timeout=120, cwd=tmp_path)
        assert screenshot.exists() and screenshot.stat().st_size > 10_000
    return p.stdout, console


def test_page_is_self_contained_and_escaped():
    rep = m.Report(title='<script>alert("x")</script>', unit_name="局&所", source=m.Source(format="docx", sha256="0" * 64),
                   warnings=[m.Warning(code="a", message="<b>x</b>", location="table 9 row 9")])
    html = render(rep)
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_seed_failed_checks_point_at_their_cells():
    rep = docparse.extract(ROOT / "golden" / "seed-yueyang-2022.docx", provenance=True)
    where = {(c.rule, c.subject): check_pointers(rep, c) for c in rep.failed_checks()}
    assert where[("expenditure.basic_split", "局机关")] == ["/finance/expenditure/1/basic"]
    assert where[("expenditure.summary_equals_sum", "public_use")] == ["/finance/expenditure/0/public_use"]
    assert where[("narrative.three_public", "三公经费")] == ["/finance/three_public/0/total"]


def test_form_check_is_marked_at_its_cell():
    lines = [m.BudgetLine(item="年度资金总额", kind="total", full_year_budget=Decimal(100), executed=Decimal(99),
                          execution_rate="89%")]
    rep = m.Report(source=m.Source(format="docx", sha256="1" * 64), document_type="project",
                   projects=[m.ProjectEvaluation(name="甲项目", budget_unit="万元", budget_execution=lines)],
                   checks=[m.Check(rule="budget.execution_rate", subject="甲项目/年度资金总额", ok=False,
                                   expected=Decimal(99), actual=Decimal(89))])
    html = render(rep)
    cell = re.search(r'<td data-ptr="/projects/0/budget_execution/0/execution_rate" class="bad" title="([^"]*)">', html)
    assert cell and "budget.execution_rate" in cell.group(1)
    assert 'id="check-1"' in html


def test_view_command_writes_the_page(tmp_path):
    out = tmp_path / "seed.html"
    r = CliRunner().invoke(main, ["view", str(ROOT / "golden" / "seed-yueyang-2022.docx"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert "9692.786137" in html and "read at table 0" in html  # a value and its provenance
    bad = CliRunner().invoke(main, ["view", str(tmp_path / "missing.docx"), "-o", str(tmp_path / "x.html")])
    assert bad.exit_code == 3


@needs_browser
@pytest.mark.parametrize("docx", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden_view_renders_in_chromium(docx, tmp_path):
    rep = docparse.extract(docx, provenance=True)
    page = tmp_path / f"{docx.stem}.html"
    page.write_text(render(rep), encoding="utf-8")
    dom, console = chromium(page.as_uri(), tmp_path, screenshot=tmp_path / f"{docx.stem}.png")
    assert console == []
    assert (rep.unit_name or rep.title) in dom  # a file of several units' project forms has no unit_name
    if rep.finance and rep.finance.income and rep.finance.income[0].total is not None:
        assert format(rep.finance.income[0].total, "f") in dom
    for n, c in enumerate(rep.failed_checks(), 1):
        assert f'id="check-{n}"' in dom
        for ptr in check_pointers(rep, c):
            assert re.search(rf'data-ptr="{re.escape(ptr)}" class="[^"]*bad', dom), (c.rule, ptr)


@needs_browser
def test_batch_dashboard_renders_in_chromium(tmp_path):
    from docparse.batch import run_batch

    outdir = tmp_path / "out"
    s = run_batch([str(p) for p in GOLDEN], str(outdir), jobs=2, progress=False, formats=["html"])
    assert s.ok == len(GOLDEN)
    dom, console = chromium((outdir / "index.html").as_uri(), tmp_path, screenshot=tmp_path / "dashboard.png")
    assert console == []
    assert f'<span id="shown">{len(GOLDEN)}</span>' in dom  # the table's script ran
    links = re.findall(r'href="(view/[0-9a-f]+\.html)"', dom)
    assert len(links) == len(GOLDEN) and all((outdir / link).exists() for link in links)
    assert dom.count('class="chart"') == 4 and "<svg" in dom
    view, console = chromium((outdir / links[0]).as_uri(), tmp_path)
    assert console == []
