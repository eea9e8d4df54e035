"""Conversions checked and computed (generator.conversions.record, interest, batch, checks):
each refusal paired with the exact message it must give, each figure with the clause that
decides it. Pure: no database here (tests/test_conversions_log.py has the log)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

from generator.conversions.batch import read_batch
from generator.conversions.checks import check_log
from generator.conversions.log import CONVERSION, RESCISSION, Entry, NewEntry
from generator.conversions.record import (Request, plan_conversion, plan_conversions,
                                          plan_rescission)
from generator.errors import ConversionError
from generator.findings import Severity
from generator.formatting import price
from generator.pipeline import Prepared, prepare
from tests.helpers import AMENDMENT_1, replace_once

DEAL = "zoltek-amendment-1"
TEXT = AMENDMENT_1.read_text()


@pytest.fixture(scope="module")
def zoltek() -> Prepared:
    return prepare(AMENDMENT_1)


def variant(tmp_path: Path, *replacements: tuple[str, str]) -> Prepared:
    text = TEXT
    for old, new in replacements:
        text = replace_once(text, old, new)
    path = tmp_path / "zoltek-amendment-1.yaml"
    path.write_text(text)
    return prepare(path)


def refusal(prepared: Prepared, request: Request, history=()) -> list[str]:
    with pytest.raises(ConversionError) as caught:
        plan_conversion(prepared, request, list(history))
    return [finding.format() for finding in caught.value.findings]


def entry(conversion_or_new: NewEntry, entry_id: int, rescinded_by: int | None = None) -> Entry:
    return Entry(**vars(conversion_or_new), id=entry_id,
                 recorded_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), recorded_by="tester",
                 rescinded_by=rescinded_by)


def line_after(anchor: str, needle: str, text: str = TEXT) -> int:
    """The line of the first `needle` after `anchor` in `text` (the bundled term sheet)."""
    start = text.index(anchor)
    return text[:text.index(needle, start)].count("\n") + 1


ROCKMORE_THIRD = line_after("- lender: rockmore", "third: 3,333,333")


# --- The acceptance figures: B1-01, Third Closing, Rockmore, $3,333,333 at $25.51. ---


def test_converting_1_000_000_of_b1_01_issues_39_201_shares(zoltek):
    conversion = plan_conversion(zoltek, Request("B1-01", "2006-06-01", "1,000,000"), [])
    assert conversion.note.lender.id == "rockmore" and conversion.note.number == "B1-01"
    assert conversion.conversion_price == D("25.51")
    assert (conversion.principal_before, conversion.principal_converted,
            conversion.principal_after) == (D("3333333"), D("1000000"), D("2333333"))
    assert conversion.shares == conversion.principal_shares == 39_201  # 39,200.31 rounded up
    assert conversion.interest is None and conversion.warnings == ()


def test_the_rest_in_two_more_steps_leaves_nothing_and_a_further_dollar_is_refused(zoltek):
    requests = [Request("third-rockmore", "2006-06-01", "1,000,000"),
                Request("note-third-rockmore", "2006-06-15", "2,000,000"),
                Request("b1-01", "2006-07-03", "333,333")]
    planned = plan_conversions(zoltek, requests, [])
    assert [c.principal_after for c in planned] == [D("2333333"), D("333333"), D("0")]
    assert [c.shares for c in planned] == [39_201, 78_401, 13_067]
    history = [entry(c.entry(DEAL), i) for i, c in enumerate(planned, start=1)]
    assert refusal(zoltek, Request("B1-01", "2006-07-03", "1"), history) == [
        f"{AMENDMENT_1}:{ROCKMORE_THIRD}: error: --principal: $1 is more than the $0 "
        "outstanding on note B1-01 (third-rockmore) on July 3, 2006: its principal $3,333,333 "
        "less $3,333,333 converted; nothing is left to convert [convert.exceeds-outstanding]"]


# --- Refusals, each with its exact message. ---

REFUSALS = {
    "zero": (("B1-01", "2006-06-01", "0"),
             "error: --principal: an amount must be more than zero, not 0; give the principal "
             "to convert in dollars and whole cents, more than zero: 1,000,000 or 2500.50 "
             "[convert.amount]"),
    "negative": (("B1-01", "2006-06-01", "-5"),
                 "error: --principal: an amount of money cannot be negative: -5; give the "
                 "principal to convert in dollars and whole cents, more than zero: 1,000,000 or "
                 "2500.50 [convert.amount]"),
    "not a number": (("B1-01", "2006-06-01", "a million"),
                     "error: --principal: 'a million' is not an amount of money; write it like "
                     "20,000,000 or 25.51 [convert.amount]"),
    "a float's exponent": (("B1-01", "2006-06-01", "1e6"),
                           "error: --principal: '1e6' is not an amount of money; write it like "
                           "20,000,000 or 25.51 [convert.amount]"),
    "a fraction of a cent": (("B1-01", "2006-06-01", "1000.005"),
                             "error: --principal: 1000.005 has a fraction of a cent; amounts "
                             "are in whole cents; give the principal to convert in dollars and "
                             "whole cents, more than zero: 1,000,000 or 2500.50 "
                             "[convert.amount]"),
    "a date that does not exist": (("B1-01", "2006-02-30", "1000"),
                                   "error: --date: 2006-02-30 is not a calendar date (day is "
                                   "out of range for month); give the Conversion Date as "
                                   "YYYY-MM-DD, like 2006-06-01 [convert.date]"),
    "a date written otherwise": (("B1-01", "06/01/2006", "1000"),
                                 "error: --date: '06/01/2006' is not a date; write it as "
                                 "YYYY-MM-DD, like 2006-04-28 [convert.date]"),
    "an unknown note": (("B1-1", "2006-06-01", "1000"),
                        "error: --note: no note is named 'B1-1'; did you mean 'B1-01'? "
                        "[convert.unknown-note]"),
    "a misspelt lender": (("third-rockmoor", "2006-06-01", "1000"),
                          "error: --note: no note is named 'third-rockmoor'; did you mean "
                          "'third-rockmore'? [convert.unknown-note]"),
}


@pytest.mark.parametrize("values, message", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_bad_request_is_refused_with_what_would_be_right(zoltek, values, message):
    assert refusal(zoltek, Request(*values)) == [message]


def test_every_problem_of_a_request_is_reported_at_once(zoltek):
    assert [m.split(": ")[1] for m in refusal(zoltek, Request("B1-01", "2006-13-01", "0"))] == [
        "--date", "--principal"]


def test_a_date_outside_the_notes_term_is_refused_at_the_term_sheets_line(zoltek):
    closing_date = line_after("- id: third", "date: 2006-05-12")
    maturity = line_after("- id: third", "maturity_months: 42")
    assert refusal(zoltek, Request("B1-01", "2006-05-11", "1000")) == [
        f"{AMENDMENT_1}:{closing_date}: error: --date: 2006-05-11 is before note B1-01's "
        "Original Issue Date, May 12, 2006; a note converts from its Original Issue Date on "
        "(Section 5(a)); check the date [convert.date-range]"]
    assert refusal(zoltek, Request("B1-01", "2009-11-13", "1000")) == [
        f"{AMENDMENT_1}:{maturity}: error: --date: 2009-11-13 is after note B1-01's Maturity "
        "Date, November 12, 2009; a note converts until it matures; check the date "
        "[convert.date-range]"]
    # Both ends are days a note converts on.
    plan_conversion(zoltek, Request("B1-01", "2006-05-12", "1000"), [])
    plan_conversion(zoltek, Request("B1-01", "2009-11-12", "1000"), [])


def test_the_same_note_date_and_amount_again_needs_again(zoltek):
    first = entry(plan_conversion(zoltek, Request("B1-01", "2006-06-01", "1000"), [])
                  .entry(DEAL), 7)
    assert refusal(zoltek, Request("B1-01", "2006-06-01", "1,000.00"), [first]) == [
        "error: --principal: the conversion of $1,000 of note B1-01 on June 1, 2006 is already "
        "recorded (entry 7); to record a second conversion of the same amount on the same day, "
        "repeat with --again (a CSV batch: --again on the command line) [convert.duplicate]"]
    again = plan_conversion(zoltek, Request("B1-01", "2006-06-01", "1000", again=True), [first])
    assert again.principal_after == D("3331333")
    # Another amount, or another day, is no repeat.
    plan_conversion(zoltek, Request("B1-01", "2006-06-01", "1000.01"), [first])
    plan_conversion(zoltek, Request("B1-01", "2006-06-02", "1000"), [first])


def test_a_conversion_dated_before_one_recorded_is_refused(zoltek):
    later = entry(plan_conversion(zoltek, Request("B1-01", "2006-07-01", "1000"), [])
                  .entry(DEAL), 3)
    assert refusal(zoltek, Request("B1-01", "2006-06-01", "5000"), [later]) == [
        "error: --date: the log records a conversion of note B1-01 on July 1, 2006 (entry 3), "
        "after 2006-06-01; record conversions in the order of their dates, or rescind the "
        "later one first [convert.date-order]"]
    # Another note's conversions do not count.
    plan_conversion(zoltek, Request("B1-02", "2006-06-01", "5000"), [later])


def test_csv_rows_are_located_at_their_line_and_column(zoltek, tmp_path):
    batch = tmp_path / "batch.csv"
    batch.write_text("note,date,principal,interest\n"
                     "B1-01,2006-06-01,\"1,000,000\",no\n"
                     "B1-01,2006-06-02,0,no\n"
                     "B1-09,2006-06-03,5,maybe\n"
                     "B1-02,2006-06-30,5,yes\n")
    with pytest.raises(ConversionError) as caught:
        read_batch(batch)
    assert [f.format() for f in caught.value.findings] == [
        f"{batch}:4: error: interest: 'maybe' is not yes or no; write yes to convert the "
        "accrued interest too, or no [batch.file]"]
    batch.write_text(batch.read_text().replace("maybe", "no"))
    requests = read_batch(batch)
    with pytest.raises(ConversionError) as caught:
        plan_conversions(zoltek, requests, [])
    assert [f.format() for f in caught.value.findings] == [
        f"{batch}:3: error: principal: an amount must be more than zero, not 0; give the "
        "principal to convert in dollars and whole cents, more than zero: 1,000,000 or 2500.50 "
        "[convert.amount]",
        f"{batch}:4: error: note: no note is named 'B1-09'; did you mean 'B1-06'? "
        "[convert.unknown-note]"]


def test_rows_of_a_batch_count_against_each_other(zoltek, tmp_path):
    batch = tmp_path / "batch.csv"
    batch.write_text("note,date,principal\nB1-01,2006-06-01,3000000\nB1-01,2006-06-02,333334\n")
    with pytest.raises(ConversionError) as caught:
        plan_conversions(zoltek, read_batch(batch), [])
    (finding,) = caught.value.findings
    assert finding.format().startswith(f"{batch}:3: error: principal: $333,334 is more than the "
                                       "$333,333 outstanding on note B1-01")


@pytest.mark.parametrize("text, message", [
    ("", "1: error: the file is empty; start with the header note,date,principal,interest,"
         "index_rate [batch.file]"),
    ("note,date,amount\n", "1: error: amount: unknown column 'amount'; the columns are note, "
                           "date, principal, interest, index_rate [batch.file]"),
    ("note,date,principal\n", "2: error: the file has a header and no rows; add one row per "
                              "conversion [batch.file]"),
    ("note,date,principal\nB1-01,2006-06-01,1,000\n",
     "2: error: the row has 4 cells and the header 3; give one cell per column (quote a value "
     "that holds a comma) [batch.file]"),
])
def test_a_malformed_batch_file_is_refused_whole(tmp_path, text, message):
    batch = tmp_path / "batch.csv"
    batch.write_text(text)
    with pytest.raises(ConversionError) as caught:
        read_batch(batch)
    assert f"{batch}:{message}" in [f.format() for f in caught.value.findings]


# --- Interest (Note, Sections 2(a), 5(a), 6(a)). ---


def test_interest_accrues_from_the_last_interest_payment_date_at_the_fixed_rate(zoltek):
    c = plan_conversion(zoltek, Request("B1-01", "2006-07-03", "2,000,000", interest=True), [])
    # June 30 to July 3: 3 days of 7.5% on $2,000,000 over 360 days.
    assert (c.interest.start, c.interest.amount) == (dt.date(2006, 6, 30), D("1250.00"))
    # (2,000,000 + 1,250) / 25.51 = 78,449.63, rounded up once; the principal alone: 78,401.
    assert (c.shares, c.principal_shares) == (78_450, 78_401)
    assert c.entry(DEAL).interest_converted == D("1250.00")


def test_before_the_first_interest_payment_date_interest_runs_from_the_issue_date(zoltek):
    c = plan_conversion(zoltek, Request("B1-01", "2006-06-01", "2,000,000", interest=True), [])
    # May 12 to June 1: 20 days; $8,333.333... to the cent.
    assert (c.interest.start, c.interest.amount) == (dt.date(2006, 5, 12), D("8333.33"))


def test_on_an_interest_payment_date_no_interest_is_left_to_convert(zoltek):
    c = plan_conversion(zoltek, Request("B1-01", "2006-09-30", "1,000", interest=True), [])
    assert c.interest.amount == D("0") and c.shares == c.principal_shares


def test_floating_interest_needs_the_index_and_is_never_invented(zoltek):
    request = Request("B1-01", "2007-12-15", "1,000,000", interest=True)
    index = line_after("floating_rate:", "index: libor")
    assert refusal(zoltek, request) == [
        f"{AMENDMENT_1}:{index}: error: --index-rate: the interest to 2007-12-15 accrues in the "
        "floating Interest Period(s) November 1, 2007 to April 30, 2008, at the index (libor) "
        "for each plus the margin; the term sheet cannot know the index's value, and 0 "
        "value(s) were given for 1 period(s); give the index's rate for each period, in order: "
        "--index-rate RATE (a CSV batch: the index_rate column, values separated by spaces) "
        "[convert.index-rate]"]
    c = plan_conversion(zoltek, Request("B1-01", "2007-12-15", "1,000,000", interest=True,
                                        index_rates=("5",)), [])
    # From September 30: 32 days at 7.5% through October 31, then 44 days at 5% + 4%.
    assert [(p.start, p.end, p.rate_percent, p.amount) for p in c.interest.parts] == [
        (dt.date(2007, 9, 30), dt.date(2007, 11, 1), D("7.5"), D("6666.67")),
        (dt.date(2007, 11, 1), dt.date(2007, 12, 15), D("9"), D("11000.00"))]
    assert c.interest.amount == D("17666.67")


def test_an_accrual_across_two_interest_periods_needs_an_index_for_each(zoltek):
    one = Request("B1-01", "2008-05-15", "1,000,000", interest=True, index_rates=("5",))
    (message,) = refusal(zoltek, one)
    assert "November 1, 2007 to April 30, 2008 and May 1, 2008 to October 31, 2008" in message
    assert "1 value(s) were given for 2 period(s)" in message
    two = plan_conversion(zoltek, Request("B1-01", "2008-05-15", "1,000,000", interest=True,
                                          index_rates=("5", "4.5")), [])
    assert [p.rate_percent for p in two.interest.parts] == [D("9"), D("8.5")]


def test_an_index_rate_where_none_applies_is_refused(zoltek):
    assert refusal(zoltek, Request("B1-01", "2006-07-03", "1000", interest=True,
                                   index_rates=("5",)))[0].endswith(
        "error: --index-rate: the interest to 2006-07-03 accrues at the fixed rate of 7.5% "
        "only, and an index rate is given; leave out the index rate [convert.index-rate]")
    assert refusal(zoltek, Request("B1-01", "2006-07-03", "1000", index_rates=("5",))) == [
        "error: --index-rate: an index rate is given and interest is not converted; add "
        "--interest (interest column: yes), or leave the rate out [convert.index-rate]"]


# --- The price in effect (Note, Section 11). ---

SPLIT = ("      conversion_price: 25.51\n      maturity_months: 42\n    warrants:\n"
         "      exhibit: C-1",
         "      conversion_price: 25.51\n      maturity_months: 42\n"
         "      price_adjustments:\n"
         "        - effective: 2006-09-01\n          conversion_price: 12.755\n"
         "          reason: \"Section 11(a): two-for-one stock split\"\n"
         "    warrants:\n      exhibit: C-1")


def test_a_declared_adjustment_decides_the_price_from_its_effective_date(tmp_path):
    prepared = variant(tmp_path, SPLIT)
    assert not [f for f in prepared.findings if f.severity is Severity.ERROR]
    before = plan_conversion(prepared, Request("B1-01", "2006-08-31", "1,000,000"), [])
    after = plan_conversion(prepared, Request("B1-01", "2006-09-01", "1,000,000"), [])
    assert (before.conversion_price, before.shares, before.adjustment) == (D("25.51"), 39_201,
                                                                          None)
    assert (after.conversion_price, after.shares) == (D("12.755"), 78_401)
    assert after.adjustment.reason == "Section 11(a): two-for-one stock split"
    # The other closing's notes keep their price.
    other = plan_conversion(prepared, Request("B2-01", "2006-09-01", "1,000,000"), [])
    assert other.conversion_price == D("25.51")


@pytest.mark.parametrize("effective, message", [
    ("2006-05-12", "the adjustment takes effect on 2006-05-12, not after the Original Issue "
                   "Date (2006-05-12); list the adjustments oldest first, each after the notes "
                   "are issued [dates.order]"),
    ("2010-01-01", "the adjustment takes effect on 2010-01-01, after the notes mature "
                   "(2009-11-12): no conversion can use it; check the date [dates.order]"),
])
def test_an_adjustment_is_checked_against_the_notes_dates(tmp_path, effective, message):
    prepared = variant(tmp_path, (SPLIT[0], SPLIT[1].replace("2006-09-01", effective)))
    path = "closings[0].notes.price_adjustments[0].effective: "
    assert [f.format().split(": ", 2)[2] for f in prepared.findings
            if f.path.startswith("closings[0].notes.price")] == [path.rstrip(": ") + ": "
                                                                  + message]


def test_adjustments_out_of_order_are_an_error(tmp_path):
    prepared = variant(tmp_path, (SPLIT[0], SPLIT[1].replace(
        "          reason: \"Section 11(a): two-for-one stock split\"\n",
        "          reason: \"Section 11(a): two-for-one stock split\"\n"
        "        - effective: 2006-08-01\n          conversion_price: 10\n"
        "          reason: \"Section 11(a): stock dividend\"\n")))
    (finding,) = [f for f in prepared.findings if f.path.startswith("closings[0].notes.price")]
    assert finding.severity is Severity.ERROR and "not after the adjustment before it" in (
        finding.message)


# --- Beneficial ownership (Note, Section 5(b)(i)). ---


def holdings(tmp_path: Path, held: str) -> Prepared:
    return variant(tmp_path,
                   ("  common_stock_par_value: 0.01 ",
                    "  shares_outstanding: 10,000,000\n  common_stock_par_value: 0.01 "),
                   ("    legal_name: Rockmore Investment Master Fund, Ltd\n",
                    f"    legal_name: Rockmore Investment Master Fund, Ltd\n"
                    f"    shares_held: {held}\n"))


def test_a_conversion_past_the_threshold_is_reported_before_recording(tmp_path):
    prepared = holdings(tmp_path, "400,000")
    within = plan_conversion(prepared, Request("B1-01", "2006-06-01", "1,000,000"), [])
    assert within.warnings == ()  # 439,201 of 10,039,201: 4.37%
    past = plan_conversion(prepared, Request("B1-01", "2006-06-01", "3,333,333"), [])
    (warning,) = past.warnings
    held_line = line_after("- id: rockmore", "shares_held: 400,000",
                           (tmp_path / "zoltek-amendment-1.yaml").read_text())
    # At most s shares with (400,000 + s) <= 4.999% of (10,000,000 + s): 9,990,000 / 95.001
    # = 105,156.8, so 105,156 shares, which $2,682,529.56 (105,156 x $25.51) converts into.
    assert warning.format() == (
        f"{tmp_path / 'zoltek-amendment-1.yaml'}:{held_line}: warning: --principal: the "
        "130,668 shares would take Rockmore Investment Master Fund, Ltd to 530,668 of the "
        "10,130,668 shares then outstanding, more than the Threshold Percentage of 4.999% "
        "(Section 5(b)(i)) at $25.51 a share; at most $2,682,529.56 can be converted on this "
        "date within it; record it only if the Lender has raised its Threshold Percentage "
        "[convert.ownership-limit]")


def test_a_conversion_past_the_maximum_is_refused_and_the_most_allowed_is_exact(tmp_path):
    prepared = holdings(tmp_path, "900,000")
    # s <= (9.999% x 10,000,000 - 900,000) / (1 - 9.999%) = 110,998.77: 110,998 shares,
    # which $2,831,558.98 converts into (rounded up) and a cent more does not.
    (message,) = refusal(prepared, Request("B1-01", "2006-06-01", "3,333,333"))
    assert ("more than the Maximum Percentage of 9.999% (Section 5(b)(i)) at $25.51 a share; "
            "at most $2,831,558.98 can be converted on this date within it") in message
    most = plan_conversion(prepared, Request("B1-01", "2006-06-01", "2,831,558.98"), [])
    assert most.shares == 110_998 and "Threshold" in most.warnings[0].message
    assert refusal(prepared, Request("B1-01", "2006-06-01", "2,831,558.99"))


# --- Rescission (Note, Section 6(e)). ---


def test_a_rescission_reinstates_the_principal_and_names_what_it_rescinds(zoltek):
    first, second = plan_conversions(zoltek, [Request("B1-01", "2006-06-01", "1,000,000"),
                                              Request("B1-01", "2006-06-02", "500,000")], [])
    history = [entry(first.entry(DEAL), 1), entry(second.entry(DEAL), 2)]
    rescission = plan_rescission(zoltek, "1", history)
    assert rescission.principal_after == D("2833333")  # 1,833,333 outstanding + 1,000,000
    new = rescission.entry(DEAL)
    assert (new.kind, new.rescinds, new.principal_converted, new.principal_remaining) == (
        RESCISSION, 1, D("1000000"), D("2833333"))
    history = [entry(first.entry(DEAL), 1, rescinded_by=3), entry(second.entry(DEAL), 2),
               entry(new, 3)]
    # What stands is what counts: the rescinded million may be converted again.
    again = plan_conversion(zoltek, Request("B1-01", "2006-06-05", "2,833,333"), history)
    assert again.principal_after == D("0")


@pytest.mark.parametrize("text, message", [
    ("9", "error: --rescind: the log has no entry '9' for this deal; the conversions that "
          "stand are entries 2 (`dealdocs conversions TERM_SHEET` lists them) "
          "[convert.unknown-entry]"),
    ("x", "error: --rescind: the log has no entry 'x' for this deal; the conversions that "
          "stand are entries 2 (`dealdocs conversions TERM_SHEET` lists them) "
          "[convert.unknown-entry]"),
    ("1", "error: --rescind: entry 1 was already rescinded by entry 3; the conversions that "
          "stand are entries 2 [convert.already-rescinded]"),
    ("3", "error: --rescind: entry 3 is itself the rescission of entry 1; the conversions that "
          "stand are entries 2 [convert.not-a-conversion]"),
])
def test_only_a_conversion_that_stands_can_be_rescinded(zoltek, text, message):
    first, second = plan_conversions(zoltek, [Request("B1-01", "2006-06-01", "1,000,000"),
                                              Request("B1-01", "2006-06-02", "500,000")], [])
    rescission = plan_rescission(zoltek, "1", [entry(first.entry(DEAL), 1)]).entry(DEAL)
    history = [entry(first.entry(DEAL), 1, rescinded_by=3), entry(second.entry(DEAL), 2),
               entry(rescission, 3)]
    with pytest.raises(ConversionError) as caught:
        plan_rescission(zoltek, text, history)
    assert [f.format() for f in caught.value.findings] == [message]


# --- The term sheet against the log (dealdocs validate). ---


ROCKMORE_LOWERED = ("- lender: rockmore\n    additional_warrants: 0\n    principal:\n"
                    "      third: 3,333,333",
                    "- lender: rockmore\n    additional_warrants: 0\n    principal:\n"
                    "      third: 2,500,000")


def recorded(prepared: Prepared, *requests: Request) -> list[Entry]:
    planned = plan_conversions(prepared, list(requests), [])
    return [entry(c.entry(DEAL), i) for i, c in enumerate(planned, start=1)]


def test_a_principal_lowered_below_what_was_converted_is_an_error(zoltek, tmp_path):
    history = recorded(zoltek, Request("B1-01", "2006-06-01", "3,000,000"))
    assert check_log(zoltek, history, "log.sqlite") == []
    lowered = variant(tmp_path, ROCKMORE_LOWERED)
    (finding,) = [f for f in check_log(lowered, history, "log.sqlite")]
    assert finding.format() == (
        f"{tmp_path / 'zoltek-amendment-1.yaml'}:{ROCKMORE_THIRD}: error: "
        "schedule_a[0].principal.third: note B1-01 (third-rockmore) has principal $2,500,000 "
        "here, and the conversion log log.sqlite records $3,000,000 of it converted (entries "
        "1); the principal must be at least $3,000,000; restore it, or rescind conversions "
        "[log.principal-below-converted]")


def test_a_converted_note_removed_from_the_term_sheet_is_an_error(zoltek, tmp_path):
    history = recorded(zoltek, Request("third-midsummer", "2006-06-01", "1,000"))
    text = TEXT[:TEXT.index("  - lender: midsummer")] + TEXT[TEXT.index("\n# Section 4.2"):]
    text = replace_once(text, "  - id: midsummer\n    legal_name: Midsummer Investment Ltd.\n",
                        "")
    path = tmp_path / "zoltek-amendment-1.yaml"
    path.write_text(text)
    (finding,) = check_log(prepare(path), history, "log.sqlite")
    assert finding.code == "log.note-removed" and finding.severity is Severity.ERROR
    assert finding.mark.line == line_after("\nclosings:", "  - id: third", text)
    assert finding.message == ("the conversion log log.sqlite records $1,000 converted of note "
                               "B1-06 (third-midsummer) in entries 1, and this term sheet has "
                               "no such note")


def test_a_rescinded_conversion_does_not_hold_the_term_sheet(zoltek, tmp_path):
    first = recorded(zoltek, Request("B1-01", "2006-06-01", "3,000,000"))[0]
    rescission = plan_rescission(zoltek, "1", [first]).entry(DEAL)
    history = [dataclasses.replace(first, rescinded_by=2), entry(rescission, 2)]
    lowered = variant(tmp_path, ROCKMORE_LOWERED)
    assert check_log(lowered, history, "log.sqlite") == []


def test_a_price_changed_after_a_conversion_is_a_warning(zoltek, tmp_path):
    history = recorded(zoltek, Request("B1-01", "2006-09-15", "1,000"))
    (finding,) = check_log(variant(tmp_path, SPLIT), history, "log.sqlite")
    assert (finding.code, finding.severity) == ("log.price-changed", Severity.WARNING)
    assert "at $25.51, and the price in effect on that date is now $12.755" in finding.message


def test_converted_entries_are_conversions(zoltek):
    (c,) = plan_conversions(zoltek, [Request("B1-01", "2006-06-01", "1")], [])
    assert c.entry(DEAL).kind == CONVERSION and c.shares == 1


@pytest.mark.parametrize("places", range(1, 7))
def test_conversion_messages_show_a_price_of_any_places_as_a_price(zoltek, tmp_path, places):
    """A Conversion Price exact to up to six places (values.PRICE_PLACES): the messages
    that name one print it in full, never rounded to cents."""
    adjusted = "12." + "123457"[:places]
    prepared = variant(tmp_path, (SPLIT[0], SPLIT[1].replace("12.755", adjusted)),
                       ("  common_stock_par_value: 0.01 ",
                        "  shares_outstanding: 10,000,000\n  common_stock_par_value: 0.01 "),
                       ("    legal_name: Rockmore Investment Master Fund, Ltd\n",
                        "    legal_name: Rockmore Investment Master Fund, Ltd\n"
                        "    shares_held: 900,000\n"))
    (message,) = refusal(prepared, Request("B1-01", "2006-09-15", "3,333,333"))
    shown = price(D(adjusted))  # "$12.10" for one place: cents always
    assert f"(Section 5(b)(i)) at {shown} a share" in message
    history = recorded(zoltek, Request("B1-01", "2006-09-15", "1,000"))
    (finding,) = check_log(prepared, history, "log.sqlite")
    assert f"the price in effect on that date is now {shown}" in finding.message
