"""The manifest: which files a build wrote into the deal folder, from what, with which hash.

It is written last into the staging folder and swapped into place together with the
files it describes (see transaction.py), so it always describes the files beside it. It
is also the cache of the incremental build (each output's inputs, see keys.py), and the
only authority for removing a file: an entry counts only if it has the shape of an
entry this product writes, a plain file name made of the document's name and its
format's extension. Anything else in it (an entry added by hand, a path) is ignored,
and the file it names left alone.

It names, for each file, the term sheet of the last build that made it or found it up to
date, and at its head the term sheet of the last build that decided what the set holds
(`render`, which also removes what its term sheet no longer makes). A build that only
adds files (`convert`'s notices, `binder`'s PDFs) leaves the head as it was: another term
sheet's documents may be beside its own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..documents import RECORDED_KIND_NAMES
from ..writers import FORMATS
from . import readback
from .keys import Inputs

MANIFEST = "manifest.json"
VERSION = 3
"""1: no inputs recorded (every output is rendered again once); 2: inputs recorded; 3: each
output's term sheet recorded."""

_DOCUMENT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,199}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Entry:
    """One output file as the manifest records it."""

    document: str
    kind: str
    format: str
    file: str
    sha256: str
    inputs: Inputs | None
    """None in a manifest written before inputs were recorded."""
    term_sheet_sha256: str | None = None
    """The SHA-256 of the term sheet it was made from (or found up to date with); None in a
    manifest written before that was recorded."""


@dataclass(frozen=True)
class Manifest:
    term_sheet: str
    term_sheet_sha256: str
    entries: tuple[Entry, ...]

    def to_bytes(self) -> bytes:
        manifest = {
            "manifest": VERSION,
            "term_sheet": {"file": self.term_sheet, "sha256": self.term_sheet_sha256},
            "outputs": [{"document": e.document, "kind": e.kind, "format": e.format,
                         "file": e.file, "sha256": e.sha256,
                         "inputs": {"document": e.inputs.document, "writer": e.inputs.writer}
                         if e.inputs else None, "term_sheet_sha256": e.term_sheet_sha256}
                        for e in sorted(self.entries, key=lambda e: e.file)],
        }
        return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


MAX_MANIFEST_BYTES = 64 << 20


def read_manifest(deal_folder: Path) -> Manifest | None:
    """The manifest of a deal folder, read as a build reads it (a regular file, no link
    followed, at most 64 MiB); None when there is none, or none dealdocs could have written."""
    try:
        return parse_manifest(readback.read_regular(deal_folder, MANIFEST, MAX_MANIFEST_BYTES))
    except (OSError, readback.Refused):
        return None


def parse_manifest(data: bytes) -> Manifest | None:
    """The manifest in `data`, without the entries this product would not have written;
    None if it is not a manifest at all."""
    try:
        manifest = json.loads(data.decode("utf-8"))
        term_sheet = manifest["term_sheet"]
        outputs = manifest["outputs"]
        if not isinstance(outputs, list):
            return None
        return Manifest(str(term_sheet["file"]), str(term_sheet["sha256"]),
                        tuple(entry for item in outputs if (entry := _entry(item))))
    except (ValueError, KeyError, TypeError, RecursionError):  # nested past what JSON reads
        return None


def _entry(item: object) -> Entry | None:
    if not isinstance(item, dict):
        return None
    document, kind, format, file, sha256 = (item.get(key) for key in
                                            ("document", "kind", "format", "file", "sha256"))
    if not (isinstance(document, str) and _DOCUMENT_NAME.match(document)
            and kind in RECORDED_KIND_NAMES and format in FORMATS
            and file == f"{document}.{FORMATS[format].extension}"
            and isinstance(sha256, str) and _SHA256.match(sha256)):
        return None
    recorded = item.get("inputs")
    inputs = None
    if isinstance(recorded, dict) and all(isinstance(recorded.get(key), str)
                                          for key in ("document", "writer")):
        inputs = Inputs(recorded["document"], recorded["writer"])
    term_sheet = item.get("term_sheet_sha256")
    return Entry(document, kind, format, file, sha256, inputs,
                 term_sheet if isinstance(term_sheet, str) and _SHA256.match(term_sheet) else None)
