"""The figures derived from the terms that moved: each closing's conversion price (the term
the others follow from, so that the figures read on their own), Schedule A (each lender's
principal and warrant shares, the totals), each note (its number, principal in figures and
words, dates) and the amounts the documents write in words."""

from __future__ import annotations

from dataclasses import dataclass

from ..deal import Deal
from ..formatting import longdate, money, money_words, price, shares


@dataclass(frozen=True)
class FigureChange:
    figure: str
    """What the figure is, in words: "Schedule A, Omicron Master Trust: April Warrants I"."""
    old: str | None
    new: str | None

    @property
    def was(self) -> str:
        """A figure that is new came with what it belongs to (a lender, a note, a closing)."""
        return self.old if self.old is not None else "not in the deal"

    @property
    def now(self) -> str:
        return self.new if self.new is not None else "no longer in the deal"


def figure_changes(old: Deal, new: Deal) -> list[FigureChange]:
    """Every derived figure that differs between two deals, in the new deal's order."""
    before, after = figures(old), figures(new)
    names = list(after) + [name for name in before if name not in after]
    return [FigureChange(name, before.get(name), after.get(name)) for name in names
            if before.get(name) != after.get(name)]


def figures(deal: Deal) -> dict[str, str]:
    """The derived figures of a deal, by what they are, as the documents print them."""
    found: dict[str, str] = {}
    schedule = deal.schedule_a
    closings = {closing.id: closing for closing in deal.closings}
    for closing in deal.closings:
        found[f"{closing.notes.name}: conversion price"] = price(closing.notes.conversion_price)
    for row in schedule.rows:
        who = f"Schedule A, {row.lender.legal_name}"
        if row.additional_warrants is not None:
            found[f"{who}: Additional Warrants"] = shares(row.additional_warrants)
        for closing_id, principal in row.principal.items():
            found[f"{who}: {closings[closing_id].notes.name}"] = money(principal)
        for closing_id, count in row.warrant_shares.items():
            found[f"{who}: {closings[closing_id].warrants.name} warrant shares"] = shares(count)
    totals = schedule.totals
    if totals.additional_warrants is not None:
        found["Schedule A, Total: Additional Warrants"] = shares(totals.additional_warrants)
    for closing_id, principal in totals.principal.items():
        found[f"Schedule A, Total: {closings[closing_id].notes.name}"] = money(principal)
    for closing_id, count in totals.warrant_shares.items():
        found[f"Schedule A, Total: {closings[closing_id].warrants.name} warrant shares"] = (
            shares(count))
    for closing in deal.closings:
        found[f"{closing.notes.name}: aggregate principal in words"] = money_words(
            closing.notes.aggregate_principal)
    for note in deal.notes:
        what = f"Note {note.number} ({note.lender.legal_name}, {note.closing.name})"
        found[f"{what}: principal"] = money_words(note.principal)
        if note.maturity_date:
            found[f"{what}: Maturity Date"] = longdate(note.maturity_date)
        if note.first_interest_payment_date:
            found[f"{what}: first Interest Payment Date"] = longdate(
                note.first_interest_payment_date)
    names = deal.collective_names
    for kind, name in (("notes", names.notes), ("warrants", names.warrants)):
        if name is not None and len(deal.closings) > 1:
            found[f"The {kind} of all closings together"] = name
    return found
