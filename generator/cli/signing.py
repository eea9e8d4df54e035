"""`dealdocs signed` and `dealdocs signatures`: the signature pages that come back, recorded
in the deal's signature log, and the tracker of what is still outstanding."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..csvout import Writer
from ..errors import DealdocsError, LogError, RenderError
from .app import LogOption, OutOption, TermSheetArgument, app, out_folder

# The log's database layer and the PDF readers are imported by the commands that use them,
# so that `dealdocs --help` starts without them.
if TYPE_CHECKING:
    from rich.table import Table

    from ..deal import Deal
    from ..pageid import PageId
    from ..signing.returned import ReturnedPage
    from ..signing.tracker import Row
    from ..writers import RenderedDocument


@app.command(short_help="Record the signed pages of returned PDFs.",
             help="Read the PDFs signers returned (scans, photographs or e-signed files, in "
             "any order, several documents in one file), identify each page by the "
             "identifier in its margin (its text, or its QR code on a scan), record each "
             "signature page of this deal in the deal's signature log (the conversion log's "
             "database) and keep a copy of it as a one-page PDF in OUT/<deal id>/signed/. A "
             "page received before is not recorded again. Reports the pages recorded, those "
             "already received, and every page that cannot be used: without an identifier, "
             "of another deal, or signed on an earlier version of its document (re-sign it). "
             "Exit status 1 when a page cannot be used or a file is not a readable PDF (then "
             "nothing is recorded).")
def signed(
    term_sheet: TermSheetArgument,
    files: Annotated[list[Path], typer.Argument(
        metavar="FILE...", help="The returned PDFs.")],
    out: OutOption = "output",
    log: LogOption = None,
) -> None:
    from ..build.transaction import update_part
    from ..conversions.session import opened_log
    from ..signing.log import SignatureLog
    from ..signing.returned import SIGNED, read_returned, sort_pages
    from .shared import count, line, waiting
    from .shared import prepared as checked
    folder = out_folder(out)
    prepared = checked(term_sheet, quiet=True)
    deal = prepared.deal
    assert deal is not None
    with _reported(term_sheet):
        current = {(page_id.document, page_id.signer, page_id.page): page_id.version
                   for page_id in _page_ids(_signed_documents(deal))}
        sorting = sort_pages(((path, read_returned(path)) for path in files), deal.deal.id,
                             current)
        recorded, again = [], []
        with opened_log(term_sheet, prepared, log, folder, create=True, check=False) as book:
            assert book is not None
            with SignatureLog(book).recording() as recording:
                for kept in sorting.kept:
                    (recorded if recording.add(kept.receipt) else again).append(kept)
                if recorded:
                    # Inside the transaction: if the copies cannot be written, nothing is
                    # recorded; a second run waits for this one, then finds them received.
                    update_part(folder, deal.deal.id, SIGNED,
                                {kept.copy_name: kept.pdf for kept in recorded},
                                replace=False, waiting=waiting)
            where = book.location
    line(f"{count(len(recorded), 'page')} recorded in {where}"
         + (f"; copies in {folder / deal.deal.id / SIGNED}" if recorded else ""))
    if again:
        line(f"{count(len(again), 'page')} already received: "
             + ", ".join(f"{kept.receipt.source_file} page {kept.receipt.source_page}"
                         for kept in again), "dim")
    problems = [*(_unusable(page, "no identifier found (not a signature page dealdocs made, "
                            "or unreadable)") for page in sorting.unidentified),
                *(_unusable(page, f"a page of another deal ({page.page_id.deal})")
                  for page in sorting.foreign if page.page_id is not None),
                *(_unusable(page, f"{page.page_id.document} has no signature page "
                            f"{page.page_id.page} for {page.page_id.signer} now")
                  for page in sorting.unknown if page.page_id is not None),
                *(f"{kept.receipt.source_file} page {kept.receipt.source_page}: signed an "
                  f"earlier version of {kept.receipt.page_id.document}: re-sign page "
                  f"{kept.receipt.page_id.page} ({kept.receipt.page_id.signer})"
                  for kept in sorting.kept if not kept.current)]
    for problem in problems:
        line(problem, "yellow")
    if problems:
        line(f"{count(len(problems), 'page')} could not be used", "red")
        raise typer.Exit(1)


@app.command(short_help="Show which signature pages are in and which are outstanding.",
             help="The signature tracker: each signing (the amendment's, each closing's), "
             "each document signed at it, each party's signature page: received (when, from "
             "which file and page) or outstanding. A page received on an earlier version of "
             "its document is outstanding until it is signed again. --csv prints CSV.")
def signatures(
    term_sheet: TermSheetArgument,
    closing: Annotated[str | None, typer.Option(
        "--closing", metavar="ID", help="Only this signing: a closing's id, or "
        "amendment-signing.")] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")]
    = False,
    log: LogOption = None,
) -> None:
    from ..conversions.log import locate, open_log
    from ..signing.log import SignatureLog
    from ..signing.tracker import RECEIVED, track
    from ..signings import signings
    from .shared import console, count
    from .shared import prepared as checked
    prepared = checked(term_sheet, quiet=True)
    deal = prepared.deal
    assert deal is not None
    with _reported(term_sheet):
        documents = _signed_documents(deal)
        chosen = signings(deal, documents)
        known = [signing.id for signing in chosen]
        if closing is not None and closing not in known:
            raise typer.BadParameter(f"the deal has no signing {closing!r}; its signings are: "
                                     f"{', '.join(known)}", param_hint="--closing")
        book = open_log(locate(term_sheet, deal.deal.id, log), create=False)
        received = []
        if book is not None:
            with book:
                received = SignatureLog(book).received(deal.deal.id)
    rows = [row for row in track(chosen, documents, received)
            if closing is None or row.signing == closing]
    if as_csv:
        _print_csv(rows)
        return
    console.print(_table(rows, f"{deal.deal.id}: "
                         f"{sum(row.status == RECEIVED for row in rows)} of "
                         f"{count(len(rows), 'signature page')} received"))


@contextmanager
def _reported(term_sheet: Path) -> Iterator[None]:
    """What stops a command, said in one line (a term sheet's findings as a table), exit 1."""
    from .shared import err_console, error, fail, line
    try:
        yield
    except RenderError as exc:
        fail(term_sheet, exc.findings)
    except LogError as exc:
        line(f"{term_sheet}: {exc}", "red", err_console)
        raise typer.Exit(1) from None
    except DealdocsError as exc:
        error(exc)


def _signed_documents(deal: Deal) -> list[RenderedDocument]:
    """The deal's documents signed at its signings, as the term sheet renders them now."""
    from ..build import render_documents
    from ..signings import SIGNED_KINDS
    return render_documents(deal, SIGNED_KINDS)


def _page_ids(documents: list[RenderedDocument]) -> list[PageId]:
    from ..pageid import identifiers
    return [page_id for document in documents
            for page_id in identifiers(document.html).values()]


def _unusable(page: ReturnedPage, why: str) -> str:
    return f"{page.file} page {page.number}: {why}"


_COLUMNS = ("signing", "date", "document", "title", "party", "page", "code", "status",
            "received_at", "source_file", "source_page", "recorded_by")


def _print_csv(rows: list[Row]) -> None:
    out = Writer(sys.stdout)
    out.writerow(_COLUMNS)
    for row in rows:
        got = row.received or row.earlier
        out.writerow([row.signing, row.date.isoformat() if row.date else None, row.document,
                      row.title, row.party, row.page_id.page if row.page_id else None,
                      row.page_id.code if row.page_id else None, row.status,
                      got.received_at.isoformat() if got else None,
                      got.source_file if got else None, got.source_page if got else None,
                      got.recorded_by if got else None])


def _table(rows: list[Row], title: str) -> Table:
    from rich.markup import escape
    from rich.table import Table
    table = Table(title=escape(title), title_justify="left")
    for column in ("Signing", "Document", "Party", "Page", "Status", "Received", "From"):
        table.add_column(column, overflow="fold")
    for row in rows:
        got = row.received or row.earlier
        table.add_row(escape(row.signing), escape(row.document), escape(row.party),
                      str(row.page_id.page) if row.page_id else "", escape(row.status),
                      got.received_at.strftime("%Y-%m-%d %H:%M UTC") if got else "",
                      escape(f"{got.source_file} page {got.source_page}") if got else "")
    return table
