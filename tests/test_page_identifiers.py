"""Signature pages' identifiers (generator/pageid.py): in the margin of every signature
page, in PDF and Word, without changing a word or a line of the document, and read back
from what signers return: e-signed PDFs by their text, scans by the QR code
(generator/signing/identify.py)."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import docx
import lxml.html
import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from generator.build import render_documents
from generator.changes.redline import redline
from generator.documents import plan
from generator.pageid import PageId, find, mark, parse, version_of
from generator.pipeline import prepare
from generator.rendering import render_html
from generator.signing.identify import ReturnedPdfError, identify_pages
from generator.textextract import pdf_pages, text_of_docx, text_of_html
from generator.writers import WRITERS, RenderedDocument
from tests.helpers import AMENDMENT_1, HALVORSEN_1, replace_once
from tests.scans import blank_page, image_pdf, scanned

DEAL = "zoltek-amendment-1"
LENDERS = ["rockmore", "omicron", "smithfield", "iroquois", "cranshire", "midsummer"]


def page_ids(html: str) -> list[PageId]:
    """The identifiers a rendered document carries, in order."""
    codes = lxml.html.document_fromstring(html).xpath("//div[@class='page-id']/@data-code")
    return [parse(code) for code in codes]


@pytest.fixture(scope="module")
def documents() -> dict[str, RenderedDocument]:
    return {document.name: document for document in render_documents(prepare(AMENDMENT_1).deal)}


@pytest.fixture(scope="module")
def folder(bundled, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The deal folder of Amendment No. 1: every document's PDF as `render` writes it."""
    return bundled.deal_folder(AMENDMENT_1, tmp_path_factory.mktemp("out"))


@pytest.fixture(scope="module")
def signature_pages(documents: dict[str, RenderedDocument], folder: Path
                    ) -> list[tuple[str, int, PageId]]:
    """(document, page index, identifier) of every signature page of the documents that
    are signed (the amendment and each lender's note), found by their text layer."""
    found = []
    for name, document in documents.items():
        if not page_ids(document.html) or document.kind == "note-form":
            continue
        for index, page_id in enumerate(identify_pages((folder / f"{name}.pdf").read_bytes())):
            if page_id is not None:
                found.append((name, index, page_id))
    return found


# The code -------------------------------------------------------------------------------

def test_a_code_reads_back_as_written_printed_or_typed() -> None:
    page_id = PageId(DEAL, "note-third-rockmore", "company", 1, "3f9a2c1b")
    assert page_id.code == "zoltek-amendment-1/note-third-rockmore/company/1/3f9a2c1b"
    assert parse(page_id.code) == page_id
    # As the margin prints it (a line after each slash) and as a person may type it.
    assert parse("\n".join(page_id.lines())) == page_id
    assert parse("  ZOLTEK-AMENDMENT-1/ NOTE-THIRD-ROCKMORE/COMPANY/1/3F9A2C1B ") == page_id
    assert find(f"Title: Chief Financial Officer\r\n{chr(10).join(page_id.lines())}\r\n") == page_id
    for wrong in ("", "zoltek-amendment-1/note-third-rockmore/company/0/3f9a2c1b",
                  "zoltek-amendment-1/note-third-rockmore/company/1/3f9a2c1",
                  "zoltek-amendment-1/note-third-rockmore/company/1/3f9a2c1g",
                  "zoltek-amendment-1/note-third-rockmore/1/3f9a2c1b",
                  "see zoltek-amendment-1/note-third-rockmore/company/1/3f9a2c1b"):
        assert parse(wrong) is None, wrong
    assert find("By: ________ Name: Kevin Schott") is None


