"""Layouts that trouble the PDF reader (issue 19), as generated reports.

Each family takes random specs from ``generate`` and moves what a page break
or the PDF export does to them through every position:

- ``breaks``: filler text before the form grows sentence by sentence, so the
  page breaks walk through every row of the finance and indicator tables
  (rows cut mid-number, header blocks split over two pages, level-2 groups
  cut), with long level-1 notes that wrap over many lines;
- ``heading_top``: the narrative paragraph before the unnumbered level-1
  heading 部门整体支出管理及使用情况 grows until the heading is the first line
  of a page;
- ``cover``: a cover laid out as a borderless table, labels with or without
  a colon, values set off by spaces (``名称␣␣值``, ``名称：␣␣值``).

    python -m golden.synth.pdfcases [--family breaks] [--n 12] [--keep DIR]

converts each .docx with LibreOffice and compares the PDF's report (and the
.docx's) with the spec, as ``golden.roundtrip`` does.
"""

from __future__ import annotations

import argparse
import copy
import io
import random
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

from .ooxml import W, el, para, repack, row, table
from .randomspec import LEVEL2, SENTENCES, generate
from .render import build_docx
from .spec import Cover, Heading, IndicatorRow, Para

_LONG_NOTE = {"产出目标": "（部门工作实绩，根据部门职责和年度工作计划从数量、质量、时效、成本等方面调整细化）",
              "效益目标": "（预期实现的效益，包括经济效益、社会效益、生态效益、可持续影响等，根据效益目标调整细化）"}


def breaks(n: int, seed: int = 19):
    """(name, spec) with the form pushed down the page by 0..n-1 sentences."""
    base = generate(1, seed)[0]
    base.cover = None
    base.form_title = []
    base.indicator_layout = "full"
    rng = random.Random(seed)
    inds = []
    for l1 in ("产出目标", "效益目标"):
        for l2, names in LEVEL2[l1]:
            for name in names:
                inds.append(IndicatorRow(f"{l1}\n\n{_LONG_NOTE[l1]}", l2, name, f"{rng.randint(90, 100)}%",
                                         target="≥90%", weight="5", score="5"))
    base.indicators = inds
    for k in range(n):
        spec = copy.deepcopy(base)
        spec.case_id = f"breaks-{k:02d}"
        spec.performance_summary = "".join(SENTENCES[(i * 3) % len(SENTENCES)] for i in range(6 + 5 * k))
        yield spec.case_id, spec, build_docx(spec)


def heading_top(n: int, seed: int = 19):
    """(name, spec) with the paragraph before 部门整体支出管理及使用情况 grown by
    a few characters at a time (one of them puts the heading atop a page)."""
    base = generate(1, seed + 1)[0]
    for k in range(n):
        spec = copy.deepcopy(base)
        spec.case_id = f"heading-top-{k:02d}"
        text = "".join(SENTENCES[i % len(SENTENCES)] for i in range(40)) + "我" * (3 * k) + "。"
        spec.narrative = [Heading(1, "部门（单位）基本情况"), Para(text),
                          Heading(0, "部门整体支出管理及使用情况"), Para(SENTENCES[0] * 3)]
        yield spec.case_id, spec, build_docx(spec)


def cover(n: int, seed: int = 19):
    """(name, spec) whose cover is a borderless table (the spec's cover fields)."""
    for k, spec in enumerate(generate(n, seed + 2)):
        spec.case_id = f"cover-{k:02d}"
        if spec.cover is None:
            spec.cover = Cover(unit_name=spec.unit, budget_code=f"{100 + k:03d}{k:03d}", evaluation_method="部门自评",
                               report_date=f"{spec.year + 1}年3月{k + 1}日", issuer="岳阳市财政局")
        c = spec.cover
        # label cells without a colon, with ``：``, and values set off by spaces
        label_end, value_pad = [("", "  "), ("：", "  "), ("", "")][k % 3]
        fields = [("部门(单位)名称", c.unit_name), ("预算编码", c.budget_code), ("评价方式", c.evaluation_method),
                  ("评价机构", c.evaluation_agency), ("报告日期", c.report_date)]
        rows = [row([a + label_end, value_pad + v], [35, 65], total=6800) for a, v in fields if v]
        blocks = [para(), para(c.title, bold=True, size=44, align="center"), para(),
                  _borderless(table(rows, total=6800)), para()]
        if c.issuer:
            blocks.append(para(f"{c.issuer}(制)", size=30, align="center"))
        blocks.append(para(page_break=True))
        spec.cover.style = "table"
        plain = copy.deepcopy(spec)
        plain.cover = None
        yield spec.case_id, spec, _prepend(build_docx(plain), blocks)


FAMILIES = {"breaks": breaks, "heading_top": heading_top, "cover": cover}


def _borderless(tbl):
    for b in tbl.iter(W + "tblBorders"):
        for side in b:
            side.set(W + "val", "nil")
    return tbl


def _prepend(data: bytes, blocks: list) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(src.read("word/document.xml"))
    body = root.find(W + "body")
    for i, b in enumerate(blocks):
        body.insert(i, b)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "word/document.xml":
                blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(info.filename, blob)
    return repack(out.getvalue())


def main(argv=None) -> int:
    import docparse

    from ..roundtrip import compare

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--family", choices=sorted(FAMILIES), action="append")
    ap.add_argument("--n", type=int, default=12)
    ap.add_argument("--show", type=int, default=5)
    ap.add_argument("--keep", type=Path)
    args = ap.parse_args(argv)
    soffice = shutil.which("soffice")
    bad = 0
    by_fmt: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory(prefix="docparse-pdfcases-") as tmp:
        tmp = Path(tmp)
        specs = {}
        for fam in args.family or sorted(FAMILIES):
            for name, spec, data in FAMILIES[fam](args.n):
                (tmp / f"{name}.docx").write_bytes(data)
                specs[name] = spec
        if soffice:
            subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
                            "--convert-to", "pdf", "--outdir", str(tmp)] + [str(tmp / f"{n}.docx") for n in specs],
                           capture_output=True, timeout=1200, check=False)
        for name, spec in specs.items():
            for fmt in ("docx", "pdf"):
                path = tmp / f"{name}.{fmt}"
                if not path.exists():
                    continue
                try:
                    n, failed = compare(docparse.extract(path).model_dump(mode="json"), spec)
                except docparse.DocparseError as e:
                    n, failed = 1, [f"error: {e}"]
                acc = by_fmt.setdefault(fmt, [0, 0])
                acc[0] += n
                acc[1] += len(failed)
                if failed:
                    bad += 1
                    print(f"{path.name}: {len(failed)} mismatches")
                    for f in failed[: args.show]:
                        print("   ", f)
                    if args.keep:
                        args.keep.mkdir(parents=True, exist_ok=True)
                        shutil.copy(path, args.keep / path.name)
    for fmt, (n, w) in by_fmt.items():
        print(f"{fmt}: {n - w}/{n} fields correct ({100 * (n - w) / max(n, 1):.2f}%)")
    print(f"{len(specs)} reports, {bad} document-format pairs with mismatches")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
