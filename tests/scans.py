"""Pages as they come back from a signer: printed, signed by hand and scanned.

Each page is rendered to a grey image at the scanner's resolution, a pen stroke is drawn
across its signature line (after "By:", or the lender's "Signature of Authorized
Signatory of Investing Entity:"),
it is turned a few degrees, as a sheet fed askew is, speckled with the scanner's noise, and
the images are put together again as a PDF of images only (no text layer), JPEG-compressed
as scanners send them.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Iterable

import pypdfium2
from PIL import Image, ImageChops, ImageDraw

SIGNATURE_LINES = ("By:", "Signature of Authorized Signatory of Investing Entity:")


def scan(page: pypdfium2.PdfPage, rng: random.Random, dpi: int = 200,
         degrees: float = 3.0) -> Image.Image:
    """One page signed and scanned: turned up to `degrees` either way."""
    scale = dpi / 72
    image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
    _sign(image, page, scale, rng)
    image = image.rotate(rng.uniform(-degrees, degrees), resample=Image.Resampling.BICUBIC,
                         expand=True, fillcolor=255)
    return _speckle(image, rng)


def _sign(image: Image.Image, page: pypdfium2.PdfPage, scale: float, rng: random.Random) -> None:
    """A scrawl along the page's signature line, from its label to the right margin."""
    textpage = page.get_textpage()
    height = page.get_height()
    for label in SIGNATURE_LINES:
        searcher = textpage.search(label, match_case=True)
        hit = searcher.get_next()
        if hit is None:
            continue
        index, count = hit
        _, bottom, right, _ = textpage.get_charbox(index + count - 1)
        x0, y = right * scale + 10, (height - bottom) * scale
        width = 3.5 * 72 * scale
        # Loops of a hand's height that run down across the line and back up.
        points = [(x0 + width * step / 60 + 6 * scale * math.cos(step * 1.3),
                   y - 4 * scale - 9 * scale * math.sin(step * 1.3 + rng.random() * 0.4))
                  for step in range(61)]
        ImageDraw.Draw(image).line(points, fill=20, width=max(2, round(scale)))
        break
    textpage.close()


def _speckle(image: Image.Image, rng: random.Random) -> Image.Image:
    """The image with grey noise over it: a scanner's sensor and the paper's grain."""
    noise = Image.frombytes("L", image.size, rng.randbytes(image.width * image.height))
    noise = noise.point(lambda value: 255 - (value % 48))  # darkens each dot by up to 47
    return ImageChops.multiply(image, noise)


def image_pdf(images: Iterable[Image.Image], dpi: int = 200) -> bytes:
    """The images as the pages of a PDF with no text, each page as large as its image at `dpi`."""
    images = list(images)
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return out.getvalue()


def blank_page(dpi: int = 200) -> Image.Image:
    """A blank sheet of letter paper, scanned."""
    return Image.new("L", (round(8.5 * dpi), 11 * dpi), 255)


def scanned(pdf: bytes, pages: Iterable[int], rng: random.Random, dpi: int = 200
            ) -> list[Image.Image]:
    """The pages (0-based) of `pdf`, each signed and scanned."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [scan(document[index], rng, dpi) for index in pages]
    finally:
        document.close()
