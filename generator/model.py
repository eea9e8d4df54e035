"""The term sheet as typed data: one class per section of the YAML, a docstring per field.

The docstrings are the reference for the format: `dealdocs schema` prints them in a JSON
Schema for editors, and the README's example follows them. Values are typed by
`generator.values`; cross-references between sections are checked in `generator.checks`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .values import (ClosingId, Count, Coverage, Date, Email, Exhibit, Flag, Identifier, Money,
                     MonthDay, Name, PerSharePrice, Rate, Shares, Text, TimeOfDay)


DERIVED = {"derived": True}
"""The `json_schema_extra` of a figure a term sheet may state (as a source document does) and
dealdocs otherwise derives: left out, it is derived, not gone."""


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
    common_stock_par_value: PerSharePrice | None = None
    """Par value per share of the Common Stock, up to six decimal places (0.01, 0.0001);
    leave it out for stock without par value."""
    shares_outstanding: Shares | None = None
    """Shares of Common Stock issued and outstanding, as last known; with a lender's
    `shares_held`, `dealdocs convert` checks the beneficial-ownership limits of the note's
    Section 5(b) before recording a conversion."""


class Market(Model):
    """Where the Common Stock trades, and where the documents take prices and times from."""

    exchange: Name
    """The market the Common Stock is listed on, as the note names it: "Nasdaq National
    Market" (the Call Right measures the Closing Price there)."""
    exchange_short: Name
    """The exchange as a regulator: "Nasdaq" ("Nasdaq Approval", "applicable Nasdaq
    regulations")."""
    eligible_markets: list[Name] = Field(min_length=1)
    """The markets that are an Eligible Market under the note, each as the text reads:
    "the New York Stock Exchange"."""
    price_source: Name
    """The service that reports prices and the volume weighted average price: "Bloomberg"."""
    vwap_function: Name | None = None
    """The price source's function for the volume weighted average price: "VAP"."""
    time_zone: Name
    """How the amendment states the time of its deadlines: "Eastern time"."""
    city_time: Name
    """How the note and the restated sections state it: "New York City time"."""


class GoverningLaw(Model):
    state: Name
    """The State whose internal laws govern the documents: "New York"."""
    courts_sitting_in: Name
    """Where the state and federal courts that hear disputes under the note sit: "the City
    of New York, Borough of Manhattan"; they are defined as the "<state> Courts"."""
    jurisdiction_section: Text | None = None
    """Section of the agreement being amended on jurisdiction, which the amendment applies
    to itself ("8.8"); leave it out if there is none."""


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
    shares_held: Shares | None = None
    """Shares of Common Stock the lender and its Affiliates beneficially own, as last known
    (update it as holdings change); with `company.shares_outstanding`, `dealdocs convert`
    checks that a conversion keeps the lender within the note's ownership limits."""
    signatory: Signatory | None = None
    """Who signs for the lender, if known: filled in on its signature pages, and the name a
    conformed copy gives its signature line ("/s/ Name"). Without it the lines are left
    blank for the lender to fill, and a conformed copy reads "/s/ [signed]"."""


class PriorSecuritiesExercise(Model):
    agreement: Identifier
    """Id of the agreement whose securities are converted or exercised."""
    notes_converted: Money | None = None
    """Aggregate principal of its notes converted, if any."""
    warrant_shares_exercised: Shares
    """Aggregate shares of Common Stock for which its warrants are exercised."""
    also_exercised: Text | None = None
    """Other warrants exercised at the same time, in words."""
    adjusted_exercise_price: PerSharePrice | None = None
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
    collective_name: Name | None = None
    """The warrants of all the Lenders together, where `name` is one warrant: "Additional
    Warrants" (Schedule A's heading, the shares the shareholder approval covers); default:
    `name`."""
    exercise_price: PerSharePrice | None = None
    """Exercise price per share, if the amendment states one."""
    coverage_percent: Coverage | None = None
    """Shares per 100 shares exercised; when given, Schedule A is checked against it."""


