"""The versions of a deal that were built, kept to compare and redline against.

Each `dealdocs render` of a whole deal records what it built, when that differs from the
last version: the term sheet as it was, the rendered HTML of every document and the build's
manifest. They are kept in `OUT/<deal id>/versions/`: `index.json` lists the versions, and
`objects/<sha256>.gz` holds each text once, compressed, however many versions share it, so
a version that changes one note costs that note's HTML. PDF and Word files are not kept:
the HTML is what a redline is made from.

Reading is here, and what a build adds; the build writes it in its own transaction
(build/__init__.py), so that the last version always describes the set in the folder.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..build import readback
from ..build.transaction import VERSIONS
from ..deal import derive
from ..errors import OutputError, TermSheetError
from ..loader import MAX_FILE_BYTES
from ..osuser import os_user
from ..pipeline import Prepared
from ..termsheet import LoadedTermSheet, parse_term_sheet
from ..writers import RenderedDocument
from .report import Snapshot, form_changes
from .terms import term_changes

_INDEX = "index.json"
_FORMAT = 2  # of index.json; a reader refuses one it does not know
_READS = (1, _FORMAT)  # 1: without the forms
_MAX_INDEX_BYTES = 64 << 20
_MAX_OBJECT_BYTES = 64 << 20
"""Of a term sheet (at most 1 MiB), a document's HTML or a manifest, compressed or not."""


@dataclass(frozen=True)
class StoredDocument:
    name: str
    title: str
    kind: str
    created: str
    identifier: str
    html: str
    """The SHA-256 of its HTML, the name of the object holding it."""


@dataclass(frozen=True)
class Version:
    number: int
    recorded: str
    """When it was built: ISO 8601, UTC, to the second."""
    by: str
    term_sheet: str
    """The term sheet's file name."""
    term_sheet_sha256: str
    manifest_sha256: str | None
    documents: tuple[StoredDocument, ...]
    summary: str
    """What changed since the version before, in a line."""
    forms: dict[str, str] | None = None
    """Each form's SHA-256 by name, as the deal's forms were (None: kept by a dealdocs that
    did not record them)."""

    @property
    def label(self) -> str:
        return f"version {self.number} of {self.recorded.replace('T', ' ')} UTC"


def read_versions(deal_folder: Path) -> list[Version]:
    """The versions kept in a deal folder, oldest first (none when it keeps none)."""
    path = deal_folder / VERSIONS / _INDEX
    fix = f"move {deal_folder / VERSIONS} away to start a new history"
    try:
        data = json.loads(_read(deal_folder, f"{VERSIONS}/{_INDEX}", _MAX_INDEX_BYTES, fix))
    except FileNotFoundError:
        return []
    except (ValueError, RecursionError) as exc:  # not JSON, or nested past what it reads
        raise OutputError(f"{path} cannot be read ({exc})", fix) from None
    if not isinstance(data, dict) or data.get("format") not in _READS:
        raise OutputError(f"{path} was written by another version of dealdocs", fix)
    try:
        return [Version(**{**item, "documents": tuple(StoredDocument(**document)
                                                      for document in item["documents"])})
                for item in data["versions"]]
    except (KeyError, TypeError) as exc:  # edited by hand, or cut short
        raise OutputError(f"{path} is not an index of versions ({exc!r})", fix) from None


def read_object(deal_folder: Path, sha256: str, limit: int = _MAX_OBJECT_BYTES) -> bytes:
    """The text stored under `sha256`, if it is no more than `limit` bytes."""
    name = f"{VERSIONS}/objects/{sha256}.gz"
    fix = "compare with another version (--against)"
    try:
        data = readback.gunzip(_read(deal_folder, name, _MAX_OBJECT_BYTES, fix), limit,
                               deal_folder / name)
    except FileNotFoundError:
        raise OutputError(f"{deal_folder / name} is missing", fix) from None
    except readback.Refused as refused:
        raise OutputError(str(refused), fix) from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise OutputError(f"{deal_folder / name} does not hold what the index says", fix)
    return data


def _read(deal_folder: Path, name: str, limit: int, fix: str) -> bytes:
    """A file of the version store, which anyone may have replaced: FileNotFoundError when
    it is not there, OutputError when something else than a file of ours is."""
    try:
        return readback.read_regular(deal_folder, name, limit)
    except FileNotFoundError:
        raise
    except readback.Refused as refused:
        raise OutputError(str(refused), fix) from None
    except OSError as exc:
        raise OutputError(f"{deal_folder / name} cannot be read ({exc.strerror})", fix) from None


def stored_documents(deal_folder: Path, version: Version) -> dict[str, RenderedDocument]:
    """A version's documents as they were rendered."""
    return {document.name: RenderedDocument(
        document.name, document.title, read_object(deal_folder, document.html).decode("utf-8"),
        dt.date.fromisoformat(document.created), document.identifier, document.kind)
        for document in version.documents}


