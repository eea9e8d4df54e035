"""Writing many documents' files over the machine's cores.

WeasyPrint is CPU-bound and holds the GIL, so PDF and Word files are made in a pool of
processes that send their bytes back; the main process alone writes them (into the
staging folder, see transaction.py). Each process imports the writers and prepares the
stylesheet and fonts once (writers/pdf.py). The largest documents go first, so that the
cores finish together on small ones.

The processes are started fresh ("spawn"), not forked: a fork would copy the lock on the
deal folder and the threads of the progress display, and a fork server would outlive a
killed build as the parent of its workers. A worker whose parent dies stops (a killed
build must not leave processes rendering for no one).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TypeVar

from ..errors import DealdocsError, OutputError, RenderError
from ..findings import Finding
from ..writers import WRITERS, RenderedDocument

Key = TypeVar("Key")
Done = Callable[[Key, bytes, float], None]
"""Called in the main process with each job's key, bytes and the writer's seconds."""

# Cheap enough to make in the main process: a process would cost more than the work.
_INLINE_FORMATS = frozenset({"html"})
# Rough cost per character of HTML, to order the jobs: a PDF takes about eight times
# as long as a Word file of the same document.
_COST = {"pdf": 8, "docx": 1}


def default_jobs() -> int:
    """The cores this process may run on (where the system says; else all of them)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def write_all(jobs: Sequence[tuple[Key, RenderedDocument, str]], processes: int,
              done: Done[Key]) -> None:
    """Make every (key, document, format) job's bytes and hand them to `done`.

    The first failure stops the rest and is raised; so is any failure of `done`.
    """
    inline = [job for job in jobs if job[2] in _INLINE_FORMATS]
    heavy = sorted((job for job in jobs if job[2] not in _INLINE_FORMATS),
                   key=lambda job: -len(job[1].html) * _COST[job[2]])
    if processes < 2 or len(heavy) < 2:
        for key, document, format in inline + heavy:
            done(key, *_outcome(_write(document, format)))
        return
    with ProcessPoolExecutor(min(processes, len(heavy)),
                             mp_context=multiprocessing.get_context("spawn"),
                             initializer=_start_worker) as pool:
        futures = {pool.submit(_write, document, format): key for key, document, format in heavy}
        try:
            for key, document, format in inline:  # while the processes start
                done(key, *_outcome(_write(document, format)))
            for future in as_completed(futures):
                done(futures[future], *_outcome(future.result()))
        except BrokenProcessPool as error:
            raise OutputError("a process writing the documents stopped unexpectedly",
                              "run the build again (with --jobs 1 if it happens again)") from error
        finally:
            for future in futures:
                future.cancel()


@dataclass(frozen=True)
class _Written:
    data: bytes
    seconds: float


@dataclass(frozen=True)
class _Failed:
    """A writer's error, as data: the errors' own constructors do not survive pickling."""

    findings: list[Finding]
    message: str


def _write(document: RenderedDocument, format: str) -> _Written | _Failed:
    start = time.perf_counter()
    try:
        data = WRITERS[format].render(document)
    except RenderError as error:
        return _Failed(error.findings, "")
    except DealdocsError as error:
        return _Failed([], str(error))
    return _Written(data, time.perf_counter() - start)


def _outcome(result: _Written | _Failed) -> tuple[bytes, float]:
    if isinstance(result, _Failed):
        raise RenderError(result.findings) if result.findings else DealdocsError(result.message)
    return result.data, result.seconds


def _start_worker() -> None:
    # Ctrl-C reaches the whole process group; the main process handles it and stops us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, daemon=True).start()


def _exit_with_parent() -> None:
    """A worker waits for work forever; if the build is killed, even before this worker
    has started, stop with it. The parent's sentinel is a pipe only the parent holds."""
    multiprocessing.parent_process().join()
    os._exit(1)
