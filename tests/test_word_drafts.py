"""Word files a lawyer can keep drafting in: Word numbers the clauses, references are
fields that follow them, headings keep with their text; and pages that look executed.

The LibreOffice tests convert what they need in one soffice run per session
(`converted` in conftest.py).
"""

from __future__ import annotations

import copy
import io
import re

import docx
import lxml.html
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from generator.build import render_documents
from generator.numbering import STYLES
from generator.pipeline import prepare
from generator.textextract import ListNumbers, PdfLine, normalize_words, text_of_pdf
from generator.writers import WRITERS, RenderedDocument
from tests.helpers import AMENDMENT_1, AMENDMENT_2, HALVORSEN_1, HALVORSEN_2
from tests.layout import headings_of, layout_problems, problems_in

DOCUMENTS = [(AMENDMENT_1, "amendment", "amendment-1"), (AMENDMENT_2, "amendment", "amendment-2"),
             (AMENDMENT_1, "note", "note-third-rockmore"),
             (AMENDMENT_1, "note-form", "note-form-fourth")]
# Laid out by LibreOffice for the page-layout check: the documents most at risk (the
# longest, with the most headings), the fictional deal's amendment among them.
AT_RISK = [name for _, _, name in DOCUMENTS] + ["halvorsen-amendment-1"]
EDITED = ["amendment-1", "note-third-rockmore"]  # a clause inserted through python-docx


@pytest.fixture(scope="module")
def rendered() -> dict[str, RenderedDocument]:
    out = {}
    for term_sheet, kind, name in DOCUMENTS:
        (document,) = [d for d in render_documents(prepare(term_sheet).deal, [kind])
                       if d.name == name]
        out[name] = document
    return out


@pytest.fixture(scope="module")
def words_files(rendered) -> dict[str, bytes]:
    return {name: WRITERS["docx"].render(document) for name, document in rendered.items()}


