"""Everything written to OUTDIR, and how a kill at any moment stays harmless.

The commit point of a file is its line in ``manifest.jsonl``: the report's
JSON is written first (temp file, fsync, rename), then the manifest line is
appended and fsync'd. A kill before the append leaves at worst an orphan
JSON that the next run overwrites (names are a function of the input label)
or deletes; a kill during the append leaves a torn last line that the next
run drops. ``reports.jsonl``, the tables (CSV, SQLite, Parquet, XLSX; see
``writers``) and the dashboard are derived data: rebuilt from the manifest
and the JSONs at the end of every run, each into a temp file renamed over
the old one.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
from contextlib import contextmanager
from typing import Iterator

from docparse.errors import OUT_OF_SPACE, is_out_of_space

from . import tables

MANIFEST = "manifest.jsonl"
REPORTS_JSONL = "reports.jsonl"
JSON_DIR = "json"
# code: a failed input's reason code (corrupt, timeout, crashed, ...); reason: "code: message", as before
FIELDS = ["input", "sha256", "status", "reason", "code", "output", "warnings", "failed_checks", "seconds"]


# --- errors -----------------------------------------------------------------------

class BatchError(Exception):
    """The batch itself cannot run (OUTDIR busy or unwritable)."""

    exit_code = 2


class OutOfSpace(BatchError):
    """The output device is full: the run stops; run it again once there is space."""

    exit_code = OUT_OF_SPACE


class WriteFailed(Exception):
    """A report's JSON could not be written (the file is failed, not ok)."""

    code = "write_failed"

    def __init__(self, path: str, e: OSError):
        self.out_of_space = is_out_of_space(e)
        self.reason = f"write_failed: cannot write {path}: {e.strerror or e}"
        super().__init__(self.reason)

    def result(self, seconds: float | None = None) -> dict:
        """The failed result a backend returns for this file."""
        return {"status": "failed", "code": self.code, "reason": self.reason, "out_of_space": self.out_of_space,
                "seconds": seconds}


def out_of_space(e: OSError, what: str) -> OutOfSpace:
    return OutOfSpace(f"no space left on the device writing {what}: {e.strerror or e}")


# --- atomic files ------------------------------------------------------------------

def _umask() -> int:
    mask = os.umask(0o022)  # the only portable way to read it is to set it
    os.umask(mask)
    return mask


UMASK = _umask()  # read once, at import: os.umask is process-wide


def follow_umask(fd_or_path, directory: bool = False) -> None:
    """mkstemp/mkdtemp make 0600/0700; outputs get the mode ``open`` would give them."""
    mode = (0o777 if directory else 0o666) & ~UMASK
    if isinstance(fd_or_path, int):
        os.fchmod(fd_or_path, mode)
    else:
        os.chmod(fd_or_path, mode)


def temp_file(folder: str, name: str) -> str:
    """An empty temp file beside ``folder/name``, to be renamed over it. Its name
    carries the owner's pid: outside OUTDIR (no lock there) only a dead
    owner's temp is removed (``remove_dead_temps``)."""
    remove_dead_temps(folder, name)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".tmp-{os.getpid()}-", suffix="-" + name[:40])
    follow_umask(fd)
    os.close(fd)
    return tmp


def remove_dead_temps(folder: str, name: str) -> None:
    """The temps of ``folder/name`` whose owner died before renaming them (SIGKILL)."""
    suffix = "-" + name[:40]
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for n in names:
        pid = n[5:].split("-", 1)[0]
        if n.startswith(".tmp-") and n.endswith(suffix) and pid.isdigit() and not _alive(int(pid)):
            try:
                os.unlink(os.path.join(folder, n))
            except OSError:
                pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


def temp_dir(folder: str, prefix: str) -> str:
    tmp = tempfile.mkdtemp(dir=folder, prefix=prefix)
    follow_umask(tmp, directory=True)
    return tmp


@contextmanager
def atomic_open(path: str, mode: str = "w", **kw) -> Iterator[io.IOBase]:
    """A temp file in the same folder, renamed over ``path`` on success only."""
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-", suffix="-" + os.path.basename(path)[:40])
    try:
        follow_umask(fd)
        with os.fdopen(fd, mode, **kw) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_write_text(path: str, text: str) -> None:
    with atomic_open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def remove_stale_temps(outdir: str) -> None:
    for d in (outdir, os.path.join(outdir, JSON_DIR)):
        try:
            names = os.listdir(d)
        except OSError:
            continue
        for n in names:
            if n.startswith(".tmp-"):
                try:
                    os.unlink(os.path.join(d, n))
                except OSError:
                    pass


