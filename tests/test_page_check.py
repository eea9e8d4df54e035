"""The pages of both bundled deals read as a production reviewer reads them (issue 20):
every document laid out once (tests/conftest.py: each closing's longest per-lender one), in
the PDF and in LibreOffice's rendering of the Word file, no line broken early (a caption
alone stretched across a justified line, a word alone in mid-paragraph), no label split
across lines, no text over a cell's border, every blank of the PDF in Word too, and half an
inch clear above every line to sign. Each check is shown to fail on a document that brings
its fault back. The pages the review named are written to tmp/artifacts/ as PNG."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import lxml.html
import pypdfium2 as pdfium
import pytest
from weasyprint.layout import inline

from generator.build import render_documents
from generator.pipeline import prepare
from generator.writers import WRITERS, RenderedDocument
from generator.writers import pdf as pdf_writer  # imported: its correction of WeasyPrint is in
from tests import pagecheck
from tests.helpers import AMENDMENT_1, AMENDMENT_2, HALVORSEN_1, HALVORSEN_2

SHEETS = (AMENDMENT_1, AMENDMENT_2, HALVORSEN_1, HALVORSEN_2)
ARTIFACTS = Path(__file__).parent.parent / "tmp" / "artifacts"
HALF_AN_INCH = 36.0
# One worker reads every page and has LibreOffice lay out the Word files, once (make test
# distributes by these groups).
pytestmark = pytest.mark.xdist_group(name="pages")
CHECKS = (pagecheck.lines_broken_early, pagecheck.stretched_short_lines,
          pagecheck.split_labels, pagecheck.text_outside_cells, pagecheck.text_past_the_margin)


def _read(job: tuple[str, bytes]) -> tuple[str, list[pagecheck.Page]]:
    name, data = job
    return name, pagecheck.read(data)


def _read_all(files: dict[str, bytes]) -> dict[str, list[pagecheck.Page]]:
    with ProcessPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(_read, files.items(), chunksize=8))


@pytest.fixture(scope="session")
def pdf_files(bundled, request) -> dict[str, bytes]:
    """This run's PDFs, by `<term sheet>/<file>`: of every document laid out once
    (conftest.laid_out_once: each per-lender kind by the closing's longest, whose values
    break lines first; the others fill the same template with shorter ones), or with
    --every-page (`make pagecheck`) of every document. Every PDF of every lender would
    double the suite's time on two cores."""
    if request.config.getoption("--every-page"):
        return {f"{sheet.stem}/{document}.pdf": data for sheet in SHEETS
                for document, data in bundled.every_file(sheet, "pdf").items()}
    return {f"{sheet.stem}/{document}.pdf": data for sheet in SHEETS
            for (document, name), data in bundled.files(sheet).items() if name == "pdf"}


@pytest.fixture(scope="session")
def pdf_pages(pdf_files) -> dict[str, list[pagecheck.Page]]:
    """The pages of every PDF, by `<term sheet>/<file>`."""
    return _read_all(pdf_files)


@pytest.fixture(scope="session")
def word_pdfs(bundled, libreoffice, pdf_files) -> dict[str, bytes]:
    """LibreOffice's PDF of the Word file of each document whose PDF is read, by `<term
    sheet>/<file>.pdf`: one soffice run per term sheet."""
    found = {}
    for sheet in SHEETS:
        files = bundled.files(sheet)
        read = [name.removeprefix(f"{sheet.stem}/").removesuffix(".pdf") for name in pdf_files
                if name.startswith(f"{sheet.stem}/")]
        found.update({f"{sheet.stem}/{name}": data for name, data in libreoffice(
            {f"{document}.docx": files[(document, "docx")] for document in read}).items()})
    return found


@pytest.fixture(scope="session")
def word_pages(word_pdfs) -> dict[str, list[pagecheck.Page]]:
    return _read_all(word_pdfs)


@pytest.fixture(scope="session")
def lines_to_sign() -> dict[str, set[str]]:
    """What each document's lines to sign say before their blank ("By:"), from its HTML,
    by `<term sheet>/<document>`."""
    found = {}
    for sheet in SHEETS:
        for document in render_documents(prepare(sheet).deal):
            root = lxml.html.document_fromstring(document.html)
            found[f"{sheet.stem}/{document.name}"] = {
                " ".join(p.text_content().split()) for p in root.find_class("sign")}
    return found


def _findings(pages: dict[str, list[pagecheck.Page]], check) -> list[str]:
    return [f"{name} {finding}" for name, document in pages.items() for finding in check(document)]


# Every bundled document -------------------------------------------------------------------

@pytest.mark.parametrize("check", CHECKS, ids=[check.__name__ for check in CHECKS])
def test_every_pdf_page_passes(pdf_pages, check):
    assert len(pdf_pages) > 30  # every document of the four term sheets, at least laid out once
    assert _findings(pdf_pages, check) == []


@pytest.mark.parametrize("check", CHECKS, ids=[check.__name__ for check in CHECKS])
def test_every_word_page_passes_in_libreoffice(word_pages, pdf_pages, check):
    assert pdf_pages.keys() == word_pages.keys()
    assert _findings(word_pages, check) == []


