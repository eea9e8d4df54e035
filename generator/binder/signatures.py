"""Which pages each party signs. The templates name the signer of each signature block in
its id (`sign-company`, `sign-lender-<id>`, templates/base/macros.html.j2) and WeasyPrint
keeps each id as a named destination on the block's page: the pages come from the PDF,
the document each is a signature page to from the HTML's page furniture ("[Signature Page
to ...]"), so no legal text is written here."""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html

from .contents import COMPANY

_PREFIX = "sign-"
_LENDER = "sign-lender-"


@dataclass(frozen=True)
class Signer:
    anchor: str
    """The signature block's id, a named destination of the PDF."""
    party: str
    """`company` or the lender's id."""
    caption: str
    """What the page is a signature page to: "[Signature Page to Amendment No. 1 ...]"."""


def signers(html: str) -> list[Signer]:
    """The signature blocks of a rendered document, in order."""
    root = lxml.html.document_fromstring(html)
    found = []
    for block in root.xpath("//div[contains(concat(' ', @class, ' '), ' signature-block ')]"
                            "[starts-with(@id, 'sign-')]"):
        anchor = block.get("id")
        party = COMPANY if anchor == f"{_PREFIX}{COMPANY}" else anchor.removeprefix(_LENDER)
        furniture = block.xpath("ancestor::section[contains(concat(' ', @class, ' '), "
                                "' signature-pages ')][1]/p[contains(@class, 'furniture')]")
        # The typesetting's no-break spaces and word joiners are for the page, not this line.
        caption = (" ".join(furniture[0].text_content().replace("\u2060", "").split())
                   if furniture else "")
        found.append(Signer(anchor, party, caption))
    return found
