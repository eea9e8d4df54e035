"""The registry of documents: which template, how many copies (per lender per closing),
what each is called, and the context it gets. The only place a new document is added."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .forms import NOTE_TEMPLATE

# The kinds' names are read by `dealdocs --help`, which must not import the typed model.
if TYPE_CHECKING:
    from .deal import Deal, Note
    from .forms import Forms


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
    forms: Forms


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
KIND_BY_NAME = {kind.name: kind for kind in KINDS}


def _from_the_log(deal: Deal) -> tuple[Note, ...]:
    """A filled form is made for entries of the conversion log, never from the deal alone."""
    return ()


# The forms `dealdocs convert` fills from the conversion log (generator/conversions/): the
# same templates under kinds of their own, which `render` neither makes nor removes.
FILLED_NOTICE = replace(KIND_BY_NAME["conversion-notice"], name="filled-conversion-notice",
                        copies=_from_the_log)
SCHEDULE_TO_DATE = replace(KIND_BY_NAME["conversion-schedule"],
                           name="conversion-schedule-to-date", copies=_from_the_log)
RECORDED_KIND_NAMES = (*KIND_NAMES, FILLED_NOTICE.name, SCHEDULE_TO_DATE.name)
"""Every kind of document a deal's folder may hold, as its manifest records them."""


def plan(deal: Deal, only: Iterable[str] = ()) -> list[DocumentJob]:
    """Every document of the deal (or of the kinds in `only`), in binder order."""
    wanted = set(only) or set(KIND_NAMES)
    return [make_job(kind, deal, note, kind.stem(deal, note), kind.title(deal, note))
            for kind in KINDS if kind.name in wanted for note in kind.copies(deal)]


def make_job(kind: DocumentKind, deal: Deal, note: Note | None, name: str, title: str,
             **context: Any) -> DocumentJob:
    """One document to render: the deal's values, the note, and `context` (the filled
    forms' `conversion`, `conversions`; blank forms get none)."""
    context = {**deal.context(), "note": note, "conversion": None, "conversions": [],
               "document_title": title, "defined_terms_upper": kind.defined_terms_upper,
               "conformed": frozenset(), **context}
    identifier = hashlib.sha256(f"{deal.deal.id}/{name}".encode()).hexdigest()[:32]
    return DocumentJob(kind, name, title, context, identifier, deal.forms)