class PriceAdjustment(Model):
    """A change of the Conversion Price under the note's Section 11 (a stock split, a
    dividend paid in shares, ...): the price in effect from a date on."""

    effective: Date
    """The first day the adjusted price applies to conversions."""
    conversion_price: PerSharePrice
    """The Conversion Price from that day on, up to six decimal places."""
    reason: Text
    """Why, for the record: "Section 11(a): two-for-one stock split"."""


class NoteSeries(Model):
    exhibit: Exhibit
    """Exhibit label of the form of note: "B-1"."""
    name: Name
    """Defined term for the notes of this closing: "April Notes I"."""
    short_name: Name | None = None
    """How the text also refers to them: "April I Notes"."""
    aggregate_principal: Money
    """Aggregate principal of the notes issued at this closing."""
    conversion_price: PerSharePrice
    """Conversion Price per share of Common Stock, up to six decimal places."""
    maturity_months: Count
    """Maturity Date: this many months after the Original Issue Date (42)."""
    price_adjustments: list[PriceAdjustment] = []
    """Adjustments of the Conversion Price (Note, Section 11), oldest first; a conversion
    uses the price in effect on its date."""


class WarrantSeries(Model):
    exhibit: Exhibit
    """Exhibit label of the form of warrant: "C-1"."""
    name: Name
    """Defined term for the warrants of this closing: "April Warrants I"."""
    coverage_percent: Coverage
    """Warrant shares as a percentage of the shares the note principal converts into."""


class EventDateCondition(Model):
    """What the Event Date, which a closing may follow, waits for: a legal opinion that the
    closing's notes are covered by a security agreement, or that agreement amended to cover
    them."""

    legal_opinion_of: Name
    """Whose legal opinion: "Hungarian counsel to Zoltek and Opco"."""
    security_agreement: Name
    """The security agreement that must cover the notes: "Mortgage and Security
    Agreement"."""
    lender_may_require_after_days: Count
    """Each Lender may require the closing this many days after the exchange approval (or
    after the date of the amendment, when no closing waits for that approval)."""


class OutsideDocument(Model):
    """A document of the closing that dealdocs does not generate (a warrant form, a legal
    opinion, an officer's certificate), taken into the closing's binder at its tab."""

    tab: Count
    """Its tab in the binder; the generated documents take the tabs left free, in order."""
    title: Name
    """What the index calls it: "Opinion of Counsel to the Company"."""
    path: Text
    """The file, a PDF or a Word file (.docx, .doc), relative to the term sheet's folder:
    "closing/opinion.pdf". Word files are converted with LibreOffice."""
    party: Name | None = None
    """Whose document it is, as the index names them: "Zoltek Companies, Inc."."""
    signed_by: list[Identifier] = []
    """Who signs it at the closing (an officer's certificate: `company`), each `company` or
    a lender's id: their signature packets for the closing take its signature page."""
    signature_page: Count | None = None
    """Its page that is signed, counted from 1; default: its last page."""


class Closing(Model):
    id: ClosingId
    """Id used by Schedule A and fee reimbursements: "third". No `-`: a note's files are
    named <closing>-<lender>."""
    name: Name
    """Name of the closing: "Third Closing"."""
    date: Date | None = None
    """Closing Date: the Original Issue Date of its notes."""
    trigger: Literal["exchange_approval", "event_date"] | None = None
    """What the closing follows: the exchange's approval of the issuance ("Nasdaq Approval"),
    or the Event Date (see `event_date:`); left out, the date of the amendment."""
    closing_deliveries_section: Text | None = None
    """Section of the purchase agreement that lists the closing deliveries: "2.8"."""
    notes: NoteSeries
    warrants: WarrantSeries | None = None
    outside_documents: list[OutsideDocument] = []
    """Documents of this closing's binder that dealdocs does not generate (`dealdocs
    binder`), each with its tab, title and file."""
    signatures_to: Text | None = None
    """Where the parties return the pages they sign at this closing, as its signature
    packets' covers say: "by email (PDF) to closing@firm.example, originals to ...".
    Default: `signatures_return_to`."""