def _missing_blanks(pdf: list[pagecheck.Page], word: list[pagecheck.Page]) -> list[str]:
    return sorted((Counter(pagecheck.blanks(pdf)) - Counter(pagecheck.blanks(word))).elements())


def test_word_has_every_blank_the_pdf_has(pdf_pages, word_pages):
    missing = {name: gone for name, pages in pdf_pages.items()
               if (gone := _missing_blanks(pages, word_pages[name]))}
    assert sum(len(pagecheck.blanks(pages)) for pages in pdf_pages.values()) > 300
    assert missing == {}


@pytest.mark.parametrize("rendering", ["pdf", "word"])
def test_half_an_inch_clear_above_every_line_to_sign(pdf_pages, word_pages, lines_to_sign,
                                                      rendering):
    pages = pdf_pages if rendering == "pdf" else word_pages
    measured, cramped = 0, []
    for name, document in pages.items():
        labels = lines_to_sign[name.removesuffix(".pdf")]
        for line, clear in pagecheck.room_to_sign(document, labels):
            measured += 1
            if clear < HALF_AN_INCH:
                cramped.append(f"{name} {line}: {clear:.1f}pt")
    assert measured > 60  # each note's, each amendment's signature pages, each notice
    assert cramped == []


# Each check fails where its fault comes back ------------------------------------------------

@pytest.fixture(scope="session")
def documents() -> dict[str, RenderedDocument]:
    return {f"{sheet.stem}/{document.name}": document for sheet in (AMENDMENT_1, HALVORSEN_2)
            for document in render_documents(prepare(sheet).deal)}


def _pdf(document: RenderedDocument, html: str | None = None) -> list[pagecheck.Page]:
    changed = dataclasses.replace(document, html=html) if html is not None else document
    return pagecheck.read(WRITERS["pdf"].render(changed))


# Section 11(d)(ii)(4) of the note as the review saw it: a caption, then a run of text that
# ends in a no-break space before a reference, four clauses deep.
STOCK_DIVIDENDS = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Note</title></head><body>'
    '<article class="document" data-numbering="note"><div class="clauses">'
    + '<section class="clause">' * 4
    + '<p><span class="num">(4)</span> <u class="clause-heading">Stock Dividends</u>. Subject '
    'to the provisions of this Section\u00a0<a class="xref" href="#x">11(d)</a>, in case the '
    'Borrower shall declare a dividend or make any other distribution upon any stock of the '
    'Borrower.</p>' + "</section>" * 4 + "</div></article></body></html>")


def test_weasyprints_own_line_breaking_fails_the_checks(documents, monkeypatch):
    """Without the PDF writer's correction (a trailing space measured at the end of a run of
    text), lines break after their first word, as the review found: "(4) Stock Dividends."
    stretched across the line, "conversion" alone in the note."""
    monkeypatch.setattr(inline, "split_first_line", pdf_writer.inline.split_first_line.__wrapped__)
    note = documents["zoltek-amendment-1/note-third-rockmore"]
    early = pagecheck.lines_broken_early(_pdf(note))
    assert any("'conversion'" in finding for finding in early), early
    caption = _pdf(note, STOCK_DIVIDENDS)
    for check in (pagecheck.lines_broken_early, pagecheck.stretched_short_lines):
        assert any("'(4) Stock Dividends.'" in finding for finding in check(caption)), check
    monkeypatch.undo()
    assert pagecheck.stretched_short_lines(_pdf(note, STOCK_DIVIDENDS)) == []


def test_kerned_justified_lines_fail_the_check(documents):
    """The amendment with the font kerned (print.css sets it unkerned): WeasyPrint draws a
    stretched line unkerned, wider than it measured it, and "AGREEMENT AND" runs past the
    margin."""
    amendment = documents["zoltek-amendment-1/amendment-1"]
    kerned = amendment.html.replace("</head>", "<style>p { font-kerning: normal }</style></head>")
    found = pagecheck.text_past_the_margin(_pdf(amendment, kerned))
    assert any("'This AMENDMENT NO. 1 TO LOAN AND WARRANT AGREEMENT AND'" in finding
               for finding in found), found
    assert pagecheck.text_past_the_margin(_pdf(amendment)) == []


def test_labels_left_to_break_fail_the_check(documents):
    """The note as it was before labels were joined across any white space: "subsection
    11(d)(ii)(3)" where the template's line ends between them."""
    note = documents["zoltek-amendment-1/note-third-rockmore"]
    loose = note.html.replace("\u00a0", " ").replace("\u2060", "")
    found = pagecheck.split_labels(_pdf(note, loose))
    assert found and all("|" in finding for finding in found)


