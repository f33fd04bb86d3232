"""Round trip: generate reports, extract them, compare with what was generated.

An independent check of the extractor on many layouts it was not tuned on:
the generator (``golden.synth``) knows every printed value, so the report
docparse extracts must match it field by field.

    python -m golden.roundtrip --n 200                 # .docx only (seconds)
    python -m golden.roundtrip --n 40 --pdf            # also via LibreOffice PDFs (minutes)

Prints the mismatches and a field accuracy; exit 1 if any document failed.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from docparse.text import clean, fold, parse_amount, squash

from .synth import EXPENDITURE_COLS, FIXED_ASSETS_COLS, INCOME_COLS, THREE_PUBLIC_COLS, build_docx, generate

_TABLES = (("income", INCOME_COLS), ("expenditure", EXPENDITURE_COLS),
           ("three_public", THREE_PUBLIC_COLS), ("fixed_assets", FIXED_ASSETS_COLS))
_MARK = re.compile(r"(?:指标|目标)\s*\d+\s*[:：]")


def _amount(printed):
    if printed is None:
        return None
    d = parse_amount(printed)
    return None if d is None else format(d, "f")


def _items(text):
    parts = _MARK.split(clean(text) or "") if _MARK.search(text or "") else [text or ""]
    return [fold(p) for p in parts if fold(p) and fold(p) not in ("......", "…", "...", "-", "")]


def compare(report: dict, spec) -> tuple[int, list[str]]:
    """(fields compared, mismatches) between an extracted report and its spec."""
    checks: list[tuple[str, object, object]] = []

    def eq(name, want, got):
        checks.append((name, want, got))

    eq("unit_name", spec.unit, report["unit_name"])
    eq("fiscal_year", spec.year, report["fiscal_year"])
    ov = report["overview"] or {}
    eq("overview.contact_person", squash(spec.contact_person), squash(ov.get("contact_person")))
    eq("overview.contact_phone", fold(spec.contact_phone), fold(ov.get("contact_phone")))
    eq("overview.authorized_staff", _int(spec.authorized_staff), ov.get("authorized_staff"))
    eq("overview.actual_staff", _int(spec.actual_staff), ov.get("actual_staff"))
    eq("overview.functions", fold(spec.functions), fold(ov.get("functions")))
    fin = report["finance"] or {}
    eq("finance.currency_unit", spec.currency_unit, fin.get("currency_unit"))
    for table, cols in _TABLES:
        want_rows = getattr(spec, table)
        got_rows = {r["institution"]: r for r in fin.get(table, [])}
        eq(f"{table}.rows", len(want_rows), len(fin.get(table, [])))
        for w in want_rows:
            g = got_rows.get(w.institution, {})
            eq(f"{table}[{w.institution}].is_summary", w.is_summary, g.get("is_summary"))
            for col, printed in zip(cols, w.values):
                eq(f"{table}[{w.institution}].{col}", _amount(printed), g.get(col))
    se = report["self_evaluation"] or {}
    eq("self_evaluation.goals", _items(spec.qualitative_goals), [fold(x) for x in se.get("qualitative_goals", [])])
    eq("self_evaluation.score", _amount(spec.score), se.get("score"))
    eq("self_evaluation.grade", spec.grade, se.get("grade"))
    names = [n for row in spec.indicators for n in _items(row.name)]
    eq("self_evaluation.indicator_names", names, [fold(i["name"]) for i in se.get("indicators", [])])
    actuals = [fold(row.actual) or None for row in spec.indicators for _ in _items(row.name)]
    eq("self_evaluation.indicator_actuals", actuals, [fold(i["actual"]) or None for i in se.get("indicators", [])])
    eq("evaluators", [(squash(e.name), e.position, e.organization) for e in spec.evaluators],
       [(e["name"], e["position"], e["organization"]) for e in report["evaluators"]])
    if spec.cover is not None:
        cov = report["cover"] or {}
        eq("cover.unit_name", spec.cover.unit_name, cov.get("unit_name"))
        eq("cover.budget_code", spec.cover.budget_code, cov.get("budget_code"))
        eq("cover.issuer", spec.cover.issuer, cov.get("issuer"))
    headings = []

    def walk(ss):
        for s in ss:
            headings.append((s["level"], fold(s["heading"])))
            walk(s["children"])

    walk(report["narrative"])
    want_h = [(b.level or 1, fold(b.text)) for b in spec.narrative if type(b).__name__ == "Heading"]
    eq("narrative.headings", want_h, headings)
    failed_checks = sorted((c["rule"], c["subject"]) for c in report["checks"] if not c["ok"])
    eq("checks.failed", sorted(tuple(x) for x in (spec.inconsistencies or [])), failed_checks)
    failed = [f"{n}: expected {w!r:.70} got {g!r:.70}" for n, w, g in checks if w != g]
    return len(checks), failed


def _int(s):
    s = fold(s)
    return int(s) if s.isdigit() else None


def _to_pdf(docx: Path, outdir: Path) -> Path | None:
    soffice = shutil.which("soffice")
    if not soffice:
        return None
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{outdir}/profile",
                    "--convert-to", "pdf", "--outdir", str(outdir), str(docx)],
                   capture_output=True, timeout=300, check=False)
    pdf = outdir / (docx.stem + ".pdf")
    return pdf if pdf.exists() else None


def main(argv=None) -> int:
    import docparse

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pdf", action="store_true", help="also convert to PDF with LibreOffice and compare")
    ap.add_argument("--show", type=int, default=5, help="mismatches to print per document")
    ap.add_argument("--keep", type=Path, help="copy the documents with mismatches here")
    args = ap.parse_args(argv)
    total = wrong = bad_docs = 0
    by_fmt: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory(prefix="docparse-roundtrip-") as tmp:
        tmp = Path(tmp)
        for i, spec in enumerate(generate(args.n, args.seed)):
            docx = tmp / f"r{i:04d}.docx"
            docx.write_bytes(build_docx(spec))
            files = [("docx", docx)]
            if args.pdf:
                pdf = _to_pdf(docx, tmp)
                if pdf:
                    files.append(("pdf", pdf))
            for fmt, path in files:
                try:
                    report = docparse.extract(path).model_dump(mode="json")
                    n, failed = compare(report, spec)
                except docparse.DocparseError as e:
                    n, failed = 1, [f"error: {e}"]
                acc = by_fmt.setdefault(fmt, [0, 0])
                acc[0] += n
                acc[1] += len(failed)
                total += n
                wrong += len(failed)
                if failed:
                    bad_docs += 1
                    print(f"{path.name} ({spec.case_id}): {len(failed)} mismatches")
                    if args.keep:
                        args.keep.mkdir(parents=True, exist_ok=True)
                        shutil.copy(path, args.keep / path.name)
                        shutil.copy(docx, args.keep / docx.name)
                    for f in failed[: args.show]:
                        print("   ", f)
    for fmt, (n, w) in by_fmt.items():
        print(f"{fmt}: {n - w}/{n} fields correct ({100 * (n - w) / max(n, 1):.2f}%)")
    print(f"{args.n} reports, {bad_docs} document-format pairs with mismatches")
    return 1 if bad_docs else 0


if __name__ == "__main__":
    sys.exit(main())
