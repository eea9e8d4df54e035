"""The `dealdocs` command. Errors become exit statuses here and nowhere else:
0 all is well, 1 the term sheet or request has errors, 2 wrong usage."""

from __future__ import annotations

import csv
import enum
import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from .build import FORMATS, Output, render_documents, write_documents
from .conversions.batch import read_batch
from .conversions.checks import check_log
from .conversions.documents import render_conversion_documents
from .conversions.log import ConversionLog, Entry, locate, open_log
from .conversions.record import (Conversion, Request, note_name, plan_conversions,
                                 plan_rescission, record_conversions, record_rescission,
                                 require_note)
from .conversions.writing import write_conversion_documents
from .deal import Deal
from .documents import KIND_NAMES
from .errors import (ConversionError, DealdocsError, LogError, OutputError, RenderError,
                     TermSheetError)
from .findings import Finding, Severity, errors, sort_key
from .formatting import longdate, money, percent, price, shares
from .model import TermSheet
from .pipeline import Prepared, prepare
from .starter import starter_term_sheet

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Closing documents for convertible-note financings, from one term sheet.")
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

DocumentName = enum.StrEnum("DocumentName", {name: name for name in KIND_NAMES})

TermSheets = Annotated[list[Path], typer.Argument(
    help="Term sheet YAML files.", exists=True, dir_okay=False, readable=True)]
TermSheetArgument = Annotated[Path, typer.Argument(help="The term sheet YAML file.", exists=True,
                                                   dir_okay=False, readable=True)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON for machines.")]
StrictOption = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")]
FormatsOption = Annotated[str, typer.Option(
    "--format", help=f"Comma-separated formats: {', '.join(FORMATS)}.")]
OutOption = Annotated[Path, typer.Option("--out", help="Output folder; the documents go in "
                                         "a subfolder named after the deal id.")]
LogOption = Annotated[str | None, typer.Option(
    "--log", metavar="PATH|URL", help="The conversion log: an SQLite file, or a PostgreSQL URL "
    "(postgresql://user@host/database) for a log shared by several people. Default: the "
    "DEALDOCS_LOG environment variable, else <deal id>.conversions.sqlite beside the term "
    "sheet.")]


@app.command(help="Check term sheets and print their findings and derived figures "
             "(Schedule A). Nothing is rendered. Where a deal has a conversion log (beside the "
             "term sheet, or --log / DEALDOCS_LOG), the term sheet is also checked against "
             "what it records: a note's principal below what was converted, a converted note "
             "removed. Exit status 1 if any term sheet has errors (or, with --strict, "
             "warnings).")
def validate(term_sheets: TermSheets, as_json: JsonOption = False,
             strict: StrictOption = False, log: LogOption = None) -> None:
    results = []
    failed = False
    for path in term_sheets:
        try:
            prepared = prepare(path)
        except TermSheetError as exc:
            results.append({"term_sheet": str(path), "findings": exc.findings, "prepared": None})
            failed = True
            continue
        findings = sorted(prepared.findings + _log_findings(path, prepared, log), key=sort_key)
        results.append({"term_sheet": str(path), "findings": findings, "prepared": prepared})
        failed |= bool(findings if strict else errors(findings))
    if as_json:
        print(json.dumps([_json_result(r, strict) for r in results], indent=2))
    else:
        for result in results:
            _print_result(result["term_sheet"], result["findings"], result["prepared"])
    raise typer.Exit(1 if failed else 0)


@app.command(help="Render a deal's documents as HTML, PDF and Word files into "
             "OUT/<deal id>/. The term sheet is checked and every document rendered and "
             "checked before anything is written: on any error nothing in the output folder "
             "changes. Files whose bytes are unchanged are left alone; files an earlier build "
             "made for documents that no longer exist (a lender who left) are removed, for the "
             "kinds and formats this run makes.")
def render(
    term_sheet: TermSheetArgument,
    only: Annotated[list[DocumentName], typer.Option(
        "--only", help="Render only this document (repeatable).")] = [],  # noqa: B006
    formats: FormatsOption = ",".join(FORMATS),
    out: OutOption = Path("output"),
    strict: StrictOption = False,
) -> None:
    chosen = _formats(formats)
    prepared = _prepared(term_sheet, strict)
    assert prepared.deal is not None
    try:
        with console.status("Rendering documents"):
            documents = render_documents(prepared.deal, [name.value for name in only])
    except RenderError as exc:
        _fail(term_sheet, exc.findings)
    try:
        outputs = _write(write_documents, prepared.deal, documents, chosen, out, term_sheet)
    except RenderError as exc:
        _fail(term_sheet, exc.findings)
    except OutputError as exc:
        err_console.print(escape(f"{term_sheet}: {exc}"), style="red")
        raise typer.Exit(1) from None
    console.print(_outputs_table(outputs))


def _write(writer, deal: Deal, documents: list, formats: list[str], out: Path,
           term_sheet: Path) -> list[Output]:
    """Write the documents with `writer` (the build's, or the conversions'), with a progress bar."""
    with Progress(*Progress.get_default_columns(), console=console, transient=True) as bar:
        task = bar.add_task("Writing", total=len(documents) * len(formats))
        return writer(deal, documents, formats, out, term_sheet,
                      progress=lambda name: bar.advance(task))


@app.command(help="Record a conversion of a note into Common Stock in the deal's conversion "
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
    formats: FormatsOption = ",".join(FORMATS),
    out: OutOption = Path("output"),
    log: LogOption = None,
) -> None:
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
    chosen = _formats(formats)
    prepared = _prepared(term_sheet)
    deal = prepared.deal
    assert deal is not None
    try:
        with _conversion_log(term_sheet, prepared, log, out, create=rescind is None) as book:
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
                _confirm(yes, f"Record {_count(len(planned), 'conversion')}?")
                recorded = record_conversions(book, prepared, requests)
            history = book.entries(deal.deal.id)
    except ConversionError as exc:
        _refused(term_sheet, exc.findings)
    except LogError as exc:
        err_console.print(escape(f"{term_sheet}: {exc}"), style="red")
        raise typer.Exit(1) from None
    ids = ", ".join(str(entry.id) for entry in recorded)
    console.print(escape(f"Recorded in {_where(term_sheet, deal, log)}: "
                         f"{_count(len(recorded), 'entry', 'entries')} ({ids})."))
    _write_conversion_documents(term_sheet, prepared, history, recorded, chosen, out)


@app.command(help="List the conversions recorded in a deal's conversion log (and "
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
    formats: FormatsOption = ",".join(FORMATS),
    out: OutOption = Path("output"),
    log: LogOption = None,
) -> None:
    chosen = _formats(formats)
    prepared = _prepared(term_sheet, quiet=True)
    deal = prepared.deal
    assert deal is not None
    wanted = None
    try:
        if note is not None:
            wanted = note_name(require_note(prepared, note))
    except ConversionError as exc:
        _refused(term_sheet, exc.findings, recorded=False)
    try:
        with _conversion_log(term_sheet, prepared, log, out, create=False,
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
                                            f"{_count(len(shown), 'entry', 'entries')}"))
    if write and shown:
        _write_conversion_documents(term_sheet, prepared, history, shown, chosen, out)


