"""The deal desk over HTTP, without a browser: the YAML round-trip, and the protections
against cross-site forms, paths outside its folders and two tabs saving over each other."""

from __future__ import annotations

import difflib
import io
import re
import zipfile
import os
import shutil
import subprocess
import sys

import pytest
import ruamel.yaml
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from generator.loader import MAX_FILE_BYTES, parse_yaml
from generator.termsheet import parse_term_sheet
from generator.typesetting import ZERO_WIDTH_SPACE
from generator.web.app import create_app
from generator.web.source import (SourceEditError, add_item, move_item, parse_path,
                                  remove_item, scalars, set_values)
from tests.helpers import AMENDMENT_1, replace_once
from tests.memory import memory_cap

SHEET = AMENDMENT_1.name


@pytest.fixture
def folders(tmp_path):
    sheets = tmp_path / "term_sheets"
    sheets.mkdir()
    shutil.copy(AMENDMENT_1, sheets / SHEET)
    return sheets, tmp_path / "output"


@pytest.fixture
def client(folders):
    sheets, out = folders
    with TestClient(create_app(sheets, out), base_url="http://127.0.0.1:8000") as client:
        yield client


def form_of(page: str) -> dict[str, str]:
    """The hidden fields of the page's editing form (csrf, sha256)."""
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))


def test_a_changed_value_leaves_every_other_byte_as_written():
    before = AMENDMENT_1.read_text(encoding="utf-8")
    after = set_values(before, {parse_path("schedule_a[0].principal.third"): "3,000,000",
                                parse_path("company.legal_name"): "Zoltek Companies, Inc. #2"})
    start = before.index("third: 3,333,333") + len("third: ")
    name_start = before.index("legal_name: Zoltek Companies, Inc.") + len("legal_name: ")
    expected = (before[:name_start] + '"Zoltek Companies, Inc. #2"'  # quoted: # starts a comment
                + before[name_start + len("Zoltek Companies, Inc."):start] + "3,000,000"
                + before[start + len("3,333,333"):])
    assert after == expected


def test_list_edits_keep_the_comments_and_layout_of_the_rest():
    before = AMENDMENT_1.read_text(encoding="utf-8")
    moved = move_item(before, parse_path("lenders[1]"), -1)
    diff = [line for line in difflib.ndiff(before.splitlines(), moved.splitlines())
            if line[:1] in "+-"]
    assert sorted(line[2:] for line in diff if line[0] == "+") == sorted(
        line[2:] for line in diff if line[0] == "-")  # lines moved, none rewritten
    assert move_item(moved, parse_path("lenders[0]"), 1) == before
    grown = add_item(before, parse_path("market.eligible_markets"))
    assert remove_item(grown, parse_path("market.eligible_markets[4]")) == before
    with pytest.raises(SourceEditError, match="not in this term sheet"):
        remove_item(before, parse_path("lenders[40]"))


def test_a_list_edit_takes_every_value_as_written_even_an_impossible_date():
    before = replace_once(AMENDMENT_1.read_text(encoding="utf-8"),
                          "material_debt_threshold: 350,000", "material_debt_threshold: 2006-02-30")
    grown = add_item(before, parse_path("market.eligible_markets"))
    assert remove_item(grown, parse_path("market.eligible_markets[4]")) == before


def test_saving_the_form_writes_only_the_changed_value(client, folders):
    sheets, _ = folders
    before = (sheets / SHEET).read_text(encoding="utf-8")
    page = client.get(f"/deals/{SHEET}")
    assert page.status_code == 200 and 'name="v:schedule_a[0].principal.third"' in page.text
    response = client.post(f"/deals/{SHEET}", data={
        **form_of(page.text), "v:schedule_a[0].principal.third": "3,333,334", "op": ""},
        follow_redirects=False)
    assert response.status_code == 303
    after = (sheets / SHEET).read_text(encoding="utf-8")
    assert after == before.replace("third: 3,333,333", "third: 3,333,334", 1)
    assert "Saved" in client.get(response.headers["location"]).text


