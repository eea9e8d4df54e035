"""The term sheet as typed data: one class per section of the YAML, a docstring per field.

The docstrings are the reference for the format: `dealdocs schema` prints them in a JSON
Schema for editors, and the README's example follows them. Values are typed by
`generator.values`; cross-references between sections are checked in `generator.checks`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .values import (ClosingId, Count, Coverage, Date, Exhibit, Flag, Identifier, Money,
                     MonthDay, Name, Rate, Shares, Text, TimeOfDay)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True,
                              populate_by_name=True)


class DealInfo(Model):
    id: Identifier
    """Short id of this document set; names the output folder."""
    title: Name
    """Full title, e.g. "Amendment No. 1 to Loan and Warrant Agreement and ..."."""
    number: Count
    """The amendment's number ("Amendment No. 1")."""
    exhibit: Exhibit
    """The exhibit number under which it is filed, e.g. 4.2."""
    date: Date
    """The date the document is made "as of"."""


class Signatory(Model):
    name: Name
    title: Name


class Company(Model):
    legal_name: Name
    """Legal name as it appears in signature blocks: "Zoltek Companies, Inc."."""
    short_name: Name
    """Name used in the text once defined: "Zoltek"."""
    state: Name
    """State of organization: "Missouri"."""
    entity_kind: Name
    """Kind of entity: "corporation"."""
    notice_address: Text
    """Street address for notices under the note."""
    fax: Text | None = None
    """Facsimile number for notices."""
    notice_attention: Name | None = None
    """Whose attention notices are addressed to."""
    signatory: Signatory
    """Who signs for the company."""
    common_stock_par_value: Money | None = None
    """Par value per share of the Common Stock."""


class Securities(Model):
    notes: Name | None = None
    """What the documents call the notes issued under the agreement: "September Notes"."""
    warrants: Name | None = None
    """What the documents call its warrants: "September Warrants"."""


class Agreement(Model):
    id: Identifier
    """Id by which the rest of the term sheet refers to this agreement."""
    title: Name
    """Title of the agreement: "Loan and Warrant Agreement"."""
    date: Date
    """The date it is dated as of."""
    defined_as: Name | None = None
    """The defined term the documents use for it: "September Purchase Agreement"."""
    securities: Securities | None = None
    """Names of the securities issued under it."""
    notes_issued: Money | None = None
    """Aggregate principal of notes issued under it."""
    notes_reserved: Money | None = None
    """Further notes it gives a right to issue."""
    amended_by: list[Identifier] = []
    """Ids of agreements that have amended it, oldest first."""
    in_connection_with: Identifier | None = None
    """Id of the agreement it was entered into in connection with."""


class Lender(Model):
    id: Identifier
    """Id used everywhere else in the term sheet and in output file names."""
    legal_name: Name
    """Legal name as it appears on notes, Schedule A and signature pages."""
    short_name: Name | None = None
    """Name used in the text once defined ("Rockmore"); defaults to the legal name."""
    administrative_agent: Flag = False
    """Whether this lender is the Administrative Agent under the loan agreement."""


class PriorSecuritiesExercise(Model):
    agreement: Identifier
    """Id of the agreement whose securities are converted or exercised."""
    notes_converted: Money | None = None
    """Aggregate principal of its notes converted, if any."""
    warrant_shares_exercised: Shares
    """Aggregate shares of Common Stock for which its warrants are exercised."""
    also_exercised: Text | None = None
    """Other warrants exercised at the same time, in words."""
    adjusted_exercise_price: Money | None = None
    """The warrants' exercise price after the anti-dilution adjustment, if any."""
    anti_dilution_section: Text | None = None
    """Section of the warrants whose anti-dilution provision was triggered."""
    warrants_issued_in: list[Name] = []
    """When the exercised warrants were issued, e.g. "September 2005"."""


class AdditionalWarrants(Model):
    exhibit: Exhibit
    """Exhibit letter of the form of Additional Warrant."""
    name: Name
    """Defined term: "Additional Warrant"."""
    exercise_price: Money | None = None
    """Exercise price per share, if the amendment states one."""
    coverage_percent: Coverage | None = None
    """Shares per 100 shares exercised; when given, Schedule A is checked against it."""


class NoteSeries(Model):
    exhibit: Exhibit
    """Exhibit label of the form of note: "B-1"."""
    name: Name
    """Defined term for the notes of this closing: "April Notes I"."""
    short_name: Name | None = None
    """How the text also refers to them: "April I Notes"."""
    aggregate_principal: Money
    """Aggregate principal of the notes issued at this closing."""
    conversion_price: Money
    """Conversion Price per share of Common Stock."""
    maturity_months: Count
    """Maturity Date: this many months after the Original Issue Date (42)."""


class WarrantSeries(Model):
    exhibit: Exhibit
    """Exhibit label of the form of warrant: "C-1"."""
    name: Name
    """Defined term for the warrants of this closing: "April Warrants I"."""
    coverage_percent: Coverage
    """Warrant shares as a percentage of the shares the note principal converts into."""


class Closing(Model):
    id: ClosingId
    """Id used by Schedule A and fee reimbursements: "third" (no "-": it is part of the
    note's file names, note-<closing>-<lender>)."""
    name: Name
    """Name of the closing: "Third Closing"."""
    date: Date | None = None
    """Closing Date: the Original Issue Date of its notes."""
    trigger: Literal["nasdaq_approval", "event_date"] | None = None
    """What the closing follows: the Nasdaq Approval, or the Event Date."""
    closing_deliveries_section: Text | None = None
    """Section of the purchase agreement that lists the closing deliveries: "2.8"."""
    notes: NoteSeries
    warrants: WarrantSeries | None = None


