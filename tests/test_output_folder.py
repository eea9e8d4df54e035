"""The output folder as a transaction (issue 11): each numbered case of the issue has a
test here (cases 4, 5 and 9 on the input side are in test_loader.py and
test_termsheet.py). Kills and concurrent builds run `dealdocs` in processes of their
own; the rest runs in this one. HTML keeps them fast where PDF is not the point."""

from __future__ import annotations

import hashlib
import json
import os
import select
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.build import Status, render_documents, write_documents
from generator.build import transaction
from generator.build.plan import targets
from generator.errors import RenderError
from generator.cli import app
from generator.documents import plan
from generator.pipeline import prepare
from generator.writers import RenderedDocument
from tests.helpers import (AMENDMENT_1, AMENDMENT_2, ROOT, assert_consistent, line_of,
                           replace_once, snapshot, with_lenders)

DEAL = "zoltek-amendment-1"
runner = CliRunner()

# Runs `dealdocs ARGS` and sends itself SIGNAL at the Nth file-system operation on a path
# under OUT (N = 0: none, each is listed on stderr instead). Python's audit events see
# every open, link, rename and removal, so every step of a build can be interrupted.
HARNESS = """
import os, signal, sys
out, name, at, exchange = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
EVENTS = {"open", "os.rename", "os.link", "os.remove", "os.rmdir", "os.mkdir",
          "shutil.rmtree", "os.chmod"}
seen = 0

def mentions(value):
    if isinstance(value, (str, bytes, os.PathLike)):
        return os.fsdecode(value).startswith(out)
    return isinstance(value, (tuple, list)) and any(mentions(item) for item in value)

def hook(event, args):
    global seen
    if event in EVENTS and mentions(args):
        seen += 1
        if at == 0:
            print("event", seen, event, *args[:1], file=sys.stderr, flush=True)
        elif seen == at:
            os.kill(os.getpid(), getattr(signal, name))

if exchange == "no-exchange":  # the fallback of systems without renameat2
    import generator.build.transaction
    generator.build.transaction._exchange = lambda first, second: False
sys.addaudithook(hook)
from generator.cli import main
sys.argv = ["dealdocs", *sys.argv[5:]]
main()
"""


def harness(out: Path, at: int, *args: str, name: str = "SIGKILL",
            exchange: str = "exchange") -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", HARNESS, str(out), name, str(at), exchange,
                             *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def build(term_sheet: Path, out: Path, *only: str, formats=("html",), **options):
    prepared = prepare(term_sheet)
    return write_documents(prepared.deal, render_documents(prepared.deal, only), formats, out,
                           prepared.source, **options)


@pytest.fixture(scope="module")
def sheets(tmp_path_factory) -> dict[str, Path]:
    """Two term sheets of one deal (Omicron renamed in the second), and their clean builds."""
    folder = tmp_path_factory.mktemp("sheets")
    first = with_lenders(3)
    texts = {"a": first, "b": replace_once(first, "legal_name: Omicron Master Trust",
                                           "legal_name: Omicron Trust II")}
    paths = {}
    for key, text in texts.items():
        paths[key] = folder / f"{key}.yaml"
        paths[key].write_text(text)
        build(paths[key], folder / f"clean-{key}")
    return paths


def clean(sheets: dict[str, Path], key: str) -> dict[str, bytes]:
    return snapshot(sheets[key].parent / f"clean-{key}" / DEAL)


def old_set(sheets: dict[str, Path], tmp_path: Path) -> Path:
    """OUT holding the clean build of term sheet a."""
    out = tmp_path / "out"
    shutil.copytree(sheets["a"].parent / "clean-a", out)
    return out


def kill_points(sheets: dict[str, Path], tmp_path: Path, exchange: str) -> tuple[list[int], int]:
    """The operations of a re-render from a to b, and the one that syncs the staging folder
    just before the swap."""
    out = old_set(sheets, tmp_path / "dry-run")
    dry = harness(out, 0, "render", str(sheets["b"]), "--format", "html", "--out", str(out),
                  exchange=exchange)
    _, log = dry.communicate(timeout=120)
    assert dry.returncode == 0, log
    events = [line.split(" ", 3) for line in log.splitlines() if line.startswith("event ")]
    swap = min(int(number) for _, number, event, path in events  # the fsync of the new set
               if event == "open" and ".staging-" in path.split("/")[-1])
    return [int(number) for _, number, *_ in events], swap