def test_live_check_places_the_finding_on_the_field_it_concerns(client):
    page = client.get(f"/deals/{SHEET}")
    result = client.post(f"/deals/{SHEET}/check", data={
        **form_of(page.text), "v:schedule_a[0].principal.third": "4,333,333"}).json()
    finding = result["findings"]["closings[0].notes.aggregate_principal"]
    assert "adds up to $20,999,999" in finding and "error" in finding
    assert "$4,333,333.00" in result["summary"] or "$4,333,333" in result["summary"]


def test_the_second_of_two_tabs_is_refused_and_told_to_reload(client, folders):
    sheets, _ = folders
    first, second = client.get(f"/deals/{SHEET}"), client.get(f"/deals/{SHEET}")
    saved = client.post(f"/deals/{SHEET}", data={**form_of(first.text),
                                                 "v:company.short_name": "Zoltek Co"})
    assert saved.status_code == 200
    written = (sheets / SHEET).read_text(encoding="utf-8")
    refused = client.post(f"/deals/{SHEET}", data={**form_of(second.text),
                                                   "v:company.state": "Delaware"})
    assert refused.status_code == 409 and "Reload" in refused.text
    assert (sheets / SHEET).read_text(encoding="utf-8") == written


def test_forms_without_the_token_or_from_another_site_are_refused(client, folders):
    sheets, _ = folders
    before = (sheets / SHEET).read_text(encoding="utf-8")
    fields = form_of(client.get(f"/deals/{SHEET}").text)
    without = client.post(f"/deals/{SHEET}", data={"sha256": fields["sha256"],
                                                   "v:company.state": "Delaware"})
    assert without.status_code == 403
    forged = client.post(f"/deals/{SHEET}", data={**fields, "csrf": "guessed",
                                                  "v:company.state": "Delaware"})
    assert forged.status_code == 403
    elsewhere = client.post(f"/deals/{SHEET}", data={**fields, "v:company.state": "Delaware"},
                            headers={"Origin": "http://evil.example"})
    assert elsewhere.status_code == 403
    assert (sheets / SHEET).read_text(encoding="utf-8") == before


@pytest.mark.parametrize("address", [
    "/deals/..%2F..%2Fetc%2Fpasswd", "/deals/%2Fetc%2Fpasswd",
    f"/deals/{SHEET}/files/..%2F..%2Fterm_sheets%2F{SHEET}",
    f"/deals/{SHEET}/files/%2Fetc%2Fpasswd", f"/deals/{SHEET}/files/manifest.json",
    f"/deals/{SHEET}/preview/..%2Fnote"])
def test_no_path_outside_the_folders_is_served(client, address):
    assert client.get(address).status_code == 404


