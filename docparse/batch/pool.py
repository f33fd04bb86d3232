"""A process pool where one file cannot hurt another.

Each worker is a forked process with a memory ceiling (RLIMIT_AS) that
extracts one file at a time; the parent enforces a wall-clock timeout per
file. A worker that hangs is killed, one that dies is reaped, and either is
replaced: its file is recorded as failed with the reason, and the batch goes
on. multiprocessing.Pool cannot do this (a killed worker loses its task and
can hang the pool), hence this small loop over pipes and process sentinels.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import signal
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import connection
from typing import Callable, Iterable, Iterator

DEFAULT_EXTRACTOR = "docparse:extract"
MAX_TASKS_PER_WORKER = 200  # recycle: bounds slow leaks in the PDF stack
MB = 1024 * 1024


@dataclass
class Task:
    id: int
    label: str
    path: str | None  # read by the worker
    data: bytes | None  # or given in memory (archive members)
    output: str | None = None  # where the worker writes the JSON (else it returns it)
    chain: tuple[str | int, ...] = ()  # or an archive member the worker reads itself


# --- in the worker ----------------------------------------------------------------

def _resolve(spec: str) -> Callable:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def _set_parent_death_signal() -> None:
    # Linux only: a worker must not outlive a SIGKILLed batch.
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _limit_memory(memory_mb: int | None) -> None:
    if not memory_mb:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    want = memory_mb * MB
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    resource.setrlimit(resource.RLIMIT_AS, (want, hard))


def preload(spec: str) -> None:
    """Import the reader stack up front.

    In the parent, forked workers then share it copy-on-write (replacing a
    worker costs milliseconds); in a worker, the first file's clock does not
    include imports.
    """
    if spec != DEFAULT_EXTRACTOR:
        return
    for mod in ("docparse.models", "docparse.engine", "docparse.readers.docx", "docparse.readers.pdf"):
        try:
            importlib.import_module(mod)
        except Exception:  # noqa: BLE001 - a missing optional reader shows up per file
            pass


def _counts(result) -> tuple[str, str | None, int, int]:
    """(JSON text, sha256, warnings, failed checks) of an extractor's result."""
    if hasattr(result, "to_json"):
        return result.to_json(), result.source.sha256, len(result.warnings), len(result.failed_checks())
    if isinstance(result, str):
        result = json.loads(result)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    failed = sum(1 for c in result.get("checks", []) if not c.get("ok", True))
    return text, (result.get("source") or {}).get("sha256"), len(result.get("warnings", [])), failed


class _MemberError(Exception):
    pass


