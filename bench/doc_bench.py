"""Benchmark of legacy .doc in ``docparse batch``: files/s at -j 1 and -j 2 beside the same reports as .docx.

    python bench/doc_bench.py [--n 27] [--jobs 1,2] [--no-baseline] [--no-kill] [--keep DIR]

Builds N distinct .doc files (default 27) from the golden .docx files (and
the shared corpus's, when present): each copy gets its own
``dc:description`` in docProps/core.xml, so the sha256 differs while the
report is the same, and one LibreOffice run exports them all as "MS Word 97".
Then, each in a fresh process with a private TMPDIR:

- ``docx``: the N source .docx files (the speed .doc is measured against);
- ``doc``: the N .doc files through the long-lived per-worker converter;
- ``doc-oneshot`` (the baseline, unless --no-baseline): the same with
  ``DOCPARSE_SOFFICE_PERSISTENT=0``, i.e. a fresh LibreOffice per file as
  before issue 16.

For every .doc run it counts the reports equal to their .docx source's
(every field but ``source``; LibreOffice's own .docx → .doc export loses the
tables of some form layouts, so not all are), the reports equal between the
converter and the baseline (all must be), and checks that no LibreOffice process and nothing in
the private TMPDIR is left once the batch has returned. The kill scenario
(unless --no-kill) starts ``docparse batch -j 2`` on the .doc files, SIGKILLs
the batch process once a few files are done, and checks the same two things
a few seconds later. Results go to bench/doc_results.json (git-ignored).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"

_CHILD = """
import json, sys
from docparse.batch import run_batch
s = run_batch([sys.argv[1]], sys.argv[2], jobs=int(sys.argv[3]), progress=False, quiet=True)
print(json.dumps({"inputs": s.inputs, "ok": s.ok, "failed": s.failed, "failures": s.failures,
                  "extracted": s.extracted, "extract_seconds": s.extract_seconds, "wall_seconds": s.seconds,
                  "rate": s.rate, "worker_peak_rss_mb": s.worker_peak_rss_mb or 0}))
"""


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def sources() -> list[Path]:
    found = sorted((ROOT / "golden").glob("*.docx"))
    if CORPUS.is_dir():
        found += sorted(CORPUS.glob("*.docx"))
    return found


def distinct_docx(data: bytes, tag: str) -> bytes:
    """The same .docx with ``tag`` as its core-properties description."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                new = f"<dc:description>{tag}</dc:description>"
                text, k = re.subn(r"<dc:description\s*/>|<dc:description>.*?</dc:description>", new, text, count=1)
                if not k:
                    text = text.replace("</cp:coreProperties>", new + "</cp:coreProperties>")
                body = text.encode("utf-8")
            z.writestr(info, body)
    return buf.getvalue()


def build(work: Path, n: int) -> tuple[Path, Path]:
    """work/docx and work/doc: n distinct reports, the .doc exported from the .docx."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice (soffice) is needed: apt-get install libreoffice-writer-nogui fonts-noto-cjk")
    srcs = sources()
    docx_dir, doc_dir = work / "docx", work / "doc"
    docx_dir.mkdir(parents=True, exist_ok=True)
    doc_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    paths = []
    for i in range(n):
        src = srcs[i % len(srcs)]
        p = docx_dir / f"{i:03d}-{src.stem}.docx"
        p.write_bytes(distinct_docx(src.read_bytes(), f"doc bench copy {i}"))
        paths.append(str(p))
    tmp = work / "lo-build"
    tmp.mkdir(exist_ok=True)
    env = dict(os.environ, TMPDIR=str(tmp))
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
                    "--convert-to", "doc:MS Word 97", "--outdir", str(doc_dir), *paths],
                   capture_output=True, timeout=900, env=env, start_new_session=True)
    shutil.rmtree(tmp, ignore_errors=True)
    docs = sorted(doc_dir.glob("*.doc"))
    import hashlib

    shas = {hashlib.sha256(p.read_bytes()).hexdigest() for p in docs}
    if len(docs) != n or len(shas) != n:
        raise SystemExit(f"expected {n} distinct .doc files, got {len(docs)} files, {len(shas)} distinct")
    _log(f"built {n} .docx and {n} distinct .doc from {len(srcs)} sources in {time.monotonic() - t0:.1f} s")
    return docx_dir, doc_dir


def osl_pipes() -> set[str]:
    """LibreOffice's sockets in /tmp (it puts them there whatever TMPDIR says)."""
    return {p.name for p in Path("/tmp").glob(f"OSL_PIPE_{os.getuid()}_*")}


