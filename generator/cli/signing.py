"""`dealdocs signed`, `dealdocs signatures` and `dealdocs executed`: the signature pages that
come back, recorded in the deal's signature log, the tracker of what is still outstanding,
and the documents with the signed pages swapped in."""

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
    from ..signings import Signing
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
    from ..signing.tracker import RECEIVED
    from .shared import console, count
    from .shared import prepared as checked
    prepared = checked(term_sheet, quiet=True)
    deal = prepared.deal
    assert deal is not None
    with _reported(term_sheet):
        _, _, rows = _tracked(term_sheet, deal, closing, log)
    rows = [row for row in rows if closing in (None, row.signing)]
    if as_csv:
        _print_csv(rows)
        return
    console.print(_table(rows, f"{deal.deal.id}: "
                         f"{sum(row.status == RECEIVED for row in rows)} of "
                         f"{count(len(rows), 'signature page')} received"))


@app.command(short_help="Write the executed documents: the signed pages swapped in.",
             help="For each document signed at the chosen signing (--closing: a closing's "
             "id or amendment-signing; all signings without it) whose signature pages have "
             "all come back on its current version, write OUT/<deal id>/executed/"
             "<document>.pdf: the document's PDF with each signed page (the copy `signed` "
             "kept) in place of its unsigned page, the same pages, outline and links. "
             "Without --partial, refuses (exit status 1, nothing written) while any page is "
             "outstanding, listing each document's outstanding parties; with it, also "
             "writes the documents with some pages in, their other pages unsigned, and "
             "says which are partial. Beside each, its conformed copy (<document>.conformed"
             ".pdf, .docx, .html): each signature line of a page that is in reads "
             "\"/s/ <signer's name>\", as a filed exhibit does, and no page carries an "
             "identifier. For each chosen closing, <closing id>/closing-book.pdf: its binder "
             "of the executed documents, the cover saying how far each is executed.")
def executed(
    term_sheet: TermSheetArgument,
    closing: Annotated[str | None, typer.Option(
        "--closing", metavar="ID", help="Only this signing: a closing's id, or "
        "amendment-signing.")] = None,
    out: OutOption = "output",
    partial: Annotated[bool, typer.Option(
        "--partial", help="Also write the documents not fully signed, unsigned pages "
        "left in.")] = False,
    log: LogOption = None,
) -> None:
    from ..build import write_documents
    from ..build.transaction import read_files, update_part
    from ..binder.book import BOOK, closing_book
    from ..binder.contents import in_closing
    from ..binder.outside import as_pdf, read_outside
    from ..signing.conformed import conformed_files
    from ..signing.executed import EXECUTED, executions, swap_pages
    from ..signing.returned import SIGNED, copy_name
    from .shared import count, line, waiting
    from .shared import prepared as checked
    folder = out_folder(out)
    prepared = checked(term_sheet, quiet=True)
    deal = prepared.deal
    assert deal is not None
    with _reported(term_sheet):
        documents, chosen, rows = _tracked(term_sheet, deal, closing, log)
        every = executions(rows, documents)
        by_name = {document.name: document for document in documents}
        signed_here = {document for signing in chosen for document in signing.documents}
        found = [execution for execution in every if execution.document in signed_here]
        incomplete = [execution for execution in found if not execution.complete]
        if incomplete and not partial:
            for execution in incomplete:
                line(f"{execution.document}: outstanding: " + ", ".join(
                    f"{row.party} ({row.status})" for row in execution.outstanding), "yellow")
            missing = sum(len(execution.outstanding) for execution in incomplete)
            line(f"nothing written: {count(missing, 'signature page')} outstanding; "
                 "--partial writes the documents with the pages that are in", "red")
            raise typer.Exit(1)
        written = [execution for execution in found if execution.received]
        closings = [signing.closing for signing in chosen if signing.closing is not None]
        # A closing's book holds the amendment and the closing's notes, however far each is
        # executed, whichever signing was chosen.
        needed = [execution for execution in every if execution in written or any(
            in_closing(by_name[execution.document], item) for item in closings)]
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
                 for execution in written}
        files.update(conformed_files(deal, {
            execution.document: frozenset(page_id.signer for _, page_id in execution.received)
            for execution in written}))
        index = {item.id: number for number, item in enumerate(deal.closings)}
        for item in closings:
            outside = as_pdf(item, index[item.id],
                             read_outside(item, index[item.id], prepared.source),
                             prepared.source)
            files[f"{item.id}/{BOOK}"] = closing_book(deal, item, documents, executed_pdfs,
                                                      outside, every)
        if files:
            update_part(folder, deal.deal.id, EXECUTED, files, replace=False, waiting=waiting)
    where = folder / deal.deal.id / EXECUTED
    for execution in written:
        line(f"{where / execution.document}.pdf: "
             + ("executed" if execution.complete else
                f"partial, {count(len(execution.outstanding), 'page')} unsigned"))
    for item in closings:
        line(f"{where / item.id / BOOK}: the closing book")
    if not written:
        line("no executed document written: no document has a signed page in"
             + (" (the closing book shows each unsigned)" if closings else ""), "yellow")


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


def _tracked(term_sheet: Path, deal: Deal, closing: str | None, log: str | None
             ) -> tuple[list[RenderedDocument], list[Signing], list[Row]]:
    """The deal's signed documents as they render now, the signing `closing` (every signing
    when None), and the tracker's rows of every signing; BadParameter if the deal has no
    such signing."""
    from ..conversions.log import locate, open_log
    from ..signing.log import SignatureLog
    from ..signing.tracker import track
    from ..signings import signings
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
    return (documents, [signing for signing in chosen if closing in (None, signing.id)],
            track(chosen, documents, received))


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
