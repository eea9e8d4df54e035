"""What goes into a closing's binder and at which tab: the amendment, Schedule A and the
closing's notes (each with its Exhibit A and Schedule 1), in the registry's order, and the
outside documents at the tabs the term sheet gives them; the generated documents take
the tabs left free. Pure: from the deal and its rendered documents to entries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..build.transaction import CHANGES, VERSIONS
from ..deal import Deal
from ..findings import Finding
from ..loader import SourceMap
from ..model import Closing, OutsideDocument, TermSheet
from ..signings import COMPANY
from ..writers import RenderedDocument

BINDER_KINDS = ("amendment", "schedule-a", "note")
"""The kinds of generated document a binder holds, in the registry's order."""


@dataclass(frozen=True)
class Entry:
    tab: int
    title: str
    party: str
    """Whose document it is, as the index names them ("" when nobody's in particular)."""
    document: str
    """The generated document's name (note-third-rockmore), or the outside file's path as
    the term sheet writes it."""
    kind: str
    """amendment, schedule-a, note, or outside."""
    lender: str | None = None
    """A note's lender id."""
    outside: OutsideDocument | None = None


def in_closing(document: RenderedDocument, closing: Closing) -> bool:
    """Whether the generated document goes into the closing's binder."""
    if document.kind == "note":
        # A closing id has no "-", so the prefix names this closing's notes only.
        return document.name.startswith(f"note-{closing.id}-")
    return document.kind in BINDER_KINDS


def contents(deal: Deal, closing: Closing, documents: list[RenderedDocument]) -> list[Entry]:
    """The binder's entries in tab order."""
    notes = {f"note-{note.closing.id}-{note.lender.id}": note for note in deal.notes}
    generated = []
    for document in documents:
        if not in_closing(document, closing):
            continue
        note = notes.get(document.name) if document.kind == "note" else None
        party = (note.lender.legal_name if note else
                 f"{deal.company.legal_name} and the Lenders" if document.kind == "amendment"
                 else "")
        generated.append((document.title, party, document.name, document.kind,
                          note.lender.id if note else None))
    taken = {outside.tab for outside in closing.outside_documents}
    free = (tab for tab in range(1, len(generated) + len(taken) + 1) if tab not in taken)
    entries = [Entry(next(free), *item) for item in generated]
    entries += [Entry(outside.tab, outside.title, outside.party or "", outside.path, "outside",
                      outside=outside) for outside in closing.outside_documents]
    return sorted(entries, key=lambda entry: entry.tab)


def check_tabs(sheet: TermSheet, deal: Deal, source: SourceMap) -> Iterator[Finding]:
    """Each outside document's tab is used once and leaves no tab of the binder empty."""
    for i, closing in enumerate(sheet.closings):
        generated = 2 + sum(note.closing.id == closing.id for note in deal.notes)
        total = generated + len(closing.outside_documents)
        seen: dict[int, int] = {}
        for j, outside in enumerate(closing.outside_documents):
            path = ("closings", i, "outside_documents", j, "tab")
            if outside.tab in seen:
                line = source.locate(("closings", i, "outside_documents", seen[outside.tab],
                                      "tab")).line
                yield source.finding("binder.duplicate-tab", path,
                                     f"tab {outside.tab} is given twice (first on line {line})",
                                     "give each outside document its own tab")
            elif outside.tab > total:
                yield source.finding("binder.tab-out-of-range", path,
                                     f"tab {outside.tab} would leave tabs of the "
                                     f"{closing.name}'s binder empty: it has {total} documents",
                                     f"give a tab from 1 to {total}")
            seen.setdefault(outside.tab, j)


def check_party_ids(sheet: TermSheet, source: SourceMap) -> Iterator[Finding]:
    """A lender's signature packet is named after its id, the company's after `company`;
    a closing's binder folder after the closing's id, beside the deal folder's own parts."""
    for i, closing in enumerate(sheet.closings):
        if closing.id in (CHANGES, VERSIONS):
            yield source.finding("binder.reserved-id", ("closings", i, "id"),
                                 f"the closing id {closing.id!r} would put the closing's "
                                 f"binder in the deal folder's {closing.id}/ folder",
                                 "choose another id")
    for i, lender in enumerate(sheet.lenders):
        if lender.id == COMPANY:
            yield source.finding("binder.reserved-id", ("lenders", i, "id"),
                                 f"the lender id {COMPANY!r} would give the lender's signature "
                                 "packet the company's file name", "choose another id")