@app.command(help="Write a commented starter term sheet for a new deal, FOLDER/DEAL_ID.yaml: "
             "every section, each value to replace marked FILL IN (`dealdocs validate` lists "
             "those left, at their lines), the optional sections commented out. An existing "
             "file is never overwritten.")
def new(
    deal_id: Annotated[str, typer.Argument(help="The deal's id (lowercase letters, digits, _ "
                                           "and -); it names the file and the output folder.")],
    folder: Annotated[Path, typer.Option("--folder", help="Where to write the term sheet.")]
    = Path("term_sheets"),
) -> None:
    try:
        text = starter_term_sheet(deal_id)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="DEAL_ID") from None
    path = folder / f"{deal_id}.yaml"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        err_console.print(escape(f"{path} already exists; nothing written (choose another id, "
                                 "or move the file away)"), style="red")
        raise typer.Exit(1) from None
    except OSError as exc:
        err_console.print(escape(f"cannot write {path}: {exc.strerror}"), style="red")
        raise typer.Exit(1) from None
    console.print(escape(f"Wrote {path}: replace each FILL IN value, then run "
                         f"`dealdocs validate {path}`"))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the term-sheet format, for editors to complete and check."""
    print(json.dumps(TermSheet.model_json_schema(by_alias=True), indent=2))


def _formats(text: str) -> list[str]:
    chosen = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in FORMATS]
    if unknown or not chosen:
        raise typer.BadParameter(f"unknown format {', '.join(unknown) or '(none)'}; choose "
                                 f"from {', '.join(FORMATS)}", param_hint="--format")
    return chosen


def _prepared(term_sheet: Path, strict: bool = False, quiet: bool = False) -> Prepared:
    """The checked term sheet, or exit 1 with its findings; `quiet`: warnings are not shown
    (and nothing goes to standard output, which may be a CSV)."""
    try:
        prepared = prepare(term_sheet)
    except TermSheetError as exc:
        _fail(term_sheet, exc.findings)
    shown = prepared.blocking(strict) if quiet else prepared.findings
    if shown:
        (err_console if quiet else console).print(_findings_table(shown))
    if prepared.blocking(strict) or prepared.deal is None:
        _fail(term_sheet, [])
    return prepared


@contextmanager
def _conversion_log(term_sheet: Path, prepared: Prepared, log: str | None, out: Path,
                    create: bool, check: bool = True) -> Iterator[ConversionLog | None]:
    """The deal's conversion log, opened (created if `create`); with `check`, the term sheet
    must agree with what it records. LogError if it cannot be used; None if there is none."""
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


def _log_findings(term_sheet: Path, prepared: Prepared, log: str | None) -> list[Finding]:
    """What the deal's conversion log, if it has one, says against the term sheet."""
    if prepared.deal is None:
        return []
    try:
        location = locate(term_sheet, prepared.deal.deal.id, log)
        book = open_log(location, create=False)
        if book is None:
            return []
        with book:
            return check_log(prepared, book.entries(prepared.deal.deal.id), str(location))
    except LogError as exc:
        return [Finding("log.unusable", Severity.ERROR, None, "", exc.message, exc.fix)]


