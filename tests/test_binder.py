"""Closing binders (issue 9): the binder of Amendment No. 1's Third Closing read back with
pypdf, its signature packets by the text of each page, outside documents, and the
term-sheet findings that stop a binder before anything is built.

The binder is built once per session from the session's PDFs of the bundled deal
(conftest `Bundled.deal_folder`), so that it renders nothing of its own."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter
from typer.testing import CliRunner

from generator.binder import outside
from generator.cli import app
from generator.errors import BinderError
from generator.pipeline import prepare
from generator.textextract import pdf_pages, text_of_pages
from tests.helpers import AMENDMENT_1, AMENDMENT_2, line_of, replace_once, snapshot

runner = CliRunner()
DEAL = "zoltek-amendment-1"
LENDERS = ("rockmore", "omicron", "smithfield", "iroquois", "cranshire", "midsummer")


def _binder(term_sheet: Path, out: Path, *more: str):
    return runner.invoke(app, ["binder", str(term_sheet), "--closing", "third", "--out",
                               str(out), *more], terminal_width=200)


@pytest.fixture(scope="session")
def third(bundled_binder) -> Path:
    """OUT/<deal>/third/ of the bundled Amendment No. 1, built from the session's PDFs."""
    return bundled_binder / DEAL / "third"


@pytest.fixture(scope="session")
def binder_manifest(third: Path) -> dict:
    return json.loads((third / "manifest.json").read_text())


def _all_texts(data: bytes) -> list[str]:
    """The text of each page with its headers and footers, spaces made single."""
    return [_text(page) for page in PdfReader(io.BytesIO(data)).pages]


def _text(page) -> str:
    """A pypdf page's text, headers and footers included, spaces (no-break ones too) and
    line breaks made single spaces, word joiners removed."""
    return " ".join(page.extract_text().replace("\u2060", "").split())


def _texts(data: bytes) -> list[str]:
    """The text of each page, its spaces (no-break ones too) and line breaks made single
    spaces and its word joiners removed: what a reader sees, not how it is laid out."""
    return [" ".join(text_of_pages([page]).replace("\u2060", "").split())
            for page in pdf_pages(data)]


def test_the_third_closing_binder_holds_its_documents_in_index_order(third, binder_manifest):
    reader = PdfReader(third / "binder.pdf")
    contents = binder_manifest["contents"]
    assert [entry["document"] for entry in contents] == [
        "amendment-1", *(f"note-third-{lender}" for lender in LENDERS)]
    assert [entry["tab"] for entry in contents] == list(range(1, 8))
    # One outline entry per document (per lender's note), each at its tab's first page,
    # whose page label is tab-1; documents follow each other without a gap.
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert [item.title for item in top] == [f"{entry['tab']}. {entry['title']}"
                                            for entry in contents]
    starts = [reader.get_destination_page_number(item) + 1 for item in top]
    assert starts == [entry["first_page"] for entry in contents]
    assert [reader.page_labels[start - 1] for start in starts] == [f"{tab}-1"
                                                                   for tab in range(1, 8)]
    assert reader.page_labels[:2] == ["i", "ii"]
    for entry, following in zip(contents, contents[1:]):
        assert entry["first_page"] + entry["pages"] == following["first_page"]
        assert reader.page_labels[following["first_page"] - 2] == (
            f"{entry['tab']}-{entry['pages']}")
    assert len(reader.pages) == contents[-1]["first_page"] + contents[-1]["pages"] - 1
    # Each note is a note to its lender, ending with its Exhibit A and Schedule 1 (the
    # last pages are read: reading all 180 would double the time of these tests).
    for entry in contents[1:]:
        first, last = entry["first_page"] - 1, entry["first_page"] - 1 + entry["pages"]
        assert "SENIOR CONVERTIBLE NOTE" in _text(reader.pages[first]).upper()
        assert entry["party"] in _text(reader.pages[first])
        end = " ".join(_text(page) for page in reader.pages[last - 6:last])
        assert "EXHIBIT A" in end and "SCHEDULE 1" in end
    assert "AMENDMENT NO. 1" in _text(reader.pages[contents[0]["first_page"] - 1]).upper()


