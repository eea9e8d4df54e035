"""Regenerating a negotiated Word draft: the changes of the terms carried into the draft the
lawyers edited, as tracked changes, keeping everything they did (`dealdocs regenerate`, and
the desk's page). `draft` reads the edited file, `sources` finds its base and the current
document, `body` reads a Word body as paragraphs, `align` aligns versions, `apply` changes
the draft only by revisions and comments, `merge` is the three-way merge, `report` says
what was done."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..writers import WRITERS, RenderedDocument
from ..writers.docx_package import made_from
from .draft import Draft
from .merge import merge
from .report import Report, report_document
from .sources import sides

AUTHOR = "dealdocs"
SUFFIX = ".regenerated"


@dataclass(frozen=True)
class Regenerated:
    name: str
    """The regenerated draft's file name: `<document>.regenerated.docx`."""
    data: bytes
    report: Report
    report_html: bytes


def regenerate(draft: Draft, documents: list[RenderedDocument], deal_id: str,
               deal_folder: Path, base: int | None, terms: Path, when: dt.datetime
               ) -> Regenerated:
    """`draft` brought to the current terms' `documents` (of the term sheet `terms`, saved
    at `when`), from its base among the versions kept in `deal_folder` (or version `base`)."""
    found = sides(draft, documents, deal_id, deal_folder, base)
    date = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    writer = WRITERS["docx"]
    merged = merge(writer.render(found.base), draft.data, writer.render(found.ours),
                   author=AUTHOR, date=date, properties=made_from(found.ours))
    name = f"{found.ours.name}{SUFFIX}.docx"
    report = Report(found.ours.title, Path(draft.name).name, found.base_label, terms.name,
                    date, name, merged.outcomes)
    page = report_document(report, f"{deal_id}/{found.ours.name}{SUFFIX}", when.date())
    return Regenerated(name, merged.data, report, WRITERS["html"].render(page))


def save(regenerated: Regenerated, folder: Path) -> tuple[Path, Path]:
    """Write the regenerated draft and its report into `folder`, each whole or not at all
    (written beside, then renamed into place); returns their paths."""
    written = []
    for name, data in ((regenerated.name, regenerated.data),
                       (regenerated.name.removesuffix(".docx") + ".html",
                        regenerated.report_html)):
        target = folder / name
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".writing")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        written.append(target)
    return written[0], written[1]
