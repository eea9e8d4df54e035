"""`dealdocs check`: drafting errors in a document dealdocs did not write, and a draft
against its term sheet. What dealdocs generates yields no error; errors planted in a copy
of the amendment are each found at their place; the seeds' real errors are found at their
lines; --against finds a changed price, principal and lender name."""

from __future__ import annotations

import dataclasses
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from generator.build.render import render_documents
from generator.cli import app
from generator.findings import Severity, errors
from generator.pipeline import prepare
from generator.proofing import check_document, read_document
from generator.proofing.against import compare
from generator.proofing.amounts import spelled
from generator.web.app import create_app
from generator.writers import WRITERS
from tests.helpers import AMENDMENT_1, AMENDMENT_2, HALVORSEN_1, HALVORSEN_2
from tests.planted import PLANTS, WORD_RENUMBERED, planted, renumbered_in_word

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
runner = CliRunner()

# What the generated documents yield, all warnings, each a fact about the bundled forms:
# terms the note form defines for clauses it does not have (its call right's "CALL DATE"),
# those of the September Purchase Agreement's Section 4.8(b) that the amendment quotes
# whole, the seed's "April I Notes" for the defined "April Notes I", and Halvorsen's
# "Tranche B Warrants", defined for a clause its second closing does not use.
KNOWN_WARNINGS = {"CALL DATE", "CALL PERIOD", "REMAINING PORTION", "SHAREHOLDER APPROVAL DATE",
                  "OFFERED SECURITIES", "NOTICE OF ACCEPTANCE", "April I Notes",
                  "April II Notes", "April Warrants II", "Tranche B Warrants"}


@pytest.mark.parametrize("sheet", [AMENDMENT_1, AMENDMENT_2, HALVORSEN_1, HALVORSEN_2],
                         ids=lambda path: path.stem)
def test_what_dealdocs_generates_has_no_error(bundled, sheet):
    files = bundled.files(sheet)
    assert {name for _, name in files} == {"html", "docx", "pdf"}
    unexpected = []
    for (document, name), data in files.items():
        for finding in check_document(f"{document}.{name}", data):
            term = re.search(r'"([^"]+)"', finding.message)
            if finding.severity is Severity.ERROR or not term or term.group(1) not in KNOWN_WARNINGS:
                unexpected.append(finding.format())
    assert unexpected == []


@pytest.fixture(scope="module")
def amendment():
    return next(d for d in render_documents(prepare(AMENDMENT_1).deal) if d.name == "amendment-1")


@pytest.fixture(scope="module")
def planted_files(amendment):
    copy = planted(amendment)
    return {"docx": renumbered_in_word(WRITERS["docx"].render(copy), *WORD_RENUMBERED),
            "pdf": WRITERS["pdf"].render(copy)}


@pytest.mark.parametrize("name", ["docx", "pdf"])
def test_every_planted_error_is_found_at_its_place_and_nothing_else(bundled, planted_files, name):
    found = check_document(f"amendment-1.{name}", planted_files[name])
    assert [plant for plant in PLANTS if not any(plant.found_by(f) for f in found)] == []
    # At its place: a page and line of the PDF, a paragraph of the Word file, and its section.
    place = r"page \d+, line \d+" if name == "pdf" else r"paragraph \d+"
    assert all(re.match(place, finding.path) for finding in found)
    unplanted = {(f.code, f.message) for f in check_document(
        f"amendment-1.{name}", bundled.files(AMENDMENT_1)[("amendment-1", name)])}
    extra = [f.format() for f in found if not any(plant.found_by(f) for plant in PLANTS)
             and (f.code, f.message) not in unplanted]
    assert extra == []


# The seeds' errors of the kinds the checker looks for, each at its line.
SEED_ERRORS = {
    "000_029763994e66043d.txt": [(666, "table.total", "$20,000,000"),
                                 (666, "table.total", "274,316"),
                                 (666, "table.total", "$10,000,000")],
    "002_42ddd5099abacb80.txt": [(73, "reference.missing", "Section 7")],
    "003_798f33f7fe9331b6.txt": [(375, "date.impossible", "February 29, 2005"),
                                 (490, "term.defined-twice", "PRINCIPAL PAYMENT DATE"),
                                 (1341, "term.defined-twice", "THRESHOLD PRICE")],
}


@pytest.mark.parametrize("seed", sorted(SEED_ERRORS))
def test_the_seeds_real_errors_are_found_at_their_lines(seed):
    found = errors(check_document(seed, (SEEDS / seed).read_bytes()))
    assert len(found) == len(SEED_ERRORS[seed])
    for (line, code, words), finding in zip(SEED_ERRORS[seed], found):
        assert (finding.mark.line, finding.code) == (line, code)
        assert words in finding.message


def test_the_seeds_near_misses_of_defined_terms_are_warnings():
    found = check_document("000.txt", (SEEDS / "000_029763994e66043d.txt").read_bytes())
    misses = {(f.mark.line, re.search(r'"([^"]+)"', f.message).group(1))
              for f in found if f.code == "term.undefined"}
    assert misses == {(118, "April I Notes"), (173, "April II Notes"), (188, "Zolek")}