class NoteTerms(Model):
    fixed_rate_percent: Rate
    """Interest rate a year until the fixed-rate period ends (7.5)."""
    fixed_rate_through: Date
    """Last day of the fixed-rate period."""
    floating_margin_percent: Rate
    """Margin over LIBOR for each Interest Period after it (4)."""
    interest_payment_days: list[MonthDay] = Field(min_length=1)
    """Interest Payment Dates of each year, MM-DD; each note's first is the first after its
    Original Issue Date."""
    day_count: Literal["actual/360"] = "actual/360"
    """Day count: actual days elapsed over a 360-day year."""
    installments: Count
    """Number of equal quarterly principal installments (10)."""
    first_installment_months: Count
    """Months after the Closing Date of the first installment (15)."""
    call_threshold_price: Money
    """Closing Price above which the Borrower may call the notes (Section 13)."""
    equity_conditions_minimum_price: Money
    """Minimum closing price for paying in shares (Section 2(d))."""


class ScheduleARow(Model):
    lender: Identifier
    """Id of the lender this row allocates to."""
    additional_warrants: Shares | None = None
    """Additional Warrant shares of this lender."""
    principal: dict[Identifier, Money] = {}
    """Note principal (= purchase price) per closing id."""
    percent: dict[Identifier, Coverage] = {}
    """Instead of `principal`: this lender's percentage of each closing's aggregate principal,
    split exactly by the largest-remainder method."""
    warrant_shares: dict[Identifier, Shares] = {}
    """Warrant shares per closing id as stated; checked against the derived figure."""


class StatedTotals(Model):
    """Schedule A's total row as a source document states it; checked against the rows.
    Leave it out and the totals are computed."""

    additional_warrants: Shares | None = None
    principal: dict[Identifier, Money] = {}
    warrant_shares: dict[Identifier, Shares] = {}


class Assignment(Model):
    from_lender: Identifier = Field(alias="from")
    """Id of the lender assigning part of its right to purchase."""
    to_lender: Identifier = Field(alias="to")
    """Id of the lender it assigns to."""


class Termination(Model):
    approval_days: Count
    """Days within which the Nasdaq Approval must be obtained."""
    window_days: Count
    """Days after that during which the Lenders may terminate."""


class FeeReimbursement(Model):
    lender: Identifier
    """Id of the lender whose legal fees are reimbursed."""
    amount: Money
    """Amount reimbursed, deducted from what the lender pays."""
    closing: Identifier | None = None
    """Id of the closing whose purchase price is reduced."""
    against: Literal["prior_securities_exercise"] | None = None
    """Or: the payment it reduces is the exercise price of the prior warrants."""


class Registration(Model):
    filing_days: Count
    """Filing Date: this calendar day after the date hereof (20)."""
    effectiveness_days: Count
    """Effectiveness Date: this day after the date hereof (90)."""
    effectiveness_days_if_reviewed: Count
    """Effectiveness Date if the Commission reviews the filing (120)."""
    trading_days_after_clearance: Count
    """Or this Trading Day after the Commission clears it (5)."""
    penalty_shares_percent: Coverage
    """Penalty shares on breach, percent of the underlying shares (35)."""
    securities_issued_in: list[Name] = []
    """When the registrable securities covered were issued, e.g. "July 2006"."""


class Waivers(Model):
    resale_registration_deadline: Date
    """Date by which the resale registration statement must be available again."""
    proxy_filing_deadline: Date
    """Date by which the proxy materials must be filed."""
    litigation_bond_cap: Money
    """Most of the proceeds usable for the litigation bond or settlement."""
    litigation_plaintiff: Name
    """Plaintiff of the litigation."""
    litigation_court: Name
    """Court where it is filed."""


class PublicAnnouncement(Model):
    press_release_by: TimeOfDay
    """Time of day by which the press release issues: "11:00 a.m."."""
    press_release_date: Date
    """Date of the press release."""
    form_8k_by: TimeOfDay
    """Time of day by which the Form 8-K is filed: "4:30 p.m."."""
    form_8k_business_days: Count | None = None
    """File the 8-K this many Business Days after the date hereof; omitted: the same day."""


class Counsel(Model):
    firm: Name
    """Law firm named in the independent-counsel clause."""
    represents: Identifier
    """Id of the only lender it represents."""


class AmendmentSpec(Model):
    amends: list[Identifier] = Field(min_length=1)
    """Ids of the agreements this amendment modifies, in recital order."""
    sections: list[Identifier] = Field(min_length=1)
    """Operative sections in order, each a clause of templates/clauses/."""


class TermSheet(Model):
    """A deal's term sheet: everything its documents say that is not boilerplate."""

    deal: DealInfo
    company: Company
    agreements: list[Agreement] = []
    lenders: list[Lender] = Field(min_length=1)
    prior_securities_exercise: PriorSecuritiesExercise | None = None
    additional_warrants: AdditionalWarrants | None = None
    closings: list[Closing] = []
    note_terms: NoteTerms | None = None
    schedule_a: list[ScheduleARow] = Field(min_length=1)
    schedule_a_totals: StatedTotals | None = None
    assignments: list[Assignment] = []
    termination: Termination | None = None
    fee_reimbursements: list[FeeReimbursement] = []
    registration: Registration | None = None
    waivers: Waivers | None = None
    public_announcement: PublicAnnouncement
    counsel: Counsel
    amendment: AmendmentSpec
