"""The subcommands about term sheets: `validate`, `new` and `schema`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import LogError, TermSheetError
from ..findings import Finding, Severity, errors, sort_key
from .app import JsonOption, LogOption, StrictOption, TermSheets, app

if TYPE_CHECKING:
    from rich.table import Table

    from ..deal import Deal
    from ..forms import Forms
    from ..pipeline import Prepared


@app.command(short_help="Check term sheets: findings and derived figures.",
             help="Check term sheets and print their findings and derived figures "
             "(Schedule A), and which forms the deal takes from a firm's folder (`dealdocs templates`). Nothing is rendered. Where a deal has a conversion log (beside the "
             "term sheet, or --log / DEALDOCS_LOG), the term sheet is also checked against "
             "what it records: a note's principal below what was converted, a converted note "
             "removed. Exit status 1 if any term sheet has errors (or, with --strict, "
             "warnings).")
def validate(term_sheets: TermSheets, as_json: JsonOption = False,
             strict: StrictOption = False, log: LogOption = None) -> None:
    from ..pipeline import prepare
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


@app.command(short_help="Write a commented starter term sheet for a new deal.",
             help="Write a commented starter term sheet for a new deal, FOLDER/DEAL_ID.yaml: "
             "every section, each value to replace marked FILL IN (`dealdocs validate` lists "
             "those left, at their lines), the optional sections commented out. An existing "
             "file is never overwritten.")
def new(
    deal_id: Annotated[str, typer.Argument(help="The deal's id (lowercase letters, digits, _ "
                                           "and -); it names the file and the output folder.")],
    folder: Annotated[Path, typer.Option("--folder", help="Where to write the term sheet.")]
    = Path("term_sheets"),
) -> None:
    from rich.markup import escape

    from ..starter import starter_term_sheet
    from .shared import console, err_console
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


@app.command(short_help="Print the JSON Schema of the term-sheet format.")
def schema() -> None:
    """Print the JSON Schema of the term-sheet format, for editors to complete and check."""
    from ..model import TermSheet
    print(json.dumps(TermSheet.model_json_schema(by_alias=True), indent=2))


def _json_result(result: dict, strict: bool) -> dict:
    prepared: Prepared | None = result["prepared"]
    findings: list[Finding] = result["findings"]
    output: dict = {
        "term_sheet": result["term_sheet"],
        "ok": not (findings if strict else errors(findings)),
        "findings": [finding.as_dict() for finding in findings],
    }
    if prepared:
        output["forms"] = {"folders": [folder.label for folder in prepared.forms.folders],
                           "from_firm": {name: folder.label for name, folder
                                         in prepared.forms.from_firm().items()}}
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
    from .shared import console, findings_table, line
    if prepared and prepared.deal:
        _print_summary(prepared.deal)
        console.print(_schedule_table(prepared.deal))
    if prepared:
        _print_forms(prepared.forms)
    if findings:
        console.print(findings_table(findings))
    count_errors = len(errors(findings))
    count_warnings = len(findings) - count_errors
    style = "red" if count_errors else ("yellow" if count_warnings else "green")
    line(f"{path}: {count_errors} error(s), {count_warnings} warning(s)", style)


def _print_forms(forms: Forms) -> None:
    """Which forms the deal takes from a firm's folders; the rest are the bundled ones."""
    from .shared import line
    if not forms.firm:
        line("Forms: the bundled ones")
        return
    taken = forms.from_firm()
    for folder in forms.firm:
        names = [name for name, origin in taken.items() if origin == folder]
        line(f"Forms from {folder.label}: " + (", ".join(names) or "none (the folder is empty)"))
    line("The other forms: the bundled ones")


def _print_summary(deal: Deal) -> None:
    from rich.markup import escape

    from ..formatting import longdate
    from .shared import console
    info = deal.deal
    console.print(f"[bold]{escape(info.title)}[/bold] (Exhibit {escape(info.exhibit)}), dated "
                  f"{longdate(info.date)}")
    console.print(f"{escape(deal.company.legal_name)} and {len(deal.lenders)} lenders; "
                  f"{len(deal.closings)} closing(s), {len(deal.notes)} note(s)")


def _schedule_table(deal: Deal) -> Table:
    from rich.markup import escape
    from rich.table import Table

    from ..formatting import money, shares
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


def _log_findings(term_sheet: Path, prepared: Prepared, log: str | None) -> list[Finding]:
    """What the deal's conversion log, if it has one, says against the term sheet."""
    from ..conversions.place import named
    if prepared.deal is None:
        return []
    place = named(term_sheet, prepared.deal.deal.id, log)
    if isinstance(place, Path) and not place.exists():
        return []  # no log, known without the database layer
    from ..conversions.checks import check_log
    from ..conversions.log import locate, open_log
    try:
        location = locate(term_sheet, prepared.deal.deal.id, log)
        book = open_log(location, create=False)
        if book is None:
            return []
        with book:
            return check_log(prepared, book.entries(prepared.deal.deal.id), str(location))
    except LogError as exc:
        return [Finding("log.unusable", Severity.ERROR, None, "", exc.message, exc.fix)]


