"""The identifier of a signature page: what it is, printed and as a QR code in its margin,
so that a page coming back signed (scanned, faxed, e-signed) says which deal, document,
signer, page and version of the document it belongs to.

A code reads `deal/document/signer/page/version`, for example
`zoltek-amendment-1/note-third-rockmore/company/1/3f9a2c1b`: the deal's and the document's
ids as the output folder names them, the signer as the signature block names it
(`sign-company`, `sign-lender-<id>`, templates/base/macros.html.j2), the block's place
among the document's signature blocks (each stands on a page of its own), and the
document's version. A person can type it from the paper; the QR code holds the same text.

The version is the first 8 hex digits of the SHA-256 of the document's rendered HTML as it
is before any identifier is put in. The HTML is what all three formats are written from,
so it changes whenever any word, figure or name of the document does (a price, a lender,
a template's text), while the identifiers, which are made from it, cannot feed back into
it. A page signed on one version and returned after the terms moved reads an older
version than the document now has. 32 bits tell two versions of one document apart with
a chance of a clash of one in four billion, and stay short enough to type.

`mark` puts the identifiers into a rendered document: each signature block gets a
`<div class="page-id">` with the code and its QR code (an SVG data URI), which the print
stylesheet takes out of the text and shows in the page's right margin, and the Word
writer anchors in the same place as a picture. It is page furniture: in no format's text.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import lxml.html
import segno
from lxml.html import HtmlElement

from .forms import BUNDLED_FORMS
from .signings import signature_blocks

if TYPE_CHECKING:  # Pillow is imported when a Word file needs a picture, not on every render
    from PIL import ImageFont

_VERSION_DIGITS = 8
# Ids as the term sheet's grammar allows them (generator/values.py; a document's name joins
# up to three), a page number, the version.
_ID = r"[a-z][a-z0-9_-]{0,199}"
_CODE = re.compile(rf"({_ID})/({_ID})/({_ID})/([1-9][0-9]{{0,3}})/([0-9a-f]{{{_VERSION_DIGITS}}})")
# A code is printed broken into lines after its slashes, and a person may type spaces there.
_SPACE_AFTER_SLASH = re.compile(r"/\s+")
MODULE_PT = 1.25
"""The side of one QR module in points: 3.5 pixels at 200 dpi, 2.6 at 150 dpi, enough for
a scanner's grey image, and a code of two ids of 20 letters stays under 0.7 inch."""
PAGE_ID_CLASS = "page-id"


@dataclass(frozen=True, order=True)
class PageId:
    deal: str
    document: str
    """The document's output name: `amendment-1`, `note-third-rockmore`."""
    signer: str
    """`company` or the lender's id."""
    page: int
    """The page's place among the document's signature pages, from 1."""
    version: str
    """The version digest of the document (see the module's docstring)."""

    @property
    def code(self) -> str:
        return f"{self.deal}/{self.document}/{self.signer}/{self.page}/{self.version}"

    def lines(self) -> tuple[str, str, str]:
        """The code as printed in the margin, broken after its slashes into three lines."""
        return (f"{self.deal}/", f"{self.document}/", f"{self.signer}/{self.page}/{self.version}")


def parse(text: str) -> PageId | None:
    """The identifier `text` is the code of, or None: a code as printed or as scanned (broken
    over lines after a slash, in capitals as a person may type it)."""
    match = _CODE.fullmatch(_SPACE_AFTER_SLASH.sub("/", text.strip().lower()))
    return _page_id(match) if match else None


def find(text: str) -> PageId | None:
    """The first code in a page's text (its text layer), or None."""
    match = _CODE.search(_SPACE_AFTER_SLASH.sub("/", text.lower()))
    return _page_id(match) if match else None


def _page_id(match: re.Match[str]) -> PageId:
    deal, document, signer, page, version = match.groups()
    return PageId(deal, document, signer, int(page), version)


