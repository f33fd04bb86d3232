"""Typed row values → text cells, shared by the text formats (CSV, XLSX, SQLite TEXT)."""

from __future__ import annotations

from decimal import Decimal


def text(v) -> str | None:
    """The exact text of a value: Decimals as their digits (never ``1E+4``), None stays None."""
    if v is None:
        return None
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)