class RssSampler:
    """Peak RSS of the soffice.bin processes that use tmpdir, sampled every 0.1 s."""

    def __init__(self, tmpdir: Path):
        import threading

        self.tmpdir, self.peak_kb, self.stop = str(tmpdir), 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.wait(0.1):
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    cmd = Path(f"/proc/{entry}/cmdline").read_bytes()
                    if b"soffice.bin" not in cmd or self.tmpdir.encode() not in cmd:
                        continue
                    for line in Path(f"/proc/{entry}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            self.peak_kb = max(self.peak_kb, int(line.split()[1]))
                except OSError:
                    continue

    def done(self) -> float:
        self.stop.set()
        self.thread.join()
        return round(self.peak_kb / 1024, 1)


def leftovers(tmpdir: Path, pipes_before: set[str] | None = None) -> dict:
    """Processes that use tmpdir, whatever is left in it, and new LibreOffice sockets in /tmp."""
    procs = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            env = Path(f"/proc/{entry}/environ").read_bytes()
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and (str(tmpdir) in cmd or str(tmpdir).encode() in env) and "doc_bench" not in cmd:
            procs.append(f"{entry} {cmd[:120]}")
    files = sorted(p.name for p in tmpdir.iterdir()) if tmpdir.exists() else []
    pipes = sorted(osl_pipes() - pipes_before) if pipes_before is not None else []
    return {"processes": procs, "tmp_entries": files, "osl_pipes": pipes}


def reports(outdir: Path) -> dict[str, dict]:
    """Report JSON by input stem (without source), from the batch's manifest."""
    got = {}
    for line in (outdir / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec.get("status") == "ok" and rec.get("output"):
            rep = json.loads((outdir / rec["output"]).read_text(encoding="utf-8"))
            rep.pop("source", None)
            got[Path(rec["input"]).stem] = rep
    return got


def run(label: str, folder: Path, outdir: Path, jobs: int, work: Path, env_extra: dict | None = None) -> dict:
    shutil.rmtree(outdir, ignore_errors=True)
    tmpdir = work / f"tmp-{label}-j{jobs}"
    shutil.rmtree(tmpdir, ignore_errors=True)
    tmpdir.mkdir()
    env = dict(os.environ, TMPDIR=str(tmpdir), **(env_extra or {}))
    load0 = os.getloadavg()[0]
    pipes = osl_pipes()
    rss = RssSampler(tmpdir)
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(folder), str(outdir), str(jobs)],
                          capture_output=True, text=True, cwd=str(ROOT), env=env)
    soffice_mb = rss.done()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{label} -j {jobs} failed:\n{proc.stderr[-2000:]}")
    s = json.loads(proc.stdout.strip().splitlines()[-1])
    left = leftovers(tmpdir, pipes)
    res = {"files": s["extracted"], "ok": s["ok"], "failed": s["failed"], "failures": s["failures"],
           "extract_seconds": round(s["extract_seconds"], 2), "files_per_second": round(s["rate"], 2),
           "worker_peak_rss_mb": round(s["worker_peak_rss_mb"], 1), "soffice_peak_rss_mb": soffice_mb,
           "loadavg_1min_before": round(load0, 2), "left_processes": left["processes"],
           "left_tmp_entries": left["tmp_entries"], "left_osl_pipes": left["osl_pipes"]}
    _log(f"{label:12s} -j {jobs}: {s['extracted']} files in {s['extract_seconds']:.1f} s = {s['rate']:.2f} files/s "
         f"(ok {s['ok']}, failed {s['failed']}); LibreOffice peak RSS {soffice_mb} MB; left: "
         f"{len(left['processes'])} processes, {len(left['tmp_entries'])} tmp entries, "
         f"{len(left['osl_pipes'])} sockets in /tmp")
    return res


def same_as_docx(doc_out: Path, docx_out: Path) -> dict:
    """How many reports of docx_out (by input stem) doc_out gives identically."""
    a, b = reports(doc_out), reports(docx_out)
    differ = sorted(k for k in b if a.get(k) != b[k])
    return {"compared": len(b), "identical": len(b) - len(differ), "differ": differ[:10]}


