"""One conversion, or one rescission, checked against the term sheet and the log, and computed.

Pure: from the prepared term sheet, what was asked and the deal's entries so far, to a
Conversion (or a Rescission), or a ConversionError that lists every problem with what
would be right. The same function checks the preview a user confirms and then, again,
inside the recording transaction against the log as it is by then, so that what another
run recorded meanwhile counts (`record`).

What a conversion must be (Note, Sections 5, 6, 11 and 12): of a note the term sheet has;
on a real date from its Original Issue Date through its Maturity Date, and not before a
conversion of the note already recorded (the schedule's principal remaining runs in date
order); of an amount in whole cents, more than zero and at most the principal outstanding
(the note's principal less the conversions that stand); not the same note, date and amount
as a conversion that stands, unless `again`; and, where the term sheet gives the shares
outstanding and the lender's holdings, within the Maximum Percentage (past the Threshold
Percentage it is a warning: the lender may have raised its threshold). Shares are the
principal (and the interest, if converted) divided by the Conversion Price in effect on the
date, rounded up once (Sections 6(a), 12).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .. import calculations
from ..deal import Note
from ..errors import ConversionError
from ..findings import Finding, Mark, Severity, errors
from ..formatting import longdate, money, percent, price, shares
from ..loader import PathKey
from ..model import PriceAdjustment
from ..pipeline import Prepared
from ..values import parse_date, parse_money, parse_percent
from .interest import AccruedInterest, IndexRatesNeeded, accrued_interest
from .log import CONVERSION, RESCISSION, ConversionLog, Entry, NewEntry

CLI_LABELS = {"note": "--note", "date": "--date", "principal": "--principal",
              "interest": "--interest", "index_rates": "--index-rate", "entry": "--rescind"}
CSV_LABELS = {"note": "note", "date": "date", "principal": "principal",
              "interest": "interest", "index_rates": "index_rate", "entry": "entry"}


@dataclass(frozen=True)
class Request:
    """A conversion as asked for, every value as typed (command-line options or a CSV row)."""

    note: str
    date: str
    principal: str
    interest: bool = False
    index_rates: tuple[str, ...] = ()
    again: bool = False
    where: Mark | None = None
    """The CSV row it comes from; None from the command line."""

    @property
    def labels(self) -> dict[str, str]:
        return CSV_LABELS if self.where else CLI_LABELS


@dataclass(frozen=True)
class Conversion:
    """A conversion checked and computed, not yet recorded."""

    note: Note
    date: dt.date
    principal_before: Decimal
    principal_converted: Decimal
    principal_after: Decimal
    conversion_price: Decimal
    adjustment: PriceAdjustment | None
    """The Section 11 adjustment that set the price, if the price is not the initial one."""
    shares: int
    """Shares issued: principal and converted interest together, rounded up once."""
    principal_shares: int
    """What the principal alone would issue (the rest is for the interest)."""
    interest: AccruedInterest | None
    warnings: tuple[Finding, ...]

    def entry(self, deal_id: str) -> NewEntry:
        return NewEntry(deal_id, note_name(self.note), self.note.number, CONVERSION, None,
                        self.date, self.principal_converted, self.conversion_price, self.shares,
                        self.interest.amount if self.interest else None,
                        self.interest.start if self.interest else None, self.principal_after)


@dataclass(frozen=True)
class Rescission:
    """The rescission of a recorded conversion (Note, Section 6(e)), not yet recorded."""

    note: Note
    conversion: Entry
    principal_after: Decimal

    def entry(self, deal_id: str) -> NewEntry:
        c = self.conversion
        return NewEntry(deal_id, c.note, self.note.number, RESCISSION, c.id, c.date,
                        c.principal_converted, c.conversion_price, c.shares,
                        c.interest_converted, c.interest_from, self.principal_after)


def note_name(note: Note) -> str:
    """A note's name in the log and on the command line: <closing id>-<lender id>."""
    return f"{note.closing.id}-{note.lender.id}"


