"""The conversion log as a database: the same tests against SQLite and a real PostgreSQL
server (tests/postgres.py), except where a test is about SQLite's file.

What must hold: figures stored exactly and read back; the schema its migrations make;
all-or-nothing recording; two runs at the same moment never converting more than is
outstanding; a run killed while recording or writing leaving the log as before or after;
and a file that is not a dealdocs log reported and never written to.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import hashlib
import multiprocessing
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import warnings
from decimal import Decimal as D
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from typer.testing import CliRunner

from generator.cli import app
from generator.conversions import log as conversion_log
from generator.conversions.log import (CONVERSION, RESCISSION, LogError, locate, metadata,
                                       open_log)
from generator.conversions.record import Request, record_conversions, record_rescission
from generator.errors import ConversionError
from generator.signing import log as signature_log  # noqa: F401  its table is in `metadata`
from generator.pipeline import prepare
from tests.helpers import AMENDMENT_1

DEAL = "zoltek-amendment-1"
PRINCIPAL = D("3333333")  # note B1-01, Rockmore, Third Closing


@pytest.fixture(scope="module")
def zoltek():
    return prepare(AMENDMENT_1)


def opened(place: str, create: bool = True):
    book = open_log(locate(AMENDMENT_1, DEAL, place), create)
    assert book is not None
    return book


def convert(place: str, prepared, *requests: Request):
    with opened(place) as book:
        return record_conversions(book, prepared, list(requests))


def entries(place: str):
    with opened(place, create=False) as book:
        return book.entries(DEAL)


def test_acceptance_figures_are_stored_exactly_and_a_further_dollar_is_refused(log_place,
                                                                              zoltek):
    place = log_place()
    convert(place, zoltek, Request("B1-01", "2006-06-01", "1,000,000"))
    convert(place, zoltek, Request("third-rockmore", "2006-06-15", "2,000,000"))
    convert(place, zoltek, Request("B1-01", "2006-07-03", "333,333.00"))
    before = entries(place)
    with pytest.raises(ConversionError, match=r"\$1 is more than the \$0 outstanding"):
        convert(place, zoltek, Request("B1-01", "2006-07-03", "1"))
    assert entries(place) == before
    assert [(e.id, e.note, e.note_number, e.kind, e.date, e.principal_converted,
             e.conversion_price, e.shares, e.interest_converted, e.principal_remaining)
            for e in before] == [
        (1, "third-rockmore", "B1-01", CONVERSION, dt.date(2006, 6, 1), D("1000000.00"),
         D("25.510000"), 39_201, None, D("2333333.00")),
        (2, "third-rockmore", "B1-01", CONVERSION, dt.date(2006, 6, 15), D("2000000.00"),
         D("25.510000"), 78_401, None, D("333333.00")),
        (3, "third-rockmore", "B1-01", CONVERSION, dt.date(2006, 7, 3), D("333333.00"),
         D("25.510000"), 13_067, None, D("0.00"))]
    assert {e.recorded_by for e in before} == {getpass.getuser()}
    assert all(e.recorded_at.tzinfo is dt.UTC for e in before)
    assert dt.datetime.now(dt.UTC) - before[0].recorded_at < dt.timedelta(minutes=10)


def test_interest_prices_and_cents_survive_the_database(log_place, zoltek):
    place = log_place()
    (entry,) = convert(place, zoltek, Request("B1-01", "2007-12-15", "1,234.56", interest=True,
                                             index_rates=("5.375",)))
    (stored,) = entries(place)
    assert stored == entry
    # On $1,234.56 from September 30: 32 days at 7.5% through October 31 ($8.2304, $8.23),
    # then 44 days at 5.375% + 4% ($14.146, $14.15).
    assert (stored.interest_converted, stored.interest_from) == (D("22.38"),
                                                                 dt.date(2007, 9, 30))


def test_a_batch_is_all_or_nothing(log_place, zoltek):
    place = log_place()
    convert(place, zoltek, Request("B1-02", "2006-06-01", "1,000"))
    before = entries(place)
    with pytest.raises(ConversionError) as caught:
        convert(place, zoltek, Request("B1-01", "2006-06-01", "1,000"),
                Request("B1-03", "2006-06-01", "1,000"),
                Request("B1-04", "2006-06-01", "99,000,000"))
    assert [f.code for f in caught.value.findings] == ["convert.exceeds-outstanding"]
    assert entries(place) == before


def test_a_rescission_keeps_both_entries_and_can_happen_once(log_place, zoltek):
    place = log_place()
    convert(place, zoltek, Request("B1-01", "2006-06-01", "1,000,000"),
            Request("B1-01", "2006-06-02", "500,000"))
    with opened(place) as book:
        rescission = record_rescission(book, zoltek, "1")
    assert (rescission.id, rescission.kind, rescission.rescinds,
            rescission.principal_remaining) == (3, RESCISSION, 1, D("2833333.00"))
    first, second, third = entries(place)
    assert (first.rescinded_by, first.effective, second.effective, third.effective) == (
        3, False, True, False)
    with opened(place) as book, pytest.raises(ConversionError, match="already rescinded"):
        record_rescission(book, zoltek, "1")
    # The database itself refuses a second rescission of the same entry.
    second_rescission = conversion_log.NewEntry(
        **{f.name: getattr(third, f.name) for f in dataclasses.fields(conversion_log.NewEntry)})
    with opened(place) as book, pytest.raises(LogError, match="refused the entry"):
        with book.recording(DEAL, ["third-rockmore"]) as recording:
            recording.add(second_rescission)
    assert len(entries(place)) == 3


def test_the_migrations_make_exactly_the_schema_the_code_uses(log_place):
    place = log_place()
    with opened(place) as book, book.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "version_table": conversion_log.VERSION_TABLE, "compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_a_log_of_a_newer_dealdocs_is_refused_and_left_alone(log_place):
    place = log_place()
    opened(place).close()
    engine = sa.create_engine(locate(AMENDMENT_1, DEAL, place).url)
    with engine.begin() as connection:
        connection.execute(sa.text(f"UPDATE {conversion_log.VERSION_TABLE} SET version_num = "
                                   "'9999'"))
    engine.dispose()
    with pytest.raises(LogError, match=r"written by a newer dealdocs \(schema 9999\)"):
        opened(place)


def test_a_database_with_tables_named_like_the_logs_is_refused(log_place):
    place = log_place()
    location = locate(AMENDMENT_1, DEAL, place)
    engine = sa.create_engine(location.url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE dealdocs_entries (id INTEGER, what TEXT)")
        connection.exec_driver_sql("INSERT INTO dealdocs_entries VALUES (1, 'theirs')")
    engine.dispose()
    with pytest.raises(LogError, match="is not one; it was left as it is|another program's"):
        opened(place)
    engine = sa.create_engine(location.url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT what FROM dealdocs_entries").all() == [
            ("theirs",)]
    engine.dispose()


# --- SQLite's file: foreign, damaged, never overwritten. ---


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("content", [b"", b"note,date,principal\n", b"%PDF-1.7\n" + bytes(4096)],
                         ids=["empty", "csv", "pdf"])
def test_a_file_that_is_not_a_database_is_reported_and_never_overwritten(tmp_path, content):
    path = tmp_path / "zoltek-amendment-1.conversions.sqlite"
    path.write_bytes(content)
    with pytest.raises(LogError) as caught:
        opened(str(path))
    assert str(caught.value) == (f"{path} is not a dealdocs conversion log (it is not an SQLite "
                                 "database); it was left as it is; give --log the path of the "
                                 "deal's conversion log, or move this file away so that a new "
                                 "log can be made there")
    assert path.read_bytes() == content


@pytest.mark.parametrize("kind", ["pipe", "folder"])
def test_a_pipe_or_folder_at_the_logs_path_is_reported_without_waiting(tmp_path, kind):
    path = tmp_path / "zoltek-amendment-1.conversions.sqlite"
    os.mkfifo(path) if kind == "pipe" else path.mkdir()  # a pipe's open would wait for a writer
    with pytest.raises(LogError, match=r"is not a file, so not a conversion log; it was left as"
                       if kind == "pipe" else "cannot read the conversion log"):
        opened(str(path))


def test_another_programs_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE contacts (name TEXT)")
    before = sha(path)
    with pytest.raises(LogError, match="another program's SQLite database"):
        opened(str(path))
    assert sha(path) == before


def test_a_damaged_log_is_detected_and_left_as_it_is(tmp_path, zoltek):
    path = tmp_path / "log.sqlite"
    convert(str(path), zoltek, *[Request("B1-01", f"2006-06-{day:02d}", "1,000")
                                 for day in range(1, 29)])
    with sqlite3.connect(path) as connection:
        page = connection.execute("PRAGMA page_size").fetchone()[0]
        (root,) = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = "
                                     "'dealdocs_entries'").fetchone()
    connection.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page
    data[start:start + page] = bytes(range(256)) * (page // 256)  # scribble over its page
    path.write_bytes(bytes(data))
    before = sha(path)
    with pytest.raises(LogError, match="is damaged"):
        opened(str(path)).entries(DEAL)
    assert sha(path) == before


# --- Two runs at the same moment. ---

ROUNDS = 8


def _race(place: str, term_sheet: str, out: str, principal: str, barrier, results) -> None:
    """One `dealdocs convert` run, started with the others when all are ready. Each read of
    the entries takes a little longer here, so that two runs whose transactions were not
    serialized would overlap, read the same outstanding principal, and both convert it."""
    def slow_read(connection, cursor, statement, *rest):
        if "FROM dealdocs_entries" in statement:
            time.sleep(0.02)
    sa.event.listen(sa.engine.Engine, "after_cursor_execute", slow_read)
    barrier.wait(timeout=60)
    result = CliRunner().invoke(app, ["convert", term_sheet, "--note", "B1-01", "--date",
                                      "2006-06-01", "--principal", principal, "--yes",
                                      "--again", "--format", "html", "--out", out,
                                      "--log", place])
    results.put((result.exit_code, result.output))


def warm_up(place: str, term_sheet: Path, out: Path) -> None:
    """One run in this process first, so that the forked runs start with the templates
    compiled and race from the same point."""
    result = CliRunner().invoke(app, ["convert", str(term_sheet), "--note", "B1-02", "--date",
                                      "2006-06-01", "--principal", "1", "--yes", "--format",
                                      "html", "--out", str(out), "--log", place])
    assert result.exit_code == 0, result.output


def _processes(target, arguments: list[tuple]) -> list[multiprocessing.Process]:
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=target, args=args) for args in arguments]
    with warnings.catch_warnings():
        # Python 3.12 warns that fork() in a threaded process may deadlock; the children
        # here only run dealdocs.
        warnings.simplefilter("ignore", DeprecationWarning)
        for process in processes:
            process.start()
    return processes


def check_chain(rows, principal: D) -> D:
    """Each entry of note B1-01 has the principal remaining that follows from the one before;
    returns the last."""
    remaining = principal
    for row in [row for row in rows if row.note == "third-rockmore"]:
        remaining += row.principal_converted if row.kind == RESCISSION else (
            -row.principal_converted)
        assert row.principal_remaining == remaining
    assert remaining >= 0
    return remaining


def test_two_converts_at_once_never_convert_more_than_is_outstanding(log_place, tmp_path,
                                                                    zoltek):
    term_sheet = shutil.copy(AMENDMENT_1, tmp_path / "zoltek-amendment-1.yaml")
    warm_up(log_place(), term_sheet, tmp_path / "warm")
    context = multiprocessing.get_context("fork")
    outcomes = set()
    for round_number in range(ROUNDS):
        place = log_place()
        # The note has an entry already, so that its row in the log exists to be locked
        # (a new row's unique key would serialize the two runs by itself).
        convert(place, zoltek, Request("B1-01", "2006-05-31", "1"))
        # Even rounds: each asks for $2,000,000 and only one can have it; odd: both fit.
        principal = "2,000,000" if round_number % 2 == 0 else "1,500,000"
        barrier, results = context.Barrier(2), context.Queue()
        processes = _processes(_race, [(place, str(term_sheet), str(tmp_path / f"out{i}"),
                                        principal, barrier, results) for i in range(2)])
        codes = sorted(results.get(timeout=120)[0] for _ in processes)
        for process in processes:
            process.join(timeout=60)
        rows = entries(place)
        converted = sum(row.principal_converted for row in rows)
        assert converted <= PRINCIPAL
        check_chain(rows, PRINCIPAL)
        if round_number % 2 == 0:
            assert (codes, len(rows)) == ([0, 1], 2), codes
        else:
            assert (codes, len(rows)) == ([0, 0], 3), codes
        outcomes.add(tuple(codes))
    assert outcomes == {(0, 1), (0, 0)}


# --- A run killed in the middle. ---


def _killable(place: str, term_sheet: str, out: str, stop_at: str | None, ready) -> None:
    """A `dealdocs convert` run that, at `stop_at`, tells the test and waits to be killed:
    "record" inside the recording transaction, just after the entry is inserted; "write"
    after the first document file is written (the log already committed)."""
    if stop_at == "record":
        def inserted(connection, cursor, statement, *rest):
            if statement.lstrip().upper().startswith("INSERT INTO DEALDOCS_ENTRIES"):
                ready.put("stopped")
                time.sleep(600)
        sa.event.listen(sa.engine.Engine, "after_cursor_execute", inserted)
    elif stop_at == "write":
        from generator.build.transaction import DealFolder
        real = DealFolder.write

        def written(self, name, data):
            real(self, name, data)
            ready.put("stopped")
            time.sleep(600)
        DealFolder.write = written
    result = CliRunner().invoke(app, ["convert", term_sheet, "--note", "B1-01", "--date",
                                      "2006-07-01", "--principal", "1,000", "--yes", "--format",
                                      "html", "--out", out, "--log", place])
    ready.put(f"finished {result.exit_code}")


def killed(place: str, term_sheet: Path, out: Path, stop_at: str | None,
           after: float = 0.0) -> str:
    """Run `_killable` and SIGKILL it where it stops (or `after` seconds); what it said."""
    context = multiprocessing.get_context("fork")
    ready = context.Queue()
    (process,) = _processes(_killable, [(place, str(term_sheet), str(out), stop_at, ready)])
    if stop_at is None:
        time.sleep(after)
        said = ready.get() if not ready.empty() else "running"
    else:
        said = ready.get(timeout=120)
    os.kill(process.pid, signal.SIGKILL)
    process.join(timeout=60)
    return said


def test_a_run_killed_while_recording_leaves_the_log_as_before(log_place, tmp_path, zoltek):
    term_sheet = shutil.copy(AMENDMENT_1, tmp_path / "zoltek-amendment-1.yaml")
    place = log_place()
    convert(place, zoltek, Request("B1-01", "2006-06-01", "1,000,000"))
    before = entries(place)
    assert killed(place, term_sheet, tmp_path / "out", "record") == "stopped"
    assert entries(place) == before
    # The log works on: the next run records, and what it records follows.
    convert(place, zoltek, Request("B1-01", "2006-07-01", "1,000"))
    check_chain(entries(place), PRINCIPAL)


def test_a_run_killed_while_writing_leaves_the_log_as_after_and_the_documents_can_be_written(
        log_place, tmp_path):
    term_sheet = shutil.copy(AMENDMENT_1, tmp_path / "zoltek-amendment-1.yaml")
    place, out = log_place(), tmp_path / "out"
    assert killed(place, term_sheet, out, "write") == "stopped"
    (entry,) = entries(place)
    assert (entry.date, entry.principal_converted) == (dt.date(2006, 7, 1), D("1000.00"))
    # Killed in the staging folder: the deal's folder was never swapped in.
    folder = out / DEAL
    assert not folder.exists()
    result = CliRunner().invoke(app, ["conversions", str(term_sheet), "--write", "--format",
                                      "html", "--out", str(out), "--log", place])
    assert result.exit_code == 0, result.output
    manifest = (folder / "manifest.json").read_text()
    for name in ("conversion-notice-third-rockmore-2006-07-01-entry-1.html",
                 "conversion-schedule-third-rockmore-to-date.html"):
        assert (folder / name).is_file() and name in manifest


def test_a_run_killed_at_any_moment_leaves_the_log_as_before_or_as_after(log_place, tmp_path,
                                                                        zoltek):
    term_sheet = shutil.copy(AMENDMENT_1, tmp_path / "zoltek-amendment-1.yaml")
    place = log_place()
    convert(place, zoltek, Request("B1-01", "2006-06-01", "1,000,000"))
    warm_up(place, term_sheet, tmp_path / "out")
    seen = set()
    rng = random.Random(8)
    for _ in range(6):
        before = entries(place)
        killed(place, term_sheet, tmp_path / "out", None, after=rng.uniform(0.02, 0.4))
        now = entries(place)
        assert now == before or (now[:-1] == before and len(now) == len(before) + 1
                                 and now[-1].principal_converted == D("1000.00"))
        check_chain(now, PRINCIPAL)
        seen.add(len(now) - len(before))
    assert seen <= {0, 1}


# --- A full disk. ---

FULL_DISK = """
import resource, signal, sys
from generator.cli import app
# No room on the disk: a write to a file fails (EFBIG) instead of the signal killing the run.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
app(sys.argv[1:], prog_name="dealdocs")
"""


@pytest.mark.parametrize("existing", [False, True], ids=["new log", "existing log"])
def test_a_full_disk_is_one_line_and_leaves_no_log_behind(tmp_path, existing):
    """The run's files cannot grow (RLIMIT_FSIZE, as a full disk, for root too): whether
    the log exists or is to be made, one line says so, and the folder is as it was."""
    term_sheet = Path(shutil.copy(AMENDMENT_1, tmp_path / "zoltek-amendment-1.yaml"))
    log = tmp_path / "zoltek-amendment-1.conversions.sqlite"
    if existing:
        opened(str(log)).close()
    before = {path.name: sha(path) for path in tmp_path.iterdir()}
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK, "convert", str(term_sheet), "--note", "B1-01",
         "--date", "2006-06-01", "--principal", "1,000", "--yes", "--format", "html",
         "--out", str(tmp_path / "output")],
        capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "400"})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "conversion log" in line]
    assert line == (f"{term_sheet}: cannot write the conversion log {log} (disk I/O error); "
                    "nothing was recorded; free space on the disk that holds it (or check that "
                    "disk), then run again")
    assert {path.name: sha(path) for path in tmp_path.iterdir()} == before


@pytest.mark.parametrize("text", ["database or disk is full", "disk I/O error",
                                  'could not extend file "base/5/16384": No space left on device'])
def test_every_database_says_a_full_disk_the_same_way(tmp_path, text):
    location = locate(tmp_path / "deal.yaml", DEAL)
    error = conversion_log._database_error(
        location, sa.exc.OperationalError("BEGIN IMMEDIATE", {}, Exception(text)))
    assert str(error) == (f"cannot write the conversion log {location} ({text}); nothing was "
                          "recorded; free space on the disk that holds it (or check that disk), "
                          "then run again")
