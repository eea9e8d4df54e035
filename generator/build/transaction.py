"""The deal folder changes as one transaction. Only this module touches the output folder.

A build writes the new set into a staging folder beside the deal folder
(`OUT/.<deal id>.staging-<pid>`), takes every file it keeps from the current set by hard
link (a copy where the file system has none), writes the manifest last and swaps the
staging folder into place. On Linux the swap is one `renameat2(RENAME_EXCHANGE)`, so at
every moment `OUT/<deal id>` is the complete old set or the complete new set, each with
its manifest. Where that call is missing, two renames: a build killed between them leaves
the old set at `OUT/.<deal id>.old-<pid>` and no deal folder, and the next build puts the
old set back. All of it happens under the deal's lock (lock.py), so a staging or old
folder that a build finds can only be the leftover of a killed run, and is removed.

Files are created with the mode the umask gives; a file that replaces one of the same
name keeps that file's mode, and the new folder keeps the old folder's. Nothing in the
deal folder is ever opened in a way that follows a link or waits on a pipe.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import hashlib
import os
import re
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO

from ..errors import OutputError
from . import readback
from .lock import Holder, locked
from .manifest import MANIFEST, MAX_MANIFEST_BYTES, Manifest, parse_manifest
from .plan import FileState

# What a killed build of dealdocs 0.1 left inside the deal folder: .<file>.<8 random>.tmp
_OLD_TEMPORARY = re.compile(r"^\.[a-z0-9][a-z0-9_.-]*\.[a-z0-9_]{8}\.tmp$")
# Where a hard link cannot be made, a copy is: a file system without links (FAT, some
# network shares), another device, a file of someone else's (protected_hardlinks).
_NO_LINK = frozenset({errno.EXDEV, errno.EPERM, errno.EACCES, errno.EMLINK, errno.ENOTSUP,
                      errno.EOPNOTSUPP})
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class DealFolder:
    """`OUT/<deal id>`: read under the deal's lock, then replaced as a whole."""

    def __init__(self, out_dir: Path, deal_id: str):
        self.out_dir = out_dir
        self.path = out_dir / deal_id
        self.staging = out_dir / f".{deal_id}.staging-{os.getpid()}"
        self._old = out_dir / f".{deal_id}.old-{os.getpid()}"
        self._lock = out_dir / f".{deal_id}.lock"
        self._leftover = re.compile(rf"^\.{re.escape(deal_id)}\.(staging|old)-\d+$")
        self._files: dict[str, FileState | None] = {}
        self._manifest_mode: int | None = None
        self.manifest_bytes: bytes | None = None
        """The manifest as read, to tell whether a build would change it."""

    @contextmanager
    def opened(self, waiting: Callable[[Holder], None]) -> Iterator[DealFolder]:
        """The folder, locked against other builds, with the leftovers of killed ones gone.

        Unless `commit` was called, nothing of this build remains when it is left.
        """
        with _os_errors(f"cannot create {self.out_dir}"):
            if os.path.lexists(self.out_dir) and not self.out_dir.is_dir():
                raise OutputError(f"{self.out_dir} is a file, not a folder",
                                  "choose another --out")
            self.out_dir.mkdir(parents=True, exist_ok=True)
        with ExitStack() as held:
            with _os_errors(f"cannot lock {self.path}"):
                held.enter_context(locked(self._lock, waiting))
            try:
                self._recover()
                self._check()
                yield self
            finally:
                _remove(self.staging)

    def read(self, names: Iterable[str]) -> tuple[Manifest | None, dict[str, FileState | None]]:
        """The manifest, and what is at each of `names` and each file it lists."""
        names = set(names)
        with _os_errors(f"cannot read {self.path}"):
            manifest = self._read_manifest()
            recorded = {entry.file for entry in manifest.entries} if manifest else set()
            self._files = {name: self._state(self.path, name) for name in names | recorded}
            for name in names:  # a file this build writes would take the folder's place
                if (self.path / name).is_dir() and not (self.path / name).is_symlink():
                    raise OutputError(f"{self.path / name} is a folder where dealdocs writes "
                                      "a file", "move it away")
        return manifest, self._files

    @property
    def has_leftovers(self) -> bool:
        """Whether the folder holds temporary files of a killed dealdocs 0.1 build."""
        return any(_OLD_TEMPORARY.match(name) for name in self._names())

    def begin(self) -> None:
        """Create the staging folder, with the deal folder's mode."""
        with _os_errors(f"cannot write in {self.out_dir}"):
            self.staging.mkdir()
            if self.path.is_dir():
                os.chmod(self.staging, stat.S_IMODE(os.stat(self.path).st_mode))

    def carry(self, name: str) -> None:
        """Take the file `name` of the current set into the new one, as it is."""
        with _os_errors(f"cannot write in {self.out_dir}"):
            _link(self.path / name, self.staging / name)

    def carry_others(self, handled: set[str]) -> None:
        """Take everything in the folder that is not `handled` and not the manifest (files
        the user put there, folders included) into the new set, as it is."""
        with _os_errors(f"cannot write in {self.out_dir}"):
            for name in self._names():
                if name in handled or name == MANIFEST or _OLD_TEMPORARY.match(name):
                    continue
                source = self.path / name
                if source.is_dir() and not source.is_symlink():
                    shutil.copytree(source, self.staging / name, symlinks=True,
                                    copy_function=_link)
                else:
                    _link(source, self.staging / name)

    def write(self, name: str, data: bytes) -> None:
        """Write `name` into the new set; if the current set has a file of that name, with
        its mode."""
        state = self._files.get(name)
        with _os_errors(f"cannot write {self.path / name}"):
            _write(self.staging / name, data, state.mode if state and state.sha256 else None)

    def write_part(self, part: str, files: Mapping[str, bytes], *, replace: bool) -> None:
        """Write `files` into the new set's `part` (see update_part), which carry_others
        left out."""
        if not _PART.match(part) or any(not _relative(name) for name in files):
            raise ValueError(f"not a part of a deal folder: {part!r} {sorted(files)[:3]}")
        target = self.staging / part
        with _os_errors(f"cannot write in {self.path / part}"):
            current = self.path / part
            if not replace and current.is_dir() and not current.is_symlink():
                shutil.copytree(current, target, symlinks=True, copy_function=_link,
                                ignore=lambda where, names: [
                                    name for name in names
                                    if os.path.relpath(Path(where) / name, current) in files])
            target.mkdir(exist_ok=True)
            for name, data in sorted(files.items()):
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                _write(target / name, data, None)

    def commit(self, manifest: Manifest | None) -> None:
        """Write the manifest (if the folder holds a build) and swap the new set into place."""
        with _os_errors(f"cannot write {self.path}"):
            if manifest is not None:
                _write(self.staging / MANIFEST, manifest.to_bytes(), self._manifest_mode)
            _fsync_folder(self.staging)
            if not os.path.lexists(self.path):
                os.rename(self.staging, self.path)
            elif not _exchange(self.staging, self.path):
                os.rename(self.path, self._old)
                os.rename(self.staging, self.path)
            _fsync_folder(self.out_dir)
        _remove(self.staging)  # now the old set, after an exchange
        _remove(self._old)

    def _recover(self) -> None:
        """Remove what killed builds left; put back an old set a killed swap took away."""
        with _os_errors(f"cannot read {self.out_dir}"):
            leftovers = sorted(path for path in self.out_dir.iterdir()
                               if self._leftover.match(path.name))
            old_sets = [path for path in leftovers if ".old-" in path.name]
            if old_sets and not os.path.lexists(self.path):
                os.rename(old_sets[-1], self.path)
        for path in leftovers:
            _remove(path)

    def _check(self) -> None:
        if not os.path.lexists(self.path):
            return
        if self.path.is_symlink():
            raise OutputError(f"{self.path} is a symbolic link", "give --out the folder it "
                              "points into: a build replaces the deal folder as a whole")
        if not self.path.is_dir():
            raise OutputError(f"{self.path} is a file, not a folder", "move it away or choose "
                              "another --out")
        if not os.access(self.path, os.W_OK | os.X_OK):
            raise OutputError(f"{self.path} is read-only", "make it writable (chmod u+w): a "
                              "build replaces the deal folder as a whole")

    def _names(self) -> list[str]:
        try:
            return sorted(os.listdir(self.path))
        except FileNotFoundError:
            return []

    def _read_manifest(self) -> Manifest | None:
        with _open_regular(self.path, MANIFEST) as handle:
            if handle is None:
                return None
            self._manifest_mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
            self.manifest_bytes = handle.read(MAX_MANIFEST_BYTES)
            return parse_manifest(self.manifest_bytes)

    @staticmethod
    def _state(folder: Path, name: str) -> FileState | None:
        with _open_regular(folder, name) as handle:
            if handle is None:
                try:
                    return FileState(None, stat.S_IMODE(os.lstat(folder / name).st_mode))
                except FileNotFoundError:
                    return None
            return FileState(hashlib.file_digest(handle, "sha256").hexdigest(),
                             stat.S_IMODE(os.fstat(handle.fileno()).st_mode))


