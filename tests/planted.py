"""Drafting errors of every kind `dealdocs check` looks for, planted in a copy of the
bundled deal's amendment: each where a reader would put it, with the finding's code and the
clause it must be reported in. tests/test_check.py checks that each is found at its place;
scripts/bench_check.py measures precision and recall on them."""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass

import docx

from generator.findings import Finding
from generator.writers import RenderedDocument


@dataclass(frozen=True)
class Plant:
    code: str
    edits: tuple[tuple[str, str], ...]  # (old, new): each at its first occurrence in the HTML
    clause: str  # the section the finding must name ("" for the preamble or a table)
    words: str  # words of the finding's message that say it is this one

    def found_by(self, finding: Finding) -> bool:
        place = finding.path.split(", Section ")
        clause = place[1] if len(place) > 1 else ""
        return finding.code == self.code and clause == self.clause and self.words in finding.message


PLANTS = (
    Plant("term.defined-twice", (("Rockmore $30,000 for its legal fees and expenses",
                                  'Rockmore $30,000 (the "Lenders") for its legal fees and expenses'),),
          "8.1", '"Lenders"'),
    Plant("term.undefined", (("Zoltek has elected to provide", "Zoltk has elected to provide"),),
          "8.13", '"Zoltk"'),
    Plant("term.unused", (("This Amendment and the Transaction Documents, together",
                           'This Amendment (the "Closing Memorandum") and the Transaction '
                           "Documents, together"),), "8.2", '"Closing Memorandum"'),
    Plant("term.case", (("issue a press release disclosing",
                         'issue a press release (the "Press Release") disclosing'),
                        ("attaching such press release", "attaching such Press release")),
          "8.4", '"Press release"'),
    Plant("reference.missing", (('<a class="xref" href="#closing-mechanics">7</a>', "9"),),
          "1", "Section 9"),
    Plant("reference.missing", (('<a class="xref" href="#misc-announcement">8.4</a>', "8.14"),),
          "2.1", "Section 8.14"),
    Plant("numbering.skipped", (('<span class="num">2.3.</span>', '<span class="num">2.5.</span>'),),
          "2.5", "2.5"),
    Plant("date.impossible", (("of April 28, 2006, by and among", "of April 31, 2006, by and among"),),
          "", "April 31, 2006"),
    Plant("date.weekday", (("April 28, 2006, issue a press release",
                            "Monday, April 28, 2006, issue a press release"),), "8.4", "Friday"),
    Plant("amount.words", (("executed in two or more counterparts",
                            "executed in two (3) or more counterparts"),), "8.11", "the words say 2"),
    Plant("table.total", (('<td class="num">$7,333,333</td>', '<td class="num">$7,333,335</td>'),),
          "", "$20,000,001"),
    Plant("unpaired", (("Nasdaq Approval</span> (as defined below).",
                        "Nasdaq Approval</span> (as defined below."),), "2", "parenthesis ("),
    Plant("placeholder", (("The parties hereto agree that", "The parties hereto [●] agree that"),),
          "6", "[●]"),
    Plant("placeholder", (("No provision of this Amendment may be waived",
                           "No provision of this Amendment may be ____ waived"),), "8.6", '"____"'),
)
# Word numbers clauses with its list numbering, not with the HTML's text: there, the clause
# is numbered by hand (renumbered_in_word).
WORD_RENUMBERED = ("For the purposes of this Amendment, the term", "2.5.")


def planted(document: RenderedDocument) -> RenderedDocument:
    """The amendment with every plant in it."""
    html = document.html
    for plant in PLANTS:
        for old, new in plant.edits:
            assert old in html, old
            html = html.replace(old, new, 1)
    return dataclasses.replace(document, html=html)


def renumbered_in_word(data: bytes, starting: str, number: str) -> bytes:
    """The Word file with the clause whose text starts with `starting` numbered by hand as
    `number` instead of by Word's list numbering, as someone typing it would: the HTML's
    number is Word's list numbering in the Word file, not text."""
    document = docx.Document(io.BytesIO(data))
    paragraph = next(p for p in document.paragraphs if p.text.startswith(starting))
    numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numbering._remove_ilvl()
    numbering.get_or_add_numId().val = 0  # 0: no numbering, not even the style's
    paragraph.runs[0].text = f"{number} {paragraph.runs[0].text}"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
