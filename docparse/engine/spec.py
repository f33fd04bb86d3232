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
                self._exact.setdefault(label_key(v), name)

    def match(self, text: str | None) -> str | None:
        if not text or len(text) > _LABEL_MAX:  # a long text is a value, never a label
            return None
        return self._exact.get(label_key(text))

    def match_key(self, key: str) -> str | None:
        """``match`` for a text already folded (``Row.keys``)."""
        return self._exact.get(key.rstrip(":")) if key else None


def label_key(s: str | None) -> str:
    """Label key: folded, trailing colon and leading list numbering dropped."""
    k = fold(s).rstrip(":")
    return k


def contains_any(text: str | None, needles: list[str]) -> bool:
    k = fold(text)
    return any(n in k for n in needles)


class SpecError(ValueError):
    """A template spec that cannot be used: names the file and the key."""


class SpecReader:
    """Key access into a spec's TOML that names the file and key path when one is missing or wrong."""

    def __init__(self, data: dict, file: str, path: str = ""):
        self.data, self.file, self.path = data, file, path

    def _where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def table(self, key: str, default: dict | None = None) -> "SpecReader":
        v = self.data.get(key, default)
        if v is None:
            raise SpecError(f"{self.file}: missing table [{self._where(key)}]")
        if not isinstance(v, dict):
            raise SpecError(f"{self.file}: [{self._where(key)}] must be a table")
        return SpecReader(v, self.file, self._where(key))

    def strings(self, key: str, default: list[str] | None = None) -> list[str]:
        v = self.data.get(key, default)
        if v is None:
            raise SpecError(f"{self.file}: missing key {self._where(key)}")
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise SpecError(f"{self.file}: {self._where(key)} must be a list of strings")
        return v

    def string(self, key: str, default: str | None = None) -> str:
        v = self.data.get(key, default)
        if not isinstance(v, str):
            raise SpecError(f"{self.file}: {'missing key' if v is None else 'not a string:'} {self._where(key)}")
        return v

    def labels(self, key: str) -> "Labels":
        t = self.table(key)
        return Labels({name: t.strings(name) for name in t.data})

    def pattern(self, key: str, default: str | None = None) -> regex.Pattern:
        src = self.string(key, default)
        try:
            return regex.compile(src)
        except regex.error as e:
            raise SpecError(f"{self.file}: {self._where(key)} is not a valid pattern: {e}") from None


@dataclass
class Spec:
    """One template: how a form instance is recognised, its parts, their configs.

    ``layout`` says how the parts are found: ``sections`` (the 1.0 report:
    numbered section titles, each part running to the next), or ``parts``
    (a form whose parts — labelled fields, a budget block, goals, an
    indicator table, a total row — are located independently by their own
    anchors and ordered by position). ``fills`` says what one instance
    becomes: the report itself, the department form's self-evaluation, or
    one project of ``Report.projects``.
    """

    name: str
    document_type: str
    markers: list[str]
    raw: dict[str, Any]
    file: str = "<spec>"

    def __post_init__(self):
        r = SpecReader(self.raw, self.file)
        t = r.table("template")
        self.layout = t.string("layout", "sections")
        self.fills = t.string("fills", "report")
        if self.layout not in ("sections", "parts"):
            raise SpecError(f"{self.file}: template.layout must be 'sections' or 'parts'")
        if self.fills not in ("report", "department_form", "project"):
            raise SpecError(f"{self.file}: template.fills must be 'report', 'department_form' or 'project'")
        inst = r.table("instance", {})
        self.instance_start = [fold(x) for x in inst.strings("start", [])]
        self.instance_requires = [fold(x) for x in inst.strings("requires", [])]
        self.form_titles = [fold(x) for x in inst.strings("titles", [])]
        self.not_titles = [fold(x) for x in inst.strings("not_titles", [])]
        self._narrative(r.table("narrative"))
        self.grades = sorted(((g, int(v)) for g, v in r.table("grades", {}).data.items()), key=lambda kv: -kv[1])
        if self.layout == "sections":
            self._sections(r)
        else:
            from .forms import FormConfig  # the shared form extractors own their configs

            self.form = FormConfig.from_spec(r)

    def _narrative(self, n: SpecReader) -> None:
        self.title_contains = [fold(x) for x in n.strings("title_contains")]
        self.unnumbered = {fold(x) for x in n.strings("unnumbered_headings")}
        self.max_heading_chars = int(n.data.get("max_heading_chars", 60))
        self.levels = []
        for i, lv in enumerate(n.data.get("levels") or []):
            lr = SpecReader(lv, self.file, f"narrative.levels[{i}]")
            self.levels.append((int(lv.get("level", 0)), lr.pattern("pattern")))
        if not self.levels:
            raise SpecError(f"{self.file}: missing [[narrative.levels]]")

    def _sections(self, r: SpecReader) -> None:
        fz = lambda xs: [fold(x) for x in xs]  # noqa: E731
        sec = r.table("sections")
        self.sections = {k.removesuffix("_contains"): fz(sec.strings(k)) for k in sec.data}
        for part in ("overview", "finance", "self_evaluation", "evaluators"):
            if part not in self.sections:
                raise SpecError(f"{self.file}: missing key sections.{part}_contains")
        o = r.table("overview")
        self.overview = o.labels("fields")
        self.overview_types = o.data.get("types", {})
        f = r.table("finance")
        self.institution_header = Labels({"institution": f.strings("institution_header")})
        self.summary_contains = fz(f.strings("summary_contains"))
        self.group_labels = {label_key(x) for x in f.strings("group_labels")}
        units = "|".join(regex.escape(fold(u)) for u in sorted(f.strings("units"), key=len, reverse=True))
        self.unit_pattern = regex.compile(rf"(?:\(|单位:)({units})")  # on folded captions
        tables = f.table("tables")
        self.tables = {}
        for kind in tables.data:
            tt = tables.table(kind)
            self.tables[kind] = (fz(tt.strings("caption_contains", [])), tt.labels("columns"))
        s = r.table("self_evaluation")
        self.se_quantitative = fz(s.strings("quantitative_contains"))
        self.goals_header = Labels({"goals": s.strings("goals_header"), "completion": s.strings("completion_header")})
        self.goal_marker = s.pattern("goal_marker")
        self.indicator_marker = s.pattern("indicator_marker")
        self.placeholders = {fold(x) for x in s.strings("placeholders")}
        self.score_labels = Labels({"score": s.strings("score"), "grade": s.strings("grade")})
        self.score_suffixes = s.strings("score_suffixes", [])
        self.indicator_columns = s.labels("indicator_columns")
        e = r.table("evaluators")
        self.evaluator_columns = Labels({k: e.strings(k) for k in ("name", "position", "organization")})
        self.evaluator_stop = fz(e.strings("stop_contains"))
        c = r.table("cover")
        self.cover = c.labels("fields")
        self.issuer_suffix = c.pattern("issuer_suffix")
        self.narrative_rules = r.table("narrative_checks", {}).data.get("rules", [])

    def score_markers(self, folded_text: str) -> int:
        return sum(1 for m in self.markers if fold(m) in folded_text)


