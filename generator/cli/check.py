"""`dealdocs check`: drafting errors in a document dealdocs did not write, and with
--against, where it differs from a deal's terms."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .app import JsonOption, StrictOption, app


@app.command(short_help="Check a Word, PDF, HTML or text document for drafting errors.",
             help="Check documents (Word .docx, PDF, HTML or plain text) for drafting errors: "
             "terms defined twice, defined and never used, used in another case or in a "
             "near-miss form; references to sections, exhibits or schedules the document "
             "does not have; clause numbers that skip or repeat; dates that do not exist and "
             "wrong weekdays; amounts whose words and figures disagree; table totals that are "
             "not the sum of their rows; unpaired quotes, parentheses and brackets; "
             "placeholders left behind. Each finding gives its place (page and line, or "
             "paragraph) and its section. With --against, the document is also compared with "
             "the document dealdocs generates from TERM_SHEET that it reads most like, and "
             "every figure, name and date that differs is an error. Exit status 1 if a "
             "document has errors (or, with --strict, warnings).")
def check(
    files: Annotated[list[Path], typer.Argument(
        metavar="FILE", help="The documents to check.", exists=True, dir_okay=False,
        readable=True)],
    against: Annotated[Path | None, typer.Option(
        "--against", metavar="TERM_SHEET", exists=True, dir_okay=False, readable=True,
        help="Compare each document with what dealdocs generates from this term sheet.")]
    = None,
    as_json: JsonOption = False,
    strict: StrictOption = False,
) -> None:
    from ..findings import errors
    from ..proofing import MAX_DOCUMENT_BYTES, UnreadableDocument, check_read, read_document
    from .shared import console, findings_table, line

    generated = _generated(against) if against else None
    results = []
    for path in files:
        try:
            with path.open("rb") as handle:  # never more than a document may be
                document = read_document(path.name, handle.read(MAX_DOCUMENT_BYTES + 1))
        except UnreadableDocument as exc:
            line(str(exc), "red", console)
            raise typer.Exit(1) from None
        findings = check_read(document)
        if generated is not None:
            from ..proofing.against import compare
            findings += compare(document, generated)
        results.append((path, findings))
    failed = any(findings if strict else errors(findings) for _, findings in results)
    if as_json:
        print(json.dumps([{"file": str(path), "ok": not (findings if strict else errors(findings)),
                           "findings": [finding.as_dict() for finding in findings]}
                          for path, findings in results], indent=2))
    else:
        for path, findings in results:
            if findings:
                console.print(findings_table(findings))
            count = len(errors(findings))
            style = "red" if count else ("yellow" if findings else "green")
            line(f"{path}: {count} error(s), {len(findings) - count} warning(s)", style)
    raise typer.Exit(1 if failed else 0)


def _generated(term_sheet: Path) -> list:
    """The documents the term sheet generates, as HTML; exit 1 if it has errors."""
    from ..build.render import render_documents
    from ..errors import RenderError
    from .shared import error, prepared
    deal = prepared(term_sheet, quiet=True).deal
    try:
        return render_documents(deal)
    except RenderError as exc:
        error(exc)