def effective_conversions(history: Sequence[NewEntry], note: str) -> list[NewEntry]:
    """The conversions of `note` that stand (not rescinded), in the order recorded."""
    rescinded = {entry.rescinds for entry in history if entry.rescinds is not None}
    return [entry for entry in history if entry.note == note and entry.kind == CONVERSION
            and getattr(entry, "id", None) not in rescinded]


def outstanding(note: Note, history: Sequence[NewEntry]) -> Decimal:
    """The note's principal less the conversions of it that stand."""
    return calculations.principal_outstanding(
        note.principal, (e.principal_converted for e in effective_conversions(
            history, note_name(note))))


def find_note(prepared: Prepared, text: str) -> Note | None:
    """The note named `text`: <closing>-<lender> ("third-rockmore"), its document name
    ("note-third-rockmore") or its number ("B1-01", any case)."""
    assert prepared.deal is not None
    wanted = text.strip().lower().removeprefix("note-")
    for note in prepared.deal.notes:
        if wanted in (note_name(note), note.number.lower()):
            return note
    return None


def require_note(prepared: Prepared, text: str) -> Note:
    """The note named `text` (see find_note); ConversionError with a "did you mean"."""
    note = find_note(prepared, text)
    if note is None:
        refuse = _Refusals(prepared, Request(text, "", ""))
        _unknown_note(refuse, prepared, text)
        refuse.stop_if_any()
    assert note is not None
    return note


def plan_conversion(prepared: Prepared, request: Request, history: Sequence[NewEntry],
                    issued: Mapping[str, int] | None = None) -> Conversion:
    """Check and compute one conversion; ConversionError with every problem found.

    `history` is the deal's entries so far (for a batch: with the rows planned before this
    one); `issued` the shares this run issues before this conversion, by lender id."""
    issued = issued or {}
    refuse = _Refusals(prepared, request)
    note = find_note(prepared, request.note)
    if note is None:
        _unknown_note(refuse, prepared, request.note)
    date = refuse.parse("date", "date", parse_date, request.date,
                        "give the Conversion Date as YYYY-MM-DD, like 2006-06-01")
    amount = refuse.parse("principal", "amount", parse_money, request.principal,
                          "give the principal to convert in dollars and whole cents, more "
                          "than zero: 1,000,000 or 2500.50")
    index_rates = tuple(refuse.parse("index_rates", "index-rate", parse_percent, text,
                                     "give the index's rate in percent a year, like 5.25")
                        for text in request.index_rates)
    if request.index_rates and not request.interest:
        refuse("index_rates", "index-rate", "an index rate is given and interest is not "
               "converted", "add --interest (interest column: yes), or leave the rate out")
    refuse.stop_if_any()
    assert note is not None and date is not None and amount is not None
    assert note.issue_date is not None and note.maturity_date is not None
    closing_path: PathKey = ("closings", closing_index(prepared, note))
    if date < note.issue_date:
        refuse("date", "date-range", f"{date} is before note {note.number}'s Original Issue "
               f"Date, {longdate(note.issue_date)}", "a note converts from its Original Issue "
               "Date on (Section 5(a)); check the date", closing_path + ("date",))
    if date > note.maturity_date:
        refuse("date", "date-range", f"{date} is after note {note.number}'s Maturity Date, "
               f"{longdate(note.maturity_date)}", "a note converts until it matures; check the "
               "date", closing_path + ("notes", "maturity_months"))
    standing = effective_conversions(history, note_name(note))
    later = [e for e in standing if e.date > date]
    if later:
        refuse("date", "date-order", f"the log records a conversion of note {note.number} on "
               f"{longdate(later[-1].date)}{_entry_id(later[-1])}, after {date}",
               "record conversions in the order of their dates, or rescind the later one first")
    before = outstanding(note, history)
    if amount > before:
        converted = note.principal - before
        refuse("principal", "exceeds-outstanding",
               f"{money(amount)} is more than the {money(before)} outstanding on note "
               f"{note.number} ({note_name(note)}) on {longdate(date)}: its principal "
               f"{money(note.principal)} less {money(converted)} converted",
               f"convert at most {money(before)}" if before else "nothing is left to convert",
               principal_path(prepared, note))
    same = [e for e in standing if e.date == date and e.principal_converted == amount]
    if same and not request.again:
        refuse("principal", "duplicate", f"the conversion of {money(amount)} of note "
               f"{note.number} on {longdate(date)} is already recorded{_entry_id(same[0])}",
               "to record a second conversion of the same amount on the same day, repeat with "
               "--again (a CSV batch: --again on the command line)")
    price_now, adjustment = price_in_effect(note, date)
    interest = None
    if request.interest:
        interest = _interest(refuse, prepared, note, amount, date, index_rates)
    refuse.stop_if_any()
    total = amount + (interest.amount if interest else 0)
    conversion = Conversion(
        note, date, before, amount, calculations.principal_outstanding(before, [amount]),
        price_now, adjustment, calculations.conversion_shares(total, price_now),
        calculations.conversion_shares(amount, price_now), interest, ())
    _ownership(refuse, prepared, conversion, issued)
    refuse.stop_if_any()
    return dataclasses.replace(conversion, warnings=tuple(refuse.warnings))


