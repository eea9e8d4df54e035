"""Writing output files: atomically, and only when the bytes change."""

from __future__ import annotations

import enum
import os
import tempfile
from pathlib import Path


class WriteStatus(enum.Enum):
    CREATED = "created"
    CHANGED = "changed"
    IDENTICAL = "identical"


def write_atomic(path: Path, data: bytes) -> WriteStatus:
    """Write `data` to `path` through a temporary file and a rename.

    An interrupted run never leaves a half-written file where a good one was, and a
    file whose bytes would not change is not touched (its time stamp stays).
    """
    if path.exists():
        if path.read_bytes() == data:
            return WriteStatus.IDENTICAL
        status = WriteStatus.CHANGED
    else:
        status = WriteStatus.CREATED
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return status
