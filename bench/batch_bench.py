"""Benchmark of ``docparse batch``: reports/s with -j 1 and -j 2, worker peak memory.

    python bench/batch_bench.py [--n 500] [--pdf-share 0.3] [--keep DIR]

Builds an archive of at least 500 distinct reports (docx from
golden/synth.generate, PDFs converted from a few of them with LibreOffice
and made distinct by a trailing PDF comment; corpus files as a fallback),
laid out like a real download: year folders, a nested zip, GBK-named
members. Runs the batch on it with -j 1 then -j 2 (fresh OUTDIR each) and
writes bench/batch_results.json.
"""

from __future__ import annotations

import argparse
import glob
import io
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = Path("/work/shared/corpus")


class _GbkName(zipfile.ZipInfo):
    """Written without the UTF-8 flag, in GBK, like zips made on Chinese Windows."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def _docx_sources(n: int, seed: int) -> list[bytes]:
    try:
        from golden.synth import build_docx, generate

        return [build_docx(spec) for spec in generate(n, seed)]
    except ImportError:
        pass
    # Fallback: corpus/golden files made distinct by a zip comment.
    base = [p.read_bytes() for p in sorted(CORPUS.glob("*.docx")) + sorted((ROOT / "golden").glob("*.docx"))]
    out = []
    for i in range(n):
        src = zipfile.ZipFile(io.BytesIO(base[i % len(base)]))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for info in src.infolist():
                z.writestr(info, src.read(info))
            z.comment = f"bench {i}".encode()
        out.append(buf.getvalue())
    return out


def _pdf_bases(docxs: list[bytes], k: int, work: Path) -> list[bytes]:
    """A handful of real PDFs: LibreOffice conversions of k docx, plus corpus PDFs."""
    pdfs = []
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice and k:
        src = work / "pdfsrc"
        src.mkdir(exist_ok=True)
        paths = []
        for i, d in enumerate(docxs[:k]):
            p = src / f"s{i}.docx"
            p.write_bytes(d)
            paths.append(str(p))
        profile = tempfile.mkdtemp(prefix="lo-profile-")
        try:
            subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                            "pdf", "--outdir", str(src), *paths], capture_output=True, timeout=600)
        except subprocess.TimeoutExpired:
            pass
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        pdfs += [Path(p).read_bytes() for p in sorted(glob.glob(str(src / "*.pdf")))]
    pdfs += [p.read_bytes() for p in sorted(CORPUS.glob("*.pdf")) + sorted((ROOT / "golden").glob("*.pdf"))]
    if not pdfs:
        raise SystemExit("no PDF available (no soffice, no corpus)")
    return pdfs


def build_archive(work: Path, n: int, pdf_share: float, seed: int = 7) -> tuple[Path, int, int]:
    n_pdf = max(1, int(n * pdf_share))
    n_docx = n - n_pdf
    t0 = time.monotonic()
    docxs = _docx_sources(n_docx, seed)
    pdf_bases = _pdf_bases(docxs, 8, work)
    # A comment after %%EOF changes the hash, not the document.
    pdfs = [pdf_bases[i % len(pdf_bases)] + f"\n%bench {i}\n".encode() for i in range(n_pdf)]
    files = [("docx", d) for d in docxs] + [("pdf", p) for p in pdfs]
    random.Random(seed).shuffle(files)
    counties = ["岳阳县", "华容县", "湘阴县", "平江县", "汨罗市", "临湘市", "君山区", "云溪区"]
    inner = io.BytesIO()
    archive = work / "reports.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as outer, \
            zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as nested:
        for i, (ext, data) in enumerate(files):
            name = f"{2019 + i % 5}年/{counties[i % len(counties)]}/{i:04d}-部门整体支出绩效自评报告.{ext}"
            if i % 5 == 4:
                nested.writestr(f"附件/{name}", data)
            elif i % 3 == 0:
                outer.writestr(_GbkName(name), data)
            else:
                outer.writestr(name, data)
        nested.close()
        outer.writestr("2023年/附件.zip", inner.getvalue())
    print(f"built {archive} ({archive.stat().st_size / 1e6:.1f} MB, {n_docx} docx + {n_pdf} pdf) "
          f"in {time.monotonic() - t0:.1f} s", file=sys.stderr)
    return archive, n_docx, n_pdf


_CHILD = """
import json, sys
from docparse.batch import run_batch
s = run_batch([sys.argv[1]], sys.argv[2], jobs=int(sys.argv[3]), progress=False, quiet=True)
print(json.dumps({"inputs": s.inputs, "ok": s.ok, "failed": s.failed, "failures": s.failures,
                  "extracted": s.extracted, "extract_seconds": s.extract_seconds, "wall_seconds": s.seconds,
                  "rate": s.rate, "worker_peak_rss_mb": s.worker_peak_rss_mb or 0}))