def writing_in_a_pool(sheet: Path, out: Path, formats: str) -> tuple[subprocess.Popen, Path]:
    """`dealdocs render SHEET --only note` in `formats` over two processes, with a
    temporary folder of its own (returned), once a process of its pool writes a PDF."""
    temporary = out.parent / "tmp"
    temporary.mkdir()
    run = subprocess.Popen([sys.executable, "-m", "generator", "render", str(sheet), "--only",
                            "note", "--format", formats, "--jobs", "2", "--out", str(out)],
                           cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True, env={**os.environ, "TMPDIR": str(temporary),
                                           "COLUMNS": "300"})
    _wait_until(lambda: len(_workers(run.pid)) == 3)  # the server and two processes
    _wait_until(lambda: any(temporary.rglob("weasyprint-*")))
    return run, temporary


# Case 1 -------------------------------------------------------------------------------

def test_case_1_a_closing_id_that_could_give_two_notes_one_file_name_is_refused(tmp_path):
    """Closing third with lender a-b and closing third-a with lender b would both be
    note-third-a-b; the closing id is refused at validation, at its line."""
    text = AMENDMENT_1.read_text()
    for old, new in (("rockmore", "a-b"), ("omicron", "b"), ("fourth", "third-a")):
        text = text.replace(f"{old}\n", f"{new}\n").replace(f"{old}:", f"{new}:")
    sheet = tmp_path / "collision.yaml"
    sheet.write_text(text)
    result = runner.invoke(app, ["validate", "--json", str(sheet)])
    assert result.exit_code == 1
    (finding,) = json.loads(result.output)[0]["findings"]
    assert (finding["line"], finding["path"]) == (line_of(text, "- id: third-a\n"),
                                                  "closings[1].id")
    assert finding["message"].startswith("'third-a' is not a closing id")
    result = runner.invoke(app, ["render", str(sheet), "--format", "html", "--out",
                                 str(tmp_path / "out")])
    assert result.exit_code == 1
    assert not (tmp_path / "out").exists()


def test_case_1_two_documents_with_one_file_name_are_a_finding_naming_both():
    """Should the registry ever make two documents of one name, nothing is written."""
    deal = prepare(AMENDMENT_2).deal
    (document,) = render_documents(deal, ["schedule-a"])
    twin = RenderedDocument(document.name, "Another", document.html, document.created,
                            "other", "amendment")
    with pytest.raises(RenderError) as caught:
        targets([document, twin], ["html"])
    (finding,) = caught.value.findings
    assert finding.code == "output.collision"
    assert finding.message == "schedule-a and schedule-a would both be written to schedule-a.html"


# Case 2 -------------------------------------------------------------------------------

