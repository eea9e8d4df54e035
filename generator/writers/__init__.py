"""One writer per output format behind one small interface.

A writer turns a rendered document (complete HTML in the project's vocabulary, see
templates/README.md) into the bytes of one file. Writers never touch the file system:
the caller writes the bytes atomically and records their hash.

Each format declares here, without importing its writer, the files and packages its
bytes depend on: a build compares them with what the manifest recorded to know which
files are up to date. Writers are imported on first use, because WeasyPrint and docxtpl
take a second to import and a build that finds everything up to date never needs them.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..fonts import FONTS
from ..forms import BUNDLED_FORMS, HOUSE_STYLE, PRINT_CSS, Forms

_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class RenderedDocument:
    """A document ready to write: its numbers and references are already filled in."""

    name: str  # output file stem, already sanitized
    title: str
    html: str  # a complete HTML document in the vocabulary of templates/README.md
    created: datetime.date  # from the term sheet, never "now": it goes into the files' metadata
    identifier: str  # stable id of deal and document, e.g. "acme-2006-04-28/note-omicron-1"
    kind: str  # the registry's name for what it is: "amendment", "note", ...
    forms: Forms = BUNDLED_FORMS  # whose print stylesheet and house style it is written in
    deal: str = ""  # the deal's id, which a Word file records (a redline or report: none)


class Writer(Protocol):
    def render(self, doc: RenderedDocument) -> bytes: ...


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    writer: str
    """module:class of the writer, imported on first use."""
    forms: tuple[str, ...]
    """The forms (a document's own: a firm's stylesheet or house style) the bytes depend on."""
    inputs: tuple[Path, ...]
    """Other files the bytes depend on: the writer's code, the fonts."""
    packages: tuple[str, ...]
    """Distributions whose version the bytes depend on."""


def _code(*modules: str) -> tuple[Path, ...]:
    return tuple(_HERE / f"{module}.py" for module in ("__init__", *modules))


FORMATS: dict[str, Format] = {
    "html": Format("html", "html", "html:HtmlWriter", (PRINT_CSS,), _code("html"), ()),
    "pdf": Format("pdf", "pdf", "pdf:PdfWriter", (PRINT_CSS,),
                  (*(font.path for font in FONTS), *_code("pdf"), _HERE.parent / "fonts.py"),
                  ("weasyprint", "pydyf", "fonttools")),
    # The Word writer makes Word's list numbering from the schemes of numbering.py, and the
    # pictures of signature pages' identifiers with pageid.py.
    "docx": Format("docx", "docx", "docx:DocxWriter", (HOUSE_STYLE,),
                   (*_code("docx", "docx_fields", "docx_package", "docx_pictures",
                           "docx_revisions"),
                    _HERE.parent / "numbering.py", _HERE.parent / "pageid.py"),
                   ("docxtpl", "python-docx", "lxml", "jinja2", "segno", "pillow")),
}


class _Writers(Mapping[str, Writer]):
    """The writer of each format, imported when first asked for."""

    def __init__(self) -> None:
        self._writers: dict[str, Writer] = {}

    def __getitem__(self, name: str) -> Writer:
        if name not in self._writers:
            module, cls = FORMATS[name].writer.split(":")
            self._writers[name] = getattr(importlib.import_module(f"{__name__}.{module}"), cls)()
        return self._writers[name]

    def __iter__(self) -> Iterator[str]:
        return iter(FORMATS)

    def __len__(self) -> int:
        return len(FORMATS)


WRITERS: Mapping[str, Writer] = _Writers()