"""


def run(archive: Path, outdir: Path, jobs: int) -> dict:
    # In a fresh process, as from the CLI: forked workers would otherwise
    # inherit (and count in their RSS) the memory used to build the archive.
    shutil.rmtree(outdir, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load0 = os.getloadavg()[0]
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(archive), str(outdir), str(jobs)],
                          capture_output=True, text=True, check=True, cwd=str(ROOT))
    s = json.loads(proc.stdout.strip().splitlines()[-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    res = {
        "jobs": jobs, "inputs": s["inputs"], "ok": s["ok"], "failed": s["failed"], "failures": s["failures"],
        "extracted": s["extracted"], "extract_seconds": round(s["extract_seconds"], 2),
        "wall_seconds": round(s["wall_seconds"], 2), "reports_per_second": round(s["rate"], 2),
        "worker_peak_rss_mb": round(s["worker_peak_rss_mb"], 1),
        # CPU of the batch and its workers, and the machine's load: on a shared
        # machine other processes' load, not the batch, can set the speedup
        "cpu_seconds": round(cpu, 2), "loadavg_1min_before": round(load0, 2),
        "loadavg_1min_after": round(os.getloadavg()[0], 2),
    }
    print(f"-j {jobs}: {s['extracted']} reports in {s['extract_seconds']:.1f} s = {s['rate']:.2f} reports/s "
          f"(ok {s['ok']}, failed {s['failed']}); worker peak RSS {res['worker_peak_rss_mb']} MB", file=sys.stderr)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--pdf-share", type=float, default=0.3)
    ap.add_argument("--keep", help="build and write outputs here (kept) instead of a temp folder")
    ap.add_argument("--results", default=str(ROOT / "bench" / "batch_results.json"))
    args = ap.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="batch-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        archive, n_docx, n_pdf = build_archive(work, args.n, args.pdf_share)
        one = run(archive, work / "out-j1", 1)
        two = run(archive, work / "out-j2", 2)
        # ru_maxrss of reaped descendants: the batch processes and their workers
        children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        speedup = two["reports_per_second"] / one["reports_per_second"] if one["reports_per_second"] else None
        results = {
            "archive": {"reports": args.n, "docx": n_docx, "pdf": n_pdf, "bytes": archive.stat().st_size},
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "j1": one, "j2": two,
            "speedup_j2_over_j1": round(speedup, 2) if speedup else None,
            "worker_peak_rss_mb": max(one["worker_peak_rss_mb"], two["worker_peak_rss_mb"]),
            "any_batch_process_peak_rss_mb_getrusage": round(children_mb, 1),
        }
        print(f"speedup -j 2 / -j 1: {results['speedup_j2_over_j1']}×; "
              f"worker peak RSS {results['worker_peak_rss_mb']} MB", file=sys.stderr)
        with open(args.results, "w", encoding="utf-8") as f:
            json.dump(results, f, ensure_ascii=False, indent=2)
            f.write("\n")
        print(json.dumps(results, ensure_ascii=False, indent=2))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
