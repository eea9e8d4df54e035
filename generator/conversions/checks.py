"""The term sheet against what the conversion log records: findings of `dealdocs validate`
(and a reason for `dealdocs convert` to refuse), never a silent inconsistency.

A note's principal lowered below what was converted of it, or a note the log has
conversions of and the term sheet no longer has, is an error; a recorded conversion whose
date the note no longer covers, or whose price is no longer the one in effect on its date
(a Section 11 adjustment added, moved or changed after the fact), is a warning.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import calculations
from ..findings import Finding, Severity
from ..formatting import longdate, money, price
from ..pipeline import Prepared
from .log import NewEntry
from .record import closing_index, effective_conversions, note_name, price_in_effect, principal_path


def check_log(prepared: Prepared, history: Sequence[NewEntry], log: str) -> list[Finding]:
    """What in the term sheet disagrees with the deal's entries in the log named `log`."""
    assert prepared.deal is not None
    source = prepared.source
    notes = {note_name(note): note for note in prepared.deal.notes}
    closings = {closing.id: i for i, closing in enumerate(prepared.sheet.closings)}
    findings = []
    for name in dict.fromkeys(entry.note for entry in history):
        standing = effective_conversions(history, name)
        if not standing:
            continue
        ids = ", ".join(str(getattr(e, "id", "?")) for e in standing)
        converted = calculations.column_total(e.principal_converted for e in standing)
        note = notes.get(name)
        if note is None:
            closing = name.split("-", 1)[0]
            path = ("closings", closings[closing]) if closing in closings else ("lenders",)
            findings.append(source.finding(
                "log.note-removed", path,
                f"the conversion log {log} records {money(converted)} converted of note "
                f"{standing[0].note_number} ({name}) in entries {ids}, and this term sheet has "
                "no such note", "keep the note's lender, closing and Schedule A row, or "
                "rescind the conversions first"))
            continue
        if converted > note.principal:
            findings.append(source.finding(
                "log.principal-below-converted", principal_path(prepared, note),
                f"note {note.number} ({name}) has principal {money(note.principal)} here, and "
                f"the conversion log {log} records {money(converted)} of it converted "
                f"(entries {ids})", f"the principal must be at least {money(converted)}; "
                "restore it, or rescind conversions"))
        closing_path = ("closings", closing_index(prepared, note))
        for entry in standing:
            assert note.issue_date is not None and note.maturity_date is not None
            if not note.issue_date <= entry.date <= note.maturity_date:
                findings.append(source.finding(
                    "log.date-outside-note", closing_path + ("date",),
                    f"entry {getattr(entry, 'id', '?')} converted note {note.number} on "
                    f"{longdate(entry.date)}, outside its term here ({longdate(note.issue_date)}"
                    f" to {longdate(note.maturity_date)})", "check the closing date and "
                    "maturity_months", severity=Severity.WARNING))
            now, _ = price_in_effect(note, entry.date)
            if now != entry.conversion_price:
                findings.append(source.finding(
                    "log.price-changed", closing_path + ("notes", "price_adjustments"),
                    f"entry {getattr(entry, 'id', '?')} converted note {note.number} on "
                    f"{longdate(entry.date)} at {price(entry.conversion_price)}, and the price "
                    f"in effect on that date is now {price(now)}",
                    "check the conversion price and its adjustments; a recorded conversion "
                    "keeps its price", severity=Severity.WARNING))
    return findings
