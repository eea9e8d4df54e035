"""Returned files, page by page: which signature page of the deal each is, and the copy of
it that is kept.

A returned file is the user's: a link is followed, and it must be a regular file of at
most MAX_BYTES that PDFium opens (README, "What dealdocs trusts"). Each page is sorted
against the deal's signature pages as the term sheet renders them now: a page of this
deal's (kept as a one-page PDF), of an earlier version of its document, of another deal,
of no signing, or without an identifier.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2

from ..errors import DealdocsError
from ..pageid import PageId
from .identify import ReturnedPdfError, identify_pages
from .log import Receipt

MAX_BYTES = 256 << 20
"""As for an outside document: more than any scan of a closing's signature pages."""
SIGNED = "signed"
"""The part of the deal folder that keeps the copies: OUT/<deal id>/signed/."""


class ReturnedFileError(DealdocsError):
    """A returned file that cannot be read as a PDF: nothing is recorded from any file."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}; send the signed pages as a PDF of at most "
                         f"{MAX_BYTES >> 20} MiB without a password")


@dataclass(frozen=True)
class ReturnedPage:
    file: str
    """The returned file's name."""
    number: int
    """Its page number in that file, from 1."""
    page_id: PageId | None


@dataclass(frozen=True)
class Kept:
    """A page of this deal, with the one-page PDF kept of it."""

    receipt: Receipt
    pdf: bytes
    current: bool
    """Signed on the document's version as the term sheet renders it now."""

    @property
    def copy_name(self) -> str:
        return copy_name(self.receipt.page_id)


def copy_name(page_id: PageId) -> str:
    """A kept page's name in the `signed` part: <document>/<signer>.<page>.<version>.pdf (no
    id holds a dot or a slash, so no two pages share a name)."""
    return f"{page_id.document}/{page_id.signer}.{page_id.page}.{page_id.version}.pdf"


@dataclass
class Sorting:
    kept: list[Kept] = field(default_factory=list)
    unidentified: list[ReturnedPage] = field(default_factory=list)
    foreign: list[ReturnedPage] = field(default_factory=list)
    """Pages of another deal."""
    unknown: list[ReturnedPage] = field(default_factory=list)
    """Pages of this deal that no signing asks for now (a lender or document since removed)."""


def read_returned(path: Path) -> bytes:
    """The file's bytes; ReturnedFileError if it is not a regular file of at most MAX_BYTES
    (a pipe is not waited on)."""
    try:
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC), "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise ReturnedFileError(path, "not a file")
            if status.st_size > MAX_BYTES:
                raise ReturnedFileError(path, f"larger than {MAX_BYTES >> 20} MiB")
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise ReturnedFileError(path, f"cannot be read ({error.strerror})") from None
    if len(data) > MAX_BYTES:
        raise ReturnedFileError(path, f"larger than {MAX_BYTES >> 20} MiB")
    return data


def sort_pages(returned: Iterable[tuple[Path, bytes]], deal: str,
               current: Mapping[tuple[str, str, int], str]) -> Sorting:
    """Each page of each returned PDF, sorted; `current` is the version of each signature
    page (document, signer, page) the deal's signings ask for now."""
    sorting = Sorting()
    for path, data in returned:
        try:
            identified = identify_pages(data)
        except ReturnedPdfError as error:
            raise ReturnedFileError(path, f"not a PDF that can be read ({error.reason})") from None
        for index, page_id in enumerate(identified):
            page = ReturnedPage(path.name, index + 1, page_id)
            if page_id is None:
                sorting.unidentified.append(page)
            elif page_id.deal != deal:
                sorting.foreign.append(page)
            elif (page_id.document, page_id.signer, page_id.page) not in current:
                sorting.unknown.append(page)
            else:
                pdf = page_pdf(data, index)
                sorting.kept.append(Kept(
                    Receipt(page_id, path.name, index + 1, hashlib.sha256(pdf).hexdigest()), pdf,
                    current[(page_id.document, page_id.signer, page_id.page)] == page_id.version))
    return sorting


def page_pdf(pdf: bytes, index: int) -> bytes:
    """The page `index` of `pdf` as a PDF of its own."""
    source = pypdfium2.PdfDocument(pdf)
    single = pypdfium2.PdfDocument.new()
    try:
        single.import_pages(source, [index])
        out = io.BytesIO()
        single.save(out)
        return out.getvalue()
    finally:
        single.close()
        source.close()
