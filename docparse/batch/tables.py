"""The report JSON flattened into tables, for CSV and SQLite.

Every table is keyed by the report id: the first 16 hex digits of the
source file's sha256 (64 bits: unique for any realistic archive, short
enough to read). ``reports.sha256`` holds the full hash. Child tables carry
``report_id`` and ``row`` (the 0-based position in the JSON list), which
together are their primary key.

Amounts stay the exact decimal strings of the JSON: TEXT in SQLite (a REAL
column would round them), plain cells in CSV.
"""

from __future__ import annotations

import json

REPORT_ID_LEN = 16


def report_id(sha256: str) -> str:
    return sha256[:REPORT_ID_LEN]


_COVER = ["unit_name", "budget_code", "evaluation_method", "evaluation_agency", "report_date", "issuer"]
_OVERVIEW_TEXT = ["contact_person", "contact_phone", "functions", "annual_work", "performance_summary"]
_OVERVIEW_INT = ["authorized_staff", "actual_staff"]

# (column, SQLite type); amounts are TEXT on purpose
REPORTS = (
    [("id", "TEXT PRIMARY KEY"), ("sha256", "TEXT NOT NULL UNIQUE"), ("input", "TEXT NOT NULL"),
     ("output", "TEXT NOT NULL"), ("file", "TEXT"), ("format", "TEXT"), ("pages", "INTEGER"),
     ("schema_version", "TEXT"), ("document_type", "TEXT"), ("title", "TEXT"), ("unit_name", "TEXT"),
     ("fiscal_year", "INTEGER")]
    + [(f"cover_{c}", "TEXT") for c in _COVER]
    + [(f"overview_{c}", "TEXT") for c in _OVERVIEW_TEXT[:2]]
    + [(f"overview_{c}", "INTEGER") for c in _OVERVIEW_INT]
    + [(f"overview_{c}", "TEXT") for c in _OVERVIEW_TEXT[2:]]
    + [("currency_unit", "TEXT"), ("score", "TEXT"), ("grade", "TEXT"), ("qualitative_goals", "TEXT"),
       ("qualitative_completion", "TEXT"), ("indicators", "INTEGER"), ("evaluators", "INTEGER"),
       ("checks", "INTEGER"), ("failed_checks", "INTEGER"), ("warnings", "INTEGER")]
)

FINANCE_COLUMNS = {
    "income": ["total", "prior_year_carryover", "general_budget", "government_fund", "special_account_non_tax", "other"],
    "expenditure": ["total", "basic", "personnel", "public_use", "project", "current_surplus", "accumulated_surplus"],
    "three_public": ["total", "reception", "vehicle_operation", "vehicle_purchase", "overseas_travel"],
    "fixed_assets": ["total", "in_use", "leased", "other"],
}

_CHILD_KEY = [("report_id", "TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE"), ("row", "INTEGER NOT NULL")]

TABLES: dict[str, list[tuple[str, str]]] = {"reports": REPORTS}
for _name, _cols in FINANCE_COLUMNS.items():
    TABLES[_name] = (_CHILD_KEY + [("institution", "TEXT"), ("is_summary", "INTEGER")]
                     + [(c, "TEXT") for c in _cols] + [("extras", "TEXT")])
TABLES["indicators"] = _CHILD_KEY + [(c, "TEXT") for c in
                                     ["level1", "level2", "name", "target", "actual", "weight", "score", "note"]]
TABLES["evaluators"] = _CHILD_KEY + [(c, "TEXT") for c in ["name", "position", "organization"]]
TABLES["checks"] = _CHILD_KEY + [("rule", "TEXT"), ("subject", "TEXT"), ("ok", "INTEGER"), ("expected", "TEXT"),
                                 ("actual", "TEXT"), ("message", "TEXT")]

MANIFEST = [("input", "TEXT PRIMARY KEY"), ("sha256", "TEXT"), ("status", "TEXT NOT NULL"), ("reason", "TEXT"),
            ("output", "TEXT"), ("report_id", "TEXT REFERENCES reports(id)"), ("warnings", "INTEGER"),
            ("failed_checks", "INTEGER"), ("seconds", "REAL")]

