"""`dealdocs regenerate`: a negotiated Word draft brought to new terms, the lawyers' edits
kept. The generated Amendment No. 1 and a note are edited as a lawyer would (tests/
negotiated.py), the terms move (the price to $24.00, one lender's principal), and the
regenerated drafts are read back by LibreOffice with every tracked change accepted, and
with every one rejected, all in one soffice run for the module."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from docx.oxml.ns import qn
from lxml import etree
from starlette.testclient import TestClient
from click.testing import Result
from typer.testing import CliRunner

from generator.build import render_documents
from generator.cli import app
from generator.pipeline import prepare
from generator.regenerate.draft import read_draft
from generator.regenerate.body import paragraphs
from generator.regenerate.merge import Merged, merge
from generator.regenerate.sources import sides
from generator.web.app import create_app
from generator.writers import WRITERS
from generator.writers.docx_package import CUSTOM_PART
from tests.helpers import AMENDMENT_1
from tests.negotiated import AMENDMENT_EDITS, COUNSEL, NOTE_EDITS, lawyer_edits, new_terms

runner = CliRunner()
DEAL = "zoltek-amendment-1"
NOTE = "note-third-rockmore"
CONFLICTED = "In connection with the Third Closing"  # Section 2.2: "$25.51" twice


@pytest.fixture(scope="module")
def deal(tmp_path_factory) -> Path:
    """A folder with the bundled term sheet built into out/ (Word only; the build keeps
    version 1), the lawyers' drafts of the amendment and a note (one with a conflict), and
    the term sheet moved to the new terms."""
    folder = tmp_path_factory.mktemp("negotiated")
    sheet = folder / "deal.yaml"
    shutil.copy(AMENDMENT_1, sheet)
    result = runner.invoke(app, ["render", str(sheet), "--format", "docx", "--out",
                                 str(folder / "out")], terminal_width=200)
    assert result.exit_code == 0, result.output
    built = folder / "out" / DEAL
    drafts = folder / "drafts"
    drafts.mkdir()
    for name, edits, conflict in (("amendment-1", AMENDMENT_EDITS, None),
                                  (NOTE, NOTE_EDITS, None),
                                  ("conflict", AMENDMENT_EDITS, CONFLICTED)):
        source = built / f"{'amendment-1' if name == 'conflict' else name}.docx"
        (drafts / name).mkdir()
        (drafts / name / "draft.docx").write_bytes(
            lawyer_edits(source.read_bytes(), edits, conflict))
    sheet.write_text(new_terms(sheet.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def regenerate(deal: Path, draft: str, *extra: str) -> Result:
    return runner.invoke(app, ["regenerate", str(deal / "deal.yaml"), "--edited",
                               str(deal / "drafts" / draft / "draft.docx"), "--out",
                               str(deal / "out"), *extra], terminal_width=200)


@pytest.fixture(scope="module")
def regenerated(deal) -> dict[str, tuple[str, bytes]]:
    """Each draft regenerated: what the command printed, and the regenerated file."""
    out = {}
    for draft, document in (("amendment-1", "amendment-1"), (NOTE, NOTE),
                            ("conflict", "amendment-1")):
        result = regenerate(deal, draft)
        assert result.exit_code == 0, result.output
        out[draft] = (result.output, (deal / "drafts" / draft /
                                      f"{document}.regenerated.docx").read_bytes())
    return out


@pytest.fixture(scope="module")
def ours(deal) -> dict[str, bytes]:
    """The Word files the new terms give, and each as the lawyer would have edited it."""
    documents = {d.name: d for d in render_documents(prepare(deal / "deal.yaml").deal)}
    return {name: lawyer_edits(WRITERS["docx"].render(documents[name]), edits)
            for name, edits in (("amendment-1", AMENDMENT_EDITS), (NOTE, NOTE_EDITS))}


# --- LibreOffice: every tracked change accepted, or rejected, then the text. ---

# Clauses that appear and go, in a draft whose lawyer added a paragraph and moved one.
_KEPT = "The Borrower shall pay interest on the principal at eight percent per annum."
_PRICED = "The Lender may convert the principal at {} per share of Common Stock."
_GOING = "This clause is in the generated draft and the new terms no longer have it."
_MOVED = "Notices under this Agreement shall be in writing and delivered by hand."
_COMING = "A clause the new terms add, which the generated draft did not have."
_THEIRS = "Counsel added this paragraph after the first one."
CLAUSES = {
    "base": [_KEPT, _PRICED.format("$25.51"), _GOING, _MOVED],
    "ours": [_KEPT, _PRICED.format("$24.00"), _COMING, _MOVED],
    "theirs": [_MOVED, _KEPT, _THEIRS, _PRICED.format("$25.51"), _GOING],
    "accepted": [_MOVED, _KEPT, _THEIRS, _PRICED.format("$24.00"), _COMING],
}


def word_file(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def clauses() -> tuple[bytes, Merged]:
    """The lawyers' draft of the clauses above, and what the merge makes of it."""
    theirs = word_file(CLAUSES["theirs"])
    return theirs, merge(word_file(CLAUSES["base"]), theirs, word_file(CLAUSES["ours"]),
                         author="dealdocs", date="2026-12-01T00:00:00Z",
                         properties={"dealdocs.document": "clauses"})


