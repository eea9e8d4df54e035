"""The binder's own pages: the cover and index, and the signature packets' cover sheets.
Rendered from templates/binder/ with the documents' Jinja environment, and to PDF with the
documents' PDF writer (print stylesheet, bundled fonts, fixed metadata)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..deal import Deal
from ..model import Closing
from ..rendering import environment
from ..signings import Signing, SignaturePage
from ..writers import WRITERS, RenderedDocument
from .contents import Entry

LINK_BASE = "https://dealdocs.invalid/tab/"
"""The index's links point here until assembly makes them links to pages of the binder
(.invalid never resolves: a link assembly missed cannot reach the network)."""


ReturnsTo = Literal["closing", "counsel", "company", "unnamed"]
"""Where a packet's cover says to return its pages: the closing's `signatures_to`, the
deal's `signatures_return_to`, the company's notice address (a lender's packet), or counsel
unnamed (the company's, when the term sheet gives neither)."""


@dataclass(frozen=True)
class Packet:
    party: str
    """`company` or a lender's id."""
    name: str
    """Who signs: the company's or the lender's legal name."""
    pages: tuple[SignaturePage, ...]
    """Its signature pages, in order."""
    returns_to: ReturnsTo


def front_pages(deal: Deal, closing: Closing, entries: Sequence[Entry],
                first_pages: Mapping[int, int]) -> bytes:
    """The cover and the index, as PDF."""
    return _pdf(deal, closing.id, "binder", f"Closing Binder: {closing.name}", closing=closing,
                entries=entries, first_pages=first_pages, link_base=LINK_BASE)


def packet_covers(deal: Deal, signing: Signing, packets: Sequence[Packet]) -> bytes:
    """Every packet's cover sheet in one PDF; each starts at its named destination
    `packet-<party>`."""
    where = signing.closing.name if signing.closing else deal.deal.title
    return _pdf(deal, signing.id, "packets", f"Signature Packets: {where}",
                signing=signing, packets=packets)


def _pdf(deal: Deal, part: str, name: str, title: str, **context: Any) -> bytes:
    """`part`: the deal folder's part the pages go into (a closing's id, or the amendment's
    signing's)."""
    html = environment(deal.forms).get_template(f"binder/{name}.html.j2").render(
        **deal.context(), document_title=title, **context)
    document = RenderedDocument(f"{part}-{name}", title, html, deal.deal.date,
                                f"{deal.deal.id}/{part}/{name}", f"binder-{name}", deal.forms)
    return WRITERS["pdf"].render(document)