def plan_rescission(prepared: Prepared, entry_text: str, history: Sequence[Entry]) -> Rescission:
    """Check the rescission of the conversion recorded as entry `entry_text` (Note,
    Section 6(e)); ConversionError if it cannot be rescinded."""
    refuse = _Refusals(prepared, Request("", "", ""))
    text = entry_text.strip().removeprefix("#")
    by_id = {entry.id: entry for entry in history}
    conversions = [str(e.id) for e in history if e.kind == CONVERSION and e.effective]
    listing = (f"the conversions that stand are entries {', '.join(conversions)}" if conversions
               else "no conversion of this deal stands")
    if not text.isdigit() or int(text) not in by_id:
        refuse("entry", "unknown-entry", f"the log has no entry {entry_text!r} for this deal",
               f"{listing} (`dealdocs conversions TERM_SHEET` lists them)")
    refuse.stop_if_any()
    entry = by_id[int(text)]
    if entry.kind == RESCISSION:
        refuse("entry", "not-a-conversion", f"entry {entry.id} is itself the rescission of "
               f"entry {entry.rescinds}", listing)
    elif entry.rescinded_by is not None:
        refuse("entry", "already-rescinded", f"entry {entry.id} was already rescinded by entry "
               f"{entry.rescinded_by}", listing)
    refuse.stop_if_any()
    note = find_note(prepared, entry.note)
    if note is None:
        refuse("entry", "unknown-note", f"entry {entry.id} converted note {entry.note} "
               f"({entry.note_number}), which this term sheet no longer has",
               "rescind it with the term sheet it was recorded under")
    refuse.stop_if_any()
    assert note is not None
    after = calculations.principal_outstanding(outstanding(note, history),
                                               [-entry.principal_converted])
    return Rescission(note, entry, after)


def plan_conversions(prepared: Prepared, requests: Sequence[Request],
                     history: Sequence[NewEntry]) -> list[Conversion]:
    """Check and compute each request in turn, each against the entries and the requests
    before it; ConversionError with every request's problems if any has one."""
    assert prepared.deal is not None
    history = list(history)
    planned, problems = [], []
    issued: dict[str, int] = {}
    for request in requests:
        try:
            conversion = plan_conversion(prepared, request, history, issued)
        except ConversionError as exc:
            problems += exc.findings
            continue
        planned.append(conversion)
        history.append(conversion.entry(prepared.deal.deal.id))
        issued[conversion.note.lender.id] = (issued.get(conversion.note.lender.id, 0)
                                             + conversion.shares)
    if errors(problems):
        raise ConversionError(problems)
    return planned


