"""run_batch: scan, plan (resume, duplicates), extract in the pool, commit, rebuild."""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from docparse.errors import is_out_of_space

from . import inputs as inp
from . import outputs as out
from .outputs import BatchError, OutOfSpace
from .pool import DEFAULT_EXTRACTOR, Task
from .progress import Progress

LOCK = ".lock"
MAX_FAILED_SHOWN = 20  # failed inputs named in the summary; failures.csv has every one


@dataclass
class Summary:
    outdir: str
    inputs: int = 0  # every file seen this run (archive members included)
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    duplicates: int = 0  # ok inputs whose content another input already gave
    resumed: int = 0  # ok already before this run
    extracted: int = 0  # files sent to a worker this run
    extracted_ok: int = 0
    failures: dict[str, int] = field(default_factory=dict)  # reason code → count
    seconds: float = 0.0  # wall time of the whole run
    extract_seconds: float = 0.0  # wall time of the pool phase
    interrupted: bool = False
    worker_peak_rss_mb: float | None = None
    workers_replaced: int = 0
    retried: int = 0  # tasks run again because their (Dask) worker was lost
    rows: dict[str, int] = field(default_factory=dict)  # table → rows written
    failed_inputs: list[tuple[str, str]] = field(default_factory=list)  # (input, reason), this run
    notes: list[str] = field(default_factory=list)  # warnings about the run itself (an empty folder)

    @property
    def rate(self) -> float:
        """Reports per second extracted this run (wall time of the pool phase)."""
        return self.extracted / self.extract_seconds if self.extract_seconds > 0 else 0.0

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        return 1 if self.failed else 0

    def format(self) -> str:
        lines = [
            f"docparse batch: {self.inputs} inputs: {self.ok} ok ({self.duplicates} duplicates, "
            f"{self.resumed} done before), {self.failed} failed, {self.skipped} skipped"
            + (" — INTERRUPTED, run again to finish" if self.interrupted else ""),
        ]
        if self.failures:
            lines.append("  failures: " + ", ".join(f"{k} {v}" for k, v in sorted(self.failures.items(),
                                                                                  key=lambda kv: -kv[1])))
        shown = self.failed_inputs[:MAX_FAILED_SHOWN]
        lines += [f"  failed: {label}: {reason}" for label, reason in shown]
        if len(self.failed_inputs) > len(shown):
            lines.append(f"  ... and {len(self.failed_inputs) - len(shown)} more failed (failures.csv lists all)")
        lines += [f"  warning: {n}" for n in self.notes]
        lines.append(f"  extracted {self.extracted} files in {self.extract_seconds:.1f} s "
                     f"({self.rate:.2f} reports/s); wall time {self.seconds:.1f} s"
                     + (f"; worker peak RSS {self.worker_peak_rss_mb:.0f} MB" if self.worker_peak_rss_mb else "")
                     + (f"; {self.retried} retried after a lost worker" if self.retried else ""))
        lines.append(f"  output: {self.outdir}")
        return "\n".join(lines)


def failure_code(rec: dict) -> str:
    """A failed record's code; manifests of older versions have only the reason."""
    return rec.get("code") or reason_code(rec.get("reason"))


def reason_code(reason: str | None) -> str:
    """The failure group of a reason string (records written before codes were)."""
    if not reason:
        return "unknown"
    if reason.startswith("timeout"):
        return "timeout"
    if reason.startswith("worker crashed"):
        return "crashed"
    if reason.startswith("memory limit"):
        return "memory_limit"
    m = re.match(r"([a-z_]+):", reason)
    return m.group(1) if m else "other"


class _Lock:
    """One batch per OUTDIR: two writers would interleave the manifest."""

    def __init__(self, outdir: str):
        self.path = os.path.join(outdir, LOCK)
        self.fd = None

    def __enter__(self):
        try:
            import fcntl
        except ImportError:  # Windows: no advisory lock
            return self
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            self.fd = None
            raise BatchError(f"another docparse batch is writing to {os.path.dirname(self.path)}") from None
        return self

    def __exit__(self, *exc):
        if self.fd is not None:
            os.close(self.fd)  # closing releases the flock


