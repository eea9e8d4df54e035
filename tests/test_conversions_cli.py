"""`dealdocs convert` and `dealdocs conversions` as a user meets them: the acceptance run on
the bundled note B1-01 in every format, refusals and exit statuses, batches, rescissions,
the forms `dealdocs render` writes, and `dealdocs validate` against a log."""

from __future__ import annotations

import csv
import re
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.textextract import normalize_words, text_of_docx, text_of_html, text_of_pdf
from tests.helpers import AMENDMENT_1, line_of, replace_once

DEAL = "zoltek-amendment-1"
EXTRACT = {"html": text_of_html, "pdf": text_of_pdf, "docx": text_of_docx}


def invoke(*args: str, input: str | None = None, env: dict | None = None):
    return CliRunner().invoke(app, [str(a) for a in args], input=input, env=env,
                              terminal_width=200)


def said(result) -> str:
    """What a command printed, as one line: boxes and line breaks of the terminal folded."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.output).split())


def said_with_a_path(text: str, result) -> bool:
    """Whether the command printed `text`, which names a file: a table folds a long path
    anywhere, so both are compared without white space."""
    return "".join(text.split()) in "".join(said(result).split())


@pytest.fixture
def deal(tmp_path) -> Path:
    """A copy of the bundled term sheet in a folder of its own: its log goes beside it."""
    return Path(shutil.copy(AMENDMENT_1, tmp_path / "zoltek-amendment-1.yaml"))


def convert(term_sheet: Path, *args: str, formats: str = "html"):
    return invoke("convert", term_sheet, *args, "--yes", "--format", formats, "--out",
                  term_sheet.parent / "output")


# --- The acceptance run: B1-01 converted in three steps, in every format. ---


@pytest.fixture(scope="module")
def acceptance(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("acceptance")
    term_sheet = Path(shutil.copy(AMENDMENT_1, folder / "zoltek-amendment-1.yaml"))
    steps = [("2006-06-01", "1,000,000"), ("2006-06-15", "2,000,000"), ("2006-07-03", "333,333")]
    results = [convert(term_sheet, "--note", "B1-01", "--date", date, "--principal", amount,
                       formats="html,pdf,docx") for date, amount in steps]
    log = folder / "zoltek-amendment-1.conversions.sqlite"
    log_before = log.read_bytes()
    refused = convert(term_sheet, "--note", "B1-01", "--date", "2006-07-03", "--principal", "1")
    return {"term_sheet": term_sheet, "results": results, "refused": refused,
            "log_unchanged": log.read_bytes() == log_before,
            "folder": folder / "output" / DEAL,
            "listing": invoke("conversions", term_sheet, "--csv")}


def texts(folder: Path, stem: str) -> dict[str, str]:
    return {fmt: extract((folder / f"{stem}.{fmt}").read_bytes())
            for fmt, extract in EXTRACT.items()}


def test_acceptance_each_step_is_recorded_and_a_further_dollar_refused(acceptance):
    assert [r.exit_code for r in acceptance["results"]] == [0, 0, 0]
    for number, result in enumerate(acceptance["results"], start=1):
        assert f"1 entry ({number})" in said(result)
    refused = acceptance["refused"]
    assert refused.exit_code == 1
    line = line_of(AMENDMENT_1.read_text(), "schedule_a:\n  - lender: rockmore") + 4
    assert said_with_a_path(f"zoltek-amendment-1.yaml:{line}: error: --principal: $1 is more "
                            "than the $0 outstanding on note B1-01 (third-rockmore) on July 3, "
                            "2006", refused)
    assert "nothing recorded; the conversion log is as it was" in said(refused)
    assert acceptance["log_unchanged"]


def test_acceptance_figures_in_the_log(acceptance):
    listing = acceptance["listing"]
    assert listing.exit_code == 0, listing.output
    rows = list(csv.DictReader(io.StringIO(listing.output)))
    assert [(r["id"], r["note"], r["note_number"], r["kind"], r["date"],
             r["principal_converted"], r["conversion_price"], r["shares"],
             r["principal_remaining"]) for r in rows] == [
        ("1", "third-rockmore", "B1-01", "conversion", "2006-06-01", "1000000.00", "25.510000",
         "39201", "2333333.00"),
        ("2", "third-rockmore", "B1-01", "conversion", "2006-06-15", "2000000.00", "25.510000",
         "78401", "333333.00"),
        ("3", "third-rockmore", "B1-01", "conversion", "2006-07-03", "333333.00", "25.510000",
         "13067", "0.00")]


NOTICE_FIELDS = [
    ("Date to Effect Conversion", "June 1, 2006"),
    ("Principal amount of Note owned prior to conversion", "$3,333,333"),
    ("Principal amount of Note to be Converted", "$1,000,000"),
    ("Principal amount of Note remaining after Conversion", "$2,333,333"),
    ("Number of shares of Common Stock to be Issued", "39,201"),
    ("Applicable Conversion Price", "$25.51"),
    ("Name of Lender", "Rockmore Investment Master Fund, Ltd"),
]


@pytest.mark.parametrize("fmt", EXTRACT)
def test_acceptance_the_notice_fills_every_field_in_every_format(acceptance, fmt):
    text = " ".join(texts(acceptance["folder"],
                          "conversion-notice-third-rockmore-2006-06-01-entry-1")[fmt].split())
    for caption, value in NOTICE_FIELDS:
        assert f"{caption}: {value}" in text, (caption, text)
    assert "Senior Convertible Note No. B1-01 due November 12, 2009" in text
    assert "By: " in text and "Name: " in text and "Title: " in text


@pytest.mark.parametrize("fmt", EXTRACT)
def test_acceptance_the_schedule_lists_each_conversion_with_what_remains(acceptance, fmt):
    text = " ".join(texts(acceptance["folder"],
                          "conversion-schedule-third-rockmore-to-date")[fmt].split())
    rows = ["June 1, 2006 $1,000,000 $2,333,333 $25.51",
            "June 15, 2006 $2,000,000 $333,333 $25.51",
            "July 3, 2006 $333,333 $0 $25.51"]
    positions = [text.index(row) for row in rows]
    assert positions == sorted(positions)
    assert "Dated: July 3, 2006" in text
    assert ("Note No. B1-01 of Rockmore Investment Master Fund, Ltd, in the original principal "
            "amount of $3,333,333") in text
    assert "rescinded" not in text


@pytest.mark.parametrize("stem", ["conversion-notice-third-rockmore-2006-07-03-entry-3",
                                  "conversion-schedule-third-rockmore-to-date"])
def test_acceptance_every_format_holds_the_same_words(acceptance, stem):
    words = {fmt: [w for w in normalize_words(text) if w]
             for fmt, text in texts(acceptance["folder"], stem).items()}
    assert words["pdf"] == words["html"] and words["docx"] == words["html"]


def test_acceptance_the_manifest_lists_what_convert_wrote(acceptance):
    folder = acceptance["folder"]
    outputs = json.loads((folder / "manifest.json").read_text())["outputs"]
    listed = {o["file"]: o for o in outputs}
    on_disk = {p.name for p in folder.iterdir() if p.name != "manifest.json"}
    assert set(listed) == on_disk and len(on_disk) == 3 * 4  # 3 notices + 1 schedule
    for name, output in listed.items():
        assert output["sha256"] == hashlib.sha256((folder / name).read_bytes()).hexdigest()
    kinds = {o["kind"] for o in outputs}
    assert kinds == {"filled-conversion-notice", "conversion-schedule-to-date"}


def test_render_keeps_what_convert_wrote(acceptance, tmp_path):
    term_sheet = acceptance["term_sheet"]
    result = invoke("render", term_sheet, "--only", "conversion-notice", "--format", "html",
                    "--out", term_sheet.parent / "output")
    assert result.exit_code == 0, result.output
    folder = acceptance["folder"]
    manifest = (folder / "manifest.json").read_text()
    assert "conversion-notice-third-rockmore-2006-06-01-entry-1.pdf" in manifest
    assert (folder / "conversion-notice-third-rockmore-2006-06-01-entry-1.pdf").is_file()
    assert (folder / "conversion-notice-third-rockmore.html").is_file()


# --- Refusals and usage. ---


@pytest.mark.parametrize("args, message", [
    ([], "give one conversion (--note, --date and --principal), --rescind ENTRY_ID, or "
         "--batch FILE.csv"),
    (["--note", "B1-01", "--date", "2006-06-01"], "--note, --date and --principal go "
                                                   "together: add --principal"),
    (["--note", "B1-01", "--date", "2006-06-01", "--principal", "1", "--rescind", "1"],
     "not --note, --date and --principal and --rescind"),
    (["--rescind", "1", "--interest"], "--interest and --index-rate are for one conversion"),
    (["--note", "B1-01", "--date", "2006-06-01", "--principal", "1", "--format", "odt"],
     "unknown format odt"),
])
def test_wrong_usage_exits_2_and_records_nothing(deal, args, message):
    result = invoke("convert", deal, *args, "--yes")
    assert result.exit_code == 2
    assert message in said(result)
    assert not (deal.parent / "zoltek-amendment-1.conversions.sqlite").exists()


def test_a_refused_conversion_exits_1_and_leaves_no_log_behind_it(deal):
    result = convert(deal, "--note", "B1-01", "--date", "2006-06-01", "--principal", "0.001")
    assert result.exit_code == 1
    assert ("error: --principal: 0.001 has a fraction of a cent" in
            said(result))
    log = deal.parent / "zoltek-amendment-1.conversions.sqlite"
    listing = invoke("conversions", deal, "--csv")
    assert listing.exit_code == 0 and listing.output.count("\n") == 1  # the header alone
    assert not (deal.parent / "output").exists() or not list((deal.parent / "output").iterdir())
    assert log.exists()  # created empty by the first convert, and empty it stays


def test_nothing_is_recorded_unless_confirmed(deal):
    args = ["convert", deal, "--note", "B1-01", "--date", "2006-06-01", "--principal",
            "1,000", "--format", "html", "--out", deal.parent / "output"]
    declined = invoke(*args, input="n\n")
    assert declined.exit_code == 1 and "Nothing recorded." in said(declined)
    assert "To record: 1 conversion" in said(declined)
    assert invoke("conversions", deal, "--csv").output.count("\n") == 1
    accepted = invoke(*args, input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert invoke("conversions", deal, "--csv").output.count("\n") == 2


def test_the_log_is_never_put_under_the_output_folder(deal):
    out = deal.parent / "output"
    result = invoke("convert", deal, "--note", "B1-01", "--date", "2006-06-01", "--principal",
                    "1", "--yes", "--out", out, "--log", out / "log.sqlite")
    assert result.exit_code == 1
    assert "is inside the output folder" in said(result)
    assert not (out / "log.sqlite").exists()


def test_a_foreign_file_given_as_the_log_is_reported_and_left_alone(deal):
    foreign = deal.parent / "notes.txt"
    foreign.write_text("not a log\n")
    result = invoke("convert", deal, "--note", "B1-01", "--date", "2006-06-01", "--principal",
                    "1", "--yes", "--log", foreign)
    assert result.exit_code == 1
    assert "is not a dealdocs conversion log" in said(result)
    assert foreign.read_text() == "not a log\n"


def test_dealdocs_log_names_the_log(deal):
    elsewhere = deal.parent / "shared.sqlite"
    result = invoke("convert", deal, "--note", "B1-01", "--date", "2006-06-01", "--principal",
                    "1", "--yes", "--format", "html", "--out", deal.parent / "output",
                    env={"DEALDOCS_LOG": str(elsewhere)})
    assert result.exit_code == 0, result.output
    assert elsewhere.exists()
    assert not (deal.parent / "zoltek-amendment-1.conversions.sqlite").exists()


# --- Batches and rescissions. ---


def test_a_batch_with_a_bad_row_records_nothing_and_names_the_row_and_column(deal):
    batch = deal.parent / "batch.csv"
    batch.write_text("note,date,principal\nB1-01,2006-06-01,1000\nB1-02,2006-06-01,1000\n"
                     "B1-03,2006-06-31,1000\n")
    result = invoke("convert", deal, "--batch", batch, "--yes")
    assert result.exit_code == 1
    assert said_with_a_path(f"{batch}:4: error: date: 2006-06-31 is not a calendar date",
                            result)
    assert invoke("conversions", deal, "--csv").output.count("\n") == 1


def test_a_batch_records_every_row_and_writes_their_documents(deal):
    batch = deal.parent / "batch.csv"
    rows = [f"{note},2006-07-{day},\"1,000\"" for day in (18, 19) for note in ("B1-01", "B2-03")]
    batch.write_text("note,date,principal\n" + "\n".join(rows) + "\n")
    result = invoke("convert", deal, "--batch", batch, "--yes", "--format", "html", "--out",
                    deal.parent / "output")
    assert result.exit_code == 0, result.output
    assert "4 entries (1, 2, 3, 4)" in said(result)
    folder = deal.parent / "output" / DEAL
    assert sorted(p.name for p in folder.glob("conversion-*")) == [
        "conversion-notice-fourth-smithfield-2006-07-18-entry-2.html",
        "conversion-notice-fourth-smithfield-2006-07-19-entry-4.html",
        "conversion-notice-third-rockmore-2006-07-18-entry-1.html",
        "conversion-notice-third-rockmore-2006-07-19-entry-3.html",
        "conversion-schedule-fourth-smithfield-to-date.html",
        "conversion-schedule-third-rockmore-to-date.html"]


def test_a_rescission_keeps_both_entries_and_the_schedule_says_so(deal):
    for date, amount in (("2006-06-01", "1,000,000"), ("2006-06-02", "500,000")):
        assert convert(deal, "--note", "B1-01", "--date", date, "--principal",
                       amount).exit_code == 0
    result = convert(deal, "--rescind", "1")
    assert result.exit_code == 0, result.output
    assert "To rescind (Note, Section 6(e))" in said(result)
    rows = list(csv.DictReader(io.StringIO(invoke("conversions", deal, "--csv").output)))
    assert [(r["id"], r["kind"], r["rescinds"], r["rescinded_by"], r["principal_remaining"])
            for r in rows] == [("1", "conversion", "", "3", "2333333.00"),
                               ("2", "conversion", "", "", "1833333.00"),
                               ("3", "rescission", "1", "", "2833333.00")]
    schedule = " ".join(text_of_html(
        (deal.parent / "output" / DEAL / "conversion-schedule-third-rockmore-to-date.html")
        .read_bytes()).split())
    assert "June 2, 2006 $500,000 $2,833,333 $25.51" in schedule
    assert "June 1, 2006 $1,000,000" not in schedule
    assert ("Conversions rescinded under Section 6(e) of the Note are not listed above: the "
            "conversion of $1,000,000 on June 1, 2006.") in schedule
    again = convert(deal, "--rescind", "1")
    assert again.exit_code == 1 and "already rescinded by entry 3" in said(again)


def test_conversions_write_makes_the_documents_again_after_the_output_is_deleted(deal):
    assert convert(deal, "--note", "B1-01", "--date", "2006-06-01", "--principal",
                   "1,000").exit_code == 0
    folder = deal.parent / "output" / DEAL
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    shutil.rmtree(deal.parent / "output")
    result = invoke("conversions", deal, "--write", "--format", "html", "--out",
                    deal.parent / "output")
    assert result.exit_code == 0, result.output
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_conversions_lists_one_note_and_suggests_a_near_name(deal):
    assert convert(deal, "--note", "B1-01", "--date", "2006-06-01", "--principal",
                   "1,000").exit_code == 0
    assert convert(deal, "--note", "B1-02", "--date", "2006-06-01", "--principal",
                   "2,000").exit_code == 0
    listing = invoke("conversions", deal, "--note", "third-omicron", "--csv")
    assert [r["principal_converted"] for r in csv.DictReader(io.StringIO(listing.output))] == [
        "2000.00"]
    table = invoke("conversions", deal)
    assert table.exit_code == 0 and "2 entries" in said(table)
    unknown = invoke("conversions", deal, "--note", "third-omicorn")
    assert unknown.exit_code == 1 and "did you mean 'third-omicron'?" in said(unknown)


# --- `dealdocs validate` against the log. ---


def test_validate_reports_a_term_sheet_that_no_longer_matches_its_log(deal):
    assert convert(deal, "--note", "B1-01", "--date", "2006-06-01", "--principal",
                   "3,000,000").exit_code == 0
    assert invoke("validate", deal).exit_code == 0
    text = replace_once(deal.read_text(), "- lender: rockmore\n    additional_warrants: 0\n"
                        "    principal:\n      third: 3,333,333",
                        "- lender: rockmore\n    additional_warrants: 0\n"
                        "    principal:\n      third: 2,000,000")
    deal.write_text(text)
    result = invoke("validate", "--json", deal)
    assert result.exit_code == 1
    (report,) = json.loads(result.output)
    (error,) = [f for f in report["findings"] if f["code"] == "log.principal-below-converted"]
    assert (error["severity"], error["line"]) == (
        "error", line_of(text, "schedule_a:\n  - lender: rockmore") + 4)


def test_convert_refuses_while_the_term_sheet_disagrees_with_its_log(deal):
    assert convert(deal, "--note", "third-midsummer", "--date", "2006-06-01", "--principal",
                   "1,000").exit_code == 0
    text = deal.read_text()
    text = text[:text.index("  - lender: midsummer")] + text[text.index("\n# Section 4.2"):]
    text = replace_once(text, "  - id: midsummer\n    legal_name: Midsummer Investment Ltd.\n",
                        "")
    text = replace_once(text, "aggregate_principal: 20,000,000", "aggregate_principal: 18,000,000")
    deal.write_text(replace_once(text, "aggregate_principal: 10,000,000",
                                 "aggregate_principal: 9,000,000"))
    validated = invoke("validate", deal)
    assert validated.exit_code == 1 and "[log.note-removed]" in said(validated)
    refused = convert(deal, "--note", "B1-02", "--date", "2006-06-02", "--principal", "1")
    assert refused.exit_code == 1 and "[log.note-removed]" in said(refused)
    assert "nothing recorded" in said(refused)


def test_help_explains_the_commands():
    convert_help = said(invoke("convert", "--help"))
    for option in ("--note", "--date", "--principal", "--interest", "--index-rate",
                   "--rescind", "--batch", "--again", "--yes", "--log", "--format", "--out"):
        assert option in convert_help
    assert "dealdocs does not know it" in convert_help
    listing_help = said(invoke("conversions", "--help"))
    assert "--csv" in listing_help and "--write" in listing_help


FORMULAS = ['=HYPERLINK("http://example.com/x","y")', "+1+1", "-2+3", "@SUM(A1:A9)",
            "\tcmd", "\rcmd"]


def test_a_user_name_a_spreadsheet_would_run_is_text_in_the_csv(deal):
    """The log records the OS user name as given; the CSV must not let a spreadsheet run
    it (OWASP CSV injection): a single quote before it, the cell quoted."""
    for day, user in enumerate(FORMULAS, start=1):
        result = invoke("convert", deal, "--note", "B1-01", "--date", f"2006-06-{day:02d}",
                        "--principal", "1,000", "--yes", "--format", "html", "--out",
                        deal.parent / "output", env={"LOGNAME": user})
        assert result.exit_code == 0, result.output
    listing = invoke("conversions", deal, "--csv").output
    rows = list(csv.DictReader(io.StringIO(listing)))
    assert [row["recorded_by"] for row in rows] == ["'" + user for user in FORMULAS]
    assert '"\'=HYPERLINK(""http://example.com/x"",""y"")"' in listing
    # The amounts are numbers, written unquoted, so a spreadsheet still sums them.
    assert [line.split(",")[7] for line in listing.splitlines()[1:3]] == ["1000.00", "1000.00"]
