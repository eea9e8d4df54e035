"""Checks: every inconsistency in a typed term sheet becomes a located finding.

Two passes, like MkDocs' config validation: `check_references` first (ids that must
exist, ids given twice); only when every reference resolves are the figures derived and
`check_figures` compares them with what the term sheet states.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from decimal import Decimal

from .calculations import additional_warrant_shares, column_total
from .deal import Deal, collective_names
from .findings import Finding, Severity
from .fonts import describe, uncovered_characters
from .formatting import money, percent, price, shares
from .loader import PathKey, SourceMap, format_path
from .model import TermSheet
from .forms import NOTE_TEMPLATE, Forms

WARNING = Severity.WARNING


def check_references(sheet: TermSheet, source: SourceMap, forms: Forms) -> list[Finding]:
    """Ids that must exist and ids given twice; clauses and rate indexes are the deal's forms'."""
    lenders = {lender.id for lender in sheet.lenders}
    closings = {closing.id for closing in sheet.closings}
    agreements = {agreement.id for agreement in sheet.agreements}
    clauses = set(forms.clause_names())
    findings = [
        *_duplicates(source, "lenders", [lender.id for lender in sheet.lenders], "id", "lender"),
        *_duplicates(source, "closings", [c.id for c in sheet.closings], "id", "closing"),
        *_duplicates(source, "agreements", [a.id for a in sheet.agreements], "id", "agreement"),
        *_duplicates(source, "schedule_a", [row.lender for row in sheet.schedule_a], "lender",
                     "Schedule A row for lender"),
        *_exhibits(sheet, source),
        *_repeated(source, ("amendment", "sections"), sheet.amendment.sections, "section"),
        *_repeated(source, ("amendment", "amends"), sheet.amendment.amends, "agreement"),
    ]

    def ref(kind: str, known: set[str], value: str | None, path: PathKey) -> None:
        if value is not None and value not in known:
            findings.append(_unknown(source, kind, known, value, path))

    for i, row in enumerate(sheet.schedule_a):
        ref("lender", lenders, row.lender, ("schedule_a", i, "lender"))
        for key in ("principal", "percent", "warrant_shares"):
            for closing_id in getattr(row, key):
                ref("closing", closings, closing_id, ("schedule_a", i, key, closing_id))
    if sheet.schedule_a_totals:
        for key in ("principal", "warrant_shares"):
            for closing_id in getattr(sheet.schedule_a_totals, key):
                ref("closing", closings, closing_id, ("schedule_a_totals", key, closing_id))
    for i, fee in enumerate(sheet.fee_reimbursements):
        ref("lender", lenders, fee.lender, ("fee_reimbursements", i, "lender"))
        ref("closing", closings, fee.closing, ("fee_reimbursements", i, "closing"))
        if (fee.closing is None) == (fee.against is None):
            findings.append(source.finding(
                "fee.target", ("fee_reimbursements", i),
                "say which payment the reimbursement reduces",
                "give exactly one of `closing:` (a closing id) or `against:`"))
    for i, assignment in enumerate(sheet.assignments):
        ref("lender", lenders, assignment.from_lender, ("assignments", i, "from"))
        ref("lender", lenders, assignment.to_lender, ("assignments", i, "to"))
    ref("lender", lenders, sheet.counsel.represents, ("counsel", "represents"))
    for i, agreement in enumerate(sheet.agreements):
        for j, other in enumerate(agreement.amended_by):
            ref("agreement", agreements, other, ("agreements", i, "amended_by", j))
        ref("agreement", agreements, agreement.in_connection_with,
            ("agreements", i, "in_connection_with"))
    for i, agreement_id in enumerate(sheet.amendment.amends):
        ref("agreement", agreements, agreement_id, ("amendment", "amends", i))
    if sheet.prior_securities_exercise:
        ref("agreement", agreements, sheet.prior_securities_exercise.agreement,
            ("prior_securities_exercise", "agreement"))
    if sheet.waivers:
        for i, agreement_id in enumerate(sheet.waivers.prior_transactions):
            ref("agreement", agreements, agreement_id, ("waivers", "prior_transactions", i))
    terms = sheet.note_terms
    if terms:
        for i, financing in enumerate(terms.prior_financings):
            ref("agreement", agreements, financing.agreement,
                ("note_terms", "prior_financings", i, "agreement"))
        findings += _repeated(source, ("note_terms", "prior_financings"),
                              [f.agreement for f in terms.prior_financings], "prior financing")
        if terms.floating_rate:
            ref("rate index", set(forms.rate_indexes()), terms.floating_rate.index,
                ("note_terms", "floating_rate", "index"))
    findings += [*_names_needed(sheet, source), *_event_date(sheet, source),
                 *_termination(sheet, source), *_collective_names(sheet, source)]
    for i, section in enumerate(sheet.amendment.sections):
        ref("clause", clauses, section, ("amendment", "sections", i))
        if section in clauses:
            findings += _template_needs(sheet, source, forms, f"clauses/{section}.html.j2",
                                        f"the {section!r} section", ("amendment", "sections", i))
    if sheet.closings:
        findings += _template_needs(sheet, source, forms, NOTE_TEMPLATE, "the note form",
                                    ("closings",))
    return findings


def check_figures(sheet: TermSheet, deal: Deal, source: SourceMap) -> list[Finding]:
    """Stated figures against derived ones, totals, prices and dates."""
    return [*_allocations(sheet, source), *_stated_warrant_shares(sheet, deal, source),
            *_stated_totals(sheet, deal, source),
            *_additional_warrants(sheet, deal, source), *_unallocated_lenders(sheet, source),
            *_fees(sheet, deal, source), *_dates(sheet, deal, source),
            *_price_adjustments(sheet, deal, source), *_holdings(sheet, source),
            *_glyphs(sheet, source)]


def _template_needs(sheet: TermSheet, source: SourceMap, forms: Forms, template: str,
                    what: str, path: PathKey) -> Iterator[Finding]:
    for kind in forms.needs(template):
        if not getattr(sheet, kind):
            yield source.finding(
                "ref.clause-needs", path,
                f"{what} is written from the term sheet's `{kind}:`, which this term sheet "
                "does not have", f"add `{kind}:` (see term_sheets/ for examples), or remove "
                "the section")


def _names_needed(sheet: TermSheet, source: SourceMap) -> Iterator[Finding]:
    """Agreements and securities the documents name by their defined terms must have them."""
    declared = {agreement.id: (i, agreement) for i, agreement in enumerate(sheet.agreements)}
    named = [*sheet.amendment.amends, *(sheet.waivers.prior_transactions if sheet.waivers else [])]
    for agreement_id in dict.fromkeys(named):
        if agreement_id in declared and declared[agreement_id][1].defined_as is None:
            index, agreement = declared[agreement_id]
            yield source.finding(
                "ref.defined-as", ("agreements", index),
                f"the documents refer to the {agreement.title} dated {agreement.date} by its "
                "defined term, and it has none",
                "add `defined_as:` (for example \"September Purchase Agreement\")")
    for i, financing in enumerate(sheet.note_terms.prior_financings if sheet.note_terms else []):
        agreement = declared.get(financing.agreement, (0, None))[1]
        if agreement is None:
            continue
        path: PathKey = ("note_terms", "prior_financings", i)
        if financing.defined_as is None and agreement.defined_as is None:
            yield source.finding(
                "ref.defined-as", path + ("agreement",),
                f"the note defines the {agreement.title} dated {agreement.date} by a name, "
                "and neither the agreement nor this entry gives one",
                "add `defined_as:` here or to the agreement")
        if financing.securities is None and (agreement.securities is None
                                             or agreement.securities.notes is None):
            yield source.finding(
                "ref.defined-as", path + ("agreement",),
                f"the note names the {financing.instrument} issued under the {agreement.title} "
                f"dated {agreement.date}, and neither the agreement nor this entry names them",
                "add `securities:` here (for example \"2004 Notes\")")


def _event_date(sheet: TermSheet, source: SourceMap) -> Iterator[Finding]:
    following = [i for i, c in enumerate(sheet.closings) if c.trigger == "event_date"]
    if following and sheet.event_date is None:
        yield source.finding(
            "ref.event-date", ("closings", following[0], "trigger"),
            f"the {sheet.closings[following[0]].name} follows the Event Date, which the term "
            "sheet does not define", "add `event_date:` (what it waits for), or change the trigger")
    if sheet.event_date is not None and not following:
        yield source.finding(
            "ref.event-date", ("event_date",),
            "the Event Date is defined, and no closing follows it",
            "give a closing `trigger: event_date`, or remove `event_date:`", severity=WARNING)


def _termination(sheet: TermSheet, source: SourceMap) -> Iterator[Finding]:
    if sheet.termination and not any(c.trigger == "exchange_approval" for c in sheet.closings):
        yield source.finding(
            "ref.termination", ("termination",),
            "the Lenders' right to terminate runs from the exchange's approval, and no closing "
            "waits for it", "give a closing `trigger: exchange_approval`, or remove "
            "`termination:`")


def _collective_names(sheet: TermSheet, source: SourceMap) -> Iterator[Finding]:
    """With several closings, the name of all their notes (or warrants) together is a term
    of its own: it cannot be the name of one closing's series."""
    if len(sheet.closings) < 2:
        return
    names = collective_names(sheet)
    for kind, collective in (("notes", names.notes), ("warrants", names.warrants)):
        for i, closing in enumerate(sheet.closings):
            series = getattr(closing, kind)
            if series is not None and collective == series.name:
                yield source.finding(
                    "names.collective", ("closings", i, kind, "name"),
                    f"{series.name!r} names the {closing.name}'s {kind}, and would also name "
                    f"the {kind} of all the closings together",
                    f"give `collective_names: {{{kind}: ...}}` another name, or rename the series")


