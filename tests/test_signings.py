"""Signings (issue 19): packets follow who signs what when, not closings. The amendment is
signed once, on its date, by the company and every lender; at each closing the company
signs the closing's notes (and what the term sheet says it signs there), and lenders sign
nothing again. Read back as a user would: the packets' pages by their text, against the
documents' own signature pages.

The binders are built once per session from the session's PDFs of the bundled deal
(conftest `Bundled.deal_folder`), so that nothing is rendered here but packet covers."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from typer.testing import CliRunner

from generator.binder.contents import BINDER_KINDS
from generator.binder.signatures import packets
from generator.build import render_documents
from generator.cli import app
from generator.errors import BinderError
from generator.pipeline import prepare
from generator.signings import AMENDMENT_SIGNING, COMPANY, signings
from generator.textextract import pdf_pages, text_of_pages
from tests.helpers import AMENDMENT_1, AMENDMENT_2, line_of, replace_once

runner = CliRunner()
DEAL = "zoltek-amendment-1"
LENDERS = ("rockmore", "omicron", "smithfield", "iroquois", "cranshire", "midsummer")
CAPTION = "[Signature Page to"


@pytest.fixture(scope="session")
def out(bundled_binder) -> Path:
    """OUT/ with the bundled Amendment No. 1's PDFs and its Third Closing's binder built."""
    return bundled_binder


@pytest.fixture(scope="session")
def deal():
    return prepare(AMENDMENT_1).deal


def _texts(data: bytes) -> list[str]:
    """Each page's text as a reader sees it, with the page's furniture (header, footer)."""
    return [" ".join(text_of_pages([page]).replace("\u2060", "").split())
            for page in pdf_pages(data)]


def _page_texts(data: bytes) -> list[str]:
    """Each page's text with all of its furniture, spaces made single."""
    return [" ".join(page.extract_text().replace("\u2060", "").split())
            for page in PdfReader(io.BytesIO(data)).pages]


def _signature_page_text(out: Path, document: str, anchor: str) -> str:
    """The text of a document's page that holds the signature block `anchor`, as the
    document's own PDF has it."""
    reader = PdfReader(out / DEAL / f"{document}.pdf")
    page = reader.get_destination_page_number(reader.named_destinations[anchor])
    return " ".join(reader.pages[page].extract_text().replace("\u2060", "").split())


def test_the_amendment_is_signed_once_and_each_closings_notes_by_the_company(deal):
    found = signings(deal, render_documents(deal, BINDER_KINDS))
    assert [(s.id, s.date.isoformat()) for s in found] == [
        (AMENDMENT_SIGNING, "2006-04-28"), ("third", "2006-05-12"), ("fourth", "2006-07-17")]
    amendment, third, fourth = found
    assert amendment.documents == ("amendment-1",)
    assert list(amendment.pages) == [COMPANY, *LENDERS]
    assert {party: [(p.document, p.anchor) for p in pages]
            for party, pages in amendment.pages.items()} == {
        COMPANY: [("amendment-1", "sign-company")],
        **{lender: [("amendment-1", f"sign-lender-{lender}")] for lender in LENDERS}}
    for signing, closing in ((third, "third"), (fourth, "fourth")):
        notes = tuple(f"note-{closing}-{lender}" for lender in LENDERS)
        assert signing.documents == notes
        assert list(signing.pages) == [COMPANY]  # lenders sign nothing at a closing
        assert [(p.document, p.anchor) for p in signing.pages[COMPANY]] == [
            (note, "sign-company") for note in notes]


def test_the_amendment_signings_packet_for_rockmore_holds_its_one_amendment_page(out):
    folder = out / DEAL / AMENDMENT_SIGNING
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        ["manifest.json", *(f"signature-packet-{party}.pdf" for party in (COMPANY, *LENDERS))])
    names = {lender.id: lender.legal_name for lender in prepare(AMENDMENT_1).deal.lenders}
    for party in LENDERS:
        data = (folder / f"signature-packet-{party}.pdf").read_bytes()
        cover, *pages = _texts(data)
        assert len(pages) == 1 and "1 signature page " in cover
        (page,) = pages
        assert f"Name of Investing Entity: {names[party]}" in page
        assert all(names[other] not in page for other in LENDERS if other != party)
        assert _page_texts(data)[1] == _signature_page_text(out, "amendment-1",
                                                            f"sign-lender-{party}")
    company = (folder / "signature-packet-company.pdf").read_bytes()
    assert len(_texts(company)) == 2
    assert _page_texts(company)[1] == _signature_page_text(out, "amendment-1", "sign-company")
    assert "ZOLTEK COMPANIES, INC." in _texts(company)[1]


