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
    from ..signing.session import Tracking
    from ..signing.tracker import Row

SigningOption = Annotated[str | None, typer.Option(
    "--closing", metavar="ID", help="Only this signing: a closing's id, or amendment-signing.")]


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
    from ..signing.returned import read_returned
    from ..signing.session import record_returned
    from .shared import count, line, waiting
    from .shared import prepared as checked
    folder = out_folder(out)
    prepared = checked(term_sheet, quiet=True)
    with _reported(term_sheet):
        result = record_returned(term_sheet, prepared,
                                 ((path, read_returned(path)) for path in files), log, folder,
                                 waiting)
    line(f"{count(len(result.recorded), 'page')} recorded in {result.log}"
         + (f"; copies in {result.copies}" if result.recorded else ""))
    if result.again:
        line(f"{count(len(result.again), 'page')} already received: "
             + ", ".join(f"{kept.receipt.source_file} page {kept.receipt.source_page}"
                         for kept in result.again), "dim")
    for problem in result.problems:
        line(problem, "yellow")
    if result.problems:
        line(f"{count(len(result.problems), 'page')} could not be used", "red")
        raise typer.Exit(1)


@app.command(short_help="Show which signature pages are in and which are outstanding.",
             help="The signature tracker: each signing (the amendment's, each closing's), "
             "each document signed at it, each party's signature page: received (when, from "
             "which file and page) or outstanding. A page received on an earlier version of "
             "its document is outstanding until it is signed again. --csv prints CSV.")
def signatures(
    term_sheet: TermSheetArgument,
    closing: SigningOption = None,
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
        tracked = _tracked(term_sheet, deal, closing, log)
    rows = [row for row in tracked.rows if closing in (None, row.signing)]
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
    closing: SigningOption = None,
    out: OutOption = "output",
    partial: Annotated[bool, typer.Option(
        "--partial", help="Also write the documents not fully signed, unsigned pages "
        "left in.")] = False,
    log: LogOption = None,
) -> None:
    from ..binder.book import BOOK
    from ..signing.session import write_executed
    from .shared import count, line, waiting
    from .shared import prepared as checked
    folder = out_folder(out)
    prepared = checked(term_sheet, quiet=True)
    deal = prepared.deal
    assert deal is not None
    with _reported(term_sheet):
        tracked = _tracked(term_sheet, deal, closing, log)
        chosen = [signing for signing in tracked.signings if closing in (None, signing.id)]
        result = write_executed(prepared, tracked, chosen, folder, partial, waiting)
    if result.refused:
        for execution in result.incomplete:
            line(f"{execution.document}: outstanding: " + ", ".join(
                f"{row.party} ({row.status})" for row in execution.outstanding), "yellow")
        missing = sum(len(execution.outstanding) for execution in result.incomplete)
        line(f"nothing written: {count(missing, 'signature page')} outstanding; "
             "--partial writes the documents with the pages that are in", "red")
        raise typer.Exit(1)
    for execution in result.written:
        line(f"{result.folder / execution.document}.pdf: "
             + ("executed" if execution.complete else
                f"partial, {count(len(execution.outstanding), 'page')} unsigned"))
    for item in result.books:
        line(f"{result.folder / item.id / BOOK}: the closing book")
    if not result.written:
        line("no executed document written: no document has a signed page in"
             + (" (the closing book shows each unsigned)" if result.books else ""), "yellow")

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
             ) -> Tracking:
    """The tracker of every signing; BadParameter if `closing` names none of them."""
    from ..signing.session import tracking
    tracked = tracking(term_sheet, deal, log)
    known = [signing.id for signing in tracked.signings]
    if closing is not None and closing not in known:
        raise typer.BadParameter(f"the deal has no signing {closing!r}; its signings are: "
                                 f"{', '.join(known)}", param_hint="--closing")
    return tracked


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