def _unknown(source: SourceMap, kind: str, known: set[str], value: str,
             path: PathKey) -> Finding:
    close = difflib.get_close_matches(value, sorted(known), n=1)
    if close:
        fix = f"did you mean {close[0]!r}?"
    elif known:
        fix = f"the {kind}s are: {', '.join(sorted(known))}"
    else:
        fix = f"declare the {kind} first"
    return source.finding(f"ref.unknown-{kind.replace(' ', '-')}", path,
                          f"no {kind} has the id {value!r}", fix)


def _duplicates(source: SourceMap, section: str, ids: list[str], key: str,
                what: str) -> Iterator[Finding]:
    first: dict[str, int] = {}
    for index, value in enumerate(ids):
        if value in first:
            line = source.locate((section, first[value], key)).line
            yield source.finding("ref.duplicate-id", (section, index, key),
                                 f"{what} {value!r} is declared twice (first on line {line})",
                                 "give each its own id, or merge the two")
        else:
            first[value] = index


def _glyphs(sheet: TermSheet, source: SourceMap) -> Iterator[Finding]:
    """Characters of a value that no bundled font can draw, at the value's line."""
    for path, text in _strings(sheet.model_dump(by_alias=True)):
        # The bundled serif draws all of Latin-1: only other text needs the fonts' maps.
        if max(map(ord, text), default=0) > 0xFF and (missing := uncovered_characters(text)):
            yield source.finding("text.missing-glyph", path,
                                 f"no bundled font can draw {describe(missing)}",
                                 "spell the value without it, or add a font that covers it")