def open_docx(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def clause_paragraphs(word: Document) -> list[Paragraph]:
    return [p for p in word.paragraphs if re.fullmatch(r"Clause (Caption )?\d", p.style.name)]


def html_clauses(html: str) -> list[lxml.html.HtmlElement]:
    """The clauses numbered in the document's scheme: not the items of a list of their own
    (the recitals, the Events of Default; tests/test_word_structure.py checks those)."""
    return [s for s in lxml.html.document_fromstring(html).iter("section")
            if s.get("class") == "clause"
            and not any(d.get("data-numbering") for d in s.iterancestors("div"))]


def fields(paragraph: Paragraph) -> list[tuple[str, str, str]]:
    """(instruction, result, text before the field) of each complex field in the paragraph."""
    out, before, instruction, result, state = [], [], "", "", None
    for run in paragraph._p.iter(qn("w:r")):
        char = run.find(qn("w:fldChar"))
        kind = char.get(qn("w:fldCharType")) if char is not None else None
        if kind == "begin":
            state, instruction, result = "instruction", "", ""
        elif kind == "separate":
            state = "result"
        elif kind == "end":
            out.append((instruction.strip(), result, "".join(before)))
            before.append(result)
            state = None
        elif state == "instruction":
            instruction += "".join(t.text or "" for t in run.iter(qn("w:instrText")))
        else:
            text = "".join(t.text or "" for t in run.iter(qn("w:t")))
            if state == "result":
                result += text
            else:
                before.append(text)
    return out


def references(paragraph: Paragraph) -> list[tuple[str, str]]:
    """(text since the previous reference, reference) of each reference: fields with no text
    between them are one reference ("5", "(b)", "(iii)" read "5(b)(iii)")."""
    out: list[tuple[str, str]] = []
    end = 0  # where the last reference ended in the text before
    for _, result, before in fields(paragraph):
        if out and len(before) == end:
            out[-1] = (out[-1][0], out[-1][1] + result)
        else:
            out.append((before[end:], result))
        end = len(before) + len(result)
    return out


def keeps_with_next(paragraph: Paragraph) -> bool:
    style = paragraph.style
    if paragraph.paragraph_format.keep_with_next is not None:
        return paragraph.paragraph_format.keep_with_next
    while style is not None:
        if style.paragraph_format.keep_with_next is not None:
            return style.paragraph_format.keep_with_next
        style = style.base_style
    return False


# The Word file as a working draft ----------------------------------------------------------

@pytest.mark.parametrize("name", [name for _, _, name in DOCUMENTS])
def test_word_numbers_every_clause_itself(rendered, words_files, name):
    word = open_docx(words_files[name])
    paragraphs = clause_paragraphs(word)
    clauses = html_clauses(rendered[name].html)
    assert len(paragraphs) == len(clauses) > 10
    numbers = ListNumbers(word)
    shown = {p._p: numbers.next(p) for p in word.paragraphs}
    for paragraph, clause in zip(paragraphs, clauses, strict=True):
        typed = clause.find("p/span[@class='num']").text
        num_pr = paragraph._p.pPr.numPr
        assert num_pr is not None and num_pr.numId.val > 0, paragraph.text[:40]
        assert not paragraph.text.startswith(typed), f"typed number: {paragraph.text[:40]}"
        assert shown[paragraph._p] == typed  # Word's number is the PDF's
    # The clause styles are bound to the document's own scheme, so a paragraph a lawyer
    # gives "Clause 2" is numbered at the second level of the same list.
    scheme = "note" if name.startswith("note") else "decimal"
    style_num = word.styles["Clause 2"].element.pPr.numPr
    assert style_num.ilvl.val == 1
    abstract = word.part.numbering_part.element.xpath(
        f'w:num[@w:numId="{style_num.numId.val}"]/w:abstractNumId/@w:val')[0]
    texts = word.part.numbering_part.element.xpath(
        f'w:abstractNum[@w:abstractNumId="{abstract}"]/w:lvl/w:lvlText/@w:val')
    assert tuple(texts) == tuple(level.text for level in STYLES[scheme].levels)


@pytest.mark.parametrize("name", [name for _, _, name in DOCUMENTS])
def test_captions_have_outline_levels_and_headings_keep_with_next(words_files, name):
    word = open_docx(words_files[name])
    captioned = [p for p in word.paragraphs
                 if any(run.style.name == "Clause Heading" for run in p.runs)]
    assert len(captioned) > 5
    for paragraph in captioned:
        outline = paragraph._p.pPr.find(qn("w:outlineLvl"))
        assert outline is not None, paragraph.text[:40]
        assert int(outline.get(qn("w:val"))) == paragraph._p.pPr.numPr.ilvl.val
    headings = [p for p in word.paragraphs
                if p.style.name in ("Title", "Heading 1") or p.style.name.startswith("Clause Caption")]
    assert headings and all(keeps_with_next(p) for p in headings)
    assert word.styles["Normal"].paragraph_format.widow_control


@pytest.mark.parametrize("name", [name for _, _, name in DOCUMENTS])
def test_every_reference_is_a_ref_field_to_a_bookmark_that_exists(rendered, words_files, name):
    word = open_docx(words_files[name])
    bookmarks = {b.get(qn("w:name")) for b in word.element.body.iter(qn("w:bookmarkStart"))}
    found = [f for p in word.paragraphs for f in fields(p)]
    refs = [f for f in found if f[0].startswith("REF ")]
    links = [a for a in lxml.html.document_fromstring(rendered[name].html).iter("a")]
    assert links and len(refs) >= len(links)
    for instruction, result, _ in refs:
        target = instruction.split()[1]
        assert target in bookmarks, instruction
        assert "\\n" in instruction.split() and result  # the current number, shown before any update
    # Run together, a reference's fields read what the PDF reads ("5" "(b)" "(iii)").
    shown = " ".join(p.text for p in word.paragraphs)
    for link in links:
        assert f"Section {link.text_content()}".replace(" ", "\u00a0") in shown.replace(
            " ", "\u00a0") or link.text_content() in shown


def test_properties_come_from_the_deal(words_files):
    import zipfile
    word = open_docx(words_files["amendment-1"])
    core = word.core_properties
    assert core.author == core.last_modified_by == "Zoltek Companies, Inc."
    assert core.title == "Amendment No. 1 to Loan and Warrant Agreement and Registration Rights Agreement"
    assert core.subject == core.title
    assert (core.created.year, core.created.month, core.created.day) == (2006, 4, 28)
    with zipfile.ZipFile(io.BytesIO(words_files["amendment-1"])) as package:
        assert "docProps/app.xml" not in package.namelist()
        settings = package.read("word/settings.xml").decode()
    assert 'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"' in settings


def test_an_issued_note_is_no_exhibit_and_the_form_is(rendered):
    note = lxml.html.document_fromstring(rendered["note-third-rockmore"].html)
    form = lxml.html.document_fromstring(rendered["note-form-fourth"].html)
    assert "EXHIBIT B-" not in " ".join(h.text_content() for h in note.iter("h2"))
    assert [h.text_content() for h in form.iter("h2")][0] == "EXHIBIT\u00a0B-\u20602"
    (spread,) = [p for p in note.iter("p") if p.get("class") == "spread"]
    assert spread.text_content() == "No.\u00a0B1-\u206001$3,333,333"
    (blank_spread,) = [p for p in form.iter("p") if p.get("class") == "spread"]
    assert len(blank_spread.find_class("blank")) == 2
    assert "Rockmore" not in form.text_content()


# LibreOffice: insert a clause and let the fields follow ------------------------------------

def insert_clause_before(data: bytes, top_index: int) -> tuple[bytes, str]:
    """The Word file with a new top-level clause inserted, through python-docx, before the
    `top_index`-th top-level clause (1-based): a paragraph in style Clause 1 numbered
    like its neighbours, as a lawyer would add it."""
    word = open_docx(data)
    tops = [p for p in clause_paragraphs(word) if p._p.pPr.numPr.ilvl.val == 0]
    anchor = tops[top_index - 1]
    new = copy.deepcopy(anchor._p)
    for child in list(new):
        if child.tag != qn("w:pPr"):
            new.remove(child)
    outline = new.pPr.find(qn("w:outlineLvl"))
    if outline is not None:
        new.pPr.remove(outline)
    anchor._p.addprevious(new)
    text = "Inserted Covenant. The parties shall cooperate in good faith."
    Paragraph(new, anchor._parent).add_run(text)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue(), text


def shifted(reference: str, at: int) -> str:
    """A reference after a top-level clause is inserted at `at`: its first number moves
    (an item's or a clause's own number, "(ix)", "(iii)", does not)."""
    if not reference[:1].isdigit():
        return reference
    top = int(re.match(r"\d+", reference).group())
    return (str(top + 1) if top >= at else str(top)) + reference[len(str(top)):]


@pytest.fixture(scope="module")
def through_libreoffice(rendered, words_files, libreoffice) -> dict[str, bytes]:
    """The PDFs LibreOffice makes of the Word files at risk and of the edited ones (a
    clause inserted before the second top-level clause), all in one soffice run."""
    (halvorsen,) = render_documents(prepare(HALVORSEN_1).deal, ["amendment"])
    rendered["halvorsen-amendment-1"] = halvorsen
    files = {f"{name}.docx": words_files.get(name) or WRITERS["docx"].render(rendered[name])
             for name in AT_RISK}
    for name in EDITED:
        files[f"{name}-edited.docx"], _ = insert_clause_before(words_files[name], 2)
    return libreoffice(files)


@pytest.fixture(scope="module")
def round_trips(through_libreoffice):
    """(original, edited) LibreOffice PDF text of the amendment and a note."""
    return {name: (text_of_pdf(through_libreoffice[f"{name}.pdf"]),
                   text_of_pdf(through_libreoffice[f"{name}-edited.pdf"])) for name in EDITED}


def contains(words: list[str], phrase: list[str]) -> int:
    return sum(words[i:i + len(phrase)] == phrase for i in range(len(words)))


@pytest.mark.parametrize("name", ["amendment-1", "note-third-rockmore"])
def test_a_clause_inserted_in_word_renumbers_what_follows_and_references_follow(
        words_files, round_trips, name):
    original, edited = (normalize_words(text) for text in round_trips[name])
    word = open_docx(words_files[name])
    numbers = ListNumbers(word)
    clauses = {p._p for p in clause_paragraphs(word)}  # lxml keeps these same proxies alive
    tops = [(numbers.next(p), p) for p in word.paragraphs]
    tops = [(n, p) for n, p in tops if p._p in clauses and p._p.pPr.numPr.ilvl.val == 0]
    assert len(tops) >= 5
    # The inserted clause is 2; the old 2, 3, ... are now 3, 4, ...
    assert contains(edited, normalize_words("2. Inserted Covenant. The parties")) == 1
    for number, paragraph in tops:
        opening = normalize_words(paragraph.text)[:3]  # the caption, before any reference
        old = int(number.rstrip("."))
        new = old + 1 if old >= 2 else old
        assert contains(original, [str(old)] + opening) >= 1, paragraph.text[:40]
        assert contains(edited, [str(new)] + opening) >= 1, paragraph.text[:40]
    # Every reference reads its clause's new number, after LibreOffice updated the fields.
    checked = 0
    for paragraph in word.paragraphs:
        for before, reference in references(paragraph):
            context = normalize_words(before)[-5:]
            if len(context) < 3:
                continue
            assert contains(original, context + normalize_words(reference)) >= 1, (before, reference)
            moved = shifted(reference, 2)
            assert contains(edited, context + normalize_words(moved)) >= 1, (before, moved)
            checked += 1
    assert checked >= 5


# Pages that look executed ----------------------------------------------------------------

@pytest.mark.parametrize("term_sheet", [AMENDMENT_1, AMENDMENT_2, HALVORSEN_1, HALVORSEN_2],
                         ids=lambda p: p.stem)
def test_no_pdf_page_strands_a_heading_or_begins_with_a_lone_word(bundled, term_sheet):
    """Every bundled document's PDF (rendered once per session over the cores, with the
    text the other tests compare)."""
    problems = {name: found for name, found in bundled.layout_problems(term_sheet).items()
                if found}
    assert problems == {}


def test_no_word_page_strands_a_heading_or_begins_with_a_lone_word(rendered, through_libreoffice):
    """The Word files most at risk, laid out by LibreOffice."""
    problems = {name: layout_problems(through_libreoffice[f"{name}.pdf"],
                                      headings_of(rendered[name].html)) for name in AT_RISK}
    assert {name: found for name, found in problems.items() if found} == {}


def test_the_layout_check_finds_what_it_looks_for():
    """A stranded caption and a lone last word are found; a page that turns in the middle
    of a paragraph, or starts with a heading, is not."""
    line = PdfLine
    pages = [[line("Text that runs on.", 700), line("7. Closing.", 80)],
             [line("conversion.", 709), line("Next paragraph starts here.", 683.2)],
             [line("SCHEDULE A", 697), line("Lender and more.", 650)],
             [line("continued text of the paragraph", 709), line("and more of it.", 695.2)]]
    assert problems_in(pages, {"7. Closing.", "SCHEDULE A"}) == [
        "page 1 ends with the heading '7. Closing.'",
        "page 2 begins with the lone word 'conversion.'"]