class Keeping:
    """The version a build of the whole deal keeps (`documents`, from `prepared`), now and by
    this user, unless the last version is the same: a Keeper of build.write_documents, so
    that it is decided under the deal's lock and swapped in with the set it describes, and
    a damaged store stops the build before anything changed. `kept` is the version kept,
    once the build is done, if one was."""

    part = VERSIONS

    def __init__(self, prepared: Prepared, documents: list[RenderedDocument]):
        assert prepared.deal is not None
        self._prepared = prepared
        self._documents = documents
        self._term_sheet = prepared.source.text.encode("utf-8")
        self._forms = prepared.forms.digests(fonts=False)
        self._stored = tuple(StoredDocument(document.name, document.title, document.kind,
                                            document.created.isoformat(), document.identifier,
                                            _sha(document.html.encode("utf-8")))
                             for document in documents)
        self._folder = Path()
        self._versions: list[Version] = []
        self.kept: Version | None = None

    def read(self, deal_folder: Path) -> bool:
        self._folder = deal_folder
        self._versions = read_versions(deal_folder)
        last = self._versions[-1] if self._versions else None
        return not (last and (last.term_sheet_sha256, last.documents, last.forms)
                    == (_sha(self._term_sheet), self._stored, self._forms))

    def files(self, manifest: bytes) -> dict[str, bytes]:
        versions, source = self._versions, self._prepared.source
        last = versions[-1] if versions else None
        self.kept = version = Version(
            len(versions) + 1, dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
            .isoformat(), os_user(), Path(source.file).name, _sha(self._term_sheet),
            _sha(manifest), self._stored,
            summary(_loaded(self._folder, last), last,
                    LoadedTermSheet(self._prepared.sheet, source), self._stored, self._forms),
            self._forms)
        stored = {sha for v in versions for sha in
                  (v.term_sheet_sha256, v.manifest_sha256, *(d.html for d in v.documents))}
        objects = {_sha(data): data for data in
                   [self._term_sheet, manifest,
                    *(document.html.encode("utf-8") for document in self._documents)]}
        index = json.dumps({"format": _FORMAT,
                            "versions": [asdict(v) for v in [*versions, version]]},
                           indent=1, ensure_ascii=False).encode("utf-8") + b"\n"
        return {_INDEX: index, **{f"objects/{sha}.gz": gzip.compress(data, mtime=0)
                                  for sha, data in objects.items() if sha not in stored}}


def kept_snapshot(deal_folder: Path, current: Snapshot, against: int | None = None
                  ) -> Snapshot | None:
    """The kept version to compare `current` with: version `against`, else the last one
    that differs from `current` (so that after the current terms are built, it is the
    version before them); None when no kept version differs."""
    kept = read_versions(deal_folder)
    if not kept:
        raise OutputError(f"{deal_folder}: no version of the deal is kept",
                          "run dealdocs render to keep one, or compare two term sheets: "
                          "dealdocs diff OLD NEW")
    if against is not None:
        version = next((v for v in kept if v.number == against), None)
        if version is None:
            raise OutputError(f"{deal_folder}: no version {against}",
                              f"choose one of 1 to {len(kept)} (dealdocs versions)")
    else:
        version = next((v for v in reversed(kept) if not _same(v, current)), None)
        if version is None:
            return None
    loaded = load_term_sheet_of(deal_folder, version)
    return Snapshot(version.label, dt.datetime.fromisoformat(version.recorded).replace(
        tzinfo=dt.UTC), loaded, derive(loaded.sheet),
                    stored_documents(deal_folder, version), version.forms)


def _same(version: Version, snapshot: Snapshot) -> bool:
    return (version.term_sheet_sha256 == snapshot.loaded.source.sha256
            and version.forms in (None, snapshot.forms)
            and {document.name: document.html for document in version.documents}
            == {name: _sha(document.html.encode("utf-8"))
                for name, document in snapshot.documents.items()})


def load_term_sheet_of(deal_folder: Path, version: Version) -> LoadedTermSheet:
    """A version's term sheet, typed by today's model."""
    # No larger than the loader reads a term sheet: the index names the object to parse.
    text = read_object(deal_folder, version.term_sheet_sha256, MAX_FILE_BYTES).decode("utf-8")
    return parse_term_sheet(text, f"{version.term_sheet} ({version.label})")


def summary(old: LoadedTermSheet | None, last: Version | None, new: LoadedTermSheet,
            documents: tuple[StoredDocument, ...], forms: dict[str, str]) -> str:
    """What changed since the last version, in a line: the terms, the forms, then the
    documents."""
    if last is None:
        return f"first version: {_count(len(documents), 'document')}"
    said = ["term sheet edited"]
    if old is not None:
        terms = term_changes(old, new)
        said = [f"{change.label} {change.was} -> {change.now}"
                for change in terms[:2]] or ["no term changed"]
        if len(terms) > 2:
            said.append(f"and {_count(len(terms) - 2, 'more term')}")
    parts = [", ".join(said)]
    changed_forms = [change.name for change in form_changes(last.forms, forms)]
    if changed_forms:
        parts.append("forms changed: " + ", ".join(changed_forms[:2])
                     + (f" and {len(changed_forms) - 2} more" if len(changed_forms) > 2 else ""))
    before = {document.name: document.html for document in last.documents}
    after = {document.name: document.html for document in documents}
    counts = [f"{number} {what}" for number, what in (
        (sum(1 for name in after if name in before and before[name] != after[name]), "changed"),
        (sum(1 for name in after if name not in before), "new"),
        (sum(1 for name in before if name not in after), "removed")) if number]
    return "; ".join([*parts, "documents: " + (", ".join(counts) or "none changed")])


def _loaded(folder: Path, version: Version | None) -> LoadedTermSheet | None:
    """The version's term sheet, if today's model still reads it."""
    if version is None:
        return None
    try:
        return load_term_sheet_of(folder, version)
    except (TermSheetError, OutputError, UnicodeDecodeError):
        return None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _count(number: int, singular: str) -> str:
    return f"{number} {singular}{'' if number == 1 else 's'}"
