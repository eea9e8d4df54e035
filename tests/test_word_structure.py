"""The Word files' structure, in every generated Word document of both bundled deals: every
numbered item is Word's list numbering, every reference to one is a REF field, a run-in
caption's outline level covers the caption only, and every blank of a form has its line.
Inserting an Event of Default in Word renumbers the items and the references follow.

The Word files are this run's (the `bundled` fixture of conftest.py), not rendered again.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from generator.formatting import roman
from generator.textextract import ListNumbers, normalize_words, runs_on, text_of_pdf
from generator.writers.docx_fields import bookmark_name
from tests.helpers import AMENDMENT_1, AMENDMENT_2, HALVORSEN_1, HALVORSEN_2

TERM_SHEETS = [AMENDMENT_1, AMENDMENT_2, HALVORSEN_1, HALVORSEN_2]


@pytest.fixture(scope="module")
def word_files(bundled, tmp_path_factory) -> dict[Path, dict[str, bytes]]:
    """Every Word file of each bundled term sheet, by file name."""
    out = {}
    for term_sheet in TERM_SHEETS:
        folder = bundled.deal_folder(term_sheet, tmp_path_factory.mktemp("word"), ("docx",))
        out[term_sheet] = {path.name: path.read_bytes() for path in sorted(folder.glob("*.docx"))}
    return out


def open_docx(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def body_paragraphs(word: Document) -> Iterator[Paragraph]:
    """The paragraphs of the body outside tables and quotations (an amended section set out
    in full is quoted text, numbers and all)."""
    for block in word.iter_inner_content():
        if isinstance(block, Paragraph) and block.style.name != "Quote":
            yield block


def plain_text(paragraph: etree._Element) -> str:
    """The paragraph's text with each field's result in ⟨ ⟩ and its instruction left out:
    a number in ⟨ ⟩ is a REF field's, one outside was typed."""
    out, in_instruction = [], False
    for run in paragraph.iter(qn("w:r")):
        char = run.find(qn("w:fldChar"))
        if char is not None:
            kind = char.get(qn("w:fldCharType"))
            in_instruction = kind == "begin"
            out.append({"begin": "", "separate": "⟨", "end": "⟩"}[kind])
            continue
        if in_instruction:
            continue
        for child in run:
            if child.tag == qn("w:t"):
                out.append(child.text or "")
            elif child.tag == qn("w:tab"):
                out.append("\t")
            elif child.tag == qn("w:noBreakHyphen"):
                out.append("-")
    return "".join(out)


# What a typed number at the start of a paragraph looks like: "(i)", "(a)", "(1)", "(A)",
# "1.", "8.4.".
TYPED_NUMBER = re.compile(r"\s*(?:\((?:[ivxlc]+|[a-z]{1,2}|[A-Z]|\d+)\)|\d+(?:\.\d+)*\.)\s")


def typed_numbers(word: Document) -> list[str]:
    return [paragraph.text[:60] for paragraph in body_paragraphs(word)
            if TYPED_NUMBER.match(plain_text(paragraph._p))]


_LABEL = r"(?:\d+(?:\.\d+)*(?:\([a-z0-9]+\))*|(?:\([a-zA-Z0-9]+\))+)"
REFERENCE = re.compile(
    r"\b(?:[Ss]ections?|[Cc]lauses?|[Ss]ubsections?|[Pp]aragraphs?|[Ss]ubclauses?)\s+"
    rf"(?P<labels>{_LABEL}(?:(?:,\s*|,?\s+(?:or|and)\s+){_LABEL})*)")
# A section of another document: "Section 2(b) of the Registration Rights Agreement",
# "Section 4.4, 4.6 or in Article 5 of the Loan Agreement", "Section 13(d) of the Exchange
# Act"; or an item of the paragraph itself: "clause (i) of this paragraph".
_ELSEWHERE = re.compile(r"[^;.]*?\bof\s+(?!this\s+(?:Note|Amendment)\b)")
_ENUMERATOR = re.compile(r"\([a-zA-Z0-9]+\)")


def typed_references(text: str) -> list[str]:
    """The references to a numbered item of the same document typed as text, not a REF
    field, in a paragraph's text (`plain_text`). A reference to another document's section
    is text, and so is one to an item enumerated inside the paragraph itself ("(1) ... the
    warrants referenced in clause (1) above"), which Word cannot number."""
    found = []
    for match in REFERENCE.finditer(text):
        if _ELSEWHERE.match(text, match.end()):
            continue
        rest = text[:match.start()] + text[match.end():]
        labels = re.findall(_LABEL, match.group("labels"))
        if all(_ENUMERATOR.fullmatch(label) and label in rest for label in labels):
            continue
        found.append(match.group())
    return found


def word_references(word: Document) -> list[str]:
    """The typed references in every paragraph of a Word file, tables and all."""
    return [reference for paragraph in word.element.body.iter(qn("w:p"))
            for reference in typed_references(plain_text(paragraph))]