@pytest.mark.parametrize("text, value", [
    ("the sum of Two Million Five Hundred Thousand Dollars ", "2500000"),
    ("within thirty-one ", "31"),
    ("Twenty-Five Dollars and Fifty-One Cents ", "25.51"),
    ("One Thousand and 50/100 Dollars ", "1000.50"),
    ("Ten and no/100 Dollars ", "10"),
    ("thirty-five percent ", "35"),
    ("upon ", None),
])
def test_words_are_read_back_into_their_amount(text, value):
    found = spelled(text)
    assert (found[0] if found else None) == (Decimal(value) if value else None)


@pytest.fixture(scope="module")
def generated():
    return render_documents(prepare(AMENDMENT_1).deal)


def _note_draft(generated, *edits: tuple[str, str]) -> bytes:
    note = next(d for d in generated if d.name == "note-third-omicron")
    html = note.html
    for old, new in edits:
        assert old in html, old
        html = html.replace(old, new, 1)
    return WRITERS["docx"].render(dataclasses.replace(note, html=html))


def test_against_finds_a_changed_price_principal_and_lender_name(generated):
    draft = _note_draft(generated, ("$25.51", "$25.50"), ("($7,333,333)", "($7,333,334)"),
                        ("Omicron Master Trust or its", "Omicron Capital Trust or its"))
    found = compare(read_document("draft.docx", draft), generated)
    said = [f.message for f in found]
    assert all(f.code == "against.terms" and f.severity is Severity.ERROR for f in found)
    assert any("$25.50" in m and '"$25.51"' in m for m in said)
    assert any("$7,333,334" in m and '"$7,333,333"' in m for m in said)
    assert any("Capital" in m and '"Master"' in m for m in said)
    assert len(found) == 3
    assert all("note-third-omicron" in m for m in said)


def test_against_finds_nothing_in_an_unchanged_draft(generated):
    assert compare(read_document("draft.docx", _note_draft(generated)), generated) == []


def test_check_prints_json_and_fails_on_errors():
    result = runner.invoke(app, ["check", "--json", str(SEEDS / "002_42ddd5099abacb80.txt")])
    assert result.exit_code == 1
    (report,) = json.loads(result.output)
    assert report["ok"] is False
    assert [(f["line"], f["code"]) for f in report["findings"]] == [(73, "reference.missing")]


DRAFT = """1. Terms. The Company shall pay the amounts on Schedule A (the "Payments").

2. Payments. Each of the Payments is due as set forth in Section 1.

2.1. Timing. Payments are due (a) first, on the Closing; (b) second, thirty days later.

3. Other. The parties refer to Section 2.1(b), Section 4, Section 2.2, Schedule B and
Section 9 of the Purchase Agreement, on Friday, March 3, 2023.

SCHEDULE A
"""


def test_references_and_attachments_the_document_lacks():
    found = check_document("draft.txt", DRAFT.encode())
    assert [(f.mark.line, f.code, f.message.split(" is ")[0]) for f in found] == [
        (7, "reference.attachment", "Schedule B"), (7, "reference.missing", "Section 4"),
        (7, "reference.missing", "Section 2.2")]


def test_check_fails_on_warnings_only_when_strict(tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text('1. Terms. The "Closing Memorandum" means this page.\n\n'
                     "2. Other. Nothing else.\n", encoding="utf-8")
    assert runner.invoke(app, ["check", str(draft)]).exit_code == 0
    result = runner.invoke(app, ["check", "--strict", str(draft)], terminal_width=200)
    assert result.exit_code == 1 and "term.unused" in result.output


def test_a_file_that_is_not_a_document_is_one_line(tmp_path):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    result = runner.invoke(app, ["check", str(broken)], terminal_width=200)
    assert result.exit_code == 1
    assert "broken.docx: cannot be read as DOCX" in result.output
    assert "Traceback" not in result.output


@pytest.fixture
def client(tmp_path):
    sheets = tmp_path / "term_sheets"
    sheets.mkdir()
    (sheets / AMENDMENT_1.name).write_bytes(AMENDMENT_1.read_bytes())
    with TestClient(create_app(sheets, tmp_path / "output"),
                    base_url="http://127.0.0.1:8000") as client:
        yield client


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_the_desk_shows_a_dropped_files_findings(client):
    page = client.get("/check")
    assert page.status_code == 200 and 'type="file"' in page.text
    assert 'href="/check"' in client.get("/").text  # the nav link
    seed = (SEEDS / "002_42ddd5099abacb80.txt").read_bytes()
    result = client.post("/check", data={"csrf": _csrf(page.text)},
                         files={"document": ("amendment-2.txt", seed, "text/plain")})
    assert result.status_code == 200
    assert "1 error(s), 0 warning(s)" in result.text
    assert "line 73, Section 2" in result.text and "reference.missing" in result.text


def test_the_desk_checks_a_draft_against_a_term_sheet(client, generated):
    page = client.get("/check")
    draft = _note_draft(generated, ("$25.51", "$25.50"))
    result = client.post("/check", data={"csrf": _csrf(page.text), "against": AMENDMENT_1.name},
                         files={"document": ("draft.docx", draft, "application/octet-stream")})
    assert result.status_code == 200
    assert "against.terms" in result.text and "$25.50" in result.text


def test_the_desk_refuses_a_check_without_its_token(client):
    client.get("/check")
    result = client.post("/check", data={"csrf": "forged", "against": AMENDMENT_1.name})
    assert result.status_code == 403
