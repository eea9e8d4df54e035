"""`dealdocs executed`: the amendment with its signed pages swapped in, the same pages,
outline and links; refused, listing what is outstanding, until every page is in."""

from __future__ import annotations

import io
import random
import shutil
from pathlib import Path

import lxml.html
import pypdfium2
import pytest
from docx import Document
from pypdf import PdfReader
from typer.testing import CliRunner

from generator.cli import app
from generator.build import render_documents
from generator.pageid import PageId
from generator.pipeline import prepare
from generator.signing.identify import identify_pages
from generator.signing.conformed import conformed_files
from tests.helpers import AMENDMENT_1, replace_once
from tests.scans import image_pdf, scanned

DEAL = "zoltek-amendment-1"
LENDERS = ["rockmore", "omicron", "smithfield", "iroquois", "cranshire", "midsummer"]
runner = CliRunner()


def run(*args: object) -> tuple[int, str]:
    result = runner.invoke(app, [str(arg) for arg in args], terminal_width=300)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def texts(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [document[index].get_textpage().get_text_range()
                for index in range(len(document))]
    finally:
        document.close()


@pytest.fixture()
def deal(bundled, tmp_path: Path) -> tuple[Path, Path]:
    """A term sheet in a folder of its own (its log is made beside it) and an output folder
    holding the deal folder of this run's PDFs."""
    sheet = tmp_path / "deal" / AMENDMENT_1.name
    sheet.parent.mkdir()
    shutil.copyfile(AMENDMENT_1, sheet)
    out = tmp_path / "out"
    bundled.deal_folder(AMENDMENT_1, out)
    return sheet, out


def sign(out: Path, where: Path, signers: list[str]) -> tuple[Path, dict[int, PageId]]:
    """The amendment's signature pages of `signers`, signed and scanned into one PDF, and
    the page of the amendment each is signed on, by its index."""
    unsigned = (out / DEAL / "amendment-1.pdf").read_bytes()
    rng = random.Random(19)
    pages = {index: page_id for index, page_id in enumerate(identify_pages(unsigned))
             if page_id is not None and page_id.signer in signers}
    images = [scanned(unsigned, [index], rng)[0] for index in pages]
    rng.shuffle(images)
    path = where / "returned.pdf"
    path.write_bytes(image_pdf(images))
    return path, pages


def test_the_executed_amendment_has_the_scanned_pages_in_place(deal, tmp_path: Path) -> None:
    sheet, out = deal
    returned, pages = sign(out, tmp_path, ["company", *LENDERS])
    assert len(pages) == 7
    code, output = run("signed", sheet, returned, "--out", out)
    assert code == 0, output
    code, output = run("executed", sheet, "--closing", "amendment-signing", "--out", out)
    assert code == 0, output
    assert f"{out / DEAL / 'executed' / 'amendment-1.pdf'}: executed" in output
    unsigned = (out / DEAL / "amendment-1.pdf").read_bytes()
    executed = (out / DEAL / "executed" / "amendment-1.pdf").read_bytes()
    before, after = texts(unsigned), texts(executed)
    assert len(after) == len(before)
    for index, (old, new) in enumerate(zip(before, after)):
        if index in pages:
            assert new.strip() == "", f"page {index + 1} has a text layer"
        else:
            assert new == old, f"page {index + 1} differs"
    # Each signed page is the scan of that page: its QR code names it.
    read_back = identify_pages(executed)
    assert {index: page_id for index, page_id in enumerate(read_back)
            if page_id is not None} == pages
    # The outline and the named destinations are kept, each still on its page.
    old_reader, new_reader = PdfReader(io.BytesIO(unsigned)), PdfReader(io.BytesIO(executed))
    assert [item.title for item in new_reader.outline if not isinstance(item, list)] == [
        item.title for item in old_reader.outline if not isinstance(item, list)]
    old_destinations = old_reader.named_destinations
    new_destinations = new_reader.named_destinations
    assert set(new_destinations) == set(old_destinations)
    for name, destination in old_destinations.items():
        assert (new_reader.get_destination_page_number(new_destinations[name])
                == old_reader.get_destination_page_number(destination)), name
    assert sum(len(page.get("/Annots") or []) for page in new_reader.pages) > 0


def test_the_conformed_amendment_reads_s_lines_like_the_seed(deal, tmp_path: Path) -> None:
    sheet, out = deal
    returned, _ = sign(out, tmp_path, ["company", *LENDERS])
    assert run("signed", sheet, returned, "--out", out)[0] == 0
    assert run("executed", sheet, "--out", out, "--closing", "amendment-signing",
               "--partial")[0] == 0
    signatory = prepare(AMENDMENT_1).deal.company.signatory.name
    folder = out / DEAL / "executed"
    pdf = (folder / "amendment-1.conformed.pdf").read_bytes()
    docx = Document(str(folder / "amendment-1.conformed.docx"))
    html = lxml.html.fromstring((folder / "amendment-1.conformed.html").read_bytes())
    for name, text in [("pdf", "\n".join(texts(pdf))),
                       ("docx", "\n".join(p.text for p in docx.paragraphs)),
                       ("html", html.text_content())]:
        flat = " ".join(text.replace("\u00a0", " ").replace("\u2060", "").split())
        assert f"By: /s/ {signatory} Name: {signatory}" in flat, name
        # A lender's signatory is not in the bundled term sheet: its line says it is signed.
        assert flat.count("Signature of Authorized Signatory of Investing Entity: /s/ "
                          "[signed]") == len(LENDERS), name
    # Filed, not signed: no page carries an identifier.
    assert identify_pages(pdf) == [None] * len(texts(pdf))
    assert not html.xpath("//div[@class='page-id']")


def test_outstanding_pages_are_listed_and_nothing_is_written(deal, tmp_path: Path) -> None:
    sheet, out = deal
    returned, pages = sign(out, tmp_path, ["company", "rockmore"])
    code, output = run("signed", sheet, returned, "--out", out)
    assert code == 0, output
    code, output = run("executed", sheet, "--closing", "amendment-signing", "--out", out)
    assert code == 1
    assert ("amendment-1: outstanding: omicron (outstanding), smithfield (outstanding), "
            "iroquois (outstanding), cranshire (outstanding), midsummer (outstanding)"
            in output)
    assert "nothing written: 5 signature pages outstanding" in output
    assert not (out / DEAL / "executed").exists()

    code, output = run("executed", sheet, "--closing", "amendment-signing", "--out", out,
                       "--partial")
    assert code == 0, output
    assert "amendment-1.pdf: partial, 5 pages unsigned" in output
    executed = (out / DEAL / "executed" / "amendment-1.pdf").read_bytes()
    read_back = identify_pages(executed)
    unsigned_ids = identify_pages((out / DEAL / "amendment-1.pdf").read_bytes())
    # The two signed pages are scans (no text layer); the others are as they were.
    after = texts(executed)
    for index, page_id in enumerate(unsigned_ids):
        assert read_back[index] == page_id
        if index in pages:
            assert after[index].strip() == ""
        elif page_id is not None:
            assert page_id.code in " ".join(after[index].split()).replace("/ ", "/")


def test_a_signing_the_deal_has_not_is_refused(deal) -> None:
    sheet, out = deal
    code, output = run("executed", sheet, "--closing", "fifth", "--out", out)
    assert code == 2 and "amendment-signing" in output


def test_a_lenders_signatory_fills_its_page_and_its_conformed_line(tmp_path: Path) -> None:
    sheet = tmp_path / AMENDMENT_1.name
    sheet.write_text(replace_once(
        AMENDMENT_1.read_text(encoding="utf-8"), "    short_name: Rockmore\n",
        "    short_name: Rockmore\n    signatory: {name: Jane Roe, title: Managing Director}\n"),
        encoding="utf-8")
    deal = prepare(sheet).deal
    (amendment,) = [d for d in render_documents(deal, ["amendment"]) if d.name == "amendment-1"]
    text = " ".join(lxml.html.fromstring(amendment.html).text_content().split())
    assert ("Signature of Authorized Signatory of Investing Entity: Name of Authorized "
            "Signatory: Jane Roe Title of Authorized Signatory: Managing Director") in text
    files = conformed_files(deal, {"amendment-1": frozenset({"rockmore"})})
    assert sorted(files) == [f"amendment-1.conformed.{ext}" for ext in ("docx", "html", "pdf")]
    conformed = " ".join(lxml.html.fromstring(files["amendment-1.conformed.html"])
                         .text_content().split())
    assert "Investing Entity: /s/ Jane Roe Name of Authorized Signatory: Jane Roe" in conformed
    # Only the pages that are in are conformed: the company's is not among them.
    assert "/s/ [signed]" not in conformed and "By: /s/" not in conformed


def test_the_closing_book_holds_the_executed_documents(deal, tmp_path: Path) -> None:
    sheet, out = deal
    returned, pages = sign(out, tmp_path, ["company", *LENDERS])
    assert run("signed", sheet, returned, "--out", out)[0] == 0
    code, output = run("executed", sheet, "--closing", "third", "--out", out, "--partial")
    assert code == 0, output
    book_path = out / DEAL / "executed" / "third" / "closing-book.pdf"
    assert f"{book_path}: the closing book" in output
    book = book_path.read_bytes()
    cover = " ".join(texts(book)[0].split())
    assert "CLOSING BOOK" in cover
    assert "Amendment No. 1" in cover and "Fully executed" in cover
    # The notes' pages are not in: each of the six is listed as not executed.
    assert cover.count("Not executed") == len(LENDERS)
    # The amendment is in it executed: its seven signed pages are the scans.
    found = [page_id for page_id in identify_pages(book) if page_id is not None]
    assert sorted(p for p in found if p.document == "amendment-1") == sorted(pages.values())
    reader = PdfReader(io.BytesIO(book))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert len(titles) == 7 and titles[0].startswith("1. ")