def update_part(out_dir: Path, deal_id: str, part: str, files: Mapping[str, bytes], *,
                replace: bool = True,
                waiting: Callable[[Holder], None] = lambda holder: None) -> Path:
    """Write `files` into `OUT/<deal id>/<part>/` as one transaction of the deal folder.

    A part is a folder of things made from the built documents (a closing's binder, the
    change report and redlines, the kept versions). Under the deal's lock, the rest of the
    folder is taken into the staging folder as it is, and the part is written anew: with
    `replace` it holds exactly `files` afterwards; without, `files` are added to what it
    holds (replacing files of the same name). Names in `files` are relative to the part.
    The deal folder need not hold a build: a change report between two term sheets can be
    the first thing in it. Returns the part's folder.
    """
    folder = DealFolder(out_dir, deal_id)
    with folder.opened(waiting):
        manifest, _ = folder.read(())
        folder.begin()
        folder.carry_others({part})
        folder.write_part(part, files, replace=replace)
        folder.commit(manifest)
    return folder.path / part


def read_files(out_dir: Path, deal_id: str, names: Iterable[str], *,
               waiting: Callable[[Holder], None] = lambda holder: None) -> dict[str, bytes]:
    """The files `names` of the deal folder, read under the deal's lock: a build running at
    the same time cannot swap the folder between two of them."""
    folder = DealFolder(out_dir, deal_id)
    found = {}
    with folder.opened(waiting):
        for name in names:
            with _os_errors(f"cannot read {folder.path / name}"), \
                    _open_regular(folder.path, name) as handle:
                if handle is None:
                    raise OutputError(f"{folder.path / name} is missing or not a file",
                                      "run the command again")
                found[name] = _read_capped(handle, folder.path / name)
    return found


