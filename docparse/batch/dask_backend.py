"""The Dask backend: a batch's files extracted on a ``dask.distributed`` cluster.

Planning and committing stay on the client (``runner``); this module only
ships tasks and streams results back (``as_completed``), with a bounded
number in flight so a million inputs never sit in memory at once.

Each task carries the file's bytes (read here, on the client), or with
``shared_fs`` only its path, which the workers must see too. On a Dask
worker the file runs in a child process of a per-thread ``pool.Pool`` (the
per-file timeout and memory ceiling of a local run): a hung or hostile file
is killed there and comes back as a failed result, so it can neither hang
the worker's thread (``cancel()`` cannot stop a running thread) nor kill
the worker. A worker that dies anyway (OOM killer, SIGKILL, node lost) has
its tasks rescheduled by Dask up to ``distributed.scheduler.allowed-failures``
times; then the file is recorded as failed (``worker_lost``). A future
completes once, so a retried task is committed once.

Needs ``pip install 'docparse[dask]'`` on the client, the scheduler (it unpickles
the tasks) and the workers.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from typing import Callable, Iterable, Iterator

from .outputs import store_json
from .pool import Pool, Task, preload

ALLOWED_FAILURES = 3  # LocalCluster: how often a task may lose its worker (Dask's default too)
IN_FLIGHT_PER_THREAD = 2  # Dask tasks: the next is already on the worker while one runs
# A Dask task carries a few files: Dask's own cost per task (scheduler,
# worker, messages; ~5-10 ms of CPU in all) would otherwise match the
# extraction of a small report. Sized to take ~CHUNK_SECONDS, a lost worker
# costs little to redo and the progress stays live.
CHUNK_SECONDS = 0.25
MAX_CHUNK = 16
CHUNK_BYTES = 32 * 1024 * 1024
MAX_WRITING = 64  # results waiting for their JSON to be written here
POLL = 0.2  # seconds between looks at should_stop while nothing completes
CONNECT_TIMEOUT = "20s"
RECOUNT_SECONDS = 10.0  # how often the cluster's size is asked for again
WRITERS = 4  # client threads writing the JSONs
LOW_LEVEL_LOG = 10  # messages Dask keeps per connection for debugging (they hold the files' bytes)


# --- on a Dask worker ------------------------------------------------------------------

_local = threading.local()


def run_tasks(tasks: list[Task], timeout: float, memory_mb: int | None, extractor: str) -> list[dict]:
    """Extract a few files, one after the other, in this worker thread's child process (kept for the next)."""
    key = (timeout, memory_mb, extractor)
    pool = getattr(_local, "pool", None)
    if pool is None or _local.key != key:
        if pool is not None:
            pool.close()
        preload(extractor)  # in the worker process: its children fork with the stack imported
        pool = _local.pool = Pool(1, timeout, memory_mb, extractor)
        _local.key = key
    by_id = pool.run_many(tasks)
    for res in by_id.values():
        res["maxrss_kb"] = pool.peak_rss_kb  # the pool read it off its child's result
    return [by_id[t.id] for t in tasks]


def small_scheduler_logs(dask_scheduler=None) -> None:
    """On an existing scheduler: keep LOW_LEVEL_LOG messages per worker stream, not 1000.

    Those streams carry each task's files: a scheduler that keeps the last
    1000 messages (under 1 MB each) to every worker grows by up to ~1 GB a
    worker. The log is for debugging Dask; trimming it changes nothing else.
    """
    from collections import deque

    import dask

    dask.config.set({"distributed.admin.low-level-log-length": LOW_LEVEL_LOG})  # streams opened later
    for stream in list(getattr(dask_scheduler, "stream_comms", {}).values()):
        log = getattr(stream, "recent_message_log", None)
        if log is not None and (log.maxlen or 0) > LOW_LEVEL_LOG:
            stream.recent_message_log = deque(log, maxlen=LOW_LEVEL_LOG)


# --- on the client -----------------------------------------------------------------------