def record_conversions(book: ConversionLog, prepared: Prepared,
                       requests: Sequence[Request]) -> list[Entry]:
    """Record `requests` in the log, all or none: inside one transaction that holds the lock
    on their notes, each is checked again against the log as it is by then (what another
    run recorded meanwhile counts), then added. ConversionError, nothing recorded, if any
    has a problem."""
    assert prepared.deal is not None
    deal_id = prepared.deal.deal.id
    notes = {note_name(note) for request in requests
             if (note := find_note(prepared, request.note)) is not None}
    with book.recording(deal_id, notes) as recording:
        planned = plan_conversions(prepared, requests, recording.entries())
        return [recording.add(conversion.entry(deal_id)) for conversion in planned]


def record_rescission(book: ConversionLog, prepared: Prepared, entry_text: str) -> Entry:
    """Record the rescission of entry `entry_text`, checked again inside the transaction."""
    assert prepared.deal is not None
    deal_id = prepared.deal.deal.id
    note = next((e.note for e in book.entries(deal_id) if str(e.id) == entry_text.strip()
                 .removeprefix("#")), None)
    with book.recording(deal_id, [note] if note else []) as recording:
        rescission = plan_rescission(prepared, entry_text, recording.entries())
        return recording.add(rescission.entry(deal_id))


# --- Helpers. ---


class _Refusals:
    """The problems found with one request, each located: at the CSV row it comes from, or
    at the term-sheet line that decides it, or (from the command line) at the option."""

    def __init__(self, prepared: Prepared, request: Request):
        self.prepared = prepared
        self.request = request
        self.findings: list[Finding] = []

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def __call__(self, field: str, code: str, message: str, fix: str,
                 sheet_path: PathKey | None = None,
                 severity: Severity = Severity.ERROR) -> None:
        mark = self.request.where
        if mark is None and sheet_path is not None:
            mark = self.prepared.source.locate(sheet_path)
        self.findings.append(Finding(f"convert.{code}", severity, mark,
                                     self.request.labels[field], message, fix))

    def parse(self, field: str, code: str, parser, text: str, fix: str):
        try:
            return parser(text)
        except ValueError as exc:
            message = str(exc)
            if text.strip() not in message:
                message = f"{text!r}: {message}"
            # The value's own parser may already say how to write it.
            self(field, code, message, "" if "write it" in message else fix)
            return None

    def stop_if_any(self) -> None:
        if errors(self.findings):
            raise ConversionError(self.findings)


def _unknown_note(refuse: _Refusals, prepared: Prepared, text: str) -> None:
    refuse("note", "unknown-note", f"no note is named {text!r}", _did_you_mean(prepared, text))


def _did_you_mean(prepared: Prepared, text: str) -> str:
    assert prepared.deal is not None
    names = [note_name(n) for n in prepared.deal.notes]
    numbers = [n.number for n in prepared.deal.notes]
    close = (difflib.get_close_matches(text.strip().lower(), names, n=1, cutoff=0.5)
             or difflib.get_close_matches(text.strip().upper(), numbers, n=1, cutoff=0.5))
    if close:
        return f"did you mean {close[0]!r}?"
    return ("the notes are " + ", ".join(f"{n.number} ({note_name(n)})"
                                         for n in prepared.deal.notes))


def _entry_id(entry: NewEntry) -> str:
    entry_id = getattr(entry, "id", None)
    return f" (entry {entry_id})" if entry_id is not None else " (an earlier row)"


def closing_index(prepared: Prepared, note: Note) -> int:
    return [c.id for c in prepared.sheet.closings].index(note.closing.id)


def principal_path(prepared: Prepared, note: Note) -> PathKey:
    for i, row in enumerate(prepared.sheet.schedule_a):
        if row.lender == note.lender.id:
            key = "principal" if note.closing.id in row.principal else "percent"
            return ("schedule_a", i, key, note.closing.id)
    return ("schedule_a",)