# --- per-report JSON names ------------------------------------------------------------

_BAD = re.compile(r'[\x00-\x1f<>:"|?*\\]')
_MAX_NAME_BYTES = 200  # below the 255-byte limit of common file systems, room for suffixes


def base_name(label: str) -> str:
    """A flat file name from the input label: ``a.zip::报告/x.docx`` → ``a.zip__报告__x.docx.json``."""
    parts = [p for p in re.split(r"::|/|\\", label) if p not in ("", ".", "..")]
    name = "__".join(_BAD.sub("_", p) for p in parts) or "report"
    if len(name.encode("utf-8")) > _MAX_NAME_BYTES:
        tail = name.encode("utf-8")[-(_MAX_NAME_BYTES - 20):].decode("utf-8", "ignore")
        name = f"{hashlib.sha1(label.encode()).hexdigest()[:12]}~{tail}"
    return name + ".json"


def alt_name(label: str) -> str:
    # A function of the label alone, so a re-run picks the same name again.
    stem = base_name(label)[: -len(".json")]
    return f"{stem}~{hashlib.sha1(label.encode('utf-8')).hexdigest()[:8]}.json"


class Names:
    """Allocates per-report JSON paths (relative to OUTDIR), avoiding collisions."""

    def __init__(self) -> None:
        self._owner: dict[str, str] = {}  # case-folded name → label

    def claim(self, label: str, rel: str) -> None:
        self._owner.setdefault(rel.casefold(), label)

    def allocate(self, label: str) -> str:
        for name in (base_name(label), alt_name(label)):
            rel = f"{JSON_DIR}/{name}"
            owner = self._owner.setdefault(rel.casefold(), label)
            if owner == label:
                return rel
        n = 2
        while True:  # only on a hash collision of two labels
            rel = f"{JSON_DIR}/{alt_name(label)[:-5]}-{n}.json"
            if self._owner.setdefault(rel.casefold(), label) == label:
                return rel
            n += 1


# --- the manifest ------------------------------------------------------------------------

class Manifest:
    """``manifest.jsonl``: one line per input; the last line for an input wins."""

    def __init__(self, outdir: str):
        self.path = os.path.join(outdir, MANIFEST)
        self.records: dict[str, dict] = {}  # label → record, in first-seen order
        self._fd: int | None = None

    def load(self) -> int:
        """Read what earlier runs committed; returns the number of lines dropped."""
        dropped = 0
        try:
            with open(self.path, "rb") as f:
                raw = f.read()
        except FileNotFoundError:
            return 0
        for line in raw.split(b"\n"):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                label = rec["input"]
                rec["status"]
            except (ValueError, KeyError, TypeError):
                dropped += 1  # a line torn by a kill mid-append
                continue
            self.records[label] = {k: rec.get(k) for k in FIELDS}
        return dropped

    def compact(self, order: list[str] | None = None) -> None:
        """Rewrite with exactly one line per input (atomically)."""
        labels = list(self.records)
        if order:
            pos = {lab: i for i, lab in enumerate(order)}
            labels.sort(key=lambda lab: pos.get(lab, len(pos)))
        self.close()
        with atomic_open(self.path, "w", encoding="utf-8", newline="\n") as f:
            for lab in labels:
                f.write(_line(self.records[lab]))

    def commit(self, rec: dict) -> None:
        """Append one line and fsync it: the file's commit point.

        Raw writes, not a buffered file: after a failed write (disk full)
        nothing is left in a buffer to be flushed later, and the line the
        next run sees is whole or torn (and dropped), never merged.
        """
        rec = {k: rec.get(k) for k in FIELDS}
        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        data = _line(rec).encode("utf-8")
        start = os.lseek(self._fd, 0, os.SEEK_END)
        try:
            while data:
                data = data[os.write(self._fd, data):]
            os.fsync(self._fd)
        except OSError as e:
            try:  # a disk full mid-line: take the part written back (truncating needs no space)
                os.ftruncate(self._fd, start)
            except OSError:
                pass
            self.close()
            if is_out_of_space(e):
                raise out_of_space(e, self.path) from None
            raise
        self.records[rec["input"]] = rec

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _line(rec: dict) -> str:
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_report(outdir: str, rel: str, text: str) -> None:
    write_report_path(os.path.join(outdir, rel), text)


