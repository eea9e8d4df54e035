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
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import OutputError
from ..writers import RenderedDocument
from ..writers.worker import Failed, Written, serve, write

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

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
    with _Pool(min(processes, len(heavy))) as pool:
        for key, document, format in inline:  # while the processes get ready
            done(key, *_outcome(write(document, format)))
        for key, result in pool.run(heavy):
            done(key, *_outcome(result))


# A Unix socket's path is at most 107 bytes; the fork server's is its folder's, plus about 30.
_MAX_SOCKET_FOLDER = 70


def _short_socket_folder() -> None:
    """The fork server listens on a socket in multiprocessing's temporary folder, made in
    TMPDIR: under a long TMPDIR the server could not start. Make that folder in the
    system's own, once per process, before the server starts."""
    from multiprocessing import util

    if len(os.fsencode(tempfile.gettempdir())) <= _MAX_SOCKET_FOLDER:
        return
    chosen = tempfile.tempdir
    tempfile.tempdir = "/tmp"
    try:
        util.get_temp_dir()  # made now, kept for the process, removed at its exit
    finally:
        tempfile.tempdir = chosen


class _Pool:
    """Processes that each write one document at a time, over a pipe of their own.

    Not concurrent.futures' pool: its queues hold named semaphores, which the resource
    tracker reports as leaked when the build is killed. A pipe is all a process needs; when
    the build closes it, the process ends. The processes' temporary files (WeasyPrint's
    copies of the fonts) go into a folder of the run's, which the run removes, and which a
    process removes if the build is killed (writers/worker.py).
    """

    def __init__(self, processes: int):
        # Imported only when a pool is needed: a build with nothing to write goes without.
        import multiprocessing

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        _short_socket_folder()
        self._scratch = tempfile.mkdtemp(prefix="dealdocs-")
        self._workers: dict[Connection, BaseProcess] = {}
        self._busy: dict[Connection, Any] = {}
        try:
            for _ in range(processes):
                ours, theirs = context.Pipe()
                process = context.Process(target=serve, args=(theirs, self._scratch),
                                          daemon=True)
                process.start()
                theirs.close()
                self._workers[ours] = process
        except BaseException:
            self.__exit__()
            raise

    def __enter__(self) -> _Pool:
        return self

    def run(self, jobs: Sequence[tuple[Key, RenderedDocument, str]]
            ) -> Iterator[tuple[Key, Written | Failed]]:
        """Each job's key and result, as the processes finish them (the first jobs first)."""
        from multiprocessing.connection import wait

        waiting = iter(jobs)
        try:
            for connection in self._workers:
                self._give(connection, waiting)
            while self._busy:
                for connection in wait(list(self._busy)):
                    result = connection.recv()
                    key = self._busy.pop(connection)
                    self._give(connection, waiting)
                    yield key, result
        except (EOFError, OSError):  # a process died: killed, or out of memory
            raise OutputError("a process writing the documents stopped unexpectedly",
                              "run the build again (with --jobs 1 if it happens again)"
                              ) from None

    def _give(self, connection: Connection,
              waiting: Iterator[tuple[Key, RenderedDocument, str]]) -> None:
        job = next(waiting, None)
        if job is not None:
            key, document, format = job
            connection.send((document, format))
            self._busy[connection] = key

    def __exit__(self, *exc: object) -> None:
        """Stop the processes (those still writing, when the build failed), then remove
        their temporary files."""
        for connection, process in self._workers.items():
            connection.close()
            if connection in self._busy:
                process.terminate()
        for process in self._workers.values():
            process.join()
        shutil.rmtree(self._scratch, ignore_errors=True)


def _outcome(result: Written | Failed) -> tuple[bytes, float]:
    if isinstance(result, Failed):
        raise result.error()
    return result.data, result.seconds