class FloatingRate(Model):
    """Interest after the fixed-rate period: an index plus a margin, for each Interest Period."""

    fixed_rate_through: Date
    """Last day of the fixed-rate period; the Interest Periods follow it."""
    index: Identifier
    """The rate index, defined by templates/note/rate_index/<index>.html.j2: `libor` (the
    London interbank rate of the bundled 2006 deal), `sofr` (Term SOFR), `prime` (the
    prime rate quoted by The Wall Street Journal)."""
    margin_percent: Rate
    """Margin over the index, percent a year (4)."""
    period_months: Count
    """Length of each Interest Period, and the index's tenor, in months (6)."""


class OwnershipLimits(Model):
    """The beneficial-ownership limits on conversion (Note, Section 5(b)(i))."""

    threshold_percent: Coverage
    """The Threshold Percentage (4.999)."""
    maximum_percent: Coverage
    """The Maximum Percentage, to which a Lender may raise its threshold (9.999)."""


class PriorFinancing(Model):
    """An earlier financing whose securities the note carves out (its Events of Default,
    permitted prepayments, excluded issuances and the Issuable Maximum)."""

    agreement: Identifier
    """Id of the agreement, declared under `agreements:`."""
    instrument: Literal["debentures", "notes"]
    """What it issued: `debentures` or `notes`."""
    defined_as: Name | None = None
    """The note's defined term for the agreement, when not its `defined_as`: "2005 Loan
    Agreement"."""
    securities: Name | None = None
    """The note's defined term for its securities, when not its `securities.notes`: "2005
    Notes"."""
    with_loan_agreement_notes: Flag = False
    """The securities' defined term also takes in every other note issued under the
    agreement being amended ("... or in any other note issued by the Borrower in respect of
    the Loan Agreement (collectively, such notes, ...)")."""


class LitigationThreshold(Model):
    pertaining_to: Name
    """The existing litigation, by the party it pertains to: "Scott Macon Securities"."""
    amount: Money
    """Judgments in it are an Event of Default above this amount."""


class ShareholderApproval(Model):
    """The covenant to seek shareholder approval where the exchange requires it for the
    issuance (Note, Section 5(b)(ii)-(iii)); leave it out when no approval is needed."""

    deadline: Date
    """Date by which the approval is to be obtained."""
    deadline_if_reviewed: Date
    """The later date, if the Commission reviews the proxy materials."""
    rule: Text
    """The exchange's rule the approval meets: "Rule 4350(i) of Nasdaq set forth in the
    NASD Manual"."""
    covers: list[Name] = []
    """The securities whose Underlying Shares need the approval; left out: the notes and
    warrants of all closings, and the Additional Warrants, by their collective names."""


class NoteTerms(Model):
    fixed_rate_percent: Rate
    """Interest rate a year: until the notes are paid, or until `floating_rate` begins (7.5)."""
    floating_rate: FloatingRate | None = None
    """Interest after the fixed-rate period; left out, the fixed rate runs to maturity."""
    interest_payment_days: list[MonthDay] = Field(min_length=1)
    """Interest Payment Dates of each year, MM-DD; each note's first is the first after its
    Original Issue Date."""
    day_count: Literal["actual/360"] = "actual/360"
    """Day count: actual days elapsed over a 360-day year."""
    installments: Count
    """Number of equal quarterly principal installments (10)."""
    first_installment_months: Count
    """Months after the Closing Date of the first installment (15)."""
    call_threshold_price: PerSharePrice
    """Closing Price above which the Borrower may call the notes (Section 13)."""
    equity_conditions_minimum_price: PerSharePrice
    """Minimum closing price for paying in shares (Section 2(d))."""
    ownership_limits: OwnershipLimits
    material_debt_threshold: Money
    """Obligations above this amount make a debt agreement a Material Debt Agreement
    (Event of Default (ii))."""
    judgment_threshold: Money
    """Judgments above this amount are an Event of Default (Event of Default (x))."""
    litigation_thresholds: list[LitigationThreshold] = []
    """Existing litigation with a threshold of its own."""
    existing_creditors: list[Name] = []
    """Creditors whose existing Indebtedness the Borrower may prepay (Event of Default (vii)):
    "Marshall and Isley Bank of St. Louis"."""
    prior_financings: list[PriorFinancing] = []
    """Earlier financings whose securities the note carves out, oldest first."""
    shareholder_approval: ShareholderApproval | None = None
    shareholders_agreement_section: Text | None = None
    """Section of the Loan Agreement on amending the company's Shareholders Agreement; given,
    amending that agreement otherwise is an Event of Default."""


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
    warrant_shares: dict[Identifier, Shares] = Field({}, json_schema_extra=DERIVED)
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
    resale_registration_form: Name
    """Form of the lapsed resale registration statement: "S-1"."""
    resale_securities_issued_in: list[Name] = Field(min_length=1)
    """When the Registrable Securities it covered were issued, e.g. "September 2005"."""
    prior_transactions: list[Identifier] = Field(min_length=1)
    """Ids of the earlier agreements whose registrable securities the waiver also covers."""
    use_of_proceeds_section: Text
    """Section of the agreement being amended that restricts the use of proceeds ("4.16")."""


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


