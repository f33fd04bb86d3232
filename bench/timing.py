"""Interleaved timing, peak memory and cold start.

Interleaving: each repetition walks the files, and for each file runs every
candidate once, rotating which candidate goes first, so that a burst of load
from other processes on the machine hits all candidates alike. The median of
the repetitions is kept per (candidate, file).
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .candidates import Candidate


def interleaved(candidates: list[Candidate], files: list[str], reps: int, log=None) -> dict[str, dict[str, float]]:
    """{candidate key: {file: median seconds}} over ``reps`` interleaved repetitions."""
    times: dict[str, dict[str, list[float]]] = {c.key: {f: [] for f in files} for c in candidates}
    # One untimed call each: imports, lazy module loading and OS file cache.
    for f in files:
        for c in candidates:
            if c.setup:
                c.setup()
            c.run(f)
    clock = time.perf_counter
    for rep in range(reps):
        for i, f in enumerate(files):
            k = (rep + i) % len(candidates)
            for c in candidates[k:] + candidates[:k]:
                if c.setup:
                    c.setup()
                gc.collect()
                gc.disable()  # a collection would land on whichever call happens to be running
                try:
                    t0 = clock()
                    c.run(f)
                    dt = clock() - t0
                finally:
                    gc.enable()
                times[c.key][f].append(dt)
        if log:
            log(f"  repetition {rep + 1}/{reps} done")
    return {k: {f: statistics.median(v) for f, v in per.items()} for k, per in times.items()}


_MEMORY_SCRIPT = r"""
import importlib, json, resource, sys


def peak_kb():
    # ru_maxrss survives fork+exec (a child starts at its parent's high-water mark, here the
    # whole benchmark process); VmHWM belongs to this process's own address space.
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]), "VmHWM"
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "ru_maxrss"


import docparse, docparse.engine, docparse.checks  # imports are paid once per process
from docparse.readers import READERS
importlib.import_module(READERS[sys.argv[2]].split(":")[0])  # the reader's imports are not the document's cost
before, how = peak_kb()
docparse.extract(sys.argv[1])
after, _ = peak_kb()
print(json.dumps({"imports_kb": before, "peak_kb": after, "measure": how}))
"""


def peak_memory(path: str, fmt: str) -> dict:
    """Peak resident memory (KiB) of a fresh process after imports and after one extraction."""
    out = subprocess.run([sys.executable, "-c", _MEMORY_SCRIPT, path, fmt], capture_output=True, text=True,
                         timeout=300, cwd=Path(__file__).resolve().parents[1])
    if out.returncode != 0:
        raise RuntimeError(f"memory probe failed: {out.stderr.strip().splitlines()[-1:]}")
    d = json.loads(out.stdout)
    d["extraction_kb"] = d["peak_kb"] - d["imports_kb"]
    d["file"] = path
    d["bytes"] = os.path.getsize(path)
    return d


def docparse_command() -> list[str]:
    """The console script beside this interpreter, else ``python -m docparse.cli``."""
    script = Path(sys.executable).with_name("docparse")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "docparse.cli"]


def cold_start(path: str, reps: int) -> dict:
    """Wall time of fresh processes, start to exit: ``docparse extract FILE`` and bare ``python -c pass``."""
    cmd = docparse_command() + ["extract", path]

    def run(argv) -> float:
        t0 = time.perf_counter()
        p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} exited {p.returncode}: {p.stderr.decode(errors='replace')[-300:]}")
        return dt

    run(cmd)  # warm the OS file cache; not counted
    docparse_t, python_t = [], []
    for _ in range(reps):  # interleaved with the interpreter's own start-up, for scale
        docparse_t.append(run(cmd))
        python_t.append(run([sys.executable, "-c", "pass"]))
    return {"command": " ".join(cmd), "file": path, "reps": reps,
            "docparse_s": statistics.median(docparse_t), "python_startup_s": statistics.median(python_t)}
