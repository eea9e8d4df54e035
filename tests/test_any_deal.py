"""Any deal, not only the bundled one: the fictional Halvorsen deal carries none of the
Zoltek deal's facts and the reverse, every optional section can be left out, prices per
share keep their places, and `dealdocs new` starts a deal from nothing."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from typer.testing import CliRunner

from generator.build import render_documents
from generator.cli import app
from generator.deal import collective_names
from generator.errors import TermSheetError
from generator.model import TermSheet
from generator.pipeline import prepare
from generator.starter import starter_term_sheet
from generator.termsheet import load_term_sheet, parse_term_sheet
from generator.textextract import normalize_words, text_of_html
from tests.facts import facts, normalized, occurrences
from tests.helpers import AMENDMENT_1, AMENDMENT_2, HALVORSEN_1, HALVORSEN_2, replace_once

ZOLTEK = (AMENDMENT_1, AMENDMENT_2)
HALVORSEN = (HALVORSEN_1, HALVORSEN_2)
# The bundled deal's own phrases the issue named, beyond its term-sheet values.
ZOLTEK_PHRASES = {"Scott Macon", "Marshall and Isley", "Hungarian", "Opco",
                  "Mortgage and Security Agreement", "LIBOR", "Nasdaq", "Bloomberg",
                  "Eastern time", "New York", "2005 Loan Agreement", "2005 Notes",
                  "July 26, 2006", "August 25, 2006", "$850,000", "$350,000", "Zoltek"}


def deal_facts(term_sheets: tuple[Path, ...]) -> set[str]:
    return set().union(*(facts(load_term_sheet(path).sheet) for path in term_sheets))


def leaks(own: tuple[Path, ...], other: tuple[Path, ...], texts) -> list[str]:
    """The other deal's facts that the own deal's documents print, where and how often."""
    shared = {normalized(fact) for fact in deal_facts(own)}
    foreign = {fact for fact in deal_facts(other) if normalized(fact) not in shared}
    found = []
    for term_sheet in own:
        for (document, name), text in texts(term_sheet).items():
            flat = normalized(text)
            found += [f"{document}.{name}: {fact!r} x{count}" for fact in sorted(foreign)
                      if (count := occurrences(fact, flat))]
    return found


def test_the_facts_to_look_for_are_the_term_sheets_own():
    zoltek = deal_facts(ZOLTEK)
    assert ZOLTEK_PHRASES - {"Scott Macon", "Marshall and Isley", "Hungarian", "Opco",
                             "LIBOR"} <= zoltek | {"New York"}
    assert {"Rockmore Investment Master Fund, Ltd", "April 28, 2006", "$20,000,000",
            "$25.51", "45,734", "Scott Macon Securities"} <= zoltek
    assert {"深圳前海远景资本管理有限公司", "$2.4375", "$3.046875", "$0.0001",
            "Arrowhead <Alpha> Fund, Ltd."} <= deal_facts(HALVORSEN)


def test_no_zoltek_fact_appears_in_any_halvorsen_document(bundled_texts):
    assert leaks(HALVORSEN, ZOLTEK, bundled_texts) == []
    for term_sheet in HALVORSEN:
        for (document, name), text in bundled_texts(term_sheet).items():
            flat = normalized(text)
            assert not [p for p in ZOLTEK_PHRASES if occurrences(p, flat)], (document, name)


def test_no_halvorsen_fact_appears_in_any_zoltek_document(bundled_texts):
    assert leaks(ZOLTEK, HALVORSEN, bundled_texts) == []


def test_the_leak_test_finds_a_leak():
    """The test above can fail: a Zoltek value in a Halvorsen document is found."""
    texts = {(("amendment-1", "html")): "… by and among Zoltek Companies, Inc., a …"}
    assert leaks((HALVORSEN_1,), ZOLTEK, lambda _: texts) == [
        "amendment-1.html: 'Zoltek' x1", "amendment-1.html: 'Zoltek Companies, Inc.' x1"]


def test_every_format_of_the_fictional_deal_names_its_lenders_as_written(bundled_texts):
    names = ["Bramble & Finch Opportunity Fund, L.P.", "O'Rourke Family Partners LLC",
             "Crédit Saint-Évremond S.A.", "Arrowhead <Alpha> Fund, Ltd.",
             "深圳前海远景资本管理有限公司"]
    texts = bundled_texts(HALVORSEN_1)
    for name in ("html", "docx"):
        flat = normalized(texts[("schedule-a", name)])
        assert all(occurrences(lender, flat) for lender in names), name
    # A PDF's text runs cell by cell across a table row, so a name that wraps in its cell
    # comes out interleaved with its row's figures: its words are there, in order.
    words = normalize_words(texts[("schedule-a", "pdf")])
    for lender in names:
        wanted = iter(words)
        assert all(word in wanted for word in normalize_words(lender)), lender


# --- Optional sections: left out, the documents read correctly without them. ---


def render_html(text: str, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "deal.yaml"
    path.write_text(text, encoding="utf-8")
    prepared = prepare(path)
    assert [f.format() for f in prepared.blocking()] == []
    return {d.name: " ".join(text_of_html(d.html).split())
            for d in render_documents(prepared.deal)}


def paragraph(text: str, start: str) -> str:
    match = re.search(re.escape(start) + r".*?(?=\s\(?[a-z0-9]{1,5}\)\s|\s\d+\.\d*\s|$)", text)
    assert match, start
    return match.group(0)


def event_of_default_numerals(note: str) -> list[str]:
    start = note.index('"EVENT OF DEFAULT" means')
    end = note.index('"GUARANTEE"')
    return re.findall(r"(?:[;.:] (?:or )?)\(([ivxl]+)\) ", note[start:end])


def roman_sequence(count: int) -> list[str]:
    from generator.formatting import roman
    return [roman(n) for n in range(1, count + 1)]


ZOLTEK_1 = AMENDMENT_1.read_text(encoding="utf-8")


def without(text: str, *blocks: str) -> str:
    for block in blocks:
        text = replace_once(text, block, "")
    return text


def test_the_bundled_note_numbers_its_events_of_default_i_to_xxii(tmp_path):
    note = render_html(ZOLTEK_1, tmp_path)["note-third-rockmore"]
    assert event_of_default_numerals(note) == roman_sequence(22)
    assert "clause (i) or (iv) above and clause (xvii) or (xxi) below" in note


def test_without_a_floating_rate_the_note_bears_the_fixed_rate_to_maturity(tmp_path):
    text = without(ZOLTEK_1, "  floating_rate:\n    fixed_rate_through: 2007-10-31\n"
                             "    index: libor\n    margin_percent: 4\n    period_months: 6\n")
    note = render_html(text, tmp_path)["note-third-rockmore"]
    assert ("as follows: from the Original Issue Date until the Notes are paid in full, at the "
            "rate of 7.5% per annum, payable quarterly in cash in arrears") in note
    assert "INTEREST PERIOD" not in note and "LIBOR" not in note


@pytest.mark.parametrize("index, term, name", [("sofr", "TERM SOFR", "Term SOFR"),
                                               ("prime", "PRIME RATE", "Prime Rate"),
                                               ("libor", "LIBOR", "LIBOR")])
def test_each_rate_index_is_defined_in_its_alphabetical_place(tmp_path, index, term, name):
    text = replace_once(ZOLTEK_1, "index: libor", f"index: {index}")
    note = render_html(text, tmp_path)["note-third-rockmore"]
    definitions = re.findall(r'"([A-Z][A-Z0-9 ]+)" (?:means|has the meaning|shall mean|of or by)',
                             note[note.index("1. Definitions."):note.index("2. Principal")])
    assert term in definitions
    assert definitions == sorted(definitions, key=str.casefold)
    assert f"at the rate of {name} for such Interest Period plus 4% per annum" in note


def test_term_sofr_is_published_on_chicago_time_whatever_the_deals_deadlines_city(tmp_path):
    """"Chicago time" in the Term SOFR definition is CME's publication time, not a value of
    the Halvorsen term sheets typed into the template: a New York deal on Term SOFR keeps its
    deadlines on New York City time."""
    text = replace_once(ZOLTEK_1, "index: libor", "index: sofr")
    note = render_html(text, tmp_path)["note-third-rockmore"]
    assert "published by CME Group Benchmark Administration Ltd." in note
    assert note.count("(Chicago time)") == 1
    assert "approximately 5:00 a.m. (Chicago time) on the day" in note
    assert note.count("6:30 p.m. (New York City time)") >= 4


def test_without_the_shareholder_approval_covenant_section_5b_has_one_subsection(tmp_path):
    text = without(ZOLTEK_1, "  shareholder_approval:\n    deadline: 2006-07-26\n"
                             "    deadline_if_reviewed: 2006-08-25\n"
                             "    rule: Rule 4350(i) of Nasdaq set forth in the NASD Manual\n")
    rendered = render_html(text, tmp_path)
    note = rendered["note-third-rockmore"]
    assert "ISSUABLE MAXIMUM" not in note and "Shareholder Approval" not in note
    assert "(iii) Shareholder Approval" not in note
    assert "without violating Section 5(b)(i) hereof or the rules" in note
    assert "Section 5(b)(iii)" not in rendered["amendment-1"]


def test_without_prior_financings_the_events_of_default_end_at_the_cash_payment(tmp_path):
    start = ZOLTEK_1.index("  prior_financings:")
    text = ZOLTEK_1[:start] + ZOLTEK_1[ZOLTEK_1.index("  shareholder_approval:"):]
    text = without(text, '  shareholders_agreement_section: "8.4"\n')
    note = render_html(text, tmp_path)["note-third-rockmore"]
    assert event_of_default_numerals(note) == roman_sequence(17)
    assert "clause (i) or (iv) above and clause (xvii) below" in note
    assert ("(other than the Borrower's outstanding Indebtedness to Marshall and Isley Bank of "
            "St. Louis), issued by it") in note
    assert ("upon exercise of the Warrants issued under the Loan Agreement and (2) upon "
            "conversion of the Notes") in note
    assert "in payment of interest on this Note;" in note
    assert "Debentures" not in note


def test_without_the_shareholders_agreement_the_last_prior_financing_ends_the_list(tmp_path):
    note = render_html(without(ZOLTEK_1, '  shareholders_agreement_section: "8.4"\n'),
                       tmp_path)["note-third-rockmore"]
    assert event_of_default_numerals(note) == roman_sequence(21)
    assert '(collectively, such notes, the "2005 NOTES").' in note
    assert "Shareholders Agreement" not in note


def test_without_litigation_or_creditors_the_carve_outs_go(tmp_path):
    text = without(ZOLTEK_1, "  litigation_thresholds:\n    - pertaining_to: Scott Macon "
                             "Securities\n      amount: 850,000\n",
                   "  existing_creditors: [Marshall and Isley Bank of St. Louis]\n")
    note = render_html(text, tmp_path)["note-third-rockmore"]
    assert "in an aggregate amount in excess of $350,000, shall be rendered" in note
    assert ("(other than the 2003 Debentures (as defined below), 2004 Debentures (as defined "
            "below), 2004 Notes (as defined below) or 2005 Notes (as defined below) each in "
            "accordance with their respective terms), issued by it") in note


def test_without_an_administrative_agent_no_document_names_one(tmp_path):
    text = without(ZOLTEK_1, "    administrative_agent: true\n")
    rendered = render_html(text, tmp_path)
    note = rendered["note-fourth-omicron"]
    assert "among the Borrower and the lenders identified therein (the" in note
    assert "Administrative Agent" not in note and "Administrative Agent" not in rendered[
        "amendment-1"]
    assert "or (ii) if to the Lender" in note
    assert "reasonably satisfactory to such Lender;" in rendered["amendment-1"]


def test_a_closing_without_a_trigger_follows_the_date_of_the_amendment(tmp_path):
    text = without(ZOLTEK_1, "    trigger: event_date\n")
    text = text[:text.index("event_date:\n")] + text[text.index("note_terms:"):]
    amendment = render_html(text, tmp_path)["amendment-1"]
    assert ("the Fourth Closing Date shall occur on the Business Day following the date of this "
            "Amendment.") in amendment
    assert "Event Date" not in amendment


def test_without_termination_assignments_and_fees_the_amendment_reads_on(tmp_path):
    text = without(ZOLTEK_1, "assignments:\n  - from: omicron\n    to: rockmore\n",
                   "termination:\n  approval_days: 30\n  window_days: 10\n",
                   "fee_reimbursements:\n  - lender: rockmore\n    amount: 30,000\n"
                   "    closing: third\n")
    amendment = render_html(text, tmp_path)["amendment-1"]
    assert "4. Other Amendments. 4.1. Zoltek and each Lender agree that Section 4.8(b)" in amendment
    assert "4.2." not in amendment
    assert ("8.1. Fees and Expenses. Each party hereto will bear the fees and expenses of its own "
            "counsel") in amendment
    # Omicron, no longer introduced by the assignment, is introduced by the counsel clause.
    assert 'represents only Omicron Master Trust ("Omicron") in connection' in amendment


def test_without_fax_attention_par_value_vwap_function_or_jurisdiction_section(tmp_path):
    text = without(ZOLTEK_1, "  fax: (314) 291-9082\n",
                   "  notice_attention: Chief Financial Officer\n",
                   "  common_stock_par_value: 0.01     # per share: up to six decimal places\n",
                   "  vwap_function: VAP\n",
                   '  jurisdiction_section: "8.8"      # of the September Purchase Agreement\n')
    rendered = render_html(text, tmp_path)
    note = rendered["note-third-rockmore"]
    assert "to 3101 McKelvey Road, St. Louis, Missouri 63044, (ii) if to the Lender" in note
    assert "the common stock of the Borrower, without par value, and any securities" in note
    assert "(as reported by Bloomberg) of the Common Stock" in note
    assert ("without regard to the principles of conflicts of law thereof. 8.10. Survival."
            in rendered["amendment-1"])


# --- Names of all closings' securities together. ---


def sheet_with_series(*names: str) -> TermSheet:
    closings = [{"id": f"c{i}", "name": f"Closing {i}", "notes": {
        "exhibit": f"B-{i}", "name": name, "aggregate_principal": "1,000",
        "conversion_price": "1", "maturity_months": "12"}} for i, name in enumerate(names)]
    data = load_term_sheet(AMENDMENT_1).sheet.model_dump(by_alias=True, exclude_none=True)
    data["closings"] = closings
    return TermSheet.model_validate(data)


@pytest.mark.parametrize("names, notes, note", [
    (("April Notes I", "April Notes II"), "April Notes", "April Note"),
    (("Series A Notes", "Series B Notes"), "Notes", "Note"),
    (("Tranche A Notes", "Tranche B Notes", "Tranche C Notes"), "Notes", "Note"),
    (("2026 Notes",), "2026 Notes", "2026 Note"),
    (("Notes", "Notes B"), "Notes", "Note"),
])
def test_collective_names_are_made_without_string_surgery(names, notes, note):
    derived = collective_names(sheet_with_series(*names))
    assert (derived.notes, derived.note) == (notes, note)


def test_series_a_and_b_notes_render_with_notes_as_their_collective_name(tmp_path):
    text = replace_once(ZOLTEK_1, "name: April Notes I\n", "name: Series A Notes\n")
    text = replace_once(text, "name: April Notes II\n", "name: Series B Notes\n")
    amendment = render_html(text, tmp_path)["amendment-1"]
    assert ('(the "Series B Notes", and together with the Series A Notes, the "Notes")'
            in amendment)


# --- Prices per share with four and six places, end to end. ---


def test_prices_with_four_and_six_places_go_through_to_every_document(tmp_path):
    prepared = prepare(HALVORSEN_2)
    fourth = next(c for c in prepared.deal.closings if c.id == "fourth")
    assert str(fourth.notes.conversion_price) == "3.046875"
    rendered = {d.name: " ".join(text_of_html(d.html).split())
                for d in render_documents(prepared.deal, ["amendment", "note"])}
    assert "The Conversion Price of the Tranche C Notes shall be $3.046875;" in rendered[
        "amendment-2"]
    assert '"CONVERSION PRICE" means $3.046875 subject to adjustment' in rendered[
        "note-fourth-qianhai"]
    assert "$0.0001 par value per share" in rendered["note-fourth-qianhai"]


def test_schedule_a_warrant_shares_divide_by_the_four_place_price_exactly():
    deal = prepare(HALVORSEN_1).deal
    row = next(r for r in deal.schedule_a.rows if r.lender.id == "bramble-finch")
    # 40% of $1,890,000 / $2.4375 = 310,153.8..., rounded up.
    assert (row.principal["initial"], row.warrant_shares["initial"]) == (1_890_000, 310_154)
    schedule = text_of_html(render_documents(deal, ["schedule-a"])[0].html)
    assert "310,154" in schedule and "2,067,698" in schedule


# --- `dealdocs new`: a starter that names every section. ---


def field_names(model: type, seen: set[type] | None = None) -> set[str]:
    import typing
    import pydantic
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names = set()
    for name, field in model.model_fields.items():
        names.add(field.alias or name)
        stack = [field.annotation]
        while stack:
            annotation = stack.pop()
            if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
                names |= field_names(annotation, seen)
            stack += typing.get_args(annotation)
    return names


def test_the_starter_names_every_key_of_the_term_sheet():
    starter = starter_term_sheet("acme-2026")
    keys = set(re.findall(r"^[#\s-]*\{?(\w+):", starter, re.MULTILINE))
    keys |= set(re.findall(r"[{,]\s*(\w+):", starter))
    assert field_names(TermSheet) - keys == set()


# A value for each placeholder of the starter, by the path it stands at.
FILLED = {
    "deal.title": "Amendment No. 1 to Securities Purchase Agreement",
    "deal.number": "1", "deal.exhibit": "10.4", "deal.date": "2026-11-02",
    "company.legal_name": "Acme Robotics Corp.", "company.short_name": "Acme",
    "company.state": "Nevada", "company.entity_kind": "corporation",
    "company.notice_address": "1 Gear Street, Reno, Nevada 89501",
    "company.signatory.name": "Pat Doe", "company.signatory.title": "President",
    "company.common_stock_par_value": "0.001",
    "market.exchange": "NYSE Texas", "market.exchange_short": "NYSE Texas",
    "market.eligible_markets[0]": "the NYSE Texas", "market.price_source": "FactSet",
    "market.time_zone": "Pacific time", "market.city_time": "San Francisco time",
    "governing_law.state": "Nevada", "governing_law.courts_sitting_in": "Washoe County",
    "agreements[0].title": "Securities Purchase Agreement", "agreements[0].date": "2026-01-05",
    "agreements[0].defined_as": "Purchase Agreement",
    "agreements[0].securities.notes": "2026 Notes",
    "agreements[0].securities.warrants": "2026 Warrants",
    "agreements[0].notes_issued": "4,000,000", "agreements[1].date": "2026-01-05",
    "agreements[1].defined_as": "Rights Agreement",
    "lenders[0].id": "gearbox-fund", "lenders[0].legal_name": "Gearbox Fund LP",
    "closings[0].name": "First Closing", "closings[0].date": "2026-11-20",
    "closings[0].notes.name": "Series A Notes",
    "closings[0].notes.aggregate_principal": "2,000,000",
    "closings[0].notes.conversion_price": "1.25", "closings[0].notes.maturity_months": "24",
    "closings[0].warrants.name": "Series A Warrants",
    "closings[0].warrants.coverage_percent": "25",
    "note_terms.fixed_rate_percent": "10", "note_terms.installments": "4",
    "note_terms.first_installment_months": "12", "note_terms.call_threshold_price": "3.00",
    "note_terms.equity_conditions_minimum_price": "0.75",
    "note_terms.material_debt_threshold": "500,000", "note_terms.judgment_threshold": "500,000",
    "schedule_a[0].lender": "gearbox-fund", "schedule_a[0].principal.first": "2,000,000",
    "registration.filing_days": "30", "registration.effectiveness_days": "90",
    "registration.effectiveness_days_if_reviewed": "120",
    "registration.trading_days_after_clearance": "5",
    "registration.penalty_shares_percent": "20",
    "public_announcement.press_release_by": "9:00 a.m.",
    "public_announcement.press_release_date": "2026-11-03",
    "public_announcement.form_8k_by": "5:30 p.m.",
    "counsel.firm": "Doe & Roe LLP", "counsel.represents": "gearbox-fund",
}


def fill(starter: str) -> str:
    """Replace each placeholder line by the value FILLED gives for its path."""
    with pytest.raises(TermSheetError) as caught:
        parse_term_sheet(starter, "acme.yaml")
    lines = starter.splitlines()
    for finding in caught.value.findings:
        assert finding.code == "starter.fill-in", finding.format()
        line = lines[finding.mark.line - 1]
        key, _, _ = line.partition('"FILL IN')
        lines[finding.mark.line - 1] = f'{key}"{FILLED[finding.path]}"'
    return "\n".join(lines) + "\n"


def test_a_filled_in_starter_validates_and_renders(tmp_path):
    rendered = render_html(fill(starter_term_sheet("acme-2026")), tmp_path)
    assert set(rendered) >= {"amendment-1", "schedule-a", "note-first-gearbox-fund"}
    assert "Acme Robotics Corp." in rendered["amendment-1"]


def test_the_starter_reports_each_value_left_to_fill_in_at_its_line():
    starter = starter_term_sheet("acme-2026")
    with pytest.raises(TermSheetError) as caught:
        parse_term_sheet(starter, "acme.yaml")
    first = caught.value.findings[0]
    assert first.format() == (
        "acme.yaml:14: error: deal.title: still the starter's placeholder: the amendment's "
        "title, e.g. Amendment No. 1 to Securities Purchase Agreement; replace it with this "
        "deal's value [starter.fill-in]")
    assert len(caught.value.findings) == len(FILLED)


def test_dealdocs_new_writes_once_and_refuses_a_bad_id(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["new", "acme-2026", "--folder", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "acme-2026.yaml").read_text(encoding="utf-8")
    assert written == starter_term_sheet("acme-2026")
    again = runner.invoke(app, ["new", "acme-2026", "--folder", str(tmp_path)])
    assert again.exit_code == 1 and "already exists" in again.output
    assert (tmp_path / "acme-2026.yaml").read_text(encoding="utf-8") == written
    assert runner.invoke(app, ["new", "Acme Deal", "--folder", str(tmp_path)]).exit_code == 2


# --- Text that reads right: no missing or doubled spaces around punctuation. ---


@pytest.mark.parametrize("term_sheet", [*ZOLTEK, *HALVORSEN], ids=lambda p: p.stem)
def test_no_document_glues_words_to_punctuation(term_sheet):
    glitches = re.compile(r"[a-z)][,;:][A-Za-z]|[a-z]{2}\.[A-Z][a-z]|\( | \)| ,| \.(?!\d)")
    for document in render_documents(prepare(term_sheet).deal):
        # A blank is a line to write on, not missing text.
        html = document.html.replace('<span class="blank"></span>', "____")
        text = " ".join(text_of_html(html).split())
        found = [text[max(0, m.start() - 30):m.end() + 10] for m in glitches.finditer(text)]
        assert found == [], document.name


def test_the_html_is_escaped_where_a_name_holds_markup():
    html = next(d.html for d in render_documents(prepare(HALVORSEN_1).deal, ["schedule-a"]))
    assert "Arrowhead &lt;Alpha&gt; Fund, Ltd." in html
    assert "Arrowhead <Alpha> Fund, Ltd." in lxml.html.document_fromstring(html).text_content()
