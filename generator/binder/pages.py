"""The binder's own pages: the cover and index, and the signature packets' cover sheets.
Rendered from templates/binder/ with the documents' Jinja environment, and to PDF with the
documents' PDF writer (print stylesheet, bundled fonts, fixed metadata); the index also as a
document for the Word writer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..deal import Deal
from ..model import Closing
from ..rendering import environment
from ..signings import Signing, SignaturePage
from ..typesetting import typeset
from ..writers import WRITERS, RenderedDocument

LINK_BASE = "https://dealdocs.invalid/page/"
"""The index's links point here, followed by the page's label (3-26), until assembly makes
them links to pages of the binder (.invalid never resolves: a link assembly missed cannot
reach the network)."""


@dataclass(frozen=True)
class Row:
    """A row of the binder's index: a document at its tab, or a part of the document above."""

    tab: str
    """The tab's number; "" for a part."""
    title: str
    party: str
    page: str
    """The page label it starts on in the binder: 3-1, 3-26."""


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


def front_pages(deal: Deal, closing: Closing, rows: Sequence[Row],
                executed: Mapping[str, str] | None = None) -> bytes:
    """The cover and the index, as PDF, each row a link to its page; with `executed` (each
    tab's status), the closing book's, whose cover says which documents are executed."""
    return _pdf(deal, closing.id, "binder", f"{binder_title(executed)}: {closing.name}",
                closing=closing, rows=rows, link_base=LINK_BASE, executed=executed or {})


def binder_title(executed: Mapping[str, str] | None) -> str:
    return "Closing Book" if executed else "Closing Binder"


def index_document(deal: Deal, closing: Closing, rows: Sequence[Row]) -> RenderedDocument:
    """The index as a document for the Word writer: the same rows, without links."""
    return _document(deal, closing.id, "index", f"Index: {closing.name}", closing=closing,
                     rows=rows, link_base=None)


def packet_covers(deal: Deal, signing: Signing, packets: Sequence[Packet]) -> bytes:
    """Every packet's cover sheet in one PDF; each starts at its named destination
    `packet-<party>`."""
    where = signing.closing.name if signing.closing else deal.deal.title
    return _pdf(deal, signing.id, "packets", f"Signature Packets: {where}",
                signing=signing, packets=packets)


def _pdf(deal: Deal, part: str, name: str, title: str, **context: Any) -> bytes:
    return WRITERS["pdf"].render(_document(deal, part, name, title, **context))


def _document(deal: Deal, part: str, name: str, title: str,
              **context: Any) -> RenderedDocument:
    """`part`: the deal folder's part the pages go into (a closing's id, or the amendment's
    signing's)."""
    html = typeset(environment(deal.forms).get_template(f"binder/{name}.html.j2").render(
        **deal.context(), document_title=title, **context))
    return RenderedDocument(f"{part}-{name}", title, html, deal.deal.date,
                            f"{deal.deal.id}/{part}/{name}", f"binder-{name}", deal.forms)
