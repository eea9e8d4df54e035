"""Incremental builds (issue 7): only what changed is rendered, and the result is the same
as a clean build. The bundled deal is built once per session and copied for each test."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import Reason, Status, render_documents, write_documents
from generator.changes.versions import Keeping
from generator.documents import plan
from generator.pipeline import prepare
from tests.helpers import (AMENDMENT_1, ROOT, assert_consistent, replace_once, snapshot,
                           with_lenders)

DEAL = "zoltek-amendment-1"

DOCUMENTS = len(plan(prepare(AMENDMENT_1).deal))
"""The bundled Amendment No. 1's documents: amendment, Schedule A, each note and its forms."""


def build(term_sheet: Path, out: Path, *only: str, formats=("html", "pdf", "docx"), **options):
    prepared = prepare(term_sheet)
    return write_documents(prepared.deal, render_documents(prepared.deal, only), formats, out,
                           prepared.source, **options)


@pytest.fixture(scope="session")
def built(bundled, tmp_path_factory) -> Path:
    """OUT of a full build of the bundled deal in every format, kept as a version as
    `dealdocs render` keeps it: the run's files (conftest's Bundled), which the build finds
    up to date."""
    out = tmp_path_factory.mktemp("built")
    bundled.deal_folder(AMENDMENT_1, out, ("html", "pdf", "docx"))
    prepared = prepare(AMENDMENT_1)
    documents = render_documents(prepared.deal)
    build = write_documents(prepared.deal, documents, ("html", "pdf", "docx"), out,
                            prepared.source, keep=Keeping(prepared, documents))
    assert build.rendered == [] and len(build.up_to_date) == DOCUMENTS
    return out


@pytest.fixture
def out(built, tmp_path) -> Path:
    """A copy of the bundled build, for a test to change."""
    copy = tmp_path / "out"
    shutil.copytree(built, copy, symlinks=True)
    return copy


NO_CHANGE = """
import sys
from generator.cli import main
sys.argv = ["dealdocs", *sys.argv[1:]]
try:
    main()
finally:
    writers = {"weasyprint", "docxtpl", "docx", "pypdf"}
    print("imported:", sorted({name.split(".")[0] for name in sys.modules} & writers),
          file=sys.stderr)
"""


def test_a_rebuild_with_nothing_changed_renders_nothing_and_imports_no_writer(out):
    folder = out / DEAL
    before = {path.name: (path.stat().st_ino, path.stat().st_mtime_ns)
              for path in folder.iterdir()}
    result = subprocess.run([sys.executable, "-c", NO_CHANGE, "render", str(AMENDMENT_1),
                             "--out", str(out)], capture_output=True, text=True, check=False,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"{folder}: nothing to do, {DOCUMENTS} documents up to date" in result.stdout
    assert "imported: []" in result.stderr
    assert {path.name: (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in folder.iterdir()} == before
    assert sorted(path.name for path in out.iterdir()) == [f".{DEAL}.lock", DEAL]


def test_one_lenders_principal_changes_only_its_documents_schedule_a_and_the_amendment(
        out, write_sheet):
    rockmore = "  - lender: rockmore\n    additional_warrants: 0\n    principal:\n      third: "
    sheet = write_sheet(replace_once(AMENDMENT_1.read_text(), rockmore + "3,333,333",
                                     rockmore + "3,333,334"))
    result = build(sheet, out, jobs=2)
    # The lender's note, and its conversion schedule, which states the note's principal.
    assert result.rendered == ["amendment-1", "schedule-a", "note-third-rockmore",
                               "conversion-schedule-third-rockmore"]
    assert len(result.up_to_date) == DOCUMENTS - 4
    assert {o.reason for o in result.outputs if o.reason} == {Reason.DOCUMENT}
    assert {o.status for o in result.outputs if o.reason} == {Status.CHANGED}
    assert_consistent(out / DEAL, sheet)


def test_a_deleted_or_edited_file_is_found_by_its_hash_and_restored(out, built):
    folder = out / DEAL
    (folder / "schedule-a.pdf").unlink()
    edited = folder / "amendment-1.html"
    written = edited.stat()
    edited.write_bytes(edited.read_bytes().replace(b"Zoltek", b"Zoltec"))
    os.utime(edited, ns=(written.st_atime_ns, written.st_mtime_ns))  # so time cannot tell
    result = build(AMENDMENT_1, out)
    assert {(o.file, o.status, o.reason) for o in result.outputs if o.reason} == {
        ("schedule-a.pdf", Status.RESTORED, Reason.MISSING),
        ("amendment-1.html", Status.RESTORED, Reason.EDITED)}
    assert snapshot(folder) == snapshot(built / DEAL)


def test_force_renders_everything_and_touches_no_file_whose_bytes_stay(out):
    folder = out / DEAL
    # Files keep their inodes (a folder such as versions/ is made anew, its files linked).
    before = {path.name: path.stat().st_ino for path in folder.rglob("*") if path.is_file()}
    result = build(AMENDMENT_1, out, formats=["html"], force=True)
    assert len(result.rendered) == DOCUMENTS
    assert {(o.status, o.reason) for o in result.outputs} == {(Status.IDENTICAL, Reason.FORCED)}
    after = {path.name: path.stat().st_ino for path in folder.rglob("*") if path.is_file()}
    assert {name: after[name] for name in after if name != "manifest.json"} == {
        name: before[name] for name in before if name != "manifest.json"}
    assert_consistent(folder, AMENDMENT_1)


def test_a_changed_writer_renders_its_format_again(out):
    manifest_path = out / DEAL / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for entry in manifest["outputs"]:
        if entry["format"] == "docx":
            entry["inputs"]["writer"] = "0" * 64  # as if the Word writer's code had changed
    manifest_path.write_text(json.dumps(manifest))
    result = build(AMENDMENT_1, out, "schedule-a")
    assert {(o.file, o.status, o.reason) for o in result.outputs if o.reason} == {
        ("schedule-a.docx", Status.IDENTICAL, Reason.WRITER)}


def test_incremental_builds_equal_a_clean_build_of_the_last_term_sheet(tmp_path):
    """Through renamed, dropped and added lenders and a new price, across processes."""
    sheet = tmp_path / "deal.yaml"
    kinds = ("schedule-a", "conversion-notice", "conversion-schedule")
    three = with_lenders(3)
    versions = [
        three,
        replace_once(three, "legal_name: Omicron Master Trust", "legal_name: Omicron Trust II"),
        with_lenders(2),
        with_lenders(4).replace("conversion_price: '25.51'", "conversion_price: '30.50'"),
    ]
    rendered = []
    for text in versions:
        sheet.write_text(text)
        rendered.append(build(sheet, tmp_path / "incremental", *kinds, jobs=2).rendered)
    # The renamed lender's name stands in Schedule A and on its own conversion forms.
    assert rendered[1] == ["schedule-a", "conversion-notice-third-omicron",
                           "conversion-notice-fourth-omicron", "conversion-schedule-third-omicron",
                           "conversion-schedule-fourth-omicron"]
    build(sheet, tmp_path / "clean", *kinds, jobs=1)
    assert snapshot(tmp_path / "incremental") == snapshot(tmp_path / "clean")
    assert_consistent(tmp_path / "incremental" / DEAL, sheet)
