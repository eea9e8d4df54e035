"""Builds started from the desk: each runs in a thread of its own while its page follows
its progress (server-sent events), as `dealdocs render` would print it."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..build import Build, render_documents, write_documents
from ..errors import DealdocsError, RenderError
from ..findings import Finding
from ..pipeline import Prepared


@dataclass
class Job:
    id: int
    sheet: str
    step: str
    done: int = 0
    total: int | None = None
    build: Build | None = None
    error: str = ""
    findings: list[Finding] = field(default_factory=list)
    finished: threading.Event = field(default_factory=threading.Event)
    """Set when the build has ended, well or not; its page polls this and the counts."""

    def report(self, done: int, total: int) -> None:
        self.done, self.total = done, total


def render_step(prepared: Prepared, out: Path, kinds: list[str], formats: list[str],
                job: Job) -> None:
    """`dealdocs render --only KIND... --format ...`."""
    assert prepared.deal is not None
    documents = render_documents(prepared.deal, kinds)
    job.build = write_documents(prepared.deal, documents, formats, out, prepared.source,
                                progress=job.report)


# The build steps the desk offers, by name. The closing binder (`dealdocs binder`) is to be
# registered here when it lands: a function of the same signature, and a checkbox appears.
STEPS = {"render": render_step}


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
            except RenderError as exc:
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
