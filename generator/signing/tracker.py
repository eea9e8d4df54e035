"""The signature tracker: each signing's signature pages, each party's, received or
outstanding, from the deal's signings (generator/signings.py), the identifiers of its
documents as they render now and the signature log.

A page counts as received only on the document's current version; a page received on an
earlier one leaves it outstanding, and says so. An outside document's page carries no
identifier, so dealdocs cannot tell when it comes back: it is listed, not tracked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..pageid import PageId, identifiers
from ..signings import Signing
from ..writers import RenderedDocument
from .log import Received

RECEIVED = "received"
OUTSTANDING = "outstanding"
EARLIER = "outstanding (an earlier version received)"
UNTRACKED = "not tracked (outside document)"


@dataclass(frozen=True)
class Row:
    signing: str
    date: dt.date | None
    document: str
    title: str
    party: str
    page_id: PageId | None
    """The page's identifier as the document renders now; None for an outside document."""
    received: Received | None
    """The current version's page, if it came back."""
    earlier: Received | None
    """Else the last page of an earlier version that came back."""

    @property
    def status(self) -> str:
        if self.page_id is None:
            return UNTRACKED
        if self.received is not None:
            return RECEIVED
        return EARLIER if self.earlier is not None else OUTSTANDING


def track(signings: Iterable[Signing], documents: Sequence[RenderedDocument],
          received: Iterable[Received]) -> list[Row]:
    """One row per signature page per signing, in the signings' order, each party's pages
    in order."""
    expected = {(document.name, anchor): page_id for document in documents
                for anchor, page_id in identifiers(document.html).items()}
    by_id: dict[PageId, Received] = {}
    by_page: dict[tuple[str, str, int], Received] = {}
    for page in received:
        by_id.setdefault(page.page_id, page)
        by_page[_place(page.page_id)] = page
    rows = []
    for signing in signings:
        for party, pages in signing.pages.items():
            for page in pages:
                page_id = (expected.get((page.document, page.anchor))
                           if page.anchor is not None else None)
                current = by_id.get(page_id) if page_id is not None else None
                earlier = (by_page.get(_place(page_id))
                           if page_id is not None and current is None else None)
                rows.append(Row(signing.id, signing.date, page.document, page.title, party,
                                page_id, current, earlier))
    return rows


def _place(page_id: PageId) -> tuple[str, str, int]:
    return (page_id.document, page_id.signer, page_id.page)
