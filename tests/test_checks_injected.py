"""Deliberately wrong arithmetic: each broken sum is flagged by its own rules, nothing else.

Generated reports (all consistent) get one printed amount nudged by one unit of
its last printed digit; the failed checks must be exactly those that involve
that cell.
"""

import random
from decimal import Decimal

import pytest

import docparse

synth = pytest.importorskip("golden.synth")

TABLES = {"income": synth.INCOME_COLS, "expenditure": synth.EXPENDITURE_COLS,
          "three_public": synth.THREE_PUBLIC_COLS, "fixed_assets": synth.FIXED_ASSETS_COLS}


def _nudge(printed: str) -> str:
    d = docparse.text.parse_amount(printed)
    return format(d + Decimal(1).scaleb(d.as_tuple().exponent), "f")


def _rules_touching(table, col, row):
    """(rule, subject) pairs a wrong value in this cell may legitimately fail."""
    rules = {(f"{table}.summary_equals_sum", col)}
    subj = row.institution
    if table == "expenditure":
        if col in ("basic", "personnel", "public_use"):
            rules.add(("expenditure.basic_split", subj))
        if col in ("total", "basic", "project", "current_surplus"):
            rules.add(("expenditure.row_total", subj))
    else:
        rules.add((f"{table}.row_total", subj))
    return rules


@pytest.mark.parametrize("seed", range(24))
def test_one_wrong_cell_is_flagged_by_its_rules_only(seed):
    rng = random.Random(seed)
    spec = synth.generate(1, 500 + seed)[0]
    import docparse.text  # noqa: F401

    candidates = [(t, i, k) for t, cols in TABLES.items() for i, row in enumerate(getattr(spec, t))
                  for k, v in enumerate(row.values) if v and docparse.text.parse_amount(v) is not None]
    table, i, k = rng.choice(candidates)
    row = getattr(spec, table)[i]
    values = list(row.values)
    values[k] = _nudge(values[k])
    row.values = tuple(values)
    col = TABLES[table][k]
    failed = {(c.rule, c.subject) for c in docparse.extract(synth.build_docx(spec)).failed_checks()}
    assert failed, f"nothing flagged for {table}/{row.institution}/{col}"
    assert failed <= _rules_touching(table, col, row), (table, row.institution, col, failed)
