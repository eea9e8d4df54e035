"""What runs in a process of the build's pool (generator/build/parallel.py).

It lives beside the writers, outside generator.build, so that a process imports only
the writers and not the whole build (the typed model, the templates): a quarter of a
second less before each process starts writing.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import DealdocsError, RenderError
from ..findings import Finding
from . import WRITERS, RenderedDocument

if TYPE_CHECKING:
    from multiprocessing.connection import Connection


@dataclass(frozen=True)
class Written:
    data: bytes
    seconds: float
    """The writer's own time."""


@dataclass(frozen=True)
class Failed:
    """A writer's error, as data: the errors' own constructors do not survive pickling."""

    findings: list[Finding]
    message: str

    def error(self) -> DealdocsError:
        return RenderError(self.findings) if self.findings else DealdocsError(self.message)


def write(document: RenderedDocument, format: str) -> Written | Failed:
    start = time.perf_counter()
    try:
        data = WRITERS[format].render(document)
    except RenderError as error:
        return Failed(error.findings, "")
    except DealdocsError as error:
        return Failed([], str(error))
    return Written(data, time.perf_counter() - start)


def serve(connection: Connection, scratch: str) -> None:
    """Write each (document, format) the build sends, and send back the result, until the
    build closes the pipe. Temporary files go into `scratch`, the run's folder."""
    _start(scratch)
    while True:
        try:
            document, format = connection.recv()
            connection.send(write(document, format))
        except (EOFError, BrokenPipeError):  # the build is done, or stopped
            return


def _start(scratch: str) -> None:
    # Ctrl-C reaches the whole process group; the main process handles it and stops us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # WeasyPrint copies the fonts into a folder of its own (weasyprint-*), which it removes
    # only when its configuration is collected, and ours lasts as long as the process.
    tempfile.tempdir = scratch
    threading.Thread(target=_exit_with_parent, args=(scratch,), daemon=True).start()


def _exit_with_parent(scratch: str) -> None:
    """A pool process waits for work forever; if the build is killed, even before this
    process has started, stop with it, removing the run's temporary files, which the build
    no longer can. The parent's sentinel is a pipe only it holds."""
    import multiprocessing  # here: the main process imports this module too, and needs none

    multiprocessing.parent_process().join()
    shutil.rmtree(scratch, ignore_errors=True)
    os._exit(1)