@pytest.fixture(scope="module")
def through_libreoffice(settle_in_libreoffice, regenerated, ours, deal, clauses
                        ) -> dict[tuple[str, str], str]:
    """The text LibreOffice shows of each file, every tracked change accepted ("accept") or
    rejected ("reject"): the regenerated drafts, the lawyers' drafts, and the new terms'
    documents with the lawyers' edits; one soffice run."""
    files = {**{f"regenerated-{name}": data for name, (_, data) in regenerated.items()},
             **{f"lawyers-{name}": (deal / "drafts" / name / "draft.docx").read_bytes()
                for name in regenerated},
             **{f"expected-{name}": data for name, data in ours.items()},
             "lawyers-clauses": clauses[0], "regenerated-clauses": clauses[1].data}
    texts = settle_in_libreoffice({f"{name}.{mode}": (mode, data, "txt")
                                   for name, data in files.items() for mode in ("accept", "reject")})
    return {(name, mode): texts[f"{name}.{mode}"].decode("utf-8")
            for name in files for mode in ("accept", "reject")}


# --- What a Word file records. ---


def custom_properties(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read(CUSTOM_PART))
    return {item.get("name"): "".join(item.itertext()) for item in root}


def test_every_word_file_records_its_deal_document_and_digest_and_builds_the_same_bytes():
    documents = {d.name: d for d in render_documents(prepare(AMENDMENT_1).deal)}
    document = documents[NOTE]
    data = WRITERS["docx"].render(document)
    assert custom_properties(data) == {
        "dealdocs.deal": DEAL, "dealdocs.document": NOTE,
        "dealdocs.digest": hashlib.sha256(document.html.encode("utf-8")).hexdigest()}
    assert WRITERS["docx"].render(document) == data  # no time in it
    assert read_draft(data, "x.docx").provenance.digest == custom_properties(data)[
        "dealdocs.digest"]


def test_the_base_is_the_file_the_lawyers_received_rendered_again_from_the_kept_version(deal):
    built = deal / "out" / DEAL / "amendment-1.docx"
    prepared = prepare(AMENDMENT_1)
    found = sides(read_draft(built.read_bytes(), str(built)),
                  render_documents(prepared.deal), DEAL, deal / "out" / DEAL, None)
    assert WRITERS["docx"].render(found.base) == built.read_bytes()
    assert found.base_label.startswith("version 1 of ")


# --- The merge, as LibreOffice reads it. ---


@pytest.mark.parametrize("name", ["amendment-1", NOTE])
def test_accept_all_gives_the_new_terms_with_every_edit_of_the_lawyers(
        through_libreoffice, name):
    accepted = through_libreoffice[(f"regenerated-{name}", "accept")]
    assert accepted == through_libreoffice[(f"expected-{name}", "accept")]
    edits = AMENDMENT_EDITS if name == "amendment-1" else NOTE_EDITS
    for kept in (edits.sentence.strip(), edits.word[1], edits.tracked.strip()):
        assert kept in accepted
    assert edits.word[0] not in accepted and edits.deleted not in accepted
    assert "$25.51" not in accepted and "$24.00" in accepted
    assert "$3,000,000" in accepted  # Rockmore's principal


@pytest.mark.parametrize("name", ["amendment-1", NOTE, "conflict"])
def test_reject_all_gives_the_lawyers_draft_exactly(through_libreoffice, name):
    assert (through_libreoffice[(f"regenerated-{name}", "reject")]
            == through_libreoffice[(f"lawyers-{name}", "reject")])


