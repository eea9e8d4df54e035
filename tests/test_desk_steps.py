"""The deal desk's interview as steps (issue 23): one section at a time with JavaScript, all
of them without; reference choices that follow the ids typed; a new deal's dates as date
inputs from the start; and the Signatures page naming people, not ids. The browser tests
use Debian's Chromium (Playwright) over the session's interview desk (conftest)."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
import yaml
from starlette.testclient import TestClient

from generator.web.app import create_app
from tests.helpers import AMENDMENT_1

SHEET = AMENDMENT_1.name
ORIGINAL = AMENDMENT_1.read_text(encoding="utf-8")
ARTIFACTS = Path(__file__).parent.parent / "tmp" / "artifacts" / "desk"
WIDTHS = (390, 1280)
needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None,
                                    reason="needs Debian's chromium (make test installs it)")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """The desk over a copy of the bundled deal, without a browser."""
    root = tmp_path_factory.mktemp("steps-client")
    sheets = root / "term_sheets"
    sheets.mkdir()
    shutil.copy(AMENDMENT_1, sheets / SHEET)
    with TestClient(create_app(sheets, root / "output"),
                    base_url="http://127.0.0.1:8000") as client:
        yield client


def visible_text(page: str) -> str:
    """The page's text as a reader sees it: no tags, attributes, styles or scripts."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_signature_tracker_names_each_party_by_name(client):
    page = client.get(f"/deals/{SHEET}/signatures")
    assert page.status_code == 200
    data = yaml.safe_load(AMENDMENT_1.read_text(encoding="utf-8"))
    names = {lender["id"]: lender["legal_name"] for lender in data["lenders"]}
    parties = [html.unescape(cell) for cell in re.findall(
        r'<tr class="(?:received|outstanding)"><td>[^<]*</td><td>([^<]*)</td>', page.text)]
    assert len(parties) == 19
    assert set(parties) == {data["company"]["legal_name"], *names.values()}
    text = visible_text(page.text)
    for ident in [*names, "company"]:
        assert not re.search(rf"(?<![\w-]){re.escape(ident)}(?![\w-])", text), ident


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden fields of the page's editing form (csrf, sha256, draft)."""
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))


def controls(page: str, name: str) -> list[str]:
    """The tags of every control of the form named `v:name`, in order."""
    return re.findall(rf'<(?:input|select)\b[^>]*name="v:{re.escape(name)}"[^>]*>', page)


@pytest.fixture
def new_deal(client, tmp_path_factory):
    """A new deal started as the home page starts one: the starter, unsaved since."""
    home = client.get("/")
    ident = f"acme-{len(list(client.app.state.desk.names()))}"
    started = client.post("/new", data={"csrf": hidden_fields(home.text)["csrf"],
                                        "deal_id": ident})
    assert started.status_code == 200, started.text
    return client.app.state.desk.folder / f"{ident}.yaml"


STARTER_DATES = ("deal.date", "agreements[0].date", "agreements[1].date", "closings[0].date",
                 "public_announcement.press_release_date")


def test_a_new_deals_dates_are_empty_date_inputs_each_saying_it_must_be_given(client, new_deal):
    page = client.get(f"/deals/{new_deal.name}").text
    for name in STARTER_DATES:
        hidden, shown = controls(page, name)
        assert 'type="hidden"' in hidden and 'value="FILL IN: ' in hidden, name
        assert 'type="date"' in shown and 'value=""' in shown, name
        assert 'aria-invalid="true"' in shown, name
        finding = re.search(rf'id="e-{re.escape(name)}"[^>]*>(.*?)</div>\s*<div class="caused"',
                            page, re.S).group(1)
        assert "Error:" in finding and "must be given" in visible_text(finding), name
        assert "placeholder" not in visible_text(finding), name


def test_a_date_given_replaces_its_fill_in_and_no_other_byte(client, new_deal):
    before = new_deal.read_text(encoding="utf-8")
    page = client.get(f"/deals/{new_deal.name}").text
    form = {**hidden_fields(page), "action": "save-anyway"}
    placeholder = re.search(r'value="(FILL IN: [^"]*)"', controls(page, "deal.date")[0]).group(1)
    # As the browser posts them: each date's hidden FILL IN, then its date input.
    form["v:deal.date"] = [html.unescape(placeholder), "2026-03-02"]
    form["v:closings[0].date"] = [html.unescape(re.search(
        r'value="(FILL IN: [^"]*)"', controls(page, "closings[0].date")[0]).group(1)), ""]
    saved = client.post(f"/deals/{new_deal.name}", data=form)
    assert saved.status_code == 200 and "Saved" in saved.text
    written = new_deal.read_text(encoding="utf-8")
    line = '  date: "FILL IN: the date it is made as of, YYYY-MM-DD"\n'
    assert before.count(line) == 1
    assert written == before.replace(line, '  date: "2026-03-02"\n')
    page = client.get(f"/deals/{new_deal.name}").text
    (shown,) = controls(page, "deal.date")
    assert 'type="date"' in shown and 'value="2026-03-02"' in shown
    assert len(controls(page, "closings[0].date")) == 2, "left empty: still to be given"


