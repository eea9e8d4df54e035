"""A negotiated Word draft, read as input from outside: a Word package within limits, and
what dealdocs recorded in it when it wrote the file it was edited from (its custom document
properties, writers/docx_package.py). Nothing in it is believed beyond that grammar."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from ..errors import DraftError
from ..writers.docx_package import (CUSTOM_NS, CUSTOM_PART, PROPERTY_DEAL, PROPERTY_DIGEST,
                                    PROPERTY_DOCUMENT, VT_NS)

MAX_BYTES = 64 << 20
"""Of the Word file as given; a contract draft is a few hundred KiB."""
_MAX_UNPACKED = 256 << 20
_MAX_PROPERTIES_BYTES = 1 << 20
_BODY = "word/document.xml"
_DIGEST_LENGTH = 64
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class Provenance:
    """What a Word file says dealdocs made it from."""

    deal: str
    document: str
    """The document's name (its file stem), as the deal's versions list it."""
    digest: str
    """The SHA-256 of the rendered HTML it was written from."""


@dataclass(frozen=True)
class Draft:
    name: str
    """How to name it in messages: the file's path or the upload's name."""
    data: bytes
    provenance: Provenance | None


def read_draft_file(path: Path) -> Draft:
    """The Word file at `path` (a link is followed; a pipe is not waited on)."""
    fix = "give the negotiated draft as a .docx file"
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise DraftError(f"{path} cannot be read ({exc.strerror})", fix) from None
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise DraftError(f"{path} is not a regular file", fix)
        if status.st_size > MAX_BYTES:
            raise DraftError(f"{path} is larger than {MAX_BYTES >> 20} MiB", fix)
        data = handle.read(MAX_BYTES + 1)
    return read_draft(data, str(path))


def read_draft(data: bytes, name: str) -> Draft:
    """A Word package of at most MAX_BYTES, with its provenance if it records one;
    DraftError naming `name` otherwise."""
    fix = "save the draft in Word as a .docx file (Word Document) and give that"
    if len(data) > MAX_BYTES:
        raise DraftError(f"{name} is larger than {MAX_BYTES >> 20} MiB", fix)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = {info.filename: info for info in package.infolist()}
            if _BODY not in infos:
                raise DraftError(f"{name} is not a Word document (no {_BODY})", fix)
            if sum(info.file_size for info in infos.values()) > _MAX_UNPACKED:
                raise DraftError(f"{name} unpacks to more than {_MAX_UNPACKED >> 20} MiB", fix)
            custom = infos.get(CUSTOM_PART)
            properties = (package.read(custom) if custom is not None
                          and custom.file_size <= _MAX_PROPERTIES_BYTES else None)
        docx.Document(io.BytesIO(data))  # a package python-docx reads, parts and all
    except (zipfile.BadZipFile, EOFError, ValueError, KeyError, etree.XMLSyntaxError,
            PackageNotFoundError):
        raise DraftError(f"{name} is not a Word document (.docx)", fix) from None
    return Draft(name, data, _provenance(properties))


def _provenance(xml: bytes | None) -> Provenance | None:
    if xml is None:
        return None
    try:
        root = etree.fromstring(xml, _SAFE)
    except etree.XMLSyntaxError:
        return None
    values = {item.get("name"): item.findtext(f"{{{VT_NS}}}lpwstr") or ""
              for item in root.iter(f"{{{CUSTOM_NS}}}property")}
    digest = values.get(PROPERTY_DIGEST, "")
    document = values.get(PROPERTY_DOCUMENT, "")
    if (len(digest) != _DIGEST_LENGTH or any(c not in "0123456789abcdef" for c in digest)
            or not document):
        return None
    return Provenance(values.get(PROPERTY_DEAL, ""), document, digest)
