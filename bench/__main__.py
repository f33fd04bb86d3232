"""python -m bench: docparse's speed beside the floor and its peers, in one interleaved run.

    python -m bench                  # everything; prints a table, writes bench/results.json
    python -m bench --quick          # smoke run: 2 repetitions, 2 cold starts
    python -m bench --reps 9 --only pdf
    python -m bench --no-variants    # the goldens only (no generation, no LibreOffice)
    python -m bench --files DIR      # your own reports: the .docx and .pdf files in DIR
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

from . import samples as S
from .candidates import DOCX, PDF
from .report import TARGETS, by_family, format_results, summarise
from .timing import cold_start, interleaved, peak_memory

HERE = Path(__file__).resolve().parent
SEED_DOCX = S.GOLDEN / "seed-yueyang-2022.docx"
PARTS = ("docx", "pdf", "memory", "cold")


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run(parts=PARTS, reps: int = 7, cold_reps: int = 7, variants: bool = True, files: list[S.Sample] | None = None,
        log=_log) -> dict:
    """Run the chosen parts and return the results dict (what results.json holds)."""
    if files is None:
        files = S.all_samples(variants=variants, pdf="pdf" in parts, log=log)
    res: dict = {
        "meta": {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "python": sys.version.split()[0],
                 "machine": platform.machine(), "platform": platform.platform(), "reps": reps,
                 "command": " ".join(["python -m bench"] + sys.argv[1:]) if __name__ == "__main__" else None,
                 "targets": TARGETS},
    }
    for fmt, cands in (("docx", DOCX), ("pdf", PDF)):
        if fmt not in parts:
            continue
        paths = [str(s.file(fmt)) for s in files if s.file(fmt) is not None]
        if not paths:
            res[fmt] = {"skipped": "no files"}
            continue
        present = [c for c in cands if c.available()]
        skipped = {c.key: f"{c.module} not installed" for c in cands if not c.available()}
        log(f"{fmt}: {len(paths)} files x {len(present)} candidates x {reps} repetitions")
        med = interleaved(present, paths, reps, log=log)
        pages = {p: S.pdf_pages(Path(p)) for p in paths} if fmt == "pdf" else None
        res[fmt] = summarise(fmt, present, med, paths, pages, skipped)
        if fmt == "docx" and "docparse" in med:
            res["families"] = by_family(files, med["docparse"], med.get("floor"))
    if "memory" in parts:
        mem = {}
        for fmt in ("docx", "pdf"):
            cands = [s.file(fmt) for s in files if s.file(fmt) is not None]
            if cands:
                largest = max(cands, key=lambda p: p.stat().st_size)
                log(f"memory: one extraction of {largest.name}")
                mem[fmt] = peak_memory(str(largest), fmt)
        res["memory"] = mem
    if "cold" in parts:
        log(f"cold start: {cold_reps} fresh processes")
        res["cold"] = cold_start(str(SEED_DOCX), cold_reps)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: 2 repetitions, 2 cold starts")
    ap.add_argument("--reps", type=int, help="repetitions per (file, candidate) (default 7; --quick 2)")
    ap.add_argument("--only", action="append", choices=PARTS, help="run only this part (repeatable)")
    ap.add_argument("--no-variants", action="store_true", help="the goldens only: no generated variants")
    ap.add_argument("--files", type=Path, metavar="DIR",
                    help="time the .docx and .pdf reports in DIR instead of the goldens and variants")
    ap.add_argument("--json", type=Path, default=HERE / "results.json", help="where to write the results")
    a = ap.parse_args(argv)
    reps = a.reps or (2 if a.quick else 7)
    if reps < 1:
        ap.error("--reps must be at least 1")
    parts = tuple(a.only or PARTS)
    files = None
    if a.files is not None:
        if not a.files.is_dir():
            ap.error(f"--files: not a directory: {a.files}")
        files = S.folder_samples(a.files)
        if not files:
            ap.error(f"--files: no .docx or .pdf files in {a.files}")
    res = run(parts, reps=reps, cold_reps=2 if a.quick else max(reps, 5), variants=not a.no_variants, files=files)
    res["meta"]["command"] = " ".join(["python -m bench"] + (argv if argv is not None else sys.argv[1:]))
    print(format_results(res))
    a.json.write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: {a.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