def run_batch(
    inputs: list[str] | tuple[str, ...] | str,
    outdir: str,
    *,
    jobs: int | None = None,
    timeout: float = 120.0,
    memory_mb: int | None = 2048,
    sqlite: str | None = None,
    retry_failed: bool = False,
    progress: bool | None = None,
    quiet: bool = False,
    extractor: str = DEFAULT_EXTRACTOR,
    stop_after: int | None = None,
    formats: tuple[str, ...] | list[str] = (),
    scheduler: str | None = None,
    dask_local: int | None = None,
    shared_fs: bool = False,
) -> Summary:
    """Extract every report under ``inputs`` into ``outdir``; see docs of ``docparse batch``.

    ``progress``: None shows a bar on a terminal and log lines otherwise,
    False shows only the summary's data (nothing is printed by run_batch
    itself except progress). ``extractor`` ("module:function", called like
    ``docparse.extract``) and ``stop_after`` (stop as if interrupted after
    that many files) exist for tests. ``formats``: extra outputs beside CSV
    (``parquet``, ``xlsx``, ``html``; see ``docparse.batch.writers``).
    ``scheduler`` (a Dask scheduler address) or ``dask_local`` (a
    LocalCluster of that many worker processes) run the extraction on Dask
    (``docparse[dask]``); the files' bytes are sent to the workers unless
    ``shared_fs`` says the workers see the same paths.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    inputs = [os.fspath(p) for p in inputs]
    t_start = time.monotonic()
    jobs = jobs or os.cpu_count() or 1
    try:
        os.makedirs(outdir, exist_ok=True)
    except OSError as e:
        raise BatchError(f"cannot create {outdir}: {e.strerror}") from None
    summary = Summary(outdir=outdir)

    def make_backend(n_tasks: int):
        if scheduler or dask_local:
            from .dask_backend import DaskBackend  # distributed is imported only here

            return DaskBackend(timeout, memory_mb, extractor, scheduler=scheduler, local_workers=dask_local,
                               shared_fs=shared_fs)
        from .backend import LocalBackend

        return LocalBackend(min(jobs, n_tasks), timeout, memory_mb, extractor)

    with _Lock(outdir):
        try:
            return _run_locked(inputs, outdir, jobs, timeout, memory_mb, sqlite, retry_failed, progress, quiet,
                               make_backend, stop_after, summary, t_start, tuple(formats))
        except (OSError, OutOfSpace) as err:
            if isinstance(err, OSError) and not is_out_of_space(err):
                raise
            if isinstance(err, OSError):
                err = out.out_of_space(err, err.filename or outdir)
            out.remove_stale_temps(outdir)  # frees what the failed writes held
            raise OutOfSpace(f"{err}; stopped after {summary.extracted_ok} report(s) this run, each one "
                             "committed is complete: free space and run the same command again") from None


def _run_locked(inputs, outdir, jobs, timeout, memory_mb, sqlite, retry_failed, progress, quiet, make_backend,
                stop_after, summary: Summary, t_start: float, formats: tuple[str, ...] = ()) -> Summary:
    out.remove_stale_temps(outdir)
    manifest = out.Manifest(outdir)
    if manifest.load() or os.path.exists(manifest.path):
        manifest.compact()  # drops a torn last line before anything is appended

    names = out.Names()
    ok_by_sha: dict[str, dict] = {}
    for rec in out.primaries(manifest):
        names.claim(rec["input"], rec["output"])
        if rec["sha256"] and os.path.exists(os.path.join(outdir, rec["output"])):
            ok_by_sha.setdefault(rec["sha256"], rec)
    failed_by_sha: dict[str, dict] = {}
    if not retry_failed:  # a known-bad file under a new name is not tried again either
        for rec in manifest.records.values():
            if rec["status"] == "failed" and rec["sha256"] and "(same file as " not in (rec["reason"] or ""):
                failed_by_sha.setdefault(rec["sha256"], rec)

    stop = threading.Event()
    interrupted = threading.Event()
    old_handlers = {}
    if threading.current_thread() is threading.main_thread():
        def on_signal(signum, frame):
            interrupted.set()
            stop.set()

        for s in (signal.SIGINT, signal.SIGTERM):
            old_handlers[s] = signal.signal(s, on_signal)

    show_progress = progress is not False and not quiet
    note = (lambda m: print(m, file=sys.stderr, flush=True)) if show_progress else (lambda m: None)
    try:
        exclude = [outdir] + ([sqlite] if sqlite else [])
        note(f"docparse batch: scanning {', '.join(inputs)} ...")
        entries = []
        for e in inp.scan(inputs, exclude=exclude):
            entries.append(e)
            if stop.is_set():
                break
        summary.inputs = len(entries)
        for given in inputs:  # an empty folder is most likely a wrong path or a failed download
            if os.path.isdir(given) and not any(e.label.startswith(given) for e in entries):
                summary.notes.append(f"{given}: no files in this folder")
        this_run = [e.label for e in entries]

        # --- plan -------------------------------------------------------------------
        tasks: list[tuple[inp.Entry, str]] = []
        primary_of: dict[str, str] = {}  # sha → label being extracted this run
        waiters: dict[str, list[inp.Entry]] = {}
        # Loose files before archive members: of two copies, the loose one is
        # extracted and owns the JSON, whose source.file then names a real path.
        for e in sorted(entries, key=lambda e: e.path is None):
            prev = manifest.records.get(e.label)
            if e.kind != inp.CANDIDATE:
                rec = {"input": e.label, "sha256": e.sha256, "status": e.kind, "reason": e.reason,
                       "code": reason_code(e.reason) if e.kind == inp.FAILED else None}
                if not prev or any(prev.get(k) != rec[k] for k in ("sha256", "status", "reason", "code")):
                    manifest.commit(rec)
                continue
            if prev and prev["sha256"] == e.sha256:
                if prev["status"] == "ok" and prev["output"] and os.path.exists(os.path.join(outdir, prev["output"])):
                    summary.resumed += 1
                    continue
                if prev["status"] == "failed" and not retry_failed:
                    continue
            if e.sha256 in ok_by_sha:
                _commit_duplicate(manifest, e, ok_by_sha[e.sha256], None)
                continue
            if e.sha256 in failed_by_sha and failed_by_sha[e.sha256]["input"] != e.label:
                _commit_duplicate(manifest, e, failed_by_sha[e.sha256], failed_by_sha[e.sha256]["reason"])
                continue
            if e.sha256 in primary_of:
                waiters.setdefault(e.sha256, []).append(e)
                continue
            primary_of[e.sha256] = e.label
            tasks.append((e, names.allocate(e.label)))

        total = len(tasks) + sum(len(w) for w in waiters.values())
        backend = make_backend(len(tasks)) if tasks else None
        writes_json = backend is not None and backend.writes_json
        if total:
            where = f"{backend.workers} worker(s)" if backend else "no worker"
            if backend is not None and getattr(backend, "where", None):
                where += f" on {backend.where}"
            note(f"docparse batch: {len(entries)} inputs, {total} to extract with {where}"
                 + (f", {summary.resumed} already done" if summary.resumed else ""))
        bar = Progress(total, bar=progress, quiet=not show_progress)

        # --- extract -----------------------------------------------------------------
        by_id = {i: t for i, t in enumerate(tasks)}
        done_count = 0

        def task_iter():
            for i, (e, rel) in by_id.items():
                yield Task(i, e.label, e.path, None, os.path.join(outdir, rel) if writes_json else None,
                           () if e.path is not None else e.chain)

        def on_result(task: Task, res: dict) -> None:
            nonlocal done_count
            e, rel = by_id[task.id]
            if res["status"] == "ok" and "json" in res:  # else the backend wrote it
                res = out.store_json(os.path.join(outdir, rel), res)
            if res.get("out_of_space"):
                # Not committed at all: a resume once there is space extracts it again.
                raise OutOfSpace(f"no space left on the device writing {os.path.join(outdir, rel)}")
            summary.extracted += 1
            if res["status"] == "ok":
                rec = {"input": e.label, "sha256": e.sha256, "status": "ok", "reason": None, "output": rel,
                       "warnings": res.get("warnings"), "failed_checks": res.get("failed_checks"),
                       "seconds": res.get("seconds")}
                summary.extracted_ok += 1
            else:
                rec = {"input": e.label, "sha256": e.sha256, "status": "failed", "reason": res.get("reason"),
                       "code": res.get("code") or reason_code(res.get("reason")), "output": None,
                       "seconds": res.get("seconds")}
            manifest.commit(rec)
            bar.update(e.label, rec["status"], rec["reason"], rec.get("seconds"))
            for w in waiters.pop(e.sha256, []):
                dup = _commit_duplicate(manifest, w, rec, rec["reason"] if rec["status"] != "ok" else None)
                bar.update(w.label, dup["status"], dup["reason"], 0.0)
            done_count += 1
            if stop_after is not None and done_count >= stop_after:
                stop.set()

        t_pool = time.monotonic()
        if backend is not None:
            if hasattr(backend, "log"):
                backend.log = bar.log
            try:
                for task, res in backend.results(task_iter(), should_stop=stop.is_set):
                    on_result(task, res)
            finally:
                backend.close()
            if backend.peak_rss_kb:
                summary.worker_peak_rss_mb = backend.peak_rss_kb / 1024  # ru_maxrss is in KiB on Linux
            summary.workers_replaced = backend.replaced
            summary.retried = backend.retried
        summary.extract_seconds = time.monotonic() - t_pool
        bar.close()
        summary.interrupted = stop.is_set()

        # --- finish: one line per input, derived files rebuilt --------------------------
        manifest.compact(order=this_run)
        out.remove_stale_temps(outdir)  # a worker killed mid-write leaves its temp file
        out.remove_orphans(outdir, manifest)
        summary.rows = out.rebuild(outdir, manifest, sqlite, formats=formats,
                                   code_of=failure_code)
        missing = summary.rows.pop("missing_json", 0)
        if missing:
            summary.notes.append(f"{missing} report JSON(s) went missing during the run; run again to extract them")
    finally:
        manifest.close()
        for s, h in old_handlers.items():
            signal.signal(s, h)

    failures: Counter = Counter()
    for label in this_run:
        rec = manifest.records.get(label)
        if rec is None:
            continue  # interrupted before this one
        if rec["status"] == "ok":
            summary.ok += 1
            if rec["reason"] and rec["reason"].startswith("duplicate of"):
                summary.duplicates += 1
        elif rec["status"] == "failed":
            summary.failed += 1
            failures[failure_code(rec)] += 1
            summary.failed_inputs.append((label, rec["reason"] or "unknown"))
        else:
            summary.skipped += 1
    summary.failures = dict(failures)
    summary.seconds = time.monotonic() - t_start
    return summary


def _commit_duplicate(manifest: out.Manifest, e: inp.Entry, original: dict, failed_reason: str | None) -> dict:
    if original["status"] == "ok":
        rec = {"input": e.label, "sha256": e.sha256, "status": "ok", "reason": f"duplicate of {original['input']}",
               "output": original["output"], "warnings": original.get("warnings"),
               "failed_checks": original.get("failed_checks"), "seconds": 0.0}
    else:
        rec = {"input": e.label, "sha256": e.sha256, "status": "failed",
               "reason": f"{failed_reason} (same file as {original['input']})", "code": failure_code(original),
               "output": None, "seconds": 0.0}
    manifest.commit(rec)
    return rec