# --- In the browser ---------------------------------------------------------------------


def field(name: str) -> str:
    return f'[name="v:{name}"]:not([type=hidden])'


def shown_steps(page) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('section.step')]"
                         ".filter(s => s.offsetParent !== null).map(s => s.id)")


def current(page) -> list[str]:
    """The steps the list marks as the one shown."""
    return page.evaluate("[...document.querySelectorAll('.steps a[aria-current=step]')]"
                         ".map(a => a.hash)")


def flag(page, step: str) -> str:
    """What the list of steps says of `step`'s findings, as shown."""
    return page.locator(f'.steps a[href="#{step}"] .flag:visible').all_inner_texts()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=False)


@needs_chromium
def test_one_step_at_a_time_back_and_next_move_the_focus_and_the_address_keeps_it(
        interview_desk, interview_sheet, page):
    address, _ = interview_desk
    page.goto(f"{address}/deals/{SHEET}")
    page.wait_for_selector("section.step .step-buttons:visible")
    assert shown_steps(page) == ["at-deal"] and current(page) == ["#at-deal"]
    assert page.locator("section.step:visible button", has_text="Back").count() == 0
    nexts = page.locator("section.step:visible button.next")
    assert nexts.inner_text() == "Next: The company"
    nexts.focus()
    page.keyboard.press("Enter")  # the keyboard, as a user without a mouse moves on
    assert shown_steps(page) == ["at-company"] and current(page) == ["#at-company"]
    assert page.evaluate("document.activeElement.id") == "heading-company"
    assert page.url.endswith("#at-company")
    back = page.get_by_role("button", name="Back to The amendment", exact=True)
    back.click()
    assert shown_steps(page) == ["at-deal"]
    assert page.evaluate("document.activeElement.id") == "heading-deal"
    page.go_back()  # the browser's Back: to where Next led
    page.wait_for_function("location.hash === '#at-company'")
    assert shown_steps(page) == ["at-company"]

    page.click('.steps a[href="#at-lenders"]')
    assert shown_steps(page) == ["at-lenders"] and current(page) == ["#at-lenders"]
    page.reload()
    page.wait_for_selector("section.step .step-buttons:visible")
    assert shown_steps(page) == ["at-lenders"], "a reload keeps the step"

    # A link to a field opens its step and brings the field to the user.
    page.goto(f"{address}/deals/{SHEET}#at-closings[0].notes.aggregate_principal")
    page.wait_for_selector("section.step .step-buttons:visible")
    assert shown_steps(page) == ["at-closings"]
    assert page.evaluate("document.activeElement.name") == (
        "v:closings[0].notes.aggregate_principal")


@needs_chromium
def test_save_and_the_kept_draft_stay_on_the_step(interview_desk, interview_sheet, page):
    address, _ = interview_desk
    page.goto(f"{address}/deals/{SHEET}#at-company")
    page.fill(field("company.notice_attention"), "General Counsel")
    page.wait_for_function("sessionStorage.length > 0")
    page.reload()
    page.wait_for_selector("section.step .step-buttons:visible")
    assert shown_steps(page) == ["at-company"]
    assert page.input_value(field("company.notice_attention")) == "General Counsel"
    page.click("#save")  # in the bar above every step
    page.locator("p.notice", has_text="Saved").wait_for()
    assert shown_steps(page) == ["at-company"] and page.url.endswith("?saved=1&step=at-company")
    assert interview_sheet.read_text(encoding="utf-8") == ORIGINAL.replace(
        "notice_attention: Chief Financial Officer", "notice_attention: General Counsel", 1)


CLOSINGS_ERROR = '.steps a[href="#at-closings"] .flag[data-flag=error]'


