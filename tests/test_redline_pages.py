"""The redlines of `dealdocs diff` as a lawyer sees them: checked on the rendered pages (text
positions and pixels of the PDF redline, LibreOffice's rendering of the Word redline, and
what LibreOffice's own Reject All leaves), not only in the markup."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pypdfium2
import pytest
from docx.oxml.ns import qn

from generator.changes.redline import redline
from generator.writers import WRITERS, RenderedDocument
from tests.test_changes import renderings  # noqa: F401,F811  (the fixture)

SCALE = 12  # pixels per point where a page is looked at: a double underline's two lines
CHANGED_SHARES = [("45,734", "48,612"), ("100,615", "106,945"), ("274,406", "291,670"),
                  ("22,867", "24,306"), ("137,205", "145,837")]
# Schedule A's price change and a lender's signature page, inserted and deleted.
CASES = {"schedule": ("old", "price", "schedule-a"), "price": ("old", "price", "amendment-1"),
         "added": ("lender", "old", "amendment-1"), "removed": ("old", "lender", "amendment-1")}


def rendered(html: str, kind: str, name: str) -> RenderedDocument:
    return RenderedDocument(name, name, html, dt.date(2006, 4, 28), f"test/{name}", kind)


@pytest.fixture(scope="module")
def redlines(renderings) -> dict[str, dict[str, bytes]]:  # noqa: F811
    """Each case's redline as HTML, PDF and Word, and the Word file of its new document."""
    out: dict[str, dict[str, bytes]] = {}
    for case, (old, new, name) in CASES.items():
        html = redline(renderings[old][name], renderings[new][name], ["Redline"],
                       author="Jane Lawyer", date="2026-12-01T10:00:00Z")
        document = rendered(html, "amendment", name)
        out[case] = {"html": html.encode(), "pdf": WRITERS["pdf"].render(document),
                     "docx": WRITERS["docx"].render(document),
                     "old.docx": WRITERS["docx"].render(rendered(renderings[old][name],
                                                                 "amendment", name))}
    return out


@pytest.fixture(scope="module")
def in_libreoffice(redlines, libreoffice) -> dict[str, bytes]:
    """Every Word redline (and each old document) as LibreOffice lays it out, in one run."""
    files = {f"{case}.docx": data["docx"] for case, data in redlines.items()}
    files |= {f"{case}-old.docx": data["old.docx"] for case, data in redlines.items()}
    return {name.removesuffix(".pdf"): pdf for name, pdf in libreoffice(files).items()}


@pytest.fixture(scope="module")
def rejected_in_libreoffice(redlines, settle_in_libreoffice) -> dict[str, bytes]:
    """The inserted signature page's Word redline after LibreOffice's own Reject All, as a
    PDF."""
    return settle_in_libreoffice({"added": ("reject", redlines["added"]["docx"], "pdf")})


# --- Looking at pages. ---


def boxes(pdf: bytes, text: str) -> list[tuple[int, float, float, float, float]]:
    """(page, left, bottom, right, top) in points of each place `text` is on one line."""
    document = pypdfium2.PdfDocument(pdf)
    found = []
    for number in range(len(document)):
        pdf_page = document[number]  # held: its text page is valid only while it is open
        page = pdf_page.get_textpage()
        whole = page.get_text_range()
        start = whole.find(text)
        while start != -1:
            chars = [page.get_charbox(i) for i in range(start, start + len(text))
                     if not whole[i].isspace()]
            found.append((number, min(c[0] for c in chars), min(c[1] for c in chars),
                          max(c[2] for c in chars), max(c[3] for c in chars)))
            start = whole.find(text, start + 1)
    return found


