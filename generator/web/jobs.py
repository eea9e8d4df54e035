"""Builds started from the desk: each runs in a thread of its own while its page follows
its progress (server-sent events), as `dealdocs render` would print it."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..binder.build import build_binders
from ..build import Build, default_jobs, render_documents, write_documents
from ..changes.folder import change_documents, write_changes
from ..changes.report import change_report, current_snapshot
from ..changes.versions import Keeping, kept_snapshot
from ..documents import KIND_NAMES
from ..errors import BinderError, DealdocsError, RenderError
from ..findings import Finding
from ..osuser import os_user
from ..pipeline import Prepared


@dataclass
class Job:
    id: int
    sheet: str
    step: str
    done: int = 0
    total: int | None = None
    stage: str = "Starting"
    """What the build is doing now, in words; `done` of `total` count its files."""
    build: Build | None = None
    error: str = ""
    findings: list[Finding] = field(default_factory=list)
    outcome: str = ""
    """What a step other than a build did, in a line."""
    changes: list[str] = field(default_factory=list)
    """The files a comparison wrote into the deal's changes folder."""
    finished: threading.Event = field(default_factory=threading.Event)
    """Set when the build has ended, well or not; its page polls this and the counts."""

    def report(self, done: int, total: int) -> None:
        self.stage, self.done, self.total = "Writing the files", done, total

    def preparing(self) -> None:
        """Rendering and checking the documents, before any file is written."""
        self.stage, self.done, self.total = "Preparing the documents", 0, None


def render_step(prepared: Prepared, out: Path, kinds: list[str], formats: list[str],
                job: Job) -> None:
    """`dealdocs render --only KIND... --format ...`; a build of every kind is kept as a
    version, as `dealdocs render` keeps it."""
    assert prepared.deal is not None
    job.preparing()
    documents = render_documents(prepared.deal, kinds)
    whole = not kinds or set(kinds) >= set(KIND_NAMES)
    keeping = Keeping(prepared, documents) if whole else None
    job.build = write_documents(prepared.deal, documents, formats, out, prepared.source,
                                keep=keeping, progress=job.report)
    if keeping is not None and keeping.kept is not None:
        job.outcome = f"Kept as {keeping.kept.label}."


def compare_step(prepared: Prepared, out: Path, kinds: list[str], formats: list[str],
                 job: Job) -> None:
    """`dealdocs diff TERM_SHEET --format ...`: the change report and the redlines against
    the last kept version that differs from the saved term sheet."""
    assert prepared.deal is not None
    deal_id = prepared.deal.deal.id
    job.preparing()
    new = current_snapshot(prepared)
    old = kept_snapshot(out / deal_id, new)
    if old is None:
        job.outcome = "Nothing to compare: no kept version differs from the saved terms."
        return
    report = change_report(old, new)
    if not report.changed:
        job.outcome = f"No change from {old.label}."
        return
    documents = change_documents(report, old, new, deal_id, os_user())
    folder = write_changes(out, deal_id, documents, formats, default_jobs(),
                           progress=job.report)
    job.outcome = (f"Compared with {old.label}: {_count(len(report.terms), 'term')} changed, "
                   f"{_count(len(report.figures), 'figure')} moved, "
                   f"{_count(len(report.documents), 'document')} changed.")
    job.changes = sorted(path.name for path in folder.iterdir())


def binder_step(prepared: Prepared, out: Path, kinds: list[str], formats: list[str],
                job: Job) -> None:
    """`dealdocs binder TERM_SHEET`: every closing's binder (documents and formats are the
    binder's own), the deal kept as a version."""
    assert prepared.deal is not None
    closings = list(prepared.deal.closings)
    job.preparing()

    def step(closing, what: str) -> None:
        job.stage, job.done, job.total = f"{closing.name}'s binder: {what}", 0, None

    job.build, binders, _ = build_binders(prepared, closings, out, progress=job.report,
                                       step=step,
                                       keep=Keeping(prepared, render_documents(prepared.deal)))
    made = [binder.closing.name for binder in binders if binder.files]
    job.outcome = (f"Binders made: {', '.join(made)}." if made else
                   "Every binder was up to date.")


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'s' if number != 1 else ''}"


# The steps the desk offers, by name: each a function of this signature.
STEPS = {"render": render_step, "binder": binder_step, "compare": compare_step}
STEP_NAMES = {"render": "Making the documents", "binder": "Making the binders",
              "compare": "Comparing with the last version"}


class Jobs:
    def __init__(self) -> None:
        self._jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)

    def start(self, sheet: str, step: str, prepared: Prepared, out: Path, kinds: list[str],
              formats: list[str]) -> Job:
        job = Job(next(self._ids), sheet, step)
        self._jobs[job.id] = job

        def run() -> None:
            try:
                STEPS[step](prepared, out, kinds, formats, job)
            except (RenderError, BinderError) as exc:
                job.error, job.findings = "the documents have errors", exc.findings
            except DealdocsError as exc:
                job.error = str(exc)
            except Exception as exc:
                job.error = f"the build failed unexpectedly: {exc}"
                raise  # and its traceback goes to the server's log
            finally:
                job.finished.set()

        threading.Thread(target=run, name=f"build-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: int) -> Job | None:
        return self._jobs.get(job_id)
