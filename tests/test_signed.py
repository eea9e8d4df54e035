"""`dealdocs signed` and `dealdocs signatures`: signed pages back from scans, recorded once
in the signature log (the conversion log's database), each kept as a one-page PDF, and the
tracker of what is in and what is outstanding."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from typer.testing import CliRunner

from generator.build import render_documents
from generator.cli import app
from generator.conversions import log as conversion_log
from generator.pageid import PageId, identifiers
from generator.pipeline import prepare
from generator.signing.identify import identify_pages
from generator.signing.log import SignatureLog
from generator.writers import WRITERS
from tests.helpers import AMENDMENT_1, HALVORSEN_1, replace_once
from tests.scans import blank_page, image_pdf, scanned

DEAL = "zoltek-amendment-1"
LENDERS = ["rockmore", "omicron", "smithfield", "iroquois", "cranshire", "midsummer"]
THIRD_NOTES = [f"note-third-{lender}" for lender in LENDERS]
runner = CliRunner()


@pytest.fixture(scope="module")
def folder(bundled, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder, holding the deal folder of this run's PDFs."""
    out = tmp_path_factory.mktemp("out")
    bundled.deal_folder(AMENDMENT_1, out)
    return out


@pytest.fixture(scope="module")
def returned(folder: Path, tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[list[Path], list[PageId], dict[str, tuple[str, int]]]:
    """The amendment signing's pages and the Third Closing's notes' pages, signed, scanned
    and shuffled into three PDFs with a blank page and a page of the other bundled deal;
    the identifiers sent, and where the blank and the foreign page went (file, page)."""
    rng = random.Random(1919)
    pages: list[tuple[PageId | None, object]] = []
    for name in ["amendment-1", *THIRD_NOTES]:
        pdf = (folder / DEAL / f"{name}.pdf").read_bytes()
        for index, page_id in enumerate(identify_pages(pdf)):
            if page_id is not None:
                pages.append((page_id, scanned(pdf, [index], rng)[0]))
    halvorsen = render_documents(prepare(HALVORSEN_1).deal, ["note"])[0]
    foreign_pdf = WRITERS["pdf"].render(halvorsen)
    foreign_index = next(i for i, p in enumerate(identify_pages(foreign_pdf)) if p is not None)
    sent = [page_id for page_id, _ in pages]
    pages += [("blank", blank_page()), ("foreign", scanned(foreign_pdf, [foreign_index], rng)[0])]
    rng.shuffle(pages)
    where = tmp_path_factory.mktemp("returned")
    files, others = [], {}
    for number, part in enumerate((pages[:5], pages[5:11], pages[11:]), start=1):
        path = where / f"scan-{number}.pdf"
        path.write_bytes(image_pdf(image for _, image in part))
        files.append(path)
        for index, (page_id, _) in enumerate(part, start=1):
            if isinstance(page_id, str):
                others[page_id] = (path.name, index)
    return files, sent, others


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the term sheet in a folder of its own: its log is made beside it."""
    path = tmp_path_factory.mktemp("deal") / AMENDMENT_1.name
    shutil.copyfile(AMENDMENT_1, path)
    return path


def received(sheet: Path, log: Path | None = None) -> list:
    location = conversion_log.locate(sheet, DEAL, str(log) if log else None)
    with conversion_log.open_log(location, create=False) as book:
        return SignatureLog(book).received(DEAL)


def run(*args: object) -> tuple[int, str]:
    result = runner.invoke(app, [str(arg) for arg in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def tracker(sheet: Path, *args: object) -> list[dict[str, str]]:
    code, output = run("signatures", sheet, "--csv", *args)
    assert code == 0, output
    return list(csv.DictReader(io.StringIO(output)))


def test_every_page_is_recorded_once_kept_and_the_others_reported(
        sheet: Path, folder: Path, returned) -> None:
    files, sent, others = returned
    assert len(sent) == 7 + 6
    code, output = run("signed", sheet, *files, "--out", folder)
    assert code == 1, output
    assert f"13 pages recorded in {sheet.parent / (DEAL + '.conversions.sqlite')}" in output
    blank_file, blank_page_number = others["blank"]
    foreign_file, foreign_page_number = others["foreign"]
    assert (f"{blank_file} page {blank_page_number}: no identifier found" in output)
    assert (f"{foreign_file} page {foreign_page_number}: a page of another deal "
            "(halvorsen-amendment-1)" in output)
    assert "2 pages could not be used" in output
    assert "earlier version" not in output
    log = received(sheet)
    assert sorted(page.page_id for page in log) == sorted(sent)
    # Each record names its page in its file, and its copy is that page, one page long.
    kept = folder / DEAL / "signed"
    for page in log:
        returned_pdf = (files[0].parent / page.source_file).read_bytes()
        assert identify_pages(returned_pdf)[page.source_page - 1] == page.page_id
        copy = (kept / page.page_id.document /
                f"{page.page_id.signer}.{page.page_id.page}.{page.page_id.version}.pdf")
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == page.sha256
        assert identify_pages(copy.read_bytes()) == [page.page_id]
        assert page.received_at.tzinfo is not None and page.recorded_by
    # The documents of the deal folder are as they were.
    assert (folder / DEAL / "amendment-1.pdf").is_file()

    # The same pages again: nothing new.
    code, output = run("signed", sheet, *files, "--out", folder)
    assert code == 1
    assert "0 pages recorded" in output and "13 pages already received" in output
    assert len(received(sheet)) == 13


def test_the_tracker_shows_what_is_in(sheet: Path, folder: Path, returned) -> None:
    if not (sheet.parent / f"{DEAL}.conversions.sqlite").exists():
        run("signed", sheet, *returned[0], "--out", folder)
    rows = tracker(sheet)
    by_signing: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_signing.setdefault(row["signing"], []).append(row)
    amendment = by_signing["amendment-signing"]
    assert [(r["document"], r["party"]) for r in amendment] == [
        ("amendment-1", party) for party in ["company", *LENDERS]]
    assert all(r["status"] == "received" for r in amendment)
    third = by_signing["third"]
    assert [(r["document"], r["party"]) for r in third] == [(n, "company") for n in THIRD_NOTES]
    assert all(r["status"] == "received" and r["source_file"].startswith("scan-")
               and int(r["source_page"]) >= 1 for r in third)
    fourth = by_signing["fourth"]
    assert len(fourth) == 6 and all(r["status"] == "outstanding" and not r["received_at"]
                                    for r in fourth)
    assert tracker(sheet, "--closing", "third") == third
    code, output = run("signatures", sheet)
    assert code == 0 and f"{DEAL}: 13 of 19 signature pages received" in output
    code, output = run("signatures", sheet, "--closing", "fifth")
    assert code == 2 and "third" in output


def test_pages_signed_before_a_price_change_are_an_earlier_version(
        sheet: Path, folder: Path, returned, tmp_path: Path) -> None:
    files, sent, _ = returned
    log = sheet.parent / f"{DEAL}.conversions.sqlite"
    if not log.exists():
        run("signed", sheet, *files, "--out", folder)
    changed = tmp_path / AMENDMENT_1.name
    text = replace_once(
        AMENDMENT_1.read_text(encoding="utf-8"),
        "      conversion_price: 25.51\n      maturity_months: 42\n    warrants:\n"
        "      exhibit: C-1", "      conversion_price: 24.00\n      maturity_months: 42\n"
        "    warrants:\n      exhibit: C-1")
    # The Third Closing's warrant shares follow the price: derived, not stated.
    text, stated = re.subn(r"(    warrant_shares:\n)      third: [0-9,]+\n", r"\1", text)
    assert stated == 6
    changed.write_text(text, encoding="utf-8")
    code, output = run("signed", changed, *files, "--out", folder, "--log", log)
    assert code == 1
    for note in THIRD_NOTES:
        assert f"signed an earlier version of {note}: re-sign page 1 (company)" in output
    # The amendment's Schedule A states the Third Closing's warrant shares: it changed too.
    for page, party in enumerate(["company", *LENDERS], start=1):
        assert (f"signed an earlier version of amendment-1: re-sign page {page} ({party})"
                in output)
    assert "note-fourth" not in output and "15 pages could not be used" in output
    rows = {(r["document"], r["party"]): r for r in tracker(changed, "--log", log)}
    for note in THIRD_NOTES:
        assert rows[(note, "company")]["status"] == "outstanding (an earlier version received)"
    # Nothing of the new version came back, and the old pages are not recorded twice.
    assert len(received(sheet)) == 13


def test_two_runs_at_once_record_each_page_once(folder: Path, returned, tmp_path: Path
                                                ) -> None:
    files, sent, _ = returned
    sheet = tmp_path / AMENDMENT_1.name
    shutil.copyfile(AMENDMENT_1, sheet)
    command_line = [sys.executable, "-m", "generator", "signed", str(sheet), *map(str, files),
                    "--out", str(folder)]
    runs = [subprocess.Popen(command_line, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, env={**os.environ, "COLUMNS": "300"})
            for _ in range(2)]
    outputs = [process.communicate(timeout=300)[0] for process in runs]
    assert [process.returncode for process in runs] == [1, 1], outputs
    counts = sorted(int(output.split(" page")[0].split()[-1]) for output in
                    (next(line for line in o.splitlines() if " recorded in " in line)
                     for o in outputs))
    assert sum(counts) == 13, outputs
    assert sorted(page.page_id for page in received(sheet)) == sorted(sent)


def test_a_file_that_is_not_a_pdf_is_one_line_naming_it(tmp_path: Path, folder: Path) -> None:
    sheet = tmp_path / AMENDMENT_1.name
    shutil.copyfile(AMENDMENT_1, sheet)
    letter = tmp_path / "letter.pdf"
    letter.write_text("Dear counsel, the pages are attached.", encoding="utf-8")
    code, output = run("signed", sheet, letter, "--out", folder)
    assert code == 1
    (line,) = [line for line in output.splitlines() if line.strip()]
    assert line.startswith(f"{letter}: not a PDF that can be read") and "send the signed" in line
    assert not (tmp_path / f"{DEAL}.conversions.sqlite").exists()
    code, output = run("signed", sheet, tmp_path / "missing.pdf", "--out", folder)
    assert code == 1 and f"{tmp_path / 'missing.pdf'}: cannot be read" in output


def test_a_log_of_the_first_schema_gains_the_signature_table(tmp_path: Path) -> None:
    """A conversion log made before signed pages were logged (revision 0001) is migrated
    when it is opened, its entries kept."""
    path = tmp_path / f"{DEAL}.conversions.sqlite"
    engine = sa.create_engine(sa.URL.create("sqlite", database=str(path)))
    with engine.begin() as connection:
        connection.exec_driver_sql(f"PRAGMA application_id = {conversion_log.APPLICATION_ID}")
        command.upgrade(conversion_log._alembic_config(connection), "0001")
        connection.exec_driver_sql("INSERT INTO dealdocs_notes VALUES ('d', 'third-rockmore')")
    engine.dispose()
    location = conversion_log.locate(tmp_path / "deal.yaml", DEAL, str(path))
    with conversion_log.open_log(location, create=False) as book:
        assert SignatureLog(book).received(DEAL) == []
    with sqlite3.connect(path) as connection:
        assert connection.execute(
            f"SELECT version_num FROM {conversion_log.VERSION_TABLE}").fetchall() == [("0002",)]
        assert connection.execute("SELECT * FROM dealdocs_notes").fetchall() == [
            ("d", "third-rockmore")]


def test_identifiers_are_read_by_signature_block() -> None:
    amendment = next(d for d in render_documents(prepare(AMENDMENT_1).deal, ["amendment"])
                     if d.name == "amendment-1")
    found = identifiers(amendment.html)
    assert list(found) == ["sign-company", *(f"sign-lender-{lender}" for lender in LENDERS)]
    assert [p.signer for p in found.values()] == ["company", *LENDERS]


def test_the_log_records_a_page_once_from_two_threads_at_once(log_place) -> None:
    """On SQLite and PostgreSQL: two recordings of the same pages at once, each in its
    own transaction, record each page once between them."""
    import threading

    from generator.signing.log import Receipt
    place = log_place()
    location = conversion_log.locate(Path("deal.yaml"), DEAL, place)
    conversion_log.open_log(location, create=True).close()
    pages = [Receipt(PageId(DEAL, f"note-third-{lender}", "company", 1, "0123abcd"),
                     "scan.pdf", number, f"{number:064x}")
             for number, lender in enumerate(LENDERS, start=1)]
    start = threading.Barrier(2)
    added: list[int] = []

    def record() -> None:
        with conversion_log.open_log(location, create=False) as book:
            start.wait()
            with SignatureLog(book).recording() as recording:
                added.append(sum(recording.add(page) is not None for page in pages))

    threads = [threading.Thread(target=record) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(added) == [0, 6]
    with conversion_log.open_log(location, create=False) as book:
        assert [page.page_id for page in SignatureLog(book).received(DEAL)] == [
            page.page_id for page in pages]
        assert SignatureLog(book).received("another-deal") == []
