"""The deal desk's interview as steps (issue 23): one section at a time with JavaScript, all
of them without; reference choices that follow the ids typed; a new deal's dates as date
inputs from the start; and the Signatures page naming people, not ids. The browser tests
use Debian's Chromium (Playwright) over a desk of their own, started once for the module."""

from __future__ import annotations

import html
import re
import shutil

import pytest
import yaml
from starlette.testclient import TestClient

from generator.web.app import create_app
from tests.helpers import AMENDMENT_1

SHEET = AMENDMENT_1.name


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
