"""What `dealdocs signed`, `signatures`, `executed` and the desk's Signatures page share:
the deal's signature pages as the term sheet renders them now, the tracker read from the
signature log, returned pages recorded, and the executed documents written.

Each function takes what the user gave (the term sheet, its prepared deal, the log's place,
the output folder) and returns what happened; saying it is the caller's (a terminal line or
a page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..build.lock import Holder
from ..conversions.log import locate, open_log
from ..conversions.session import opened_log
from ..deal import Deal
from ..model import Closing
from ..pageid import identifiers
from ..pipeline import Prepared
from ..signings import SIGNED_KINDS, Signing, party_names, signings
from ..writers import RenderedDocument
from .executed import EXECUTED, Execution, executions, swap_pages
from .log import SignatureLog
from .returned import SIGNED, Kept, ReturnedPage, copy_name, sort_pages
from .tracker import Row, track

Waiting = Callable[[Holder], None]


@dataclass(frozen=True)
class Tracking:
    documents: list[RenderedDocument]
    """The deal's documents signed at its signings, as the term sheet renders them now."""
    signings: list[Signing]
    rows: list[Row]
    """The tracker's rows of every signing."""


def signed_documents(deal: Deal) -> list[RenderedDocument]:
    """The deal's documents signed at its signings, as the term sheet renders them now."""
    from ..build import render_documents
    return render_documents(deal, SIGNED_KINDS)


def tracking(term_sheet: Path, deal: Deal, log: str | None) -> Tracking:
    """Every signing of the deal and each of its signature pages, received or outstanding
    by the signature log (none is received while there is no log)."""
    documents = signed_documents(deal)
    chosen = signings(deal, documents)
    book = open_log(locate(term_sheet, deal.deal.id, log), create=False)
    received = []
    if book is not None:
        with book:
            received = SignatureLog(book).received(deal.deal.id)
    return Tracking(documents, chosen, track(chosen, documents, received))


@dataclass
class Recorded:
    """What `record_returned` did with the returned files' pages."""

    log: str
    """Where the signature log is."""
    copies: Path
    """The folder of the kept copies."""
    recorded: list[Kept] = field(default_factory=list)
    again: list[Kept] = field(default_factory=list)
    """Pages received before: not recorded twice."""
    problems: list[str] = field(default_factory=list)
    """Each page that cannot be used, in a line: file, page and why."""


def record_returned(term_sheet: Path, prepared: Prepared, returned: Iterable[tuple[Path, bytes]],
                    log: str | None, folder: Path, waiting: Waiting,
                    named: bool = False) -> Recorded:
    """Identify each page of the returned files, record this deal's signature pages in its
    signature log and keep a one-page copy of each in OUT/<deal id>/signed/, in one
    transaction. ReturnedFileError (from reading `returned`) before anything is recorded if a
    file is not a usable PDF. The problems name documents and parties by their ids (the
    command line's, as its files are named), or `named`, by title and name (the desk's)."""
    deal = prepared.deal
    assert deal is not None
    documents = signed_documents(deal)
    current = {(page_id.document, page_id.signer, page_id.page): page_id.version
               for document in documents
               for page_id in identifiers(document.html).values()}
    sorting = sort_pages(returned, deal.deal.id, current)
    names = ({**{document.name: document.title for document in documents}, **party_names(deal)}
             if named else {})

    def name(ident: str) -> str:
        return names.get(ident, ident)

    with opened_log(term_sheet, prepared, log, folder, create=True, check=False) as book:
        assert book is not None
        result = Recorded(str(book.location), folder / deal.deal.id / SIGNED)
        with SignatureLog(book).recording() as recording:
            for kept in sorting.kept:
                (result.recorded if recording.add(kept.receipt) else result.again).append(kept)
            if result.recorded:
                from ..build.transaction import update_part
                # Inside the transaction: if the copies cannot be written, nothing is
                # recorded; a second run waits for this one, then finds them received.
                update_part(folder, deal.deal.id, SIGNED,
                            {kept.copy_name: kept.pdf for kept in result.recorded},
                            replace=False, waiting=waiting)
    result.problems = [
        *(_unusable(page, "no identifier found (not a signature page dealdocs made, or "
                    "unreadable)") for page in sorting.unidentified),
        *(_unusable(page, f"a page of another deal ({page.page_id.deal})")
          for page in sorting.foreign if page.page_id is not None),
        *(_unusable(page, f"{name(page.page_id.document)} has no signature page "
                    f"{page.page_id.page} for {name(page.page_id.signer)} now")
          for page in sorting.unknown if page.page_id is not None),
        *(f"{kept.receipt.source_file} page {kept.receipt.source_page}: signed an earlier "
          f"version of {name(kept.receipt.page_id.document)}: re-sign page "
          f"{kept.receipt.page_id.page} ({name(kept.receipt.page_id.signer)})"
          for kept in sorting.kept if not kept.current)]
    return result



