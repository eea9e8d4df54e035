"""The report of a regeneration, for the lawyer who opens the regenerated draft: what was
applied, the conflicts left for them with a comment, and what had no place left."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..rendering import environment
from ..typesetting import typeset
from ..writers import RenderedDocument
from .merge import APPLIED, CONFLICT, NO_PLACE, Outcome

REPORT_TEMPLATE = "regenerate/report.html.j2"


@dataclass(frozen=True)
class Report:
    title: str
    """The document's."""
    draft: str
    """The negotiated draft, by its file name."""
    base: str
    """The kept version it was made from."""
    terms: str
    """The term sheet it is brought to, by its file name."""
    date: str
    """The terms' date, which every revision and comment carries."""
    file: str
    """The regenerated draft's file name."""
    outcomes: tuple[Outcome, ...]

    def count(self, kind: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.kind == kind)

    @property
    def summary(self) -> str:
        return (f"{self.count(APPLIED)} applied, {self.count(CONFLICT)} "
                f"conflict{'' if self.count(CONFLICT) == 1 else 's'}, "
                f"{self.count(NO_PLACE)} with no place left")


def report_document(report: Report, identifier: str, created: dt.date) -> RenderedDocument:
    """The report as a document the writers take."""
    html = typeset(environment().get_template(REPORT_TEMPLATE).render(report=report))
    return RenderedDocument(report.file.removesuffix(".docx"), f"Regeneration of {report.title}",
                            html, created, identifier, "regeneration-report")