def test_the_third_closings_company_packet_holds_the_six_notes_pages(out):
    folder = out / DEAL / "third"
    data = (folder / "signature-packet-company.pdf").read_bytes()
    cover, *pages = _page_texts(data)
    assert "6 signature pages" in cover
    assert len(pages) == 6
    for number, (lender, page) in enumerate(zip(LENDERS, pages), 1):
        assert page == _signature_page_text(out, f"note-third-{lender}", "sign-company")
        assert f"{CAPTION} Senior Convertible Note No. B1-0{number}]" in page
        assert "ZOLTEK COMPANIES, INC." in page and "Investing Entity" not in page
    assert not any("Amendment No. 1" in page for page in pages)
    # The packet's bookmarks name each page's document.
    outline = PdfReader(io.BytesIO(data)).outline
    assert [item.title for item in outline] == [
        f"Senior Convertible Note No. B1-0{n} ({name})" for n, name in enumerate(
            [lender.legal_name for lender in prepare(AMENDMENT_1).deal.lenders], 1)]


def test_no_lender_packet_exists_for_a_closing_where_lenders_sign_nothing(out):
    folder = out / DEAL / "third"
    assert [path.name for path in folder.glob("signature-packet-*.pdf")] == [
        "signature-packet-company.pdf"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert list(manifest["signing"]["pages"]) == [COMPANY]
    assert [entry["party"] for entry in manifest["outputs"]
            if entry["document"] == "signature packet"] == [COMPANY]


def test_each_packet_page_names_its_document_once(out):
    manifests = {part: json.loads((out / DEAL / part / "manifest.json").read_text())
                 for part in (AMENDMENT_SIGNING, "third")}
    for part, manifest in manifests.items():
        for party, recorded in manifest["signing"]["pages"].items():
            data = (out / DEAL / part / f"signature-packet-{party}.pdf").read_bytes()
            pages = _page_texts(data)[1:]
            assert len(pages) == len(recorded)
            for page, entry in zip(pages, recorded):
                # Printed once, by the page itself: no caption is stamped over it.
                assert page.count(CAPTION) == 1
                caption = page[page.index(CAPTION):].split("]")[0]
                expected = ("Amendment No. 1" if entry["document"] == "amendment-1" else
                            "Senior Convertible Note No. B1-")
                assert caption.startswith(f"{CAPTION} {expected}")


def test_the_covers_ask_for_signatures_and_say_which_signing(out):
    amendment = _texts((out / DEAL / AMENDMENT_SIGNING / "signature-packet-rockmore.pdf")
                       .read_bytes())[0]
    closing = _texts((out / DEAL / "third" / "signature-packet-company.pdf").read_bytes())[0]
    for cover in (amendment, closing):
        assert "SIGNATURE PACKET" in cover
        assert "Please sign each page where indicated." in cover
        assert "sign and date" not in cover  # the blocks have no line for a date
    assert "Signing of the Amendment, April 28, 2006" in amendment
    assert "signs when the Amendment is signed" in amendment
    assert "Third Closing, May 12, 2006" in closing and "signs at the Third Closing" in closing
    for number in range(1, 7):
        assert f"Senior Convertible Note No. B1-0{number}" in closing


def test_the_company_never_returns_its_pages_to_itself(out, deal):
    company = _texts((out / DEAL / AMENDMENT_SIGNING / "signature-packet-company.pdf")
                     .read_bytes())[0]
    lender = _texts((out / DEAL / AMENDMENT_SIGNING / "signature-packet-rockmore.pdf")
                    .read_bytes())[0]
    assert "Return the signed page (1 in all) to counsel for the transaction." in company
    assert deal.company.notice_address not in company
    assert f"to {deal.company.legal_name}, {deal.company.notice_address}" in lender


RETURN_TO = """\
signatures_return_to:
  name: Example Counsel LLP
  attention: Jane Doe
  email: closing@counsel.example
  address: 1 Example Plaza, New York, NY 10001
"""


def _with_return_to(text: str) -> str:
    return replace_once(text, "\namendment:\n", f"\n{RETURN_TO}amendment:\n")


def _packets_of(sheet: Path, out: Path, signing_id: str) -> dict[str, bytes]:
    """The packets of a signing of `sheet`, made from the bundled PDFs in `out`."""
    deal = prepare(sheet).deal
    signing = {s.id: s for s in signings(deal, render_documents(deal, BINDER_KINDS))}[signing_id]
    pdfs = {document: (out / DEAL / f"{document}.pdf").read_bytes()
            for document in signing.documents}
    return packets(deal, signing, pdfs)


def test_the_packets_say_to_return_the_pages_to_counsel(out, write_sheet):
    sheet = write_sheet(_with_return_to(AMENDMENT_1.read_text()))
    expected = ("to Example Counsel LLP, Attention: Jane Doe, by e-mail (PDF) to "
                "closing@counsel.example, with the originals to 1 Example Plaza, New York, "
                "NY 10001.")
    made = _packets_of(sheet, out, AMENDMENT_SIGNING)
    for name in ("signature-packet-company.pdf", "signature-packet-rockmore.pdf"):
        assert expected in _texts(made[name])[0]
    # A closing's own signatures_to comes first for that closing's packets.
    text = replace_once(sheet.read_text(), "  - id: fourth\n",
                        "    signatures_to: by hand to the closing room\n  - id: fourth\n")
    cover = _texts(_packets_of(write_sheet(text), out, "third")[
        "signature-packet-company.pdf"])[0]
    assert "Return the signed pages (6 in all) by hand to the closing room." in cover


@pytest.mark.parametrize("value, message", [
    ("closing.counsel.example", "is not an e-mail address"),
    ("two words@counsel.example", "is not an e-mail address"),
])
def test_a_return_address_that_is_not_an_email_is_an_error_at_its_line(write_sheet, value,
                                                                        message):
    text = _with_return_to(AMENDMENT_1.read_text()).replace("closing@counsel.example", value)
    sheet = write_sheet(text)
    result = runner.invoke(app, ["validate", "--json", str(sheet)])
    assert result.exit_code == 1
    (error,) = [f for f in json.loads(result.output)[0]["findings"] if f["severity"] == "error"]
    assert message in error["message"]
    assert error["line"] == line_of(text, f"email: {value}")


def test_the_schema_describes_where_pages_return_and_who_signs_an_outside_document():
    schema = json.loads(runner.invoke(app, ["schema"]).output)
    assert schema["properties"]["signatures_return_to"]
    assert "signatures_return_to" not in schema["required"]
    return_to = schema["$defs"]["SignaturesReturnTo"]
    assert return_to["properties"].keys() == {"name", "attention", "email", "address"}
    assert set(return_to["required"]) == {"name", "email"}
    outside = schema["$defs"]["OutsideDocument"]["properties"]
    assert "Who signs it at the closing" in outside["signed_by"]["description"]
    assert "signature_page" in outside


def _pdf(widths: list[int]) -> bytes:
    """A PDF whose pages tell each other apart by their width."""
    writer = PdfWriter()
    for width in widths:
        writer.add_blank_page(width, 792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


SIGNED_OUTSIDE = """\
    outside_documents:
      - tab: 9
        title: Officer's Certificate
        path: certificate.pdf
        signed_by: [company]
      - tab: 10
        title: Side Letter
        path: side-letter.pdf
        signed_by: [company, omicron]
        signature_page: 2
"""


def test_an_outside_document_to_sign_joins_its_signers_packets(out, tmp_path, write_sheet):
    (tmp_path / "certificate.pdf").write_bytes(_pdf([600, 601]))
    (tmp_path / "side-letter.pdf").write_bytes(_pdf([700, 701, 702]))
    sheet = write_sheet(replace_once(AMENDMENT_1.read_text(), "  - id: fourth\n",
                                     f"{SIGNED_OUTSIDE}  - id: fourth\n"))
    deal = prepare(sheet).deal
    third = {s.id: s for s in signings(deal, render_documents(deal, BINDER_KINDS))}["third"]
    assert list(third.pages) == [COMPANY, "omicron"]
    assert [p.document for p in third.pages["omicron"]] == ["side-letter.pdf"]
    pdfs = {document: (out / DEAL / f"{document}.pdf").read_bytes()
            for document in third.documents if not document.endswith(".pdf")}
    pdfs |= {name: (tmp_path / name).read_bytes()
             for name in ("certificate.pdf", "side-letter.pdf")}
    made = packets(deal, third, pdfs)
    assert set(made) == {"signature-packet-company.pdf", "signature-packet-omicron.pdf"}
    company = PdfReader(io.BytesIO(made["signature-packet-company.pdf"])).pages
    assert len(company) == 1 + 6 + 2
    # The certificate's last page, the side letter's second.
    assert [float(page.mediabox.width) for page in company[-2:]] == [601, 701]
    omicron = PdfReader(io.BytesIO(made["signature-packet-omicron.pdf"]))
    assert [float(page.mediabox.width) for page in omicron.pages[1:]] == [701]
    assert "Side Letter" in _texts(made["signature-packet-omicron.pdf"])[0]
    # A page past the document's end is an error naming the document.
    pdfs["side-letter.pdf"] = _pdf([700])
    with pytest.raises(BinderError) as raised:
        packets(deal, third, pdfs)
    assert "side-letter.pdf" in str(raised.value.findings[0].path)


def test_an_outside_document_signed_by_an_unknown_party_is_an_error_at_its_line(
        tmp_path, write_sheet):
    (tmp_path / "certificate.pdf").write_bytes(_pdf([600]))
    (tmp_path / "side-letter.pdf").write_bytes(_pdf([600, 600]))
    text = replace_once(AMENDMENT_1.read_text(), "  - id: fourth\n",
                        SIGNED_OUTSIDE.replace("omicron", "acme") + "  - id: fourth\n")
    result = runner.invoke(app, ["validate", "--json", str(write_sheet(text))])
    assert result.exit_code == 1
    (error,) = [f for f in json.loads(result.output)[0]["findings"] if f["severity"] == "error"]
    assert error["code"] == "signings.unknown-party"
    assert error["line"] == line_of(text, "signed_by: [company, acme]")


def test_a_deal_without_closings_still_gets_its_amendments_packets(bundled, tmp_path):
    bundled.deal_folder(AMENDMENT_2, tmp_path)
    result = runner.invoke(app, ["binder", str(AMENDMENT_2), "--out", str(tmp_path)],
                           terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "no closings, so no binder" in result.output
    folder = tmp_path / "zoltek-amendment-2"
    assert [path.name for path in folder.iterdir() if path.is_dir()
            and path.name not in ("versions", "changes")] == [AMENDMENT_SIGNING]
    parties = {lender.id for lender in prepare(AMENDMENT_2).deal.lenders}
    assert {path.name for path in (folder / AMENDMENT_SIGNING).glob("*.pdf")} == {
        f"signature-packet-{party}.pdf" for party in (COMPANY, *parties)}


def test_the_amendment_signings_packets_are_made_again_byte_for_byte(out, tmp_path):
    import hashlib
    import shutil
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    folder = copy / DEAL / AMENDMENT_SIGNING
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    manifest = json.loads(before["manifest.json"])
    assert {entry["file"]: (entry["party"], entry["sha256"]) for entry in manifest["outputs"]} == {
        name: (name.removeprefix("signature-packet-").removesuffix(".pdf"),
               hashlib.sha256(data).hexdigest())
        for name, data in before.items() if name != "manifest.json"}
    assert manifest["signing"]["date"] == "2006-04-28"
    shutil.rmtree(folder)

    def binder() -> str:
        result = runner.invoke(app, ["binder", str(AMENDMENT_1), "--closing", "third",
                                     "--out", str(copy)], terminal_width=200)
        assert result.exit_code == 0, result.output
        return result.output

    output = binder()
    assert "third: up to date" in output and f"{AMENDMENT_SIGNING}: up to date" not in output
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
    assert f"{AMENDMENT_SIGNING}: up to date" in binder()