@pytest.mark.parametrize("name", ["amendment-1", NOTE])
def test_the_lawyers_tracked_change_and_comment_are_still_theirs(regenerated, through_libreoffice,
                                                               name):
    edits = AMENDMENT_EDITS if name == "amendment-1" else NOTE_EDITS
    document = docx.Document(io.BytesIO(regenerated[name][1]))
    theirs = [element for element in document.element.body.iter(qn("w:ins"))
              if element.get(qn("w:author")) == COUNSEL]
    assert ["".join(t.text for t in element.iter(qn("w:t"))) for element in theirs] == [
        edits.tracked]
    comments = {(c.author, c.text) for c in document.comments}
    assert (COUNSEL, edits.comment) in comments
    ours = [element for element in document.element.body.iter(qn("w:ins"), qn("w:del"))
            if element.get(qn("w:author")) != COUNSEL]
    assert ours and {element.get(qn("w:author")) for element in ours} == {"dealdocs"}
    # Still pending as LibreOffice reads it: there when accepted, gone when rejected.
    assert edits.tracked.strip() in through_libreoffice[(f"regenerated-{name}", "accept")]
    assert edits.tracked.strip() not in through_libreoffice[(f"regenerated-{name}", "reject")]


def test_the_changes_are_dated_as_the_terms_and_the_draft_now_records_the_new_terms(
        deal, regenerated):
    data = regenerated["amendment-1"][1]
    document = docx.Document(io.BytesIO(data))
    dates = {element.get(qn("w:date")) for element in document.element.body.iter(
        qn("w:ins"), qn("w:del")) if element.get(qn("w:author")) == "dealdocs"}
    assert len(dates) == 1 and dates.pop().endswith("Z")
    new = {d.name: d for d in render_documents(prepare(deal / "deal.yaml").deal)}
    assert custom_properties(data)["dealdocs.digest"] == hashlib.sha256(
        new["amendment-1"].html.encode("utf-8")).hexdigest()


def test_a_conflict_is_commented_on_the_spot_listed_and_not_overwritten(
        deal, regenerated, through_libreoffice):
    output, data = regenerated["conflict"]
    document = docx.Document(io.BytesIO(data))
    ours = [c for c in document.comments if c.author == "dealdocs"]
    assert len(ours) == 1
    assert "“$24.00”" in ours[0].text and "“$25.51”" in ours[0].text
    assert "“$25.50”" in ours[0].text
    # The comment's range holds the lawyer's figure, in the paragraph they changed.
    paragraph = next(p for p in document.paragraphs if p.text.startswith(CONFLICTED))
    xml = etree.tostring(paragraph._p, encoding="unicode")
    commented = re.search(r"<w:commentRangeStart[^>]*w:id=\"(\d+)\"/>(.*?)<w:commentRangeEnd",
                          xml, re.DOTALL)
    assert commented and commented.group(1) == str(ours[0].comment_id)
    assert "$25.50" in "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", commented.group(2)))
    accepted = through_libreoffice[("regenerated-conflict", "accept")]
    line = next(line for line in accepted.splitlines() if CONFLICTED in line)
    assert "shall be $25.50;" in line  # theirs, not overwritten
    assert "lesser of (i) $24.00" in line  # the other place in the paragraph is changed
    assert re.search(r"Conflicts.*\n(.*\n)*.*\$25\.51.*\$24\.00.*\$25\.50", output)
    assert "1 conflict," in output
    report = (deal / "drafts" / "conflict" / "amendment-1.regenerated.html").read_text(
        encoding="utf-8")
    assert "CONFLICTS" in report and "“$25.50”" in report


def test_clauses_that_appear_and_go_land_where_they_belong_around_the_lawyers_edits(
        clauses, through_libreoffice):
    def lines(name, mode):
        return [line.strip("\ufeff") for line in through_libreoffice[(name, mode)].splitlines()
                if line.strip("\ufeff")]
    assert lines("regenerated-clauses", "accept") == CLAUSES["accepted"]
    assert lines("regenerated-clauses", "reject") == CLAUSES["theirs"]
    assert [(o.kind, o.was, o.now) for o in clauses[1].outcomes] == [
        ("applied", "$25.51", "$24.00"), ("applied", _GOING, ""), ("applied", "", _COMING)]


_WORDS = st.sampled_from(["the", "Lender", "shall", "pay", "$25.51", "$24.00", "45,734",
                          "(i)", ",", ".", ";", "Section 8.4", "per share"])


@settings(max_examples=40, deadline=None)
@given(base=st.lists(_WORDS, min_size=1, max_size=12),
       ours=st.lists(_WORDS, min_size=1, max_size=12))
