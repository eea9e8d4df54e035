"""The binder's links, bookmarks and index (issue 19): every internal link and bookmark of
the Third Closing binder of the bundled Amendment No. 1 followed with pypdf to the page it
opens, the index's page column against the page labels, Schedule A held once, and the
index as a Word file in the house style.

The binder is built once per session from the session's PDFs of the bundled deal
(conftest `Bundled.deal_folder`), as tests/test_binder.py builds its own."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import docx
import lxml.html
import pypdfium2
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from generator.binder.contents import contents
from generator.build import render_documents
from generator.cli import app
from generator.forms import HOUSE_STYLE
from generator.pipeline import prepare
from tests.helpers import AMENDMENT_1, replace_once

runner = CliRunner()
DEAL = "zoltek-amendment-1"
LENDERS = ("rockmore", "omicron", "smithfield", "iroquois", "cranshire", "midsummer")
NOTES = tuple(f"note-third-{lender}" for lender in LENDERS)


@pytest.fixture(scope="session")
def built(bundled_binder) -> Path:
    """OUT/<deal>/ with the Third Closing's binder, built from the session's PDFs."""
    return bundled_binder / DEAL


@pytest.fixture(scope="session")
def binder(built) -> PdfReader:
    return PdfReader(built / "third" / "binder.pdf")


@pytest.fixture(scope="session")
def placed(built) -> list[dict]:
    """The manifest's documents: tab, document, first_page (from 1), pages."""
    return json.loads((built / "third" / "manifest.json").read_text())["contents"]


def _text(page) -> str:
    return " ".join(page.extract_text().replace("\u2060", "").split())


def _target(reader: PdfReader, annotation) -> int:
    """The page (from 0) a link annotation opens: a /Dest or a GoTo action, by name or
    by page."""
    target = annotation.get("/Dest")
    if target is None:
        action = annotation["/A"]
        assert action["/S"] == "/GoTo", f"not a link inside the binder: {action}"
        target = action["/D"]
    if isinstance(target, str):
        return reader.get_destination_page_number(reader.named_destinations[target])
    return reader.get_page_number(target[0].get_object())


def _document_of(placed: list[dict], page: int) -> dict | None:
    return next((entry for entry in placed
                 if entry["first_page"] - 1 <= page < entry["first_page"] - 1 + entry["pages"]),
                None)


def _links(reader: PdfReader, page: int) -> list:
    return [annotation.get_object() for annotation in reader.pages[page].get("/Annots", [])
            if annotation.get_object().get("/Subtype") == "/Link"]


def test_every_link_and_bookmark_lands_in_its_own_document(binder, placed):
    followed = {entry["document"]: 0 for entry in placed}
    front = placed[0]["first_page"] - 1
    for page in range(front, len(binder.pages)):
        own = _document_of(placed, page)
        for annotation in _links(binder, page):
            target = _target(binder, annotation)
            assert _document_of(placed, target) == own, (
                f"a link on page {binder.page_labels[page]} of {own['document']} opens page "
                f"{binder.page_labels[target]}")
            followed[own["document"]] += 1
    # Every document has references of its own to follow: the test is not vacuous.
    assert all(count > 0 for count in followed.values()), followed
    top = [item for item in binder.outline if not isinstance(item, list)]
    children = [item for item in binder.outline if isinstance(item, list)]
    assert len(top) == len(children) == len(placed)
    for entry, item, under in zip(placed, top, children):
        assert binder.get_destination_page_number(item) == entry["first_page"] - 1
        for child in under:
            assert _document_of(placed, binder.get_destination_page_number(child)) == entry, (
                f"{child.title} under {item.title}")


def test_a_notes_section_references_open_that_notes_section(binder, placed, built):
    """A reference to Section 11 in a note opens the page where that note's Section 11
    starts: the link of the note's own PDF at the same place, followed in the binder."""
    rendered = {document.name: document for document in
                render_documents(prepare(AMENDMENT_1).deal, ("note",))}
    by_name = {entry["document"]: entry for entry in placed}
    for name in (NOTES[1], NOTES[-1]):  # not the first note, where every link used to go
        (section,) = lxml.html.document_fromstring(rendered[name].html).xpath(
            "//section[@class='clause'][p[1]/span[@class='num'] = '11.']")
        label, heading = section.get("id"), section.get("data-heading")
        own = PdfReader(built / f"{name}.pdf")
        starts = next(index for index, page in enumerate(own.pages)
                      if f"11. {heading}" in _text(page))
        first = by_name[name]["first_page"] - 1
        assert f"11. {heading}" in _text(binder.pages[first + starts])
        references = [(index, [float(x) for x in annotation["/Rect"]])
                      for index, page in enumerate(own.pages)
                      for annotation in (a.get_object() for a in page.get("/Annots", []))
                      if annotation.get("/Dest") == label]
        assert len(references) >= 3  # "Section 11" is cited throughout the note
        for index, rect in references:
            (link,) = [annotation for annotation in _links(binder, first + index)
                       if [float(x) for x in annotation["/Rect"]] == rect]
            assert _target(binder, link) == first + starts, (
                f"{name}: the reference on page {binder.page_labels[first + index]} opens "
                f"page {binder.page_labels[_target(binder, link)]}, not "
                f"{binder.page_labels[first + starts]}")