@needs_chromium
def test_the_list_marks_the_steps_with_findings_as_they_change(
        interview_desk, interview_sheet, page):
    address, _ = interview_desk
    page.goto(f"{address}/deals/{SHEET}#at-schedule_a")
    page.wait_for_selector("section.step .step-buttons:visible")
    assert flag(page, "at-closings") == [" (to check)"]  # the bundled deal's $1 residue
    assert flag(page, "at-schedule_a") == [] and flag(page, "at-lenders") == []
    page.fill(field("schedule_a[0].principal.third"), "4,333,333")
    page.wait_for_function(f"!document.querySelector('{CLOSINGS_ERROR}').hidden")
    assert flag(page, "at-closings") == [" (to correct)"]
    assert shown_steps(page) == ["at-schedule_a"], "a finding elsewhere opens nothing by itself"
    shot(page, "steps-finding-elsewhere-1280")
    # Beside the change, the finding it brought about links to where it stands.
    goto = page.locator('.caused[data-for="schedule_a[0].principal.third"] a.goto',
                        has_text="Aggregate principal")
    assert goto.inner_text() == "Go to “Closings › Closing 1 › Notes › Aggregate principal”"
    goto.click()
    assert shown_steps(page) == ["at-closings"]
    assert page.evaluate("document.activeElement.name") == (
        "v:closings[0].notes.aggregate_principal")
    page.go_back()
    assert shown_steps(page) == ["at-schedule_a"]
    page.fill(field("schedule_a[0].principal.third"), "3,333,333")
    page.wait_for_function(f"document.querySelector('{CLOSINGS_ERROR}').hidden")
    assert flag(page, "at-closings") == [" (to check)"]


@needs_chromium
def test_every_step_shows_without_javascript(interview_desk, interview_sheet, browser):
    address, _ = interview_desk
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{address}/deals/{SHEET}")
        steps = page.locator("section.step")
        assert steps.count() > 15 and len(shown_steps_without_script(page)) == steps.count()
        assert page.locator(".step-buttons:visible").count() == 0
        assert page.locator(field("counsel.represents")).is_visible()
    finally:
        context.close()


def shown_steps_without_script(page) -> list[str]:
    return [step.get_attribute("id") for step in page.locator("section.step").all()
            if step.is_visible()]


@needs_chromium
def test_renamed_and_new_ids_are_offered_at_once_and_the_choices_follow(
        interview_desk, interview_sheet, page):
    address, _ = interview_desk
    page.goto(f"{address}/deals/{SHEET}#at-lenders")
    page.wait_for_selector("section.step .step-buttons:visible")
    lender_selects = ("schedule_a[1].lender", "assignments[0].from", "counsel.represents",
                      "schedule_a[0].lender", "assignments[0].to", "fee_reimbursements[0].lender")
    page.fill(field("lenders[1].id"), "omicron-trust")
    for name in lender_selects:
        select = page.locator(field(name))
        options = select.locator("option")
        values = options.evaluate_all("os => os.map(o => o.value)")
        assert "omicron-trust" in values and "omicron" not in values, name
    chosen = {name: page.locator(field(name)).input_value() for name in lender_selects}
    assert chosen == {"schedule_a[1].lender": "omicron-trust", "assignments[0].from":
                      "omicron-trust", "counsel.represents": "omicron-trust",
                      "schedule_a[0].lender": "rockmore", "assignments[0].to": "rockmore",
                      "fee_reimbursements[0].lender": "rockmore"}
    assert page.locator(field("counsel.represents")).evaluate(
        "s => s.options[s.selectedIndex].text") == "Omicron Master Trust (omicron-trust)"

    page.click('button[value="add:lenders"]')  # a draft: the form is made again from it
    page.wait_for_selector(field("lenders[6].id"))
    page.fill(field("lenders[6].id"), "northwind")
    page.fill(field("lenders[6].legal_name"), "Northwind Partners LP")
    texts = page.locator(field("schedule_a[0].lender") + " option").all_inner_texts()
    assert "Northwind Partners LP (northwind)" in texts
    assert page.locator(field("schedule_a[0].lender")).input_value() == "rockmore"
    assert page.locator(field("counsel.represents")).input_value() == "omicron-trust"
    page.reload()  # the draft kept: the choices follow the ids restored
    page.wait_for_selector("section.step .step-buttons:visible")
    assert "Northwind Partners LP (northwind)" in page.locator(
        field("assignments[0].to") + " option").all_inner_texts()
    page.click('.steps a[href="#at-counsel"]')
    page.select_option(field("counsel.represents"), "northwind")
    page.click("#save")
    page.wait_for_selector("#asking, p.notice")
    if page.locator("#save-anyway").count():
        page.click("#save-anyway")  # a lender without a Schedule A row
    page.locator("p.notice", has_text="Saved").wait_for()
    written = interview_sheet.read_text(encoding="utf-8")
    assert re.findall(r"\b(?:id|lender|from|to|represents): (omicron\S*|northwind)", written) == [
        "omicron-trust", "northwind", "omicron-trust", "omicron-trust", "northwind"]


