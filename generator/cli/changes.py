"""`dealdocs versions` and `dealdocs diff`: what was built before, and what changed since."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import DealdocsError, RenderError
from ..writers import FORMATS
from .app import (FormatsOption, JobsOption, OutOption, StrictOption, TermSheetArgument, app,
                  formats, out_folder)

if TYPE_CHECKING:
    from ..changes.report import ChangeReport, Snapshot


@app.command(short_help="List the versions of a deal that builds kept.",
             help="List the versions of a deal kept in OUT/<deal id>/versions/: each "
             "`dealdocs render` of the whole deal (and each `dealdocs binder`) keeps one when "
             "the term sheet or a document changed since the last (the term sheet and each document's rendered "
             "text, not the PDF and Word files).")
def versions(term_sheet: TermSheetArgument, out: OutOption = "output") -> None:
    from rich.table import Table
    from rich.text import Text

    from ..changes.versions import read_versions
    from .shared import console, error, line, prepared
    checked = prepared(term_sheet)
    assert checked.deal is not None
    try:
        kept = read_versions(out_folder(out) / checked.deal.deal.id)
    except DealdocsError as exc:
        error(exc)
    if not kept:
        line(f"{out_folder(out) / checked.deal.deal.id}: no version kept yet; "
             "dealdocs render keeps one")
        return
    table = Table(title=Text(checked.deal.deal.title), title_justify="left")
    for column in ("Version", "Built (UTC)", "By", "Documents", "What changed"):
        table.add_column(column, overflow="fold")
    for version in kept:
        table.add_row(str(version.number), version.recorded.replace("T", " "), Text(version.by),
                      str(len(version.documents)), Text(version.summary))
    console.print(table)


@app.command(short_help="Change report and redlines against a kept version or another term sheet.",
             help="Compare a deal's terms and documents with an earlier version, or two "
             "term sheets with each other: `dealdocs diff TERM_SHEET` compares the term "
             "sheet with the last kept version that differs from it (or --against VERSION); "
             "`dealdocs diff OLD NEW` compares two term sheets. Prints the terms that "
             "changed (with their lines), the figures that moved, the documents that "
             "changed and where, and those that did not; and writes into "
             "OUT/<deal id>/changes/ the report and a redline of each changed document "
             "(PDF: insertions double-underlined in blue, deletions struck through in red; "
             "Word: tracked changes "
             "to accept or reject), replacing what an earlier comparison left there.")
def diff(
    term_sheets: Annotated[list[Path], typer.Argument(
        help="TERM_SHEET, or OLD_TERM_SHEET NEW_TERM_SHEET.", metavar="TERM_SHEET",
        exists=True, dir_okay=False,
        readable=True, show_default=False)],
    against: Annotated[int | None, typer.Option(
        "--against", metavar="VERSION", min=1, help="Compare with this kept version "
        "(see dealdocs versions).")] = None,
    format_names: FormatsOption = ",".join(FORMATS),
    out: OutOption = "output",
    jobs: JobsOption = None,
    strict: StrictOption = False,
) -> None:
    from rich.progress import Progress

    from ..build import default_jobs
    from ..changes.folder import change_documents, write_changes
    from ..changes.report import change_report
    from ..osuser import os_user
    from .shared import console, count, error, line, waiting
    if len(term_sheets) > 2:
        raise typer.BadParameter("give one term sheet, or two (old and new)",
                                 param_hint="TERM_SHEETS")
    if against is not None and len(term_sheets) == 2:
        raise typer.BadParameter("--against compares with a kept version; with two term "
                                 "sheets there is none to choose", param_hint="--against")
    chosen = formats(format_names)
    folder = out_folder(out)
    new = _current(term_sheets[-1], strict)
    if len(term_sheets) == 2:
        old = _current(term_sheets[0], strict)
    else:
        old = _kept(folder / new.deal.deal.id, new, against)
        if old is None:
            return
    report = change_report(old, new)
    _print_report(report)
    if not report.changed:
        line("Nothing to write: the terms and documents are the same.")
        return
    documents = change_documents(report, old, new, new.deal.deal.id, os_user())
    try:
        with Progress(*Progress.get_default_columns(), console=console, transient=True,
                      disable=not console.is_terminal) as bar:
            task = bar.add_task("Writing", total=None)
            written = write_changes(
                folder, new.deal.deal.id, documents, chosen, jobs or default_jobs(),
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                waiting=waiting)
    except DealdocsError as exc:
        error(exc)
    line(f"{written}: the report and {count(len(documents) - 1, 'redline')} "
         f"({', '.join(chosen)})")


def _current(term_sheet: Path, strict: bool) -> Snapshot:
    from ..changes.report import current_snapshot
    from .shared import fail, prepared
    checked = prepared(term_sheet, strict)
    try:
        return current_snapshot(checked)
    except RenderError as exc:
        fail(term_sheet, exc.findings)


def _kept(deal_folder: Path, new: Snapshot, against: int | None) -> Snapshot | None:
    from ..changes.versions import kept_snapshot
    from .shared import error, line
    try:
        old = kept_snapshot(deal_folder, new, against)
    except DealdocsError as exc:
        error(exc)
    if old is None:
        line("Nothing to compare: no kept version differs from the current terms "
             "(dealdocs versions).")
    return old


def _print_report(report: ChangeReport) -> None:
    from rich.table import Table
    from rich.text import Text

    from .shared import console, line
    line(f"Changes to {report.deal_title}: from {report.old} to {report.new}", "bold")
    if report.terms:
        table = Table(title="Terms that changed", title_justify="left")
        for column in ("Term", "Was", "Is", "Where"):
            table.add_column(column, overflow="fold")
        for change in report.terms:
            table.add_row(Text(change.label), Text(change.was), Text(change.now),
                          Text("; ".join(str(mark) for mark in (change.old_mark, change.new_mark)
                                         if mark is not None)))
        console.print(table)
    elif report.forms:
        line("No term changed.")
    else:
        line("No term changed: the documents differ in their wording only.")
    for form in report.forms:
        line(f"form {form.kind:8} {form.name}", "yellow")
    if report.figures:
        table = Table(title="Figures that moved", title_justify="left")
        for column in ("Figure", "Was", "Is"):
            table.add_column(column, overflow="fold")
        for change in report.figures:
            table.add_row(Text(change.figure), Text(change.was), Text(change.now))
        console.print(table)
    for document in report.documents:
        where = {"added": "new", "removed": "no longer part of the deal"}.get(
            document.kind, "; ".join(document.places))
        line(f"{document.kind:8} {document.title}: {where}", "yellow")
    if report.unaffected:
        line(f"not affected ({len(report.unaffected)}): {'; '.join(report.unaffected)}", "dim")