def _run_one(fn: Callable, task: Task, timeout: float, limits, loader) -> dict:
    from docparse.errors import DocparseError, LimitExceeded

    from .outputs import WriteFailed, write_report_path

    t0 = time.perf_counter()
    res: dict = {"status": "failed"}
    try:
        if task.chain:
            # Read here rather than piped from the parent: a queued multi-MB
            # payload would block the parent's send until this worker is free.
            try:
                src = loader.read(task.chain)
            except Exception as e:
                raise _MemberError(" ".join(f"{type(e).__name__}: {e}".split())) from None
        else:
            src = task.data if task.data is not None else task.path
        report = fn(src, filename=task.label, limits=limits)
        text, sha, warnings, failed = _counts(report)
        done = {"status": "ok", "sha256": sha, "warnings": warnings, "failed_checks": failed}
        if task.output:
            # Written here, not in the parent: keeps the parent's per-file work
            # small, which is what lets throughput scale with --jobs.
            try:
                write_report_path(task.output, text)
            except OSError as e:
                raise WriteFailed(task.output, e) from None
        else:
            done["json"] = text
        res = done  # ok only once the JSON is on disk (or on its way to the parent)
    except LimitExceeded as e:
        if e.limit == "max_seconds":
            res.update(code="timeout", reason=f"timeout after {timeout:g} s")
        else:
            res.update(code=e.reason, reason=f"{e.reason}: {e}")
    except DocparseError as e:
        res.update(code=e.reason, reason=f"{e.reason}: {e}")
    except _MemberError as e:
        res.update(code="corrupt", reason=f"corrupt: cannot read the zip member ({e})")
    except WriteFailed as e:
        res.update(code=e.code, reason=e.reason, out_of_space=e.out_of_space)
    except MemoryError:
        res.update(code="memory_limit", reason="memory limit exceeded")
        res["recycle"] = True  # the heap may be in a bad way: start afresh
    except RecursionError as e:
        res.update(code="internal_error", reason=f"internal_error: RecursionError: {e}")
        res["recycle"] = True
    except Exception as e:  # a bug on one file must not stop the batch
        msg = " ".join(f"{type(e).__name__}: {e}".split())
        res.update(code="internal_error", reason=f"internal_error: {msg[:500]}")
    res["seconds"] = round(time.perf_counter() - t0, 3)
    res["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return res


def _worker_main(conn, close_fds: list[int], spec: str, memory_mb: int | None, timeout: float) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C means
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for fd in close_fds:  # forked copies of the parent's pipe ends: keep EOF working
        try:
            os.close(fd)
        except OSError:
            pass
    _set_parent_death_signal()
    _limit_memory(memory_mb)
    preload(spec)
    try:
        fn = _resolve(spec)
    except Exception as e:  # answer every task with the error rather than respawn forever
        msg = " ".join(f"{type(e).__name__}: {e}".split())

        def fn(*_a, _msg=msg, **_k):
            raise RuntimeError(f"cannot load the extractor {spec}: {_msg}")
    limits = None
    if spec == DEFAULT_EXTRACTOR:
        from docparse.limits import DEFAULT

        limits = DEFAULT.with_overrides(max_seconds=float(timeout))
    from .inputs import MemberLoader

    loader = MemberLoader()
    from docparse.readers import soffice  # this worker's own LibreOffice, started on its first .doc

    soffice.worker_start()
    conn.send(("ready", os.getpid()))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            break
        if task is None:
            break
        res = _run_one(fn, task, timeout, limits, loader)
        try:
            conn.send(("done", task.id, res))
        except MemoryError:
            conn.send(("done", task.id, {"status": "failed", "code": "memory_limit", "reason": "memory limit exceeded",
                                         "recycle": True, "seconds": res.get("seconds")}))
        if res.get("recycle"):
            break
    soffice.worker_stop()
    conn.close()


# --- in the parent -----------------------------------------------------------------

PIPELINE = 2  # tasks queued per worker: the next file is ready while the parent commits the last


class _Worker:
    __slots__ = ("proc", "conn", "ready", "tasks", "started", "ntasks")

    def __init__(self, proc, conn):
        self.proc = proc
        self.conn = conn
        self.ready = False
        self.tasks: deque[Task] = deque()  # sent, not answered; the head is running
        self.started = 0.0  # when the head task started (as far as the parent can tell)
        self.ntasks = 0


def _death_reason(exitcode: int | None, memory_mb: int | None = None) -> tuple[str, str]:
    """(code, reason) of a worker that died under a file."""
    if exitcode == -signal.SIGABRT and memory_mb:
        # Under RLIMIT_AS a failed allocation in C code (pdfium, libxml2, the
        # interpreter itself) ends in abort(), not in a Python MemoryError.
        return "memory_limit", f"memory limit exceeded (the worker aborted, signal 6, under its {memory_mb} MB ceiling)"
    if exitcode is not None and exitcode < 0:
        return "crashed", f"worker crashed (signal {-exitcode})"
    return "crashed", f"worker crashed (exit code {exitcode})"


@contextmanager
def _children_allowed():
    """Let a daemonic process (a Dask worker) start the pool's workers.

    multiprocessing refuses, lest the children outlive a parent that is
    killed on exit; ours cannot: each sets PR_SET_PDEATHSIG and dies with it.
    """
    import multiprocessing

    cfg = multiprocessing.current_process()._config
    daemon = cfg.get("daemon")
    if daemon:
        cfg["daemon"] = False
    try:
        yield
    finally:
        if daemon:
            cfg["daemon"] = daemon


class Pool:
    def __init__(self, jobs: int, timeout: float, memory_mb: int | None, extractor: str = DEFAULT_EXTRACTOR):
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        self._ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.extractor = extractor
        self.workers: list[_Worker] = []
        self.peak_rss_kb = 0
        self.replaced = 0
        self._retry: deque[Task] = deque()  # queued behind a file that killed its worker
        self._finished = False

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        close = [w.conn.fileno() for w in self.workers] + [parent.fileno()]
        proc = self._ctx.Process(
            target=_worker_main,
            args=(child, close, self.extractor, self.memory_mb, self.timeout),
            daemon=True,
            name="docparse-batch-worker",
        )
        with _children_allowed():
            proc.start()
        child.close()
        w = _Worker(proc, parent)
        self.workers.append(w)
        return w

    def _retire(self, w: _Worker, kill: bool) -> None:
        if kill and w.proc.is_alive():
            w.proc.kill()
        w.proc.join(timeout=None if kill else 5)
        if w.proc.is_alive():
            w.proc.kill()
            w.proc.join()
        w.conn.close()
        self.workers.remove(w)
        # tasks queued behind the head go back to be run elsewhere
        self._retry.extendleft(reversed(w.tasks))
        w.tasks.clear()

    def run(self, tasks: Iterable[Task], on_result: Callable[[Task, dict], None],
            should_stop: Callable[[], bool] = lambda: False) -> bool:
        """Feed every task to the workers; False if stopped early."""
        it = self._loop(iter(tasks), should_stop)
        try:
            for task, res in it:
                on_result(task, res)
        finally:
            it.close()
            self.close()
        return self._finished

    def results(self, tasks: Iterable[Task], should_stop: Callable[[], bool] = lambda: False
                ) -> Iterator[tuple[Task, dict]]:
        """(task, result) as each file finishes; the backend interface (see ``backend``)."""
        try:
            yield from self._loop(iter(tasks), should_stop)
        finally:
            self.close()

    def run_many(self, tasks: list[Task]) -> dict[int, dict]:
        """Results by task id, the workers kept for the next call (the Dask backend's per-thread pool)."""
        return {t.id: res for t, res in self._loop(iter(tasks), lambda: False)}

    def _loop(self, source: Iterator[Task], should_stop: Callable[[], bool]) -> Iterator[tuple[Task, dict]]:
        exhausted = False
        self._finished = False

        def next_task() -> Task | None:
            nonlocal exhausted
            if self._retry:
                return self._retry.popleft()
            if exhausted:
                return None
            t = next(source, None)
            exhausted = t is None
            return t

        while True:
            if should_stop():
                return
            more = bool(self._retry) or not exhausted
            while more and len(self.workers) < self.jobs:
                self._spawn()
            for w in self.workers:  # dispatch, the least loaded first
                while w.ready and len(w.tasks) < PIPELINE and w.ntasks < MAX_TASKS_PER_WORKER:
                    t = next_task()
                    if t is None:
                        break
                    try:
                        w.conn.send(t)
                    except OSError:
                        self._retry.appendleft(t)  # dead: reaped below
                        break
                    if not w.tasks:
                        w.started = time.monotonic()
                    w.tasks.append(t)
                    w.ntasks += 1
            busy = [w for w in self.workers if w.tasks]
            if exhausted and not self._retry and not busy:
                self._finished = True
                return
            now = time.monotonic()
            wait_for = 0.5  # also how fast a SIGINT is noticed
            for w in busy:
                wait_for = min(wait_for, max(0.0, w.started + self.timeout - now))
            handles = [w.conn for w in self.workers] + [w.proc.sentinel for w in self.workers]
            ready = set(connection.wait(handles, timeout=wait_for))
            done: list[tuple[Task, dict]] = []
            for w in list(self.workers):
                self._service(w, ready, lambda t, r: done.append((t, r)))
            yield from done

    def _service(self, w: _Worker, ready: set, on_result) -> None:
        alive = True
        if w.conn in ready:
            try:
                msg = w.conn.recv()
            except (EOFError, OSError):
                msg = None
                alive = False
            if msg is not None:
                if msg[0] == "ready":
                    w.ready = True
                elif msg[0] == "done" and w.tasks and msg[1] == w.tasks[0].id:
                    res = msg[2]
                    self.peak_rss_kb = max(self.peak_rss_kb, res.pop("maxrss_kb", 0) or 0)
                    task = w.tasks.popleft()
                    w.started = time.monotonic()  # the next queued file starts now
                    on_result(task, res)
                    if res.get("recycle") or (w.ntasks >= MAX_TASKS_PER_WORKER and not w.tasks):
                        if not res.get("recycle"):
                            try:
                                w.conn.send(None)
                            except OSError:
                                pass
                        self._retire(w, kill=False)
                        self.replaced += 1
                    return
        if not alive or w.proc.sentinel in ready:
            if alive and w.conn.poll():
                return  # a last message is still queued: read it first
            w.proc.join(timeout=1)
            task = w.tasks.popleft() if w.tasks else None
            started = w.started
            self._retire(w, kill=True)
            self.replaced += 1
            if task is not None:
                code, reason = _death_reason(w.proc.exitcode, self.memory_mb)
                on_result(task, {"status": "failed", "code": code, "reason": reason,
                                 "seconds": round(time.monotonic() - started, 3)})
            return
        if w.tasks and time.monotonic() - w.started >= self.timeout:
            task = w.tasks.popleft()
            started = w.started
            self._retire(w, kill=True)
            self.replaced += 1
            on_result(task, {"status": "failed", "code": "timeout", "reason": f"timeout after {self.timeout:g} s",
                             "seconds": round(time.monotonic() - started, 3)})

    def close(self) -> None:
        self._retry.clear()
        for w in list(self.workers):
            idle = not w.tasks
            if idle and w.proc.is_alive():
                try:
                    w.conn.send(None)
                except OSError:
                    pass
            w.tasks.clear()
            self._retire(w, kill=not idle)
