"""The deal desk's interview in a real browser (Debian's Chromium, driven by Playwright), as
a paralegal uses it: the right control for each value, edits that stay a draft until saved,
a save that asks before writing errors, unsaved edits that survive a reload, a new deal from
the home page; and every page at a phone's and a laptop's width, with nothing clipped and
no serious accessibility violation (axe-core, run in the page). Each page is kept as a
screenshot in tmp/artifacts/ at both widths."""

from __future__ import annotations

import difflib
import io
import shutil
import zipfile
from pathlib import Path

import pytest

from generator.starter import placeholders
from tests.helpers import AMENDMENT_1

ARTIFACTS = Path(__file__).parent.parent / "tmp" / "artifacts"
SHEET = AMENDMENT_1.name
ORIGINAL = AMENDMENT_1.read_text(encoding="utf-8")
WIDTHS = (390, 1280)

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None,
                                reason="needs Debian's chromium (make test installs it)")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=False)


def field(name: str) -> str:
    return f'[name="v:{name}"]:not([type=hidden])'


def reveal(page, name: str) -> None:
    """Open the step of the interview that holds the field or list `name`, as a link to it
    does (the interview shows one step at a time)."""
    page.evaluate("name => { location.hash = 'at-' + name; }", name)
    page.locator(f'[id="at-{name}"]').wait_for()


def added_lines(before: str, after: str) -> list[str]:
    """The lines `after` has that `before` has not, every other line unchanged in place."""
    diff = list(difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True)))
    assert not [line for line in diff if line.startswith("- ")], "a line was rewritten"
    return [line[2:] for line in diff if line.startswith("+ ")]


def save(page) -> None:
    """Save, and save with errors when asked."""
    page.click("#save")
    page.wait_for_selector("#asking, p.notice")
    if page.locator("#save-anyway").count():
        page.click("#save-anyway")
    page.locator("p.notice", has_text="Saved").wait_for()


def open_deal(page, address: str) -> None:
    page.goto(f"{address}/deals/{SHEET}")
    page.wait_for_selector("#terms")


def test_a_date_a_choice_and_a_lender_edited_with_their_own_controls(
        interview_desk, interview_sheet, page):
    address, _ = interview_desk
    open_deal(page, address)
    date, trigger, counsel = (page.locator(field(name)) for name in (
        "deal.date", "closings[0].trigger", "counsel.represents"))
    assert date.get_attribute("type") == "date"
    assert trigger.evaluate("el => el.tagName") == "SELECT"
    assert counsel.evaluate("el => el.tagName") == "SELECT"
    assert "the exchange's approval" in trigger.inner_text()
    assert "Rockmore Investment Master Fund, Ltd (rockmore)" in counsel.inner_text()
    assert page.locator(field("lenders[1].administrative_agent")).get_attribute(
        "type") == "checkbox"
    assert "Dollars" in page.inner_text('[id="u-closings[0].notes.aggregate_principal"]')

    date.fill("2006-05-01")
    reveal(page, "closings[0].trigger")
    trigger.select_option("event_date")
    reveal(page, "counsel.represents")
    counsel.select_option("omicron")
    save(page)
    written = interview_sheet.read_text(encoding="utf-8")
    expected = (ORIGINAL.replace("  date: 2006-04-28", "  date: 2006-05-01", 1)
                .replace("trigger: exchange_approval", "trigger: event_date", 1))
    represents = ORIGINAL.index("represents: ", ORIGINAL.index("\ncounsel:"))
    at = represents + len("represents: ")
    current = ORIGINAL[at:ORIGINAL.index("\n", at)].split()[0]
    expected = expected.replace(f"represents: {current}", "represents: omicron", 1)
    assert written == expected
    shot(page, "interview-saved")


def test_adding_a_lender_then_cancelling_leaves_the_file_untouched(
        interview_desk, interview_sheet, page):
    address, _ = interview_desk
    open_deal(page, address)
    reveal(page, "lenders")
    page.click('button[value="add:lenders"]')
    page.wait_for_selector(field("lenders[6].id"))
    assert "nothing is saved until you press Save" in page.inner_text("#draft-state")
    assert page.evaluate("document.activeElement.name") == "v:lenders[6].id"  # brought to it
    assert interview_sheet.read_text(encoding="utf-8") == ORIGINAL
    shot(page, "interview-draft")
    page.click("#cancel")
    page.wait_for_selector(field("lenders[5].id"))
    assert page.locator(field("lenders[6].id")).count() == 0
    assert interview_sheet.read_text(encoding="utf-8") == ORIGINAL