def _strings(value: object, path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))


def _repeated(source: SourceMap, path: PathKey, values: list[str], what: str) -> Iterator[Finding]:
    for index, value in enumerate(values):
        if value in values[:index]:
            yield source.finding("ref.duplicate-id", path + (index,),
                                 f"the {what} {value!r} is listed twice", "list it once")


def _exhibits(sheet: TermSheet, source: SourceMap) -> Iterator[Finding]:
    labels: list[tuple[str, PathKey]] = []
    if sheet.additional_warrants:
        labels.append((sheet.additional_warrants.exhibit, ("additional_warrants", "exhibit")))
    for i, closing in enumerate(sheet.closings):
        labels.append((closing.notes.exhibit, ("closings", i, "notes", "exhibit")))
        if closing.warrants:
            labels.append((closing.warrants.exhibit, ("closings", i, "warrants", "exhibit")))
    seen: dict[str, PathKey] = {}
    for label, path in labels:
        if label in seen:
            yield source.finding(
                "exhibit.duplicate", path,
                f"Exhibit {label} is already the exhibit of {format_path(seen[label])} "
                f"(line {source.locate(seen[label]).line})",
                "give each form of security its own exhibit label")
        else:
            seen[label] = path


def _allocations(sheet: TermSheet, source: SourceMap) -> Iterator[Finding]:
    for closing_index, closing in enumerate(sheet.closings):
        rows = sheet.schedule_a
        for i, row in enumerate(rows):
            if closing.id in row.principal and closing.id in row.percent:
                yield source.finding(
                    "schedule-a.mixed-allocation", ("schedule_a", i, "percent", closing.id),
                    f"both an amount and a percentage are given for the {closing.name}",
                    "give one of them")
        percents = [row.percent[closing.id] for row in rows if closing.id in row.percent]
        amounts = [row.principal[closing.id] for row in rows if closing.id in row.principal]
        if not percents and not amounts:
            yield source.finding(
                "schedule-a.empty-closing", ("closings", closing_index),
                f"no lender takes part in the {closing.name}: Schedule A gives nobody principal "
                f"of its {money(closing.notes.aggregate_principal)}",
                f"add `{closing.id}:` under a lender's principal, or remove the closing")
            continue
        if percents and amounts:
            yield source.finding(
                "schedule-a.mixed-allocation", ("closings", closing_index),
                f"Schedule A gives some lenders amounts and others percentages of the "
                f"{closing.name}", "use the same way for every lender of a closing")
            continue
        aggregate = closing.notes.aggregate_principal
        path: PathKey = ("closings", closing_index, "notes", "aggregate_principal")
        if percents:
            total = column_total(percents)
            if total != 100:
                yield source.finding(
                    "schedule-a.percent-total", path,
                    f"the lenders' percentages of the {closing.name} add up to "
                    f"{percent(total)}, not 100%", "correct the percentages")
            continue
        total = column_total(amounts)
        if amounts and total != aggregate:
            difference = total - aggregate
            # A split of the aggregate into whole dollars can be off by up to half a
            # dollar per row; a larger gap is a wrong figure, not rounding.
            rounding = abs(difference) <= Decimal(len(amounts)) / 2
            yield source.finding(
                "schedule-a.aggregate", path,
                f"the lenders' principal for the {closing.name} adds up to {money(total)}, "
                f"{money(abs(difference))} {'more' if difference > 0 else 'less'} than the "
                f"aggregate principal {money(aggregate)}"
                + (" (a rounding residue of splitting it)" if rounding else ""),
                "give the lenders' shares as `percent:` to split the aggregate exactly, or "
                "correct the amounts",
                severity=WARNING if rounding else Severity.ERROR)


