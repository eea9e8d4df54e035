"""Checks over whole term sheets: the bundled deals, and broken variants of them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generator.findings import Severity
from generator.pipeline import prepare
from tests.helpers import AMENDMENT_1, AMENDMENT_2, line_of, replace_once

# Schedule A of Amendment No. 1 as executed: lender, April Warrants I and II warrant shares.
SEED_WARRANT_SHARES = {
    "rockmore": (45_734, 22_867),
    "omicron": (100_615, 50_308),
    "smithfield": (45_734, 22_867),
    "iroquois": (27_441, 13_721),
    "cranshire": (27_441, 13_721),
    "midsummer": (27_441, 13_721),
}


def formatted(path) -> list[str]:
    return [finding.format() for finding in prepare(path).findings]


def test_amendment_1_derives_every_warrant_figure_of_the_seed_schedule_a():
    deal = prepare(AMENDMENT_1).deal
    derived = {row.lender.id: (row.warrant_shares["third"], row.warrant_shares["fourth"])
               for row in deal.schedule_a.rows}
    assert derived == SEED_WARRANT_SHARES


def test_amendment_1_reports_what_does_not_add_up():
    name = str(AMENDMENT_1.relative_to(AMENDMENT_1.parent.parent))
    text = AMENDMENT_1.read_text()
    third = line_of(text, "aggregate_principal: 20,000,000")
    fourth = line_of(text, "aggregate_principal: 10,000,000")
    assert [f.replace(str(AMENDMENT_1), name) for f in formatted(AMENDMENT_1)] == [
        f"{name}:{third}: warning: closings[0].notes.aggregate_principal: the lenders' principal "
        "for the Third Closing adds up to $19,999,999, $1 less than the aggregate principal "
        "$20,000,000 (a rounding residue of splitting it); give the lenders' shares as "
        "`percent:` to split the aggregate exactly, or correct the amounts "
        "[schedule-a.aggregate]",
        f"{name}:{fourth}: warning: closings[1].notes.aggregate_principal: the lenders' principal "
        "for the Fourth Closing adds up to $10,000,001, $1 more than the aggregate principal "
        "$10,000,000 (a rounding residue of splitting it); give the lenders' shares as "
        "`percent:` to split the aggregate exactly, or correct the amounts "
        "[schedule-a.aggregate]",
    ]


def test_amendment_2_is_clean_and_its_additional_warrants_add_up():
    prepared = prepare(AMENDMENT_2)
    assert prepared.findings == []
    assert prepared.deal.schedule_a.totals.additional_warrants == 827_789


def test_seed_schedule_a_total_row_is_caught(write_sheet):
    text = AMENDMENT_1.read_text() + (
        "\nschedule_a_totals:\n  additional_warrants: 111,113\n  principal:\n"
        "    third: 20,000,000\n    fourth: 10,000,000\n  warrant_shares:\n"
        "    third: 274,316\n    fourth: 137,205\n")
    errors = [f for f in prepare(write_sheet(text)).findings if f.severity is Severity.ERROR]
    assert [(f.code, f.path, f.message) for f in errors] == [
        ("schedule-a.total", "schedule_a_totals.principal.third",
         "the total of April Notes I principal is stated as $20,000,000, but the rows add up "
         "to $19,999,999 (-$1)"),
        ("schedule-a.total", "schedule_a_totals.principal.fourth",
         "the total of April Notes II principal is stated as $10,000,000, but the rows add up "
         "to $10,000,001 (+$1)"),
        ("schedule-a.total", "schedule_a_totals.warrant_shares.third",
         "the total of April Warrants I warrant shares is stated as 274,316, but the rows add "
         "up to 274,406 (+90)"),
    ]


BROKEN = {
    "stated warrant shares differ from derived": (
        "third: 45,734\n      fourth: 22,867\n  - lender: omicron",
        "third: 45,743\n      fourth: 22,867\n  - lender: omicron",
        "schedule-a.warrant-shares", "schedule_a[0].warrant_shares.third",
        "45,743 warrant shares are stated, but 35% of $3,333,333 at $25.51, rounded up, is "
        "45,734 (+9)"),
    "unknown lender in Schedule A": (
        "  - lender: cranshire", "  - lender: cranshir",
        "ref.unknown-lender", "schedule_a[4].lender", "no lender has the id 'cranshir'"),
    "principal far from the aggregate": (
        "third: 2,000,000\n      fourth: 1,000,000\n    warrant_shares:\n      third: 27,441\n"
        "      fourth: 13,721\n  - lender: cranshire",
        "third: 2,500,000\n      fourth: 1,000,000\n    warrant_shares:\n      third: 34,301\n"
        "      fourth: 13,721\n  - lender: cranshire",
        "schedule-a.aggregate", "closings[0].notes.aggregate_principal",
        "the lenders' principal for the Third Closing adds up to $20,499,999, $499,999 more "
        "than the aggregate principal $20,000,000"),
    "fee reimbursement larger than the purchase price": (
        "amount: 30,000", "amount: 3,500,000",
        "fee.exceeds-price", "fee_reimbursements[0].amount",
        "the reimbursement $3,500,000 is more than the lender's purchase price $3,333,333"),
    "amendment dated before the agreement it amends": (
        "date: 2005-02-09\n    defined_as: February Purchase",
        "date: 2006-05-01\n    defined_as: February Purchase",
        "dates.order", "agreements[1].date",
        "February Purchase Agreement is dated 2006-05-01, after this document's date "
        "2006-04-28"),
    "exhibit label used twice": (
        "exhibit: C-2", "exhibit: B-1",
        "exhibit.duplicate", "closings[1].warrants.exhibit",
        "Exhibit B-1 is already the exhibit of closings[0].notes.exhibit (line {b1})"),
    "unknown closing in a row": (
        "      fourth: 1,666,667\n    warrant_shares:\n      third: 45,734\n      fourth: 22,867\n"
        "  - lender: omicron",
        "      fith: 1,666,667\n    warrant_shares:\n      third: 45,734\n      fourth: 22,867\n"
        "  - lender: omicron",
        "ref.unknown-closing", "schedule_a[0].principal.fith", "no closing has the id 'fith'"),
    "unknown clause": (
        "    - registration_rights\n", "    - registraton_rights\n",
        "ref.unknown-clause", "amendment.sections[3]", "no clause has the id 'registraton_rights'"),
    "a price adjustment before the notes are issued": (
        "      conversion_price: 25.51\n      maturity_months: 42\n    warrants:\n"
        "      exhibit: C-1",
        "      conversion_price: 25.51\n      maturity_months: 42\n      price_adjustments:\n"
        "        - {effective: 2006-05-01, conversion_price: 12.755, reason: split}\n"
        "    warrants:\n      exhibit: C-1",
        "dates.order", "closings[0].notes.price_adjustments[0].effective",
        "the adjustment takes effect on 2006-05-01, not after the Original Issue Date "
        "(2006-05-12)"),
    "a lender holding more shares than are outstanding": (
        "  common_stock_par_value: 0.01 ",
        "  shares_outstanding: 1,000\n  common_stock_par_value: 0.01 ",
        "ownership.holdings", "lenders[0].shares_held",
        "Rockmore Investment Master Fund, Ltd holds 5,000 shares, more than the 1,000 "
        "outstanding"),
}


@pytest.mark.parametrize("old, new, code, path, message", BROKEN.values(), ids=BROKEN.keys())
def test_broken_deal_gets_its_finding(write_sheet, old, new, code, path, message):
    text = AMENDMENT_1.read_text().replace(
        "    short_name: Rockmore\n", "    short_name: Rockmore\n    shares_held: 5,000\n")
    findings = prepare(write_sheet(replace_once(text, old, new))).findings
    errors = [(f.code, f.path, f.message) for f in findings if f.severity is Severity.ERROR]
    assert errors == [(code, path, message.format(b1=line_of(text, "exhibit: B-1")))]


def test_holdings_without_the_shares_outstanding_are_a_warning(write_sheet):
    text = replace_once(AMENDMENT_1.read_text(), "    short_name: Rockmore\n",
                        "    short_name: Rockmore\n    shares_held: 5,000\n")
    (finding,) = [f for f in prepare(write_sheet(text)).findings
                  if f.code == "ownership.outstanding"]
    assert (finding.severity, finding.path) == (Severity.WARNING, "lenders[0].shares_held")


def test_unknown_reference_suggests_the_near_id(write_sheet):
    text = replace_once(AMENDMENT_1.read_text(), "  - lender: cranshire", "  - lender: cranshir")
    (finding,) = [f for f in prepare(write_sheet(text)).findings if f.code.startswith("ref.")]
    assert finding.fix == "did you mean 'cranshire'?"


def test_lender_declared_and_never_allocated_is_a_warning(write_sheet):
    text = replace_once(AMENDMENT_2.read_text(), "  - id: midsummer\n",
                        "  - id: newco\n    legal_name: NewCo LP\n  - id: midsummer\n")
    (finding,) = prepare(write_sheet(text)).findings
    assert (finding.severity, finding.code, finding.message) == (
        Severity.WARNING, "schedule-a.unallocated-lender",
        "NewCo LP is a lender but has no row in Schedule A")


def test_additional_warrants_checked_against_the_shares_exercised(write_sheet):
    text = replace_once(AMENDMENT_2.read_text(), "additional_warrants: 124,168",
                        "additional_warrants: 124,186")
    (finding,) = prepare(write_sheet(text)).findings
    assert finding.message == ("Schedule A's Additional Warrants add up to 827,807, but 100% "
                               "of the 827,789 shares exercised is 827,789 (+18)")


def test_percentages_split_the_aggregate_exactly(write_sheet):
    text = AMENDMENT_1.read_text()
    for row, (third, fourth) in {"3,333,333": ("16.6667", "16.6667"),
                                 "7,333,333": ("36.6666", "36.6666")}.items():
        text = text.replace(f"third: {row}\n", f"third: {third}\n")
    text = text.replace("    principal:\n      third: 2,000,000\n      fourth: 1,000,000\n",
                        "    percent:\n      third: 10\n      fourth: 10\n")
    text = text.replace("    principal:\n      third: 16.6667\n", "    percent:\n      third: 16.6667\n")
    text = text.replace("    principal:\n      third: 36.6666\n", "    percent:\n      third: 36.6666\n")
    text = (text.replace("fourth: 1,666,667", "fourth: 16.6667")
                .replace("fourth: 3,666,667", "fourth: 36.6666"))
    text = "\n".join(line for line in text.splitlines()
                     if not line.startswith("    warrant_shares:")
                     and not (line.startswith("      third: ") and "," in line)
                     and not (line.startswith("      fourth: ") and "," in line)) + "\n"
    prepared = prepare(write_sheet(text))
    assert [f.code for f in prepared.findings] == []
    third = {row.lender.id: row.principal["third"] for row in prepared.deal.schedule_a.rows}
    assert third == {"rockmore": 3_333_340, "omicron": 7_333_320, "smithfield": 3_333_340,
                     "iroquois": 2_000_000, "cranshire": 2_000_000, "midsummer": 2_000_000}
    totals = prepared.deal.schedule_a.totals.principal
    assert totals == {"third": Decimal(20_000_000), "fourth": Decimal(10_000_000)}


def test_a_section_without_the_data_it_is_written_from_fails_validation(write_sheet):
    text = AMENDMENT_2.read_text()
    start = text.index("waivers:\n")
    text = text[:start] + text[text.index("\n\n", start) + 2:]
    (finding,) = prepare(write_sheet(text)).findings
    assert (finding.code, finding.path, finding.fix) == (
        "ref.clause-needs", "amendment.sections[3]",
        "add `waivers:` (see term_sheets/ for examples), or remove the section")
    assert "the 'waivers' section is written from the term sheet's `waivers:`" in finding.message


MORE_BROKEN = {
    "a closing no lender takes part in": (
        "closings:\n", "closings:\n  - id: fifth\n    name: Fifth Closing\n    date: 2006-09-01\n"
        "    notes:\n      exhibit: B-3\n      name: April Notes III\n"
        "      aggregate_principal: 5,000,000\n      conversion_price: 25.51\n"
        "      maturity_months: 42\n",
        "schedule-a.empty-closing", "closings[0]",
        "no lender takes part in the Fifth Closing: Schedule A gives nobody principal of its "
        "$5,000,000"),
    "a closing without a date": (
        "    date: 2006-07-17\n", "",
        "dates.missing", "closings[1]",
        "the Fourth Closing has no date, and its notes need an Original Issue Date"),
    "a fixed rate that ends before the notes are issued": (
        "fixed_rate_through: 2007-10-31", "fixed_rate_through: 2006-06-01",
        "dates.order", "note_terms.floating_rate.fixed_rate_through",
        "the fixed rate runs through 2006-06-01, before the Fourth Closing's notes are issued "
        "on 2006-07-17"),
    "a rate index no template defines": (
        "index: libor", "index: euribor",
        "ref.unknown-rate-index", "note_terms.floating_rate.index",
        "no rate index has the id 'euribor'"),
    "a closing that follows an Event Date nobody defined": (
        "event_date:\n  legal_opinion_of: Hungarian counsel to Zoltek and Opco\n"
        "  security_agreement: Mortgage and Security Agreement\n"
        "  lender_may_require_after_days: 30\n", "",
        "ref.event-date", "closings[1].trigger",
        "the Fourth Closing follows the Event Date, which the term sheet does not define"),
    "a collective name that is one closing's own": (
        "event_date:\n", "collective_names:\n  notes: April Notes I\n\nevent_date:\n",
        "names.collective", "closings[0].notes.name",
        "'April Notes I' names the Third Closing's notes, and would also name the notes of all "
        "the closings together"),
    "a shareholder approval due before the amendment": (
        "deadline: 2006-07-26", "deadline: 2006-01-26",
        "dates.order", "note_terms.shareholder_approval.deadline",
        "the shareholder approval is due 2006-01-26, before this document's date 2006-04-28"),
    "an amended agreement without the defined term the documents use": (
        "    defined_as: February Purchase Agreement\n", "",
        "ref.defined-as", "agreements[1]",
        "the documents refer to the Loan and Warrant Agreement dated 2005-02-09 by its defined "
        "term, and it has none"),
    "a prior financing whose securities have no name": (
        "    securities: {notes: 2004 Notes}\n", "",
        "ref.defined-as", "note_terms.prior_financings[2].agreement",
        "the note names the notes issued under the Loan and Warrant Agreement dated 2004-10-14, "
        "and neither the agreement nor this entry names them"),
    "a right to terminate with no closing waiting for the exchange's approval": (
        "    trigger: exchange_approval     # the Nasdaq Approval\n", "",
        "ref.termination", "termination",
        "the Lenders' right to terminate runs from the exchange's approval, and no closing "
        "waits for it"),
    "a section listed twice": (
        "    - continued_validity\n", "    - continued_validity\n    - continued_validity\n",
        "ref.duplicate-id", "amendment.sections[5]",
        "the section 'continued_validity' is listed twice"),
}


@pytest.mark.parametrize("old, new, code, path, message", MORE_BROKEN.values(),
                         ids=MORE_BROKEN.keys())
def test_more_broken_deals_get_their_finding(write_sheet, old, new, code, path, message):
    findings = prepare(write_sheet(replace_once(AMENDMENT_1.read_text(), old, new))).findings
    errors = [(f.code, f.path, f.message) for f in findings if f.severity is Severity.ERROR]
    assert (code, path, message) in errors


def test_mixed_allocation_is_one_error_not_a_cascade(write_sheet):
    text = replace_once(AMENDMENT_1.read_text(), "    principal:\n      third: 2,000,000\n"
                        "      fourth: 1,000,000\n    warrant_shares:\n      third: 27,441\n"
                        "      fourth: 13,721\n  - lender: cranshire",
                        "    percent:\n      third: 10\n      fourth: 10\n  - lender: cranshire")
    errors = [f.code for f in prepare(write_sheet(text)).findings
              if f.severity is Severity.ERROR]
    assert errors == ["schedule-a.mixed-allocation", "schedule-a.mixed-allocation"]


def test_null_is_not_a_name(write_sheet):
    from generator.errors import TermSheetError
    text = replace_once(AMENDMENT_1.read_text(), "short_name: Rockmore", "short_name: null")
    with pytest.raises(TermSheetError) as caught:
        prepare(write_sheet(text))
    assert "'null' is YAML's empty value" in caught.value.findings[0].message


def test_a_prior_financing_must_be_a_declared_agreement(write_sheet):
    text = AMENDMENT_1.read_text()
    start = text.index("  - id: loan_agreement_2004")
    text = text[:start] + text[text.index("\n\nlenders:", start) + 1:]
    findings = [(f.code, f.path, f.message) for f in prepare(write_sheet(text)).findings
                if f.severity is Severity.ERROR]
    assert findings == [("ref.unknown-agreement", "note_terms.prior_financings[2].agreement",
                         "no agreement has the id 'loan_agreement_2004'")]
