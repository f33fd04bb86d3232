"""The sample reports: the goldens plus generated variants, built once and cached.

Variants come from ``golden.synth.generate`` (deterministic for a seed): the
first spec with 1, 4 and 12 institutions, each with a short and a long
narrative. A long variant's narrative paragraphs are tripled so that it runs
to many pages. The .docx is rebuilt every run (cheap, deterministic) and the
cached copy in ``bench/.cache/`` rewritten only when its bytes changed; a PDF
is exported with LibreOffice only when its .docx changed or it is missing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "golden"
CACHE = Path(__file__).resolve().parent / ".cache"
PROFILE = "file:///tmp/lo-bench-profile"  # private LibreOffice profile: never the user's
SOFFICE_TIMEOUT = 300

GEN_SEED = 7
GEN_POOL = 120
INSTITUTIONS = (1, 4, 12)


@dataclass(frozen=True)
class Sample:
    name: str
    docx: Path | None  # None for a folder's PDF without a .docx beside it
    pdf: Path | None  # None when no PDF could be made

    def file(self, fmt: str) -> Path | None:
        return self.docx if fmt == "docx" else self.pdf


def folder_samples(folder: Path) -> list[Sample]:
    """Your own reports: every .docx and .pdf in ``folder`` (not recursive), paired by name."""
    stems = sorted({f.stem for f in folder.iterdir() if f.suffix.lower() in (".docx", ".pdf") and f.is_file()})
    out = []
    for stem in stems:
        d, p = folder / f"{stem}.docx", folder / f"{stem}.pdf"
        out.append(Sample(stem, d if d.is_file() else None, p if p.is_file() else None))
    return out


def golden_samples() -> list[Sample]:
    out = []
    for d in sorted(GOLDEN.glob("*.docx")):
        p = d.with_suffix(".pdf")
        out.append(Sample(d.stem, d, p if p.exists() else None))
    return out


def _institutions(spec) -> int:
    return sum(1 for r in spec.income if not r.is_summary)


def variant_specs() -> dict[str, object]:
    """name → ReportSpec for each (institutions, short|long) pair."""
    from golden.synth import Para, generate

    picked: dict[str, object] = {}
    for spec in generate(GEN_POOL, GEN_SEED):
        n = _institutions(spec)
        long = len(spec.narrative) > 12  # generate() makes 4 or 16 headings
        name = f"gen-inst{n:02d}-{'long' if long else 'short'}"
        if n in INSTITUTIONS and name not in picked:
            if long:
                for b in spec.narrative:
                    if isinstance(b, Para):
                        b.text = b.text * 3
                spec.performance_summary = spec.performance_summary * 3
            picked[name] = spec
    missing = {f"gen-inst{n:02d}-{k}" for n in INSTITUTIONS for k in ("short", "long")} - set(picked)
    if missing:
        raise RuntimeError(f"generate({GEN_POOL}, {GEN_SEED}) has no spec for {sorted(missing)}")
    return dict(sorted(picked.items()))


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def export_pdfs(docx_paths: list[Path], outdir: Path, log=print) -> None:
    """Export .docx files to PDF in one LibreOffice process (its own profile, killed on timeout)."""
    exe = soffice()
    if exe is None or not docx_paths:
        if docx_paths:
            log("soffice not found: generated variants have no PDF (install LibreOffice)")
        return
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        cmd = [exe, f"-env:UserInstallation={PROFILE}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", tmp, *map(str, docx_paths)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            proc.communicate(timeout=SOFFICE_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            log(f"soffice timed out after {SOFFICE_TIMEOUT}s")
        for d in docx_paths:
            made = Path(tmp) / (d.stem + ".pdf")
            if made.exists():
                shutil.move(str(made), outdir / made.name)
            else:
                log(f"{d.name}: PDF export failed")


def build_variants(cache: Path = CACHE, *, pdf: bool = True, log=print) -> list[Sample]:
    from golden.synth import build_docx

    cache.mkdir(parents=True, exist_ok=True)
    to_export = []
    docs = []
    for name, spec in variant_specs().items():
        data = build_docx(spec)
        d = cache / f"{name}.docx"
        if not d.exists() or d.read_bytes() != data:
            d.write_bytes(data)
            stale = d.with_suffix(".pdf")
            if stale.exists():
                stale.unlink()
        docs.append(d)
        if pdf and not d.with_suffix(".pdf").exists():
            to_export.append(d)
    if to_export:
        log(f"exporting {len(to_export)} PDF(s) with LibreOffice (once; cached in {cache})")
        export_pdfs(to_export, cache, log)
    out = []
    for d in docs:
        p = d.with_suffix(".pdf")
        out.append(Sample(d.stem, d, p if p.exists() else None))
    return out


def all_samples(*, variants: bool = True, pdf: bool = True, log=print) -> list[Sample]:
    out = golden_samples()
    if variants:
        out += build_variants(pdf=pdf, log=log)
    return out


def pdf_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()
