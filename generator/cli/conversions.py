"""`dealdocs convert` and `dealdocs conversions`: the conversion log, and the filled
Conversion Notices and Conversion Schedules written from it."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from ..csvout import Writer
from ..errors import ConversionError, DealdocsError, LogError
from ..findings import Finding, Severity
from ..writers import FORMATS
from .app import FormatsOption, LogOption, OutOption, TermSheetArgument, app, formats, out_folder

# The log's database layer (SQLAlchemy, Alembic) is imported by the commands that use it, so
# that `dealdocs render` starts without it.
if TYPE_CHECKING:
    from rich.table import Table

    from ..conversions.log import Entry
    from ..conversions.record import Conversion
    from ..deal import Deal
    from ..pipeline import Prepared


@app.command(short_help="Record a conversion and write its filled notice and schedule.",
             help="Record a conversion of a note into Common Stock in the deal's conversion "
             "log, and write the filled Conversion Notice and the note's Conversion Schedule "
             "to date into OUT/<deal id>/ beside the other documents. One conversion: --note, "
             "--date and --principal (with --interest, the accrued and unpaid interest on that "
             "principal is converted too). Or --rescind ENTRY_ID to reverse a recorded "
             "conversion (Note, Section 6(e)); or --batch FILE.csv to record many, all or none "
             "(columns note, date, principal, interest, index_rate). What would be recorded is "
             "shown first and confirmed (--yes for scripts). A conversion the term sheet or "
             "the log does not allow is refused, with what would be right, and the log is "
             "left as it was. Exit status 1 when refused, 2 for wrong usage.")
def convert(
    term_sheet: TermSheetArgument,
    note: Annotated[str | None, typer.Option(
        "--note", help="The note: its name <closing id>-<lender id> (third-rockmore) or its "
        "number (B1-01).")] = None,
    date: Annotated[str | None, typer.Option(
        "--date", metavar="YYYY-MM-DD", help="The Conversion Date.")] = None,
    principal: Annotated[str | None, typer.Option(
        "--principal", metavar="AMOUNT", help="Principal to convert, in dollars and whole "
        "cents: 1,000,000 or 2500.50.")] = None,
    interest: Annotated[bool, typer.Option(
        "--interest", help="Also convert the accrued and unpaid interest on that principal, "
        "from the last Interest Payment Date to the Conversion Date (actual/360), at the same "
        "price, shown separately. Where it accrues in a floating Interest Period, the index's "
        "value for that period must be given with --index-rate: dealdocs does not know it.")]
    = False,
    index_rates: Annotated[list[str], typer.Option(
        "--index-rate", metavar="PERCENT", help="With --interest: the floating rate's index "
        "(LIBOR, Term SOFR, prime) for an Interest Period the interest accrues in, percent a "
        "year; the term sheet's margin is added. Once per such period, in order.")]
    = [],  # noqa: B006
    rescind: Annotated[str | None, typer.Option(
        "--rescind", metavar="ENTRY_ID", help="Rescind the conversion recorded as this entry "
        "(`dealdocs conversions` lists them): a rescission entry is recorded, the history "
        "keeps both, and the note's schedule is written again.")] = None,
    batch: Annotated[Path | None, typer.Option(
        "--batch", metavar="FILE.csv", exists=True, dir_okay=False, readable=True,
        help="Record the conversions of a CSV file (columns note, date, principal, and "
        "optionally interest yes/no and index_rate), all or none.")] = None,
    again: Annotated[bool, typer.Option(
        "--again", help="Record a conversion of the same note, date and amount as one already "
        "recorded (otherwise refused as a likely repeat).")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Record without asking.")] = False,
    format_names: FormatsOption = ",".join(FORMATS),
    out: OutOption = "output",
    log: LogOption = None,
) -> None:
    from rich.markup import escape

    from ..conversions.batch import read_batch
    from ..conversions.record import (Request, plan_conversions, plan_rescission,
                                      record_conversions, record_rescission)
    from ..conversions.session import opened_log
    from .shared import console, count, err_console
    from .shared import prepared as checked
    single = {"--note": note, "--date": date, "--principal": principal}
    modes = [name for name, given in (("--note, --date and --principal", any(
        v is not None for v in single.values())), ("--rescind", rescind is not None),
        ("--batch", batch is not None)) if given]
    if len(modes) != 1:
        raise typer.BadParameter("give one conversion (--note, --date and --principal), "
                                 "--rescind ENTRY_ID, or --batch FILE.csv"
                                 + (f", not {' and '.join(modes)}" if modes else ""))
    missing = [name for name, value in single.items() if value is None]
    if modes[0].startswith("--note") and missing:
        raise typer.BadParameter(f"--note, --date and --principal go together: add "
                                 f"{' and '.join(missing)}")
    if (interest or index_rates) and not modes[0].startswith("--note"):
        raise typer.BadParameter("--interest and --index-rate are for one conversion; a batch "
                                 "has the columns interest and index_rate")
    if again and rescind is not None:
        raise typer.BadParameter("--again is for conversions, not --rescind")
    chosen = formats(format_names)
    folder = out_folder(out)
    prepared = checked(term_sheet)
    deal = prepared.deal
    assert deal is not None
    try:
        with opened_log(term_sheet, prepared, log, folder, create=rescind is None) as book:
            history = book.entries(deal.deal.id)
            if rescind is not None:
                rescission = plan_rescission(prepared, rescind, history)
                console.print(_rescission_table(rescission.conversion, rescission.principal_after))
                _confirm(yes, f"Rescind entry {rescission.conversion.id}?")
                recorded = [record_rescission(book, prepared, rescind)]
            else:
                requests = (read_batch(batch, again) if batch is not None else
                            [Request(note, date, principal, interest, tuple(index_rates),
                                     again)])
                planned = plan_conversions(prepared, requests, history)
                _show_plan(term_sheet, planned)
                _confirm(yes, f"Record {count(len(planned), 'conversion')}?")
                recorded = record_conversions(book, prepared, requests)
            history = book.entries(deal.deal.id)
    except ConversionError as exc:
        _refused(term_sheet, exc.findings)
    except LogError as exc:
        err_console.print(escape(f"{term_sheet}: {exc}"), style="red")
        raise typer.Exit(1) from None
    ids = ", ".join(str(entry.id) for entry in recorded)
    console.print(escape(f"Recorded in {_where(term_sheet, deal, log)}: "
                         f"{count(len(recorded), 'entry', 'entries')} ({ids})."))
    _write_conversion_documents(term_sheet, prepared, history, recorded, chosen, folder)


@app.command(short_help="List the conversions recorded in a deal's log.",
             help="List the conversions recorded in a deal's conversion log (and "
             "rescissions, which keep the conversion they reverse), with the principal "
             "remaining after each. --csv prints them as CSV, for review and for keeping "
             "under version control. --write writes every recorded conversion's notice and "
             "each converted note's schedule to date again (after `make clean`, or a run "
             "interrupted while writing).")
def conversions(
    term_sheet: TermSheetArgument,
    note: Annotated[str | None, typer.Option(
        "--note", help="Only this note: <closing id>-<lender id> or its number.")] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")]
    = False,
    write: Annotated[bool, typer.Option(
        "--write", help="Write the notices and schedules of the log's entries.")] = False,
    format_names: FormatsOption = ",".join(FORMATS),
    out: OutOption = "output",
    log: LogOption = None,
) -> None:
    from rich.markup import escape

    from ..conversions.record import note_name, require_note
    from ..conversions.session import opened_log
    from .shared import console, count, err_console
    from .shared import prepared as checked
    chosen = formats(format_names)
    folder = out_folder(out)
    prepared = checked(term_sheet, quiet=True)
    deal = prepared.deal
    assert deal is not None
    wanted = None
    try:
        if note is not None:
            wanted = note_name(require_note(prepared, note))
    except ConversionError as exc:
        _refused(term_sheet, exc.findings, recorded=False)
    try:
        with opened_log(term_sheet, prepared, log, folder, create=False,
                             check=False) as book:
            history = book.entries(deal.deal.id) if book else []
    except LogError as exc:
        err_console.print(escape(f"{term_sheet}: {exc}"), style="red")
        raise typer.Exit(1) from None
    shown = [entry for entry in history if wanted is None or entry.note == wanted]
    if as_csv:
        _print_csv(shown)
    else:
        console.print(_entries_table(shown, f"{_where(term_sheet, deal, log)}: "
                                            f"{count(len(shown), 'entry', 'entries')}"))
    if write and shown:
        _write_conversion_documents(term_sheet, prepared, history, shown, chosen, folder)


def _write_conversion_documents(term_sheet: Path, prepared: Prepared, history: list[Entry],
                                entries: Sequence[Entry], formats: list[str], out: Path) -> None:
    """The filled notices of `entries` and the schedules of their notes, written; a failure
    here leaves the log as recorded, and says how to write the documents again."""
    from rich.markup import escape

    from ..conversions.documents import render_conversion_documents
    from .shared import console, err_console, print_build, write
    assert prepared.deal is not None
    try:
        with console.status("Rendering documents"):
            documents = render_conversion_documents(prepared.deal, history, entries,
                                                    [entry.note for entry in entries])
        build = write(prepared.deal, documents, formats, out, prepared.source, prune=False)
    except DealdocsError as exc:
        err_console.print(escape(f"{term_sheet}: the log is recorded, and its documents were "
                                 f"not written: {exc}\nWrite them with `dealdocs conversions "
                                 f"{term_sheet} --write`."), style="red")
        raise typer.Exit(1) from None
    print_build(build)


def _confirm(yes: bool, question: str) -> None:
    from .shared import err_console
    if not yes and not typer.confirm(question, default=False):
        err_console.print("Nothing recorded.")
        raise typer.Exit(1)


def _refused(term_sheet: Path, findings: list[Finding], recorded: bool = True) -> NoReturn:
    from rich.markup import escape

    from .shared import err_console
    for finding in findings:
        line = finding.format()
        if finding.mark is None:
            line = f"{term_sheet}: {line}"
        err_console.print(escape(line),
                          style="red" if finding.severity is Severity.ERROR else "yellow")
    if recorded:
        err_console.print(escape(f"{term_sheet}: nothing recorded; the conversion log is as it "
                                 "was"), style="red")
    raise typer.Exit(1)


def _where(term_sheet: Path, deal: Deal, log: str | None) -> str:
    from ..conversions.log import locate
    return str(locate(term_sheet, deal.deal.id, log))


def _show_plan(term_sheet: Path, planned: list[Conversion]) -> None:
    """What will be recorded: one row per conversion, then how interest and prices were
    arrived at, then any warning (an ownership limit passed)."""
    from rich.markup import escape
    from rich.table import Table

    from ..formatting import money, percent, price, shares
    from .shared import console, count, err_console
    table = Table(title=f"To record: {count(len(planned), 'conversion')}", title_justify="left")
    for column in ("Note", "Lender", "Date", "Outstanding", "Converted", "Interest",
                   "Remaining", "Price", "Shares"):
        table.add_column(column, justify="left" if column in ("Note", "Lender", "Date")
                         else "right", overflow="fold")
    for c in planned:
        table.add_row(escape(c.note.number), escape(c.note.lender.short_name), str(c.date),
                      money(c.principal_before), money(c.principal_converted),
                      money(c.interest.amount) if c.interest else "",
                      money(c.principal_after), price(c.conversion_price), shares(c.shares))
    console.print(table)
    for c in planned:
        if c.adjustment is not None:
            console.print(escape(f"{c.note.number} on {c.date}: price {price(c.conversion_price)} "
                                 f"from {c.adjustment.effective} ({c.adjustment.reason})"))
        if c.interest is not None:
            parts = "; ".join(f"{money(p.amount)} at {percent(p.rate_percent)} from {p.start} "
                              f"to {p.end}" for p in c.interest.parts) or "no day has accrued"
            console.print(escape(f"{c.note.number} on {c.date}: interest accrued since "
                                 f"{c.interest.start}: {parts}; {shares(c.shares - c.principal_shares)} "
                                 "of the shares are for it"))
        for warning in c.warnings:
            line = warning.format()
            err_console.print(escape(line if warning.mark else f"{term_sheet}: {line}"),
                              style="yellow")


def _rescission_table(entry: Entry, principal_after) -> Table:
    from rich.markup import escape
    from rich.table import Table

    from ..formatting import money, shares
    table = Table(title="To rescind (Note, Section 6(e))", title_justify="left")
    for column in ("Entry", "Note", "Date", "Converted", "Shares", "Remaining after"):
        table.add_column(column)
    table.add_row(str(entry.id), escape(f"{entry.note_number} ({entry.note})"), str(entry.date),
                  money(entry.principal_converted), shares(entry.shares), money(principal_after))
    return table


_ENTRY_COLUMNS = ("id", "note", "note_number", "kind", "rescinds", "rescinded_by", "date",
                  "principal_converted", "conversion_price", "shares", "interest_converted",
                  "interest_from", "principal_remaining", "recorded_at", "recorded_by")


def _print_csv(entries: list[Entry]) -> None:
    out = Writer(sys.stdout)
    out.writerow(_ENTRY_COLUMNS)
    for entry in entries:
        values = {**vars(entry), "recorded_at": entry.recorded_at.isoformat()}
        out.writerow(values[c] for c in _ENTRY_COLUMNS)


def _entries_table(entries: list[Entry], title: str) -> Table:
    from rich.markup import escape
    from rich.table import Table

    from ..formatting import money, price, shares
    table = Table(title=escape(title), title_justify="left")
    for column in ("Entry", "Note", "Date", "Converted", "Interest", "Price", "Shares",
                   "Remaining", "Recorded", "By", ""):
        table.add_column(column, overflow="fold")
    for e in entries:
        status = (f"rescinds {e.rescinds}" if e.rescinds is not None else
                  f"rescinded by {e.rescinded_by}" if e.rescinded_by is not None else "")
        table.add_row(str(e.id), escape(e.note_number), str(e.date),
                      ("-" if e.rescinds is not None else "") + money(e.principal_converted),
                      money(e.interest_converted) if e.interest_converted is not None else "",
                      price(e.conversion_price), shares(e.shares), money(e.principal_remaining),
                      e.recorded_at.strftime("%Y-%m-%d"), escape(e.recorded_by),
                      status)
    return table
