"""The derived deal: the term sheet with every reference resolved and every figure computed.

This is what templates receive. It is built once, before anything is rendered, so that
Schedule A's row order, each note's number and every derived figure are settled for all
documents alike. Building assumes the references were checked (generator.checks).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import calculations
from .forms import BUNDLED_FORMS, Forms
from .model import (AdditionalWarrants, Closing, Company, DealInfo, EventDateCondition,
                    GoverningLaw, Market,
                    NoteTerms, PublicAnnouncement, Registration, Securities,
                    Signatory, SignaturesReturnTo, TermSheet, Termination, Waivers)


@dataclass(frozen=True)
class Lender:
    id: str
    legal_name: str
    short_name: str
    administrative_agent: bool
    shares_held: int | None = None
    """Shares of Common Stock it beneficially owns, as last known (term sheet)."""
    signatory: Signatory | None = None


@dataclass(frozen=True)
class Agreement:
    id: str
    title: str
    date: dt.date
    defined_as: str | None
    securities: Securities
    notes_issued: Decimal | None
    notes_reserved: Decimal | None
    amended_by: tuple[Agreement, ...]
    in_connection_with: Agreement | None


@dataclass(frozen=True)
class PriorSecuritiesExercise:
    agreement: Agreement
    notes_converted: Decimal | None
    warrant_shares_exercised: int
    also_exercised: str | None
    adjusted_exercise_price: Decimal | None
    anti_dilution_section: str | None
    warrants_issued_in: tuple[str, ...]


@dataclass(frozen=True)
class PriorFinancing:
    """An earlier financing as the note names it (model.PriorFinancing, resolved)."""

    agreement: Agreement
    defined_as: str
    securities: str
    instrument: str
    with_loan_agreement_notes: bool


@dataclass(frozen=True)
class CollectiveNames:
    """The securities of all closings together; None where there are none."""

    notes: str | None
    note: str | None
    warrants: str | None


@dataclass(frozen=True)
class ScheduleRow:
    lender: Lender
    additional_warrants: int | None
    principal: dict[str, Decimal]
    warrant_shares: dict[str, int]


@dataclass(frozen=True)
class ScheduleTotals:
    additional_warrants: int | None
    principal: dict[str, Decimal]
    warrant_shares: dict[str, int]


@dataclass(frozen=True)
class ScheduleA:
    closings: tuple[Closing, ...]
    rows: tuple[ScheduleRow, ...]
    totals: ScheduleTotals
    has_additional_warrants: bool


@dataclass(frozen=True)
class Note:
    number: str | None  # number, lender and principal are None on the blank form of note
    lender: Lender | None
    principal: Decimal | None
    closing: Closing
    issue_date: dt.date | None
    maturity_date: dt.date | None
    interest_periods: tuple[tuple[dt.date, dt.date], ...]
    first_interest_payment_date: dt.date | None
    interest_payment_days: tuple[tuple[int, int], ...]
    """Month and day of each Interest Payment Date, the first payment's first."""


@dataclass(frozen=True)
class Assignment:
    from_lender: Lender
    to_lender: Lender


@dataclass(frozen=True)
class FeeReimbursement:
    lender: Lender
    amount: Decimal
    closing: Closing | None
    against: str | None


@dataclass(frozen=True)
class Counsel:
    firm: str
    represents: Lender


@dataclass(frozen=True)
class Amendment:
    amends: tuple[Agreement, ...]
    sections: tuple[str, ...]


