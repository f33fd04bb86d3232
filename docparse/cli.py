"""The ``docparse`` command line.

JSON goes to stdout, messages to stderr. Exit codes: 0 success; 1 a check
failed (``check``) or some files failed (``batch``); 2 usage error; and one
code per kind of bad input (see ``docparse.errors``): 3 not found, 4
unsupported format, 5 corrupt, 6 encrypted, 7 scanned PDF, 8 limit exceeded,
9 converter missing, 10 conversion failed, 11 not a report; 70 an internal
error (a docparse bug: one line on stderr, the traceback with DOCPARSE_DEBUG=1).
"""

from __future__ import annotations

import json
import os
import sys
import traceback

import click

from . import __version__
from .errors import DocparseError
from .filenames import display
from .limits import Limits

_LIMIT_OPTIONS = [
    click.option("--max-file-mb", type=float, help="Refuse input files larger than this many MB (default 200)."),
    click.option("--max-pages", type=int, help="Refuse PDFs with more pages (default 2000)."),
    click.option("--timeout", "max_seconds", type=float, help="Give up on one document after this many seconds (default 120)."),
    click.option("--max-xml-mb", type=float,
                 help="Refuse a .docx XML part or an HTML page larger than this many MB once decompressed (default 24; "
                      "memory use is up to ~20x this)."),
    click.option("--max-zip-entries", type=int, help="Refuse .docx containers with more members (default 5000)."),
    click.option("--max-unzipped-mb", type=float,
                 help="Refuse .docx containers that declare or inflate to more than this many MB (default 500)."),
    click.option("--max-chars-per-page", type=int, help="Refuse PDF pages with more characters (default 200000)."),
    click.option("--max-chars", type=int, help="Refuse PDFs with more characters in all (default 2000000)."),
    click.option("--max-cells", type=int, help="Refuse documents with more table cells in all (default 200000)."),
    click.option("--max-segments", type=int, help="Refuse PDFs with more ruling segments in all (default 1000000)."),
    click.option("--max-paragraphs", type=int, help="Refuse .docx files with more paragraphs (default 500000)."),
    click.option("--ocr", type=click.Choice(["auto", "always", "never"]),
                 help="Which PDF pages to read by OCR (needs pip install 'docparse[ocr]'): auto (default) the "
                      "pages without a usable text layer, always every page, never none."),
    click.option("--max-ocr-pages", type=int, help="Refuse PDFs with more pages to OCR (default 50)."),
]


def limit_options(f):
    for opt in reversed(_LIMIT_OPTIONS):
        f = opt(f)
    return f


def _mb(v):
    return None if v is None else int(v * 1024 * 1024)


def make_limits(max_file_mb=None, max_pages=None, max_seconds=None, max_xml_mb=None, max_zip_entries=None,
                max_unzipped_mb=None, max_chars_per_page=None, max_chars=None, max_cells=None,
                max_segments=None, max_paragraphs=None, ocr=None, max_ocr_pages=None) -> Limits:
    """The default Limits with the command line's overrides (None: keep the default)."""
    return Limits().with_overrides(
        max_file_bytes=_mb(max_file_mb),
        max_pages=max_pages,
        max_seconds=max_seconds,
        max_xml_bytes=_mb(max_xml_mb),
        max_zip_entries=max_zip_entries,
        max_unzipped_bytes=_mb(max_unzipped_mb),
        max_chars_per_page=max_chars_per_page,
        max_chars=max_chars,
        max_cells=max_cells,
        max_segments=max_segments,
        max_paragraphs=max_paragraphs,
        ocr=ocr,
        max_ocr_pages=max_ocr_pages,
    )


def _fail(e: DocparseError, path: str) -> None:
    click.echo(f"docparse: {display(path)}: {e}", err=True)
    sys.exit(e.exit_code)


INTERNAL_ERROR = 70  # EX_SOFTWARE: a bug in docparse, not a problem with the file


def _internal(e: BaseException, path: str) -> int:
    """One line for an unexpected exception (a docparse bug); the traceback
    only when DOCPARSE_DEBUG is set. Returns the exit code."""
    if os.environ.get("DOCPARSE_DEBUG"):
        traceback.print_exc()
    msg = " ".join(str(e).split())[:300]
    what = "out of memory" if isinstance(e, MemoryError) else f"{type(e).__name__}: {msg}" if msg else type(e).__name__
    click.echo(
        f"docparse: {display(path)}: internal error: {what} (a docparse bug: please report it with the file;"
        " DOCPARSE_DEBUG=1 shows the traceback)",
        err=True,
    )
    return INTERNAL_ERROR


def _write_output(path: str, text: str) -> None:
    """Write ``-o PATH`` whole or not at all (temp file and rename); a folder
    that is missing or read-only, or a full disk, is one line and its code."""
    from .batch.outputs import atomic_write_text
    from .errors import CANT_CREAT, OUT_OF_SPACE, is_out_of_space

    try:
        atomic_write_text(path, text)
    except OSError as e:
        full = is_out_of_space(e)
        what = "no space left on the device" if full else e.strerror or str(e)
        click.echo(f"docparse: cannot write {display(path)}: {what}", err=True)
        sys.exit(OUT_OF_SPACE if full else CANT_CREAT)


def _check_template(template: str | None) -> None:
    if template:
        from .engine.spec import get_spec

        try:
            get_spec(template)
        except KeyError as e:
            raise click.BadParameter(str(e).strip("\"'"), param_hint="--template") from None


