"""The `dealdocs` command. Errors become exit statuses here and nowhere else:
0 all is well, 1 the term sheet or request has errors, 2 wrong usage."""

from __future__ import annotations

import enum
import gc
import json
from collections import Counter
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from .build import FORMATS, Build, Status, render_documents, write_documents
from .build.lock import Holder
from .deal import Deal
from .documents import KIND_NAMES
from .errors import DealdocsError, RenderError, TermSheetError
from .findings import Finding, Severity, errors
from .formatting import longdate, money, shares
from .model import TermSheet
from .pipeline import Prepared, prepare
from .starter import starter_term_sheet

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Closing documents for convertible-note financings, from one term sheet.")
# No emoji codes: a path or name such as "a:warning:b" is printed as written. Text that
# comes from the user is printed as Text or with markup=False, never as markup.
console = Console(highlight=False, emoji=False)
err_console = Console(stderr=True, highlight=False, emoji=False)

DocumentName = enum.StrEnum("DocumentName", {name: name for name in KIND_NAMES})

TermSheets = Annotated[list[Path], typer.Argument(
    help="Term sheet YAML files.", exists=True, dir_okay=False, readable=True)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON for machines.")]
StrictOption = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")]


@app.command(help="Check term sheets and print their findings and derived figures "
             "(Schedule A). Nothing is rendered. Exit status 1 if any term sheet has errors "
             "(or, with --strict, warnings).")
def validate(term_sheets: TermSheets, as_json: JsonOption = False,
             strict: StrictOption = False) -> None:
    results = []
    failed = False
    for path in term_sheets:
        try:
            prepared = prepare(path)
        except TermSheetError as exc:
            results.append({"term_sheet": str(path), "findings": exc.findings, "prepared": None})
            failed = True
            continue
        results.append({"term_sheet": str(path), "findings": prepared.findings,
                        "prepared": prepared})
        failed |= bool(prepared.blocking(strict))
    if as_json:
        print(json.dumps([_json_result(r, strict) for r in results], indent=2))
    else:
        for result in results:
            _print_result(result["term_sheet"], result["findings"], result["prepared"])
    raise typer.Exit(1 if failed else 0)


@app.command(help="Render a deal's documents as HTML, PDF and Word files into "
             "OUT/<deal id>/. The term sheet is checked and every document rendered and "
             "checked before anything is written: on any error nothing in the output folder "
             "changes. Only files whose document, writer or file changed since the last build "
             "are made again, over all cores; the folder is then replaced in one step, so it "
             "always holds a complete set and its manifest.json. Files an earlier build made "
             "for documents that no longer exist (a lender who left) are removed, for the "
             "kinds and formats this run makes, unless they were changed by hand. A second "
             "build of the same deal waits for the first.")
def render(
    term_sheet: Annotated[Path, typer.Argument(help="The term sheet YAML file.", exists=True,
                                               dir_okay=False, readable=True)],
    only: Annotated[list[DocumentName], typer.Option(
        "--only", help="Render only this document (repeatable).")] = [],  # noqa: B006
    formats: Annotated[str, typer.Option(
        "--format", help=f"Comma-separated formats: {', '.join(FORMATS)}.")] = ",".join(FORMATS),
    out: Annotated[str, typer.Option("--out", metavar="DIR", help="Output folder; the "
                                     "documents go in a subfolder named after the deal id.")
                   ] = "output",
    jobs: Annotated[int | None, typer.Option(
        "--jobs", min=1, help="Processes that write PDF and Word files at once "
        "(default: one per core).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Render every file again, even those that are up to date.")] = False,
    strict: StrictOption = False,
) -> None:
    chosen = [name.strip() for name in formats.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in FORMATS]
    if unknown or not chosen:
        raise typer.BadParameter(f"unknown format {', '.join(unknown) or '(none)'}; choose "
                                 f"from {', '.join(FORMATS)}", param_hint="--format")
    if not out.strip():
        raise typer.BadParameter("an empty folder name would write into the current folder; "
                                 "name a folder, such as output", param_hint="--out")
    try:
        prepared = prepare(term_sheet)
    except TermSheetError as exc:
        _fail(term_sheet, exc.findings)
    if prepared.findings:
        console.print(_findings_table(prepared.findings))
    if prepared.blocking(strict) or prepared.deal is None:
        _fail(term_sheet, [])
    # Progress is for a person at a terminal; a log or a pipe gets the summary only.
    interactive = console.is_terminal
    try:
        with console.status("Rendering documents") if interactive else nullcontext():
            documents = render_documents(prepared.deal, [name.value for name in only])
        with Progress(*Progress.get_default_columns(), console=console, transient=True,
                      disable=not interactive) as bar:
            task = bar.add_task("Writing", total=None)
            build = write_documents(
                prepared.deal, documents, chosen, Path(out), prepared.source,
                jobs=jobs, force=force,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                waiting=_waiting)
    except RenderError as exc:
        _fail(term_sheet, exc.findings)
    except DealdocsError as exc:
        _error(exc)
    _print_build(build)


def _waiting(holder: Holder) -> None:
    _line(f"waiting for {holder}, which is building this deal", "yellow", err_console)


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


def _fail(term_sheet: Path, findings: list[Finding]) -> NoReturn:
    if findings:
        console.print(_findings_table(findings))
    _line(f"{term_sheet}: nothing written; fix the errors above", "red", err_console)
    raise typer.Exit(1)


_COLORS = {Status.CREATED: "green", Status.CHANGED: "yellow", Status.IDENTICAL: "dim",
           Status.RESTORED: "yellow", Status.UP_TO_DATE: "dim", Status.REMOVED: "red",
           Status.KEPT: "red"}


def _print_build(build: Build) -> None:
    """Which documents were rendered again and why, and which were up to date."""
    rendered, up_to_date = build.rendered, build.up_to_date
    changed = [output for output in build.outputs if output.status is not Status.UP_TO_DATE]
    if not changed:
        _line(f"{build.folder}: nothing to do, {_count(len(up_to_date), 'document')} up to date")
        return
    formats = list(dict.fromkeys(output.format for output in build.outputs))
    counts = Counter(output.status.value for output in build.outputs)
    files = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
    _line(f"{build.folder}: {_count(len(rendered), 'document')} rendered, "
          f"{len(up_to_date)} up to date; files: {files}")
    table = Table()
    table.add_column("Document", overflow="fold")
    for name in formats:
        table.add_column(name)
    table.add_column("Why", overflow="fold")
    rows: dict[str, dict[str, Status]] = {}
    reasons: dict[str, list[str]] = {}
    for output in build.outputs:
        rows.setdefault(output.document, {})[output.format] = output.status
        if output.reason:
            reasons.setdefault(output.document, []).append(output.reason.value)
    for document, row in rows.items():
        table.add_row(Text(document), *(Text(row[name].value, style=_COLORS[row[name]])
                                        if name in row else "" for name in formats),
                      Text("; ".join(dict.fromkeys(reasons.get(document, [])))))
    console.print(table)
    for output in build.outputs:
        if output.status is Status.KEPT:
            _line(f"kept {build.folder / output.file}: the deal no longer has this document, "
                  "but the file was changed after dealdocs wrote it; delete it if it is not "
                  "needed", "yellow", err_console)


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
    _line(f"{path}: {count_errors} error(s), {count_warnings} warning(s)", style)


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


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _line(text: str, style: str = "", to: Console = console) -> None:
    """Print `text` as written (no markup) on one line (the terminal wraps it, not Rich)."""
    to.print(text, style=style, markup=False, soft_wrap=True)


def _error(exc: DealdocsError) -> NoReturn:
    _line(str(exc), "red", err_console)
    raise typer.Exit(1)


def main() -> None:
    # What the imports made (the typed model, Jinja, Rich) lives as long as the command:
    # frozen, the garbage collector no longer walks it, during the run or at exit. That is
    # a fifth of the time of a build that finds everything up to date.
    gc.freeze()
    try:
        app()
    except DealdocsError as exc:
        _line(str(exc), "red", err_console)
        raise SystemExit(1) from None
    finally:
        gc.freeze()