def _stated_warrant_shares(sheet: TermSheet, deal: Deal, source: SourceMap) -> Iterator[Finding]:
    closings = {closing.id: closing for closing in sheet.closings}
    for i, (row, derived) in enumerate(zip(sheet.schedule_a, deal.schedule_a.rows)):
        for closing_id, stated in row.warrant_shares.items():
            closing = closings.get(closing_id)
            path: PathKey = ("schedule_a", i, "warrant_shares", closing_id)
            if closing is None:
                continue
            if closing.warrants is None or closing_id not in derived.principal:
                yield source.finding(
                    "schedule-a.warrant-shares", path,
                    f"warrant shares are stated but the lender has no {closing.name} "
                    "warrants", "remove the figure, or allocate the lender principal")
                continue
            computed = derived.warrant_shares[closing_id]
            if stated != computed:
                yield source.finding(
                    "schedule-a.warrant-shares", path,
                    f"{shares(stated)} warrant shares are stated, but "
                    f"{percent(closing.warrants.coverage_percent)} of "
                    f"{money(derived.principal[closing_id])} at "
                    f"{price(closing.notes.conversion_price)}, rounded up, is "
                    f"{shares(computed)} ({_signed(stated - computed, shares)})",
                    f"write {shares(computed)}, or remove the figure to use the derived one")


def _stated_totals(sheet: TermSheet, deal: Deal, source: SourceMap) -> Iterator[Finding]:
    stated = sheet.schedule_a_totals
    if stated is None:
        return
    totals = deal.schedule_a.totals
    names = {c.id: c for c in sheet.closings}
    comparisons: list[tuple[PathKey, str, Decimal | int | None, Decimal | int | None, bool]] = [
        (("schedule_a_totals", "additional_warrants"), "Additional Warrants",
         stated.additional_warrants, totals.additional_warrants, False)]
    comparisons += [(("schedule_a_totals", "principal", cid), f"{names[cid].notes.name} principal",
                     value, totals.principal.get(cid), True)
                    for cid, value in stated.principal.items()]
    comparisons += [(("schedule_a_totals", "warrant_shares", cid),
                     f"{names[cid].warrants.name if names[cid].warrants else cid} warrant shares",
                     value, totals.warrant_shares.get(cid, 0), False)
                    for cid, value in stated.warrant_shares.items()]
    for path, what, value, computed, is_money in comparisons:
        if value is None or computed is None or value == computed:
            continue
        show = money if is_money else shares
        yield source.finding(
            "schedule-a.total", path,
            f"the total of {what} is stated as {show(value)}, but the rows add up to "
            f"{show(computed)} ({_signed(computed - value, show)})",
            f"write {show(computed)}, or leave the total out to have it computed")


