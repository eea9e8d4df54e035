"""What changed between two versions of a deal: terms, derived figures, documents, redlines."""

from __future__ import annotations

import copy
import datetime as dt

import lxml.html
import pytest

from generator.build import render_documents
from generator.changes.figures import figure_changes
from generator.changes.redline import compare, redline
from generator.changes.terms import term_changes
from generator.deal import derive
from generator.forms import BUNDLED, BUNDLED_FORMS, Folder, Forms
from generator.termsheet import parse_term_sheet
from generator.textextract import normalize_words, text_of_html
from tests.helpers import AMENDMENT_1, line_of, replace_once

OLD = AMENDMENT_1.read_text(encoding="utf-8")


def without_lender(text: str, lender: str) -> str:
    for start in (f"  - id: {lender}\n", f"  - lender: {lender}\n"):
        begin = text.index(start)
        end = text.find("\n  - ", begin + 1)
        blank = text.find("\n\n", begin)
        end = blank + 1 if end == -1 or (blank != -1 and blank < end) else end + 1
        text = text[:begin] + text[end:]
    return text


PRICE_CHANGE = OLD.replace("conversion_price: 25.51", "conversion_price: 24.00")
LENDER_GONE = without_lender(OLD, "midsummer")


@pytest.fixture(scope="module")
def renderings() -> dict[str, dict[str, str]]:
    sheets = {"old": OLD, "price": PRICE_CHANGE, "lender": LENDER_GONE}
    return {name: {d.name: d.html for d in render_documents(derive(parse_term_sheet(text)
                                                                   .sheet))}
            for name, text in sheets.items()}


def test_a_changed_price_is_one_term_change_per_closing_with_both_lines():
    changes = term_changes(parse_term_sheet(OLD, "old.yaml"),
                           parse_term_sheet(PRICE_CHANGE, "new.yaml"))
    third = line_of(OLD, "conversion_price: 25.51\n      maturity_months: 42\n    warrants:\n"
                         "      exhibit: C-1")
    assert [(c.path, c.old, c.new) for c in changes] == [
        ("closings[third].notes.conversion_price", "25.51", "24.00"),
        ("closings[fourth].notes.conversion_price", "25.51", "24.00")]
    assert (str(changes[0].old_mark), str(changes[0].new_mark)) == (f"old.yaml:{third}",
                                                                   f"new.yaml:{third}")


def test_a_removed_lender_is_one_change_per_entry_not_one_per_value():
    changes = term_changes(parse_term_sheet(OLD), parse_term_sheet(LENDER_GONE))
    assert [(c.kind, c.path, c.label, c.old, c.now) for c in changes] == [
        ("removed", "lenders[midsummer]", "Lenders", "Midsummer Investment Ltd.",
         "removed from the deal"),
        ("removed", "schedule_a[midsummer]", "Schedule A", "Midsummer Investment Ltd.",
         "removed from the deal")]


def test_the_same_amount_written_another_way_is_no_change():
    same = OLD.replace("aggregate_principal: 20,000,000", "aggregate_principal: 20000000")
    assert term_changes(parse_term_sheet(OLD), parse_term_sheet(same)) == []


def test_a_price_change_moves_every_lenders_warrant_shares_and_the_totals():
    moved = {c.figure: (c.old, c.new) for c in figure_changes(
        derive(parse_term_sheet(OLD).sheet), derive(parse_term_sheet(PRICE_CHANGE).sheet))}
    assert moved["Schedule A, Omicron Master Trust: April Warrants I warrant shares"] == (
        "100,615", "106,945")  # 35% of $7,333,333 / $24.00, rounded up
    assert moved["Schedule A, Total: April Warrants I warrant shares"] == ("274,406", "291,670")
    assert moved["April Notes I: conversion price"] == ("$25.51", "$24.00")
    # Each lender's warrant shares in two closings, two totals, two prices.
    assert len(moved) == 6 * 2 + 2 + 2


def test_a_removed_lender_takes_its_figures_and_notes_with_it():
    moved = {c.figure: (c.old, c.new) for c in figure_changes(
        derive(parse_term_sheet(OLD).sheet), derive(parse_term_sheet(LENDER_GONE).sheet))}
    assert moved["Schedule A, Midsummer Investment Ltd.: April Notes I"] == ("$2,000,000", None)
    assert moved["Schedule A, Total: April Notes I"] == ("$19,999,999", "$17,999,999")
    assert moved["Note B1-06 (Midsummer Investment Ltd., Third Closing): principal"][1] is None


def test_the_places_that_changed_are_named_by_clause(renderings):
    old, new = renderings["old"], renderings["price"]
    assert compare(old["amendment-1"], new["amendment-1"]).changed_places() == [
        "Section 2.1 (Third Closing)", "Section 3.1 (Fourth Closing)", "Schedule A"]
    assert compare(old["note-third-rockmore"], new["note-third-rockmore"]).changed_places() == [
        "Section 1 (Definitions)"]
    assert not compare(old["note-third-rockmore"], old["note-third-rockmore"]).changed


def test_a_removed_lender_changes_its_signature_page_and_schedule_a(renderings):
    places = compare(renderings["old"]["amendment-1"],
                     renderings["lender"]["amendment-1"]).changed_places()
    assert places == ["the signature pages", "Schedule A"]


