"""The dashboard: ``OUTDIR/index.html`` over a run, and ``OUTDIR/view/<report id>.html`` per report.

A writer like the others: it reads the rows of ``totals``, ``reports``,
``checks``, ``budget_lines``, ``project_budget``, ``failures`` and
``manifest``, keeps one small summary per report (not its rows), and draws
the page at ``close``. Charts are inline SVG; the table sorts and filters
with a few lines of inline script. No network, no external assets.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter

from ...view.html import esc, page
from ...view.svg import bars, histogram
from ..outputs import atomic_write_text, temp_dir
from . import Writer

VIEW_DIR = "view"
MAX_TABLE_ROWS = 20_000  # the page stays usable; the CSVs have every report

_SCRIPT = r"""
(function () {
  var table = document.getElementById('reports');
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var heads = table.tHead.rows[0].cells;
  var dir = {};
  Array.prototype.forEach.call(heads, function (th, i) {
    th.addEventListener('click', function () {
      dir[i] = -(dir[i] || -1);
      var num = th.getAttribute('data-num') === '1';
      rows.sort(function (a, b) {
        var x = a.cells[i].getAttribute('data-v') || a.cells[i].textContent;
        var y = b.cells[i].getAttribute('data-v') || b.cells[i].textContent;
        if (num) { x = parseFloat(x); y = parseFloat(y); x = isNaN(x) ? -1e300 : x; y = isNaN(y) ? -1e300 : y; }
        return (x < y ? -1 : x > y ? 1 : 0) * dir[i];
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  var fUnit = document.getElementById('f-unit'), fYear = document.getElementById('f-year'),
      fGrade = document.getElementById('f-grade');
  function apply() {
    var u = fUnit.value.trim(), y = fYear.value, g = fGrade.value, n = 0;
    rows.forEach(function (r) {
      var show = (!u || r.getAttribute('data-unit').indexOf(u) >= 0) &&
                 (!y || r.getAttribute('data-year') === y) && (!g || r.getAttribute('data-grade') === g);
      r.style.display = show ? '' : 'none';
      if (show) n++;
    });
    document.getElementById('shown').textContent = n;
  }
  [fUnit, fYear, fGrade].forEach(function (el) { el.addEventListener('input', apply); });
  apply();
})();
"""


class DashboardWriter(Writer):
    def __init__(self):
        self.tmp = None

    def open(self, outdir, tables):
        self.outdir = outdir
        self.cols = {n: [c.name for c in cs] for n, cs in tables.items()}
        for n in os.listdir(outdir):  # left by a killed run
            if n.startswith(".tmp-view-"):
                shutil.rmtree(os.path.join(outdir, n), ignore_errors=True)
        self.tmp = temp_dir(outdir, ".tmp-view-")
        self.reports: dict[str, dict] = {}
        self.failing = Counter()  # rule → failed checks
        self.rates: list[float] = []  # execution rates (%) of the budget blocks' 年度资金总额 rows
        self.status = Counter()
        self.reasons = Counter()

    def _rows(self, table, rows):
        names = self.cols[table]
        return (dict(zip(names, r)) for r in rows)

    def write(self, table, rows):
        if table == "reports":
            for r in self._rows(table, rows):
                self.reports.setdefault(r["id"], {}).update(
                    unit=r["unit_name"] or "", year=r["fiscal_year"], grade=r["grade"] or "", title=r["title"] or "",
                    input=r["input"], type=r["document_type"], n_projects=r["n_projects"])
        elif table == "totals":
            for r in self._rows(table, rows):
                self.reports.setdefault(r["report_id"], {}).update(
                    score=r["score"], score_num=r["score_num"], failed=r["n_failed_checks"],
                    warnings=r["n_warnings"], three_public=r["three_public_total_yuan"])
        elif table == "checks":
            self.failing.update(r["rule"] for r in self._rows(table, rows) if not r["ok"])
        elif table in ("budget_lines", "project_budget"):
            for r in self._rows(table, rows):
                if r["kind"] == "total" and r["executed"] is not None and r["full_year_budget"]:
                    self.rates.append(float(r["executed"] / r["full_year_budget"] * 100))  # a chart, not a figure
        elif table == "failures":
            self.reasons.update(r["code"] or "unknown" for r in self._rows(table, rows))
        elif table == "manifest":
            self.status.update(r["status"] for r in self._rows(table, rows))

    def report(self, rid, rec, rep) -> None:
        """Write the view page of one report (called by the rebuild with its JSON)."""
        from ...models import Report
        from ...view import render

        try:
            html = render(Report.model_validate(rep))
        except Exception as e:  # a JSON the models refuse (hand-made, older): say so, do not stop the batch
            html = page(rid, f"<h1>{esc(rec.get('input'))}</h1><p>This report's JSON could not be shown: "
                             f"{esc(type(e).__name__)}: {esc(str(e)[:300])}</p>")
        with open(os.path.join(self.tmp, f"{rid}.html"), "w", encoding="utf-8") as f:
            f.write(html)

    def close(self):
        final = os.path.join(self.outdir, VIEW_DIR)
        old = None
        if os.path.exists(final):
            old = temp_dir(self.outdir, ".tmp-view-old-")
            os.rename(final, os.path.join(old, VIEW_DIR))
        os.rename(self.tmp, final)
        self.tmp = None
        if old:
            shutil.rmtree(old, ignore_errors=True)
        atomic_write_text(os.path.join(self.outdir, "index.html"), self.render())

    def abort(self):
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    # --- the page -------------------------------------------------------------------------

    def render(self) -> str:
        reps = self.reports
        status = " ".join(f'<span class="badge{" fail" if k == "failed" else ""}">{esc(k)} {v}</span>'
                          for k, v in sorted(self.status.items()))
        reasons = ("<table><tr><th>failure reason</th><th>files</th></tr>"
                   + "".join(f"<tr><td>{esc(k)}</td><td class=num>{v}</td></tr>" for k, v in self.reasons.most_common())
                   + "</table>") if self.reasons else '<p class="ok">No file failed.</p>'
        scores = [r["score_num"] for r in reps.values() if r.get("score_num") is not None]
        three = sorted(((r["three_public"], r.get("unit") or r.get("input") or rid) for rid, r in reps.items()
                        if r.get("three_public") is not None), reverse=True)[:10]
        charts = [
            ("Score distribution", histogram(scores, [0, 60, 70, 80, 90, 100.0001],
                                             ["<60", "60–70", "70–80", "80–90", "90–100"], unit="reports")),
            ("Budget execution rate (年度资金总额 rows)",
             histogram(self.rates, [-1e9, 50, 80, 90, 95, 100, 100.0001, 1e12],
                       ["<50%", "50–80%", "80–90%", "90–95%", "95–100%", "100%", ">100%"], unit="blocks")),
            ("Largest 三公 expenditure (元)", bars([(n, float(v), format(v, "f")) for v, n in three])),
            ("Checks that fail most often", bars([(k, v, str(v)) for k, v in self.failing.most_common(10)])),
        ]
        chart_html = "".join(f'<div class="chart"><h3>{esc(t)}</h3>{svg}</div>' for t, svg in charts)
        years = sorted({r["year"] for r in reps.values() if r.get("year") is not None})
        grades = sorted({r["grade"] for r in reps.values() if r.get("grade")})
        filters = ('<p class="filters">unit <input id="f-unit" placeholder="单位名称"> year <select id="f-year">'
                   '<option value="">all</option>' + "".join(f"<option>{y}</option>" for y in years)
                   + '</select> grade <select id="f-grade"><option value="">all</option>'
                   + "".join(f"<option>{esc(g)}</option>" for g in grades)
                   + '</select> <span id="shown"></span> shown</p>')
        cols = [("unit", 0), ("year", 1), ("type", 0), ("projects", 1), ("score", 1), ("grade", 0),
                ("failed checks", 1), ("warnings", 1), ("三公 (元)", 1), ("input", 0)]
        head = "".join(f'<th class="sort" data-num="{n}">{esc(c)} ↕</th>' for c, n in cols)
        body = []
        for rid, r in list(reps.items())[:MAX_TABLE_ROWS]:
            tp = r.get("three_public")
            body.append(
                f'<tr data-unit="{esc(r.get("unit"))}" data-year="{esc(r.get("year"))}" data-grade="{esc(r.get("grade"))}">'
                f'<td><a href="{VIEW_DIR}/{esc(rid)}.html">{esc(r.get("unit") or r.get("title") or rid)}</a></td>'
                f'<td class=num>{esc(r.get("year"))}</td><td>{esc(r.get("type"))}</td>'
                f'<td class=num>{esc(r.get("n_projects"))}</td>'
                f'<td class=num data-v="{esc(r.get("score_num"))}">{esc(r.get("score"))}</td>'
                f'<td>{esc(r.get("grade"))}</td>'
                f'<td class="num{" bad" if r.get("failed") else ""}">{esc(r.get("failed"))}</td>'
                f'<td class=num>{esc(r.get("warnings"))}</td>'
                f'<td class=num data-v="{esc(tp)}">{"" if tp is None else esc(format(tp, "f"))}</td>'
                f'<td class=meta>{esc(r.get("input"))}</td></tr>')
        more = (f'<p class="meta">The first {MAX_TABLE_ROWS} of {len(reps)} reports; reports.csv has all.</p>'
                if len(reps) > MAX_TABLE_ROWS else "")
        body_html = (f"<h1>docparse batch</h1><p class=meta>{len(reps)} reports · {esc(self.outdir)}</p>"
                     f"<h2>Files by status</h2><p>{status}</p>{reasons}"
                     f'<h2>Charts</h2><div class="charts">{chart_html}</div>'
                     f"<h2>Reports</h2>{filters}{more}"
                     f'<table id="reports"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
                     f'<script type="application/json" id="data">{_json(self.status)}</script>')
        return page("docparse batch", body_html, _SCRIPT)


def _json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False).replace("<", "\\u003c")
