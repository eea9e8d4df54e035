"""`dealdocs binder`: each closing's binder, index, signature packets and manifest, from
the deal's PDFs (brought up to date first, as `render` would)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress

from ..binder.contents import BINDER_KINDS, in_closing
from ..binder.outside import as_pdf, read_outside
from ..build import render_documents
from ..build.transaction import read_files, read_part, update_part
from ..errors import BinderError, DealdocsError, RenderError
from .app import (JobsOption, OutOption, StrictOption, TermSheetArgument, app, console, count,
                  error, fail, line, out_folder, prepared, waiting, write)


@app.command(help="Build each closing's binder into OUT/<deal id>/<closing id>/: binder.pdf "
             "(a cover, an index whose entries link to their tabs, every document of the "
             "closing on pages labelled tab-page, a bookmark for each), index.docx (the index "
             "as a Word file), signature-packet-<lender id>.pdf and "
             "signature-packet-company.pdf (the signature pages each party signs, after a "
             "cover sheet) and manifest.json. The documents' PDFs are brought up to date "
             "first, as render does, and only those that changed are rendered. The closing's "
             "outside documents (closings[].outside_documents: PDF or Word files, Word "
             "converted with LibreOffice) take their tabs. A binder made from the same inputs "
             "as the one in place is left as it is. The folder is replaced in one step: an "
             "interrupted run leaves the last complete binder.")
def binder(
    term_sheet: TermSheetArgument,
    closings: Annotated[list[str], typer.Option(
        "--closing", metavar="ID", help="Build this closing's binder (repeatable; default: "
        "every closing).")] = [],  # noqa: B006
    out: OutOption = "output",
    jobs: JobsOption = None,
    strict: StrictOption = False,
) -> None:
    folder = out_folder(out)
    checked = prepared(term_sheet, strict)
    deal = checked.deal
    assert deal is not None
    known = {closing.id: index for index, closing in enumerate(deal.closings)}
    unknown = [closing for closing in closings if closing not in known]
    if unknown or not deal.closings:
        raise typer.BadParameter(
            f"the deal has no closing {', '.join(map(repr, unknown))}; its closings are: "
            f"{', '.join(known) or '(none)'}" if deal.closings else "the deal has no closings",
            param_hint="--closing")
    chosen = [deal.closings[known[closing]] for closing in dict.fromkeys(closings)] or list(
        deal.closings)
    # pypdf and the assembly are imported when a binder is built, not by every command.
    from ..binder.closing import binder_files
    from ..binder.manifest import MANIFEST, inputs_digest, up_to_date
    try:
        documents = [document for document in render_documents(deal, BINDER_KINDS)
                     if any(in_closing(document, closing) for closing in chosen)]
        outside = {closing.id: read_outside(closing, known[closing.id], checked.source)
                   for closing in chosen}
        build = write(deal, documents, ["pdf"], folder, checked.source, jobs=jobs, prune=False)
        pdfs = {name.removesuffix(".pdf"): data for name, data in read_files(
            folder, deal.deal.id, [f"{document.name}.pdf" for document in documents],
            waiting=waiting).items()}
        for closing in chosen:
            mine = {document.name: pdfs[document.name] for document in documents
                    if in_closing(document, closing)}
            inputs = inputs_digest(checked.source.sha256, mine, outside[closing.id])
            current = read_part(folder, deal.deal.id, closing.id, waiting=waiting)
            if up_to_date(current.get(MANIFEST), inputs, current.get):
                line(f"{folder / deal.deal.id / closing.id}: up to date")
                continue
            with Progress(*Progress.get_default_columns(), console=console, transient=True,
                          disable=not console.is_terminal) as bar:
                task = bar.add_task(f"{closing.name}: reading", total=5)

                def step(what: str) -> None:
                    bar.update(task, advance=1, description=f"{closing.name}: {what}")

                outside_pdfs = as_pdf(closing, known[closing.id], outside[closing.id],
                                      checked.source)
                files = binder_files(deal, closing, documents, mine, outside_pdfs,
                                     checked.source, inputs, step)
                step("writing")
                part = update_part(folder, deal.deal.id, closing.id, files, waiting=waiting)
            packets = sum(name.startswith("signature-packet-") for name in files)
            line(f"{part}: binder.pdf, index.docx, {count(packets, 'signature packet')}, "
                 "manifest.json")
    except (RenderError, BinderError) as exc:
        fail(term_sheet, exc.findings)
    except DealdocsError as exc:
        error(exc)
    if build.rendered:
        line(f"{build.folder}: {count(len(build.rendered), 'document')} rendered again as PDF "
             "for the binders")