def _additional_warrants(sheet: TermSheet, deal: Deal, source: SourceMap) -> Iterator[Finding]:
    exercise = sheet.prior_securities_exercise
    terms = sheet.additional_warrants
    total = deal.schedule_a.totals.additional_warrants
    if not (exercise and terms and terms.coverage_percent and total is not None):
        return
    expected = additional_warrant_shares(exercise.warrant_shares_exercised, terms.coverage_percent)
    if total != expected:
        yield source.finding(
            "schedule-a.additional-warrants", ("additional_warrants", "coverage_percent"),
            f"Schedule A's Additional Warrants add up to {shares(total)}, but "
            f"{percent(terms.coverage_percent)} of the "
            f"{shares(exercise.warrant_shares_exercised)} shares exercised is "
            f"{shares(expected)} ({_signed(total - expected, shares)})",
            "correct the lenders' figures or the shares exercised")


def _unallocated_lenders(sheet: TermSheet, source: SourceMap) -> Iterator[Finding]:
    allocated = {row.lender for row in sheet.schedule_a}
    for i, lender in enumerate(sheet.lenders):
        if lender.id not in allocated:
            yield source.finding(
                "schedule-a.unallocated-lender", ("lenders", i, "id"),
                f"{lender.legal_name} is a lender but has no row in Schedule A",
                "add its row, or remove the lender", severity=WARNING)


def _fees(sheet: TermSheet, deal: Deal, source: SourceMap) -> Iterator[Finding]:
    rows = {row.lender.id: row for row in deal.schedule_a.rows}
    for i, fee in enumerate(sheet.fee_reimbursements):
        if fee.closing is None or fee.lender not in rows:
            continue
        purchase = rows[fee.lender].principal.get(fee.closing)
        path: PathKey = ("fee_reimbursements", i, "amount")
        if purchase is None:
            yield source.finding(
                "fee.no-purchase", ("fee_reimbursements", i, "closing"),
                f"the reimbursement reduces {fee.lender!r}'s purchase price at closing "
                f"{fee.closing!r}, but that lender buys nothing there",
                "name a closing in which the lender buys notes")
        elif fee.amount > purchase:
            yield source.finding(
                "fee.exceeds-price", path,
                f"the reimbursement {money(fee.amount)} is more than the lender's purchase "
                f"price {money(purchase)}", "check the amount")


