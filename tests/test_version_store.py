"""The version store against files that are not what dealdocs wrote (issue 18, items 2 and
8): a link, a pipe, a huge or damaged file in `versions/` is a one-line error naming it,
in bounded time and memory, and a build that finds the store damaged changes nothing.
Commands run in processes of their own, with a memory limit and a timeout, so that a read
without end fails the test instead of the machine."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import AMENDMENT_2, ROOT, replace_once, snapshot

DEAL = "zoltek-amendment-2"
MEMORY = 512 << 20
"""A diff of this deal needs about 300 MiB of address space; reading /dev/zero needs all."""

LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
from generator.cli import main
sys.argv = ["dealdocs", *sys.argv[2:]]
main()
"""


def dealdocs(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", LIMITED, str(MEMORY), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=30, check=False,
                          env={**os.environ, "COLUMNS": "400"})


@pytest.fixture(scope="module")
def kept(tmp_path_factory) -> Path:
    """OUT holding a build of Amendment No. 2 (HTML), kept as version 1."""
    out = tmp_path_factory.mktemp("kept") / "out"
    result = dealdocs("render", str(AMENDMENT_2), "--format", "html", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def deal(kept, tmp_path) -> tuple[Path, Path]:
    """A copy of the kept build, and the term sheet with one lender renamed since."""
    out = tmp_path / "out"
    shutil.copytree(kept, out, symlinks=True)
    sheet = tmp_path / "deal.yaml"
    sheet.write_text(replace_once(AMENDMENT_2.read_text(), "Cranshire Capital, L.P.",
                                  "Cranshire Capital, LLC"))
    return sheet, out


def store(out: Path) -> Path:
    return out / DEAL / "versions"


def term_sheet_object(out: Path) -> Path:
    (version,) = json.loads((store(out) / "index.json").read_text())["versions"]
    return store(out) / "objects" / f"{version['term_sheet_sha256']}.gz"


def document_object(out: Path) -> Path:
    """The object holding the HTML of the kept version's first document."""
    (version,) = json.loads((store(out) / "index.json").read_text())["versions"]
    return store(out) / "objects" / f"{version['documents'][0]['html']}.gz"


def replace(path: Path, by: str) -> None:
    path.unlink()
    if by == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    elif by == "pipe":
        os.mkfifo(path)
    elif by == "folder":
        path.mkdir()


def one_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    (line,) = result.stderr.strip().splitlines()
    return line


@pytest.mark.parametrize("by, what", [("link to /dev/zero", "is a symbolic link, not a file"),
                                      ("pipe", "is a pipe, not a file"),
                                      ("folder", "is a folder, not a file")])
def test_an_object_that_is_not_a_file_is_named_by_diff(deal, by, what):
    sheet, out = deal
    path = term_sheet_object(out)
    replace(path, by)
    line = one_line(dealdocs("diff", str(sheet), "--format", "html", "--out", str(out)))
    assert line == f"{path} {what}; compare with another version (--against)"


@pytest.mark.parametrize("by", ["link to /dev/zero", "pipe"])
@pytest.mark.parametrize("command", ["versions", "diff", "render"])
def test_an_index_that_is_not_a_file_is_named_by_every_command(deal, by, command):
    sheet, out = deal
    index = store(out) / "index.json"
    replace(index, by)
    before = snapshot(out / DEAL)
    line = one_line(dealdocs(command, str(sheet), "--out", str(out),
                             *(["--format", "html"] if command != "versions" else [])))
    what = "a symbolic link" if by.startswith("link") else "a pipe"
    assert line == (f"{index} is {what}, not a file; move {store(out)} away to start a new "
                    "history")
    assert snapshot(out / DEAL) == before


def test_a_versions_folder_that_is_a_link_is_not_followed(deal, tmp_path):
    sheet, out = deal
    elsewhere = tmp_path / "elsewhere"
    store(out).rename(elsewhere)
    store(out).symlink_to(elsewhere)
    line = one_line(dealdocs("versions", str(sheet), "--out", str(out)))
    assert line == (f"{store(out)} is a symbolic link, not a folder; move {store(out)} away "
                    "to start a new history")


def test_an_object_that_decompresses_past_the_limit_is_refused(deal):
    sheet, out = deal
    path = document_object(out)
    path.write_bytes(gzip.compress(bytes(65 << 20), compresslevel=1))
    line = one_line(dealdocs("diff", str(sheet), "--format", "html", "--out", str(out)))
    assert line == (f"{path} decompresses to more than 64 MiB, more than dealdocs writes; "
                    "compare with another version (--against)")


def test_a_gzip_bomb_of_many_members_is_refused_in_bounded_memory(deal):
    """Two GiB of zeros in 1 MiB of small gzip members: gzip.decompress would take them all."""
    sheet, out = deal
    path = document_object(out)
    member = gzip.compress(bytes(16 << 20), compresslevel=9)
    path.write_bytes(member * 128)
    line = one_line(dealdocs("diff", str(sheet), "--format", "html", "--out", str(out)))
    assert line == (f"{path} is damaged (cut short, or followed by other data); compare with "
                    "another version (--against)")


def test_a_damaged_index_stops_render_before_the_folder_changes(deal):
    """Item 8: the message and the folder agree; the build is refused, nothing swapped."""
    sheet, out = deal
    index = store(out) / "index.json"
    index.write_text('{"format": 1, "versions": [{"number": 1}]}')
    before = snapshot(out / DEAL)
    line = one_line(dealdocs("render", str(sheet), "--format", "html", "--out", str(out)))
    assert line.startswith(f"{index} is not an index of versions")
    assert snapshot(out / DEAL) == before
    assert index.read_text() == '{"format": 1, "versions": [{"number": 1}]}'


def test_an_index_nested_past_what_json_reads_is_a_one_line_error(deal):
    sheet, out = deal
    index = store(out) / "index.json"
    index.write_text("[" * 100_000)
    line = one_line(dealdocs("versions", str(sheet), "--out", str(out)))
    assert line.startswith(f"{index} cannot be read (maximum recursion depth exceeded")
    assert line.endswith(f"; move {store(out)} away to start a new history")


def test_a_term_sheet_of_a_version_is_read_to_the_loaders_limit(deal):
    """The index names the object to parse as the version's term sheet: an index edited to
    name a 2 MiB one is refused, as the loader refuses a term sheet over 1 MiB."""
    sheet, out = deal
    text = AMENDMENT_2.read_bytes() + b"#" * (2 << 20)
    sha256 = hashlib.sha256(text).hexdigest()
    path = store(out) / "objects" / f"{sha256}.gz"
    path.write_bytes(gzip.compress(text))
    index = json.loads((store(out) / "index.json").read_text())
    index["versions"][0]["term_sheet_sha256"] = sha256
    (store(out) / "index.json").write_text(json.dumps(index))
    line = one_line(dealdocs("diff", str(sheet), "--format", "html", "--out", str(out)))
    assert line == (f"{path} decompresses to more than 1 MiB, more than dealdocs writes; "
                    "compare with another version (--against)")
