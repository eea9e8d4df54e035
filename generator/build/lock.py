"""One build of a deal at a time: an advisory lock on a file beside the deal folder.

`flock` is released by the kernel when its holder exits or is killed, so a dead build
never leaves the deal locked and nothing has to decide whether a lock is stale. The
holder writes its process id and command into the file, so that a second build can say
whom it is waiting for.

The lock file is dealdocs's own, and it is emptied: what is at its path is never followed
(a link to a user's file would be emptied, a dangling one would create a file elsewhere)
and must be a regular file with no other name.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shlex
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import OutputError


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
    descriptor = _open(path)
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


def _open(path: Path) -> int:
    """The lock file, created if missing (never truncated: nothing is known about it yet);
    OutputError naming it if something else is at its path."""
    fix = "remove it: dealdocs keeps the lock of the deal's builds there"
    try:
        # O_NONBLOCK: a pipe at the path must not hold the open.
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK
                             | os.O_CLOEXEC, 0o666)
    except OSError as error:
        kinds = {errno.ELOOP: "a symbolic link", errno.EISDIR: "a folder"}
        if error.errno in kinds:
            raise OutputError(f"{path} is {kinds[error.errno]}, not a lock file", fix) from None
        raise
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
        os.close(descriptor)
        what = "has another name (a hard link)" if stat.S_ISREG(info.st_mode) else (
            "is not a regular file")
        raise OutputError(f"{path} {what}, not a lock file", fix)
    return descriptor


def _holder(descriptor: int) -> Holder:
    try:
        recorded = json.loads(os.pread(descriptor, 4096, 0))
        return Holder(int(recorded["pid"]), str(recorded["command"]), str(recorded["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return Holder(None, "", "")