def test_a_file_outside_the_folder_cannot_be_named_as_a_term_sheet(client, folders, tmp_path):
    sheets, _ = folders
    (tmp_path / "secret.yaml").write_text("deal: {}\n")
    (sheets / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    assert client.get("/deals/link.yaml").status_code == 404
    assert "link.yaml" not in client.get("/").text


def test_a_desk_open_to_other_machines_asks_for_its_token(folders):
    sheets, out = folders
    app = create_app(sheets, out, token="s3cret")
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        assert client.get("/").status_code == 403
        assert client.get("/?token=wrong").status_code == 403
        assert client.get("/?token=s3cret").status_code == 200
        assert client.get(f"/deals/{SHEET}").status_code == 200  # the cookie carries it


def test_list_items_move_from_the_form_without_javascript(client, folders):
    sheets, _ = folders
    before = (sheets / SHEET).read_text(encoding="utf-8")
    page = client.get(f"/deals/{SHEET}")
    assert 'value="up:lenders[1]"' in page.text
    moved = client.post(f"/deals/{SHEET}", data={**form_of(page.text), "op": "up:lenders[1]"})
    assert moved.status_code == 200 and "nothing is saved until you press Save" in moved.text
    assert (sheets / SHEET).read_text(encoding="utf-8") == before  # a draft, until saved
    saved = client.post(f"/deals/{SHEET}", data={**form_of(moved.text), "action": "save"})
    assert saved.status_code == 200 and "Saved" in saved.text
    assert (sheets / SHEET).read_text(encoding="utf-8") == move_item(
        before, parse_path("lenders[1]"), -1)


@pytest.mark.parametrize("action", ["", "/check", "/build", "/conversions"])
def test_every_form_needs_the_browsers_token(client, folders, action):
    sheets, out = folders
    before = (sheets / SHEET).read_text(encoding="utf-8")
    fields = form_of(client.get(f"/deals/{SHEET}").text)
    response = client.post(f"/deals/{SHEET}{action}", data={
        "sha256": fields["sha256"], "format": "html", "kind": "schedule-a", "note": "B1-01",
        "date": "2006-06-01", "principal": "1", "action": "record"})
    assert response.status_code == 403
    assert (sheets / SHEET).read_text(encoding="utf-8") == before and not out.exists()


def test_a_term_sheet_that_is_not_yaml_still_opens_with_its_finding(client, folders):
    sheets, _ = folders
    (sheets / "broken.yaml").write_text("deal: [unclosed\n", encoding="utf-8")
    page = client.get("/deals/broken.yaml")
    assert page.status_code == 200 and "yaml.syntax" in page.text
    assert "Cannot be read" in client.get("/").text


def test_a_list_or_mapping_as_a_key_still_opens_with_its_finding(client, folders):
    sheets, _ = folders
    (sheets / "keyed.yaml").write_text("deal:\n  {{ 7*7 }}: x\n  [a]: y\n", encoding="utf-8")
    page = client.get("/deals/keyed.yaml")
    assert page.status_code == 200 and "a key must be plain text" in page.text


def test_a_conversion_is_shown_before_it_is_recorded(client, folders):
    sheets, _ = folders
    page = client.get(f"/deals/{SHEET}/conversions")
    planned = client.post(f"/deals/{SHEET}/conversions", data={
        **form_of(page.text), "note": "third-rockmore", "date": "2006-06-01",
        "principal": "1,000,000", "action": "plan"})
    assert planned.status_code == 200
    row = re.search(r'<td class="remaining">([^<]*)</td>.*?<td class="shares">([^<]*)</td>',
                    planned.text).groups()
    assert row == ("$2,333,333", "39,201")
    assert 'id="record"' in planned.text and not list(sheets.glob("*.sqlite"))


def test_the_change_report_is_linked_once_written(client, folders):
    sheets, out = folders
    assert client.get(f"/deals/{SHEET}/changes").status_code == 404
    report = out / "zoltek-amendment-1" / "changes" / "report.html"
    report.parent.mkdir(parents=True)
    report.write_text("<h1>Changes</h1>", encoding="utf-8")
    assert "What changed" in client.get(f"/deals/{SHEET}").text
    assert client.get(f"/deals/{SHEET}/changes").text == "<h1>Changes</h1>"


def test_serve_prints_the_address_with_a_token_only_beyond_this_machine(folders):
    sheets, out = folders
    for host, tokened in (("127.0.0.1", False), ("0.0.0.0", True)):
        server = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", str(sheets), "--port", "0", "--host",
             host, "--out", str(out), "--no-browser"], stdout=subprocess.PIPE, text=True)
        try:
            announced = server.stdout.readline()
        finally:
            server.terminate()
            server.wait(10)
            server.stdout.close()
        assert announced.startswith("Deal desk at http://")
        assert ("?token=" in announced) is tokened


def test_a_local_desk_answers_only_to_this_machines_names(client):
    assert client.get("/", headers={"Host": "rebound.example:8000"}).status_code == 400
    assert client.get("/", headers={"Host": "localhost:8000"}).status_code == 200


def test_a_build_streams_its_progress_then_lists_its_files(client):
    fields = form_of(client.get(f"/deals/{SHEET}").text)
    started = client.post(f"/deals/{SHEET}/build", data={
        "csrf": fields["csrf"], "step": "render", "kind": "schedule-a", "format": "html"},
        follow_redirects=False)
    assert started.status_code == 303
    with client.stream("GET", started.headers["location"] + "/events") as events:
        stream = "".join(events.iter_text())
    assert '"done": 1, "total": 1' in stream and stream.endswith("event: done\ndata: {}\n\n")
    page = client.get(started.headers["location"]).text
    assert "Built" in page and f"/deals/{SHEET}/files/schedule-a.html" in page
    assert client.get(f"/deals/{SHEET}/files/schedule-a.html").text.startswith("<!")