def outline_level(paragraph: Paragraph) -> str | None:
    properties = paragraph._p.pPr
    level = properties.find(qn("w:outlineLvl")) if properties is not None else None
    return level.get(qn("w:val")) if level is not None else None


def list_numbers(word: Document) -> dict[etree._Element, str]:
    numbers = ListNumbers(word)
    return {paragraph._p: numbers.next(paragraph) for paragraph in word.paragraphs}


# Numbered items are Word's list numbering ---------------------------------------------------

@pytest.mark.parametrize("term_sheet", TERM_SHEETS, ids=lambda path: path.stem)
def test_every_numbered_item_is_list_numbering(word_files, term_sheet):
    typed = {name: found for name, data in word_files[term_sheet].items()
             if (found := typed_numbers(open_docx(data)))}
    assert typed == {}
    # And the items are there, numbered by Word: the recitals 1, 2 ...; the Events of
    # Default (i), (ii) ... in every note.
    for name, data in word_files[term_sheet].items():
        word = open_docx(data)
        shown = list_numbers(word)
        numbered = [shown[p._p] for p in word.paragraphs if shown[p._p]]
        if name.startswith("amendment"):
            recitals = numbered[:numbered.index("1.", 1)]  # the sections start again at 1.
            assert recitals == [f"{n}." for n in range(1, len(recitals) + 1)]
            assert len(recitals) >= 3, name
        if name.startswith("note-"):  # the first (i) is the first Event of Default's
            first = numbered.index("(i)")
            assert numbered[first:first + 17] == [f"({roman(n)})" for n in range(1, 18)], name


def test_the_typed_number_check_finds_typed_numbers():
    word = docx.Document()
    for text in ("(i) any default in the payment;", "1. Zoltek and the Lenders are parties",
                 "(a) the following terms", "8.4. Public Announcement. Zoltek shall",
                 "(ii) as a quotation", "In addition to (i) the terms"):
        word.add_paragraph(text)
    word.paragraphs[4].style = word.styles["Quote"]
    assert len(typed_numbers(word)) == 4


# References are REF fields --------------------------------------------------------------------

@pytest.mark.parametrize("term_sheet", TERM_SHEETS, ids=lambda path: path.stem)
def test_every_internal_reference_is_a_ref_field(word_files, term_sheet):
    typed = {name: found for name, data in word_files[term_sheet].items()
             if (found := word_references(open_docx(data)))}
    assert typed == {}
    if term_sheet == AMENDMENT_1:  # the references the issue names are fields now
        word = open_docx(word_files[term_sheet]["note-third-rockmore.docx"])
        # A label and its word are joined by a no-break space (typesetting.py).
        text = " ".join(plain_text(p) for p in word.element.body.iter(qn("w:p"))).replace(
            "\u00a0", " ")
        for reference in ("clause ⟨(i)⟩ or ⟨(iv)⟩ above and clause ⟨(xvii)⟩ or ⟨(xxi)⟩ below",
                          "under clause ⟨(ix)⟩ of such defined term",
                          "pursuant to clause ⟨(iii)⟩ thereunder",
                          "in accordance with subsection ⟨(iii)⟩ below",
                          "the provisions of this paragraph ⟨(c)⟩"):
            assert reference in text


def test_the_reference_check_finds_typed_references():
    assert typed_references("(other than those specified in clause (i) or (iv) above and "
                            "clause (xvii) or (xxi) below)") == ["clause (i) or (iv)",
                                                                 "clause (xvii) or (xxi)"]
    assert typed_references("in accordance with subsection (iii) below") == ["subsection (iii)"]
    assert typed_references("the press release required under Section 8.4 of this "
                            "Amendment") == ["Section 8.4"]
    assert typed_references("under Section ⟨8.4⟩, and clause ⟨(ix)⟩ of such term") == []
    # Another document's sections, and the items of the paragraph itself, are text.
    assert typed_references("contained in Section 4.4, 4.6, 4.17 or in Article 5 of the "
                            "Loan Agreement; or Section 13(d) of the Exchange Act") == []
    assert typed_references("if (i) it pays, or (ii) it does not; any adjustment pursuant "
                            "to clause (i) of this paragraph or clause (ii) above") == []


# Run-in captions: the outline level covers the caption only -------------------------------------

@pytest.mark.parametrize("term_sheet", [AMENDMENT_1, HALVORSEN_1], ids=lambda path: path.stem)
def test_a_run_in_captions_outline_level_covers_the_caption_only(word_files, term_sheet):
    run_in = 0
    for name, data in word_files[term_sheet].items():
        word = open_docx(data)
        paragraphs = word.paragraphs
        for index, paragraph in enumerate(paragraphs):
            if outline_level(paragraph) is None:
                continue
            # The paragraph holds the caption: its heading runs and the point after them.
            headings = "".join(r.text for r in paragraph.runs if r.style.name == "Clause Heading")
            assert headings and paragraph.text.strip() in (headings, headings + ".",
                                                           headings + ":"), (name, paragraph.text)
            if runs_on(paragraph):  # the clause's text follows on the caption's line
                run_in += 1
                following = paragraphs[index + 1]
                assert outline_level(following) is None and following._p.pPr.numPr is None
                assert paragraph.text.endswith(" ") and following.text[:1].isalpha()
                mark = paragraph._p.pPr.find(qn("w:rPr"))
                assert mark.find(qn("w:vanish")) is not None, name
    assert run_in >= 20


