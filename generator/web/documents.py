"""How the desk lists a deal's documents: by kind, and a note's documents by closing, each by
its title ("Senior Convertible Note No. B1-01 (Rockmore Investment Master Fund, Ltd)")."""

from __future__ import annotations

from dataclasses import dataclass

from ..deal import Deal
from ..documents import DocumentJob, plan

KIND_HEADINGS = {
    "amendment": "Amendment", "schedule-a": "Schedule A", "note": "Notes",
    "note-form": "Forms of note (exhibits)", "conversion-notice": "Conversion notices (blank)",
    "conversion-schedule": "Conversion schedules (blank)",
}

FORMAT_NAMES = {"pdf": "PDF", "docx": "Word", "html": "Web page (HTML)"}


@dataclass(frozen=True)
class Group:
    heading: str
    documents: list[DocumentJob]


def documents_by_kind(deal: Deal) -> list[Group]:
    """The deal's documents in binder order, a group per kind and, for a note's documents,
    per closing."""
    groups: dict[str, Group] = {}
    for job in plan(deal):
        note = job.context.get("note")
        heading = KIND_HEADINGS.get(job.kind.name, job.kind.name)
        if job.kind.name != "note-form" and note is not None:
            heading = f"{heading}: {note.closing.name}"
        groups.setdefault(heading, Group(heading, [])).documents.append(job)
    return list(groups.values())
