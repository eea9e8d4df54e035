"""Which signature page each page of a returned PDF is.

A page e-signed (or printed to PDF) keeps its text layer, where the identifier's printed
code is read as text; a scanned, photographed or faxed page is an image, rendered at
SCAN_DPI and searched for the identifier's QR code with zxing-cpp, which finds it turned
any way and skewed. A page without either (a blank page, a cover letter, another firm's
document) has no identifier. Nothing on a page is trusted beyond the code's own grammar:
whether the deal, document and version are this deal's is for the caller to decide.
"""

from __future__ import annotations

import math

import pypdfium2
import zxingcpp

from ..errors import DealdocsError
from ..pageid import PageId, find, parse

SCAN_DPI = 200
"""Enough for a QR module of 1.25 points (3.5 pixels); scanners send 150 to 300 dpi."""
_MAX_PIXELS = 16_000_000
"""A page larger than letter paper is rendered at fewer dots per inch, so that a page
claiming to be 200 inches wide cannot take gigabytes."""


class ReturnedPdfError(DealdocsError):
    """A returned file that PDFium cannot open: not a PDF, damaged or encrypted."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"not a PDF that can be read ({reason}); send the signed pages as a "
                         "PDF without a password")


def identify_pages(pdf: bytes) -> list[PageId | None]:
    """The identifier on each page of `pdf`, in page order; None where a page has none."""
    try:
        document = pypdfium2.PdfDocument(pdf)
    except pypdfium2.PdfiumError as error:
        raise ReturnedPdfError(str(error)) from None
    try:
        return [_identify(document[index]) for index in range(len(document))]
    finally:
        document.close()


def _identify(page: pypdfium2.PdfPage) -> PageId | None:
    try:
        textpage = page.get_textpage()
        try:
            found = find(textpage.get_text_range())
        finally:
            textpage.close()
        return found if found is not None else read_qr(page)
    finally:
        page.close()


def read_qr(page: pypdfium2.PdfPage) -> PageId | None:
    """The identifier of the first QR code on the page that holds one, as a grey image."""
    width, height = page.get_size()
    scale = min(SCAN_DPI / 72, math.sqrt(_MAX_PIXELS / max(width * height, 1.0)))
    image = page.render(scale=scale, grayscale=True).to_pil()
    for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        found = parse(barcode.text)
        if found is not None:
            return found
    return None