def _write_conversion_documents(term_sheet: Path, prepared: Prepared, history: list[Entry],
                                entries: Sequence[Entry], formats: list[str], out: Path) -> None:
    """The filled notices of `entries` and the schedules of their notes, written; a failure
    here leaves the log as recorded, and says how to write the documents again."""
    assert prepared.deal is not None
    try:
        with console.status("Rendering documents"):
            documents = render_conversion_documents(prepared.deal, history, entries,
                                                    [entry.note for entry in entries])
        outputs = _write(write_conversion_documents, prepared.deal, documents, formats, out,
                         term_sheet)
    except (RenderError, OutputError) as exc:
        err_console.print(escape(f"{term_sheet}: the log is recorded, and its documents were "
                                 f"not written: {exc}\nWrite them with `dealdocs conversions "
                                 f"{term_sheet} --write`."), style="red")
        raise typer.Exit(1) from None
    console.print(_outputs_table(outputs))


def _confirm(yes: bool, question: str) -> None:
    if not yes and not typer.confirm(question, default=False):
        err_console.print("Nothing recorded.")
        raise typer.Exit(1)


def _refused(term_sheet: Path, findings: list[Finding], recorded: bool = True) -> NoReturn:
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
    return str(locate(term_sheet, deal.deal.id, log))


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def _show_plan(term_sheet: Path, planned: list[Conversion]) -> None:
    """What will be recorded: one row per conversion, then how interest and prices were
    arrived at, then any warning (an ownership limit passed)."""
    table = Table(title=f"To record: {_count(len(planned), 'conversion')}", title_justify="left")
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
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(_ENTRY_COLUMNS)
    for entry in entries:
        values = {**vars(entry), "recorded_at": entry.recorded_at.isoformat()}
        out.writerow(["" if values[c] is None else values[c] for c in _ENTRY_COLUMNS])


def _entries_table(entries: list[Entry], title: str) -> Table:
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


def _fail(term_sheet: Path, findings: list[Finding]) -> NoReturn:
    if findings:
        console.print(_findings_table(findings))
    err_console.print(f"[red]{term_sheet}: nothing written; fix the errors above[/]")
    raise typer.Exit(1)


def _outputs_table(outputs: list[Output]) -> Table:
    """One row per document, one column per format: created, changed, identical, removed."""
    formats = list(dict.fromkeys(output.format for output in outputs))
    folder = outputs[0].path.parent if outputs else Path()
    statuses: dict[str, dict[str, str]] = {}
    for output in outputs:
        status = output.status.value if output.status else "removed"
        statuses.setdefault(output.document, {})[output.format] = status
    counts = Counter(status for row in statuses.values() for status in row.values())
    summary = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
    table = Table(title=f"{folder}: {summary}", title_justify="left")
    table.add_column("Document", overflow="fold")
    for name in formats:
        table.add_column(name)
    colors = {"created": "green", "changed": "yellow", "identical": "dim", "removed": "red"}
    for document, row in statuses.items():
        table.add_row(escape(document), *(f"[{colors[row[name]]}]{row[name]}[/]" if name in row else ""
                                  for name in formats))
    return table