def test_every_signature_block_carries_its_identifier(documents: dict[str, RenderedDocument]
                                                      ) -> None:
    amendment = documents["amendment-1"]
    deal = prepare(AMENDMENT_1).deal
    (job,) = [job for job in plan(deal, ["amendment"])]
    unmarked, _ = render_html(job)
    assert page_ids(amendment.html) == [
        PageId(DEAL, "amendment-1", signer, page, version_of(unmarked))
        for page, signer in enumerate(["company", *LENDERS], start=1)]
    note = page_ids(documents["note-fourth-midsummer"].html)
    assert [(p.deal, p.document, p.signer, p.page) for p in note] == [
        (DEAL, "note-fourth-midsummer", "company", 1)]
    # A conversion notice's block names no signer: the lender signs it when converting.
    assert page_ids(documents["conversion-notice-third-rockmore"].html) == []
    # Each document has its own version; every page of one document the same.
    versions = [{p.version for p in page_ids(d.html)} for d in documents.values()]
    assert all(len(v) <= 1 for v in versions)
    signed = [version for v in versions for version in v]
    assert len(signed) == len(set(signed)) == 1 + 12 + 2  # the amendment, notes, note forms


def test_a_document_without_signature_blocks_is_left_as_it_is() -> None:
    html = "<!DOCTYPE html><html><body><article><p>Text.</p></article></body></html>"
    assert mark(html, DEAL, "schedule-a") == html


def test_the_identifier_is_furniture_and_changes_no_line(documents: dict[str, RenderedDocument]
                                                         ) -> None:
    """The words of every format and every line of the PDF where it stands are those of the
    document without identifiers; the PDF has the code only in its right margin."""
    marked = documents["note-third-rockmore"]
    (job,) = [job for job in plan(prepare(AMENDMENT_1).deal, ["note"])
              if job.name == marked.name]
    plain = RenderedDocument(marked.name, marked.title, render_html(job)[0], marked.created,
                             marked.identifier, marked.kind)
    assert plain.html != marked.html
    assert text_of_html(marked.html) == text_of_html(plain.html)
    marked_pdf, plain_pdf = WRITERS["pdf"].render(marked), WRITERS["pdf"].render(plain)
    assert pdf_pages(marked_pdf) == pdf_pages(plain_pdf)
    assert text_of_docx(WRITERS["docx"].render(marked)) == text_of_docx(WRITERS["docx"].render(plain))
    (page_id,) = page_ids(marked.html)
    found = identify_pages(marked_pdf)
    assert [p for p in found if p is not None] == [page_id]
    page = pypdfium2.PdfDocument(marked_pdf)[found.index(page_id)]
    width, height = page.get_size()
    textpage = page.get_textpage()
    # Right of the text area (1-inch margins) and nowhere else.
    assert find(textpage.get_text_bounded(left=width - 72, bottom=0, right=width,
                                          top=height)) == page_id
    assert find(textpage.get_text_bounded(left=0, bottom=0, right=width - 72, top=height)) is None


def test_the_word_file_anchors_the_identifier_in_the_right_margin(
        documents: dict[str, RenderedDocument]) -> None:
    amendment = documents["amendment-1"]
    data = WRITERS["docx"].render(amendment)
    word = docx.Document(io.BytesIO(data))
    section = word.sections[0]
    anchors = word.element.body.xpath(".//wp:anchor")
    assert len(anchors) == 7
    read = []
    for anchor in anchors:
        x = int(anchor.xpath("wp:positionH/wp:posOffset")[0].text)
        y = int(anchor.xpath("wp:positionV/wp:posOffset")[0].text)
        width = int(anchor.xpath("wp:extent/@cx")[0])
        height = int(anchor.xpath("wp:extent/@cy")[0])
        assert section.page_width - section.right_margin <= x and x + width <= section.page_width
        assert y + height == section.page_height - section.bottom_margin
        blip = anchor.xpath(".//a:blip/@r:embed")[0]
        image = Image.open(io.BytesIO(word.part.related_parts[blip].blob))
        (barcode,) = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        read.append(parse(barcode.text))
    assert read == page_ids(amendment.html)
    # One picture per page, each its own.
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert len([name for name in package.namelist() if name.startswith("word/media/")]) == 7


