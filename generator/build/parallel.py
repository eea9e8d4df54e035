"""Writing many documents' files over the machine's cores.

WeasyPrint is CPU-bound and holds the GIL, so PDF and Word files are made in a pool of
processes that send their bytes back; the main process alone writes them (into the
staging folder, see transaction.py). The largest documents go first, so that the cores
finish together on small ones.

The processes fork from a server that has imported the writers (and the program's main
module, which multiprocessing imports in each process) once; each then prepares the
stylesheet and fonts once (writers/pdf.py). The server is started fresh, not forked from
the build, so it copies neither the lock on the deal folder nor the threads of the
progress display. What runs in the processes is writers/worker.py; a process whose
build dies stops (a killed build must not leave processes rendering for no one).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TypeVar

from ..errors import OutputError
from ..writers import RenderedDocument
from ..writers.worker import Failed, Written, start, write

Key = TypeVar("Key")
Done = Callable[[Key, bytes, float], None]
"""Called in the main process with each job's key, bytes and the writer's seconds."""

# Cheap enough to make in the main process: a process would cost more than the work.
_INLINE_FORMATS = frozenset({"html"})
# Rough cost per character of HTML, to order the jobs: a PDF takes about eight times
# as long as a Word file of the same document.
_COST = {"pdf": 8, "docx": 1}
_PRELOAD = ["__main__", "generator.writers.worker", "generator.writers.pdf",
            "generator.writers.docx"]


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
            done(key, *_outcome(write(document, format)))
        return
    # Imported only when a pool is needed: a build with nothing to write goes without.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    with ProcessPoolExecutor(min(processes, len(heavy)), mp_context=context,
                             initializer=start) as pool:
        futures = {pool.submit(write, document, format): key for key, document, format in heavy}
        try:
            for key, document, format in inline:  # while the processes start
                done(key, *_outcome(write(document, format)))
            for future in as_completed(futures):
                done(futures[future], *_outcome(future.result()))
        except BrokenProcessPool as error:
            raise OutputError("a process writing the documents stopped unexpectedly",
                              "run the build again (with --jobs 1 if it happens again)") from error
        finally:
            for future in futures:
                future.cancel()


def _outcome(result: Written | Failed) -> tuple[bytes, float]:
    if isinstance(result, Failed):
        raise result.error()
    return result.data, result.seconds
