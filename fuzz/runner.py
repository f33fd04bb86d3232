"""Run cases in capped worker processes; count outcomes; keep crashing inputs.

A worker is a child process with its address space capped (RLIMIT_AS), so a
memory blow-up ends as MemoryError or a dead worker instead of taking the
machine down. The parent gives each case a hard timeout (the time limit plus
a grace period for the cooperative deadline to fire); a worker that times out
or dies is replaced and its case rebuilt from (seed, index) and saved.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

CRASH_DIR = Path(__file__).resolve().parent / "crashes"
GRACE = 1.0  # seconds past the limit a cooperative deadline may take to fire
BAD = ("uncaught", "over_time", "timeout", "memory", "died")


@dataclass
class Config:
    seed: int = 1
    runs: int = 1000
    start: int = 0
    workers: int = 2
    time_limit: float = 10.0  # Limits.max_seconds for each document
    mem_mb: int = 2048  # address-space cap of a worker
    formats: tuple = ("docx", "pdf")
    crash_dir: Path = CRASH_DIR
    save: bool = True


@dataclass
class Result:
    counts: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)  # DocparseError class → n
    bad: list = field(default_factory=list)  # (outcome, label, detail, path)
    slowest: tuple = (0.0, "")
    total: int = 0

    @property
    def failed(self) -> int:
        return sum(self.counts[k] for k in BAD)

    def summary(self) -> str:
        c = self.counts
        lines = [
            f"total runs:        {self.total}",
            f"ok (Report):       {c['ok']}",
            f"DocparseError:     {sum(self.errors.values())}",
        ]
        for name, n in sorted(self.errors.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {name + ':':<18} {n}")
        lines += [
            f"uncaught exceptions: {c['uncaught']}",
            f"over time limit:   {c['over_time'] + c['timeout']}",
            f"memory blow-ups:   {c['memory']}",
            f"worker deaths:     {c['died']}",
            f"slowest case:      {self.slowest[0]:.2f} s ({self.slowest[1]})",
        ]
        return "\n".join(lines)


def run_one(data: bytes, time_limit: float) -> tuple[str, str, float]:
    """(outcome, detail, seconds) for one input, in this process."""
    import docparse

    limits = docparse.Limits(max_seconds=time_limit)
    t0 = time.monotonic()
    try:
        docparse.extract(data, limits=limits).to_json()
        outcome, detail = "ok", ""
    except docparse.DocparseError as e:
        msg = str(e)
        if "\n" in msg or not msg:
            outcome, detail = "uncaught", f"{type(e).__name__} with a message that is not one line: {msg!r}"
        else:
            outcome, detail = "error:" + type(e).__name__, msg
    except MemoryError:
        outcome, detail = "memory", "MemoryError"
    except RecursionError:
        outcome, detail = "uncaught", traceback.format_exc(limit=-8)
    except Exception:
        outcome, detail = "uncaught", traceback.format_exc(limit=-8)
    dt = time.monotonic() - t0
    if outcome != "uncaught" and outcome != "memory" and dt > time_limit + GRACE:
        outcome, detail = "over_time", f"{dt:.1f} s > {time_limit:g} s ({outcome}: {detail})"
    return outcome, detail, dt


def _worker(conn, cfg: Config) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (cfg.mem_mb << 20, cfg.mem_mb << 20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    from .mutators import make_case

    import docparse  # noqa: F401  (import cost paid once, not per case)

    while True:
        idx = conn.recv()
        if idx is None:
            return
        try:
            case = make_case(cfg.seed, idx, cfg.formats)
        except Exception:
            conn.send((idx, "mutator_error", traceback.format_exc(limit=-3), 0.0, ""))
            continue
        outcome, detail, dt = run_one(case.data, cfg.time_limit)
        conn.send((idx, outcome, detail, dt, case.label))


class _Slot:
    def __init__(self, ctx, cfg):
        self.parent, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, cfg), daemon=True)
        self.proc.start()
        child.close()
        self.idx = None
        self.since = 0.0

    def kill(self):
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.parent.close()


def save_crash(cfg: Config, idx: int, outcome: str, detail: str) -> Path | None:
    if not cfg.save:
        return None
    from .mutators import make_case

    case = make_case(cfg.seed, idx, cfg.formats)
    cfg.crash_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{outcome}-s{cfg.seed}-{idx}"
    path = cfg.crash_dir / f"{stem}.{case.fmt}"
    path.write_bytes(case.data)
    (cfg.crash_dir / f"{stem}.txt").write_text(f"{case.label}\n{outcome}\n{detail}\n", encoding="utf-8")
    return path


def run(cfg: Config, progress=None) -> Result:
    ctx = mp.get_context("fork")
    res = Result()
    todo = iter(range(cfg.start, cfg.start + cfg.runs))
    hard = cfg.time_limit + GRACE + 10.0  # beyond this the worker is killed
    slots = [_Slot(ctx, cfg) for _ in range(max(1, cfg.workers))]

    def feed(slot) -> bool:
        idx = next(todo, None)
        if idx is None:
            return False
        slot.idx, slot.since = idx, time.monotonic()
        slot.parent.send(idx)
        return True

    def record(idx, outcome, detail, dt, label):
        res.total += 1
        if outcome.startswith("error:"):
            res.errors[outcome[6:]] += 1
            res.counts["error"] += 1
        else:
            res.counts[outcome] += 1
        if dt > res.slowest[0]:
            res.slowest = (dt, label)
        if outcome in BAD or outcome == "mutator_error":
            path = save_crash(cfg, idx, outcome, detail)
            res.bad.append((outcome, label, detail, path))
        if progress:
            progress(res)

    try:
        active = [s for s in slots if feed(s)]
        while active:
            ready = mp.connection.wait([s.parent for s in active] + [s.proc.sentinel for s in active], timeout=0.5)
            now = time.monotonic()
            for i, s in enumerate(list(active)):
                msg = None
                if s.parent in ready:
                    try:
                        msg = s.parent.recv()
                    except (EOFError, OSError):
                        msg = None
                if msg is not None:
                    record(*msg)
                    if not feed(s):
                        active.remove(s)
                    continue
                dead = not s.proc.is_alive()
                late = now - s.since > hard
                if dead or late:
                    code = s.proc.exitcode
                    s.kill()
                    if dead:
                        outcome, detail = "died", f"worker exit code {code} (signal {-code if code and code < 0 else 0})"
                    else:
                        outcome, detail = "timeout", f"killed after {now - s.since:.1f} s"
                    from .mutators import make_case

                    label = make_case(cfg.seed, s.idx, cfg.formats).label
                    record(s.idx, outcome, detail, now - s.since, label)
                    fresh = _Slot(ctx, cfg)
                    slots[slots.index(s)] = fresh
                    active[active.index(s)] = fresh
                    if not feed(fresh):
                        active.remove(fresh)
    finally:
        for s in slots:
            try:
                s.parent.send(None)
            except (OSError, BrokenPipeError):
                pass
            s.proc.join(2)
            s.kill()
    return res