def test_adding_a_lender_and_saving_writes_it_once_and_nothing_else(
        interview_desk, interview_sheet, page):
    address, _ = interview_desk
    open_deal(page, address)
    reveal(page, "lenders")
    page.click('button[value="add:lenders"]')
    page.fill(field("lenders[6].id"), "northwind")
    page.fill(field("lenders[6].legal_name"), "Northwind Partners LP")
    save(page)  # with errors, if it has any (a lender without a Schedule A row)
    written = interview_sheet.read_text(encoding="utf-8")
    assert added_lines(ORIGINAL, written) == ["  - id: northwind\n",
                                              "    legal_name: Northwind Partners LP\n"]
    heading = "# Section 1: the February Notes are converted"
    assert ORIGINAL.count(heading) == written.count(heading) == 1


def test_an_optional_section_is_offered_and_added_after_everything_written(
        interview_desk, interview_sheet, page):
    address, _ = interview_desk
    open_deal(page, address)
    reveal(page, "more")
    page.click('button[value="section:signatures_return_to"]')
    page.wait_for_selector(field("signatures_return_to.email"))
    assert interview_sheet.read_text(encoding="utf-8") == ORIGINAL  # a draft
    page.fill(field("signatures_return_to.name"), "Example Counsel LLP")
    page.fill(field("signatures_return_to.email"), "closing@counsel.example")
    save(page)
    written = interview_sheet.read_text(encoding="utf-8")
    # Quoted as the placeholders they replace were written: the file's own style.
    assert written == ORIGINAL + ('\nsignatures_return_to:\n  name: "Example Counsel LLP"\n'
                                  '  email: "closing@counsel.example"\n')
    assert page.locator('button[value="section:signatures_return_to"]').count() == 0


def test_a_save_with_errors_asks_first(interview_desk, interview_sheet, page):
    address, _ = interview_desk
    open_deal(page, address)
    reveal(page, "schedule_a[0].principal.third")
    page.fill(field("schedule_a[0].principal.third"), "4,333,333")
    page.click("#save")
    asking = page.locator("#asking")
    asking.wait_for()
    assert "error" in asking.inner_text()
    assert page.locator("p.notice", has_text="Saved").count() == 0
    assert interview_sheet.read_text(encoding="utf-8") == ORIGINAL
    invalid = page.locator('[aria-invalid="true"]').first
    described = invalid.get_attribute("aria-describedby").split()
    assert any(page.locator(f'[id="{ident}"] .finding.error').count() for ident in described)
    shot(page, "interview-asking")
    page.click("#save-anyway")
    notice = page.locator("p.notice", has_text="Saved")
    notice.wait_for()
    assert "error" in notice.inner_text() and "good" not in notice.get_attribute("class")
    assert "third: 4,333,333" in interview_sheet.read_text(encoding="utf-8")


def test_a_reload_keeps_an_unsaved_edit(interview_desk, interview_sheet, page):
    address, _ = interview_desk
    open_deal(page, address)
    reveal(page, "company.notice_attention")
    page.fill(field("company.notice_attention"), "General Counsel")
    page.wait_for_function("sessionStorage.length > 0")
    page.reload()
    page.wait_for_selector("#terms")
    assert page.input_value(field("company.notice_attention")) == "General Counsel"
    assert "kept" in page.inner_text("#draft-state")
    assert interview_sheet.read_text(encoding="utf-8") == ORIGINAL


def test_a_stale_tab_offers_the_typed_value_back(interview_desk, interview_sheet, page):
    address, _ = interview_desk
    open_deal(page, address)
    reveal(page, "company.state")
    page.fill(field("company.state"), "Delaware")
    interview_sheet.write_text(
        ORIGINAL.replace("entity_kind: corporation", "entity_kind: company", 1), encoding="utf-8")
    page.click("#save")
    typed = page.locator("#typed")
    typed.wait_for()
    assert "Delaware" in typed.inner_text() and "Missouri" in typed.inner_text()
    shot(page, "interview-conflict")
    page.click("#take-mine")
    page.wait_for_selector("#terms")
    assert page.input_value(field("company.state")) == "Delaware"
    assert page.input_value(field("company.entity_kind")) == "company"
    assert "entity_kind: company" in interview_sheet.read_text(encoding="utf-8")