@dataclass(frozen=True)
class Deal:
    deal: DealInfo
    company: Company
    market: Market
    governing_law: GoverningLaw
    agreements: dict[str, Agreement]
    lenders: tuple[Lender, ...]
    administrative_agent: Lender | None
    prior_securities_exercise: PriorSecuritiesExercise | None
    additional_warrants: AdditionalWarrants | None
    closings: tuple[Closing, ...]
    event_date: EventDateCondition | None
    collective_names: CollectiveNames
    note_terms: NoteTerms | None
    prior_financings: tuple[PriorFinancing, ...]
    schedule_a: ScheduleA
    notes: tuple[Note, ...]
    assignments: tuple[Assignment, ...]
    termination: Termination | None
    fee_reimbursements: tuple[FeeReimbursement, ...]
    registration: Registration | None
    waivers: Waivers | None
    prior_transactions: tuple[Agreement, ...]
    """The agreements of `waivers.prior_transactions`, resolved."""
    public_announcement: PublicAnnouncement
    counsel: Counsel
    signatures_return_to: SignaturesReturnTo | None
    amendment: Amendment
    forms: Forms = BUNDLED_FORMS
    """The templates its documents are written with (not a name the templates see)."""
    source_digest: str = ""
    """SHA-256 of the term sheet as the model typed it: what its documents are rendered from
    (build/cache.py; not a name the templates see)."""

    def context(self) -> dict[str, Any]:
        """The names templates see (templates/README.md)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__
                if name not in ("forms", "source_digest")}


def derive(sheet: TermSheet, forms: Forms = BUNDLED_FORMS) -> Deal:
    """Resolve references and compute every derived figure of a checked term sheet."""
    lenders = tuple(Lender(l.id, l.legal_name, l.short_name or l.legal_name,
                           l.administrative_agent, l.shares_held, l.signatory) for l in sheet.lenders)
    by_id = {lender.id: lender for lender in lenders}
    agreements = _agreements(sheet)
    closings_by_id = {closing.id: closing for closing in sheet.closings}
    schedule = derive_schedule_a(sheet, by_id)
    exercise = sheet.prior_securities_exercise
    terms = sheet.note_terms
    return Deal(
        deal=sheet.deal,
        company=sheet.company,
        market=sheet.market,
        governing_law=sheet.governing_law,
        agreements=agreements,
        lenders=lenders,
        administrative_agent=next((lender for lender in lenders if lender.administrative_agent),
                                  None),
        prior_securities_exercise=exercise and PriorSecuritiesExercise(
            agreements[exercise.agreement], exercise.notes_converted,
            exercise.warrant_shares_exercised, exercise.also_exercised,
            exercise.adjusted_exercise_price, exercise.anti_dilution_section,
            tuple(exercise.warrants_issued_in)),
        additional_warrants=sheet.additional_warrants,
        closings=tuple(sheet.closings),
        event_date=sheet.event_date,
        collective_names=collective_names(sheet),
        note_terms=terms,
        prior_financings=tuple(
            PriorFinancing(agreements[p.agreement],
                           p.defined_as or agreements[p.agreement].defined_as
                           or agreements[p.agreement].title,
                           p.securities or agreements[p.agreement].securities.notes or "",
                           p.instrument, p.with_loan_agreement_notes)
            for p in (terms.prior_financings if terms else ())),
        schedule_a=schedule,
        notes=_notes(sheet, schedule),
        assignments=tuple(Assignment(by_id[a.from_lender], by_id[a.to_lender])
                          for a in sheet.assignments),
        termination=sheet.termination,
        fee_reimbursements=tuple(
            FeeReimbursement(by_id[f.lender], f.amount,
                             closings_by_id[f.closing] if f.closing else None, f.against)
            for f in sheet.fee_reimbursements),
        registration=sheet.registration,
        waivers=sheet.waivers,
        prior_transactions=tuple(agreements[a] for a in
                                 (sheet.waivers.prior_transactions if sheet.waivers else ())),
        public_announcement=sheet.public_announcement,
        counsel=Counsel(sheet.counsel.firm, by_id[sheet.counsel.represents]),
        signatures_return_to=sheet.signatures_return_to,
        amendment=Amendment(tuple(agreements[a] for a in sheet.amendment.amends),
                            tuple(sheet.amendment.sections)),
        forms=forms,
        source_digest=hashlib.sha256(sheet.model_dump_json().encode()).hexdigest(),
    )


def _agreements(sheet: TermSheet) -> dict[str, Agreement]:
    declared = {a.id: a for a in sheet.agreements}
    resolved: dict[str, Agreement] = {}

    def resolve(agreement_id: str, seen: tuple[str, ...] = ()) -> Agreement:
        if agreement_id not in resolved:
            a = declared[agreement_id]
            chain = seen + (agreement_id,)
            resolved[agreement_id] = Agreement(
                a.id, a.title, a.date, a.defined_as, a.securities or Securities(),
                a.notes_issued, a.notes_reserved,
                tuple(resolve(other, chain) for other in a.amended_by if other not in chain),
                resolve(a.in_connection_with, chain)
                if a.in_connection_with and a.in_connection_with not in chain else None)
        return resolved[agreement_id]

    return {agreement_id: resolve(agreement_id) for agreement_id in declared}


def collective_names(sheet: TermSheet) -> CollectiveNames:
    """The names of all closings' securities together, as given or made from theirs."""
    given = sheet.collective_names
    notes = given.notes or _collective([c.notes.name for c in sheet.closings], "Notes")
    warrant_names = [c.warrants.name for c in sheet.closings if c.warrants]
    warrants = given.warrants or _collective(warrant_names, "Warrants")
    note = given.note
    if note is None and notes is not None:
        note = notes.removesuffix("Notes") + "Note" if notes.endswith("Notes") else "Note"
    return CollectiveNames(notes, note, warrants)