def _merge(base: dict, over: dict) -> dict:
    """``over`` on top of ``base``, tables merged key by key (an include's defaults)."""
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _load_raw(path: Path, seen: tuple[str, ...] = ()) -> dict:
    try:
        with path.open("rb") as f:
            raw = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise SpecError(f"{path.name}: {e}") from None
    includes = raw.get("template", {}).get("include", []) if isinstance(raw.get("template"), dict) else []
    if isinstance(includes, str):
        includes = [includes]
    merged: dict = {}
    for inc in includes:
        if inc in seen:
            raise SpecError(f"{path.name}: template.include cycles through {inc!r}")
        inc_path = path.parent / f"{inc}.toml"
        if not inc_path.is_file():
            raise SpecError(f"{path.name}: template.include names {inc!r}, which has no {inc_path.name}")
        merged = _merge(merged, _load_raw(inc_path, seen + (inc,)))
    return _merge(merged, raw)


_errors: list[str] = []


def spec_errors() -> list[str]:
    """Why each skipped spec was skipped (file and key), after ``load_specs()``."""
    load_specs()
    return list(_errors)


def load_spec_file(path: Path) -> Spec:
    raw = _load_raw(path)
    t = raw.get("template")
    if not isinstance(t, dict):
        raise SpecError(f"{path.name}: missing table [template]")
    for key in ("name", "document_type"):
        if not isinstance(t.get(key), str):
            raise SpecError(f"{path.name}: missing key template.{key}")
    if t["document_type"] not in ("department_overall", "project"):
        raise SpecError(f"{path.name}: template.document_type must be department_overall or project")
    try:
        return Spec(t["name"], t["document_type"], list(t.get("markers", [])), raw, path.name)
    except SpecError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise SpecError(f"{path.name}: {type(e).__name__}: {e}") from None


@functools.lru_cache(maxsize=None)
def load_specs() -> tuple[Spec, ...]:
    """Every usable spec; a broken one is skipped and its reason kept (``spec_errors``)."""
    specs = []
    _errors.clear()
    for path in sorted(spec_dir().glob("*.toml")):
        if path.name.startswith("_"):  # shared tables for ``include``, not templates
            continue
        try:
            specs.append(load_spec_file(path))
        except SpecError as e:
            _errors.append(str(e))
            import warnings

            warnings.warn(f"docparse: template spec skipped: {e}", stacklevel=2)
    if not specs:
        raise FileNotFoundError(f"no usable template specs in {spec_dir()}: {'; '.join(_errors)}")
    return tuple(specs)


def get_spec(name: str) -> Spec:
    for s in load_specs():
        if s.name == name:
            return s
    raise KeyError(f"no template named {name!r}; have {[s.name for s in load_specs()]}")