def kill_scenario(folder: Path, work: Path, after: int = 3) -> dict:
    """SIGKILL `docparse batch -j 2` once `after` files are done; how soon all is gone, what is left 3 s later.

    Nothing runs in between: what cleans up is the converters' own parent-death handling.
    """
    outdir = work / "out-kill"
    shutil.rmtree(outdir, ignore_errors=True)
    tmpdir = work / "tmp-kill"
    shutil.rmtree(tmpdir, ignore_errors=True)
    tmpdir.mkdir()
    env = dict(os.environ, TMPDIR=str(tmpdir))
    pipes = osl_pipes()
    docparse = Path(sys.executable).with_name("docparse")
    cmd = [str(docparse), "batch", str(folder), "-o", str(outdir), "-j", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=str(ROOT))
    manifest = outdir / "manifest.jsonl"
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        done = len(manifest.read_text().splitlines()) if manifest.exists() else 0
        if done >= after:
            break
        time.sleep(0.05)
    during = leftovers(tmpdir)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    t_kill = time.monotonic()
    clean_after = None
    while time.monotonic() - t_kill < 3:
        left = leftovers(tmpdir, pipes)
        if clean_after is None and not any(left.values()):
            clean_after = round(time.monotonic() - t_kill, 2)
        time.sleep(0.02)
    left = leftovers(tmpdir, pipes)
    res = {"killed_after_files": done, "clean_after_seconds": clean_after,
           "processes_before_kill": during["processes"],
           "left_processes": left["processes"], "left_tmp_entries": left["tmp_entries"],
           "left_osl_pipes": left["osl_pipes"]}
    n_lo = sum("soffice.bin" in p for p in during["processes"])
    _log(f"kill -9 of the batch after {done} files ({len(during['processes'])} processes of the batch running, "
         f"{n_lo} of them converters and LibreOffice): all gone after {clean_after} s; 3 s later {len(left['processes'])} processes, "
         f"{len(left['tmp_entries'])} tmp entries, {len(left['osl_pipes'])} sockets in /tmp left")
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=27, help="distinct .doc files (default 27)")
    ap.add_argument("--jobs", default="1,2", help="comma list of -j values (default 1,2)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the one LibreOffice per file baseline")
    ap.add_argument("--no-kill", action="store_true", help="skip the SIGKILL scenario")
    ap.add_argument("--keep", help="build and write outputs here (kept) instead of a temp folder")
    ap.add_argument("--results", default=str(ROOT / "bench" / "doc_results.json"))
    a = ap.parse_args()
    jobs = [int(j) for j in a.jobs.split(",")]
    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="doc-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        docx_dir, doc_dir = build(work, a.n)
        results: dict = {"n": a.n, "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                               "platform": platform.platform()}, "runs": {}}
        modes = [("docx", docx_dir, None), ("doc", doc_dir, None)]
        if not a.no_baseline:
            modes.append(("doc-oneshot", doc_dir, {"DOCPARSE_SOFFICE_PERSISTENT": "0"}))
        for j in jobs:
            for label, folder, env in modes:
                r = run(label, folder, work / f"out-{label}-j{j}", j, work, env)
                if label != "docx":
                    r["same_as_docx"] = same_as_docx(work / f"out-{label}-j{j}", work / f"out-docx-j{j}")
                    _log(f"{'':12s}       reports identical to the .docx: "
                         f"{r['same_as_docx']['identical']}/{r['same_as_docx']['compared']}")
                if label == "doc-oneshot":
                    # The converter must not change a single field: same reports as one LibreOffice per file.
                    same = same_as_docx(work / f"out-doc-j{j}", work / f"out-{label}-j{j}")
                    results["runs"][f"doc-j{j}"]["same_as_oneshot"] = same
                    _log(f"{'':12s}       .doc reports identical between the two ways: "
                         f"{same['identical']}/{same['compared']}")
                results["runs"][f"{label}-j{j}"] = r
        for j in jobs:
            runs = results["runs"]
            doc, base = runs[f"doc-j{j}"]["files_per_second"], runs.get(f"doc-oneshot-j{j}", {}).get("files_per_second")
            if base:
                results[f"speedup_over_oneshot_j{j}"] = round(doc / base, 2)
                _log(f"-j {j}: .doc {doc:.2f} files/s vs one LibreOffice per file {base:.2f}: {doc / base:.1f}×")
        if not a.no_kill:
            results["kill"] = kill_scenario(doc_dir, work)
        with open(a.results, "w", encoding="utf-8") as f:
            json.dump(results, f, ensure_ascii=False, indent=2)
            f.write("\n")
        print(json.dumps(results, ensure_ascii=False, indent=2))
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
