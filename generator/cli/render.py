"""`dealdocs render`: a deal's documents, built into its output folder."""

from __future__ import annotations

import enum
from contextlib import nullcontext
from typing import Annotated

import typer

from ..documents import KIND_NAMES
from ..errors import DealdocsError, RenderError
from ..writers import FORMATS
from .app import (FormatsOption, JobsOption, OutOption, StrictOption, TermSheetArgument, app,
                  formats, out_folder)

DocumentName = enum.StrEnum("DocumentName", {name: name for name in KIND_NAMES})


@app.command(short_help="Render a deal's documents (HTML, PDF, Word) into OUT/<deal id>/.",
             help="Render a deal's documents as HTML, PDF and Word files into "
             "OUT/<deal id>/. The term sheet is checked and every document rendered and "
             "checked before anything is written: on any error nothing in the output folder "
             "changes. Only files whose document, writer or file changed since the last build "
             "are made again, over all cores; the folder is then replaced in one step, so it "
             "always holds a complete set and its manifest.json. Files an earlier build made "
             "for documents that no longer exist (a lender who left) are removed, for the "
             "kinds and formats this run makes, unless they were changed by hand. A second "
             "build of the same deal waits for the first. A build of the whole deal (without "
             "--only) is kept as a version when it differs from the last (dealdocs versions, "
             "dealdocs diff).")
def render(
    term_sheet: TermSheetArgument,
    only: Annotated[list[DocumentName], typer.Option(
        "--only", help="Render only this document (repeatable).")] = [],  # noqa: B006
    format_names: FormatsOption = ",".join(FORMATS),
    out: OutOption = "output",
    jobs: JobsOption = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Render every file again, even those that are up to date.")] = False,
    strict: StrictOption = False,
) -> None:
    from ..build import render_documents
    from ..changes.versions import Keeping
    from .shared import console, error, fail, line, prepared, print_build, write
    chosen = formats(format_names)
    folder = out_folder(out)
    checked = prepared(term_sheet, strict)
    assert checked.deal is not None
    try:
        with console.status("Rendering documents") if console.is_terminal else nullcontext():
            documents = render_documents(checked.deal, [name.value for name in only])
        keeping = None if only else Keeping(checked, documents)
        build = write(checked.deal, documents, chosen, folder, checked.source, jobs=jobs,
                      force=force, keep=keeping)
    except RenderError as exc:
        fail(term_sheet, exc.findings)
    except DealdocsError as exc:
        error(exc)
    print_build(build)
    if keeping is not None and keeping.kept is not None:
        line(f"kept as {keeping.kept.label}: {keeping.kept.summary}", "dim")

