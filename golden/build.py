"""Write golden/<case>.docx for every golden case and export each to PDF.

    python -m golden.build                 # all cases
    python -m golden.build --only seed-yueyang-2022
    python -m golden.build --no-pdf        # docx only
    python -m golden.build --force-pdf     # re-export PDFs even if the docx did not change

The .docx output is deterministic (fixed package dates, no random ids), so a
rebuild gives byte-identical files. A PDF is re-exported only when its .docx
changed or the PDF is missing (LibreOffice stamps PDFs with the time).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from . import cases, forms
from .synth import build_docx
from .synth.docwriter import document_docx
from .synth.workbook import document_xlsx

HERE = Path(__file__).resolve().parent
PROFILE = "file:///tmp/lo-golden-profile"
TIMEOUT = 180


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx_path: Path, pdf_path: Path, exe: str) -> None:
    with tempfile.TemporaryDirectory(prefix="golden-pdf-") as tmp:
        cmd = [exe, f"-env:UserInstallation={PROFILE}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", tmp, str(docx_path)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise RuntimeError(f"soffice timed out after {TIMEOUT}s on {docx_path.name}")
        produced = Path(tmp) / (docx_path.stem + ".pdf")
        if proc.returncode != 0 or not produced.exists():
            raise RuntimeError(f"soffice failed on {docx_path.name}: {err.decode(errors='replace').strip()}")
        shutil.move(str(produced), pdf_path)


def all_names() -> list[str]:
    return cases.names() + list(forms.FORM_CASES)


def docx_of(name: str) -> bytes:
    """The case's .docx: a 1.0 report spec, or a form-family case's blocks."""
    if name in forms.FORM_CASES:
        return document_docx(forms.get(name).blocks)
    return build_docx(cases.get(name))


def to_xls(xlsx_path: Path, xls_path: Path, exe: str) -> None:
    """LibreOffice's BIFF8 export of the .xlsx: what budget systems still publish."""
    with tempfile.TemporaryDirectory(prefix="golden-xls-") as tmp:
        cmd = [exe, f"-env:UserInstallation={PROFILE}", "--headless", "--norestore",
               "--convert-to", "xls", "--outdir", tmp, str(xlsx_path)]
        proc = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, start_new_session=True)
        produced = Path(tmp) / (xlsx_path.stem + ".xls")
        if proc.returncode != 0 or not produced.exists():
            raise RuntimeError(f"soffice could not export {xlsx_path.name} as .xls (needs libreoffice-calc)")
        shutil.move(str(produced), xls_path)


def build_workbooks(names: list[str], exe: str | None, outdir: Path = HERE) -> int:
    """The .xlsx twin of each form case that has one, and for the first of them an .xls."""
    failures = 0
    for name in names:
        if name not in forms.FORM_CASES or not forms.get(name).workbook:
            continue
        data = document_xlsx(forms.get(name).blocks)
        path = outdir / f"{name}.xlsx"
        changed = not path.exists() or path.read_bytes() != data
        if changed:
            path.write_bytes(data)
        print(f"{name}.xlsx: {'written' if changed else 'unchanged'} ({len(data)} bytes)")
        xls = path.with_suffix(".xls")
        if exe and name in XLS_CASES and (changed or not xls.exists()):
            try:
                to_xls(path, xls, exe)
                print(f"{name}.xls: exported ({xls.stat().st_size} bytes)")
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                print(f"{name}.xls: FAILED: {e}", file=sys.stderr)
                failures += 1
    return failures


XLS_CASES = ("form-projects-x6-2023",)


def build(names: list[str], *, pdf: bool = True, force_pdf: bool = False, outdir: Path = HERE) -> int:
    exe = soffice() if pdf else None
    if pdf and exe is None:
        print("soffice not found: skipping PDF export (install LibreOffice to get golden/*.pdf)")
    failures = 0
    for name in names:
        try:
            data = docx_of(name)
        except cases.SeedMissing as e:
            print(f"{name}: skipped ({e}); the committed file is kept")
            continue
        dpath, ppath = outdir / f"{name}.docx", outdir / f"{name}.pdf"
        changed = not dpath.exists() or dpath.read_bytes() != data
        if changed:
            dpath.write_bytes(data)
        print(f"{name}.docx: {'written' if changed else 'unchanged'} ({len(data)} bytes)")
        if exe and (changed or force_pdf or not ppath.exists()):
            try:
                to_pdf(dpath, ppath, exe)
                print(f"{name}.pdf: exported ({ppath.stat().st_size} bytes)")
            except RuntimeError as e:
                print(f"{name}.pdf: FAILED: {e}", file=sys.stderr)
                failures += 1
    return failures + build_workbooks(names, exe, outdir)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m golden.build", description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", action="append", metavar="CASE", help="build only this case (repeatable)")
    ap.add_argument("--no-pdf", action="store_true", help="do not export PDFs")
    ap.add_argument("--force-pdf", action="store_true", help="re-export PDFs even when the docx is unchanged")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    a = ap.parse_args(argv)
    if a.list:
        for n in all_names():
            print(n)
        return 0
    names = a.only or all_names()
    unknown = [n for n in names if n not in all_names()]
    if unknown:
        ap.error(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(all_names())}")
    return 1 if build(names, pdf=not a.no_pdf, force_pdf=a.force_pdf) else 0


if __name__ == "__main__":
    sys.exit(main())
