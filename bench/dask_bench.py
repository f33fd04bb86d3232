"""Benchmark of ``docparse batch`` on Dask against the local pool, same input, same run.

    python bench/dask_bench.py [--n 200] [--reps 3] [--scheduler tcp://host:8786] [--rss 200,5000]

1. Overhead: the archive of ``batch_bench.build_archive`` (N real reports,
   docx and PDF, nested zip, GBK names) extracted with ``-j 2``, with
   ``--dask-local 2`` (a LocalCluster started by the run, its start-up
   included) and, with ``--scheduler``, on an existing cluster; the runs
   interleaved, REPS each, medians of wall time; ratios against ``-j 2``.
2. Client memory: the client's peak RSS (VmHWM of the process running
   ``run_batch``; a LocalCluster's scheduler lives in it too) at 200 and
   5,000 inputs. A stand-in extractor (``fake_extract`` below: sleeps 2 ms,
   returns a real report's JSON) keeps 5,000 files quick; each input is 64 KB
   so that the bytes shipped to the workers count.

Writes bench/dask_results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_GOLDEN_JSON = None


def fake_extract(source, *, filename=None, limits=None):
    """A real report's JSON (golden/education-2019.json) for any input, after 2 ms."""
    import hashlib

    global _GOLDEN_JSON
    if _GOLDEN_JSON is None:
        _GOLDEN_JSON = (ROOT / "golden" / "education-2019.json").read_text(encoding="utf-8")
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    time.sleep(0.002)
    rep = json.loads(_GOLDEN_JSON)
    rep["source"] = {**(rep.get("source") or {}), "file": filename, "sha256": hashlib.sha256(data).hexdigest()}
    return rep


_CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
from docparse.batch import run_batch

def peak_rss_mb():
    # VmHWM, not ru_maxrss: that one survives exec and would report the bench's own size
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
if __name__ == "__main__":
    inp, out, mode, extractor = sys.argv[1:5]
    kw = {{"jobs": 2}} if mode == "j2" else {{"dask_local": 2}} if mode == "dask-local" else {{"scheduler": mode}}
    if extractor != "-":
        kw["extractor"] = extractor
    t0 = time.monotonic()
    s = run_batch([inp], out, progress=False, quiet=True, **kw)
    print(json.dumps({{"wall": time.monotonic() - t0, "extract_seconds": s.extract_seconds, "ok": s.ok,
                      "failed": s.failed, "inputs": s.inputs,
                      "client_rss_mb": peak_rss_mb()}}))
"""


def run(inp: Path, out: Path, mode: str, extractor: str = "-") -> dict:
    """One batch in a fresh process, as from the CLI."""
    shutil.rmtree(out, ignore_errors=True)
    script = out.parent / "bench_child.py"
    script.write_text(_CHILD.format(root=str(ROOT)))
    p = subprocess.run([sys.executable, str(script), str(inp), str(out), mode, extractor],
                       capture_output=True, text=True, cwd=str(ROOT))
    if p.returncode != 0:
        raise SystemExit(f"{mode} run failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def overhead(work: Path, n: int, reps: int, scheduler: str | None) -> dict:
    from bench.batch_bench import build_archive

    archive, n_docx, n_pdf = build_archive(work, n, 0.3)
    modes = ["j2", "dask-local"] + ([scheduler] if scheduler else [])
    walls: dict[str, list[float]] = {m: [] for m in modes}
    runs: dict[str, list[dict]] = {m: [] for m in modes}
    for r in range(reps):
        for m in (modes if r % 2 == 0 else modes[::-1]):  # alternate the order: load from elsewhere hits all
            res = run(archive, work / "out", m)
            walls[m].append(res["wall"])
            runs[m].append(res)
            print(f"  rep {r + 1} {m}: {res['wall']:.2f} s ({res['ok']} ok, {res['failed']} failed)",
                  file=sys.stderr)
    med = {m: statistics.median(v) for m, v in walls.items()}
    return {"inputs": runs["j2"][0]["inputs"], "docx": n_docx, "pdf": n_pdf, "reps": reps,
            "median_wall_seconds": med, "ratio_vs_j2": {m: med[m] / med["j2"] for m in modes},
            "ok": {m: runs[m][0]["ok"] for m in modes}, "runs": runs}


def client_rss(work: Path, sizes: list[int], scheduler: str | None) -> dict:
    out: dict = {}
    for n in sizes:
        d = work / f"rss-{n}"
        d.mkdir(exist_ok=True)
        for i in range(n):
            p = d / f"{i:05d}.docx"
            if not p.exists():
                p.write_bytes(f"REPORT {i}\n".encode() + os.urandom(64 * 1024))
        for m in ["j2", "dask-local"] + ([scheduler] if scheduler else []):
            res = run(d, work / "out", m, "bench.dask_bench:fake_extract")
            out.setdefault(m, {})[n] = {"client_rss_mb": round(res["client_rss_mb"], 1),
                                        "wall": round(res["wall"], 2), "ok": res["ok"]}
            print(f"  {n} inputs, {m}: client peak RSS {res['client_rss_mb']:.0f} MB, {res['wall']:.1f} s",
                  file=sys.stderr)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--scheduler", default=None, help="also time an existing cluster (its workers: 2 processes)")
    ap.add_argument("--rss", default="200,5000", help="input counts for the client memory figure ('' to skip)")
    ap.add_argument("--skip-overhead", action="store_true")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dask-bench-"))
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}
    try:
        import distributed

        results["machine"]["distributed"] = distributed.__version__
        if not a.skip_overhead:
            results["overhead"] = ov = overhead(work, a.n, a.reps, a.scheduler)
            print("median wall: " + ", ".join(f"{m} {s:.2f} s ({ov['ratio_vs_j2'][m]:.2f}x)"
                                             for m, s in ov["median_wall_seconds"].items()))
        if a.rss:
            results["client_rss"] = rss = client_rss(work, [int(x) for x in a.rss.split(",")], a.scheduler)
            for m, by_n in rss.items():
                print(f"client peak RSS {m}: " + ", ".join(f"{n} inputs {v['client_rss_mb']:.0f} MB"
                                                          for n, v in by_n.items()))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (ROOT / "bench" / "dask_results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
