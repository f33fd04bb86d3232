"""Regenerate the expected JSON of the golden cases — on purpose only.

    python -m golden.regen            # show which goldens would change
    python -m golden.regen --write    # write golden/<case>.json from the .docx

The expected JSON is what ``docparse extract golden/<case>.docx`` prints, with
``source.file`` set to the bare file name. Review the diff (``git diff
golden/*.json``) before committing: a golden is a statement of what is right,
not a snapshot of what the code happens to do. The tests never write it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent


def expected_for(docx: Path) -> dict:
    import docparse

    report = docparse.extract(docx, filename=docx.name)
    return report.model_dump(mode="json", exclude={"provenance"})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", action="store_true", help="write the changed goldens (default: only report)")
    ap.add_argument("cases", nargs="*", help="case names (default: every golden/*.docx)")
    args = ap.parse_args(argv)
    paths = [GOLDEN / f"{c}.docx" for c in args.cases] or sorted(GOLDEN.glob("*.docx"))
    changed = 0
    for docx in paths:
        target = docx.with_suffix(".json")
        new = json.dumps(expected_for(docx), ensure_ascii=False, indent=2) + "\n"
        old = target.read_text(encoding="utf-8") if target.exists() else None
        if new == old:
            print(f"unchanged  {target.name}")
            continue
        changed += 1
        print(f"{'written  ' if args.write else 'differs  '} {target.name}")
        if args.write:
            target.write_text(new, encoding="utf-8")
    if changed and not args.write:
        print(f"{changed} golden(s) differ; rerun with --write to accept, then review git diff", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
