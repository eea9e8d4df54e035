"""A negotiated draft, as counsel make one in Word: the edits a lawyer makes to a generated
Word file (with python-docx and lxml), and the term change that comes after them. Shared
by tests/test_regenerate.py and scripts/bench_regenerate.py."""

from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from generator.textextract import runs_on
from tests.helpers import replace_once

COUNSEL = "Counsel"


@dataclass(frozen=True)
class Edits:
    """Where a lawyer edits one document: each paragraph by its opening words."""

    sentence_after: str
    """A new sentence at the end of this paragraph."""
    sentence: str
    word_in: str
    word: tuple[str, str]
    """A phrase of that paragraph and what the lawyer makes of it."""
    deleted: str
    commented: str
    comment: str
    tracked_in: str
    tracked_after: str
    tracked: str
    """Inserted as the lawyer's own pending tracked change, after `tracked_after`."""


AMENDMENT_EDITS = Edits(
    "Third Closing. Subject",  # Section 2.1
    " The parties shall cooperate in good faith to obtain the Nasdaq Approval.",
    "Public Announcement.",  # Section 8.4
    ("issue a press release disclosing", "publish a press release disclosing"),
    "Severability.",
    "Entire Agreement.", "Check against the list of Transaction Documents.",
    "Notices.", "shall be in writing", " in the English language")
NOTE_EDITS = Edits(
    "Registration of Notes.",
    " The Note Register shall be kept at the Borrower's principal office.",
    "Registration of Transfers and Exchanges.",
    ("shall register the transfer", "shall record the transfer"),
    '"ELIGIBLE MARKET" means',
    '"CLOSING DATE" shall mean', "Confirm the closing date with the lenders.",
    '"CONVERSION NOTICE" means', "a written notice", " signed by the Lender")


def new_terms(text: str) -> str:
    """The bundled Amendment No. 1's term sheet after the terms moved: the conversion price
    of both closings $24.00 (the warrant shares now derived, no longer stated), and
    Rockmore's Third Closing principal $3,000,000 (the aggregate with it)."""
    text = text.replace("conversion_price: 25.51", "conversion_price: 24.00")
    text = re.sub(r"    warrant_shares:\n      third: [\d,]+\n      fourth: [\d,]+\n", "", text)
    text = replace_once(text, "lender: rockmore\n    additional_warrants: 0\n    principal:\n"
                        "      third: 3,333,333", "lender: rockmore\n    additional_warrants: 0"
                        "\n    principal:\n      third: 3,000,000")
    return replace_once(text, "aggregate_principal: 20,000,000",
                        "aggregate_principal: 19,666,667")


def lawyer_edits(data: bytes, edits: Edits, conflict: str | None = None) -> bytes:
    """The Word file `data` as a lawyer leaves it: a sentence added, a word changed, a
    paragraph deleted, a comment and a pending tracked change of their own; with
    `conflict`, also the first "$25.51" in the paragraph that opens so made "$25.50"."""
    document = docx.Document(io.BytesIO(data))
    _paragraph(document, edits.sentence_after).add_run(edits.sentence)
    _replace(_paragraph(document, edits.word_in), *edits.word)
    deleted = _paragraph(document, edits.deleted)._p
    caption = deleted.getprevious()  # a run-in caption goes with its clause's text
    if caption is not None and runs_on(Paragraph(caption, deleted.getparent())):
        caption.getparent().remove(caption)
    deleted.getparent().remove(deleted)
    commented = _paragraph(document, edits.commented)
    document.add_comment(commented.runs, text=edits.comment, author=COUNSEL, initials="C")
    _tracked_insertion(_paragraph(document, edits.tracked_in), edits.tracked_after,
                       edits.tracked)
    if conflict:
        _replace(_paragraph(document, conflict), "$25.51", "$25.50")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _paragraph(document, opening: str) -> Paragraph:
    """The paragraph that opens with `opening` as Word shows it: a clause's run-in caption
    ("Third Closing. ") is a paragraph of its own whose hidden mark runs it into the clause's
    text, which is the paragraph returned."""
    paragraphs = document.paragraphs
    for index, paragraph in enumerate(paragraphs):
        if runs_on(paragraph):
            shown = paragraph.text + paragraphs[index + 1].text
            if shown.startswith(opening):
                return paragraphs[index + 1]
        elif paragraph.text.startswith(opening):
            return paragraph
    raise LookupError(f"no paragraph opens with {opening!r}")


def _replace(paragraph: Paragraph, old: str, new: str) -> None:
    run = next(run for run in paragraph.runs if old in run.text)
    run.text = run.text.replace(old, new, 1)


def _tracked_insertion(paragraph: Paragraph, after: str, text: str) -> None:
    """`text` after `after`, as Word marks what a user types with Track Changes on."""
    run = next(run for run in paragraph.runs if after in run.text)
    head, tail = run.text.split(after, 1)
    run.text = head + after
    inserted = OxmlElement("w:ins")
    for name, value in (("w:id", "901"), ("w:author", COUNSEL),
                        ("w:date", "2006-04-20T10:00:00Z")):
        inserted.set(qn(name), value)
    new_run = copy.deepcopy(run._r)
    new_run.find(qn("w:t")).text = text
    new_run.find(qn("w:t")).set(qn("xml:space"), "preserve")
    inserted.append(new_run)
    run._r.addnext(inserted)
    rest = copy.deepcopy(run._r)
    rest.find(qn("w:t")).text = tail
    rest.find(qn("w:t")).set(qn("xml:space"), "preserve")
    inserted.addnext(rest)