def test_columns_too_narrow_fail_the_check(documents):
    """Schedule A of Halvorsen Amendment No. 2 upright, in the columns the review saw (widths
    guessed from counting characters): its headers run over the cells' borders."""
    schedule = documents["halvorsen-amendment-2/schedule-a"]
    widths = iter(["15.2", "12.3", "24.2", "12.3", "23.7", "12.3"])
    upright = re.sub(r'<col style="width: [\d.]+%">',
                     lambda _: f'<col style="width: {next(widths)}%">',
                     schedule.html.replace(' data-orientation="landscape"', ""))
    found = pagecheck.text_outside_cells(_pdf(schedule, upright))
    assert any("PURCHASE" in finding for finding in found), found


def test_a_blank_without_its_line_fails_the_check(documents):
    notice = documents["halvorsen-amendment-2/conversion-notice-second-arrowhead"]
    line = "Applicable Conversion Price: <span class=\"blank\"></span>"
    assert notice.html.count(line) == 1
    without = _pdf(notice, notice.html.replace(line, "Applicable Conversion Price:"))
    assert _missing_blanks(_pdf(notice), without) == ["Applicable Conversion Price:"]


FILLER = "For value received the undersigned Borrower hereby promises to pay in lawful money".split()
# The note form's "to the order of ____ or its registered assigns", the blank falling at
# every place of a line in turn as the words before it grow.
BLANK_AT_EVERY_PLACE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Note</title></head><body>'
    '<article class="document">' + "".join(
        f'<p>{" ".join(FILLER[:count])} This Note is payable to the order of <span '
        'class="blank"></span> or its registered assigns (the "Lender"), the principal sum '
        'of the amount stated.</p>' for count in range(len(FILLER)))
    + "</article></body></html>")


def _inline_blank_rules(pages: list[pagecheck.Page]) -> int:
    return sum(1 for page in pages for rule in page.rules
               if rule.right - rule.left > 100 and rule.top - rule.bottom <= 2)


def test_word_blanks_hold_at_a_lines_end(documents, libreoffice, monkeypatch):
    """Each of the blanks keeps its line in LibreOffice's layout of the Word file,
    wherever it falls; a blank of no-break spaces (the writer's before) hangs past the
    line's end and is gone, leaving "to the order of" stretched."""
    from generator.writers import docx

    note = dataclasses.replace(documents["zoltek-amendment-1/note-form-third"],
                               html=BLANK_AT_EVERY_PLACE)

    def laid_out() -> list[pagecheck.Page]:
        word = WRITERS["docx"].render(note)
        return pagecheck.read(libreoffice({"blanks.docx": word})["blanks.pdf"])

    holding = laid_out()
    assert _inline_blank_rules(holding) == len(FILLER)
    assert pagecheck.lines_broken_early(holding) == []
    monkeypatch.setattr(docx, "_BLANK_TEXT", "\u00a0" * 48)
    hanging = laid_out()
    assert _inline_blank_rules(hanging) < len(FILLER)
    assert any(finding.endswith("room for 'or'")
               for finding in pagecheck.lines_broken_early(hanging))


def test_a_line_to_sign_without_its_room_fails_the_check(documents):
    notice = documents["halvorsen-amendment-2/conversion-notice-second-arrowhead"]
    cramped = _pdf(notice, notice.html.replace('<p class="sign">', "<p>"))
    [(_, clear)] = pagecheck.room_to_sign(cramped, {"By:"})
    assert clear < HALF_AN_INCH


# For review ----------------------------------------------------------------------------------

REVIEWED = (  # (rendering, file, pages): the pages the production review named
    ("pdf", "zoltek-amendment-1/note-third-rockmore.pdf", (18, 19, 20, 26)),
    ("word", "zoltek-amendment-1/note-third-rockmore.pdf", (1,)),
    ("pdf", "zoltek-amendment-1/amendment-1.pdf", (10, 11)),
    ("pdf", "halvorsen-amendment-2/schedule-a.pdf", (1,)),
    ("word", "halvorsen-amendment-2/schedule-a.pdf", (1,)),
    ("pdf", "halvorsen-amendment-2/conversion-notice-second-arrowhead.pdf", (1,)),
    ("word", "halvorsen-amendment-2/conversion-notice-second-arrowhead.pdf", (1,)),
)


def test_the_reviewed_pages_as_pictures(pdf_files, word_pdfs, documents, libreoffice):
    """PNGs of the pages the review named, as they are now, in tmp/artifacts/after/ (the
    same pages from before the fixes are in tmp/artifacts/before/)."""
    folder = ARTIFACTS / "after"
    folder.mkdir(parents=True, exist_ok=True)
    for rendering, name, numbers in REVIEWED:
        file = name.split("/")[1]
        document_of = documents[name.removesuffix(".pdf")]
        if rendering == "word":
            data = word_pdfs.get(name) or libreoffice(
                {f"{document_of.name}.docx": WRITERS["docx"].render(document_of)})[file]
        else:
            data = pdf_files.get(name) or WRITERS["pdf"].render(document_of)
        document = pdfium.PdfDocument(data)
        for number in numbers:
            target = folder / f"{Path(file).stem}-{rendering}-p{number}.png"
            document[number - 1].render(scale=1.5).to_pil().save(target)
            assert target.stat().st_size > 10_000
        document.close()
