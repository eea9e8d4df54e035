"""Rendered documents kept between runs, by everything they are made from.

A build with nothing to do still renders every document's HTML to find that nothing
changed, which costs most of its time. The HTML is a function of the term sheet (as typed
by the model), the deal's forms, dealdocs' code, the versions of the packages it uses and
the fonts that decide which characters can be printed: `digest` names all of them, and the
documents rendered from them are kept under that name. Any change of any of them is a new
name; so nothing is ever invalidated, only the oldest entries removed.

Like Jinja's bytecode cache the folder is the user's own (`$XDG_CACHE_HOME/dealdocs`, else
`~/.cache/dealdocs`), made private, and what is read from it is checked: an entry that cannot
be read as written is rendered again. The cache is an optimisation only: where the folder
cannot be made or written, documents are rendered as if it were empty.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import json
import os
import platform
import stat
import tempfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from .. import fonts
from ..deal import Deal
from ..forms import Forms
from ..writers import RenderedDocument
from . import readback

_VERSION = 1
_KEPT = 16
"""Entries kept: the last few term sheets and forms of the deals being worked on."""
_MAX_ENTRY_BYTES = 64 << 20
_PACKAGE = Path(__file__).resolve().parent.parent


def digest(deal: Deal, only: Iterable[str]) -> str:
    """The name of the documents of `deal` (of the kinds `only`, all when empty)."""
    parts = {"version": _VERSION, "term_sheet": deal.source_digest,
             "forms": deal.forms.digests(), "code": _code(), "only": sorted(only)}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@functools.cache
def _code() -> str:
    """dealdocs' own code by content, the packages' versions, the system fonts by size and
    time (as the writers' keys name them: build/keys.py); once per process."""
    parts = [f"python {platform.python_version()}"]
    for path in sorted(_PACKAGE.rglob("*.py")):
        if "templates" not in path.relative_to(_PACKAGE).parts:
            parts.append(f"{path.relative_to(_PACKAGE).as_posix()} "
                         f"{hashlib.sha256(path.read_bytes()).hexdigest()}")
    for requirement in metadata.requires("dealdocs") or []:
        name = requirement.split(";")[0].split("[")[0].split(">")[0].split("=")[0].strip()
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} absent")
    for font in fonts.FONTS:
        try:
            info = os.stat(font.path)
            parts.append(f"{font.path} {info.st_size} {info.st_mtime_ns}")
        except OSError:
            parts.append(f"{font.path} missing")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def read(name: str, forms: Forms) -> list[RenderedDocument] | None:
    """The documents kept under `name` (written with `forms`), or None."""
    folder = _folder()
    if folder is None:
        return None
    file = f"{name}.json.gz"
    try:
        data = readback.gunzip(readback.read_regular(folder, file, _MAX_ENTRY_BYTES),
                               _MAX_ENTRY_BYTES, folder / file)
        return [RenderedDocument(d["name"], d["title"], d["html"],
                                 dt.date.fromisoformat(d["created"]), d["identifier"], d["kind"],
                                 forms, d["deal"]) for d in json.loads(data)]
    except (OSError, readback.Refused, ValueError, KeyError, TypeError):
        return None


def write(name: str, documents: list[RenderedDocument]) -> None:
    """Keep `documents` under `name`, and remove the oldest entries past the last few."""
    folder = _folder()
    if folder is None:
        return
    data = gzip.compress(json.dumps(
        [{"name": d.name, "title": d.title, "html": d.html, "created": d.created.isoformat(),
          "identifier": d.identifier, "kind": d.kind, "deal": d.deal} for d in documents]).encode(), mtime=0)
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".writing")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, folder / f"{name}.json.gz")
        entries = sorted(folder.glob("*.json.gz"), key=lambda path: path.stat().st_mtime_ns)
        for old in entries[:-_KEPT]:
            old.unlink(missing_ok=True)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def _folder() -> Path | None:
    """The user's own cache folder, private; None where it cannot be made or is not ours."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base / "dealdocs" / "documents"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.lstat(folder)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            return None
        if stat.S_IMODE(info.st_mode) != 0o700:
            os.chmod(folder, 0o700)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None
    return folder