@needs_chromium
def test_a_new_deals_lender_is_offered_as_soon_as_its_id_is_typed(interview_desk, page):
    address, sheets = interview_desk
    page.goto(address)
    page.fill("#deal-id", "steps-2026")
    page.click("#new-deal")
    page.wait_for_selector("#terms")
    date = page.locator(field("deal.date"))
    assert date.get_attribute("type") == "date" and date.input_value() == ""
    page.click('.steps a[href="#at-lenders"]')
    page.fill(field("lenders[0].id"), "first-fund")
    page.fill(field("lenders[0].legal_name"), "First Fund LP")
    lender = page.locator(field("schedule_a[0].lender"))
    assert "First Fund LP (first-fund)" in lender.locator("option").all_inner_texts()
    assert lender.input_value().startswith("FILL IN"), "the choice stays as it was"
    page.click('.steps a[href="#at-schedule_a"]')
    lender.select_option("first-fund")
    page.click('.steps a[href="#at-deal"]')
    date.fill("2026-03-02")
    page.click("#save")
    page.wait_for_selector("#asking")
    page.click("#save-anyway")  # the other FILL IN values are still to give
    page.locator("p.notice", has_text="Saved").wait_for()
    written = (sheets / "steps-2026.yaml").read_text(encoding="utf-8")
    assert '  - id: "first-fund"\n' in written and '  - lender: "first-fund"\n' in written
    assert '  date: "2026-03-02"\n' in written
    assert shown_steps(page) == ["at-deal"]


STEPS_SHOWN = ("deal", "lenders", "schedule_a", "more")


@needs_chromium
@pytest.mark.parametrize("width", WIDTHS)
def test_each_step_fits_the_width_has_unique_names_and_no_serious_axe_violation(
        interview_desk, interview_sheet, browser, width):
    from axe_playwright_python.sync_playwright import Axe
    address, _ = interview_desk
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        for step in STEPS_SHOWN:
            page.goto(f"{address}/deals/{SHEET}#at-{step}")
            page.wait_for_selector(f"#at-{step} .step-buttons:visible")
            assert shown_steps(page) == [f"at-{step}"]
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{step} is {wide} px wide at {width} px"
            names = page.evaluate("""[...document.querySelectorAll('#terms button, #terms a')]
                .filter(el => el.offsetParent !== null)
                .map(el => (el.getAttribute('aria-label') || el.textContent)
                     .replace(/\\s+/g, ' ').trim())""")
            repeated = {name for name in names if names.count(name) > 1}
            assert not repeated, f"{step}: {repeated}"
            violations = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                          for v in Axe().run(page).response["violations"]
                          if v["impact"] in ("serious", "critical")]
            assert violations == [], step
            shot(page, f"steps-{step}-{width}")
    finally:
        context.close()


@needs_chromium
def test_on_a_phone_the_list_of_steps_folds_into_the_line_that_says_where_you_are(
        interview_desk, interview_sheet, browser):
    address, _ = interview_desk
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{address}/deals/{SHEET}")
        page.wait_for_selector("section.step .step-buttons:visible")
        toggle = page.locator(".steps-toggle")
        count = page.locator(".steps a").count()
        # The bundled deal's $1 residue is a finding of the Closings step.
        assert toggle.inner_text().startswith(f"Step 1 of {count}: The amendment (1 with findings)")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert not page.locator("ol.steps").is_visible()
        shot(page, "steps-folded-390")
        # The step's first fields on the first screen (the list unfolded takes ten lines).
        assert page.locator("#heading-deal").bounding_box()["y"] < 500
        page.locator("section.step:visible button.next").click()
        assert toggle.inner_text().startswith(f"Step 2 of {count}: The company")
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        page.click('.steps a[href="#at-lenders"]')
        assert shown_steps(page) == ["at-lenders"] and not page.locator("ol.steps").is_visible()
        assert toggle.inner_text().startswith(f"Step 6 of {count}: Lenders")
        page.set_viewport_size({"width": 1280, "height": 900})
        assert not toggle.is_visible() and page.locator("ol.steps").is_visible()
    finally:
        context.close()