# Every blank of a form has its line --------------------------------------------------------------

def underline_stops(paragraph: Paragraph) -> list:
    style = paragraph.style
    while style is not None:
        stops = list(style.paragraph_format.tab_stops)
        if stops:
            return [stop for stop in stops if stop.leader is not None and
                    stop.leader.name in ("LINES", "HEAVY")]
        style = style.base_style
    return []


@pytest.mark.parametrize("term_sheet", [AMENDMENT_1, HALVORSEN_2], ids=lambda path: path.stem)
def test_every_blank_of_the_conversion_notice_has_its_line(word_files, term_sheet):
    notices = [name for name in word_files[term_sheet] if name.startswith(("conversion-notice-",
                                                                            "note-"))]
    assert notices
    for name in notices:
        word = open_docx(word_files[term_sheet][name])
        blanks = [p for p in word.paragraphs if p.style.name.startswith("Signature")
                  and p._p.find(f".//{qn('w:tab')}") is not None]
        assert any(p.text.startswith("Date to Effect Conversion:") for p in blanks), name
        missing = [p.text for p in blanks if not underline_stops(p)]
        assert missing == [], name


# Inserting an Event of Default renumbers the items and the references follow --------------------

def insert_before(word: Document, label: str, text: str) -> None:
    """A paragraph numbered like the clause `label`, inserted before it, as a lawyer would
    add one in Word."""
    (start,) = [b for b in word.element.body.iter(qn("w:bookmarkStart"))
                if b.get(qn("w:name")) == bookmark_name(label)]
    anchor = start.getparent()
    new = copy.deepcopy(anchor)
    for child in list(new):
        if child.tag != qn("w:pPr"):
            new.remove(child)
    for tag in ("w:outlineLvl", "w:rPr"):  # no caption, no hidden mark
        for element in new.pPr.findall(qn(tag)):
            new.pPr.remove(element)
    anchor.addprevious(new)
    Paragraph(new, anchor.getparent()).add_run(text)


def contains(words: list[str], phrase: str) -> bool:
    wanted = normalize_words(phrase)
    return any(words[i:i + len(wanted)] == wanted for i in range(len(words)))


def test_an_event_of_default_inserted_in_word_renumbers_and_references_follow(
        word_files, libreoffice):
    """A new Event of Default before (iv) and a new subsection before 5(b)(iii) in a note, a
    new recital before the third in the amendment; LibreOffice updates the fields."""
    note = open_docx(word_files[AMENDMENT_1]["note-third-rockmore.docx"])
    insert_before(note, "eod-covenants", "the Borrower shall fail to pay any inserted fee;")
    insert_before(note, "shareholder-approval", "Inserted Subsection.")
    amendment = open_docx(word_files[AMENDMENT_1]["amendment-1.docx"])
    insert_before(amendment, "recital-september_registration_rights_agreement",
                  "Zoltek and the Lenders entered into an inserted agreement.")
    files = {}
    for name, word in (("note", note), ("amendment", amendment)):
        out = io.BytesIO()
        word.save(out)
        files[f"{name}.docx"] = out.getvalue()
    files["original-note.docx"] = word_files[AMENDMENT_1]["note-third-rockmore.docx"]
    pdfs = libreoffice(files)
    original, edited, recitals = (normalize_words(text_of_pdf(pdfs[f"{name}.pdf"]))
                                  for name in ("original-note", "note", "amendment"))
    # Before: as generated.
    assert contains(original, "(iv) the Borrower shall fail to observe or perform any covenant")
    assert contains(original, "other than those specified in clause (i) or (iv) above and "
                              "clause (xvii) or (xxi) below")
    # After: the new item is (iv), the old (iv) ... (xxii) are (v) ... (xxiii), and every
    # reference to them follows; those before it stay.
    assert contains(edited, "(iv) the Borrower shall fail to pay any inserted fee")
    assert contains(edited, "(v) the Borrower shall fail to observe or perform any covenant")
    assert contains(edited, "other than those specified in clause (i) or (v) above and "
                            "clause (xviii) or (xxii) below")
    assert contains(edited, "other than under clause (x) of such defined term")
    assert contains(edited, "Event of Default pursuant to clause (iii) thereunder")
    assert contains(edited, "other than as set forth in paragraph (i) above")
    # The subsection the text calls "(iii) below" is (iv) now.
    assert contains(original, "in accordance with subsection (iii) below")
    assert contains(edited, "in accordance with subsection (iv) below")
    # The recitals: the inserted one is 3, the purpose 6.
    assert contains(recitals, "3. Zoltek and the Lenders entered into an inserted agreement")
    assert contains(recitals, "6. Zoltek and the Lenders now wish to further modify")
