"""Deciding what a build writes: which outputs are up to date, which are rendered and why,
which files of an earlier build are removed and which are kept. Plain data in, plain
data out; the file system is transaction.py's.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..errors import RenderError
from ..findings import Finding, Severity
from ..writers import FORMATS, RenderedDocument
from .keys import Inputs, inputs
from .manifest import Entry, Manifest


class Reason(enum.Enum):
    """Why an output is rendered."""

    NEW = "new"
    DOCUMENT = "the document changed"
    WRITER = "the writer or its stylesheet, fonts or template changed"
    UNRECORDED = "no record of what it was made from"
    MISSING = "the file was missing"
    EDITED = "the file was changed after it was written"
    FORCED = "--force"


@dataclass(frozen=True)
class Target:
    """One file this build makes: a document in a format."""

    document: RenderedDocument
    format: str
    file: str
    inputs: Inputs


@dataclass(frozen=True)
class FileState:
    """What is at a name in the deal folder now."""

    sha256: str | None
    """None when it is not a regular file (a link, a pipe, a folder): never read."""
    mode: int


@dataclass(frozen=True)
class Plan:
    render: list[tuple[Target, Reason]]
    up_to_date: list[Target]
    keep: list[Entry]
    """Outputs of kinds or formats this build does not make: kept with their entries."""
    remove: list[Entry]
    """Outputs this build would have made and no longer does, unchanged since written."""
    kept_edited: list[Entry]
    """The same, but changed since they were written: kept, reported, no longer listed."""


def targets(documents: Iterable[RenderedDocument], formats: Iterable[str]) -> list[Target]:
    """Every file to make; RenderError if two documents would get one file name."""
    made: dict[str, Target] = {}
    findings = []
    for document in documents:
        for format in formats:
            file = f"{document.name}.{FORMATS[format].extension}"
            if file in made:
                findings.append(Finding(
                    "output.collision", Severity.ERROR, None, document.name,
                    f"{made[file].document.name} and {document.name} would both be written "
                    f"to {file}", "give one of them another id"))
            made[file] = Target(document, format, file, inputs(document, format))
    if findings:
        raise RenderError(findings)
    return list(made.values())


def decide(wanted: list[Target], previous: Manifest | None,
           files: Mapping[str, FileState | None], force: bool = False,
           prune: bool = True) -> Plan:
    """What to do, given the previous manifest and what is at each name now; without
    `prune`, what this build does not make is kept whatever its kind.

    An output is up to date when its recorded inputs are this build's and its file still
    has the recorded SHA-256; comparing times instead would miss a file edited by hand.
    """
    entries = {entry.file: entry for entry in previous.entries} if previous else {}
    plan = Plan([], [], [], [], [])
    for target in wanted:
        reason = _reason(target, entries.get(target.file), files.get(target.file), force)
        if reason is None:
            plan.up_to_date.append(target)
        else:
            plan.render.append((target, reason))
    kinds = {target.document.kind for target in wanted}
    formats = {target.format for target in wanted}
    made = {target.file for target in wanted}
    for entry in entries.values():
        if entry.file in made:
            continue
        if not prune or entry.kind not in kinds or entry.format not in formats:
            plan.keep.append(entry)
        elif (state := files.get(entry.file)) is not None:
            (plan.remove if state.sha256 == entry.sha256 else plan.kept_edited).append(entry)
    return plan


def _reason(target: Target, entry: Entry | None, state: FileState | None,
            force: bool) -> Reason | None:
    if force:
        return Reason.FORCED
    if entry is None:
        return Reason.NEW
    if state is None:
        return Reason.MISSING
    if state.sha256 != entry.sha256:
        return Reason.EDITED
    if entry.inputs is None:
        return Reason.UNRECORDED
    if entry.inputs.document != target.inputs.document:
        return Reason.DOCUMENT
    if entry.inputs.writer != target.inputs.writer:
        return Reason.WRITER
    return None
