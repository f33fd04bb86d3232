"""HTML views: ``render(report)`` (one report, laid out like the form) and the
batch dashboard (``docparse.view.dashboard``). Pages are self-contained: no
network, no external assets; every value is escaped.
"""

from __future__ import annotations

__all__ = ["render"]


def render(report) -> str:
    """One report (a ``Report``) as a self-contained HTML page."""
    from .report import render as _render

    return _render(report)
