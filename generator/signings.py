"""The deal's signings: what is signed when, and by whom. The one place that says so: the
binder's signature packets follow it, and so will anything that tracks the signed pages.

The amendment is signed once, on its date, by every party whose signature block it has;
at each closing, on the closing's date, the closing's notes are signed by the parties whose
blocks they have (the company), and each outside document of the closing by the parties
the term sheet names in its `signed_by`. Who signs a generated document's page comes from
the document itself: each signature block names its signer in its id (`sign-company`,
`sign-lender-<id>`, templates/base/macros.html.j2), and each signature page says what it
is a signature page to in its page furniture ("[Signature Page to ...]"), so no legal text
is written here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import lxml.html
from lxml.html import HtmlElement

from .deal import Deal
from .documents import KIND_BY_NAME
from .findings import Finding
from .loader import SourceMap
from .model import Closing, TermSheet
from .writers import RenderedDocument

COMPANY = "company"
"""The company's party id; a lender may not take it."""
AMENDMENT_SIGNING = "amendment-signing"
"""The amendment's signing's id. A closing's signing takes the closing's id, which has no
"-", so no closing's can be this."""
SIGNED_KINDS = ("amendment", "note")
"""The kinds of generated document executed at a signing: the amendment at its own, each
note at its closing's. A blank form of note and the conversion forms are signed at none."""

_PREFIX = "sign-"
_LENDER = "sign-lender-"
_BLOCKS = "//div[contains(concat(' ', normalize-space(@class), ' '), ' signature-block ')]"


def party_names(deal: Deal) -> dict[str, str]:
    """Each party's name by its id: the company's and each lender's legal name."""
    return {COMPANY: deal.company.legal_name,
            **{lender.id: lender.legal_name for lender in deal.lenders}}


def party_of(anchor: str) -> str | None:
    """`company` or the lender's id from a signature block's id (`sign-company`,
    `sign-lender-<id>`); None for a block that names no signer (a conversion notice's,
    signed when a lender converts)."""
    if anchor == f"{_PREFIX}{COMPANY}":
        return COMPANY
    lender = anchor.removeprefix(_LENDER)
    return lender if anchor.startswith(_LENDER) and lender else None


def signature_blocks(root: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """The signature blocks of a rendered document that name their signer, in order, each
    with its party."""
    return [(block, party) for block in root.xpath(_BLOCKS)
            if (party := party_of(block.get("id") or "")) is not None]


@dataclass(frozen=True)
class Signer:
    anchor: str
    """The signature block's id, a named destination of the document's PDF."""
    party: str
    """`company` or the lender's id."""
    caption: str
    """What the page is a signature page to: "[Signature Page to Amendment No. 1 ...]"."""


@dataclass(frozen=True)
class SignaturePage:
    document: str
    """The generated document's name (note-third-rockmore), or the outside document's path
    as the term sheet writes it."""
    title: str
    """The document's title, as the binder's index names it."""
    party: str
    """Who signs it: `company` or a lender's id."""
    anchor: str | None
    """The signature block's id, a named destination of the generated document's PDF; None
    for an outside document."""
    page: int | None = None
    """An outside document's page that is signed, counted from 1; None: its last."""
    caption: str = ""
    """A generated page's furniture: "[Signature Page to Senior Convertible Note ...]"."""


@dataclass(frozen=True)
class Signing:
    id: str
    """The closing's id, or AMENDMENT_SIGNING."""
    closing: Closing | None
    """None for the amendment's signing."""
    date: dt.date | None
    """The amendment's date, or the closing's (None while the closing has none)."""
    documents: tuple[str, ...]
    """The documents signed at it, in the binder's order."""
    pages: dict[str, tuple[SignaturePage, ...]]
    """The signature pages each party signs at it, the company first, then the lenders in
    the term sheet's order; a party that signs nothing at it is not a key."""


def signers(html: str) -> list[Signer]:
    """The signature blocks of a rendered document, in order."""
    root = lxml.html.document_fromstring(html)
    found = []
    for block, party in signature_blocks(root):
        anchor = block.get("id")
        furniture = block.xpath("ancestor::section[contains(concat(' ', @class, ' '), "
                                "' signature-pages ')][1]/p[contains(@class, 'furniture')]")
        # The typesetting's no-break spaces and word joiners are for the page, not this line.
        caption = (" ".join(furniture[0].text_content().replace("\u2060", "").split())
                   if furniture else "")
        found.append(Signer(anchor, party, caption))
    return found


def signings(deal: Deal, documents: Sequence[RenderedDocument]) -> tuple[Signing, ...]:
    """The amendment's signing, then each closing's in the term sheet's order, from the
    deal's rendered documents (a document of a kind not in SIGNED_KINDS is passed over; a
    closing whose notes are not among `documents` has none signed at it)."""
    note_stem = KIND_BY_NAME["note"].stem
    closing_of = {note_stem(deal, note): note.closing.id for note in deal.notes}
    generated: dict[str, list[SignaturePage]] = {}
    for document in documents:
        if document.kind not in SIGNED_KINDS:
            continue
        signing = closing_of.get(document.name, AMENDMENT_SIGNING)
        generated.setdefault(signing, []).extend(
            SignaturePage(document.name, document.title, signer.party, signer.anchor,
                          caption=signer.caption) for signer in signers(document.html))
    order = [COMPANY, *(lender.id for lender in deal.lenders)]
    result = [_signing(AMENDMENT_SIGNING, None, deal.deal.date,
                       generated.get(AMENDMENT_SIGNING, []), order)]
    for closing in deal.closings:
        outside = [SignaturePage(item.path, item.title, party, None, item.signature_page)
                   for item in closing.outside_documents for party in item.signed_by]
        result.append(_signing(closing.id, closing, closing.date,
                               [*generated.get(closing.id, []), *outside], order))
    return tuple(result)


def _signing(signing_id: str, closing: Closing | None, date: dt.date | None,
             pages: list[SignaturePage], order: list[str]) -> Signing:
    by_party = {party: tuple(page for page in pages if page.party == party) for party in order}
    return Signing(signing_id, closing, date,
                   tuple(dict.fromkeys(page.document for page in pages)),
                   {party: found for party, found in by_party.items() if found})


def check_signed_by(sheet: TermSheet, source: SourceMap) -> Iterator[Finding]:
    """Each party an outside document names as its signer is the company or a lender."""
    parties = {COMPANY, *(lender.id for lender in sheet.lenders)}
    for i, closing in enumerate(sheet.closings):
        for j, outside in enumerate(closing.outside_documents):
            for k, party in enumerate(outside.signed_by):
                if party not in parties:
                    yield source.finding(
                        "signings.unknown-party",
                        ("closings", i, "outside_documents", j, "signed_by", k),
                        f"{party!r} is neither {COMPANY!r} nor a lender's id",
                        f"write {COMPANY} or one of: {', '.join(sorted(parties - {COMPANY}))}")
