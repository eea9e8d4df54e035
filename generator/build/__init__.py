"""Building a deal's documents: gather everything, then write what changed, as one transaction.

1. render.py: every document rendered to HTML and checked; any finding stops the run.
2. keys.py: what each output (a document in a format) is made from, as digests.
3. Under the deal's lock (lock.py), transaction.py reads the manifest and hashes the
   files it lists, and plan.py decides what is up to date, what is rendered again and
   why, and which files of an earlier build go.
4. parallel.py makes the files that are not up to date over the cores; transaction.py
   writes them into a staging folder that takes everything else from the current set,
   adds the version a build of the whole deal keeps (changes/versions.py, decided under
   the same lock), writes the manifest and swaps the staging folder into place.

Nothing in the deal folder changes before that swap, so an error or a kill anywhere
leaves it as it was; and a build that finds everything up to date writes nothing.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..deal import Deal
from ..loader import SourceMap
from ..writers import FORMATS as _FORMATS, RenderedDocument
from .lock import Holder
from .manifest import Entry, Manifest
from .parallel import default_jobs, write_all
from .plan import FileState, Reason, Target, decide, targets
from .render import render_documents, render_jobs
from .transaction import DealFolder

__all__ = ["FORMATS", "Build", "Keeper", "Output", "Reason", "Status", "default_jobs",
           "render_documents", "render_jobs", "write_documents"]

FORMATS = tuple(_FORMATS)


class Status(enum.Enum):
    CREATED = "created"
    CHANGED = "changed"
    IDENTICAL = "identical"
    """Rendered again, same bytes: the file was left as it was."""
    RESTORED = "restored"
    """The file was missing or changed after it was written, and is written again."""
    UP_TO_DATE = "up to date"
    REMOVED = "removed"
    KEPT = "kept"
    """No longer made, but changed after it was written: left for the user to remove."""


@dataclass(frozen=True)
class Output:
    document: str
    kind: str
    format: str
    file: str
    status: Status
    reason: Reason | None = None
    """Why it was rendered; None when it was not."""
    seconds: float = 0.0
    """The writer's own time (0 when it was not rendered)."""


@dataclass(frozen=True)
class Build:
    folder: Path
    outputs: list[Output]

    @property
    def rendered(self) -> list[str]:
        """The documents rendered again, in order."""
        return list(dict.fromkeys(o.document for o in self.outputs if o.reason is not None))

    @property
    def up_to_date(self) -> list[str]:
        """The documents none of whose files had to be rendered."""
        rendered = set(self.rendered)
        return list(dict.fromkeys(o.document for o in self.outputs
                                  if o.status is Status.UP_TO_DATE and o.document not in rendered))


class Keeper(Protocol):
    """What a build adds to a part of the deal folder (the kept versions), in the build's
    own transaction: decided under the deal's lock, so that it describes the set swapped
    in with it, and before anything is written, so that an error leaves the folder as it
    was."""

    part: str

    def read(self, deal_folder: Path) -> bool:
        """Read what the part holds; whether this build adds to it."""

    def files(self, manifest: bytes) -> Mapping[str, bytes]:
        """What to add to the part, given the manifest the build writes."""


def write_documents(deal: Deal, documents: list[RenderedDocument], formats: Iterable[str],
                    out_dir: Path, source: SourceMap, *, jobs: int | None = None,
                    force: bool = False, prune: bool = True, keep: Keeper | None = None,
                    progress: Callable[[int, int], None] = lambda done, total: None,
                    waiting: Callable[[Holder], None] = lambda holder: None) -> Build:
    """Bring `out_dir/<deal id>/` up to date with `documents` in `formats`.

    Only outputs whose inputs or files changed are rendered (all of them with `force`),
    over `jobs` processes (default: one per core); `progress` hears (done, total) after
    each. Outputs of an earlier build that this one would have made and no longer does
    are removed, unless they were changed since; outputs of kinds or formats this build
    does not make are kept. Without `prune` nothing is removed: the documents are added to
    the set (a conversion's notice beside the earlier ones), and the manifest keeps the
    term sheet it names at its head (see manifest.py). `keep` adds to its part in the same
    transaction. `waiting` hears who holds the deal's lock, if anyone does.
    """
    wanted = targets(documents, formats)
    folder = DealFolder(out_dir, deal.deal.id)
    with folder.opened(waiting):
        previous, files = folder.read(target.file for target in wanted)
        keeping = keep is not None and keep.read(folder.path)
        plan = decide(wanted, previous, files, force, prune)
        entries = {entry.file: entry for entry in previous.entries} if previous else {}
        outputs = [_output(target, Status.UP_TO_DATE) for target in plan.up_to_date]
        outputs += [_output(entry, Status.KEPT) for entry in plan.kept_edited]
        outputs += [_output(entry, Status.REMOVED) for entry in plan.remove]
        # An up-to-date file is what this term sheet makes: its entry says so.
        carried = [dataclasses.replace(entries[target.file], term_sheet_sha256=source.sha256)
                   for target in plan.up_to_date] + plan.keep
        head = ((previous.term_sheet, previous.term_sheet_sha256) if previous and not prune
                else (Path(source.file).name, source.sha256))
        unchanged = Manifest(*head, tuple(carried))
        if not plan.render and not keeping and not folder.has_leftovers and (
                folder.manifest_bytes == unchanged.to_bytes()):
            return Build(folder.path, _in_order(outputs, wanted))
        folder.begin()
        for name in [entry.file for entry in carried + plan.kept_edited]:
            folder.carry(name)
        folder.carry_others({target.file for target in wanted} | set(entries)
                            | ({keep.part} if keep is not None and keeping else set()))
        reasons = {target.file: (target, reason) for target, reason in plan.render}
        made: list[Entry] = []

        def written(file: str, data: bytes, seconds: float) -> None:
            target, reason = reasons[file]
            sha256 = hashlib.sha256(data).hexdigest()
            status = _status(reason, files.get(file), sha256)
            if status is Status.IDENTICAL:
                folder.carry(file)  # the same bytes: the file keeps its time stamp
            else:
                folder.write(file, data)
            made.append(Entry(target.document.name, target.document.kind, target.format,
                              file, sha256, target.inputs, source.sha256))
            outputs.append(_output(target, status, reason, seconds))
            progress(len(made), len(plan.render))

        progress(0, len(plan.render))
        write_all([(target.file, target.document, target.format) for target, _ in plan.render],
                  jobs or default_jobs(), written)
        manifest = Manifest(*head, (*carried, *made))
        if keep is not None and keeping:
            folder.write_part(keep.part, keep.files(manifest.to_bytes()), replace=False)
        folder.commit(manifest)
    return Build(folder.path, _in_order(outputs, wanted))


def _in_order(outputs: list[Output], wanted: list[Target]) -> list[Output]:
    """In the order of the documents (binder order), then what was removed or kept."""
    order = {target.file: index for index, target in enumerate(wanted)}
    return sorted(outputs, key=lambda output: order.get(output.file, len(order)))


def _status(reason: Reason, before: FileState | None, sha256: str) -> Status:
    if reason in (Reason.MISSING, Reason.EDITED):
        return Status.RESTORED
    if before is None:
        return Status.CREATED
    return Status.IDENTICAL if before.sha256 == sha256 else Status.CHANGED


def _output(item: Target | Entry, status: Status, reason: Reason | None = None,
            seconds: float = 0.0) -> Output:
    if isinstance(item, Target):
        return Output(item.document.name, item.document.kind, item.format, item.file, status,
                      reason, seconds)
    return Output(item.document, item.kind, item.format, item.file, status)
