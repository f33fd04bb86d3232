"""The errors docparse raises for input it cannot turn into a report.

Every failure a user can cause with a file is a ``DocparseError`` subclass with
a one-line message; the CLI maps each class to its own exit code (``exit_code``)
so that scripts can tell a broken file from an unsupported one.
"""

from __future__ import annotations


class DocparseError(Exception):
    """Base class: the input could not be turned into a report."""

    exit_code = 2
    reason = "error"

    def __init__(self, message: str, *, path: str | None = None):
        super().__init__(message)
        self.path = path

    def __str__(self) -> str:  # one line, always
        return " ".join(super().__str__().split())


class InputNotFound(DocparseError):
    """The path does not exist or is not a regular file."""

    exit_code = 3
    reason = "not_found"


class UnsupportedFormat(DocparseError):
    """The bytes are not a format docparse reads (says what they look like)."""

    exit_code = 4
    reason = "unsupported_format"


class CorruptFile(DocparseError):
    """The container or its parts are damaged or truncated."""

    exit_code = 5
    reason = "corrupt"


class EncryptedFile(DocparseError):
    """The document is password-protected."""

    exit_code = 6
    reason = "encrypted"


class ScannedPDF(DocparseError):
    """A PDF with no text layer (images of pages)."""

    exit_code = 7
    reason = "scanned"


class LimitExceeded(DocparseError):
    """A safety limit (size, entries, depth, pages, time) was exceeded."""

    exit_code = 8
    reason = "limit_exceeded"

    def __init__(self, limit: str, message: str, *, path: str | None = None):
        super().__init__(f"limit {limit} exceeded: {message}", path=path)
        self.limit = limit


class ConverterMissing(DocparseError):
    """An external converter (LibreOffice for .doc) is not installed."""

    exit_code = 9
    reason = "converter_missing"


class ConversionFailed(DocparseError):
    """An external converter ran but produced nothing usable."""

    exit_code = 10
    reason = "conversion_failed"


class ExtractionError(DocparseError):
    """A readable document that is not a performance self-evaluation report."""

    exit_code = 11
    reason = "not_a_report"


# Exit codes for outputs that cannot be written (sysexits.h): not the input's
# fault, so not DocparseErrors, but each still one line and its own code.
CANT_CREAT = 73  # the output file or folder cannot be created (no such folder, not writable)
OUT_OF_SPACE = 74  # the device filled up while writing (ENOSPC, EDQUOT)


def is_out_of_space(e: OSError) -> bool:
    import errno

    return e.errno in (errno.ENOSPC, errno.EDQUOT)
