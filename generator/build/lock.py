"""One build of a deal at a time: an advisory lock on a file beside the deal folder.

`flock` is released by the kernel when its holder exits or is killed, so a dead build
never leaves the deal locked and nothing has to decide whether a lock is stale. The
holder writes its process id and command into the file, so that a second build can say
whom it is waiting for.
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as far as its file says (it may be empty for a moment)."""

    pid: int | None
    command: str
    since: str

    def __str__(self) -> str:
        if self.pid is None:
            return "another process"
        return f"process {self.pid} ({self.command}, since {self.since})"


@contextmanager
def locked(path: Path, waiting: Callable[[Holder], None]) -> Iterator[None]:
    """Hold the lock at `path`; if another process holds it, call `waiting` and wait."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting(_holder(descriptor))
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, json.dumps({
            "pid": os.getpid(), "command": shlex.join(["dealdocs", *sys.argv[1:]]),
            "since": time.strftime("%H:%M:%S")}).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(descriptor, 0)  # no one waiting later reads this process's name
    finally:
        os.close(descriptor)  # releases the lock


def _holder(descriptor: int) -> Holder:
    try:
        recorded = json.loads(os.pread(descriptor, 4096, 0))
        return Holder(int(recorded["pid"]), str(recorded["command"]), str(recorded["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return Holder(None, "", "")