class SignaturesReturnTo(Model):
    """Who collects the signed signature pages (counsel, as a rule), as the signature
    packets' covers say."""

    name: Name
    """Who: "Example Counsel LLP"."""
    attention: Name | None = None
    """Whose attention: "Jane Doe"."""
    email: Email
    """Where the signed pages go as PDF: "closing@counsel.example"."""
    address: Text | None = None
    """Where the originals go, if they are wanted: a street address."""


class CollectiveNames(Model):
    """What the documents call the securities of all the closings together, when there are
    several. Each defaults to a name made from the closings' own names."""

    notes: Name | None = None
    """All the notes: "April Notes". Default: the words every series' name starts with,
    when they end in "Notes" ("April Notes I", "April Notes II"), else "Notes"."""
    note: Name | None = None
    """One note, as the text names the form: "April Note". Default: `notes` with "Notes"
    made "Note"."""
    warrants: Name | None = None
    """All the warrants: "April Warrants". Default: as for `notes`, ending in "Warrants"."""


class AmendmentSpec(Model):
    amends: list[Identifier] = Field(min_length=1)
    """Ids of the agreements this amendment modifies, in recital order."""
    sections: list[Identifier] = Field(min_length=1)
    """Operative sections in order, each a clause of templates/clauses/."""


class TermSheet(Model):
    """A deal's term sheet: everything its documents say that is not boilerplate."""

    deal: DealInfo
    company: Company
    market: Market
    governing_law: GoverningLaw
    agreements: list[Agreement] = []
    lenders: list[Lender] = Field(min_length=1)
    prior_securities_exercise: PriorSecuritiesExercise | None = None
    additional_warrants: AdditionalWarrants | None = None
    closings: list[Closing] = []
    event_date: EventDateCondition | None = None
    collective_names: CollectiveNames = CollectiveNames()
    note_terms: NoteTerms | None = None
    schedule_a: list[ScheduleARow] = Field(min_length=1)
    schedule_a_totals: StatedTotals | None = Field(None, json_schema_extra=DERIVED)
    assignments: list[Assignment] = []
    termination: Termination | None = None
    fee_reimbursements: list[FeeReimbursement] = []
    registration: Registration | None = None
    waivers: Waivers | None = None
    public_announcement: PublicAnnouncement
    counsel: Counsel
    signatures_return_to: SignaturesReturnTo | None = None
    """Where every party returns its signed signature pages (a closing's `signatures_to`
    comes first for that closing's). Left out, the lenders return theirs to the company's
    notice address, and the company's packet says to return them to counsel."""
    amendment: AmendmentSpec
    templates: Text | None = None
    """A folder of the firm's own forms, relative to the term sheet's folder: each file
    there replaces the bundled template of the same path (`dealdocs templates init` copies
    them as a start); over the folder of a dealdocs.toml, if any."""