def version_of(html: str) -> str:
    """The version digest of a rendered document (its HTML before `mark`)."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()[:_VERSION_DIGITS]


def mark(html: str, deal: str, document: str) -> str:
    """The rendered document with the identifier of each signature page in its signature
    block; the HTML as it is when it has none."""
    root = lxml.html.document_fromstring(html)
    blocks = signature_blocks(root)
    if not blocks:
        return html
    version = version_of(html)
    for page, (block, signer) in enumerate(blocks, start=1):
        block.insert(0, _element(PageId(deal, document, signer, page, version)))
        # The white space that stood before the block's first line now follows the identifier.
        element = block[0]
        element.tail, block.text = block.text, None
    return lxml.html.tostring(root, doctype="<!DOCTYPE html>", encoding="unicode")


def identifiers(html: str) -> dict[str, PageId]:
    """The identifier `mark` put in each signature block of a rendered document, by the
    block's id (a named destination of its PDF), in order."""
    root = lxml.html.document_fromstring(html)
    found = {}
    for element in root.xpath(f"//div[@class='{PAGE_ID_CLASS}']"):
        page_id = parse(element.get("data-code") or "")
        block = element.getparent()
        if page_id is not None and block is not None and block.get("id"):
            found[block.get("id")] = page_id
    return found


def unmark(root: HtmlElement) -> None:
    """Take the identifiers out of a parsed document: one made from it (a redline) is to be
    read, not signed, and its pages must not pass for the document's."""
    for element in root.xpath(f"//div[@class='{PAGE_ID_CLASS}']"):
        element.drop_tree()


def _element(page_id: PageId) -> HtmlElement:
    """<div class="page-id" data-code="…"><img src="data:…"><span>…</span>…</div>"""
    element = lxml.html.Element("div", {"class": PAGE_ID_CLASS, "data-code": page_id.code})
    image = lxml.html.Element("img", {"src": qr_svg_uri(page_id.code), "alt": page_id.code})
    element.append(image)
    for line in page_id.lines():
        span = lxml.html.Element("span")
        span.text = line
        element.append(span)
    return element


def _qr(code: str) -> segno.QRCode:
    # Error correction level M (15% of the code may be lost to a stroke or a speck) at the
    # least; segno raises it while the code fits the same size.
    return segno.make(code, error="m", micro=False)


def qr_svg_uri(code: str) -> str:
    """The QR code of `code` as an SVG data URI, each module MODULE_PT points wide, without
    a quiet zone: the white margin around it on the page is one."""
    return _qr(code).svg_data_uri(scale=MODULE_PT, unit="pt", border=0, xmldecl=False,
                                  svgclass=None, lineclass=None)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont
    return ImageFont.truetype(str(BUNDLED_FORMS.path("base/fonts/LiberationSerif-Regular.ttf")), size)


PICTURE_DPI = 300
_PICTURE_WIDTH_IN = 0.9
_TEXT_PT = 5.5


def picture_png(page_id: PageId) -> bytes:
    """The QR code and the printed code under it as one PNG of PICTURE_DPI dots per inch,
    for a Word file, where the margin holds a picture rather than page furniture."""
    from PIL import Image, ImageDraw

    qr = _qr(page_id.code)
    module = round(MODULE_PT / 72 * PICTURE_DPI)
    side = qr.symbol_size(scale=module, border=0)[0]
    width = round(_PICTURE_WIDTH_IN * PICTURE_DPI)
    font = _font(round(_TEXT_PT / 72 * PICTURE_DPI))
    line_height = round(_TEXT_PT * 1.2 / 72 * PICTURE_DPI)
    gap = line_height // 2
    image = Image.new("L", (width, side + gap + 3 * line_height), 255)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=module, border=0)
    image.paste(Image.open(io.BytesIO(buffer.getvalue())).convert("L"), ((width - side) // 2, 0))
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(page_id.lines()):
        draw.text((width // 2, side + gap + index * line_height), line, fill=0, font=font,
                  anchor="mt")
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(PICTURE_DPI, PICTURE_DPI), optimize=True)
    return out.getvalue()
