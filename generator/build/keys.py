"""What each output is made from, as digests: the keys of the incremental build.

An output is made from its document (the rendered HTML, which already reflects the term
sheet, the templates and the rendering code, plus the metadata that goes into the file)
and from its writer (the writer's code, the files it reads: the deal's own stylesheet or
house style, a firm's where it has one, the fonts, and the versions of the packages it
uses). The manifest records both digests for
each output; an output whose recorded digests equal these, and whose file still has the
SHA-256 the manifest recorded, is up to date. Nothing here imports a writer.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..forms import Forms
from ..writers import FORMATS, RenderedDocument

_PACKAGE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Inputs:
    document: str
    """SHA-256 of the rendered document: its HTML and the metadata the writers put in files."""
    writer: str
    """SHA-256 of the writer's code, the files it reads and the versions of its packages."""


def inputs(document: RenderedDocument, format: str) -> Inputs:
    return Inputs(document_digest(document), writer_digest(format, document.forms))


def document_digest(document: RenderedDocument) -> str:
    digest = hashlib.sha256(json.dumps([document.name, document.kind, document.title,
                                        document.created.isoformat(),
                                        document.identifier]).encode())
    digest.update(document.html.encode("utf-8"))
    return digest.hexdigest()


def writer_digest(format: str, forms: Forms) -> str:
    spec = FORMATS[format]
    digest = hashlib.sha256(_code_digest(format).encode())
    for name in spec.forms:  # by name and content: a firm folder may move with the deal
        digest.update(f"{name} {hashlib.sha256(forms.path(name).read_bytes()).hexdigest()}\n"
                      .encode())
    return digest.hexdigest()


@functools.cache
def _code_digest(format: str) -> str:
    """Once per process: the code, fonts and packages do not change while dealdocs runs."""
    spec = FORMATS[format]
    digest = hashlib.sha256(f"{spec.name} python {platform.python_version()}\n".encode())
    for path in spec.inputs:
        digest.update(_file_identity(path))
    for package in spec.packages:
        digest.update(f"{package} {metadata.version(package)}\n".encode())
    return digest.hexdigest()


def _file_identity(path: Path) -> bytes:
    """dealdocs' own files by content (a checkout or a switch of branch changes their
    times, not their bytes); system files by size and time: the CJK fonts are 50 MB, too
    slow to hash on every build, and change only when their package is upgraded."""
    if path.is_relative_to(_PACKAGE):
        name = path.relative_to(_PACKAGE).as_posix()
        try:
            return f"{name} {hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode()
        except FileNotFoundError:
            return f"{name} missing\n".encode()
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return f"{path} missing\n".encode()
    return f"{path} {info.st_size} {info.st_mtime_ns}\n".encode()
