"""Time and peak memory of inputs at the scale limits, each in a fresh process
under the default limits: every one must finish (a report or a DocparseError)
within 30 s and 1 GB, refused early by a named limit where it is not a report.

    python bench/bounds.py            # all cases
    python bench/bounds.py pdf-2000x9000 html-23mb
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fuzz import samples  # noqa: E402

CASES = {
    "pdf-2000x9000": (lambda: samples.ruled_pages_pdf(2000, 9000), ".pdf"),
    "pdf-2000x450": (lambda: samples.ruled_pages_pdf(2000, 450), ".pdf"),  # just under max_segments
    "pdf-text-1000": (lambda: samples.text_pages_pdf(1000, 25), ".pdf"),  # linear: 2000 pages cost twice 1000
    "pdf-text-2000": (lambda: samples.text_pages_pdf(2000, 25), ".pdf"),
    "pdf-text-1000-full": (lambda: samples.text_pages_pdf(1000, 50), ".pdf"),
    "html-23mb": (lambda: samples.tables_html(23), ".html"),
    "docx-3.3m-empty-tc": (lambda: samples.empty_cells_docx(3_300_000), ".docx"),
    "docx-199k-cells": (lambda: samples.vmerge_docx(199_000), ".docx"),  # just under max_cells
    "docx-3m-empty-p": (lambda: samples.docx(samples.body("<w:p/>" * 3_000_000)), ".docx"),  # 26 KB, was 1.7 GB
    "docx-499k-empty-p": (lambda: samples.docx(samples.body("<w:p/>" * 499_000)), ".docx"),  # just under max_paragraphs
    "html-199k-cells": (lambda: samples.tables_html(2.6), ".html"),  # just under max_cells
    "html-23mb-paragraphs": (lambda: samples.paragraphs_html(23), ".html"),
    "docx-490k-vmerge": (lambda: samples.vmerge_docx(490_000), ".docx"),
    "html-rowspan-65535": (lambda: samples.rowspan_html(65535), ".html"),
}

_CHILD = """
import json, sys, time
import docparse
t = time.perf_counter()
try:
    docparse.extract(sys.argv[1]); out = {"result": "report"}
except docparse.DocparseError as e:
    out = {"result": f"{type(e).__name__}: {str(e)[:120]}", "limit": getattr(e, "limit", None)}
out["seconds"] = round(time.perf_counter() - t, 2)
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child forked
# from a big parent would report the parent's size.
hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM")]
out["peak_mb"] = int(hwm[0].split()[1]) // 1024 if hwm else None
print(json.dumps(out))
"""


def measure(data: bytes, suffix: str) -> dict:
    """Extract ``data`` in a fresh process: result, limit, seconds, peak_mb."""
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as f:
        f.write(data)
    try:
        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, "-c", _CHILD, f.name], capture_output=True, text=True, timeout=600)
        res = json.loads(p.stdout) if p.returncode == 0 else {"result": f"exit {p.returncode}: {p.stderr[-200:]}"}
        res.update(kb=len(data) // 1024, wall=round(time.perf_counter() - t0, 2))
        return res
    finally:
        os.unlink(f.name)


def run(name: str) -> dict:
    make, suffix = CASES[name]
    return {"case": name, **measure(make(), suffix)}


if __name__ == "__main__":
    for name in sys.argv[1:] or CASES:
        print(json.dumps(run(name), ensure_ascii=False), flush=True)
