"""`dealdocs regenerate`: a negotiated Word draft brought to the current terms."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import DealdocsError
from .app import StrictOption, TermSheetArgument, app, out_folder

if TYPE_CHECKING:
    from ..regenerate.report import Report


@app.command(short_help="Bring a negotiated Word draft to the current terms, keeping every "
             "edit of the lawyers.",
             help="Carry every change of the terms since the version a Word draft was "
             "generated from into the draft as the lawyers edited it: as Word tracked changes "
             "(author dealdocs, dated as the term sheet), each where it belongs, keeping their "
             "wording, paragraphs, formatting, comments and their own tracked changes. Where "
             "they changed the words a change changes, or deleted its paragraph, a comment "
             "says what the terms now require and nothing of theirs is changed. Writes "
             "<document>.regenerated.docx and its report (.html) beside the draft, and "
             "prints the report.")
def regenerate(
    term_sheet: TermSheetArgument,
    edited: Annotated[Path, typer.Option(
        "--edited", metavar="FILE.docx", show_default=False,
        help="The negotiated draft: a Word file dealdocs generated, as the lawyers edited "
        "it.")],
    base: Annotated[int | None, typer.Option(
        "--base", metavar="VERSION", min=1, help="The kept version the draft was generated "
        "from (dealdocs versions); by default the one its document properties name.")] = None,
    out: Annotated[str, typer.Option(
        "--out", metavar="DIR", help="The folder the deal is built in: its kept versions are "
        "in DIR/<deal id>/versions/.")] = "output",
    strict: StrictOption = False,
) -> None:
    import datetime as dt

    from ..build import render_documents
    from ..errors import RenderError
    from ..regenerate import regenerate as merge_draft
    from ..regenerate import save
    from ..regenerate.draft import read_draft_file
    from .shared import error, fail, line, prepared
    folder = out_folder(out)
    checked = prepared(term_sheet, strict)
    assert checked.deal is not None
    try:
        draft = read_draft_file(edited)
        documents = render_documents(checked.deal)
        saved = dt.datetime.fromtimestamp(term_sheet.stat().st_mtime, dt.UTC).replace(
            microsecond=0)
        result = merge_draft(draft, documents, checked.deal.deal.id,
                             folder / checked.deal.deal.id, base, term_sheet, saved)
        written = save(result, edited.resolve().parent)
    except RenderError as exc:
        fail(term_sheet, exc.findings)
    except DealdocsError as exc:
        error(exc)
    _print(result.report)
    line(f"{written[0]}: the regenerated draft; {written[1]}: this report")


def _print(report: Report) -> None:
    from rich.table import Table
    from rich.text import Text

    from ..regenerate.merge import APPLIED, CONFLICT, NO_PLACE
    from .shared import console, line
    line(f"{report.draft} (made from {report.base}) brought to {report.terms}: "
         f"{report.summary}", "bold")
    for kind, title, style in ((CONFLICT, "Conflicts: left as the draft has them, with a "
                                "comment", "red"),
                               (NO_PLACE, "No place left in the draft", "yellow"),
                               (APPLIED, "Applied as tracked changes", "")):
        rows = [outcome for outcome in report.outcomes if outcome.kind == kind]
        if not rows:
            continue
        table = Table(title=Text(title, style=style), title_justify="left")
        for column in ("Where", "Was", "Terms now", *(("The draft",) if kind != APPLIED
                                                      else ())):
            table.add_column(column, overflow="fold")
        for outcome in rows:
            table.add_row(Text(outcome.where), Text(outcome.was or "(nothing)"),
                          Text(outcome.now or "(removed)"),
                          *((Text(outcome.note),) if kind != APPLIED else ()))
        console.print(table)