class _TemplatesCommand(click.Command):
    """Lists the template names under --help (read from extractors/ only when help is asked for)."""

    def format_epilog(self, ctx, formatter):
        super().format_epilog(ctx, formatter)
        try:
            from .engine.spec import load_specs

            names = [s.name for s in load_specs()]
        except Exception as e:  # a broken spec must not break --help
            names = [f"(could not load the specs: {e})"]
        with formatter.section("Templates (--template NAME)"):
            formatter.write_text(", ".join(names))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="docparse")
def main():
    """Turn performance self-evaluation reports (绩效自评报告) into JSON.

    Reads .docx, .pdf, legacy .doc (with LibreOffice) and HTML pages; the
    format is detected from the content, not the extension.

    \b
    Examples:
      docparse extract report.docx > report.json
      docparse extract report.pdf -o report.json --provenance
      docparse check reports/*.docx          # audit the figures; exit 1 on a failed check
      docparse batch archive.zip folder/ -o out/ --sqlite out/reports.db
      docparse schema > report.schema.json
    """


@main.command(cls=_TemplatesCommand)
@click.argument("file", type=click.Path(dir_okay=True, allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the JSON here instead of stdout.")
@click.option("--compact", is_flag=True, help="One line of JSON, no indentation.")
@click.option("--provenance", is_flag=True, help="Add a top-level 'provenance' object: JSON pointer → block/table/row/col/page/bbox of each value.")
@click.option("--template", help="Force a template spec from extractors/ (default: the best match).")
@limit_options
def extract(file, output, compact, provenance, template, **limits):
    """Extract one report and print its JSON (the contract in report-schema.md).

    FILE is a path, or - to read the document from stdin. Warnings about
    values that could not be read are in the JSON's "warnings" list; a
    summary line goes to stderr when there are any.
    """
    from . import extract as run

    _check_template(template)
    try:
        if file == "-":
            report = run(sys.stdin.buffer.read(), filename="-", limits=make_limits(**limits),
                         provenance=provenance, template=template)
        else:
            report = run(file, limits=make_limits(**limits), provenance=provenance, template=template)
        text = report.to_json(indent=None if compact else 2, provenance=provenance)
    except DocparseError as e:
        _fail(e, file)
    except Exception as e:  # a bug: one line and exit 70, never a traceback
        sys.exit(_internal(e, file))
    if output:
        _write_output(output, text + "\n")
    else:
        sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
    if report.warnings:
        click.echo(f"docparse: {display(file)}: {len(report.warnings)} warning(s)", err=True)


@main.command()
def schema():
    """Print the JSON Schema of the report."""
    from . import json_schema

    sys.stdout.buffer.write(json.dumps(json_schema(), ensure_ascii=False, indent=2).encode("utf-8") + b"\n")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--all", "show_all", is_flag=True, help="List passed checks too.")
@click.option("--warnings", "show_warnings", is_flag=True,
              help="Also print the warnings (values that could not be read cleanly) as a table.")
@limit_options
def check(files, show_all, show_warnings, **limits):
    """Audit the figures of reports: row totals, summary rows, narrative vs tables.

    Prints a table of failed checks with both figures and where they are.
    Exit 1 when any check fails (so it can gate a pipeline), or the error
    code of the first unreadable file. FILE may be - (stdin).
    """
    from . import extract as run
    from .audit import render, render_warnings

    status = 0
    for path in files:
        try:
            if path == "-":
                report = run(sys.stdin.buffer.read(), filename="-", limits=make_limits(**limits), provenance=True)
            else:
                report = run(path, limits=make_limits(**limits), provenance=True)
        except DocparseError as e:
            click.echo(f"docparse: {display(path)}: {e}", err=True)
            status = status or e.exit_code
            continue
        except Exception as e:  # a bug: report it and go on with the next file
            status = status or _internal(e, path)
            continue
        click.echo(render(path, report, show_all=show_all))
        if show_warnings:
            click.echo(render_warnings(report))
        if report.failed_checks():
            status = status or 1
    sys.exit(status)


@main.command()
@click.argument("file", type=click.Path(dir_okay=True, allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the page here [default: FILE's name with .html, in the current folder].")
@click.option("--template", help="Force a template spec from extractors/ (default: the best match).")
@limit_options
def view(file, output, template, **limits):
    """Write one self-contained HTML page showing the report like the form.

    Cover, overview, finance tables, budget blocks and indicators, project
    forms and the narrative as an outline; failed checks marked at their
    cells and explained, warnings listed where they apply, and where each
    value was read (table/row/col/page) on hover. No network, no external
    files. FILE may be - (stdin).
    """
    from . import extract as run
    from .view import render

    _check_template(template)
    try:
        data = sys.stdin.buffer.read() if file == "-" else file
        report = run(data, filename="-" if file == "-" else None, limits=make_limits(**limits), provenance=True,
                     template=template)
        page = render(report)
    except DocparseError as e:
        _fail(e, file)
    except Exception as e:  # a bug: one line and exit 70, never a traceback
        sys.exit(_internal(e, file))
    if not output:
        stem = "report" if file == "-" else os.path.splitext(os.path.basename(file.rstrip("/")))[0]
        output = stem + ".html"
    _write_output(output, page)
    click.echo(f"docparse: wrote {display(output)}", err=True)


def _register_optional() -> None:
    """Commands that live in their own packages."""
    try:
        from .batch.command import batch
    except ImportError:  # pragma: no cover - the batch package is part of the wheel
        return
    main.add_command(batch)


_register_optional()

if __name__ == "__main__":  # pragma: no cover
    main()
