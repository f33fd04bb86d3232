"""python -m fuzz --runs 20000 --seed 1 [--workers 2] [--time-limit 10] [--mem-mb 2048]

Prints the counts; exit 0 only when no case raised anything but a
DocparseError, none went over the time limit and no worker blew its memory.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .runner import CRASH_DIR, Config, run, run_one


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=1000, help="number of mutated inputs (default 1000)")
    ap.add_argument("--seed", type=int, default=1, help="seed; a case is a pure function of (seed, index)")
    ap.add_argument("--start", type=int, default=0, help="first case index (to resume or split a run)")
    ap.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--time-limit", type=float, default=10.0,
                    help="Limits.max_seconds per document; slower is a failure (default 10)")
    ap.add_argument("--mem-mb", type=int, default=2048, help="address-space cap of each worker (default 2048)")
    ap.add_argument("--format", choices=["docx", "pdf", "xlsx", "both", "all"], default="both",
                    help="both: docx and pdf; all: also xlsx (the golden workbooks)")
    ap.add_argument("--crash-dir", type=Path, default=CRASH_DIR, help=f"where failing inputs go (default {CRASH_DIR})")
    ap.add_argument("--replay", type=Path, nargs="+", help="run these files once each, in this process, and report")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)

    if args.replay:
        bad = 0
        for p in args.replay:
            outcome, detail, dt = run_one(p.read_bytes(), args.time_limit)
            bad += outcome in ("uncaught", "over_time", "memory")
            print(f"{p}: {outcome} ({dt:.2f} s) {detail}")
        return 1 if bad else 0

    formats = {"both": ("docx", "pdf"), "all": ("docx", "pdf", "xlsx")}.get(args.format, (args.format,))
    cfg = Config(seed=args.seed, runs=args.runs, start=args.start, workers=args.workers,
                 time_limit=args.time_limit, mem_mb=args.mem_mb, formats=formats, crash_dir=args.crash_dir)
    t0 = time.monotonic()
    last = [0.0]

    def progress(res):
        now = time.monotonic()
        if not args.quiet and (now - last[0] > 30 or res.total == cfg.runs):
            last[0] = now
            print(f"[{now - t0:6.0f} s] {res.total}/{cfg.runs} runs, {res.failed} failing", file=sys.stderr, flush=True)

    res = run(cfg, progress)
    print(f"python -m fuzz --runs {cfg.runs} --seed {cfg.seed} --start {cfg.start} --workers {cfg.workers} "
          f"--time-limit {cfg.time_limit:g} --format {args.format}")
    print(res.summary())
    print(f"wall time:         {time.monotonic() - t0:.0f} s")
    for outcome, label, detail, path in res.bad[:20]:
        first = detail.strip().splitlines()[-1] if detail.strip() else ""
        print(f"  {outcome}: {label} -> {path}\n      {first[:300]}")
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