def price_in_effect(note: Note, date: dt.date) -> tuple[Decimal, PriceAdjustment | None]:
    adjustments = note.closing.notes.price_adjustments
    in_effect = calculations.conversion_price_in_effect(
        note.closing.notes.conversion_price,
        [(a.effective, a.conversion_price) for a in adjustments], date)
    applied = [a for a in adjustments if a.effective <= date]
    return in_effect, (applied[-1] if applied else None)


def _interest(refuse: _Refusals, prepared: Prepared, note: Note, amount: Decimal,
              date: dt.date, index_rates: tuple[Decimal, ...]) -> AccruedInterest | None:
    terms = prepared.sheet.note_terms
    if terms is None:
        refuse("interest", "interest", "the term sheet has no `note_terms:`, so no interest "
               "accrues", "leave out --interest")
        return None
    try:
        return accrued_interest(note, terms, amount, date, index_rates)
    except IndexRatesNeeded as exc:
        if not exc.periods:
            refuse("index_rates", "index-rate", f"the interest to {date} accrues at the fixed "
                   f"rate of {percent(terms.fixed_rate_percent)} only, and an index rate is "
                   "given", "leave out the index rate", ("note_terms", "fixed_rate_percent"))
            return None
        spans = " and ".join(f"{longdate(start)} to {longdate(last)}"
                             for start, last in exc.periods)
        refuse("index_rates", "index-rate",
               f"the interest to {date} accrues in the floating Interest Period(s) {spans}, at "
               f"the index ({exc.index}) for each plus the margin; the term sheet cannot know "
               f"the index's value, and {exc.given} value(s) were given for "
               f"{len(exc.periods)} period(s)",
               "give the index's rate for each period, in order: "
               + " ".join("--index-rate RATE" for _ in exc.periods)
               + " (a CSV batch: the index_rate column, values separated by spaces)",
               ("note_terms", "floating_rate", "index"))
        return None


def _ownership(refuse: _Refusals, prepared: Prepared, conversion: Conversion,
               issued: Mapping[str, int]) -> None:
    """Section 5(b)(i): past the Maximum Percentage is refused; past the Threshold
    Percentage is a warning (the Lender may have raised its threshold, on 61 days' notice)."""
    sheet, note = prepared.sheet, conversion.note
    held, total = note.lender.shares_held, sheet.company.shares_outstanding
    if held is None or total is None or sheet.note_terms is None:
        return
    held += issued.get(note.lender.id, 0)
    total += sum(issued.values())
    limits = sheet.note_terms.ownership_limits
    lender_path: PathKey = ("lenders", [l.id for l in sheet.lenders].index(note.lender.id),
                            "shares_held")
    for limit, what, severity in ((limits.maximum_percent, "Maximum", Severity.ERROR),
                                  (limits.threshold_percent, "Threshold", Severity.WARNING)):
        if not calculations.exceeds_ownership_limit(held, total, conversion.shares, limit):
            continue
        most_shares = calculations.shares_within_ownership_limit(held, total, limit)
        most = calculations.principal_within_shares(
            most_shares, conversion.conversion_price,
            conversion.interest.amount if conversion.interest else Decimal(0))
        refuse("principal", "ownership-limit",
               f"the {shares(conversion.shares)} shares would take {note.lender.legal_name} to "
               f"{shares(held + conversion.shares)} of the {shares(total + conversion.shares)} "
               f"shares then outstanding, more than the {what} Percentage of {percent(limit)} "
               f"(Section 5(b)(i)) at {price(conversion.conversion_price)} a share",
               (f"at most {money(most)} can be converted on this date within it"
                if most else "none of the note can be converted within it now")
               + ("" if severity is Severity.ERROR else "; record it only if the Lender has "
                  "raised its Threshold Percentage"), lender_path, severity)
        return
