"""The human-readable audit report of ``docparse check``."""

from __future__ import annotations

import unicodedata

from .models import Report


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, w: int) -> str:
    return s + " " * max(0, w - _width(s))


def _where(report: Report, check) -> str:
    """The cell the checked figure came from, when provenance knows it."""
    prov = report.provenance or {}
    table = check.rule.split(".")[0]
    rows = getattr(report.finance, table, None) if report.finance and table != "narrative" else None
    if rows:
        for i, r in enumerate(rows):
            col = "total" if check.rule.endswith(("row_total", "basic_split")) else check.subject
            if check.rule.endswith("basic_split"):
                col = "basic"
            if r.institution == check.subject or (check.rule.endswith("summary_equals_sum") and r.is_summary):
                o = prov.get(f"/finance/{table}/{i}/{col}")
                if o:
                    loc = f"table {o.table} row {o.row} col {o.col}"
                    return loc + (f" page {o.page}" if o.page else "")
    return "narrative" if table == "narrative" else ""


def render(path: str, report: Report, *, show_all: bool = False) -> str:
    checks = report.checks if show_all else report.failed_checks()
    failed = len(report.failed_checks())
    head = f"{path}: {report.unit_name or '?'} {report.fiscal_year or ''} — {len(report.checks)} checks, {failed} failed"
    if not checks:
        return head
    rows = [("rule", "subject", "printed", "computed", "where", "")]
    for c in checks:
        rows.append((
            c.rule, c.subject,
            "" if c.actual is None else format(c.actual, "f"),
            "" if c.expected is None else format(c.expected, "f"),
            _where(report, c),
            "ok" if c.ok else "FAILED" + (f" {c.message}" if c.message and c.rule.startswith(("narrative", "self_")) else ""),
        ))
    widths = [max(_width(r[i]) for r in rows) for i in range(5)]
    lines = [head]
    for r in rows:
        lines.append("  " + "  ".join(_pad(r[i], widths[i]) for i in range(5)) + "  " + r[5])
    return "\n".join(lines)


def render_warnings(report: Report) -> str:
    """The warnings as a table: code, where, message."""
    if not report.warnings:
        return "  no warnings"
    rows = [("code", "where", "message")] + [(w.code, w.location or "", w.message) for w in report.warnings]
    widths = [max(_width(r[i]) for r in rows) for i in range(2)]
    return "\n".join("  " + _pad(r[0], widths[0]) + "  " + _pad(r[1], widths[1]) + "  " + r[2] for r in rows)