def _json_result(result: dict, strict: bool) -> dict:
    prepared: Prepared | None = result["prepared"]
    findings: list[Finding] = result["findings"]
    output: dict = {
        "term_sheet": result["term_sheet"],
        "ok": not (findings if strict else errors(findings)),
        "findings": [finding.as_dict() for finding in findings],
    }
    if prepared and prepared.deal:
        output["schedule_a"] = _schedule_json(prepared.deal)
    return output


def _schedule_json(deal: Deal) -> dict:
    schedule = deal.schedule_a
    return {
        "closings": [{"id": c.id, "name": c.name, "notes": c.notes.name,
                      "warrants": c.warrants.name if c.warrants else None}
                     for c in schedule.closings],
        "rows": [{"lender": row.lender.id, "legal_name": row.lender.legal_name,
                  "additional_warrants": row.additional_warrants,
                  "principal": {k: str(v) for k, v in row.principal.items()},
                  "warrant_shares": row.warrant_shares} for row in schedule.rows],
        "totals": {"additional_warrants": schedule.totals.additional_warrants,
                   "principal": {k: str(v) for k, v in schedule.totals.principal.items()},
                   "warrant_shares": schedule.totals.warrant_shares},
    }


def _print_result(path: str, findings: list[Finding], prepared: Prepared | None) -> None:
    if prepared and prepared.deal:
        _print_summary(prepared.deal)
        console.print(_schedule_table(prepared.deal))
    if findings:
        console.print(_findings_table(findings))
    count_errors = len(errors(findings))
    count_warnings = len(findings) - count_errors
    style = "red" if count_errors else ("yellow" if count_warnings else "green")
    console.print(f"[{style}]{path}: {count_errors} error(s), {count_warnings} warning(s)[/]")


def _print_summary(deal: Deal) -> None:
    info = deal.deal
    console.print(f"[bold]{escape(info.title)}[/bold] (Exhibit {escape(info.exhibit)}), dated "
                  f"{longdate(info.date)}")
    console.print(f"{escape(deal.company.legal_name)} and {len(deal.lenders)} lenders; "
                  f"{len(deal.closings)} closing(s), {len(deal.notes)} note(s)")


def _schedule_table(deal: Deal) -> Table:
    schedule = deal.schedule_a
    table = Table(title="Schedule A", title_justify="left")
    table.add_column("Lender")
    if schedule.has_additional_warrants:
        table.add_column("Additional Warrants", justify="right")
    for closing in schedule.closings:
        table.add_column(escape(f"{closing.notes.name} / Purchase Price"), justify="right")
        if closing.warrants:
            table.add_column(escape(f"{closing.warrants.name} Warrant Shares"), justify="right")

    def cells(additional: int | None, principal: dict, warrant_shares: dict) -> list[str]:
        row = [shares(additional or 0)] if schedule.has_additional_warrants else []
        for closing in schedule.closings:
            row.append(money(principal[closing.id]) if closing.id in principal else "")
            if closing.warrants:
                row.append(shares(warrant_shares[closing.id])
                           if closing.id in warrant_shares else "")
        return row

    for row in schedule.rows:
        table.add_row(escape(row.lender.legal_name),
                      *cells(row.additional_warrants, row.principal, row.warrant_shares))
    totals = schedule.totals
    table.add_row("[bold]Total[/bold]", *cells(totals.additional_warrants, totals.principal,
                                               totals.warrant_shares), end_section=True)
    return table


def _findings_table(findings: list[Finding]) -> Table:
    table = Table(title="Findings", title_justify="left")
    table.add_column("Where", overflow="fold")
    table.add_column("Severity")
    table.add_column("Finding", overflow="fold", ratio=1)
    for finding in findings:
        color = "red" if finding.severity is Severity.ERROR else "yellow"
        where = escape(str(finding.mark)) if finding.mark else ""
        text = f"[bold]{escape(finding.path)}[/bold]: {escape(finding.message)}"
        if finding.fix:
            text += f"\n[dim]→ {escape(finding.fix)}[/dim]"
        table.add_row(where, f"[{color}]{finding.severity.value}[/]",
                      f"{text} [dim]\\[{finding.code}][/dim]")
    return table


def main() -> None:
    try:
        app()
    except DealdocsError as exc:
        err_console.print(escape(str(exc)), style="red")
        raise SystemExit(1) from None
