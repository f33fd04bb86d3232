"""Random form files through docparse, every field compared with the generator's values.

    python -m golden.forms_roundtrip --n 200 --seed 1 [--pdf] [--axis NAME] [--out DIR]

Fields are flattened and compared by ../shared/tools/score's own ``compare``
(loaded by path) when it is there, so the figures are the scorer's. Prints
accuracy overall and per axis value, the first mismatches, and the checks'
recall / false alarms.
"""

from __future__ import annotations

import argparse
import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import docparse
from golden.synth import forms as F
from golden.synth.docwriter import document_docx

SCORE = Path(__file__).resolve().parents[1] / ".." / "shared" / "tools" / "score"


def load_scorer():
    if not SCORE.exists():
        return None
    loader = importlib.machinery.SourceFileLoader("_score", str(SCORE))
    spec = importlib.util.spec_from_loader("_score", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def compare(truth: dict, out: dict, scorer=None):
    """(fields, mismatches, missed failing checks, false alarms)."""
    scorer = scorer or load_scorer()
    S = scorer.compare(truth, out)
    fields = S.fields
    bad = [f for f in fields if not f[-1]]
    want = {(c["rule"], c["subject"]) for c in truth["checks"] if not c["ok"]}
    got = {(c["rule"], c["subject"]) for c in out.get("checks") or [] if not c.get("ok")}
    return len(fields), bad, sorted(want - got), sorted(got - want)


def to_pdf(docx_bytes: bytes) -> bytes | None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "x.docx"
        p.write_bytes(docx_bytes)
        r = subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", d, str(p)],
                           capture_output=True, timeout=180)
        q = Path(d) / "x.pdf"
        return q.read_bytes() if q.exists() else None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pdf", action="store_true")
    ap.add_argument("--axis", action="append", default=[], help="NAME or NAME=VALUE (forces the value)")
    ap.add_argument("--out", help="write <id>.docx + <id>.truth.json (+ .pdf) here")
    ap.add_argument("--show", type=int, default=15)
    a = ap.parse_args(argv)
    scorer = load_scorer()
    force = {}
    show_axes = []
    for s in a.axis:
        if "=" in s:
            k, v = s.split("=", 1)
            cand = [x for x in F.AXES[k] if str(x) == v]
            force[k] = cand[0] if cand else v
            show_axes.append(k)
        else:
            show_axes.append(s)
    fmts = ["docx"] + (["pdf"] if a.pdf else [])
    tot = {f: [0, 0] for f in fmts}
    per = {f: defaultdict(lambda: [0, 0]) for f in fmts}
    recall = {f: [0, 0] for f in fmts}
    alarms = {f: 0 for f in fmts}
    shown = 0
    if a.out:
        os.makedirs(a.out, exist_ok=True)
    for i in range(a.n):
        seed = a.seed * 100000 + i
        fs = F.generate_file(seed, force)
        truth = F.file_expected(fs)
        data = {"docx": document_docx(F.file_blocks(fs))}
        if a.pdf:
            data["pdf"] = to_pdf(data["docx"])
        if a.out:
            Path(a.out, fs.case_id + ".docx").write_bytes(data["docx"])
            if data.get("pdf"):
                Path(a.out, fs.case_id + ".pdf").write_bytes(data["pdf"])
            Path(a.out, fs.case_id + ".truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1))
            Path(a.out, fs.case_id + ".meta.json").write_text(json.dumps(
                {"id": fs.case_id, "seed": seed, "axes": {k: str(v) for k, v in fs.axes.items()},
                 "failing_checks": [list(x) for x in fs.failing]}, ensure_ascii=False, indent=1))
        for fmt in fmts:
            try:
                out = docparse.extract(data[fmt]).model_dump(mode="json") if data[fmt] else {}
            except Exception as e:  # a failure is all fields wrong
                out = {"error": str(e)}
            n, bad, missed, false = compare(truth, out, scorer)
            tot[fmt][0] += n - len(bad)
            tot[fmt][1] += n
            for k, v in fs.axes.items():
                per[fmt][(k, str(v))][0] += n - len(bad)
                per[fmt][(k, str(v))][1] += n
            want = len(fs.failing)
            recall[fmt][0] += want - len(missed)
            recall[fmt][1] += want
            alarms[fmt] += len(false)
            for b in bad:
                if shown < a.show:
                    print(f"MISMATCH {fmt} seed={seed} {b[1]}: expected {b[2]!r} got {b[3]!r}")
                    shown += 1
            for m in missed:
                if shown < a.show:
                    print(f"MISSED-CHECK {fmt} seed={seed} {m}")
                    shown += 1
            for m in false:
                if shown < a.show:
                    print(f"FALSE-ALARM {fmt} seed={seed} {m}")
                    shown += 1
    for fmt in fmts:
        print(f"\n[{fmt}] per axis value (accuracy, fields):")
        for (k, v), (ok, n) in sorted(per[fmt].items()):
            if not show_axes or k in show_axes:
                flag = "" if ok == n else "   <--"
                print(f"  {k}={v}: {100 * ok / max(n, 1):.2f}% ({n}){flag}")
    for fmt in fmts:
        ok, n = tot[fmt]
        r_ok, r_n = recall[fmt]
        print(f"{fmt}: field accuracy {100 * ok / max(n, 1):.2f}% ({ok}/{n}) over {a.n} files; "
              f"checks recall {r_ok}/{r_n}, false alarms {alarms[fmt]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
