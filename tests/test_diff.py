"""Redlines as Word tracked changes, the kept versions, and `dealdocs diff` end to end."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import os
import re

import docx
import pytest
from docx.oxml.ns import qn
from typer.testing import CliRunner

from generator.changes.redline import redline
from generator.cli import app
from generator.textextract import normalize_words, pdf_pages, text_of_html, text_of_pages
from generator.writers import WRITERS, RenderedDocument
from tests.helpers import replace_once
from tests.test_changes import OLD, renderings  # noqa: F401  (the fixture)

runner = CliRunner()
W_DEL, W_INS = qn("w:del"), qn("w:ins")
# The bundled term sheet states each lender's warrant shares, which a new price would make
# wrong: without them the figures are derived, so a price change is one edit.
_STATED_SHARES = re.compile(r"    warrant_shares:\n      third: [\d,]+\n      fourth: [\d,]+\n")
DERIVED = _STATED_SHARES.sub("", OLD)
DERIVED_PRICE = DERIVED.replace("conversion_price: 25.51", "conversion_price: 24.00")


def word(html: str, name: str = "redline") -> bytes:
    return WRITERS["docx"].render(RenderedDocument(name, name, html, dt.date(2006, 4, 28), f"test/{name}", "amendment"))


def settled(data: bytes, accept: bool) -> list[str]:
    """The words of a Word file once every revision is accepted (or rejected): what Word's
    Accept All (Reject All) leaves."""
    document = docx.Document(io.BytesIO(data))
    body = copy.deepcopy(document.element.body)
    gone, kept = (W_DEL, W_INS) if accept else (W_INS, W_DEL)
    for row in list(body.iter(qn("w:tr"))):
        properties = row.find(qn("w:trPr"))
        if properties is not None and properties.find(gone) is not None:
            row.getparent().remove(row)
    for element in list(body.iter(gone)):
        if element.getparent().tag != qn("w:rPr") and element.getparent().tag != qn("w:trPr"):
            element.getparent().remove(element)
    for element in list(body.iter(kept)):
        parent = element.getparent()
        if parent.tag in (qn("w:rPr"), qn("w:trPr")):
            continue
        for child in list(element):
            element.addprevious(child)
        parent.remove(element)
    # Paragraphs and tabs separate words; text (deleted text too, once rejected) makes them.
    text = [" " if node.tag in (qn("w:p"), qn("w:tab")) else node.text or ""
            for node in body.iter(qn("w:t"), qn("w:delText"), qn("w:tab"), qn("w:p"))]
    return normalize_words("".join(text))


def revisions(data: bytes, kind: str) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    return ["".join(t.text or "" for t in element.iter(qn("w:t"), qn("w:delText")))
            for element in document.element.body.iter(qn(f"w:{kind}"))
            if element.getparent().tag not in (qn("w:rPr"), qn("w:trPr"))]


def test_the_word_redline_tracks_the_old_price_as_deleted_and_the_new_as_inserted(renderings):
    marked = redline(renderings["old"]["amendment-1"], renderings["price"]["amendment-1"],
                     ["Redline"], author="Jane Lawyer", date="2026-12-01T10:00:00Z")
    data = word(marked)
    assert revisions(data, "del")[:2] == ["$25.51\u200b", "$25.51\u200b"]
    assert revisions(data, "ins")[:2] == ["$24.00", "$24.00"]
    marks = list(docx.Document(io.BytesIO(data)).element.body.iter(W_DEL, W_INS))
    assert {(m.get(qn("w:author")), m.get(qn("w:date"))) for m in marks} == {
        ("Jane Lawyer", "2026-12-01T10:00:00Z")}
    assert len({m.get(qn("w:id")) for m in marks}) == len(marks)
    # Deleted text is w:delText, never w:t: Word does not show a deleted w:t.
    for deleted in docx.Document(io.BytesIO(data)).element.body.iter(W_DEL):
        assert deleted.find(f".//{qn('w:t')}") is None


@pytest.mark.parametrize("change", ["price", "lender"])
@pytest.mark.parametrize("name", ["amendment-1", "schedule-a", "note-third-omicron"])
def test_accepting_every_revision_gives_the_new_document_and_rejecting_the_old(
        renderings, change, name):
    old, new = renderings["old"][name], renderings[change][name]
    data = word(redline(old, new, ["Redline"]))
    assert settled(data, accept=True)[1:] == settled(word(new), accept=True)
    assert settled(data, accept=False)[1:] == settled(word(old), accept=True)


def test_a_removed_lenders_schedule_a_row_is_a_deleted_row(renderings):
    data = word(redline(renderings["old"]["schedule-a"], renderings["lender"]["schedule-a"], []))
    rows = docx.Document(io.BytesIO(data)).element.body.iter(qn("w:tr"))
    deleted = [row for row in rows if row.find(f"{qn('w:trPr')}/{W_DEL}") is not None]
    assert len(deleted) == 1
    assert "Midsummer" in "".join(t.text for t in deleted[0].iter(qn("w:delText")))


def test_a_changed_figure_set_flush_right_stays_one_flush_right_part():
    old = ('<html><head></head><body><article><p class="spread">No. B1-01'
           '<span class="right">$3,333,333</span></p></article></body></html>')
    new = old.replace("3,333,333", "3,000,000")
    marked = redline(old, new, [])
    assert marked.count('class="right"') == 1
    assert re.search(r"<del>\$3,333,333\u200b</del><ins>\$3,000,000</ins>", marked)


def test_the_word_redline_opens_in_libreoffice(renderings, libreoffice):
    data = word(redline(renderings["old"]["amendment-1"], renderings["price"]["amendment-1"],
                        ["Redline"]))
    pdf = libreoffice({"redline.docx": data})["redline.pdf"]
    text = text_of_pages(pdf_pages(pdf))
    assert "24.00" in text and "25.51" in text  # LibreOffice shows the revisions


@pytest.fixture
def deal(tmp_path):
    sheet = tmp_path / "deal.yaml"
    sheet.write_text(DERIVED, encoding="utf-8")
    return sheet, tmp_path / "out"


def cli(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "250"})


def test_render_keeps_a_version_only_when_something_changed(deal):
    sheet, out = deal
    assert cli("render", str(sheet), "--format", "html", "--out", str(out)).exit_code == 0
    assert cli("render", str(sheet), "--format", "html", "--out", str(out)).exit_code == 0
    folder = out / "zoltek-amendment-1" / "versions"
    index = json.loads((folder / "index.json").read_text())
    assert [v["number"] for v in index["versions"]] == [1]
    objects = len(list((folder / "objects").iterdir()))
    sheet.write_text(DERIVED_PRICE, encoding="utf-8")
    result = cli("render", str(sheet), "--format", "html", "--out", str(out))
    assert "kept as version 2" in result.output
    index = json.loads((folder / "index.json").read_text())
    assert index["versions"][1]["summary"].startswith(
        "Third Closing, conversion price 25.51 -> 24.00, Fourth Closing")
    # Only what changed is stored again: the term sheet, the changed documents, the manifest.
    changed = sum(1 for a, b in zip(index["versions"][0]["documents"],
                                    index["versions"][1]["documents"]) if a["html"] != b["html"])
    assert len(list((folder / "objects").iterdir())) == objects + changed + 2
    assert index["versions"][0]["summary"] == "first version: 40 documents"
    listing = cli("versions", str(sheet), "--out", str(out))
    # The table wraps its last column to the terminal's width: "first version: 40 documents"
    # may take two lines.
    assert listing.exit_code == 0 and "first version" in listing.output


def test_diff_against_the_last_version_writes_the_report_and_the_redlines(deal):
    sheet, out = deal
    cli("render", str(sheet), "--format", "html", "--out", str(out))
    sheet.write_text(DERIVED_PRICE, encoding="utf-8")
    result = cli("diff", str(sheet), "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "25.51" in result.output and "24.00" in result.output
    changes = out / "zoltek-amendment-1" / "changes"
    names = sorted(path.name for path in changes.iterdir())
    assert "report.html" in names and "amendment-1.redline.html" in names
    assert not any(name.startswith("conversion-notice") for name in names)
    report = " ".join(text_of_html((changes / "report.html").read_bytes()).split())
    assert "version 1 of" in report and "Conversion Notice, Note No. B1-01" in report
    redlined = (changes / "amendment-1.redline.html").read_text()
    assert "<del>$25.51\u200b</del><ins>$24.00</ins>" in redlined
    # After a render of the new terms, diff compares with the version before them.
    cli("render", str(sheet), "--format", "html", "--out", str(out))
    again = cli("diff", str(sheet), "--format", "html", "--out", str(out))
    assert again.exit_code == 0 and "from version 1 of" in again.output
    nothing = cli("diff", str(sheet), "--against", "2", "--format", "html", "--out", str(out))
    assert "Nothing to write" in nothing.output
    missing = cli("diff", str(sheet), "--against", "7", "--out", str(out))
    assert missing.exit_code == 1 and "no version 7" in missing.output


def test_diff_of_two_term_sheets_needs_no_build_and_tells_a_wording_change(tmp_path):
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(DERIVED, encoding="utf-8")
    new.write_text(replace_once(DERIVED, "  - id: cranshire\n    legal_name: Cranshire Capital, L.P.",
                                "  - id: cranshire\n    legal_name: Cranshire Capital, LLC"),
                   encoding="utf-8")
    os.utime(new, (1_764_590_400, 1_764_590_400))  # saved 2025-12-01 12:00 UTC
    out = tmp_path / "out"
    result = cli("diff", str(old), str(new), "--format", "html,docx", "--out", str(out))
    assert result.exit_code == 0, result.output
    changes = out / "zoltek-amendment-1" / "changes"
    changed = sorted(path.name for path in changes.iterdir())
    assert "report.docx" in changed and "note-third-cranshire.redline.html" in changed
    assert "note-third-omicron.redline.html" not in changed
    data = (changes / "note-third-cranshire.redline.docx").read_bytes()
    assert ["L.P.\u200b", "LLC"] == [*revisions(data, "del")[:1], *revisions(data, "ins")[:1]]
    # Each revision is dated when the new terms were saved, not when diff ran.
    marks = docx.Document(io.BytesIO(data)).element.body.iter(W_DEL, W_INS)
    assert {mark.get(qn("w:date")) for mark in marks} == {"2025-12-01T12:00:00Z"}
    assert "new.yaml of 2025-12-01 12:00:00 UTC" in result.output
    assert not (out / "zoltek-amendment-1" / "manifest.json").exists()


def test_a_redline_pdf_has_the_legend_and_both_versions_first(renderings):
    marked = redline(renderings["old"]["schedule-a"], renderings["price"]["schedule-a"],
                     ["Redline: new compared with version 1", "Inserted text is underlined; "
                      "deleted text is struck through."])
    pages = text_of_pages(pdf_pages(WRITERS["pdf"].render(RenderedDocument(
        "r", "r", marked, dt.date(2006, 4, 28), "t/r", "schedule-a")))).split("\f")
    assert "compared with version 1" in pages[0] and "struck through" in pages[0]
    assert "45,734" in pages[0] and "48,612" in pages[0]


def test_an_index_of_versions_edited_by_hand_is_a_one_line_error(deal):
    sheet, out = deal
    cli("render", str(sheet), "--format", "html", "--only", "schedule-a", "--out", str(out))
    index = out / "zoltek-amendment-1" / "versions" / "index.json"
    index.parent.mkdir()
    index.write_text('{"format": 1, "versions": [{"number": 1}]}')
    result = cli("versions", str(sheet), "--out", str(out))
    assert result.exit_code == 1
    assert f"{index} is not an index of versions" in result.output
    assert "move" in result.output and "Traceback" not in result.output