def _collective(names: list[str], noun: str) -> str | None:
    """One series: its name. Several: the words all their names start with, if those end
    in `noun` and are not one series' own name ("April Notes" for "April Notes I" and
    "April Notes II"); otherwise `noun` ("Notes" for "Series A Notes" and "Series B Notes")."""
    if len(names) <= 1:
        return names[0] if names else None
    words = [name.split() for name in names]
    common: list[str] = []
    for column in zip(*words):
        if len(set(column)) > 1:
            break
        common.append(column[0])
    prefix = " ".join(common)
    return prefix if common and common[-1] == noun and prefix not in names else noun


def allocated_principal(sheet: TermSheet) -> dict[str, list[Decimal | None]]:
    """Each closing's principal per Schedule A row (None: the row takes no part in it).

    Rows give amounts, or percentages of the closing's aggregate that are split exactly.
    """
    allocation: dict[str, list[Decimal | None]] = {}
    for closing in sheet.closings:
        stated = [row.principal.get(closing.id) for row in sheet.schedule_a]
        percents = [row.percent.get(closing.id) for row in sheet.schedule_a]
        # Mixed amounts and percentages are an error (checks); the amounts are used meanwhile.
        if any(p is not None for p in percents) and all(s is None for s in stated):
            weights = [p or Decimal(0) for p in percents]
            aggregate = closing.notes.aggregate_principal
            # Whole dollars, as documents state principal, unless the aggregate has cents.
            unit = Decimal(1) if aggregate == aggregate.to_integral_value() else Decimal("0.01")
            parts = calculations.allocate_pro_rata(aggregate, weights, unit)
            stated = [part if p is not None else None for part, p in zip(parts, percents)]
        allocation[closing.id] = stated
    return allocation


def derive_schedule_a(sheet: TermSheet, lenders: dict[str, Lender]) -> ScheduleA:
    allocation = allocated_principal(sheet)
    rows = []
    for index, row in enumerate(sheet.schedule_a):
        principal = {cid: parts[index] for cid, parts in allocation.items()
                     if parts[index] is not None}
        rows.append(ScheduleRow(lenders[row.lender], row.additional_warrants, principal,
                                _warrant_shares(sheet, principal)))
    has_additional = any(row.additional_warrants is not None for row in sheet.schedule_a)
    column_total = calculations.column_total
    totals = ScheduleTotals(
        additional_warrants=column_total(row.additional_warrants or 0 for row in rows)
        if has_additional else None,
        principal={c.id: column_total(r.principal.get(c.id, Decimal(0)) for r in rows)
                   for c in sheet.closings},
        warrant_shares={c.id: column_total(r.warrant_shares.get(c.id, 0) for r in rows)
                        for c in sheet.closings if c.warrants},
    )
    return ScheduleA(tuple(sheet.closings), tuple(rows), totals, has_additional)


def _warrant_shares(sheet: TermSheet, principal: dict[str, Decimal]) -> dict[str, int]:
    shares = {}
    for closing in sheet.closings:
        if closing.warrants and closing.id in principal:
            shares[closing.id] = calculations.warrant_shares(
                principal[closing.id], closing.notes.conversion_price,
                closing.warrants.coverage_percent)
    return shares


def _notes(sheet: TermSheet, schedule: ScheduleA) -> tuple[Note, ...]:
    """One note per lender per closing, numbered in Schedule A order within each closing."""
    notes = []
    terms = sheet.note_terms
    for closing in sheet.closings:
        series = closing.notes.exhibit.replace("-", "")
        holders = [row for row in schedule.rows if closing.id in row.principal]
        for index, row in enumerate(holders, start=1):
            issue = closing.date
            maturity = issue and calculations.maturity_date(issue, closing.notes.maturity_months)
            periods, first_payment, days = (), None, ()
            floating = terms.floating_rate if terms else None
            if maturity and floating and floating.fixed_rate_through < maturity:
                periods = tuple(calculations.interest_periods(
                    floating.fixed_rate_through, maturity, floating.period_months))
            if issue and terms:
                first_payment = calculations.first_interest_payment_date(
                    issue, terms.interest_payment_days)
                days = sorted(terms.interest_payment_days)
                start = days.index((first_payment.month, first_payment.day))
                days = tuple(days[start:] + days[:start])
            notes.append(Note(f"{series}-{index:02d}", row.lender, row.principal[closing.id],
                              closing, issue, maturity, periods, first_payment, days))
    return tuple(notes)
