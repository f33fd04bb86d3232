"""The ``docparse batch`` command. Imports only click and the stdlib at the top:
``docparse --help`` must not pay for the extraction stack."""

from __future__ import annotations

import os
import sys

import click

_EPILOG = """\b
Outputs in OUTDIR:
  manifest.jsonl  one line per input file: input, sha256, status
                  (ok/failed/skipped), reason, output, warnings,
                  failed_checks, seconds
  json/           one report JSON per extracted file
  reports.jsonl   one line per report (with its report_id)
  reports.csv, totals.csv, income.csv, expenditure.csv,
  three_public.csv, fixed_assets.csv, indicators.csv, budget_lines.csv,
  projects.csv, project_budget.csv, project_indicators.csv,
  evaluators.csv, checks.csv, warnings.csv, failures.csv
                  (UTF-8 with BOM), keyed by report id = first 16 hex
                  digits of the file's sha256; amounts with unit and
                  <col>_yuan (exact, in 元)
  parquet/        with --parquet; reports.xlsx with --xlsx;
  index.html, view/  with --html

\b
Running the same command again resumes: inputs already ok are skipped.
Exit status: 0 all report files ok, 1 some failed, 2 usage error,
74 out of space, 130 interrupted (run again to finish).
"""


@click.command("batch", epilog=_EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=str))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False, path_type=str),
              help="Folder for the outputs (created; reused to resume).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes [default: the CPU count].")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=120.0, show_default=True,
              help="Seconds allowed per file; a slower file is killed and recorded as failed.")
@click.option("--memory-mb", type=click.IntRange(min=64), default=2048, show_default=True,
              help="Address-space ceiling of each worker, in MB.")
@click.option("--sqlite", "sqlite_path", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Also write the tables to this SQLite database.")
@click.option("--parquet", is_flag=True, help="Also write the tables as a Parquet dataset in OUTDIR/parquet/ "
              "(needs pip install 'docparse[parquet]').")
@click.option("--xlsx", is_flag=True, help="Also write the tables to OUTDIR/reports.xlsx, one sheet per table, "
              "exact text cells (needs pip install 'docparse[xlsx]').")
@click.option("--html", is_flag=True, help="Also write OUTDIR/index.html (a dashboard of the run) and a view "
              "page per report in OUTDIR/view/.")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Extract on this Dask scheduler's workers (tcp://host:8786); planning and outputs stay here "
              "(needs pip install 'docparse[dask]' here and on the workers).")
@click.option("--dask-local", type=click.IntRange(min=1), default=None, metavar="N",
              help="Extract on a local Dask cluster of N worker processes.")
@click.option("--shared-fs", is_flag=True, help="With Dask: the workers read the inputs at the same paths "
              "(a shared filesystem) instead of being sent each file's bytes.")
@click.option("--retry-failed", is_flag=True, help="Try again the inputs that failed in an earlier run.")
@click.option("--no-progress", is_flag=True, help="No progress bar or per-file lines; only the summary.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def batch(inputs, outdir, jobs, timeout, memory_mb, sqlite_path, parquet, xlsx, html, scheduler, dask_local,
          shared_fs, retry_failed, no_progress, quiet):
    """Extract every report under INPUT... (files, folders, .zip archives,
    nested zips) into OUTDIR, in parallel, isolating each file."""
    from .runner import BatchError, OutOfSpace, run_batch

    if scheduler and dask_local:
        raise click.UsageError("--scheduler and --dask-local: give one (a cluster to use, or one to start)")
    if (scheduler or dask_local) and jobs:
        raise click.UsageError("-j/--jobs sizes the local pool; with Dask the cluster's workers do the work")
    if shared_fs and not (scheduler or dask_local):
        raise click.UsageError("--shared-fs goes with --scheduler or --dask-local")
    for on, mod, extra in ((parquet, "pyarrow", "parquet"), (xlsx, "openpyxl", "xlsx"),
                           (scheduler or dask_local, "distributed", "dask")):
        if on:  # before extracting anything, not after
            try:
                __import__(mod)
            except ImportError:
                opt = {"dask": "--scheduler/--dask-local"}.get(extra, f"--{extra}")
                raise click.UsageError(f"{opt} needs {mod}: pip install 'docparse[{extra}]'") from None

    try:
        summary = run_batch(
            list(inputs), outdir, jobs=jobs or os.cpu_count() or 1, timeout=timeout, memory_mb=memory_mb,
            sqlite=sqlite_path, retry_failed=retry_failed, progress=False if no_progress else None, quiet=quiet,
            formats=[f for f, on in (("parquet", parquet), ("xlsx", xlsx), ("html", html)) if on],
            scheduler=scheduler, dask_local=dask_local, shared_fs=shared_fs,
        )
    except OutOfSpace as e:  # not a usage error: one line and its own code
        click.echo(f"docparse batch: {e}", err=True)
        sys.exit(e.exit_code)
    except BatchError as e:
        raise click.UsageError(str(e)) from None
    if not quiet:
        click.echo(summary.format(), err=True)
    sys.exit(summary.exit_code)