def read_part(out_dir: Path, deal_id: str, part: str, *,
              waiting: Callable[[Holder], None] = lambda holder: None) -> dict[str, bytes]:
    """The regular files of `OUT/<deal id>/<part>/` (not its subfolders), read under the
    deal's lock; none when it does not exist."""
    folder = DealFolder(out_dir, deal_id)
    found = {}
    with folder.opened(waiting):
        where = folder.path / part
        with _os_errors(f"cannot read {where}"):
            names = sorted(os.listdir(where)) if where.is_dir() and not where.is_symlink() else []
            for name in names:
                with _open_regular(where, name) as handle:
                    if handle is not None:
                        found[name] = _read_capped(handle, where / name)
    return found


_MAX_READ_BACK_BYTES = 1 << 30
"""Of a document or a part's file read back: past the largest PDF or binder dealdocs writes."""


def _read_capped(handle: BinaryIO, path: Path) -> bytes:
    # The size first, so that a huge file is not read; then the bytes, in case it grew.
    huge = os.fstat(handle.fileno()).st_size > _MAX_READ_BACK_BYTES
    data = b"" if huge else handle.read(_MAX_READ_BACK_BYTES + 1)
    if huge or len(data) > _MAX_READ_BACK_BYTES:
        raise OutputError(f"{path} is larger than 1 GiB, more than dealdocs writes",
                          "delete it and run the command again")
    return data


_PART = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
CHANGES, VERSIONS = "changes", "versions"
"""The parts of a deal folder that are not a closing's binder (whose part is its id)."""


def _relative(name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts and all(
        part not in ("", ".") for part in parts)


@contextmanager
def _open_regular(folder: Path, name: str) -> Iterator[BinaryIO | None]:
    """The regular file `folder/name` open for reading; None if there is none, or something
    else (a link to /dev/zero, a pipe) that must not be read."""
    try:
        handle = readback.open_regular(folder, name)
    except (FileNotFoundError, readback.Refused):
        yield None
        return
    with handle:
        yield handle


def _write(path: Path, data: bytes, mode: int | None) -> None:
    # O_EXCL with 0o666: the umask decides the mode, as for any file a program creates.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    with open(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        if mode is not None:
            os.fchmod(descriptor, mode)
        os.fsync(descriptor)


def _link(source: Path | str, target: Path | str) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as error:
        if error.errno not in _NO_LINK:
            raise
        shutil.copy2(source, target, follow_symlinks=False)


def _fsync_folder(path: Path) -> None:
    """So that a crash of the machine cannot lose the new names (the files are synced)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if function is not None:
        function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                             ctypes.c_uint]
    return function


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step; False where the system or file system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                 _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(error, os.strerror(error), str(second))


def _remove(path: Path) -> None:
    """Remove a staging or old folder; what cannot be removed now the next build removes."""
    if os.path.lexists(path):
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def _os_errors(what: str) -> Iterator[None]:
    """An OSError becomes one line that names the folder, not a temporary name inside it."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or str(error)
        fix = ("choose a shorter --out" if error.errno == errno.ENAMETOOLONG
               else "check that the output folder exists and that you may write in it")
        raise OutputError(f"{what}: {reason}", fix) from error
