"""The deal's conversion log opened for one request, checked against the term sheet: what
`dealdocs convert`, `dealdocs conversions` and the web desk share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ConversionError, LogError
from ..findings import errors
from ..pipeline import Prepared
from .checks import check_log
from .log import ConversionLog, locate, open_log


@contextmanager
def opened_log(term_sheet: Path, prepared: Prepared, log: str | None, out: Path,
               create: bool, check: bool = True) -> Iterator[ConversionLog | None]:
    """The deal's conversion log, opened (created if `create`); with `check`, the term sheet
    must agree with what it records (ConversionError if not). LogError if it cannot be used;
    None if there is none."""
    assert prepared.deal is not None
    location = locate(term_sheet, prepared.deal.deal.id, log)
    if location.path is not None and location.path.resolve().is_relative_to(out.resolve()):
        raise LogError(f"the conversion log {location} is inside the output folder {out}, "
                       "which is generated and may be deleted (make clean)",
                       "keep the log beside the term sheet, or give --log another place")
    book = open_log(location, create)
    if book is None and create is False and check:
        raise LogError(f"there is no conversion log at {location}: nothing was recorded",
                       "give --log (or DEALDOCS_LOG) if the log is elsewhere")
    try:
        if book is not None and check:
            findings = check_log(prepared, book.entries(prepared.deal.deal.id), str(location))
            if errors(findings):
                raise ConversionError(findings)
        yield book
    finally:
        if book is not None:
            book.close()