def test_case_2_a_second_build_waits_for_the_first_and_names_it(sheets, tmp_path):
    out = old_set(sheets, tmp_path)
    # The first build stops itself (SIGSTOP) holding the lock, at its first link.
    first = harness(out, 6, "render", str(sheets["b"]), "--format", "html", "--out", str(out),
                    name="SIGSTOP")
    _wait_until(lambda: _state(first.pid) == "T")
    second = subprocess.Popen([sys.executable, "-m", "generator", "render", str(sheets["a"]),
                               "--format", "html", "--out", str(out)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = _read_line(second.stderr)
    assert line.startswith(f"waiting for process {first.pid} (dealdocs render "), line
    assert second.poll() is None
    os.kill(first.pid, signal.SIGCONT)
    for run in (first, second):
        _, errors = run.communicate(timeout=120)
        assert run.returncode == 0, errors
    assert snapshot(out / DEAL) == clean(sheets, "a")  # the second ran last
    assert_consistent(out / DEAL, sheets["a"])


def test_case_2_two_builds_of_different_term_sheets_at_once_leave_one_complete_set(
        sheets, tmp_path):
    out = old_set(sheets, tmp_path)
    runs = [subprocess.Popen([sys.executable, "-m", "generator", "render", str(sheets[key]),
                              "--format", "html", "--out", str(out)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for key in ("b", "a")]
    for run in runs:
        _, errors = run.communicate(timeout=120)
        assert run.returncode == 0, errors
    assert snapshot(out / DEAL) in (clean(sheets, "a"), clean(sheets, "b"))
    assert_consistent(out / DEAL, sheets["a"], sheets["b"])


# Case 3 -------------------------------------------------------------------------------

@pytest.mark.parametrize("exchange", ["exchange", "no-exchange"])
def test_case_3_a_rerender_killed_at_any_step_leaves_the_old_or_the_new_set(
        sheets, tmp_path, exchange):
    """SIGKILL while reading, linking, writing, just before and just after the swap, and
    while removing the old set; then a build that completes and cleans up."""
    events, swap = kill_points(sheets, tmp_path, exchange)
    chosen = sorted({events[len(events) // 4], events[len(events) // 2], swap, swap + 1,
                     swap + 2, events[-1]})
    for at in chosen:
        out = old_set(sheets, tmp_path / f"kill-{at}")
        killed = harness(out, at, "render", str(sheets["b"]), "--format", "html", "--out",
                         str(out), exchange=exchange)
        killed.communicate(timeout=120)
        assert killed.returncode == -signal.SIGKILL, at
        if exchange == "exchange" or (out / DEAL).exists():
            assert snapshot(out / DEAL) in (clean(sheets, "a"), clean(sheets, "b")), at
        else:  # killed between the fallback's two renames: the old set waits beside it
            (old,) = out.glob(f".{DEAL}.old-*")
            assert snapshot(old) == clean(sheets, "a")
        build(sheets["b"], out)
        assert snapshot(out / DEAL) == clean(sheets, "b"), at
        assert sorted(path.name for path in out.iterdir()) == [f".{DEAL}.lock", DEAL], at


def test_case_3_a_build_killed_while_writing_in_parallel_stops_its_workers(sheets, tmp_path):
    """...and they remove their temporary files (issue 18, item 7), and nothing reports
    leaked semaphores (item 12): the pool has none."""
    out = old_set(sheets, tmp_path)
    run, temporary = writing_in_a_pool(sheets["b"], out, "pdf,docx")
    workers = _workers(run.pid)
    run.kill()
    _, errors = run.communicate(timeout=60)  # the end: every process that holds stderr ended
    _wait_until(lambda: all(_state(pid) in ("Z", None) for pid in workers))
    assert snapshot(out / DEAL) == clean(sheets, "a")
    assert "leaked" not in errors, errors
    # multiprocessing's own folder (pymp-*, the fork server's socket) is the build's to
    # remove, and a killed build cannot.
    assert not [path.name for path in temporary.iterdir()
                if path.name.startswith(("weasyprint-", "dealdocs-"))]


def test_case_3_a_writing_process_that_dies_fails_the_build_in_one_line(sheets, tmp_path):
    """A process of the pool killed (as the kernel kills one out of memory): the build stops
    the others, says so in a line, changes nothing and leaves no temporary files."""
    out = old_set(sheets, tmp_path)
    run, temporary = writing_in_a_pool(sheets["b"], out, "pdf")
    (server,) = {pid for pid in _workers(run.pid) if _parent(pid) == run.pid}
    os.kill(min(pid for pid in _workers(run.pid) if pid != server), signal.SIGKILL)
    _, errors = run.communicate(timeout=120)
    assert run.returncode == 1
    assert errors.strip().splitlines()[-1] == ("a process writing the documents stopped "
                                               "unexpectedly; run the build again (with "
                                               "--jobs 1 if it happens again)")
    assert snapshot(out / DEAL) == clean(sheets, "a")
    assert [path.name for path in temporary.iterdir()
            if not path.name.startswith("_jinja2-cache")] == []


def test_leftovers_of_killed_runs_are_removed_and_an_old_set_put_back(sheets, tmp_path):
    out = old_set(sheets, tmp_path)
    (out / DEAL).rename(out / f".{DEAL}.old-4242")  # a fallback swap killed halfway
    (out / f".{DEAL}.staging-4242").mkdir()
    (out / f".{DEAL}.staging-4242" / "schedule-a.html").write_text("half")
    with transaction.DealFolder(out, DEAL).opened(lambda holder: None):
        assert snapshot(out / DEAL) == clean(sheets, "a")
    assert sorted(path.name for path in out.iterdir()) == [f".{DEAL}.lock", DEAL]


def test_temporary_files_of_dealdocs_0_1_are_removed(sheets, tmp_path):
    out = old_set(sheets, tmp_path)
    (out / DEAL / ".note-third-omicron.html.k2j4_x8q.tmp").write_text("half")
    result = build(sheets["a"], out)
    assert result.rendered == []
    assert snapshot(out / DEAL) == clean(sheets, "a")


# Case 4 -------------------------------------------------------------------------------

def test_case_4_an_output_file_that_is_a_link_to_a_device_or_a_pipe_is_never_read(
        sheets, tmp_path):
    out = old_set(sheets, tmp_path)
    (out / DEAL / "schedule-a.html").unlink()
    (out / DEAL / "schedule-a.html").symlink_to("/dev/zero")
    (out / DEAL / "amendment-1.html").unlink()
    os.mkfifo(out / DEAL / "amendment-1.html")
    result = subprocess.run([sys.executable, "-m", "generator", "render", str(sheets["a"]),
                             "--format", "html", "--out", str(out)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    documents = len(plan(prepare(sheets["a"]).deal))
    assert f"2 documents rendered, {documents - 2} up to date" in result.stdout
    assert snapshot(out / DEAL) == clean(sheets, "a")


def test_case_4_a_manifest_nested_past_what_json_reads_counts_as_none(sheets, tmp_path):
    out = old_set(sheets, tmp_path)
    (out / DEAL / "manifest.json").write_text("[" * 100_000)
    result = build(sheets["a"], out)
    assert {output.status for output in result.outputs} == {Status.IDENTICAL}
    assert snapshot(out / DEAL) == clean(sheets, "a")


def test_case_4_an_out_folder_name_too_long_is_one_line(tmp_path):
    result = runner.invoke(app, ["render", str(AMENDMENT_2), "--format", "html",
                                 "--out", str(tmp_path / ("x" * 300))], terminal_width=80)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"cannot create {tmp_path / ('x' * 300)}: File name too long; choose a shorter --out"]


def test_case_4_an_out_folder_without_search_permission_is_one_line(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o600)
    result = _unprivileged("render", str(AMENDMENT_2), "--format", "html",
                           "--out", str(locked / "out"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"cannot create {locked / 'out'}: Permission denied; check that the output folder "
        "exists and that you may write in it"]


def test_case_4_paths_that_look_like_markup_are_printed_as_written(tmp_path):
    folder = tmp_path / "a[/b]:warning:"
    folder.mkdir(parents=True)
    sheet = folder / "deal[red].yaml"
    sheet.write_text(AMENDMENT_2.read_text())
    result = runner.invoke(app, ["validate", str(sheet)], terminal_width=400)
    assert result.exit_code == 0, result.output
    assert f"{sheet}: 0 error(s), 0 warning(s)" in result.output
    result = runner.invoke(app, ["render", str(sheet), "--format", "html", "--out",
                                 str(folder / "out[/b]")], terminal_width=400)
    assert result.exit_code == 0, result.output
    assert f"{folder / 'out[/b]' / 'zoltek-amendment-2'}: 2 documents rendered" in result.output


def test_a_folder_where_a_file_goes_is_left_alone_and_named(sheets, tmp_path):
    out = old_set(sheets, tmp_path)
    (out / DEAL / "schedule-a.html").unlink()
    (out / DEAL / "schedule-a.html").mkdir()
    (out / DEAL / "schedule-a.html" / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["render", str(sheets["a"]), "--format", "html", "--out",
                                 str(out)])
    assert result.exit_code == 1
    assert result.output.strip() == (f"{out / DEAL / 'schedule-a.html'} is a folder where "
                                     "dealdocs writes a file; move it away")
    assert (out / DEAL / "schedule-a.html" / "notes.txt").read_text() == "mine"


# Case 6 -------------------------------------------------------------------------------

def test_case_6_an_empty_out_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["render", str(AMENDMENT_2), "--out", ""], terminal_width=200)
    assert result.exit_code == 2
    assert "an empty folder name would write into the current folder" in " ".join(
        result.output.replace("│", " ").split())
    assert list(tmp_path.iterdir()) == []


# Case 7 -------------------------------------------------------------------------------

def test_case_7_files_get_the_umasks_mode_and_a_changed_file_keeps_its_own(sheets, tmp_path):
    previous = os.umask(0o022)
    try:
        build(sheets["a"], tmp_path)
        folder = tmp_path / DEAL
        assert {stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()} == {0o644}
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755
        (folder / "schedule-a.html").chmod(0o640)
        folder.chmod(0o750)
        os.umask(0o077)
        result = build(sheets["b"], tmp_path)
    finally:
        os.umask(previous)
    assert "schedule-a.html" in [o.file for o in result.outputs if o.status is Status.CHANGED]
    assert stat.S_IMODE((folder / "schedule-a.html").stat().st_mode) == 0o640
    assert stat.S_IMODE((folder / "note-third-omicron.html").stat().st_mode) == 0o644
    assert stat.S_IMODE(folder.stat().st_mode) == 0o750


# Case 8 -------------------------------------------------------------------------------

def test_case_8_only_unchanged_files_this_product_recorded_are_removed(tmp_path, capsys):
    three, two = tmp_path / "three.yaml", tmp_path / "two.yaml"
    three.write_text(with_lenders(3))
    two.write_text(with_lenders(2))
    build(three, tmp_path / "out")
    folder = tmp_path / "out" / DEAL
    precious = folder / "precious.html"
    precious.write_text("the client's comments")
    (tmp_path / "out" / "outside.html").write_text("not ours")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["outputs"] += [  # entries added by hand, or by a damaged run
        {"document": "precious", "kind": "note", "format": "html", "file": "precious.html",
         "sha256": hashlib.sha256(b"something else").hexdigest()},
        {"document": "outside", "kind": "note", "format": "html", "file": "../outside.html",
         "sha256": hashlib.sha256(b"not ours").hexdigest()}]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    edited = folder / "note-fourth-smithfield.html"
    edited.write_text(edited.read_text().replace("Smithfield", "Smithfield (signed copy)"))
    result = runner.invoke(app, ["render", str(two), "--format", "html", "--out",
                                 str(tmp_path / "out")], terminal_width=400)
    assert result.exit_code == 0, result.output
    assert (f"kept {edited}: the deal no longer has this document, but the file was changed "
            "after dealdocs wrote it; delete it if it is not needed") in result.output
    assert precious.read_text() == "the client's comments"
    assert (tmp_path / "out" / "outside.html").read_text() == "not ours"
    assert edited.exists()
    assert not (folder / "note-third-smithfield.html").exists()
    listed = {entry["file"] for entry in json.loads((folder / "manifest.json").read_text())
              ["outputs"]}
    assert not listed & {"precious.html", "note-fourth-smithfield.html", "../outside.html"}


# Case 9 -------------------------------------------------------------------------------

def test_case_9_a_read_only_deal_folder_is_named_in_the_message(sheets, tmp_path):
    out = old_set(sheets, tmp_path)
    for path in (out, out / DEAL):
        path.chmod(0o777 if path == out else 0o555)
    result = _unprivileged("render", str(sheets["b"]), "--format", "html", "--out", str(out))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"{out / DEAL} is read-only; make it writable (chmod u+w): a build replaces the deal "
        "folder as a whole"]
    assert snapshot(out / DEAL) == clean(sheets, "a")


# The fallback swap --------------------------------------------------------------------

def test_without_an_atomic_exchange_two_renames_do(sheets, tmp_path, monkeypatch):
    monkeypatch.setattr(transaction, "_exchange", lambda first, second: False)
    out = old_set(sheets, tmp_path)
    build(sheets["b"], out)
    assert snapshot(out / DEAL) == clean(sheets, "b")
    assert sorted(path.name for path in out.iterdir()) == [f".{DEAL}.lock", DEAL]


# Helpers ------------------------------------------------------------------------------

def _unprivileged(*args: str) -> subprocess.CompletedProcess:
    """`dealdocs ARGS` subject to file permissions: as root, without the capabilities
    that override them."""
    command = [sys.executable, "-m", "generator", *args]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv (util-linux) to drop privileges")
        drop = "-dac_override,-dac_read_search"
        command = ["setpriv", f"--inh-caps={drop}", f"--bounding-set={drop}", *command]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False, env={**os.environ, "COLUMNS": "300"})


def _state(pid: int) -> str | None:
    """The process's state letter (R, S, T stopped, Z zombie), or None if it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return None


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None


def _workers(pid: int) -> set[int]:
    """The processes of the build `pid`'s pool: its fork server and the server's children."""
    parents = {}
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"forkserver" in (entry / "cmdline").read_bytes():
                parents[int(entry.name)] = _parent(int(entry.name))
        except (FileNotFoundError, ProcessLookupError):
            continue
    servers = {child for child, parent in parents.items() if parent == pid}
    return servers | {child for child, parent in parents.items() if parent in servers}


def _read_line(stream, timeout: float = 60) -> str:
    ready, _, _ = select.select([stream], [], [], timeout)
    assert ready, "nothing was printed"
    return stream.readline()


def _wait_until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


# Parts: folders made from the built documents (binders, change reports, versions) -------

def test_a_part_is_written_as_one_transaction_and_render_keeps_it(tmp_path):
    out = tmp_path / "out"
    build(AMENDMENT_2, out, formats=["html"])
    folder = out / "zoltek-amendment-2"
    before = snapshot(folder)
    transaction.update_part(out, "zoltek-amendment-2", "changes",
                            {"report.html": b"one", "sub/a.txt": b"a"})
    assert (folder / "changes" / "report.html").read_bytes() == b"one"
    transaction.update_part(out, "zoltek-amendment-2", "changes", {"report.html": b"two"})
    assert sorted(p.name for p in (folder / "changes").rglob("*")) == ["report.html"]
    transaction.update_part(out, "zoltek-amendment-2", "changes", {"b.txt": b"b"},
                            replace=False)
    assert sorted(p.name for p in (folder / "changes").iterdir()) == ["b.txt", "report.html"]
    assert {k: v for k, v in snapshot(folder).items() if not k.startswith("changes")} == before
    assert build(AMENDMENT_2, out, formats=["html"]).rendered == []
    assert (folder / "changes" / "b.txt").read_bytes() == b"b"


@pytest.mark.parametrize("part, name", [("../x", "a"), ("changes", "../a"), ("changes", "/a"),
                                        ("Changes", "a")])
def test_a_part_cannot_leave_the_deal_folder(tmp_path, part, name):
    with pytest.raises(ValueError):
        transaction.update_part(tmp_path, "zoltek-amendment-2", part, {name: b"x"})


# Issue 18 -----------------------------------------------------------------------------

@pytest.mark.parametrize("what, said", [("link", "is a symbolic link"),
                                        ("dangling link", "is a symbolic link"),
                                        ("hard link", "has another name (a hard link)"),
                                        ("pipe", "is not a regular file"),
                                        ("folder", "is a folder")])
def test_item_3_a_lock_path_that_is_not_a_lock_file_is_named_and_left_alone(
        sheets, tmp_path, what, said):
    """The lock is opened without following a link and never emptied unless it is a
    regular file of one name: the user's file a link points to keeps its bytes, and a
    dangling link creates nothing outside the output folder."""
    out = old_set(sheets, tmp_path)
    lock = out / f".{DEAL}.lock"
    lock.unlink()
    precious = tmp_path / "precious.txt"
    if what != "dangling link":
        precious.write_text("the user's own")
    if what.endswith("link"):
        (os.link if what == "hard link" else os.symlink)(precious, lock)
    elif what == "pipe":
        os.mkfifo(lock)
    else:
        lock.mkdir()
    result = runner.invoke(app, ["render", str(sheets["b"]), "--format", "html", "--out",
                                 str(out)], terminal_width=400)
    assert result.exit_code == 1
    assert result.output.strip() == (f"{lock} {said}, not a lock file; remove it: dealdocs "
                                     "keeps the lock of the deal's builds there")
    if what == "dangling link":
        assert not precious.exists()
    else:
        assert precious.read_text() == "the user's own"
    assert snapshot(out / DEAL) == clean(sheets, "a")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_item_7_a_pdf_build_leaves_no_temporary_files(tmp_path, jobs):
    """WeasyPrint's copies of the fonts (weasyprint-*, 2 MB each) go, whether the PDFs are
    written in the build's process or in a pool. Jinja's cache of compiled templates is
    kept on purpose (generator/rendering.py): one folder, reused by every run."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    result = subprocess.run([sys.executable, "-m", "generator", "render", str(AMENDMENT_2),
                             "--format", "pdf", "--jobs", jobs, "--out", str(tmp_path / "out")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
                            env={**os.environ, "TMPDIR": str(temporary)})
    assert result.returncode == 0, result.stderr
    assert "2 documents rendered" in result.stdout
    assert [path.name for path in temporary.iterdir()
            if not path.name.startswith("_jinja2-cache")] == []


def test_a_pool_starts_under_a_temporary_folder_too_long_for_a_unix_socket(tmp_path):
    """The processes' server listens on a socket in a folder of TMPDIR; a path past 107
    bytes cannot be bound (as under pytest-xdist's temporary folders)."""
    temporary = tmp_path / ("t" * 100)
    temporary.mkdir()
    result = subprocess.run([sys.executable, "-m", "generator", "render", str(AMENDMENT_2),
                             "--format", "pdf", "--jobs", "2", "--out", str(tmp_path / "out")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
                            env={**os.environ, "TMPDIR": str(temporary)})
    assert result.returncode == 0, result.stderr
    assert "2 documents rendered" in result.stdout


def test_item_9_the_last_version_and_the_manifest_describe_the_set_after_racing_renders(
        sheets, tmp_path):
    """The first build stops itself where it takes the deal's lock for the last time (before
    this fix: to keep its version, after its swap); the second builds and keeps its own;
    then the first goes on. The last version is the set in the folder, and none is lost."""
    dry_out = old_set(sheets, tmp_path / "dry-run")
    dry = harness(dry_out, 0, "render", str(sheets["b"]), "--format", "html", "--out",
                  str(dry_out))
    _, log = dry.communicate(timeout=120)
    assert dry.returncode == 0, log
    last_lock = max(int(number) for _, number, event, path in
                    (line.split(" ", 3) for line in log.splitlines() if line.startswith("event "))
                    if event == "open" and path.endswith(f"/.{DEAL}.lock"))
    out = old_set(sheets, tmp_path)
    first = harness(out, last_lock, "render", str(sheets["b"]), "--format", "html", "--out",
                    str(out), name="SIGSTOP")
    _wait_until(lambda: _state(first.pid) == "T")
    second = subprocess.run([sys.executable, "-m", "generator", "render", str(sheets["a"]),
                             "--format", "html", "--out", str(out)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert second.returncode == 0, second.stderr
    os.kill(first.pid, signal.SIGCONT)
    _, errors = first.communicate(timeout=120)
    assert first.returncode == 0, errors
    manifest = assert_consistent(out / DEAL, sheets["b"])
    index = json.loads((out / DEAL / "versions" / "index.json").read_text())
    assert [version["term_sheet"] for version in index["versions"]] == ["a.yaml", "b.yaml"]
    assert index["versions"][-1]["term_sheet_sha256"] == manifest["term_sheet"]["sha256"]
    assert index["versions"][-1]["manifest_sha256"] == hashlib.sha256(
        (out / DEAL / "manifest.json").read_bytes()).hexdigest()


def test_item_9_a_build_that_adds_files_does_not_claim_the_set_for_its_term_sheet(
        sheets, tmp_path):
    """A conversion's notices (here: b's Schedule A) added to the set a built: the manifest
    still names a at its head, and says which file came from which term sheet."""
    out = old_set(sheets, tmp_path)
    build(sheets["b"], out, "schedule-a", prune=False)
    manifest = assert_consistent(out / DEAL, sheets["a"])
    sha = {key: hashlib.sha256(sheets[key].read_bytes()).hexdigest() for key in sheets}
    by_file = {entry["file"]: entry["term_sheet_sha256"] for entry in manifest["outputs"]}
    assert by_file.pop("schedule-a.html") == sha["b"]
    assert set(by_file.values()) == {sha["a"]}
    build(sheets["b"], out)  # a build of the whole set is b's
    manifest = assert_consistent(out / DEAL, sheets["b"])
    assert {entry["term_sheet_sha256"] for entry in manifest["outputs"]} == {sha["b"]}


def test_a_huge_file_read_back_under_the_lock_is_an_error_not_a_read(tmp_path):
    """The binder reads the closing's PDFs and its part folder back: a file grown past
    anything dealdocs writes (sparse here: no disk is used) is refused by its size."""
    from generator.build.transaction import read_files, read_part, update_part
    from generator.errors import OutputError
    update_part(tmp_path, "deal", "first", {"binder.pdf": b"%PDF-1.7"})
    os.truncate(tmp_path / "deal" / "first" / "binder.pdf", 2 << 30)
    with pytest.raises(OutputError, match=r"binder.pdf is larger than 1 GiB"):
        read_part(tmp_path, "deal", "first")
    with pytest.raises(OutputError, match=r"binder.pdf is larger than 1 GiB"):
        read_files(tmp_path, "deal", ["first/binder.pdf"])