class DaskBackend:
    writes_json = True  # here, on the client, before the result is yielded (the workers see no OUTDIR)

    def __init__(self, timeout: float, memory_mb: int | None, extractor: str, *, scheduler: str | None = None,
                 local_workers: int | None = None, shared_fs: bool = False, in_flight: int | None = None):
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            from .outputs import BatchError

            raise BatchError("the Dask backend needs dask.distributed: pip install 'docparse[dask]'") from None
        self.timeout, self.memory_mb, self.extractor = timeout, memory_mb, extractor
        self.shared_fs = shared_fs
        self.peak_rss_kb = 0
        self.replaced = 0
        self.lost = 0  # tasks given up after losing their worker too often
        self._cluster = None
        # Dask keeps the last low-level-log-length messages sent on each
        # connection (1000 by default) for debugging: with each file's bytes
        # in them, that is the client's memory growing to ~1000 files' worth.
        quiet_logs = {"distributed.admin.low-level-log-length": LOW_LEVEL_LOG}
        if local_workers:
            with dask.config.set({**quiet_logs, "distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
                self._cluster = LocalCluster(n_workers=local_workers, threads_per_worker=1, processes=True,
                                             dashboard_address=None, silence_logs=logging.ERROR)
                self._client = Client(self._cluster)
            self.where = f"a local Dask cluster ({local_workers} processes)"
        else:
            try:
                with dask.config.set(quiet_logs):
                    self._client = Client(scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as e:
                from .outputs import BatchError

                raise BatchError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from None
            self.where = f"the Dask scheduler {scheduler}"
            try:
                self._client.run_on_scheduler(small_scheduler_logs)
            except Exception:  # noqa: BLE001 - an older or locked-down scheduler: only its memory is at stake
                pass
        self._fixed_in_flight = in_flight
        self._threads_checked = 0.0
        self._count_threads()
        self.chunk = 1  # files per Dask task, until the first results say how long a file takes
        self._per_file: float | None = None
        self._running: dict[str, tuple[list[Task], object]] = {}
        self._token = uuid.uuid4().hex[:12]  # keys unique across runs on a long-lived cluster
        self._loader = None
        self._requeued = 0  # our tasks that were running on a worker when it was removed
        self.log: Callable[[str], None] = lambda msg: None  # the runner's progress log
        self._client.subscribe_topic("all", self._on_event)

    def _on_event(self, event) -> None:
        # On the client's event-loop thread: counts only, and one log line.
        msg = event[1] if isinstance(event, tuple) and len(event) == 2 else event
        if not isinstance(msg, dict) or msg.get("action") != "remove-worker" or msg.get("expected"):
            return
        ours = [k for k in msg.get("processing-tasks") or () if str(k).startswith(f"docparse-{self._token}-")]
        files = sum(len(self._running.get(k, ((),))[0]) for k in ours)
        self.replaced += 1
        self._requeued += files
        self.log(f"docparse batch: Dask worker {msg.get('worker', '?')} lost with {files} file(s) of "
                 "this batch on it: Dask runs them again elsewhere")

    def _count_threads(self) -> None:
        """Worker threads now (a cluster may grow or shrink: dask-jobqueue, adaptive); sizes the in-flight bound."""
        import time

        self._threads_checked = time.monotonic()
        threads = sum(self._client.nthreads().values())
        self.workers = threads
        self.in_flight = self._fixed_in_flight or IN_FLIGHT_PER_THREAD * max(threads, 1)  # Dask tasks

    @property
    def retried(self) -> int:
        return max(0, self._requeued - self.lost)

    def _payload(self, t: Task) -> Task | dict:
        """What the worker gets: bytes (default) or paths it can read itself; a dict is a failed result."""
        if self.shared_fs:
            chain = (os.path.abspath(t.chain[0]), *t.chain[1:]) if t.chain else ()
            return Task(t.id, t.label, os.path.abspath(t.path) if t.path else None, None, None, chain)
        try:
            if t.chain:
                if self._loader is None:
                    from .inputs import MemberLoader

                    self._loader = MemberLoader()
                data = self._loader.read(t.chain)
            else:
                with open(t.path, "rb") as f:
                    data = f.read()
        except Exception as e:  # noqa: BLE001 - the file changed or vanished since the scan
            msg = " ".join(f"{type(e).__name__}: {e}".split())
            what = "the zip member" if t.chain else "the file"
            return {"status": "failed", "code": "corrupt", "reason": f"corrupt: cannot read {what} ({msg})",
                    "seconds": 0.0}
        return Task(t.id, t.label, None, data, None, ())

    def _next_chunk(self, source: Iterator[Task], ready: list) -> list[tuple[Task, Task]]:
        """Up to ``self.chunk`` files (and CHUNK_BYTES) for one Dask task: (client task, payload)."""
        chunk: list[tuple[Task, Task]] = []
        size = 0
        while len(chunk) < self.chunk and size < CHUNK_BYTES:
            t = next(source, None)
            if t is None:
                break
            payload = self._payload(t)
            if isinstance(payload, dict):
                ready.append((t, payload))
                continue
            chunk.append((t, payload))
            size += len(payload.data or b"")
        return chunk

    def _learn(self, results: list[dict]) -> None:
        """Size the chunks so that one takes about CHUNK_SECONDS on a worker."""
        secs = [r.get("seconds") or 0.0 for r in results]
        if secs:
            per_file = max(sum(secs) / len(secs), 1e-3)
            self._per_file = per_file if self._per_file is None else 0.7 * self._per_file + 0.3 * per_file
            self.chunk = max(1, min(MAX_CHUNK, int(CHUNK_SECONDS / self._per_file)))

    def results(self, tasks: Iterable[Task], should_stop: Callable[[], bool] = lambda: False
                ) -> Iterator[tuple[Task, dict]]:
        import queue
        import time
        from concurrent.futures import ThreadPoolExecutor

        from distributed import as_completed

        source = iter(tasks)
        running = self._running  # future key → (the client's tasks, the future)
        writing: set[int] = set()  # task ids whose JSON is being written here
        ready: list[tuple[Task, dict]] = []  # to yield: written, failed, or answered without a worker
        written: queue.SimpleQueue = queue.SimpleQueue()
        ac = as_completed()
        # The JSONs are written (and fsynced) beside the main thread: serial
        # fsyncs would cost the client more than the workers take per file.
        writer = ThreadPoolExecutor(WRITERS, thread_name_prefix="docparse-write")
        exhausted = False

        def wake() -> None:
            with ac.thread_condition:
                ac.thread_condition.notify_all()

        def write(t: Task, res: dict) -> None:
            written.put((t, store_json(t.output, res)))  # on the client's disk, as a pool worker writes it
            wake()

        def top_up() -> None:
            nonlocal exhausted
            while (not exhausted and len(running) < self.in_flight and len(writing) < MAX_WRITING
                   and not should_stop()):
                chunk = self._next_chunk(source, ready)
                if not chunk:
                    exhausted = True
                    return
                fut = self._client.submit(run_tasks, [p for _, p in chunk], self.timeout, self.memory_mb,
                                          self.extractor, key=f"docparse-{self._token}-{chunk[0][0].id}",
                                          pure=False)
                running[fut.key] = ([t for t, _ in chunk], fut)
                ac.add(fut)

        try:
            top_up()
            while running or writing or ready:
                while not written.empty():
                    t, res = written.get()
                    writing.discard(t.id)
                    ready.append((t, res))
                while ready:
                    yield ready.pop(0)
                    if should_stop():
                        return
                if should_stop():
                    return
                if time.monotonic() - self._threads_checked > RECOUNT_SECONDS:
                    self._count_threads()
                top_up()
                if ac.has_ready():
                    for fut in ac.next_batch(block=False):
                        ts = running.pop(fut.key)[0]
                        results = self._result(fut, len(ts))
                        self._learn(results)
                        for t, res in zip(ts, results):
                            if res["status"] == "ok" and t.output and "json" in res:
                                writing.add(t.id)
                                writer.submit(write, t, res)
                            else:
                                ready.append((t, res))
                elif written.empty() and (running or writing):
                    with ac.thread_condition:
                        ac.thread_condition.wait(POLL)
        finally:  # stopped early: what is still queued is not run (what runs ends by its timeout)
            if running:
                self._client.cancel([f for _, f in running.values()])
            running.clear()
            ac.clear()
            writer.shutdown(wait=True)  # no JSON lands after the runner has cleaned up

    def _result(self, fut, n: int) -> list[dict]:
        from distributed import KilledWorker

        if fut.status == "finished":
            results = fut.result()
            for res in results:
                self.peak_rss_kb = max(self.peak_rss_kb, res.pop("maxrss_kb", 0) or 0)
            return results
        if fut.status == "cancelled":
            fail = {"code": "worker_lost", "reason": "worker_lost: the task was cancelled by the Dask scheduler"}
        else:
            exc = fut.exception()
            if isinstance(exc, KilledWorker):
                self.lost += n
                last = getattr(exc.last_worker, "address", None) or "?"
                fail = {"code": "worker_lost", "reason": f"worker_lost: the Dask worker running it died "
                                                         f"{exc.allowed_failures + 1} time(s) (last {last})"}
            else:  # run_tasks answers for every file: this is the cluster failing, not a file
                from .outputs import BatchError

                msg = " ".join(f"{type(exc).__name__}: {exc}".split())
                raise BatchError(f"the Dask cluster cannot run docparse's tasks ({msg[:300]}): install the same "
                                 "docparse[dask] on the scheduler and every worker; run again to resume")
        return [{"status": "failed", **fail, "seconds": None} for _ in range(n)]

    def close(self) -> None:
        if self._loader is not None:
            self._loader.close()
        try:
            self._client.close()
        finally:
            if self._cluster is not None:
                self._cluster.close()