def test_a_new_deal_from_the_home_page_validates_once_filled_in(interview_desk, page):
    address, sheets = interview_desk
    page.goto(address)
    page.fill("#deal-id", "acme-2026")
    page.click("#new-deal")
    page.wait_for_selector("#terms")
    assert (sheets / "acme-2026.yaml").exists()
    import yaml
    data = yaml.safe_load((sheets / "acme-2026.yaml").read_text(encoding="utf-8"))
    values = filled_in(data)
    for name, value in values.items():
        control = page.locator(field(name))
        if control.evaluate("el => el.tagName") == "SELECT":
            continue  # a reference: chosen once the lender exists (below)
        reveal(page, name)
        control.fill(value)
    page.click("#save")
    page.click("#save-anyway")
    page.locator("p.notice", has_text="Saved").wait_for()
    for name in ("schedule_a[0].lender", "counsel.represents"):
        reveal(page, name)
        page.select_option(field(name), "first-fund")
    page.click("#save")
    page.locator(".notice.good", has_text="Saved").wait_for()
    assert "No errors" in page.inner_text("#summary")
    page.goto(address)
    assert "Acme Amendment No. 1" in page.inner_text("main")
    assert "still to fill in" not in page.inner_text("main")


def filled_in(data: dict) -> dict[str, str]:
    """A value for each FILL IN of the starter: what a paralegal would type."""
    from generator.loader import format_path
    money = {"notes_issued": "10,000,000", "aggregate_principal": "10,000,000",
             "first": "10,000,000", "material_debt_threshold": "500,000",
             "judgment_threshold": "250,000"}
    given = {"deal.title": "Acme Amendment No. 1", "deal.number": "1", "deal.exhibit": "10.1",
             "lenders[0].id": "first-fund", "company.common_stock_par_value": "0.0001",
             "closings[0].notes.conversion_price": "2.4375",
             "closings[0].notes.maturity_months": "36",
             "closings[0].warrants.coverage_percent": "35",
             "note_terms.fixed_rate_percent": "8.5", "note_terms.installments": "8",
             "note_terms.first_installment_months": "12",
             "note_terms.call_threshold_price": "6.00",
             "note_terms.equity_conditions_minimum_price": "1.50",
             "registration.filing_days": "30", "registration.effectiveness_days": "90",
             "registration.effectiveness_days_if_reviewed": "120",
             "registration.trading_days_after_clearance": "5",
             "registration.penalty_shares_percent": "35",
             "public_announcement.press_release_by": "9:00 a.m.",
             "public_announcement.form_8k_by": "5:30 p.m.",
             "closings[0].date": "2026-03-16", "deal.date": "2026-03-02",
             "public_announcement.press_release_date": "2026-03-03"}
    values = {}
    for path, _ in placeholders(data):
        name = format_path(path)
        key = str(path[-1])
        values[name] = given.get(name) or money.get(key) or (
            "2025-06-30" if key == "date" else f"Acme {key.replace('_', ' ')}")
    return values


