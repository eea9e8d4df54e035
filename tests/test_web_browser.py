"""The deal desk in a real browser (Debian's headless Chromium, driven by Playwright): what
a paralegal does, from opening the deal to downloading its documents. The server and the
browser start once for the test session; each page is kept as a screenshot in
tmp/artifacts/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import AMENDMENT_1, served_desk

CHROMIUM = shutil.which("chromium")
ARTIFACTS = Path(__file__).parent.parent / "tmp" / "artifacts"
SHEET = AMENDMENT_1.name
PRINCIPAL = 'input[name="v:schedule_a[0].principal.third"]'
AGGREGATE_FINDINGS = '.findings[data-for="closings[0].notes.aggregate_principal"]'

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (make test "
                                "installs it)")


@pytest.fixture(scope="session")
def desk(tmp_path_factory):
    """The desk over a copy of the bundled deal, served on a free port, with its folders."""
    root = tmp_path_factory.mktemp("desk")
    sheets = root / "term_sheets"
    sheets.mkdir()
    shutil.copy(AMENDMENT_1, sheets / SHEET)
    with served_desk(sheets, root / "output") as address:
        yield address, sheets


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=False)


def test_edit_a_principal_see_the_finding_correct_save_build_and_download(desk, page):
    address, sheets = desk
    page.goto(address)
    shot(page, "deals")
    page.click(f"a[href=\"/deals/{SHEET}\"]")  # listed by its title
    page.click('.steps a[href="#at-schedule_a"]')  # the interview's step
    page.wait_for_selector(PRINCIPAL)

    page.fill(PRINCIPAL, "4,333,333")
    finding = page.locator(AGGREGATE_FINDINGS + " .finding.error")
    finding.wait_for(state="attached")  # in the Closings step
    assert "adds up to $20,999,999" in finding.inner_text()
    beside = page.locator('.caused[data-for="schedule_a[0].principal.third"] .finding.error',
                          has_text="adds up to $20,999,999")
    assert beside.count() == 1  # and beside the field that was changed
    assert "$4,333,333" in page.locator("#schedule-a").inner_text()
    page.locator(PRINCIPAL).evaluate("field => field.scrollIntoView({block: 'center'})")
    shot(page, "finding-beside-the-change")
    page.click('.steps a[href="#at-closings"]')
    page.locator(AGGREGATE_FINDINGS).evaluate("box => box.scrollIntoView({block: 'center'})")
    shot(page, "finding")

    page.click('.steps a[href="#at-schedule_a"]')
    page.fill(PRINCIPAL, "3,333,334")
    finding.wait_for(state="detached")
    assert beside.count() == 0
    page.click("#save")
    page.wait_for_selector("text=Saved")
    assert "third: 3,333,334" in (sheets / SHEET).read_text(encoding="utf-8")
    shot(page, "saved")

    for box in page.locator('input[name="kind"]').all():
        box.set_checked(box.get_attribute("value") == "amendment")
    for box in page.locator('input[name="format"]').all():
        box.set_checked(box.get_attribute("value") == "pdf")
    page.click("#build")
    page.wait_for_selector("text=Built", timeout=120_000)
    shot(page, "build")
    with page.expect_download() as download:
        page.click("a[href$='/files/amendment-1.pdf']")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("width, height", [(1280, 800), (820, 1180)])
def test_the_pages_fit_a_laptop_and_a_tablet(desk, page, width, height):
    address, _ = desk
    page.set_viewport_size({"width": width, "height": height})
    for name, path in (("deals", "/"), ("edit", f"/deals/{SHEET}"),
                       ("conversions", f"/deals/{SHEET}/conversions")):
        page.goto(address + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
        shot(page, f"{name}-{width}")


def test_reading_and_saving_work_without_javascript(desk, browser):
    address, sheets = desk
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{address}/deals/{SHEET}")
        page.fill('input[name="v:company.notice_attention"]', "General Counsel")
        page.click("#save")
        page.wait_for_selector("text=Saved")
        assert "notice_attention: General Counsel" in (sheets / SHEET).read_text(encoding="utf-8")
        assert "$2,000,000" in page.inner_text("#schedule-a")
    finally:
        context.close()


def test_record_a_conversion_and_download_its_notice(desk, page):
    address, _ = desk
    page.goto(f"{address}/deals/{SHEET}/conversions")
    page.select_option("#note", "third-rockmore")
    page.fill("#date", "2006-06-01")
    page.fill("#principal", "1,000,000")
    page.click("#plan")
    planned = page.locator("#planned")
    planned.wait_for()
    assert page.inner_text("#planned .shares") == "39,201"  # $1,000,000 at $25.51, rounded up
    assert page.inner_text("#planned .remaining").startswith("$2,333,33")
    shot(page, "conversion-plan")
    page.click("#record")
    page.wait_for_selector("text=Recorded.", timeout=120_000)
    shot(page, "conversion-recorded")
    notice = page.locator("a[href*='/files/'][href$='.pdf']", has_text="notice").first
    with page.expect_download() as download:
        notice.click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert "B1-01" in page.locator("table.history").inner_text()