def test_a_redline_carries_no_identifier(documents: dict[str, RenderedDocument]) -> None:
    """A redline is read, not signed: its pages must not pass for the document's."""
    note = documents["note-third-omicron"].html
    assert page_ids(note)
    assert page_ids(redline(note, note, ["Compared with itself"])) == []


# Reading back ---------------------------------------------------------------------------

def test_e_signed_pages_are_identified_by_their_text(signature_pages, documents) -> None:
    """Every signature page of the amendment and the notes, where the PDF has it; no other
    page of those documents has an identifier."""
    expected = [(name, page_id) for name, document in documents.items()
                if document.kind in ("amendment", "note") for page_id in page_ids(document.html)]
    assert sorted((name, page_id) for name, _, page_id in signature_pages) == sorted(expected)
    assert len(expected) == 7 + 12
    amendment = [index for name, index, _ in signature_pages if name == "amendment-1"]
    assert amendment == list(range(amendment[0], amendment[0] + 7))


def test_scanned_pages_are_identified_by_their_qr_codes(signature_pages, folder: Path) -> None:
    """Every signature page, signed, scanned skewed and speckled, shuffled into one PDF of
    images with a blank page and a signature page of another deal: each is identified as
    the page put in, the blank one as none, the other deal's by its own deal id."""
    rng = random.Random(19)
    images = [(page_id, image) for name, index, page_id in signature_pages
              for image in scanned((folder / f"{name}.pdf").read_bytes(), [index], rng)]
    halvorsen = render_documents(prepare(HALVORSEN_1).deal, ["note"])[0]
    (foreign,) = page_ids(halvorsen.html)
    foreign_pdf = WRITERS["pdf"].render(halvorsen)
    page = identify_pages(foreign_pdf).index(foreign)
    images += [(None, blank_page()), (foreign, scanned(foreign_pdf, [page], rng)[0])]
    rng.shuffle(images)
    returned = image_pdf(image for _, image in images)
    assert pypdfium2.PdfDocument(returned)[0].get_textpage().get_text_range() == ""
    assert identify_pages(returned) == [page_id for page_id, _ in images]
    assert foreign.deal == "halvorsen-amendment-1"


def test_a_page_signed_before_a_price_change_shows_an_earlier_version(
        documents: dict[str, RenderedDocument], signature_pages, folder: Path,
        write_sheet) -> None:
    text = replace_once(AMENDMENT_1.read_text(encoding="utf-8"),
                        "      conversion_price: 25.51\n      maturity_months: 42\n    warrants:\n"
                        "      exhibit: C-2", "      conversion_price: 24.00\n      maturity_months: 42\n"
                        "    warrants:\n      exhibit: C-2")
    changed = {d.name: d for d in render_documents(prepare(write_sheet(text)).deal, ["note"])}
    before = documents["note-fourth-omicron"]
    after = changed["note-fourth-omicron"]
    (old,) = page_ids(before.html)
    (new,) = page_ids(after.html)
    assert (new.deal, new.document, new.signer, new.page) == (old.deal, old.document,
                                                              old.signer, old.page)
    assert new.version != old.version
    # Read back from paper: the page signed on the old draft and the one of the new.
    old_pdf = (folder / "note-fourth-omicron.pdf").read_bytes()
    new_pdf = WRITERS["pdf"].render(after)
    rng = random.Random(5)
    old_index = next(i for name, i, _ in signature_pages if name == "note-fourth-omicron")
    new_index = identify_pages(new_pdf).index(new)
    returned = image_pdf([*scanned(old_pdf, [old_index], rng),
                          *scanned(new_pdf, [new_index], rng)])
    assert identify_pages(returned) == [old, new]


def test_a_file_that_is_not_a_pdf_is_one_error() -> None:
    with pytest.raises(ReturnedPdfError, match=r"^not a PDF that can be read \(.*\); send"):
        identify_pages(b"%PDF-1.7 this is not really a PDF")