def test_the_index_links_each_entry_to_its_tab(third, binder_manifest):
    reader = PdfReader(third / "binder.pdf")
    targets = set()
    for page in reader.pages[:2]:
        for annotation in page.get("/Annots", []):
            action = annotation.get_object()["/A"]
            assert action["/S"] == "/GoTo"  # no placeholder web link is left
            targets.add(reader.get_page_number(action["/D"][0].get_object()) + 1)
    assert targets >= {entry["first_page"] for entry in binder_manifest["contents"]}
    index = _text(reader.pages[1])
    for entry in binder_manifest["contents"]:
        assert f"{entry['tab']}-1" in index


def test_the_binder_holds_every_signature_page(third, binder_manifest):
    reader = PdfReader(third / "binder.pdf")
    signature_items = [child for item in reader.outline if isinstance(item, list)
                       for child in item if child.title.startswith("Signature page")]
    # The amendment's: the company's and each lender's; each note's: the company's.
    assert len(signature_items) == 1 + len(LENDERS) + len(LENDERS)
    for item in signature_items:  # the caption is the page's footer
        assert "[Signature Page to" in _text(reader.pages[reader.get_destination_page_number(item)])


def test_the_closings_signature_packet_holds_exactly_the_companys_pages(third,
                                                                       binder_manifest):
    # At a closing only the company signs (its notes); the amendment's pages are signed at
    # the amendment's own signing (tests/test_signings.py).
    assert [path.name for path in third.glob("signature-packet-*.pdf")] == [
        "signature-packet-company.pdf"]
    data = (third / "signature-packet-company.pdf").read_bytes()
    texts = _texts(data)
    expected = [page for page in binder_manifest["signature_pages"]["company"]
                if page["document"].startswith("note-third-")]
    cover, pages = texts[0], texts[1:]
    assert "SIGNATURE PACKET" in cover and f"{len(expected)} signature" in cover
    assert "Return the signed" in cover
    assert len(pages) == len(expected) == len(LENDERS)
    for page, whole, recorded in zip(pages, _all_texts(data)[1:], expected):
        # The footer the page has in its document, and no caption stamped over it.
        assert whole.count(recorded["caption"]) == 1
        assert "ZOLTEK COMPANIES, INC." in page and "Investing Entity" not in page


def test_the_index_is_an_editable_word_table(third, binder_manifest):
    table = docx.Document(third / "index.docx").tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Tab", "Document", "Party", "Page"]
    # Its labels are held together as the documents' are: "Amendment No. 1", "B1-01".
    assert rows[1][1].startswith("Amendment\u00a0No.\u00a01 to Loan")
    rows = [[" ".join(text.replace("\u2060", "").split()) for text in row] for row in rows]
    assert [row for row in rows[1:] if row[0]] == [
        [str(e["tab"]), e["title"], e["party"], f"{e['tab']}-1"]
        for e in binder_manifest["contents"]]


def test_the_manifest_names_every_file_with_its_digest(third, binder_manifest):
    import hashlib
    files = {entry["file"]: entry for entry in binder_manifest["outputs"]}
    assert set(files) | {"manifest.json"} == {path.name for path in third.iterdir()}
    for name, entry in files.items():
        assert entry["sha256"] == hashlib.sha256((third / name).read_bytes()).hexdigest()
    assert files["signature-packet-company.pdf"]["party"] == "company"
    assert binder_manifest["term_sheet_sha256"] == hashlib.sha256(
        AMENDMENT_1.read_bytes()).hexdigest()
    assert len(binder_manifest["templates_sha256"]) == 64
    assert all(len(entry["made_from"]) == 64 for entry in binder_manifest["contents"])


