"""Typed values: each broken term sheet is paired with the exact message it must produce."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generator.errors import TermSheetError
from generator.termsheet import parse_term_sheet

from tests.helpers import changed_line, replace_once

CASES = {
    "string where a number belongs": (
        "conversion_price: 25.51\n      maturity_months: 42\n    warrants:\n      exhibit: C-1",
        "conversion_price: twenty-five\n      maturity_months: 42\n    warrants:\n      exhibit: C-1",
        "t.yaml:{line}: error: closings[0].notes.conversion_price: 'twenty-five' is not a price "
        "per share; write it like 25.51 or 0.0001 [model.value]"),
    "a price per share with seven decimal places": (
        "conversion_price: 25.51\n      maturity_months: 42\n    warrants:\n      exhibit: C-1",
        "conversion_price: 25.5100001\n      maturity_months: 42\n    warrants:\n      exhibit: C-1",
        "t.yaml:{line}: error: closings[0].notes.conversion_price: 25.5100001 has more than 6 "
        "decimal places; a price per share is exact to $0.000001 [model.value]"),
    "a closing id with a hyphen, which would make note file names ambiguous": (
        "  - id: third\n", "  - id: third-a\n",
        "t.yaml:{line}: error: closings[0].id: 'third-a' is not a closing id; a closing id has "
        "no '-' (a note's files are named <closing>-<lender>): write third_a [model.value]"),
    "money with a fraction of a cent": (
        "amount: 30,000", "amount: 30,000.005",
        "t.yaml:{line}: error: fee_reimbursements[0].amount: 30000.005 has a fraction of a cent; "
        "amounts are in whole cents [model.value]"),
    "negative amount": (
        "amount: 30,000", "amount: -30,000",
        "t.yaml:{line}: error: fee_reimbursements[0].amount: an amount of money cannot be "
        "negative: -30,000 [model.value]"),
    "zero amount": (
        "amount: 30,000", "amount: 0",
        "t.yaml:{line}: error: fee_reimbursements[0].amount: an amount must be more than zero, "
        "not 0 [model.value]"),
    ".nan amount": (
        "amount: 30,000", "amount: .nan",
        "t.yaml:{line}: error: fee_reimbursements[0].amount: '.nan' is not an amount of money; "
        "write it like 20,000,000 or 25.51 [model.value]"),
    ".inf amount": (
        "amount: 30,000", "amount: .inf",
        "t.yaml:{line}: error: fee_reimbursements[0].amount: '.inf' is not an amount of money; "
        "write it like 20,000,000 or 25.51 [model.value]"),
    "coverage written as a string with %": (
        "name: April Warrants I\n      coverage_percent: 35",
        "name: April Warrants I\n      coverage_percent: 35%",
        "t.yaml:{line}: error: closings[0].warrants.coverage_percent: write the percentage as a "
        "number without the % sign: 35 [model.value]"),
    "coverage above 100%": (
        "name: April Warrants I\n      coverage_percent: 35",
        "name: April Warrants I\n      coverage_percent: 135",
        "t.yaml:{line}: error: closings[0].warrants.coverage_percent: coverage must be more than 0 "
        "and at most 100 (percent), not 135 [model.value]"),
    "missing required field": (
        "  legal_name: Zoltek Companies, Inc.\n", "",
        "t.yaml:16: error: company.legal_name: 'legal_name' is required; add it (see the "
        "README's term-sheet reference) [model.missing]"),
    "impossible date": (
        "date: 2005-02-09\n    defined_as: February Purchase",
        "date: 2005-02-29\n    defined_as: February Purchase",
        "t.yaml:{line}: error: agreements[1].date: 2005-02-29 is not a calendar date (day is out "
        "of range for month) [model.value]"),
    "date in another format": (
        "date: 2006-04-28\n\ncompany", "date: April 28, 2006\n\ncompany",
        "t.yaml:14: error: deal.date: 'April 28, 2006' is not a date; write it as YYYY-MM-DD, "
        "like 2006-04-28 [model.value]"),
    "unquoted NO where true or false is expected": (
        "administrative_agent: true", "administrative_agent: NO",
        "t.yaml:{line}: error: lenders[1].administrative_agent: 'NO' is not true or false; "
        "write true or false [model.value]"),
    "a time of day written loosely": (
        'press_release_by: "11:00 a.m."', "press_release_by: 11am",
        "t.yaml:{line}: error: public_announcement.press_release_by: '11am' is not a time of day; "
        "write it like 11:00 a.m. or 4:30 p.m. [model.value]"),
    "a count in words": (
        "maturity_months: 42\n    warrants:\n      exhibit: C-1",
        "maturity_months: forty-two\n    warrants:\n      exhibit: C-1",
        "t.yaml:{line}: error: closings[0].notes.maturity_months: 'forty-two' is not a whole "
        "number; write it like 42 [model.value]"),
    "an empty list of sections": (
        "  sections:\n    - prior_securities_exercise\n    - closings\n    - other_amendments\n"
        "    - registration_rights\n    - continued_validity\n    - closing_mechanics\n"
        "    - miscellaneous\n", "  sections: []\n",
        "t.yaml:{line}: error: amendment.sections: 'sections' needs at least one entry; add one "
        "(see the README's term-sheet reference) [model.empty]"),
    "misspelt key": (
        "  notice_attention: Chief", "  notice_atention: Chief",
        "t.yaml:23: error: company.notice_atention: unknown key 'notice_atention'; did you "
        "mean 'notice_attention'? [model.unknown-key]"),
    "a list where a mapping belongs": (
        "signatory:\n    name: Kevin Schott\n    title: Chief Financial Officer",
        "signatory:\n    - Kevin Schott",
        "t.yaml:24: error: company.signatory: expected a mapping of keys, not a list "
        "[model.value]"),
    "text that is not an id": (
        "  - id: rockmore", "  - id: Rockmore Fund",
        "t.yaml:{line}: error: lenders[0].id: 'Rockmore Fund' is not an id; use at most 64 "
        "lowercase letters, digits, _ and -, starting with a letter (like rockmore or third) "
        "[model.value]"),
    # Issue 11, case 9: the message names the limit a 65-character id is over.
    "an id of 65 characters": (
        "  - id: rockmore", "  - id: r" + "o" * 64,
        f"t.yaml:{{line}}: error: lenders[0].id: 'r{'o' * 64}' is not an id; use at most 64 "
        "lowercase letters, digits, _ and -, starting with a letter (like rockmore or third) "
        "[model.value]"),
    # Issue 11, case 9: figures grouped wrongly are typos, not $20,000,000.
    "money with a leading zero group": (
        "aggregate_principal: 20,000,000", "aggregate_principal: 0,020,000,000",
        "t.yaml:{line}: error: closings[0].notes.aggregate_principal: '0,020,000,000' is not an "
        "amount of money (a figure does not start with 0); write it like 20,000,000 or 25.51 "
        "[model.value]"),
    "money with a trailing underscore": (
        "aggregate_principal: 20,000,000", "aggregate_principal: 20_000_000_",
        "t.yaml:{line}: error: closings[0].notes.aggregate_principal: '20_000_000_' is not an "
        "amount of money (digits are grouped with commas, not underscores); write it like "
        "20,000,000 or 25.51 [model.value]"),
    "money with commas in the wrong places": (
        "aggregate_principal: 20,000,000", "aggregate_principal: 2,0000,000",
        "t.yaml:{line}: error: closings[0].notes.aggregate_principal: '2,0000,000' is not an "
        "amount of money (commas go between groups of three digits, counted from the right); "
        "write it like 20,000,000 or 25.51 [model.value]"),
    "shares grouped wrongly": (
        "third: 100,615", "third: 100,6150",
        "t.yaml:{line}: error: schedule_a[1].warrant_shares.third: '100,6150' is not a whole "
        "number (commas go between groups of three digits, counted from the right); write it "
        "like 45,734 [model.value]"),
    # Issue 11, case 4: 27 digits were a decimal.InvalidOperation traceback.
    "an amount of 27 digits": (
        "amount: 30,000", "amount: 100000000000000000000000000",
        "t.yaml:{line}: error: fee_reimbursements[0].amount: an amount must be less than "
        "$1,000,000,000,000, not 100,000,000,000,000,000,000,000,000 [model.value]"),
    "a price per share of 27 digits": (
        "conversion_price: 25.51\n      maturity_months: 42\n    warrants:\n      exhibit: C-1",
        "conversion_price: 100000000000000000000000000\n      maturity_months: 42\n    "
        "warrants:\n      exhibit: C-1",
        "t.yaml:{line}: error: closings[0].notes.conversion_price: an amount must be less than "
        "$1,000,000,000,000, not 100,000,000,000,000,000,000,000,000 [model.value]"),
    # Issue 11, case 4: a closing in year 9996 has no maturity date 42 months on.
    "a date past the calendar's end": (
        "date: 2006-05-12", "date: 9996-05-12",
        "t.yaml:{line}: error: closings[0].date: 9996-05-12 is outside the dates a term sheet "
        "can use, 1900-01-01 to 2199-12-31 [model.value]"),
    "a count beyond any deal": (
        "maturity_months: 42\n    warrants:\n      exhibit: C-1",
        "maturity_months: 1000000\n    warrants:\n      exhibit: C-1",
        "t.yaml:{line}: error: closings[0].notes.maturity_months: must be at least 1 and at "
        "most 1,000, not 1,000,000 [model.value]"),
}


@pytest.mark.parametrize("old, new, expected", CASES.values(), ids=CASES.keys())
def test_broken_value_gets_its_exact_message(amendment_1_text, old, new, expected):
    text = replace_once(amendment_1_text, old, new)
    with pytest.raises(TermSheetError) as caught:
        parse_term_sheet(text, "t.yaml")
    line = changed_line(amendment_1_text, text)
    assert [finding.format() for finding in caught.value.findings] == [expected.format(line=line)]


def test_all_errors_are_reported_at_once(amendment_1_text):
    fee = replace_once(amendment_1_text, "amount: 30,000", "amount: -1")
    text = replace_once(fee, "date: 2005-02-09\n    defined_as: February Purchase",
                        "date: 2005-02-29\n    defined_as: February Purchase")
    with pytest.raises(TermSheetError) as caught:
        parse_term_sheet(text, "t.yaml")
    assert [f.mark.line for f in caught.value.findings] == [
        changed_line(fee, text), changed_line(amendment_1_text, fee)]


def test_unquoted_no_and_leading_zero_stay_text_where_text_is_expected(amendment_1_text):
    text = replace_once(amendment_1_text, "short_name: Omicron", "short_name: NO")
    text = replace_once(text, "fax: (314) 291-9082", "fax: 010000")
    sheet = parse_term_sheet(text).sheet
    assert sheet.lenders[1].short_name == "NO"
    assert sheet.company.fax == "010000"


@pytest.mark.parametrize("written", ["0.0001", "25.5125", "0.000001", "14.505051"])
def test_prices_per_share_keep_up_to_six_places(amendment_1_text, written):
    text = replace_once(amendment_1_text, "common_stock_par_value: 0.01",
                        f"common_stock_par_value: {written}")
    assert parse_term_sheet(text).sheet.company.common_stock_par_value == Decimal(written)


def test_money_is_read_exactly_as_written(amendment_1_text):
    text = replace_once(amendment_1_text, "conversion_price: 25.51\n      maturity_months: 42\n"
                        "    warrants:\n      exhibit: C-1",
                        "conversion_price: 0.10\n      maturity_months: 42\n"
                        "    warrants:\n      exhibit: C-1")
    price = parse_term_sheet(text).sheet.closings[0].notes.conversion_price
    assert price == Decimal("0.10") and isinstance(price, Decimal)