def _unusable(page: ReturnedPage, why: str) -> str:
    return f"{page.file} page {page.number}: {why}"


@dataclass
class Executed:
    """What `write_executed` wrote, or why it wrote nothing."""

    folder: Path
    """OUT/<deal id>/executed/."""
    incomplete: list[Execution]
    """The chosen signing's documents with a page outstanding."""
    written: list[Execution] = field(default_factory=list)
    """The documents written, each with at least one signed page in."""
    books: list[Closing] = field(default_factory=list)
    """The closings whose closing book was written."""

    @property
    def refused(self) -> bool:
        """Nothing written because a page is outstanding and partial documents were not
        asked for."""
        return bool(self.incomplete) and not (self.written or self.books)


def write_executed(prepared: Prepared, tracked: Tracking, chosen: list[Signing], folder: Path,
                   partial: bool, waiting: Waiting) -> Executed:
    """Write, for the `chosen` signings, each document with its received signed pages
    swapped in, its conformed copies, and each chosen closing's closing book, into
    OUT/<deal id>/executed/ in one transaction. Without `partial`, writes nothing while a
    page of a chosen document is outstanding."""
    from ..binder.book import BOOK, closing_book
    from ..binder.contents import in_closing
    from ..binder.outside import as_pdf, read_outside
    from ..build import write_documents
    from ..build.transaction import read_files, update_part
    from .conformed import conformed_files
    deal = prepared.deal
    assert deal is not None
    every = executions(tracked.rows, tracked.documents)
    by_name = {document.name: document for document in tracked.documents}
    signed_here = {document for signing in chosen for document in signing.documents}
    found = [execution for execution in every if execution.document in signed_here]
    result = Executed(folder / deal.deal.id / EXECUTED,
                      [execution for execution in found if not execution.complete])
    if result.incomplete and not partial:
        return result
    result.written = [execution for execution in found if execution.received]
    result.books = [signing.closing for signing in chosen if signing.closing is not None]
    # A closing's book holds the amendment and the closing's notes, however far each is
    # executed, whichever signing was chosen.
    needed = [execution for execution in every if execution in result.written or any(
        in_closing(by_name[execution.document], item) for item in result.books)]
    write_documents(deal, [by_name[execution.document] for execution in needed], ["pdf"],
                    folder, prepared.source, prune=False, waiting=waiting)
    pdfs = {name.removesuffix(".pdf"): data for name, data in read_files(
        folder, deal.deal.id, [f"{execution.document}.pdf" for execution in needed],
        waiting=waiting).items()}
    copies = read_files(folder, deal.deal.id,
                        [f"{SIGNED}/{copy_name(page_id)}" for execution in needed
                         for _, page_id in execution.received], waiting=waiting)
    executed_pdfs = {execution.document: swap_pages(
        pdfs[execution.document], {anchor: copies[f"{SIGNED}/{copy_name(page_id)}"]
                                   for anchor, page_id in execution.received})
        for execution in needed}
    files = {f"{execution.document}.pdf": executed_pdfs[execution.document]
             for execution in result.written}
    files.update(conformed_files(deal, {
        execution.document: frozenset(page_id.signer for _, page_id in execution.received)
        for execution in result.written}))
    index = {item.id: number for number, item in enumerate(deal.closings)}
    for item in result.books:
        outside = as_pdf(item, index[item.id],
                         read_outside(item, index[item.id], prepared.source), prepared.source)
        files[f"{item.id}/{BOOK}"] = closing_book(deal, item, tracked.documents,
                                                  executed_pdfs, outside, every)
    if files:
        update_part(folder, deal.deal.id, EXECUTED, files, replace=False, waiting=waiting)
    return result
