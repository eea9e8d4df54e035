"""What the subcommands share when they run: the consoles, checking a term sheet, building
a deal, and how findings, errors and builds are printed. Text from the user (paths, names) is
never read as markup. Imported by a command when it runs, not by `dealdocs --help`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from ..build import Build, Keeper, Status, write_documents
from ..build.lock import Holder
from ..deal import Deal
from ..loader import SourceMap
from ..writers import RenderedDocument
from ..errors import DealdocsError, TermSheetError
from ..findings import Finding, Severity
from ..pipeline import Prepared, prepare

# No emoji codes: a path or name such as "a:warning:b" is printed as written. Text that
# comes from the user is printed as Text or with markup=False, never as markup.
console = Console(highlight=False, emoji=False)
err_console = Console(stderr=True, highlight=False, emoji=False)


def prepared(term_sheet: Path, strict: bool = False, quiet: bool = False) -> Prepared:
    """The checked term sheet, or exit 1 with its findings; `quiet`: warnings are not shown
    (and nothing goes to standard output, which may be a CSV)."""
    try:
        result = prepare(term_sheet)
    except TermSheetError as exc:
        fail(term_sheet, exc.findings)
    shown = result.blocking(strict) if quiet else result.findings
    if shown:
        (err_console if quiet else console).print(findings_table(shown))
    if result.blocking(strict) or result.deal is None:
        fail(term_sheet, [])
    return result


def fail(term_sheet: Path, findings: list[Finding]) -> NoReturn:
    if findings:
        console.print(findings_table(findings))
    line(f"{term_sheet}: nothing written; fix the errors above", "red", err_console)
    raise typer.Exit(1)


def error(exc: DealdocsError) -> NoReturn:
    line(str(exc), "red", err_console)
    raise typer.Exit(1)


def write(deal: Deal, documents: Sequence[RenderedDocument], chosen: list[str], out: Path,
          source: SourceMap, *, jobs: int | None = None, force: bool = False,
          prune: bool = True, keep: Keeper | None = None) -> Build:
    """Build the documents into the deal's folder, with a progress bar at a terminal (a log
    or a pipe gets the summary only)."""
    with Progress(*Progress.get_default_columns(), console=console, transient=True,
                  disable=not console.is_terminal) as bar:
        task = bar.add_task("Writing", total=None)
        return write_documents(
            deal, list(documents), chosen, out, source, jobs=jobs, force=force, prune=prune,
            keep=keep, progress=lambda done, total: bar.update(task, completed=done, total=total),
            waiting=waiting)


def waiting(holder: Holder) -> None:
    line(f"waiting for {holder}, which is building this deal", "yellow", err_console)


def findings_table(findings: list[Finding]) -> Table:
    table = Table(title="Findings", title_justify="left")
    table.add_column("Where", overflow="fold")
    table.add_column("Severity")
    table.add_column("Finding", overflow="fold", ratio=1)
    for finding in findings:
        color = "red" if finding.severity is Severity.ERROR else "yellow"
        where = escape(str(finding.mark)) if finding.mark else ""
        text = (f"[bold]{escape(finding.path)}[/bold]: " if finding.path else "") + escape(
            finding.message)
        if finding.fix:
            text += f"\n[dim]→ {escape(finding.fix)}[/dim]"
        table.add_row(where, f"[{color}]{finding.severity.value}[/]",
                      f"{text} [dim]\\[{finding.code}][/dim]")
    return table


_COLORS = {Status.CREATED: "green", Status.CHANGED: "yellow", Status.IDENTICAL: "dim",
           Status.RESTORED: "yellow", Status.UP_TO_DATE: "dim", Status.REMOVED: "red",
           Status.KEPT: "red"}


def print_build(build: Build) -> None:
    """Which documents were rendered again and why, and which were up to date."""
    rendered, up_to_date = build.rendered, build.up_to_date
    changed = [output for output in build.outputs if output.status is not Status.UP_TO_DATE]
    if not changed:
        line(f"{build.folder}: nothing to do, {count(len(up_to_date), 'document')} up to date")
        return
    names = list(dict.fromkeys(output.format for output in build.outputs))
    counts = Counter(output.status.value for output in build.outputs)
    files = ", ".join(f"{number} {status}" for status, number in sorted(counts.items()))
    line(f"{build.folder}: {count(len(rendered), 'document')} rendered, "
         f"{len(up_to_date)} up to date; files: {files}")
    table = Table()
    table.add_column("Document", overflow="fold")
    for name in names:
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
                                        if name in row else "" for name in names),
                      Text("; ".join(dict.fromkeys(reasons.get(document, [])))))
    console.print(table)
    for output in build.outputs:
        if output.status is Status.KEPT:
            line(f"kept {build.folder / output.file}: the deal no longer has this document, "
                 "but the file was changed after dealdocs wrote it; delete it if it is not "
                 "needed", "yellow", err_console)


def count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def line(text: str, style: str = "", to: Console = console) -> None:
    """Print `text` as written (no markup) on one line (the terminal wraps it, not Rich)."""
    to.print(text, style=style, markup=False, soft_wrap=True)
