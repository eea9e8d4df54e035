"""`dealdocs binder`: each closing's binder, index, signature packets and manifest, from
the deal's PDFs (brought up to date first, as `render` would)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import BinderError, DealdocsError, RenderError
from .app import JobsOption, OutOption, StrictOption, TermSheetArgument, app, out_folder

if TYPE_CHECKING:
    from ..model import Closing


@app.command(short_help="Build each closing's binder, index and signature packets.",
             help="Build each closing's binder into OUT/<deal id>/<closing id>/: binder.pdf "
             "(a cover, an index whose entries link to their tabs, every document of the "
             "closing on pages labelled tab-page, a bookmark for each), index.docx (the index "
             "as a Word file), signature-packet-<party>.pdf for each party that signs at the "
             "closing (the company, for the notes: after a cover sheet, the pages it signs "
             "there) and manifest.json; and the packets of the amendment's own signing "
             "(every party's page of the amendment) into OUT/<deal id>/amendment-signing/. "
             "The documents' PDFs are brought up to date "
             "first, as render does, and only those that changed are rendered. The closing's "
             "outside documents (closings[].outside_documents: PDF or Word files, Word "
             "converted with LibreOffice) take their tabs. A binder made from the same inputs "
             "as the one in place is left as it is. The folder is replaced in one step: an "
             "interrupted run leaves the last complete binder. The deal is kept as a version, "
             "as render keeps it (dealdocs versions, dealdocs diff).")
def binder(
    term_sheet: TermSheetArgument,
    closings: Annotated[list[str], typer.Option(
        "--closing", metavar="ID", help="Build this closing's binder (repeatable; default: "
        "every closing).")] = [],  # noqa: B006
    out: OutOption = "output",
    jobs: JobsOption = None,
    strict: StrictOption = False,
) -> None:
    from rich.progress import Progress

    from ..binder.build import STEPS_PER_BINDER, build_binders
    from ..build import render_documents
    from ..changes.versions import Keeping
    from .shared import console, count, error, fail, line, prepared, waiting
    folder = out_folder(out)
    checked = prepared(term_sheet, strict)
    deal = checked.deal
    assert deal is not None
    known = {closing.id: index for index, closing in enumerate(deal.closings)}
    unknown = [closing for closing in closings if closing not in known]
    if unknown:
        raise typer.BadParameter(
            f"the deal has no closing {', '.join(map(repr, unknown))}; its closings are: "
            f"{', '.join(known) or '(none)'}", param_hint="--closing")
    if not deal.closings:
        line(f"{term_sheet}: the deal has no closings, so no binder to build")
    chosen = [deal.closings[known[closing]] for closing in dict.fromkeys(closings)] or list(
        deal.closings)
    try:
        with Progress(*Progress.get_default_columns(), console=console, transient=True,
                      disable=not console.is_terminal) as bar:
            task = bar.add_task("Writing PDFs", total=None)

            def step(closing: Closing, what: str) -> None:
                bar.update(task, description=f"{closing.name}: {what}", advance=1,
                           total=STEPS_PER_BINDER * len(chosen))

            keeping = Keeping(checked, render_documents(deal))
            build, binders, signing = build_binders(
                checked, chosen, folder, jobs=jobs, step=step, waiting=waiting, keep=keeping,
                progress=lambda done, total: bar.update(task, completed=done, total=total))
    except (RenderError, BinderError) as exc:
        fail(term_sheet, exc.findings)
    except DealdocsError as exc:
        error(exc)
    if build.rendered:
        line(f"{build.folder}: {count(len(build.rendered), 'document')} rendered again as PDF "
             "for the binders")
    for made in binders:
        packets = sum(name.startswith("signature-packet-") for name in made.files)
        line(f"{made.folder}: up to date" if not made.files else
             f"{made.folder}: binder.pdf, index.docx, {count(packets, 'signature packet')}, "
             "manifest.json")
    packets = sum(name.startswith("signature-packet-") for name in signing.files)
    line(f"{signing.folder}: up to date" if not signing.files else
         f"{signing.folder}: {count(packets, 'signature packet')}, manifest.json")
    if keeping.kept is not None:
        line(f"kept as {keeping.kept.label}: {keeping.kept.summary}", "dim")
