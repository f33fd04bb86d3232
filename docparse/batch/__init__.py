"""``docparse batch``: folders and zip archives of reports → JSON, CSV, SQLite.

    >>> from docparse.batch import run_batch
    >>> summary = run_batch(["2022.zip", "reports/"], "out", jobs=4, sqlite="out/reports.db")
    >>> summary.ok, summary.failed, summary.exit_code

Modules: ``inputs`` (walking folders and zips), ``pool`` (isolated worker
processes), ``outputs`` (atomic files, manifest, rebuild), ``tables`` (JSON
→ rows), ``progress``, ``runner`` (``run_batch``), ``command`` (the CLI).
Importing this package stays cheap: the CLI imports ``command`` at start-up.
"""

from __future__ import annotations

__all__ = ["run_batch", "Summary", "BatchError", "load"]


def load(outdir: str) -> dict:
    """The tables of a batch's OUTDIR as pandas DataFrames (see ``docparse.dataframes``)."""
    from ..dataframes import load as _load

    return _load(outdir)


def __getattr__(name: str):
    if name in __all__:
        from . import runner

        return getattr(runner, name)
    raise AttributeError(name)