def write_report_path(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    atomic_write_text(path, text if text.endswith("\n") else text + "\n")


def store_json(path: str, res: dict) -> dict:
    """``res`` once its ``json`` is written to ``path``; or, if it cannot be, the failed result saying why."""
    try:
        write_report_path(path, res.pop("json"))
    except OSError as e:
        return WriteFailed(path, e).result(res.get("seconds"))
    return res


# --- derived outputs -----------------------------------------------------------------------

def primaries(manifest: Manifest) -> Iterator[dict]:
    """The ok records that own their JSON (duplicates point to another's)."""
    seen: set[str] = set()
    for rec in manifest.records.values():
        if rec["status"] == "ok" and rec.get("output") and rec["output"] not in seen:
            seen.add(rec["output"])
            yield rec


def rebuild(outdir: str, manifest: Manifest, sqlite_path: str | None = None, *,
            formats: tuple[str, ...] | list[str] = (), code_of=None) -> dict[str, int]:
    """reports.jsonl, the tables (CSV always; SQLite with ``sqlite_path``;
    ``formats`` adds ``parquet``, ``xlsx``, ``html``) from the committed JSONs.

    Returns the row count per table. Each output is complete or absent:
    written under a temp name and renamed. ``code_of(rec)`` gives a failed
    record's reason code (for ``failures``).
    """
    from . import writers

    counts = {t: 0 for t in tables.CSV_TABLES}
    counts["jsonl"] = 0
    counts["failures"] = 0
    ws: list = [writers.make("csv")]
    if sqlite_path:
        ws.append(writers.make("sqlite", path=sqlite_path))
    ws += [writers.make(f) for f in formats]
    opened: list = []
    jsonl = atomic_open(os.path.join(outdir, REPORTS_JSONL), "w", encoding="utf-8", newline="\n")
    try:
        jf = jsonl.__enter__()
        for w in ws:
            w.open(outdir, writers.layouts(manifest=True))
            opened.append(w)

        def emit(table, rows):
            for w in opened:
                w.write(table, rows)
            counts[table] = counts.get(table, 0) + len(rows)

        ids: dict[str, str] = {}
        for rec in primaries(manifest):
            try:
                with open(os.path.join(outdir, rec["output"]), encoding="utf-8") as f:
                    rep = json.load(f)
            except FileNotFoundError:  # deleted behind the run's back: the next run extracts it again
                counts["missing_json"] = counts.get("missing_json", 0) + 1
                continue
            rid = tables.report_id(rec["sha256"] or "")
            if rid in ids:  # two different files sharing 64 bits of sha256: use the whole hash
                rid = rec["sha256"]
            ids[rid] = rec["output"]
            jf.write(json.dumps({"report_id": rid, **rep}, ensure_ascii=False, separators=(",", ":")) + "\n")
            counts["jsonl"] += 1
            for t, rs in tables.flatten(rid, rec["sha256"], rec["input"], rec["output"], rep).items():
                emit(t, rs)
            for w in opened:
                if hasattr(w, "report"):  # the dashboard links each report's view page
                    w.report(rid, rec, rep)
        by_output = {out: rid for rid, out in ids.items()}
        records = list(manifest.records.values())
        emit("failures", [tables.failure_row(r, code_of(r) if code_of else None)
                          for r in records if r["status"] == "failed"])
        mrows = [[r["input"], r["sha256"], r["status"], r["reason"], r["output"],
                  by_output.get(r["output"]) if r["status"] == "ok" else None,
                  r["warnings"], r["failed_checks"], r["seconds"]] for r in records]
        for w in opened:
            w.write("manifest", mrows)
        # commit in reverse so reports.jsonl (opened first) lands last
        while opened:
            opened.pop().close()
        jsonl.__exit__(None, None, None)
    except BaseException as e:
        for w in opened:
            try:
                w.abort()
            except BaseException:
                pass
        try:
            jsonl.__exit__(type(e), e, e.__traceback__)
        except BaseException:
            pass
        raise
    return counts


def remove_orphans(outdir: str, manifest: Manifest) -> int:
    """Delete JSONs no ok manifest line points to (left by a kill before commit)."""
    keep = {os.path.normcase(r["output"]) for r in manifest.records.values() if r["status"] == "ok" and r["output"]}
    d = os.path.join(outdir, JSON_DIR)
    n = 0
    try:
        names = os.listdir(d)
    except OSError:
        return 0
    for name in names:
        if name.endswith(".json") and os.path.normcase(f"{JSON_DIR}/{name}") not in keep:
            try:
                os.unlink(os.path.join(d, name))
                n += 1
            except OSError:
                pass
    return n
