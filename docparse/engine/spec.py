"""Template specs: the declarative side of extraction (``extractors/*.toml``).

A spec holds labels and their variants, column mappings, section anchors and
heading patterns for one report template. They are loaded once per process;
every label is pre-folded so matching is a dict lookup.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from ..text import fold

_HERE = Path(__file__).resolve().parent.parent


def spec_dir() -> Path:
    """Where the specs live: inside the wheel, or the repo's extractors/."""
    for cand in (_HERE / "_extractors", _HERE.parent / "extractors"):
        if cand.is_dir():
            return cand
    raise FileNotFoundError("no extractors/ directory with template specs")


_LABEL_MAX = 200


class Labels:
    """field → variants, matched on folded text (exact, or substring for *_contains)."""

    def __init__(self, mapping: dict[str, list[str]]):
        self.fields = list(mapping)
        self._exact: dict[str, str] = {}
        for name, variants in mapping.items():
            for v in variants:
                self._exact.setdefault(_key(v), name)

    def match(self, text: str | None) -> str | None:
        if not text or len(text) > _LABEL_MAX:  # a long text is a value, never a label
            return None
        return self._exact.get(_key(text))


def _key(s: str | None) -> str:
    """Label key: folded, trailing colon and leading list numbering dropped."""
    k = fold(s).rstrip(":")
    return k


def contains_any(text: str | None, needles: list[str]) -> bool:
    k = fold(text)
    return any(n in k for n in needles)


@dataclass
class Spec:
    name: str
    document_type: str
    markers: list[str]
    raw: dict[str, Any]

    def __post_init__(self):
        r = self.raw
        fz = lambda xs: [fold(x) for x in xs]  # noqa: E731
        self.sections = {k.removesuffix("_contains"): fz(v) for k, v in r["sections"].items()}
        self.overview = Labels(r["overview"]["fields"])
        self.overview_types = r["overview"].get("types", {})
        f = r["finance"]
        self.institution_header = Labels({"institution": f["institution_header"]})
        self.summary_contains = fz(f["summary_contains"])
        self.group_labels = {_key(x) for x in f["group_labels"]}
        units = "|".join(regex.escape(fold(u)) for u in sorted(f["units"], key=len, reverse=True))
        self.unit_pattern = regex.compile(rf"(?:\(|单位:)({units})")  # on folded captions
        self.tables = {
            kind: (fz(t.get("caption_contains", [])), Labels(t["columns"])) for kind, t in f["tables"].items()
        }
        s = r["self_evaluation"]
        self.se_quantitative = fz(s["quantitative_contains"])
        self.goals_header = Labels({"goals": s["goals_header"], "completion": s["completion_header"]})
        self.goal_marker = regex.compile(s["goal_marker"])
        self.indicator_marker = regex.compile(s["indicator_marker"])
        self.placeholders = {fold(x) for x in s["placeholders"]}
        self.score_labels = Labels({"score": s["score"], "grade": s["grade"]})
        self.score_suffixes = s.get("score_suffixes", [])
        self.indicator_columns = Labels(s["indicator_columns"])
        self.grades = sorted(s.get("grades", {}).items(), key=lambda kv: -kv[1])
        e = r["evaluators"]
        self.evaluator_columns = Labels({k: e[k] for k in ("name", "position", "organization")})
        self.evaluator_stop = fz(e["stop_contains"])
        c = r["cover"]
        self.cover = Labels(c["fields"])
        self.issuer_suffix = regex.compile(c["issuer_suffix"])
        n = r["narrative"]
        self.title_contains = fz(n["title_contains"])
        self.unnumbered = {fold(x) for x in n["unnumbered_headings"]}
        self.max_heading_chars = int(n.get("max_heading_chars", 60))
        self.levels = [(int(lv["level"]), regex.compile(lv["pattern"])) for lv in n["levels"]]
        self.narrative_rules = r.get("narrative_checks", {}).get("rules", [])

    def score_markers(self, folded_text: str) -> int:
        return sum(1 for m in self.markers if fold(m) in folded_text)


@functools.lru_cache(maxsize=None)
def load_specs() -> tuple[Spec, ...]:
    specs = []
    for path in sorted(spec_dir().glob("*.toml")):
        with path.open("rb") as f:
            raw = tomllib.load(f)
        t = raw["template"]
        specs.append(Spec(t["name"], t["document_type"], t.get("markers", []), raw))
    if not specs:
        raise FileNotFoundError(f"no template specs in {spec_dir()}")
    return tuple(specs)


def get_spec(name: str) -> Spec:
    for s in load_specs():
        if s.name == name:
            return s
    raise KeyError(f"no template named {name!r}; have {[s.name for s in load_specs()]}")
