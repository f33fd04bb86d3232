"""Where a batch's files are extracted: the execution backends.

The runner plans (inputs, duplicates, what the manifest says is done) and
commits (JSON, manifest line, tables) on the client; a backend only turns
``Task``s into results, one small interface:

    backend.results(tasks, should_stop) -> iterator of (task, result)

It keeps a bounded number of tasks in flight (``tasks`` is consumed
lazily, so a million inputs are never all in memory), yields each result as
it completes, in any order, exactly once per task, and stops early when
``should_stop()`` turns true. A result is the dict a pool worker returns:
``status`` ok/failed, ``reason``, ``json`` (unless the backend wrote the
JSON itself: ``writes_json``), ``warnings``, ``failed_checks``,
``seconds``. Backends: ``LocalBackend`` (the forked ``pool.Pool``) and
``dask_backend.DaskBackend`` (imported only when asked for).
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator, Protocol

from .pool import Pool, Task, preload


class Backend(Protocol):
    writes_json: bool  # True: a task's ``output`` path is written by the worker
    workers: int
    peak_rss_kb: int
    replaced: int  # worker processes replaced (killed, crashed, recycled)
    retried: int  # tasks run again after their worker was lost

    def results(self, tasks: Iterable[Task], should_stop: Callable[[], bool]) -> Iterator[tuple[Task, dict]]: ...

    def close(self) -> None: ...


class LocalBackend:
    """This machine's forked pool: per-file timeout and memory ceiling, workers write the JSONs."""

    writes_json = True

    def __init__(self, jobs: int, timeout: float, memory_mb: int | None, extractor: str):
        preload(extractor)  # before forking: the workers share the imports copy-on-write
        self._pool = Pool(jobs, timeout, memory_mb, extractor)
        self.workers = self._pool.jobs
        self.retried = 0

    @property
    def peak_rss_kb(self) -> int:
        return self._pool.peak_rss_kb

    @property
    def replaced(self) -> int:
        return self._pool.replaced

    def results(self, tasks, should_stop=lambda: False):
        return self._pool.results(tasks, should_stop)

    def close(self) -> None:
        self._pool.close()
