"""Medians → the table and the ratios against the targets of issue 7."""

from __future__ import annotations

from pathlib import Path

# docparse / reference must stay at or under these (issue 7).
TARGETS = {"docx_vs_floor": 3.0, "pdf_vs_pypdfium2": 5.0, "cold_start_s": 0.5}


def summarise(fmt, candidates, med, paths, pages, skipped) -> dict:
    """Per candidate: mean of the per-file medians (ms/doc), ms/page for PDF, and docparse/candidate.

    The ratio is total docparse time over total candidate time on the same
    files, so bigger files weigh more, as they would in an archive.
    """
    n = len(paths)
    total_pages = sum(pages.values()) if pages else None
    dp_total = sum(med["docparse"].values()) if "docparse" in med else None
    out = {"files": [{"path": p, "pages": pages[p] if pages else None} for p in paths], "candidates": {},
           "skipped": skipped}
    for c in candidates:
        tot = sum(med[c.key].values())
        row = {"label": c.label, "role": c.role, "ms_per_doc": 1000 * tot / n,
               "per_file_ms": {Path(p).name: 1000 * med[c.key][p] for p in paths}}
        if total_pages:
            row["ms_per_page"] = 1000 * tot / total_pages
        if dp_total is not None:
            row["docparse_over"] = dp_total / tot if tot else None
        out["candidates"][c.key] = row
    ref = {"docx": ("floor", "docx_vs_floor"), "pdf": ("pypdfium2", "pdf_vs_pypdfium2")}[fmt]
    r = out["candidates"].get(ref[0], {}).get("docparse_over")
    if r is not None and dp_total is not None:
        out["target"] = {"name": ref[1], "ratio": r, "limit": TARGETS[ref[1]], "met": r <= TARGETS[ref[1]]}
    return out


def by_family(samples, docparse_med: dict, floor_med: dict | None = None) -> dict:
    """docparse's docx time per printed page (the page count of the sample's PDF), by template family.

    The forms must cost no more per page than the 1.0 report family. A form's
    page holds about three times the XML of a report page (one dense table
    against mostly text), so the time over the floor's (the parse alone) on
    the same files is shown beside it: that is docparse's own cost per unit
    of document.
    """
    import docparse
    from .samples import pdf_pages

    fam: dict[str, dict] = {}
    for s in samples:
        if s.docx is None or s.pdf is None or str(s.docx) not in docparse_med:
            continue
        name = docparse.extract(s.docx).template or "text-only"
        f = fam.setdefault(name, {"files": 0, "pages": 0, "seconds": 0.0, "floor_seconds": 0.0})
        f["files"] += 1
        f["pages"] += pdf_pages(s.pdf)
        f["seconds"] += docparse_med[str(s.docx)]
        f["floor_seconds"] += (floor_med or {}).get(str(s.docx), 0.0)
    for f in fam.values():
        f["ms_per_page"] = 1000 * f["seconds"] / f["pages"] if f["pages"] else None
        f["over_floor"] = f["seconds"] / f["floor_seconds"] if f["floor_seconds"] else None
    return fam


def _fmt_families(fam: dict) -> list[str]:
    lines = ["DOCX PER PAGE BY FAMILY (docparse.extract; pages of the same document's PDF)"]
    for name, f in sorted(fam.items()):
        over = f" {f['over_floor']:.2f}x the floor" if f.get("over_floor") else ""
        lines.append(f"  {name:<40} {f['ms_per_page']:>7.2f} ms/page{over}  ({f['files']} files, {f['pages']} pages)")
    base = fam.get("department_overall", {})
    for name, f in sorted(fam.items()):
        if base.get("ms_per_page") and name != "department_overall" and f["ms_per_page"]:
            r = f["ms_per_page"] / base["ms_per_page"]
            lines.append(f"  {name} / department_overall per page: {r:.2f}x  {'MET' if r <= 1 else 'NOT MET'} (<= 1x)")
            if f.get("over_floor") and base.get("over_floor"):
                r = f["over_floor"] / base["over_floor"]
                lines.append(f"  {name} / department_overall over the floor: {r:.2f}x  {'MET' if r <= 1 else 'NOT MET'}")
    return lines


def _fmt_table(fmt: str, d: dict) -> list[str]:
    if "skipped" in d and "candidates" not in d:
        return [f"{fmt}: skipped ({d['skipped']})"]
    pdf = fmt == "pdf"
    n = len(d["files"])
    head = f"{fmt.upper()}  ({n} files" + (f", {sum(f['pages'] for f in d['files'])} pages" if pdf else "") + ")"
    lines = [head, f"  {'candidate':<50} {'ms/doc':>9}" + (f" {'ms/page':>8}" if pdf else "") + f" {'docparse/x':>11}"]
    for key, c in d["candidates"].items():
        ratio = c.get("docparse_over")
        rs = "—" if key == "docparse" else (f"{ratio:.2f}x" if ratio is not None else "n/a")
        lines.append(f"  {c['label']:<50} {c['ms_per_doc']:>9.1f}" + (f" {c['ms_per_page']:>8.2f}" if pdf else "")
                     + f" {rs:>11}")
    for key, why in d.get("skipped", {}).items():
        lines.append(f"  {key:<50} {'skipped: ' + why:>21}")
    t = d.get("target")
    if t:
        lines.append(f"  target {t['name']}: {t['ratio']:.2f}x <= {t['limit']:g}x  {'MET' if t['met'] else 'NOT MET'}")
    return lines


def format_results(res: dict) -> str:
    m = res["meta"]
    lines = [f"docparse benchmark — {m['when']}, Python {m['python']}, {m['platform']}, "
             f"median of {m['reps']} interleaved repetitions per file"]
    for fmt in ("docx", "pdf"):
        if fmt in res:
            lines += [""] + _fmt_table(fmt, res[fmt])
    if res.get("families"):
        lines += [""] + _fmt_families(res["families"])
    if "memory" in res:
        lines.append("")
        how = next(iter(res["memory"].values()), {}).get("measure", "ru_maxrss")
        lines.append(f"PEAK MEMORY (one extraction of the largest sample in a fresh process, {how})")
        for fmt, d in res["memory"].items():
            lines.append(f"  {fmt}: {Path(d['file']).name} ({d['bytes'] / 1024:.0f} KiB): after imports "
                         f"{d['imports_kb'] / 1024:.1f} MiB, after one extraction {d['peak_kb'] / 1024:.1f} MiB "
                         f"(+{d['extraction_kb'] / 1024:.1f} MiB)")
    if "cold" in res:
        c = res["cold"]
        ok = c["docparse_s"] < TARGETS["cold_start_s"]
        lines += ["", f"COLD START ({c['command']}, median of {c['reps']})",
                  f"  docparse extract: {1000 * c['docparse_s']:.0f} ms   (python -c pass: "
                  f"{1000 * c['python_startup_s']:.0f} ms)",
                  f"  target cold_start: {c['docparse_s']:.3f} s < {TARGETS['cold_start_s']:g} s  "
                  f"{'MET' if ok else 'NOT MET'}"]
    return "\n".join(lines)
