"""Synthetic 部门整体支出绩效自评报告 .docx files (python-docx + raw OOXML).

    >>> from golden.synth import ReportSpec, build_docx
    >>> data = build_docx(spec)          # bytes of a .docx, deterministic

``generate(n, seed)`` makes n random but valid specs mixing all layout variants.
"""

from .render import build_docx
from .spec import (DEFAULT_LABELS, EXPENDITURE_COLS, FIXED_ASSETS_COLS, INCOME_COLS, THREE_PUBLIC_COLS,
                   Cover, Evaluator, FinanceRow, Heading, IndicatorRow, Para, ReportSpec)

__all__ = ["build_docx", "generate", "ReportSpec", "Cover", "Evaluator", "FinanceRow", "Heading",
           "IndicatorRow", "Para", "DEFAULT_LABELS", "INCOME_COLS", "EXPENDITURE_COLS",
           "THREE_PUBLIC_COLS", "FIXED_ASSETS_COLS"]


def generate(n: int, seed: int = 0):
    """n random but valid ReportSpecs, deterministic from ``seed``."""
    from .randomspec import generate as _g

    return _g(n, seed)