INDEXES = [
    ("reports", ["unit_name"]), ("reports", ["fiscal_year"]), ("reports", ["title"]),
    ("income", ["institution"]), ("expenditure", ["institution"]), ("three_public", ["institution"]),
    ("fixed_assets", ["institution"]), ("indicators", ["level1", "level2"]), ("checks", ["rule"]),
    ("checks", ["ok"]), ("manifest", ["sha256"]), ("manifest", ["status"]), ("manifest", ["report_id"]),
]

CSV_TABLES = ["reports"] + list(FINANCE_COLUMNS) + ["indicators", "evaluators", "checks"]


def _get(d, *keys):
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def flatten(rid: str, sha256: str, label: str, output: str, rep: dict) -> dict[str, list[list]]:
    """All table rows of one report, as lists in TABLES column order."""
    src = rep.get("source") or {}
    cover = rep.get("cover") or {}
    ov = rep.get("overview") or {}
    fin = rep.get("finance") or {}
    se = rep.get("self_evaluation") or {}
    checks = rep.get("checks") or []
    goals = se.get("qualitative_goals") or []
    out: dict[str, list[list]] = {t: [] for t in TABLES}
    out["reports"].append(
        [rid, sha256, label, output, src.get("file"), src.get("format"), src.get("pages"),
         rep.get("schema_version"), rep.get("document_type"), rep.get("title"), rep.get("unit_name"),
         rep.get("fiscal_year")]
        + [cover.get(c) for c in _COVER]
        + [ov.get(c) for c in _OVERVIEW_TEXT[:2]] + [ov.get(c) for c in _OVERVIEW_INT]
        + [ov.get(c) for c in _OVERVIEW_TEXT[2:]]
        + [fin.get("currency_unit"), se.get("score"), se.get("grade"), "\n".join(goals) if goals else None,
           se.get("qualitative_completion"), len(se.get("indicators") or []), len(rep.get("evaluators") or []),
           len(checks), sum(1 for c in checks if not c.get("ok", True)), len(rep.get("warnings") or [])]
    )
    for table, cols in FINANCE_COLUMNS.items():
        known = set(cols) | {"institution", "is_summary", "extras"}
        for i, row in enumerate(fin.get(table) or []):
            # fields the contract may add later land in extras rather than vanish
            extras = dict(row.get("extras") or {})
            extras.update({k: v for k, v in row.items() if k not in known})
            out[table].append([rid, i, row.get("institution"), row.get("is_summary")]
                              + [row.get(c) for c in cols]
                              + [json.dumps(extras, ensure_ascii=False) if extras else None])
    for i, ind in enumerate(se.get("indicators") or []):
        out["indicators"].append([rid, i] + [ind.get(c) for c, _ in TABLES["indicators"][2:]])
    for i, ev in enumerate(rep.get("evaluators") or []):
        out["evaluators"].append([rid, i] + [ev.get(c) for c, _ in TABLES["evaluators"][2:]])
    for i, c in enumerate(checks):
        out["checks"].append([rid, i] + [c.get(k) for k, _ in TABLES["checks"][2:]])
    return out


def csv_cell(v) -> str:
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    return str(v)


def sqlite_schema() -> list[str]:
    stmts = []
    for name, cols in list(TABLES.items()) + [("manifest", MANIFEST)]:
        body = ", ".join(f'"{c}" {t}' for c, t in cols)
        if cols[:2] == _CHILD_KEY:
            body += ", PRIMARY KEY (report_id, row)"
        stmts.append(f'CREATE TABLE "{name}" ({body})')
    for table, cols in INDEXES:
        stmts.append(f'CREATE INDEX "ix_{table}_{"_".join(cols)}" ON "{table}" ({", ".join(cols)})')
    return stmts


def sqlite_value(v):
    if isinstance(v, bool):
        return int(v)
    return v