def test_a_second_binder_is_byte_identical(third, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(third.parent.parent, out)
    before = snapshot(out / DEAL / "third")
    shutil.rmtree(out / DEAL / "third")
    result = _binder(AMENDMENT_1, out)
    assert result.exit_code == 0, result.output
    assert snapshot(out / DEAL / "third") == before
    # Nothing changed: nothing is assembled; a file changed by hand is made again.
    assert "third: up to date" in _binder(AMENDMENT_1, out).output
    (out / DEAL / "third" / "signature-packet-company.pdf").write_bytes(b"edited")
    result = _binder(AMENDMENT_1, out)
    assert "third: up to date" not in result.output
    assert snapshot(out / DEAL / "third") == before


def _small_pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _with_outside(text: str, documents: str) -> str:
    """Amendment No. 1 with these `outside_documents:` items for the Third Closing."""
    return replace_once(text, "  - id: fourth\n",
                        f"    outside_documents:\n{documents}  - id: fourth\n")


OUTSIDE = """\
      - tab: 3
        title: Opinion of Counsel to the Company
        path: closing/opinion.pdf
        party: Zoltek Companies, Inc.
      - tab: 9
        title: Officer's Certificate
        path: closing/certificate.docx
"""


def test_outside_documents_take_their_tabs(third, tmp_path):
    shutil.which("soffice") or pytest.skip("LibreOffice is not installed")
    out = tmp_path / "out"
    shutil.copytree(third.parent.parent, out)
    (tmp_path / "closing").mkdir()
    (tmp_path / "closing" / "opinion.pdf").write_bytes(_small_pdf(2))
    certificate = docx.Document()
    certificate.add_paragraph("OFFICER'S CERTIFICATE of the Chief Financial Officer")
    certificate.save(tmp_path / "closing" / "certificate.docx")
    sheet = tmp_path / "zoltek-amendment-1.yaml"
    sheet.write_text(_with_outside(AMENDMENT_1.read_text(), OUTSIDE))
    result = _binder(sheet, out)
    assert result.exit_code == 0, result.output
    folder = out / DEAL / "third"
    contents = json.loads((folder / "manifest.json").read_text())["contents"]
    assert [(e["tab"], e["document"]) for e in contents] == [
        (1, "amendment-1"), (2, "note-third-rockmore"), (3, "closing/opinion.pdf"),
        *((tab, f"note-third-{lender}") for tab, lender in zip(range(4, 9), LENDERS[1:])),
        (9, "closing/certificate.docx")]
    reader = PdfReader(folder / "binder.pdf")
    opinion, certificate_entry = contents[2], contents[-1]
    assert opinion["pages"] == 2 and certificate_entry["pages"] == 1
    assert [reader.page_labels[opinion["first_page"] - 1 + page] for page in (0, 1)] == [
        "3-1", "3-2"]
    assert "OFFICER'S CERTIFICATE" in _text(reader.pages[certificate_entry["first_page"] - 1])
    index = [[cell.text for cell in row.cells]
             for row in docx.Document(folder / "index.docx").tables[0].rows]
    assert [row[:3] for row in index if row[0] == "3"] == [
        ["3", "Opinion of Counsel to the Company", "Zoltek Companies, Inc."]]


def test_a_missing_outside_document_stops_the_run_at_its_line(tmp_path, write_sheet):
    sheet = write_sheet(_with_outside(AMENDMENT_1.read_text(), OUTSIDE))
    (tmp_path / "closing").mkdir()
    (tmp_path / "closing" / "certificate.docx").write_text("not a Word file")
    result = _binder(sheet, tmp_path / "out")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()  # nothing was built
    report = json.loads(runner.invoke(app, ["validate", "--json", str(sheet)]).output)[0]
    found = {f["line"]: f["message"] for f in report["findings"]
             if f["severity"] == "error" and f["code"] == "binder.outside-document"}
    text = sheet.read_text()
    assert set(found) == {line_of(text, "path: closing/opinion.pdf"),
                          line_of(text, "path: closing/certificate.docx")}
    assert "No such file" in found[line_of(text, "path: closing/opinion.pdf")]
    assert "not a PDF or Word file" in found[line_of(text, "path: closing/certificate.docx")]


@pytest.mark.parametrize("documents, code, needle", [
    ("      - tab: 3\n        title: A\n        path: /etc/hostname\n",
     "binder.outside-document", "path: /etc/hostname"),
    ("      - tab: 3\n        title: A\n        path: a.pdf\n"
     "      - tab: 3\n        title: B\n        path: a.pdf\n",
     "binder.duplicate-tab", "tab: 3\n        title: B"),
    ("      - tab: 11\n        title: A\n        path: a.pdf\n",
     "binder.tab-out-of-range", "tab: 11"),
])
def test_outside_documents_are_checked_by_validate(tmp_path, write_sheet, documents, code,
                                                   needle):
    (tmp_path / "a.pdf").write_bytes(_small_pdf(1))
    sheet = write_sheet(_with_outside(AMENDMENT_1.read_text(), documents))
    result = runner.invoke(app, ["validate", "--json", str(sheet)])
    assert result.exit_code == 1
    (error,) = [f for f in json.loads(result.output)[0]["findings"] if f["severity"] == "error"]
    assert (error["code"], error["line"]) == (code, line_of(sheet.read_text(), needle))


def test_a_lender_id_that_would_take_the_companys_packet_is_a_finding(write_sheet):
    text = AMENDMENT_1.read_text().replace("rockmore", "company")
    result = runner.invoke(app, ["validate", "--json", str(write_sheet(text))])
    assert result.exit_code == 1
    codes = [f["code"] for f in json.loads(result.output)[0]["findings"]]
    assert "binder.reserved-id" in codes


@pytest.mark.parametrize("part", ["changes", "versions"])
def test_a_closing_id_that_would_take_a_part_of_the_deal_folder_is_a_finding(write_sheet,
                                                                             part):
    text = AMENDMENT_1.read_text().replace("third", part)
    result = runner.invoke(app, ["validate", "--json", str(write_sheet(text))])
    findings = json.loads(result.output)[0]["findings"]
    assert any(f["code"] == "binder.reserved-id" and part in f["message"] for f in findings)


def test_ids_differing_only_in_case_cannot_be_written(write_sheet):
    # Ids are lowercase: Rockmore and rockmore cannot both name files.
    text = replace_once(AMENDMENT_1.read_text(), "  - id: rockmore\n", "  - id: Rockmore\n")
    result = runner.invoke(app, ["validate", "--json", str(write_sheet(text))])
    assert result.exit_code == 1 and "is not an id" in result.output


def test_a_word_file_without_libreoffice_is_a_clear_error(tmp_path, write_sheet, monkeypatch):
    (tmp_path / "closing").mkdir()
    (tmp_path / "closing" / "opinion.pdf").write_bytes(_small_pdf(1))
    docx.Document().save(tmp_path / "closing" / "certificate.docx")
    sheet = write_sheet(_with_outside(AMENDMENT_1.read_text(), OUTSIDE))
    monkeypatch.setattr(outside.shutil, "which", lambda name: None)
    prepared = prepare(sheet)
    closing = prepared.sheet.closings[0]
    files = outside.read_outside(closing, 0, prepared.source)
    with pytest.raises(BinderError) as raised:
        outside.as_pdf(closing, 0, files, prepared.source)
    (finding,) = raised.value.findings
    assert "LibreOffice" in finding.message and "libreoffice-writer-nogui" in finding.fix
    assert finding.mark.line == line_of(sheet.read_text(), "path: closing/certificate.docx")


def test_an_unknown_closing_is_wrong_usage(tmp_path):
    result = runner.invoke(app, ["binder", str(AMENDMENT_1), "--closing", "fifth", "--out",
                                 str(tmp_path)], terminal_width=200)
    assert result.exit_code == 2 and "third, fourth" in result.output


def test_a_deal_without_closings_has_no_binder_and_says_so(bundled, tmp_path):
    bundled.deal_folder(AMENDMENT_2, tmp_path)
    result = runner.invoke(app, ["binder", str(AMENDMENT_2), "--out", str(tmp_path)],
                           terminal_width=200)
    assert result.exit_code == 0 and "no closings, so no binder" in result.output
    # Its amendment's signing still has packets (tests/test_signings.py); no binder.
    assert not list((tmp_path / "zoltek-amendment-2").rglob("binder.pdf"))


def test_the_progress_bar_hears_as_many_steps_as_it_expects_for_each_binder(bundled, tmp_path):
    from generator.binder.build import STEPS_PER_BINDER, build_binders
    bundled.deal_folder(AMENDMENT_1, tmp_path)
    prepared = prepare(AMENDMENT_1)
    steps: list[tuple[str, str]] = []
    build_binders(prepared, prepared.deal.closings, tmp_path,
                  step=lambda closing, what: steps.append((closing.id, what)))
    assert [sum(1 for closing, _ in steps if closing == c.id)
            for c in prepared.deal.closings] == [STEPS_PER_BINDER] * 2