def test_signature_blocks_stay_findable_per_document(binder, placed):
    destinations = binder.named_destinations
    by_name = {entry["document"]: entry for entry in placed}
    signature_items = {(entry["document"], child.title): binder.get_destination_page_number(child)
                       for entry, under in zip(placed, (i for i in binder.outline
                                                         if isinstance(i, list)))
                       for child in under if child.title.startswith("Signature page")}
    for name in NOTES:
        page = binder.get_destination_page_number(destinations[f"{name}/sign-company"])
        assert _document_of(placed, page) == by_name[name]
        assert page == signature_items[(name, "Signature page: Zoltek Companies, Inc.")]
    pages = {binder.get_destination_page_number(destinations[f"amendment-1/sign-lender-{lender}"])
             for lender in LENDERS}
    assert len(pages) == len(LENDERS)
    assert all(_document_of(placed, page) == by_name["amendment-1"] for page in pages)


def test_schedule_a_is_held_once_inside_the_amendment(binder, placed):
    # The executed amendment (seed 000) ends with its Schedule A: no tab holds it again.
    assert [entry["document"] for entry in placed] == ["amendment-1", *NOTES]
    assert [entry["tab"] for entry in placed] == list(range(1, len(NOTES) + 2))
    amendment = binder.outline[1]
    (schedule,) = [child for child in amendment if child.title == "Schedule A"]
    page = binder.get_destination_page_number(schedule)
    assert page == placed[0]["first_page"] - 1 + placed[0]["pages"] - 1
    assert "SCHEDULE A" in _text(binder.pages[page])


def test_each_note_has_bookmarks_for_its_exhibit_a_and_schedule_1(binder, placed):
    for entry, under in zip(placed[1:], [item for item in binder.outline
                                         if isinstance(item, list)][1:]):
        titles = [child.title for child in under]
        assert titles == ["Signature page: Zoltek Companies, Inc.",
                          "Exhibit A: Conversion Notice", "Schedule 1: Conversion Schedule"]
        pages = [binder.get_destination_page_number(child) for child in under]
        assert pages == sorted(pages) and pages[-1] == entry["first_page"] + entry["pages"] - 2
        assert "EXHIBIT A" in _text(binder.pages[pages[1]])
        assert "CONVERSION NOTICE" in _text(binder.pages[pages[1]])
        assert "SCHEDULE 1" in _text(binder.pages[pages[2]])


def _index_rows(built) -> list[list[str]]:
    """The Word index's cells as they read (its labels are held together, "Exhibit A")."""
    table = docx.Document(built / "third" / "index.docx").tables[0]
    return [[" ".join(cell.text.replace("\u2060", "").split()) for cell in row.cells]
            for row in table.rows]


def test_the_index_gives_pages_by_their_labels_and_links_to_them(binder, placed, built):
    rows = _index_rows(built)
    assert rows[0] == ["Tab", "Document", "Party", "Page"]
    body = rows[1:]
    labels = binder.page_labels
    # Each document at its tab's first page, then its parts; Schedule A once, in tab 1.
    assert [row[1] for row in body] == [
        "Amendment No. 1 to Loan and Warrant Agreement and Registration Rights Agreement",
        "Schedule A", *(title for entry in placed[1:] for title in (
            entry["title"], "Exhibit A: Conversion Notice", "Schedule 1: Conversion Schedule"))]
    documents = [row for row in body if row[0]]
    assert [(row[0], row[3]) for row in documents] == [
        (str(entry["tab"]), f"{entry['tab']}-1") for entry in placed]
    assert all(row[2] for row in body), "a row without its party"
    assert [row[2] for row in documents] == [entry["party"] for entry in placed]
    # The PDF's index says the same, and each row's links open the page it names.
    index = " ".join(_text(page) for page in binder.pages[:placed[0]["first_page"] - 1])
    assert all(row[3] in index.split() for row in body)
    opened = set()
    for page in range(placed[0]["first_page"] - 1):
        for annotation in _links(binder, page):
            opened.add(labels[_target(binder, annotation)])
    assert opened == {row[3] for row in body}
    for row in body:
        page = labels.index(row[3])
        if row[1] == "Schedule A":
            assert "SCHEDULE A" in _text(binder.pages[page])
        elif row[1].startswith("Exhibit A"):
            assert "EXHIBIT A" in _text(binder.pages[page])
        elif row[0]:
            assert page == placed[int(row[0]) - 1]["first_page"] - 1


