"""OCR accuracy and speed on scans of the goldens (needs ``pip install -e '.[ocr]'``).

    python -m bench.ocr_bench                      # rapidocr, 3 goldens x 150/200 dpi
    python -m bench.ocr_bench --engine tesseract   # the same pages through tesseract (apt)
    python -m bench.ocr_bench --cases health-2021 --dpi 200

Each golden PDF is scanned by ``golden.synth.scan`` (render at the dpi,
±0.5° turn alternating by page, grey noise σ=8, JPEG q70, image-only PDF) and
extracted with ``ocr="always"``; every field of the result is compared with
the golden JSON (source, checks and warnings aside). "numbers" are the
fields whose golden value is a decimal (amounts, scores); a wrong number must
be flagged: a failed check or a warning in the report. The speed is the
whole extract per page, median of the files, next to the text-layer PDF's
extract of the same files in the same run (the baseline).

The tesseract engine swaps only the recogniser: the same deskew, rules and
tight crops go to ``tesseract --psm 7 -l chi_sim`` (one process for all the
crops of a page, a list file); it reports no score, so nothing it reads is
marked doubtful.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN = HERE.parent / "golden"
CASES = ["health-2021", "form-project-2022", "small-unit-2023"]
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def flatten(v, path="") -> dict:
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            out.update(flatten(x, f"{path}/{k}"))
        return out
    if isinstance(v, list):
        out = {f"{path}#len": len(v)}
        for i, x in enumerate(v):
            out.update(flatten(x, f"{path}/{i}"))
        return out
    return {path: v}


def compare(expected: dict, got: dict) -> dict:
    """Field-by-field agreement; numbers wrong and whether each is flagged."""
    for d in (expected, got):
        for k in ("source", "checks", "warnings", "provenance"):
            d.pop(k, None)
    e, g = flatten(expected), flatten(got)
    fields = [k for k in e if not k.endswith("#len")]
    numbers = [k for k in fields if isinstance(e[k], str) and _NUMBER.match(e[k])]
    wrong = [k for k in fields if g.get(k) != e[k]]
    return {"fields": len(fields), "fields_ok": len(fields) - len(wrong), "numbers": len(numbers),
            "numbers_ok": sum(1 for k in numbers if g.get(k) == e[k]),
            "numbers_wrong": [(k, e[k], g.get(k)) for k in numbers if g.get(k) != e[k]],
            "wrong": [(k, e[k], g.get(k)) for k in wrong][:30]}


def tesseract_recognise(images: list) -> list[tuple[str, float]]:
    import cv2

    if not images:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        names = []
        for i, im in enumerate(images):
            p = f"{tmp}/{i:05d}.png"
            cv2.imwrite(p, im)
            names.append(p)
        Path(f"{tmp}/list.txt").write_text("\n".join(names) + "\n")
        out = subprocess.run(["tesseract", f"{tmp}/list.txt", "stdout", "--psm", "7", "-l", "chi_sim"],
                             capture_output=True, text=True, env={"OMP_THREAD_LIMIT": "2", "PATH": "/usr/bin:/bin"}).stdout
    parts = out.split("\f")
    texts = [p.strip().replace(" ", "") for p in parts[:len(images)]]
    texts += [""] * (len(images) - len(texts))
    return [(t, 1.0) for t in texts]


def main(argv=None) -> None:
    import docparse
    from docparse.readers import ocr
    from golden.synth.scan import scan_pdf

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", choices=["rapidocr", "tesseract"], default="rapidocr")
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--dpi", default="150,200")
    ap.add_argument("--angle", type=float, default=0.5)
    ap.add_argument("--pages", type=int, default=0, help="first N pages of each case only (0: all)")
    ap.add_argument("--json", help="write the results here")
    a = ap.parse_args(argv)
    if a.engine == "tesseract":
        ocr.recognise = tesseract_recognise
    rows, per_page, base_per_page = [], [], []
    for case in a.cases.split(","):
        pdf = (GOLDEN / f"{case}.pdf").read_bytes()
        expected = json.loads((GOLDEN / f"{case}.json").read_text(encoding="utf-8"))
        for dpi in (int(d) for d in a.dpi.split(",")):
            pages = list(range(a.pages)) if a.pages else None
            scan = scan_pdf(pdf, dpi=dpi, angle=a.angle, seed=dpi, pages=pages)
            t0 = time.perf_counter()
            docparse.extract(pdf)  # the baseline: the same document read from its text layer
            t1 = time.perf_counter()
            rep = docparse.extract(scan, ocr="always")
            t2 = time.perf_counter()
            n = rep.source.pages or 1
            got = rep.model_dump(mode="json", exclude={"provenance"})
            flagged = any(not c["ok"] for c in got["checks"]) or any(w["code"] != "ocr.summary" for w in got["warnings"])
            res = compare(json.loads(json.dumps(expected)), json.loads(json.dumps(got)))
            res.update(case=case, dpi=dpi, pages=n, s_per_page=(t2 - t1) / n, text_layer_s_per_page=(t1 - t0) / n,
                       flagged=flagged, warnings=[w["message"][:120] for w in got["warnings"]])
            rows.append(res)
            per_page.append(res["s_per_page"])
            base_per_page.append(res["text_layer_s_per_page"])
            print(f"{case:22s} {dpi} dpi {n:2d} p: fields {res['fields_ok']}/{res['fields']}"
                  f"  numbers {res['numbers_ok']}/{res['numbers']}  {res['s_per_page']:.2f} s/page"
                  f"  flagged={flagged}", flush=True)
            for k, e, g in res["wrong"][:8]:
                print(f"    {k}: {e!r:.50} -> {g!r:.50}")
    tot = {k: sum(r[k] for r in rows) for k in ("fields", "fields_ok", "numbers", "numbers_ok")}
    silent = [f"{r['case']}@{r['dpi']}" for r in rows if r["numbers_wrong"] and not r["flagged"]]
    print(f"\n{a.engine}: fields {tot['fields_ok']}/{tot['fields']} ({tot['fields_ok'] / tot['fields']:.1%}), "
          f"numbers {tot['numbers_ok']}/{tot['numbers']} ({tot['numbers_ok'] / max(1, tot['numbers']):.1%}), "
          f"median {statistics.median(per_page):.2f} s/page OCR vs {statistics.median(base_per_page):.3f} s/page "
          f"text layer ({statistics.median(per_page) / statistics.median(base_per_page):.0f}x); "
          f"scans with a wrong number and no flag: {silent or 'none'}")
    if a.json:
        Path(a.json).write_text(json.dumps({"engine": a.engine, "rows": rows, "total": tot}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    sys.exit(main())
