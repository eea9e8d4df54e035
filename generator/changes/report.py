"""The change report: which terms changed, which derived figures moved because of them,
which documents changed and where, which did not; and its rendering as a document."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from ..build.render import render_documents
from ..deal import Deal
from ..findings import Mark
from ..pipeline import Prepared
from ..rendering import environment
from ..typesetting import typeset
from ..termsheet import LoadedTermSheet
from ..writers import RenderedDocument
from .figures import FigureChange, figure_changes
from .redline import compare
from .terms import TermChange, term_changes

REPORT_TEMPLATE = "changes/report.html.j2"


@dataclass(frozen=True)
class Snapshot:
    """One version of a deal, as compared: its term sheet, figures and rendered documents."""

    label: str
    """How the report names it: "version 3 of 2026-11-30 14:02:11 UTC", or a term sheet's
    file name and when it was saved."""
    when: dt.datetime
    """The time of its terms (when the version was built, or the file saved): Word gives
    each revision of a redline the new snapshot's."""
    loaded: LoadedTermSheet
    deal: Deal
    documents: dict[str, RenderedDocument]
    forms: dict[str, str] | None
    """Each form's SHA-256 by name (templates, print stylesheet, house style), wherever it
    came from; None for a version kept before dealdocs recorded them."""


@dataclass(frozen=True)
class FormChange:
    name: str
    """As a folder of forms names it: clauses/miscellaneous.html.j2, base/print.css."""
    kind: str
    """changed, added or removed."""


@dataclass(frozen=True)
class DocumentChange:
    name: str
    title: str
    kind: str
    """changed, added or removed."""
    places: tuple[str, ...]
    """Where its text changed (clauses by number and heading, schedules, signature pages)."""


@dataclass(frozen=True)
class ChangeReport:
    deal_title: str
    old: str
    new: str
    terms: tuple[TermChange, ...]
    figures: tuple[FigureChange, ...]
    documents: tuple[DocumentChange, ...]
    unaffected: tuple[str, ...]
    """Titles of the documents whose text did not change, so that nobody re-reads them."""
    forms: tuple[FormChange, ...]
    """The forms that changed: what explains a document that changed with no term."""

    @property
    def changed(self) -> bool:
        return bool(self.terms or self.documents or self.forms)


def current_snapshot(prepared: Prepared) -> Snapshot:
    """A checked term sheet as it is now, named by its file and the time it was saved, its
    documents rendered (RenderError if one cannot be)."""
    assert prepared.deal is not None
    path = Path(prepared.source.file)
    saved = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(microsecond=0)
    return Snapshot(f"{path.name} of {saved:%Y-%m-%d %H:%M:%S} UTC", saved,
                    LoadedTermSheet(prepared.sheet, prepared.source), prepared.deal,
                    {document.name: document for document in render_documents(prepared.deal)},
                    prepared.forms.digests(fonts=False))


def change_report(old: Snapshot, new: Snapshot) -> ChangeReport:
    documents: list[DocumentChange] = []
    unaffected: list[str] = []
    for name, document in new.documents.items():
        before = old.documents.get(name)
        if before is None:
            documents.append(DocumentChange(name, document.title, "added", ()))
            continue
        comparison = compare(before.html, document.html)
        if comparison.changed:
            documents.append(DocumentChange(name, document.title, "changed",
                                            tuple(comparison.changed_places())))
        else:
            unaffected.append(document.title)
    documents += [DocumentChange(name, document.title, "removed", ())
                  for name, document in old.documents.items() if name not in new.documents]
    folder = Path(new.loaded.source.file).parent
    terms = [dataclasses.replace(change, old_mark=_relative(change.old_mark, folder),
                                 new_mark=_relative(change.new_mark, folder))
             for change in term_changes(old.loaded, new.loaded)]
    return ChangeReport(new.deal.deal.title, old.label, new.label, tuple(terms),
                        tuple(figure_changes(old.deal, new.deal)), tuple(documents),
                        tuple(unaffected), tuple(form_changes(old.forms, new.forms)))


def _relative(mark: Mark | None, folder: Path) -> Mark | None:
    """A mark in a term sheet on disk, its file named relative to the new term sheet's
    folder: the report is read on other machines, where an absolute path means nothing."""
    if mark is None or not Path(mark.file).is_file():
        return mark  # a kept version's term sheet: named by its version
    return dataclasses.replace(mark, file=os.path.relpath(Path(mark.file).resolve(),
                                                          folder.resolve()))


def form_changes(old: dict[str, str] | None, new: dict[str, str] | None) -> list[FormChange]:
    """The forms whose content differs, by name; none when either side is not known."""
    if old is None or new is None:
        return []
    return [FormChange(name, "added" if name not in old else
                       "removed" if name not in new else "changed")
            for name in sorted(old.keys() | new.keys()) if old.get(name) != new.get(name)]


def report_document(report: ChangeReport, deal_id: str, created: dt.date) -> RenderedDocument:
    """The report as a document every writer takes (HTML, PDF, Word)."""
    html = typeset(environment().get_template(REPORT_TEMPLATE).render(report=report))
    return RenderedDocument("report", f"Changes to {report.deal_title}", html, created,
                            f"{deal_id}/changes/report", "change-report")
