"""The registry of documents: which template, how many copies (per lender per closing),
what each is called, and the context it gets. The only place a new document is added."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .deal import Deal, Note
from .templates import NOTE_TEMPLATE


@dataclass(frozen=True)
class DocumentKind:
    name: str
    """What `--only` selects: amendment, schedule-a, note, conversion-notice, ..."""
    template: str
    defined_terms_upper: bool
    """The note writes defined terms in capitals ("CONVERSION PRICE"); the amendments don't."""
    copies: Callable[[Deal], Iterable[Note | None]]
    """One copy per note, or a single copy (None) for deal-level documents."""
    stem: Callable[[Deal, Note | None], str]
    title: Callable[[Deal, Note | None], str]


@dataclass(frozen=True)
class DocumentJob:
    """One document to render: its kind, its output name and its template context."""

    kind: DocumentKind
    name: str
    title: str
    context: dict[str, Any]
    identifier: str


def _single(deal: Deal) -> list[None]:
    return [None]


def _per_note(deal: Deal) -> tuple[Note, ...]:
    return deal.notes


def _note_forms(deal: Deal) -> list[Note]:
    """The blank form of note of each closing (the exhibit the amendment attaches): the
    closing's terms filled, the lender, number, principal and dates left blank."""
    forms = {}
    for note in deal.notes:
        forms.setdefault(note.closing.id, dataclasses.replace(
            note, number=None, lender=None, principal=None, issue_date=None,
            maturity_date=None))
    return list(forms.values())


def _note_stem(prefix: str) -> Callable[[Deal, Note | None], str]:
    return lambda deal, note: f"{prefix}-{note.closing.id}-{note.lender.id}"


KINDS: tuple[DocumentKind, ...] = (
    DocumentKind("amendment", "amendment/amendment.html.j2", False, _single,
                 lambda deal, _: f"amendment-{deal.deal.number}",
                 lambda deal, _: deal.deal.title),
    DocumentKind("schedule-a", "schedule_a/schedule_a.html.j2", False, _single,
                 lambda deal, _: "schedule-a",
                 lambda deal, _: f"Schedule A to {deal.deal.title}"),
    DocumentKind("note", NOTE_TEMPLATE, True, _per_note, _note_stem("note"),
                 lambda deal, note: f"Senior Convertible Note No. {note.number} "
                                    f"({note.lender.legal_name})"),
    DocumentKind("note-form", NOTE_TEMPLATE, True, _note_forms,
                 lambda deal, note: f"note-form-{note.closing.id}",
                 lambda deal, note: f"Form of Senior Convertible Note "
                                    f"(Exhibit {note.closing.notes.exhibit})"),
    DocumentKind("conversion-notice", "conversion_notice/conversion_notice.html.j2", True,
                 _per_note, _note_stem("conversion-notice"),
                 lambda deal, note: f"Conversion Notice, Note No. {note.number}"),
    DocumentKind("conversion-schedule", "conversion_schedule/conversion_schedule.html.j2", True,
                 _per_note, _note_stem("conversion-schedule"),
                 lambda deal, note: f"Conversion Schedule, Note No. {note.number}"),
)
KIND_NAMES = tuple(kind.name for kind in KINDS)


def plan(deal: Deal, only: Iterable[str] = ()) -> list[DocumentJob]:
    """Every document of the deal (or of the kinds in `only`), in binder order."""
    wanted = set(only) or set(KIND_NAMES)
    jobs = []
    for kind in KINDS:
        if kind.name not in wanted:
            continue
        for note in kind.copies(deal):
            name = kind.stem(deal, note)
            title = kind.title(deal, note)
            context = {**deal.context(), "note": note, "conversion": None, "conversions": [],
                       "document_title": title,
                       "defined_terms_upper": kind.defined_terms_upper}
            identifier = hashlib.sha256(f"{deal.deal.id}/{name}".encode()).hexdigest()[:32]
            jobs.append(DocumentJob(kind, name, title, context, identifier))
    return jobs