def test_the_closing_checklist_follows_the_documents_and_exports(
        interview_desk, interview_sheet, page):
    address, _ = interview_desk
    checklist = f"{address}/deals/{SHEET}/checklist/third"
    rockmore = page.locator("#checklist tr", has_text="No. B1-01")
    page.goto(checklist)
    assert "Drafted" in rockmore.inner_text() and "Zoltek Companies, Inc." in rockmore.inner_text()
    open_deal(page, address)
    for box in page.locator('input[name="kind"]').all():
        box.set_checked(box.get_attribute("value") == "note")
    for box in page.locator('input[name="format"]').all():
        box.set_checked(box.get_attribute("value") == "html")
    page.click("#build")
    page.wait_for_selector("#result", timeout=120_000)
    page.goto(checklist)
    assert "Made, up to date" in rockmore.inner_text()
    zipped = page.request.get(f"{address}/deals/{SHEET}/build.zip")
    with zipfile.ZipFile(io.BytesIO(zipped.body())) as build:
        assert "note-third-rockmore.html" in build.namelist()
    open_deal(page, address)
    reveal(page, "schedule_a[0].principal.third")
    page.fill(field("schedule_a[0].principal.third"), "3,333,334")
    save(page)
    page.goto(checklist)
    assert "Changed since" in rockmore.inner_text()
    assert "Made, up to date" in page.locator("#checklist tr", has_text="No. B1-02").inner_text()
    shot(page, "checklist")
    with page.expect_download() as csv_file:
        page.click("text=Download as CSV")
    rows = Path(csv_file.value.path()).read_text(encoding="utf-8").splitlines()
    assert rows[0] == "Document,Status,Signed by" and any("B1-01" in row for row in rows)
    with page.expect_download() as word:
        page.click("text=Download as Word")
    from docx import Document
    table = Document(word.value.path()).tables[0]
    assert [cell.text for cell in table.rows[0].cells] == ["Document", "Status", "Signed by"]
    assert len(table.rows) == len(rows)


PAGES = (("deals", "/"), ("interview", f"/deals/{SHEET}"),
         ("conversions", f"/deals/{SHEET}/conversions"),
         ("preview", f"/deals/{SHEET}/preview/note-third-rockmore"),
         ("checklist", f"/deals/{SHEET}/checklist/third"),
         ("signatures", f"/deals/{SHEET}/signatures"),
         ("negotiated-draft", f"/deals/{SHEET}/regenerate"),
         ("check-a-document", "/check"))


@pytest.fixture(scope="module")
def every_page(interview_desk, browser):
    """The address of every kind of page the desk has, the build's once it has finished."""
    address, sheets = interview_desk
    (sheets / SHEET).write_text(ORIGINAL, encoding="utf-8")
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{address}/deals/{SHEET}")
    for box in page.locator('input[name="kind"]').all():
        box.set_checked(box.get_attribute("value") == "schedule-a")
    for box in page.locator('input[name="format"]').all():
        box.set_checked(box.get_attribute("value") == "html")
    page.click("#build")
    page.wait_for_selector("#result", timeout=120_000)
    pages = [*PAGES, ("build", page.url.removeprefix(address))]
    context.close()
    return address, pages


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_width_without_clipping(every_page, browser, width):
    address, pages = every_page
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        for name, path in pages:
            page.goto(address + path)
            page.evaluate("document.fonts.ready.then(() => true)")  # the documents' own fonts
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{name} is {wide} px wide at {width} px: " + str(
                page.evaluate("""() => [...document.querySelectorAll('body *')].filter(
                  el => el.getBoundingClientRect().right > innerWidth).slice(0, 5).map(
                  el => el.outerHTML.slice(0, 100))"""))
            clipped = page.evaluate("""() => [...document.querySelectorAll(
                'input, select, button, a, td, th, table, legend, label, h1, h2, p')].filter(el => {
                  const box = el.getBoundingClientRect();
                  if (!box.width) return false;
                  let right = document.documentElement.clientWidth;
                  for (let up = el.parentElement; up; up = up.parentElement) {
                    // A table meant to scroll sideways (and says so) is not clipped.
                    if (up.matches('.scroll, pre, table')) return false;
                    if (getComputedStyle(up).overflowX !== 'visible') {
                      right = Math.min(right, up.getBoundingClientRect().right);
                    }
                  }
                  return box.right > right + 1;
                }).map(el => el.outerHTML.slice(0, 80))""")
            assert clipped == [], f"{name} at {width} px"
            shot(page, f"desk-{name}-{width}")
    finally:
        context.close()


def test_every_page_has_no_serious_accessibility_violation(every_page, browser):
    from axe_playwright_python.sync_playwright import Axe
    address, pages = every_page
    axe = Axe()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        for name, path in pages:
            page.goto(address + path)
            violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                          for v in axe.run(page).response["violations"]
                          if v["impact"] in ("serious", "critical")]
            assert violations == [], name
    finally:
        context.close()


def test_the_skip_link_leads_to_the_content_and_the_focus_shows(every_page, browser):
    address, _ = every_page
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{address}/deals/{SHEET}")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
    finally:
        context.close()
