"""Helpers shared by the tests."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TERM_SHEETS = ROOT / "term_sheets"
AMENDMENT_1 = TERM_SHEETS / "zoltek-amendment-1.yaml"
AMENDMENT_2 = TERM_SHEETS / "zoltek-amendment-2.yaml"
HALVORSEN_1 = TERM_SHEETS / "halvorsen-amendment-1.yaml"
HALVORSEN_2 = TERM_SHEETS / "halvorsen-amendment-2.yaml"


def replace_once(text: str, old: str, new: str) -> str:
    """Replace exactly one occurrence, so a fixture cannot silently stop applying."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def with_lenders(count: int) -> str:
    """Amendment No. 1 with `count` lenders (at least 2), each closing split among them.

    The first lenders are the deal's own (Rockmore and Omicron are named by its
    assignment, counsel and fee clauses); the rest are made up. Principal is split in
    whole dollars with the remainder on the first rows, so the totals are exact and
    warrant shares are left for the checks to derive.
    """
    import yaml

    data = yaml.load(AMENDMENT_1.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    kept = min(count, len(data["lenders"]))
    rows = {row["lender"]: row for row in data["schedule_a"]}
    lenders = data["lenders"][:kept] + [
        {"id": f"lender_{number:03}", "legal_name": f"Lender {number} Capital, L.P."}
        for number in range(kept + 1, count + 1)]
    aggregates = {closing["id"]: int(closing["notes"]["aggregate_principal"].replace(",", ""))
                  for closing in data["closings"]}
    data["lenders"] = lenders
    data["schedule_a"] = []
    for index, lender in enumerate(lenders):
        principal = {closing: str(total // count + (index < total % count))
                     for closing, total in aggregates.items()}
        additional = rows[lender["id"]]["additional_warrants"] if lender["id"] in rows else "0"
        data["schedule_a"].append({"lender": lender["id"], "additional_warrants": additional,
                                   "principal": principal})
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` by its relative path, with its bytes; but the kept
    versions (versions/), whose history is not the documents and differs from run to run."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()
            and path.relative_to(folder).parts[0] != "versions"}


def assert_consistent(folder: Path, *term_sheets: Path) -> dict:
    """The folder holds exactly the files its manifest lists, each with the recorded
    SHA-256, and the manifest was made from one of `term_sheets`. Returns the manifest."""
    import hashlib
    import json

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    files = snapshot(folder)
    listed = {entry["file"]: entry["sha256"] for entry in manifest["outputs"]}
    assert set(files) == set(listed) | {"manifest.json"}, set(files) ^ set(listed)
    for name, sha256 in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == sha256, name
    assert manifest["term_sheet"]["sha256"] in {
        hashlib.sha256(sheet.read_bytes()).hexdigest() for sheet in term_sheets}
    return manifest


def changed_line(before: str, after: str) -> int:
    """The 1-based number of the first line where `after` differs from `before`: where a
    finding about the changed value points, without hard-coding the bundled file's layout."""
    for number, (old, new) in enumerate(zip(before.splitlines(), after.splitlines()), start=1):
        if old != new:
            return number
    return min(len(before.splitlines()), len(after.splitlines())) + 1


def line_of(text: str, needle: str) -> int:
    """The 1-based line on which `needle` (found once) starts in `text`."""
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times"
    return text[:text.index(needle)].count("\n") + 1


@contextmanager
def served_desk(sheets: Path, out: Path) -> Iterator[str]:
    """The deal desk over the term sheets of `sheets`, served in a thread on a free port of
    this machine, until the block ends: its address."""
    import uvicorn

    from generator.web.app import create_app
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(sheets, out), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