def page_texts(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    pages = [document[i] for i in range(len(document))]
    return [page.get_textpage().get_text_range() for page in pages]


def rows(pdf: bytes, page: int, left: float, right: float, top: float, bottom: float,
         colour) -> list[int]:
    """The pixel rows (SCALE to a point, counted down from `top`) of the part of a page
    from `left` to `right` and `top` to `bottom` (points, the PDF's: up from the foot of
    the page) where most pixels are `colour`."""
    document = pypdfium2.PdfDocument(pdf)
    pdf_page = document[page]
    width, height = pdf_page.get_size()
    image = pdf_page.render(scale=SCALE, crop=(left, bottom, width - right, height - top)
                            ).to_pil().convert("RGB")
    found = []
    for y in range(image.height):
        pixels = [image.getpixel((x, y)) for x in range(image.width)]
        if pixels and sum(1 for p in pixels if colour(p)) > 0.8 * len(pixels):
            found.append(y)
    return found


def lines(rows: list[int]) -> int:
    """How many separate horizontal lines the rows make."""
    return sum(1 for i, row in enumerate(rows) if i == 0 or row != rows[i - 1] + 1)


def blue(pixel) -> bool:
    r, g, b = pixel
    return b > 120 and b > r + 50


def dark(pixel) -> bool:
    return sum(pixel) < 300


# --- Tables. ---


def test_a_changed_figure_in_the_pdf_stands_struck_above_the_new_one(redlines):
    pdf = redlines["schedule"]["pdf"]
    for old, new in CHANGED_SHARES:
        (page, left, bottom, right, top), = boxes(pdf, old)[:1]
        below = [(n_right, n_top) for n_page, n_left, _, n_right, n_top in boxes(pdf, new)
                 if n_page == page and n_left < right and n_right > left]
        assert below, f"{new} is not in the column of {old}"
        # Right under it, right-aligned in the same column: neither overprints the other.
        n_right, n_top = below[0]
        assert bottom - 6 < n_top <= bottom + 0.5 and abs(n_right - right) < 1.0


def test_no_figure_of_the_pdf_redline_runs_into_the_next_column(redlines):
    pdf = redlines["schedule"]["pdf"]
    figures = [box for old, new in CHANGED_SHARES for text in (old, new)
               for box in boxes(pdf, text)[:1]]
    neighbours = boxes(pdf, "$1,666,667") + boxes(pdf, "$10,000,001")
    for _, left, bottom, right, top in figures:
        for _, n_left, n_bottom, n_right, n_top in neighbours:
            overlaps = left < n_right and n_left < right and bottom < n_top and n_bottom < top
            assert not overlaps


def test_the_word_redlines_figures_do_not_break_mid_number(in_libreoffice):
    pdf = in_libreoffice["schedule"]
    for old, new in CHANGED_SHARES:
        # Found on one line each: a figure broken across lines is not found.
        assert boxes(pdf, old) and boxes(pdf, new), (old, new)
        (_, left, bottom, right, top), = boxes(pdf, old)[:1]
        (_, n_left, n_bottom, n_right, n_top), = boxes(pdf, new)[:1]
        assert not (left < n_right and n_left < right and bottom < n_top and n_bottom < top)


# --- How changes look. ---


def test_an_insertion_is_double_underlined_in_blue(redlines):
    pdf = redlines["price"]["pdf"]
    page, left, bottom, right, _ = boxes(pdf, "24.00")[0]  # on the baseline: no "$"
    assert lines(rows(pdf, page, left + 1, right - 1, bottom - 0.1, bottom - 4, blue)) == 2


def test_no_underline_runs_on_over_the_space_after_the_words_it_marks(redlines):
    """ "Schedule A hereto" in the changed paragraph 2.1: the document's own underline ends
    with "A"."""
    pdf = redlines["price"]["pdf"]
    page = next(i for i, text in enumerate(page_texts(pdf)) if "$24.00" in text)
    document = pypdfium2.PdfDocument(pdf)
    pdf_page = document[page]
    textpage = pdf_page.get_textpage()
    start = textpage.get_text_range().find("Schedule\u00a0A hereto")  # a label's no-break space
    assert start != -1
    a_left, bottom, a_right, _ = textpage.get_charbox(start + len("Schedule "))
    h_left = textpage.get_charbox(start + len("Schedule A "))[0]
    assert rows(pdf, page, a_left, a_right, bottom - 0.1, bottom - 4, dark)  # underlined
    assert rows(pdf, page, a_right + 0.8, h_left - 0.8, bottom - 0.1, bottom - 4, dark) == []
    html = redlines["price"]["html"].decode()
    assert "A </u>" not in html and " </ins>" not in html and " </del>" not in html


# --- References. ---


def test_a_changed_paragraph_keeps_its_references_as_ref_fields(redlines, in_libreoffice):
    def fields(data: bytes) -> list[str]:
        body = docx.Document(io.BytesIO(data)).element.body
        return [" ".join(node.text.split()) for node in body.iter(qn("w:instrText"))
                if " REF " in f" {node.text} "]

    redlined, new = fields(redlines["price"]["docx"]), fields(redlines["price"]["old.docx"])
    assert redlined == new and "REF misc_announcement \\n \\h" in redlined
    # The changed paragraph 2.1's "Section 8.4", as LibreOffice updates the field.
    text = " ".join(" ".join(page_texts(in_libreoffice["price"])).split())
    assert "required under Section 8.4 has not been issued" in text


# --- Signature pages. ---


def test_an_inserted_signature_page_has_its_lines_to_sign(redlines):
    pdf = redlines["added"]["pdf"]
    labels = [box for box in boxes(pdf, "Name of Authorized Signatory:")
              if "Midsummer" in page_texts(pdf)[box[0]]]
    assert labels
    page, _, bottom, right, _ = labels[0]
    # The line runs from after the label to the right margin (an inch from the edge), on
    # the label's baseline (the box's bottom is that of "y" in "Signatory").
    assert lines(rows(pdf, page, right + 6, 612 - 74, bottom + 4, bottom - 4, blue)) == 1


def test_reject_all_leaves_no_blank_page_where_a_signature_page_was_inserted(
        rejected_in_libreoffice, in_libreoffice):
    rejected = page_texts(rejected_in_libreoffice["added"])
    old = page_texts(in_libreoffice["added-old"])
    assert len(rejected) == len(old)
    assert not any("Midsummer" in text for text in rejected)
    # Every page holds more than the signature pages' running caption.
    assert all(len(text.split()) > 20 for text in rejected)


def test_a_removed_signature_page_is_a_deleted_page_of_its_own(redlines, in_libreoffice):
    """The deleted lender's page is put back as it stood: after its page break, as a
    signature block (not more lines of the block before it)."""
    for pdf in (redlines["removed"]["pdf"], in_libreoffice["removed"]):
        pages = page_texts(pdf)
        midsummer = [i for i, text in enumerate(pages) if "Midsummer" in text
                     and "Name of Investing Entity" in text]
        assert len(midsummer) == 1
        assert "Cranshire" not in pages[midsummer[0]]


# --- Numbered paragraphs. ---


def test_a_whole_deleted_numbered_paragraph_has_its_mark_deleted(renderings):  # noqa: F811
    from tests.helpers import replace_once
    from tests.test_changes import OLD
    from generator.build import render_documents
    from generator.deal import derive
    from generator.termsheet import parse_term_sheet
    fewer = replace_once(OLD, "    - continued_validity\n", "")
    new = next(d.html for d in render_documents(derive(parse_term_sheet(fewer).sheet),
                                                ["amendment"]))
    data = WRITERS["docx"].render(rendered(
        redline(renderings["old"]["amendment-1"], new, []), "amendment", "amendment-1"))
    body = docx.Document(io.BytesIO(data)).element.body
    numbered_deleted = [p for p in body.iter(qn("w:p"))
                        if p.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None
                        and p.find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn('w:del')}") is not None]
    # Word renumbers as if it were accepted: the paragraph mark goes with the text.
    assert numbered_deleted
    for paragraph in numbered_deleted:
        assert paragraph.find(f".//{qn('w:t')}") is None


# --- The change report. ---


def test_the_report_names_terms_as_the_lawyer_knows_them(tmp_path, monkeypatch):
    """Labels, not YAML paths; a stated figure left to dealdocs is "no longer stated (now
    derived)", not a figure gone; the price among the figures; term sheets named relative to
    the new one's folder, in the terminal and in the report."""
    from typer.testing import CliRunner

    from generator.cli import app, shared
    from generator.textextract import text_of_html
    from tests.test_changes import OLD
    from tests.test_diff import DERIVED_PRICE
    # The console takes its width when first imported, by whichever test: a row on one line.
    monkeypatch.setattr(shared.console, "width", 400)
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(DERIVED_PRICE, encoding="utf-8")
    result = CliRunner().invoke(app, ["diff", str(old), str(new), "--format", "html",
                                      "--out", str(tmp_path / "out")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = (tmp_path / "out/zoltek-amendment-1/changes/report.html").read_bytes()
    # The terminal's report: after the term sheets' findings, before the folder written.
    printed = result.output[result.output.index("Changes to"):].rsplit("\n", 2)[0]
    for text in (" ".join(printed.replace("│", " ").split()),
                 " ".join(text_of_html(report).split())):
        assert "Third Closing, conversion price 25.51 24.00 old.yaml:" in text
        assert ("Schedule A, Omicron Master Trust, warrant shares, Third Closing 100,615 "
                "no longer stated (now derived)") in text
        assert "April Notes I: conversion price $25.51 $24.00" in text
        for wrong in ("closings[", "schedule_a[", "(none)", str(tmp_path)):
            assert wrong not in text
