"""The filled forms a conversion makes, from the log: pure, from entries to rendered documents.

Both are the note's own forms (templates/conversion_notice/ and conversion_schedule/, the
text the note includes blank), filled:

- a Conversion Notice (Exhibit A) per recorded conversion, every field filled from its
  entry: `conversion-notice-<closing>-<lender>-<date>-entry-<id>`;
- the note's Conversion Schedule (Schedule 1) to date: every conversion of the note that
  stands, in the order recorded, with the principal remaining after each:
  `conversion-schedule-<closing>-<lender>-to-date`. A rescinded conversion is left out, as
  if it had not been made (Section 6(e)), and the schedule says so below the table.

Their kinds are not the blank forms' (`dealdocs render` neither makes nor removes them);
their PDF dates are the conversion dates, so the same log gives the same files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .. import calculations
from ..build import render_jobs
from ..deal import Deal, Lender, Note
from ..documents import FILLED_NOTICE, SCHEDULE_TO_DATE, DocumentJob, make_job
from ..formatting import longdate
from ..writers import RenderedDocument
from .log import CONVERSION, Entry, NewEntry
from .record import effective_conversions, note_name


@dataclass(frozen=True)
class NoticeFields:
    """What the filled Conversion Notice says (templates/conversion_notice/_body.html.j2)."""

    date: dt.date
    principal_before: Decimal
    principal_converted: Decimal
    principal_after: Decimal
    shares: int
    conversion_price: Decimal
    lender: Lender
    interest_converted: Decimal | None
    interest_shares: int | None
    """Of `shares`, those for the interest: all of them less what the principal alone
    would issue (the two are rounded up once together, Section 12)."""


@dataclass(frozen=True)
class ScheduleRow:
    """A row of the Conversion Schedule (templates/conversion_schedule/_body.html.j2)."""

    date: dt.date
    principal_converted: Decimal
    principal_after: Decimal
    conversion_price: Decimal


def notice_fields(note: Note, entry: NewEntry) -> NoticeFields:
    """The notice of a recorded conversion, as the lender delivers it."""
    principal_shares = calculations.conversion_shares(entry.principal_converted,
                                                      entry.conversion_price)
    return NoticeFields(
        entry.date,
        calculations.principal_outstanding(entry.principal_remaining,
                                           [-entry.principal_converted]),
        entry.principal_converted, entry.principal_remaining, entry.shares,
        entry.conversion_price, note.lender, entry.interest_converted,
        entry.shares - principal_shares if entry.interest_converted is not None else None)


def schedule_rows(note: Note, history: Sequence[NewEntry]) -> tuple[list[ScheduleRow],
                                                                     list[ScheduleRow]]:
    """The conversions of `note` that stand, each with the principal remaining after it,
    and those rescinded (which the schedule names below its table)."""
    name = note_name(note)
    standing = effective_conversions(history, name)
    rows, remaining = [], note.principal
    for entry in standing:
        remaining = calculations.principal_outstanding(remaining, [entry.principal_converted])
        rows.append(ScheduleRow(entry.date, entry.principal_converted, remaining,
                                entry.conversion_price))
    rescinded = [ScheduleRow(e.date, e.principal_converted, e.principal_remaining,
                             e.conversion_price)
                 for e in history if e.note == name and e.kind == CONVERSION
                 and e not in standing]
    return rows, rescinded


def notice_job(deal: Deal, note: Note, entry: Entry) -> DocumentJob:
    kind = FILLED_NOTICE
    return make_job(kind, deal, note, f"{kind.stem(deal, note)}-{entry.date}-entry-{entry.id}",
                    f"{kind.title(deal, note)}, {longdate(entry.date)}",
                    conversion=notice_fields(note, entry))


def schedule_job(deal: Deal, note: Note, history: Sequence[NewEntry]) -> DocumentJob:
    kind = SCHEDULE_TO_DATE
    rows, rescinded = schedule_rows(note, history)
    return make_job(kind, deal, note, f"{kind.stem(deal, note)}-to-date",
                    f"{kind.title(deal, note)}, to date", conversions=rows, rescinded=rescinded)


def render_conversion_documents(deal: Deal, history: Sequence[Entry],
                                notices: Iterable[Entry],
                                schedules: Iterable[str]) -> list[RenderedDocument]:
    """The filled notice of each entry of `notices` (conversions; rescissions have none) and
    the schedule to date of each note named in `schedules`, from the deal's `history` (all
    its entries). Rendered and checked, not written; RenderError if a template fails."""
    notes = {note_name(note): note for note in deal.notes}
    jobs: list[tuple[DocumentJob, dt.date]] = []
    for entry in notices:
        if entry.kind == CONVERSION:
            jobs.append((notice_job(deal, notes[entry.note], entry), entry.date))
    for name in dict.fromkeys(schedules):
        note = notes[name]
        standing = effective_conversions(history, name)
        assert note.issue_date is not None
        jobs.append((schedule_job(deal, note, history),
                     standing[-1].date if standing else note.issue_date))
    rendered = render_jobs(deal, [job for job, _ in jobs])
    # The files' dates are the conversions', never "now": the same log, the same bytes.
    return [dataclasses.replace(document, created=created)
            for document, (_, created) in zip(rendered, jobs)]
