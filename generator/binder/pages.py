"""The binder's own pages: the cover and index, the packets' cover sheets and the captions
laid over signature pages. Rendered from templates/binder/ with the documents' Jinja
environment, and to PDF with the documents' PDF writer (print stylesheet, bundled fonts,
fixed metadata)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..deal import Deal
from ..model import Closing
from ..rendering import environment
from ..writers import WRITERS, RenderedDocument
from .contents import Entry

LINK_BASE = "https://dealdocs.invalid/tab/"
"""The index's links point here until assembly makes them links to pages of the binder
(.invalid never resolves: a link assembly missed cannot reach the network)."""


@dataclass(frozen=True)
class Packet:
    party: str
    """`company` or a lender's id."""
    name: str
    """Who signs: the company's or the lender's legal name."""
    captions: tuple[str, ...]
    """What each of its signature pages is a signature page to, in order."""

    @property
    def pages(self) -> list[dict[str, str]]:
        return [{"caption": caption} for caption in self.captions]


def front_pages(deal: Deal, closing: Closing, entries: Sequence[Entry],
                first_pages: Mapping[int, int]) -> bytes:
    """The cover and the index, as PDF."""
    return _pdf(deal, closing, "binder", f"Closing Binder: {closing.name}",
                entries=entries, first_pages=first_pages, link_base=LINK_BASE)


def packet_covers(deal: Deal, closing: Closing, packets: Sequence[Packet]) -> bytes:
    """Every packet's cover sheet in one PDF; each starts at its named destination
    `packet-<party>`."""
    return _pdf(deal, closing, "packets", f"Signature Packets: {closing.name}",
                packets=packets, return_to=return_to(deal, closing))


def caption_pages(deal: Deal, closing: Closing, captions: Sequence[str]) -> bytes:
    """One page per caption, blank but for the caption at its head."""
    return _pdf(deal, closing, "captions", "Signature Page Captions", captions=captions)


def return_to(deal: Deal, closing: Closing) -> str:
    if closing.signatures_to:
        return closing.signatures_to
    attention = (f", Attention: {deal.company.notice_attention}"
                 if deal.company.notice_attention else "")
    return f"to {deal.company.legal_name}, {deal.company.notice_address}{attention}"


def _pdf(deal: Deal, closing: Closing, name: str, title: str, **context: Any) -> bytes:
    html = environment(deal.forms).get_template(f"binder/{name}.html.j2").render(
        **deal.context(), closing=closing, document_title=title, **context)
    document = RenderedDocument(f"{closing.id}-{name}", title, html, deal.deal.date,
                                f"{deal.deal.id}/{closing.id}/{name}", f"binder-{name}", deal.forms)
    return WRITERS["pdf"].render(document)
