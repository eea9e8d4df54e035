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