def _dates(sheet: TermSheet, deal: Deal, source: SourceMap) -> Iterator[Finding]:
    date = sheet.deal.date
    for i, agreement in enumerate(sheet.agreements):
        if agreement.date > date:
            yield source.finding(
                "dates.order", ("agreements", i, "date"),
                f"{agreement.defined_as or agreement.title} is dated {agreement.date}, after "
                f"this document's date {date}", "a document refers only to earlier agreements")
        for j, other_id in enumerate(agreement.amended_by):
            other = deal.agreements.get(other_id)
            if other and other.date < agreement.date:
                yield source.finding(
                    "dates.order", ("agreements", i, "amended_by", j),
                    f"it is amended by an agreement dated {other.date}, before its own date "
                    f"{agreement.date}", "check both dates")
    terms = sheet.note_terms
    floating = terms.floating_rate if terms else None
    for i, closing in enumerate(sheet.closings):
        if closing.date is None:
            yield source.finding(
                "dates.missing", ("closings", i),
                f"the {closing.name} has no date, and its notes need an Original Issue Date",
                "add `date: YYYY-MM-DD` to the closing")
        elif floating and floating.fixed_rate_through < closing.date:
            yield source.finding(
                "dates.order", ("note_terms", "floating_rate", "fixed_rate_through"),
                f"the fixed rate runs through {floating.fixed_rate_through}, before the "
                f"{closing.name}'s notes are issued on {closing.date}",
                "check fixed_rate_through and the closing date")
        if closing.date and closing.date < date:
            yield source.finding(
                "dates.order", ("closings", i, "date"),
                f"the {closing.name} ({closing.date}) is before this document's date {date}",
                "a closing under this document follows its date")
    for note in deal.notes:
        if note.issue_date and note.maturity_date and note.maturity_date <= note.issue_date:
            index = sheet.closings.index(note.closing)
            yield source.finding(
                "dates.order", ("closings", index, "notes", "maturity_months"),
                f"the Maturity Date {note.maturity_date} is not after the Original Issue "
                f"Date {note.issue_date}", "check maturity_months")
        elif note.maturity_date and floating and note.maturity_date <= floating.fixed_rate_through:
            index = sheet.closings.index(note.closing)
            yield source.finding(
                "dates.order", ("closings", index, "notes", "maturity_months"),
                f"the {note.closing.name}'s notes mature on {note.maturity_date}, before the "
                f"fixed rate ends ({floating.fixed_rate_through})", "check maturity_months")
    approval = terms.shareholder_approval if terms else None
    if approval and approval.deadline < date:
        yield source.finding(
            "dates.order", ("note_terms", "shareholder_approval", "deadline"),
            f"the shareholder approval is due {approval.deadline}, before this document's "
            f"date {date}", "check the date")
    if approval and approval.deadline_if_reviewed < approval.deadline:
        yield source.finding(
            "dates.order", ("note_terms", "shareholder_approval", "deadline_if_reviewed"),
            f"the deadline if the proxy is reviewed ({approval.deadline_if_reviewed}) is before "
            f"the deadline without review ({approval.deadline})", "check both dates")
    if sheet.public_announcement.press_release_date < date:
        yield source.finding(
            "dates.order", ("public_announcement", "press_release_date"),
            f"the press release date {sheet.public_announcement.press_release_date} is before "
            f"this document's date {date}", "check the date", severity=WARNING)


def _price_adjustments(sheet: TermSheet, deal: Deal, source: SourceMap) -> Iterator[Finding]:
    """Each Conversion Price adjustment after its notes' Original Issue Date and the one
    before it, and before their Maturity Date (Note, Section 11)."""
    maturities = {note.closing.id: note.maturity_date for note in deal.notes}
    for i, closing in enumerate(sheet.closings):
        previous = closing.date
        for j, adjustment in enumerate(closing.notes.price_adjustments):
            path: PathKey = ("closings", i, "notes", "price_adjustments", j, "effective")
            maturity = maturities.get(closing.id)
            if previous is not None and adjustment.effective <= previous:
                what = ("the Original Issue Date" if previous == closing.date and j == 0
                        else "the adjustment before it")
                yield source.finding(
                    "dates.order", path,
                    f"the adjustment takes effect on {adjustment.effective}, not after {what} "
                    f"({previous})", "list the adjustments oldest first, each after the notes "
                    "are issued")
            elif maturity is not None and adjustment.effective > maturity:
                yield source.finding(
                    "dates.order", path,
                    f"the adjustment takes effect on {adjustment.effective}, after the notes "
                    f"mature ({maturity}): no conversion can use it", "check the date",
                    severity=WARNING)
            previous = max(previous, adjustment.effective) if previous else adjustment.effective


def _holdings(sheet: TermSheet, source: SourceMap) -> Iterator[Finding]:
    """A lender's holdings are part of the shares outstanding (Note, Section 5(b)(i))."""
    outstanding = sheet.company.shares_outstanding
    for i, lender in enumerate(sheet.lenders):
        if lender.shares_held is None:
            continue
        path: PathKey = ("lenders", i, "shares_held")
        if outstanding is None:
            yield source.finding(
                "ownership.outstanding", path,
                f"{lender.legal_name}'s holdings are given, and the shares outstanding are not, "
                "so conversions cannot be checked against the ownership limits",
                "add `shares_outstanding:` under `company:`", severity=WARNING)
        elif lender.shares_held > outstanding:
            yield source.finding(
                "ownership.holdings", path,
                f"{lender.legal_name} holds {shares(lender.shares_held)} shares, more than the "
                f"{shares(outstanding)} outstanding", "check both figures")


def _signed(difference: Decimal | int, show: Callable) -> str:
    """A difference in its figures' own format, with its sign: "+90", "-$1"."""
    return ("-" if difference < 0 else "+") + show(abs(difference))