def test_an_outside_document_without_a_party_is_the_companys(tmp_path):
    (tmp_path / "closing").mkdir()
    (tmp_path / "closing" / "certificate.pdf").write_bytes(b"%PDF-1.4\n")
    sheet = tmp_path / "deal.yaml"
    sheet.write_text(replace_once(AMENDMENT_1.read_text(), "  - id: fourth\n",
                                  "    outside_documents:\n      - tab: 8\n"
                                  "        title: Officer's Certificate\n"
                                  "        path: closing/certificate.pdf\n  - id: fourth\n"))
    deal = prepare(sheet).deal
    (closing,) = [closing for closing in deal.closings if closing.id == "third"]
    entries = contents(deal, closing, render_documents(deal, ("amendment", "note")))
    assert [entry.tab for entry in entries] == list(range(1, 9))
    assert entries[-1].title == "Officer's Certificate"
    assert entries[-1].party == deal.company.legal_name


def test_the_word_index_is_made_from_the_house_style(built, binder, placed):
    data = (built / "third" / "index.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = package.namelist()
        parts = {name: package.read(name) for name in names}
    assert not any(name.startswith("docProps/thumbnail") for name in names)
    assert "docProps/app.xml" not in names
    assert not any(b"Normal.dotm" in part or b"Macintosh" in part for part in parts.values())
    settings = parts["word/settings.xml"].decode()
    assert re.search(r'w:name="compatibilityMode"[^>]*w:val="15"', settings)
    house = prepare(AMENDMENT_1).deal.forms.path(HOUSE_STYLE)
    with zipfile.ZipFile(house) as package:
        house_styles = set(re.findall(rb'w:styleId="([^"]+)"', package.read("word/styles.xml")))
    assert set(re.findall(rb'w:styleId="([^"]+)"', parts["word/styles.xml"])) == house_styles
    document = docx.Document(io.BytesIO(data))
    assert [p.style.name for p in document.paragraphs[:2]] == ["Title", "Body Text Center"]
    table = document.tables[0]
    assert table.style.name == "Schedule Table"
    assert {cell.paragraphs[0].style.name for cell in table.rows[0].cells} == {"Table Heading"}
    assert [cell.paragraphs[0].style.name for cell in table.rows[1].cells] == [
        "Table Figure", "Table Text", "Table Text", "Table Figure"]
    # Column widths like the PDF's: each column's share of the table's width.
    grid = [int(col.get(docx.oxml.ns.qn("w:w")))
            for col in table._tbl.tblGrid.findall(docx.oxml.ns.qn("w:gridCol"))]
    assert _column_shares(built / "third" / "binder.pdf", placed[0]["first_page"] - 2) == (
        pytest.approx([width / sum(grid) for width in grid], abs=0.005))


def _column_shares(pdf: Path, page: int) -> list[float]:
    """Each column's share of the width of the table on the page, from its vertical rules."""
    document = pypdfium2.PdfDocument(str(pdf))
    rules = set()
    for path in document[page].get_objects(filter=(pypdfium2.raw.FPDF_PAGEOBJ_PATH,)):
        left, bottom, right, top = path.get_bounds()
        if top - bottom > 5 and right - left < 3:
            rules.add(round((left + right) / 2, 1))
    document.close()
    edges = sorted(rules)
    return [(right - left) / (edges[-1] - edges[0]) for left, right in zip(edges, edges[1:])]


def test_an_outside_document_with_the_notes_destinations_keeps_its_own(built, tmp_path):
    """An outside PDF whose named destinations are the notes' own (here a copy of a note's
    PDF, as a firm might file a specimen): its links stay in it, the notes' in theirs."""
    out = tmp_path / "out"
    shutil.copytree(built.parent, out)
    (tmp_path / "closing").mkdir()
    shutil.copy(built / f"{NOTES[1]}.pdf", tmp_path / "closing" / "specimen.pdf")
    sheet = tmp_path / AMENDMENT_1.name
    sheet.write_text(replace_once(AMENDMENT_1.read_text(), "  - id: fourth\n",
                                  "    outside_documents:\n      - tab: 2\n"
                                  "        title: Specimen Note\n"
                                  "        path: closing/specimen.pdf\n  - id: fourth\n"))
    result = runner.invoke(app, ["binder", str(sheet), "--closing", "third", "--out",
                                 str(out)], terminal_width=200)
    assert result.exit_code == 0, result.output
    folder = out / DEAL / "third"
    placed = json.loads((folder / "manifest.json").read_text())["contents"]
    assert [entry["document"] for entry in placed][:3] == [
        "amendment-1", "closing/specimen.pdf", NOTES[0]]
    binder = PdfReader(folder / "binder.pdf")
    followed = {entry["document"]: 0 for entry in placed}
    for page in range(placed[0]["first_page"] - 1, len(binder.pages)):
        own = _document_of(placed, page)
        for annotation in _links(binder, page):
            assert _document_of(placed, _target(binder, annotation)) == own
            followed[own["document"]] += 1
    assert followed["closing/specimen.pdf"] == followed[NOTES[1]] > 0
    assert "closing/specimen.pdf/adjustments" in binder.named_destinations
