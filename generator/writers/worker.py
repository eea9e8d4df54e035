"""What runs in a process of the build's pool (generator/build/parallel.py).

It lives beside the writers, outside generator.build, so that a process imports only
the writers and not the whole build (the typed model, the templates): a quarter of a
second less before each process starts writing.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass

from ..errors import DealdocsError, RenderError
from ..findings import Finding
from . import WRITERS, RenderedDocument


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


def start() -> None:
    """Set up a pool process."""
    # Ctrl-C reaches the whole process group; the main process handles it and stops us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, daemon=True).start()


def _exit_with_parent() -> None:
    """A pool process waits for work forever; if the build is killed, even before this
    process has started, stop with it. The parent's sentinel is a pipe only it holds."""
    import multiprocessing  # here: the main process imports this module too, and needs none

    multiprocessing.parent_process().join()
    os._exit(1)