def test_a_document_previews_as_its_rendered_html(client):
    page = client.get(f"/deals/{SHEET}")
    assert f'href="/deals/{SHEET}/preview/schedule-a"' in page.text
    preview = client.get(f"/deals/{SHEET}/preview/schedule-a")
    assert preview.status_code == 200 and "Rockmore Investment Master Fund, Ltd" in preview.text


def _run(client, step: str, *kinds: str) -> str:
    """Start a step from the deal's page, wait for its end, and return its page."""
    fields = form_of(client.get(f"/deals/{SHEET}").text)
    started = client.post(f"/deals/{SHEET}/build", data={
        "csrf": fields["csrf"], "step": step, "kind": list(kinds), "format": "html"},
        follow_redirects=False)
    with client.stream("GET", started.headers["location"] + "/events") as events:
        assert "".join(events.iter_text()).endswith("event: done\ndata: {}\n\n")
    return client.get(started.headers["location"]).text


def test_a_comparison_from_the_desk_lists_the_report_and_redlines(client, folders):
    from generator.documents import KIND_NAMES
    assert "Kept as version 1" in _run(client, "render", *KIND_NAMES)
    assert "Nothing to compare" in _run(client, "compare")
    page = client.get(f"/deals/{SHEET}")
    client.post(f"/deals/{SHEET}", data={
        **form_of(page.text), "v:schedule_a[0].principal.third": "3,333,334", "op": ""})
    compared = _run(client, "compare")
    assert "Compared with version 1" in compared
    assert f"/deals/{SHEET}/changes/schedule-a.redline.html" in compared
    redline = client.get(f"/deals/{SHEET}/changes/schedule-a.redline.html").text
    assert f"<del>$3,333,333{ZERO_WIDTH_SPACE}</del><ins>$3,333,334</ins>" in redline
    assert "What changed" in client.get(f"/deals/{SHEET}").text
    for outside in ("..%2Fmanifest.json", "..%2F..%2Fterm_sheets%2F" + SHEET, "versions"):
        assert client.get(f"/deals/{SHEET}/changes/{outside}").status_code == 404


def test_the_binders_are_built_from_the_desk_and_served_from_their_folders(client, folders,
                                                                           bundled):
    bundled.deal_folder(AMENDMENT_1, folders[1])  # this session's PDFs: nothing to render
    page = _run(client, "binder")
    assert "Binders made: Third Closing, Fourth Closing." in page
    assert f"/deals/{SHEET}/binders/third/binder.pdf" in page  # each file, and the zip
    assert f"/deals/{SHEET}/binders/third.zip" in page
    with zipfile.ZipFile(io.BytesIO(client.get(f"/deals/{SHEET}/binders/third.zip").content)) as zipped:
        assert "third/binder.pdf" in zipped.namelist()
    deal = client.get(f"/deals/{SHEET}").text
    assert f"/deals/{SHEET}/binders/third/binder.pdf" in deal
    assert client.get(f"/deals/{SHEET}/binders/third/binder.pdf").content.startswith(b"%PDF")
    assert "Signature packets: the amendment&#39;s signing" in deal
    packet = f"/deals/{SHEET}/binders/amendment-signing/signature-packet-rockmore.pdf"
    assert packet in deal and client.get(packet).content.startswith(b"%PDF")
    assert "Every binder was up to date" in _run(client, "binder")
    for closing, file in (("third", "..%2Fmanifest.json"), ("versions", "index.json"),
                          ("fifth", "binder.pdf")):
        assert client.get(f"/deals/{SHEET}/binders/{closing}/{file}").status_code == 404


