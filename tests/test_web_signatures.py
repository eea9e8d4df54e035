"""The desk's Signatures page (issue 19): upload returned pages, see the tracker, write the
executed documents and the closing book, download them; through the same functions as
`dealdocs signed` and `dealdocs executed`."""

from __future__ import annotations

import io
import re
import shutil

import pytest
from pypdf import PdfReader, PdfWriter
from starlette.testclient import TestClient

from generator.signing.identify import identify_pages
from generator.web.app import create_app
from tests.helpers import AMENDMENT_1

DEAL = "zoltek-amendment-1"
SHEET = AMENDMENT_1.name


@pytest.fixture
def desk(bundled, tmp_path):
    sheets = tmp_path / "term_sheets"
    sheets.mkdir()
    shutil.copy(AMENDMENT_1, sheets / SHEET)
    out = tmp_path / "output"
    bundled.deal_folder(AMENDMENT_1, out)
    with TestClient(create_app(sheets, out), base_url="http://127.0.0.1:8000") as client:
        yield client, out


def csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def signature_pages(pdf: bytes) -> bytes:
    """The amendment's signature pages as an e-signed return: its own pages, text layer and
    all, in one PDF, last page first."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter()
    for index, page_id in reversed(list(enumerate(identify_pages(pdf)))):
        if page_id is not None:
            writer.add_page(reader.pages[index])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_upload_track_execute_and_download_from_the_desk(desk) -> None:
    client, out = desk
    page = client.get(f"/deals/{SHEET}/signatures")
    assert page.status_code == 200
    assert "0 of 19 signature pages received" in page.text
    assert "The amendment&#39;s signing" in page.text or "The amendment's signing" in page.text

    returned = signature_pages((out / DEAL / "amendment-1.pdf").read_bytes())
    page = client.post(f"/deals/{SHEET}/signatures/returned", data={"csrf": csrf(page.text)},
                       files=[("files", ("returned.pdf", returned, "application/pdf")),
                              ("files", ("notes.txt", b"not a pdf", "text/plain"))])
    assert page.status_code == 409 and "notes.txt" in page.text
    assert "0 of 19" in page.text, "one unusable file: nothing is recorded"

    page = client.post(f"/deals/{SHEET}/signatures/returned", data={"csrf": csrf(page.text)},
                       files=[("files", ("returned.pdf", returned, "application/pdf"))])
    assert page.status_code == 200, page.text
    assert "7 pages recorded" in page.text and "7 of 19 signature pages received" in page.text
    assert page.text.count('class="received"') == 7

    page = client.post(f"/deals/{SHEET}/signatures/executed",
                       data={"csrf": csrf(page.text), "signing": "third"})
    assert page.status_code == 409 and "Nothing written" in page.text
    assert ("Senior Convertible Note No. B1-01 (Rockmore Investment Master Fund, Ltd): waiting "
            "for Zoltek Companies, Inc." in page.text)

    page = client.post(f"/deals/{SHEET}/signatures/executed",
                       data={"csrf": csrf(page.text), "signing": "amendment-signing"})
    assert page.status_code == 200, page.text
    links = re.findall(r'href="(/deals/[^"]+/executed/[^"]+)"', page.text)
    assert f"/deals/{SHEET}/executed/amendment-1.pdf" in links
    executed = client.get(f"/deals/{SHEET}/executed/amendment-1.pdf")
    assert executed.status_code == 200 and executed.content.startswith(b"%PDF")
    conformed = client.get(f"/deals/{SHEET}/executed/amendment-1.conformed.html")
    assert conformed.status_code == 200 and "/s/" in conformed.text

    page = client.post(f"/deals/{SHEET}/signatures/executed",
                       data={"csrf": csrf(page.text), "signing": "third", "partial": "1"})
    assert page.status_code == 200 and "closing book written" in page.text
    book = client.get(f"/deals/{SHEET}/executed/third/closing-book.pdf")
    assert book.status_code == 200 and book.content.startswith(b"%PDF")
    assert client.get(f"/deals/{SHEET}/executed/third/missing.pdf").status_code == 404


def test_a_form_without_the_pages_token_records_nothing(desk) -> None:
    client, out = desk
    returned = signature_pages((out / DEAL / "amendment-1.pdf").read_bytes())
    refused = client.post(f"/deals/{SHEET}/signatures/returned", data={"csrf": "guessed"},
                          files=[("files", ("returned.pdf", returned, "application/pdf"))])
    assert refused.status_code == 403
    assert "0 of 19" in client.get(f"/deals/{SHEET}/signatures").text


def test_pages_it_cannot_count_are_named_as_people_know_them(desk) -> None:
    """Pages signed before the terms changed: the desk names the document and the party
    (the command line names them by id, as its files are named)."""
    client, out = desk
    sheet = out.parent / "term_sheets" / SHEET
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace('  exhibit: "4.2"\n', '  exhibit: "4.3"\n', 1), encoding="utf-8")
    returned = signature_pages((out / DEAL / "amendment-1.pdf").read_bytes())
    page = client.get(f"/deals/{SHEET}/signatures")
    page = client.post(f"/deals/{SHEET}/signatures/returned", data={"csrf": csrf(page.text)},
                       files=[("files", ("returned.pdf", returned, "application/pdf"))])
    assert ("signed an earlier version of Amendment No. 1 to Loan and Warrant Agreement and "
            "Registration Rights Agreement: re-sign page 1 (Zoltek Companies, Inc.)"
            in page.text.replace("&#39;", "'"))
    assert "amendment-1:" not in page.text and "(company)" not in page.text