def accepted(html: str) -> str:
    root = lxml.html.document_fromstring(html)
    for deleted in list(root.iter("del")):
        deleted.drop_tree()
    for inserted in list(root.iter("ins")):
        inserted.drop_tag()
    return lxml.html.tostring(root, encoding="unicode")


def rejected(html: str) -> str:
    root = copy.deepcopy(lxml.html.document_fromstring(html))
    for inserted in list(root.iter("ins")):
        inserted.drop_tree()
    for deleted in list(root.iter("del")):
        deleted.drop_tag()
    return lxml.html.tostring(root, encoding="unicode")


def words(html: str) -> list[str]:
    return normalize_words(text_of_html(html))


@pytest.mark.parametrize("change", ["price", "lender"])
def test_accepting_every_change_gives_the_new_text_and_rejecting_the_old(renderings, change):
    for name in ("amendment-1", "schedule-a", "note-fourth-omicron"):
        old, new = renderings["old"][name], renderings[change][name]
        marked = redline(old, new, ["Redline"])
        assert words(accepted(marked))[1:] == words(new), name
        assert words(rejected(marked))[1:] == words(old), name


def test_a_price_is_replaced_as_a_whole_figure(renderings):
    marked = redline(renderings["old"]["amendment-1"], renderings["price"]["amendment-1"], [])
    root = lxml.html.document_fromstring(marked)
    # Each struck price ends in a zero-width space: a line may break before the new one.
    assert [" ".join(d.text_content().split()) for d in root.iter("del")][:2] == [
        "$25.51\u200b", "$25.51\u200b"]
    assert [" ".join(i.text_content().split()) for i in root.iter("ins")][:2] == [
        "$24.00", "$24.00"]


def test_a_renumbered_clause_is_a_change_to_its_number_only(renderings):
    inserted = replace_once(OLD, "    - prior_securities_exercise\n    - closings\n",
                            "    - prior_securities_exercise\n    - continued_validity\n"
                            "    - closings\n")
    inserted = replace_once(inserted, "    - continued_validity\n    - closing_mechanics\n",
                            "    - closing_mechanics\n")
    new = next(d.html for d in render_documents(derive(parse_term_sheet(inserted).sheet),
                                                ["amendment"]))
    marked = redline(renderings["old"]["amendment-1"], new, [])
    root = lxml.html.document_fromstring(marked)
    closing = next(p for p in root.iter("p") if "Third Closing. Subject to" in p.text_content())
    assert [d.text_content().strip() for d in closing.iter("del")] == ["2\u200b"]
    assert [i.text_content().strip() for i in closing.iter("ins")] == ["3"]


def snapshot(label: str, text: str, only=(), forms=BUNDLED_FORMS):
    from generator.changes.report import Snapshot
    loaded = parse_term_sheet(text, label)
    deal = derive(loaded.sheet, forms)
    return Snapshot(label, dt.datetime(2026, 12, 1, tzinfo=dt.UTC), loaded, deal,
                    {d.name: d for d in render_documents(deal, only)},
                    deal.forms.digests(fonts=False))


def test_the_report_lists_terms_figures_changed_and_unaffected_documents():
    from generator.changes.report import change_report, report_document
    report = change_report(snapshot("old.yaml", OLD), snapshot("new.yaml", LENDER_GONE))
    kinds = {d.name: (d.kind, d.places) for d in report.documents}
    assert kinds["amendment-1"] == ("changed", ("the signature pages", "Schedule A"))
    assert kinds["note-third-midsummer"] == ("removed", ())
    assert "note-third-rockmore" not in kinds  # the other lenders' notes did not change
    assert "Senior Convertible Note No. B1-01 (Rockmore Investment Master Fund, Ltd)" in (
        report.unaffected)
    text = " ".join(text_of_html(report_document(report, "z", dt.date(2026, 12, 1)).html)
                    .split())
    assert "Lenders Midsummer Investment Ltd. removed from the deal old.yaml:" in text
    assert "Conversion Notice, Note No. B1-06 No longer part of the deal" in text


def test_a_change_of_wording_only_changes_the_documents_that_use_it(tmp_path):
    from generator.changes.report import change_report
    before = snapshot("before", OLD, ["amendment", "note"])
    # A template edit (no term changed): a firm's wording of the note's fractional-shares clause.
    name = "note/_call_right_and_misc.html.j2"
    (tmp_path / "note").mkdir()
    source = BUNDLED_FORMS.path(name).read_text(encoding="utf-8")
    assert "nearest whole share" in source
    (tmp_path / name).write_text(source.replace("nearest whole share", "next whole share"),
                                 encoding="utf-8")
    after = snapshot("after", OLD, ["amendment", "note"],
                     Forms((Folder(tmp_path, "forms"), BUNDLED)))
    report = change_report(before, after)
    assert report.terms == () and report.figures == ()
    assert [(form.name, form.kind) for form in report.forms] == [(name, "changed")]
    assert {d.name for d in report.documents} == {d for d in after.documents
                                                  if d.startswith("note-")}
    assert {d.places for d in report.documents} == {("Section 12 (Fractional Shares)",)}
    assert report.unaffected == (after.documents["amendment-1"].title,)