def _bomb(levels: int = 9) -> str:
    """Ten lines that expand to 9**9 values."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        previous, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


# Issue 18, case 1: the desk read term sheets without the loader's limits.
@pytest.mark.parametrize(("text", "said"), [
    (_bomb(), "expands to more than 50,000 keys and values"),
    ("deal: " + "[" * 10_000 + "]" * 10_000 + "\n", "nest")], ids=["alias-bomb", "deep-nesting"])
def test_a_bomb_or_deep_nesting_is_a_page_with_its_message_in_bounded_memory(
        client, folders, text, said):
    sheets, _ = folders
    (sheets / "hostile.yaml").write_text(text, encoding="utf-8")
    with memory_cap():
        page = client.get("/deals/hostile.yaml")
        assert page.status_code == 200 and said in page.text
        fields = form_of(page.text)
        checked = client.post("/deals/hostile.yaml/check", data={**fields, "v:a": "y"})
        assert checked.status_code == 400 and said in checked.json()["error"]
        saved = client.post("/deals/hostile.yaml", data={**fields, "v:a": "y", "op": ""})
        assert saved.status_code == 400 and said in saved.text
        assert "Cannot be read" in client.get("/").text
    assert (sheets / "hostile.yaml").read_text(encoding="utf-8") == text


# Issue 18, case 5.
def test_a_file_too_big_or_not_utf8_is_listed_with_its_error(client, folders):
    sheets, _ = folders
    (sheets / "big.yaml").write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    (sheets / "latin1.yaml").write_bytes(b"deal:\n  title: Caf\xe9\n")
    home = client.get("/")
    assert home.status_code == 200
    assert f"the file is {MAX_FILE_BYTES + 1:,} bytes; a term sheet is at most" in home.text
    assert "the file is not UTF-8 text" in home.text and SHEET in home.text
    opened = client.get("/deals/latin1.yaml")
    assert opened.status_code == 409 and opened.text == (
        f"{sheets / 'latin1.yaml'}:2: error: the file is not UTF-8 text; save it as UTF-8 "
        "[yaml.encoding]")


def test_a_save_past_the_loaders_size_limit_is_refused_and_nothing_written(client, folders):
    sheets, _ = folders
    before = (sheets / SHEET).read_text(encoding="utf-8")
    fields = form_of(client.get(f"/deals/{SHEET}").text)
    half = "x" * (MAX_FILE_BYTES // 2)
    refused = client.post(f"/deals/{SHEET}", data={
        **fields, "v:company.legal_name": half, "v:company.short_name": half, "op": ""})
    assert refused.status_code == 400
    assert f"a term sheet is at most {MAX_FILE_BYTES:,}" in refused.text
    assert (sheets / SHEET).read_text(encoding="utf-8") == before
    # A list item added copies the last one: that too must stay within the limit.
    big = before.replace("legal_name: Midsummer Investment Ltd.", f"legal_name: {half}")
    (sheets / SHEET).write_text(big, encoding="utf-8")
    fields = form_of(client.get(f"/deals/{SHEET}").text)
    refused = client.post(f"/deals/{SHEET}", data={**fields, "op": "add:lenders"})
    assert refused.status_code == 400
    assert f"a term sheet is at most {MAX_FILE_BYTES:,}" in refused.text
    assert (sheets / SHEET).read_text(encoding="utf-8") == big


# Issue 18, case 11: written back, each value reads as typed, to the loader and to YAML.
ROUND_TRIP = ["null", "Null", "NULL", "~", "", " ", "true", "False", "yes", "No", "on",
              "OFF", "y", "n", "123", "-1", "0x1F", "0o17", "010", "1e3", "1_000", ".inf",
              ".NaN", "12:30", "2006-06-01", "=", "<<", " leading", "trailing ", "a #b", "#a",
              "a: b", "a:b", "- a", "-", "? a", "[a]", "{a: b}", "a, b", "&a", "*a", "!a",
              "!!str a", "%a", "@a", "`a", "'a'", '"a"', "a'b", 'a"b', "|", ">", "a\tb",
              "\\", "a\\nb", "Ωmega", "北京", "--- a", "...", "a ]", "{{ 7*7 }}", "{[a]: b}"]


@pytest.mark.parametrize("value", ROUND_TRIP)
def test_a_value_written_from_the_form_reads_back_as_typed(value):
    before = AMENDMENT_1.read_text(encoding="utf-8")
    after = set_values(before, {("company", "notice_address"): value})
    for reading in (yaml.safe_load(after), ruamel.yaml.YAML(typ="safe").load(after),
                    parse_yaml(after, "t.yaml").data):
        assert reading["company"]["notice_address"] == value
    if value.strip():
        assert parse_term_sheet(after).sheet.company.notice_address == value.strip()


@pytest.mark.parametrize(("path", "value", "written"), [
    ("closings[0].notes.aggregate_principal", "20,000,001", "20,000,001"),
    ("closings[0].notes.aggregate_principal", "20000001", "20000001"),
    ("closings[0].notes.aggregate_principal", "null", '"null"'),
    ("deal.date", "2006-06-01", "2006-06-01"),
    ("deal.id", "true", '"true"'),
    ("lenders[1].administrative_agent", "false", "false")])
def test_a_figure_date_or_flag_keeps_its_plain_spelling(path, value, written):
    before = AMENDMENT_1.read_text(encoding="utf-8")
    scalar = scalars(before)[parse_path(path)]
    after = set_values(before, {parse_path(path): value})
    assert after == before[:scalar.start] + written + before[scalar.end:]


@settings(max_examples=200, deadline=None)
@given(value=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
                     max_size=12))
def test_any_value_reads_back_as_typed_or_is_refused_with_a_message(value):
    before = "company:\n  notice_address: x  # where notices go\n  fax: x\n"
    try:
        after = set_values(before, {("company", "notice_address"): value})
    except SourceEditError as exc:
        assert "cannot be written here" in str(exc)
        return
    for reading in (yaml.safe_load(after), ruamel.yaml.YAML(typ="safe").load(after)):
        assert reading == {"company": {"notice_address": value, "fax": "x"}}


# Issue 18, case 12.
def test_a_conversion_given_by_the_notes_number_is_shown_recorded(client, folders):
    fields = form_of(client.get(f"/deals/{SHEET}/conversions").text)
    recorded = client.post(f"/deals/{SHEET}/conversions", data={
        **fields, "note": "b1-01", "date": "2006-06-01", "principal": "1,000,000",
        "action": "record"})
    assert recorded.status_code == 200 and "Recorded." in recorded.text
    assert "No conversion recorded" not in recorded.text
    history = re.search(r'<table class="history">.*?</table>', recorded.text, re.S).group()
    assert history.count("<tr><td>") == 1 and "B1-01" in history
    assert '<option value="third-rockmore" selected>' in recorded.text


def test_a_builds_page_whose_term_sheet_became_unreadable_says_why(client, folders):
    sheets, _ = folders
    fields = form_of(client.get(f"/deals/{SHEET}").text)
    started = client.post(f"/deals/{SHEET}/build", data={
        "csrf": fields["csrf"], "step": "render", "kind": "schedule-a", "format": "html"},
        follow_redirects=False)
    (sheets / SHEET).write_bytes(b"\xff")
    page = client.get(started.headers["location"])
    assert page.status_code == 409 and "the file is not UTF-8 text" in page.text
    (sheets / SHEET).unlink()
    assert client.get(started.headers["location"]).status_code == 404


@pytest.mark.parametrize("replace", ["fifo", "link to /dev/zero"])
def test_a_manifest_replaced_by_a_pipe_or_an_endless_file_lists_no_files(client, folders,
                                                                          replace):
    _, out = folders
    deal = out / "zoltek-amendment-1"
    deal.mkdir(parents=True)
    if replace == "fifo":
        os.mkfifo(deal / "manifest.json")  # opened without O_NONBLOCK, the page would hang
    else:
        (deal / "manifest.json").symlink_to("/dev/zero")  # read to its end, it never ends
    page = client.get(f"/deals/{SHEET}")
    assert page.status_code == 200
    assert client.get(f"/deals/{SHEET}/files/schedule-a.html").status_code == 404