def test_any_change_of_words_in_a_paragraph_the_lawyers_left_gives_the_new_words(base, ours):
    def text(words):
        return " ".join(words).replace(" ,", ",").replace(" .", ".").replace(" ;", ";")
    merged = merge(word_file([text(base), _MOVED]), word_file([_KEPT, text(base), _MOVED]),
                   word_file([text(ours), _MOVED]), author="dealdocs",
                   date="2026-12-01T00:00:00Z", properties={})
    body = docx.Document(io.BytesIO(merged.data)).element.body
    # Read with every revision accepted: what w:ins holds, not what w:del does, and no
    # paragraph whose mark is deleted.
    accepted = [p.key for p in paragraphs(body)
                if p.element.find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn('w:del')}") is None]
    assert accepted == [_KEPT, text(ours), _MOVED]


# --- Bad input. ---


def test_bad_input_is_one_line_naming_the_file_and_the_fix(deal, tmp_path):
    sheet = str(deal / "deal.yaml")
    not_word = tmp_path / "draft.docx"
    not_word.write_text("a draft", encoding="utf-8")
    plain = tmp_path / "plain.docx"
    word = docx.Document()
    word.add_paragraph("Nothing of dealdocs")
    word.save(plain)
    drafted = deal / "drafts" / "amendment-1" / "draft.docx"
    for args, said in (
            (["--edited", str(not_word)], f"{not_word} is not a Word document (.docx); save "
             "the draft in Word as a .docx file"),
            (["--edited", str(plain)], f"{plain} does not say which generated version it was "
             "made from (it has no dealdocs document properties); give --base VERSION"),
            (["--edited", str(drafted), "--base", "9"], f"{drafted}: the deal keeps no "
             "version 9; choose one of 1 to 1 (dealdocs versions)")):
        result = runner.invoke(app, ["regenerate", sheet, *args, "--out", str(deal / "out")],
                               terminal_width=400)
        assert result.exit_code == 1, result.output
        assert result.output.strip().splitlines()[-1].startswith(said), result.output
        assert "Traceback" not in result.output
    assert not list(tmp_path.glob("*.regenerated.*"))


def test_a_draft_without_properties_is_found_among_the_base_versions_documents(deal, tmp_path):
    """As Word leaves a copy saved through another program: no document properties."""
    drafted = (deal / "drafts" / NOTE / "draft.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(drafted)) as package:
        entries = {info.filename: package.read(info) for info in package.infolist()
                   if info.filename != CUSTOM_PART}
    for name in ("[Content_Types].xml", "_rels/.rels"):
        entries[name] = re.sub(rb"<[^<]*docProps/custom\.xml[^>]*/>", b"", entries[name])
    stripped = tmp_path / "draft.docx"
    with zipfile.ZipFile(stripped, "w") as package:
        for name, data in entries.items():
            package.writestr(name, data)
    result = runner.invoke(app, ["regenerate", str(deal / "deal.yaml"), "--edited",
                                 str(stripped), "--base", "1", "--out", str(deal / "out")],
                           terminal_width=200)
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"{NOTE}.regenerated.docx").exists()


# --- The desk. ---


def test_the_desk_regenerates_an_uploaded_draft(deal):
    sheets = deal / "desk"
    sheets.mkdir(exist_ok=True)
    shutil.copy(deal / "deal.yaml", sheets / "deal.yaml")
    drafted = (deal / "drafts" / "conflict" / "draft.docx").read_bytes()
    with TestClient(create_app(sheets, deal / "out"), base_url="http://127.0.0.1:8000") as client:
        page = client.get("/deals/deal.yaml/regenerate")
        assert page.status_code == 200
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        refused = client.post("/deals/deal.yaml/regenerate", data={"csrf": "forged"},
                              files={"draft": ("draft.docx", drafted)})
        assert refused.status_code == 403
        answer = client.post("/deals/deal.yaml/regenerate", data={"csrf": token},
                             files={"draft": ("draft.docx", drafted)})
        assert answer.status_code == 200, answer.text
        assert "1 conflict" in answer.text and "$25.50" in answer.text
        link = re.search(r'href="([^"]+amendment-1\.regenerated\.docx)"', answer.text).group(1)
        download = client.get(link)
        assert download.status_code == 200
        assert download.content[:2] == b"PK"
        document = docx.Document(io.BytesIO(download.content))
        assert [c.author for c in document.comments].count("dealdocs") == 1
        bad = client.post("/deals/deal.yaml/regenerate", data={"csrf": token},
                          files={"draft": ("notes.txt", b"not a draft")})
        assert bad.status_code == 400 and "is not a Word document" in bad.text
