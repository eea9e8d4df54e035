"""Reading back a file dealdocs wrote into the output folder, which anyone may have changed
since: a file replaced by a link to /dev/zero, a pipe, a huge or damaged file must give an
answer, never a read without end or a wait without end.

A file is opened below its folder one name at a time, none of them followed if it is a
symbolic link (the folder's own path, above it, is the user's to choose); without waiting,
so that a pipe cannot block the open; and it is read only if it is a regular file, and
never past a limit. Gzip data is decompressed to a limit too.
"""

from __future__ import annotations

import errno
import os
import stat
import zlib
from pathlib import Path, PurePosixPath
from typing import BinaryIO

_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_GZIP = 16 + zlib.MAX_WBITS


class Refused(Exception):
    """Something other than a file dealdocs could have written is at a path."""

    def __init__(self, path: Path, what: str):
        self.path = path
        super().__init__(f"{path} {what}")


def open_regular(folder: Path, name: str) -> BinaryIO:
    """The regular file `folder/name` (`name` may name subfolders), open for reading.

    FileNotFoundError when nothing is there; Refused when a link, a folder, a pipe or a
    device is there, at the file or at a folder between.
    """
    *parents, last = PurePosixPath(name).parts
    descriptor = _open(_FOLDER, folder, None, "a folder")
    try:
        for part in parents:
            inner = _open(_FOLDER, Path(part), descriptor, "a folder", folder)
            os.close(descriptor)
            descriptor, folder = inner, folder / part
        found = _open(_FILE, Path(last), descriptor, "a file", folder)
    finally:
        os.close(descriptor)
    kind = _kind(os.fstat(found).st_mode)
    if kind:
        os.close(found)
        raise Refused(folder / last, f"is {kind}, not a file")
    return open(found, "rb")


def read_regular(folder: Path, name: str, limit: int) -> bytes:
    """The bytes of the regular file `folder/name`, if there are no more than `limit`."""
    with open_regular(folder, name) as handle:
        # The size first, so that a huge file is not read; then the bytes, in case it grew.
        size = os.fstat(handle.fileno()).st_size
        data = handle.read(limit + 1) if size <= limit else b""
    if size > limit or len(data) > limit:
        raise Refused(folder / name, f"is larger than {_size(limit)}, more than dealdocs writes")
    return data


def gunzip(data: bytes, limit: int, path: Path) -> bytes:
    """`data` (one gzip member, as gzip.compress makes) decompressed, if it is no more than
    `limit` bytes; Refused, naming `path`, if it is damaged or larger."""
    inflater = zlib.decompressobj(_GZIP)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as error:
        raise Refused(path, f"is damaged ({error})") from None
    if len(out) > limit:
        raise Refused(path, f"decompresses to more than {_size(limit)}, more than dealdocs "
                      "writes")
    if not inflater.eof or inflater.unused_data:
        raise Refused(path, "is damaged (cut short, or followed by other data)")
    return out


def _open(flags: int, path: Path, folder: int | None, expected: str,
          where: Path | None = None) -> int:
    try:
        return os.open(path, flags, dir_fd=folder)
    except OSError as error:
        # Linux says ENOTDIR for a link opened as a folder without following it, ELOOP for
        # a link opened as a file: ask what is there.
        if error.errno not in (errno.ELOOP, errno.ENOTDIR):
            raise
        full = where / path if where else path
        try:
            mode = os.stat(path, dir_fd=folder, follow_symlinks=False).st_mode
        except FileNotFoundError:
            raise error from None
        raise Refused(full, f"is {_kind(mode) or 'a file'}, not {expected}") from None


def _kind(mode: int) -> str:
    """What a non-regular file is, in words; empty for a regular file."""
    for test, kind in ((stat.S_ISREG, ""), (stat.S_ISLNK, "a symbolic link"),
                       (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a pipe"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "a device"


def _size(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit:,} bytes"
