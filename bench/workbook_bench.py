"""Workbooks: docparse's .xlsx reader and extraction beside the libraries that could read them.

    python bench/workbook_bench.py [--reps 15] [FILES...]

Candidates, interleaved on each file, median of the repetitions:
- docparse.extract (the whole job) and docparse.read_document (the reader stage);
- lxml floor: unzip + parse every worksheet part, nothing else;
- openpyxl.load_workbook (full mode: the only openpyxl mode that keeps merged
  ranges; read_only drops them) with data_only=True (cached formula values);
- python-calamine: load and read every sheet's values (it gives neither merged
  ranges nor number formats, so it could not read a form alone).
The default files are the golden workbooks (golden/*.xlsx) and, when present,
../shared/corpus/*.xlsx.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _lxml_floor(data: bytes) -> None:
    from lxml import etree

    z = zipfile.ZipFile(io.BytesIO(data))
    for n in z.namelist():
        if n.startswith("xl/worksheets/") and n.endswith(".xml") or n == "xl/sharedStrings.xml":
            etree.fromstring(z.read(n))


def _openpyxl(data: bytes) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    for ws in wb.worksheets:
        list(ws.iter_rows(values_only=True))
        list(ws.merged_cells.ranges)


def _calamine(data: bytes) -> None:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()


def candidates():
    import docparse

    out = [("docparse.extract", lambda d: docparse.extract(d)),
           ("docparse.read_document (reader stage)", lambda d: docparse.read_document(d)),
           ("lxml floor: unzip + parse the sheets", _lxml_floor)]
    for name, fn, mod in (("openpyxl.load_workbook (merges kept)", _openpyxl, "openpyxl"),
                          ("python-calamine (values only)", _calamine, "python_calamine")):
        try:
            __import__(mod)
            out.append((name, fn))
        except ImportError:
            print(f"{name}: skipped ({mod} not installed)", file=sys.stderr)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--reps", type=int, default=15)
    a = ap.parse_args(argv)
    files = a.files or sorted((ROOT / "golden").glob("*.xlsx")) + sorted((ROOT.parent / "shared" / "corpus").glob("*.xlsx"))
    datas = [(f.name, f.read_bytes()) for f in files]
    cands = candidates()
    times = {name: {f: [] for f, _ in datas} for name, _ in cands}
    for rep in range(a.reps):
        for fname, data in datas:
            order = cands[rep % len(cands):] + cands[:rep % len(cands)]  # rotate who goes first
            for name, fn in order:
                t = time.perf_counter()
                fn(data)
                times[name][fname].append(time.perf_counter() - t)
    med = {name: sum(statistics.median(v) for v in per.values()) for name, per in times.items()}
    base = med["docparse.extract"]
    print(f"{len(datas)} workbooks, median of {a.reps} interleaved repetitions (total ms over the files)")
    for name, _ in cands:
        print(f"  {name:<42} {1000 * med[name]:8.2f} ms   docparse.extract / this: {base / med[name]:5.2f}x")
    lib = med.get("openpyxl.load_workbook (merges kept)")
    if lib:
        r = base / lib
        print(f"  target: docparse.extract <= 3x openpyxl's own load: {r:.2f}x  {'MET' if r <= 3 else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
