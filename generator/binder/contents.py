"""What goes into a closing's binder and at which tab: the amendment (with its Schedule A)
and the closing's notes (each with its Exhibit A and Schedule 1), in the registry's order,
and the outside documents at the tabs the term sheet gives them; the generated documents
take the tabs left free. Pure: from the deal and its rendered documents to entries."""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.html

from ..build.transaction import CHANGES, VERSIONS
from ..deal import Deal
from ..findings import Finding
from ..loader import SourceMap
from ..model import Closing, OutsideDocument, TermSheet
from ..signings import COMPANY
from ..writers import RenderedDocument

BINDER_KINDS = ("amendment", "note")
"""The kinds of generated document a binder holds, in the registry's order. Schedule A is
not one of them: it is part of the amendment, as in the executed amendment (seed 000), and
a tab of its own would hold it twice."""


@dataclass(frozen=True)
class Part:
    """A part of a document with pages of its own (templates/README.md `section.part`):
    Schedule A, a note's Exhibit A and Schedule 1."""

    heading: str
    """Its heading as the document's PDF outline holds it, spaces made single: "SCHEDULE A"."""
    title: str
    """Its bookmark and index title: "Schedule A", "Exhibit A: Conversion Notice"."""


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
    parts: tuple[Part, ...] = ()


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
                 f"{deal.company.legal_name} and the Lenders")
        generated.append((document.title, party, document.name, document.kind,
                          note.lender.id if note else None, None, parts(document.html)))
    taken = {outside.tab for outside in closing.outside_documents}
    free = (tab for tab in range(1, len(generated) + len(taken) + 1) if tab not in taken)
    entries = [Entry(next(free), *item) for item in generated]
    # A closing's outside documents are the company's deliveries unless the term sheet
    # names another party.
    entries += [Entry(outside.tab, outside.title, outside.party or deal.company.legal_name,
                      outside.path, "outside", outside=outside)
                for outside in closing.outside_documents]
    return sorted(entries, key=lambda entry: entry.tab)


def parts(html: str) -> tuple[Part, ...]:
    """The parts of a rendered document, in order, each named by its first heading and the
    document title under it, if any ("EXHIBIT A", "CONVERSION NOTICE")."""
    found = []
    for part in lxml.html.document_fromstring(html).find_class("part"):
        headings = list(part.iter("h1", "h2"))
        if part.tag != "section" or not headings:
            continue
        heading = single_spaced(headings[0].text_content())
        titles = [single_spaced(element.text_content()) for element in headings[1:]
                  if element.tag == "h1" and element.get("class") == "title"][:1]
        found.append(Part(heading, ": ".join(string.capwords(words)
                                             for words in [heading, *titles])))
    return tuple(found)


def single_spaced(text: str) -> str:
    """Text with its spaces (no-break ones too) made single and its word joiners removed."""
    return " ".join(text.replace("\u2060", "").split())


def check_tabs(sheet: TermSheet, deal: Deal, source: SourceMap) -> Iterator[Finding]:
    """Each outside document's tab is used once and leaves no tab of the binder empty."""
    for i, closing in enumerate(sheet.closings):
        generated = 1 + sum(note.closing.id == closing.id for note in deal.notes)
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
