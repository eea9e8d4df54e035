"""Clause numbers, references and defined terms, on small hand-written documents."""

from __future__ import annotations

import lxml.html

from generator.numbering import number_document


def document(body: str, numbering: str = "decimal") -> str:
    return (f'<!DOCTYPE html><html><body><article data-numbering="{numbering}">'
            f"{body}</article></body></html>")


def clause(label: str, inner: str, heading: str | None = None) -> str:
    attribute = f' data-heading="{heading}"' if heading else ""
    return f'<section class="clause" id="{label}"{attribute}>{inner}</section>'


def paragraphs(html: str) -> list[str]:
    return [" ".join(p.text_content().split()) for p in lxml.html.document_fromstring(html).iter("p")]


def test_decimal_numbers_nest_and_references_follow():
    body = '<div class="clauses">' + clause("fees", clause("fees-a", "<p>See Section "
           '<a class="xref" href="#misc-notices"></a>.</p>'), "Fees") + clause(
           "misc", clause("misc-fees", "<p>Zoltek pays.</p>", "Fees and Expenses")
           + clause("misc-notices", "<p>In writing.</p>", "Notices"), "Miscellaneous") + "</div>"
    html, findings = number_document(document(body), "t.html.j2")
    assert findings == []
    assert paragraphs(html) == ["1. Fees.", "1.1. See Section 2.2.",
                                "2. Miscellaneous.", "2.1. Fees and Expenses. Zoltek pays.",
                                "2.2. Notices. In writing."]


def test_inserting_a_clause_renumbers_every_reference():
    def body(extra: str) -> str:
        return ('<div class="clauses">' + extra + clause("a", "<p>A.</p>")
                + clause("b", '<p>See Section <a class="xref" href="#a"></a>.</p>') + "</div>")
    before, _ = number_document(document(body("")), "t")
    after, _ = number_document(document(body(clause("new", "<p>New.</p>"))), "t")
    assert paragraphs(before)[-1] == "2. See Section 1."
    assert paragraphs(after)[-1] == "3. See Section 2."


def test_note_style_letters_and_roman_numerals():
    body = '<div class="clauses">' + clause("one", "<p>One.</p>") + clause("conv", clause(
        "conv-a", "<p>First.</p>") + clause("conv-b", "<p>Limits.</p>" + clause(
            "conv-b-i", "<p>x</p>") + clause("conv-b-ii", "<p>See Section "
            '<a class="xref" href="#conv-b-i"></a>.</p>')), "Conversion") + "</div>"
    html, findings = number_document(document(body, "note"), "t")
    assert findings == []
    assert paragraphs(html) == ["1. One.", "2. Conversion.", "(a) First.", "(b) Limits.",
                                "(i) x", "(ii) See Section 2(b)(i)."]


def test_separate_scopes_number_separately():
    body = ('<div class="clauses">' + clause("r1", "<p>Recital.</p>") + "</div>"
            '<div class="clauses">' + clause("s1", "<p>Section.</p>") + "</div>")
    html, _ = number_document(document(body), "t")
    assert paragraphs(html) == ["1. Recital.", "1. Section."]


def test_dangling_reference_duplicate_label_and_terms_are_findings():
    body = ('<div class="clauses">' + clause("a", '<p>"<dfn data-term="Lender">Lender</dfn>" '
            'and "<dfn data-term="Lender">Lender</dfn>"; see <a class="xref" href="#zz"></a> '
            'and the <span class="term" data-term="Borrower">Borrower</span>.</p>')
            + clause("a", "<p>Again.</p>") + "</div>")
    _, findings = number_document(document(body), "amendment/amendment.html.j2")
    assert sorted((f.code, f.message) for f in findings) == [
        ("render.dangling-reference", "a reference to 'zz', which no clause has"),
        ("render.duplicate-label", "the label 'a' is used by two clauses"),
        ("render.term-defined-twice", "the term 'Lender' is defined twice"),
        ("render.term-undefined", "the term 'Borrower' is used but never defined"),
    ]
    assert all(str(f.mark).startswith("templates/") for f in findings)
