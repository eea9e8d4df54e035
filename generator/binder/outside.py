"""Outside documents: files of a closing that dealdocs does not generate, listed in the term
sheet. Checked before anything is built (each must be a PDF or a Word file, by its first
bytes, not its name), then read, Word files converted to PDF with LibreOffice."""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import BinderError
from ..findings import Finding
from ..loader import PathKey, SourceMap
from ..model import Closing, TermSheet

PDF, WORD = "pdf", "word"
_MAX_BYTES = 256 << 20
_OLE = bytes.fromhex("d0cf11e0a1b11ae1")  # a Word 97-2003 .doc (a compound file)
_CONVERSION_SECONDS = 300
FIX = "list a PDF or Word file (.pdf, .docx, .doc), relative to the term sheet's folder"


def check_outside_documents(sheet: TermSheet, source: SourceMap) -> Iterator[Finding]:
    """Each listed file exists, is a regular file, and is a PDF or a Word file."""
    folder = Path(source.file).parent
    for i, closing in enumerate(sheet.closings):
        for j, outside in enumerate(closing.outside_documents):
            problem = _problem(folder, outside.path)
            if problem:
                yield source.finding("binder.outside-document",
                                     ("closings", i, "outside_documents", j, "path"), problem, FIX)


def _problem(folder: Path, written: str) -> str | None:
    if Path(written).is_absolute():
        return (f"{written} is an absolute path, which ties the term sheet to one machine; "
                "give it relative to the term sheet's folder")
    path = folder / written
    try:
        status = os.stat(path)
    except OSError as error:
        return f"{path} cannot be read: {error.strerror}"
    if not stat.S_ISREG(status.st_mode):  # a folder, a pipe, a device: never opened
        return f"{path} is not a file"
    if status.st_size > _MAX_BYTES:
        return f"{path} is larger than {_MAX_BYTES >> 20} MiB"
    if kind_of(path) is None:
        return f"{path} is not a PDF or Word file (by its content, whatever its name)"
    return None


def kind_of(path: Path) -> str | None:
    """PDF or WORD by the file's content, or None."""
    return _kind(path.read_bytes())


def _kind(data: bytes) -> str | None:
    head = data[:1024]
    if b"%PDF-" in head:  # the header may follow a little junk (PDF 1.7, H.3)
        return PDF
    if head.startswith(_OLE):
        return WORD
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                if "word/document.xml" in package.namelist():
                    return WORD
        except zipfile.BadZipFile:
            return None
    return None


def read_outside(closing: Closing, index: int, source: SourceMap) -> dict[str, bytes]:
    """Each outside document of the closing (`index` in the term sheet) as its file's bytes
    (a PDF or a Word file), by the path the term sheet writes."""
    folder = Path(source.file).parent
    found = {}
    for j, outside in enumerate(closing.outside_documents):
        problem = _problem(folder, outside.path)
        if problem:
            raise BinderError([source.finding(
                "binder.outside-document", _where(index, j), problem, FIX)])
        found[outside.path] = (folder / outside.path).read_bytes()
    return found


def as_pdf(closing: Closing, index: int, files: dict[str, bytes],
           source: SourceMap) -> dict[str, bytes]:
    """`files` (from read_outside) as PDF: the Word files converted in one LibreOffice run."""
    word = {outside.path: _where(index, j)
            for j, outside in enumerate(closing.outside_documents)
            if _kind(files[outside.path]) == WORD}
    pdfs = {written: data for written, data in files.items() if written not in word}
    if word:
        pdfs.update(_convert(files, word, source))
    return pdfs


def _where(index: int, j: int) -> PathKey:
    return ("closings", index, "outside_documents", j, "path")


def _convert(files: dict[str, bytes], word: dict[str, PathKey],
             source: SourceMap) -> dict[str, bytes]:
    """Word files to PDF with a headless LibreOffice of our own: a profile folder of this run,
    so that a LibreOffice the user has open neither blocks nor changes the conversion."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    first = next(iter(word.values()))
    if office is None:
        raise BinderError([source.finding(
            "binder.no-libreoffice", first, "LibreOffice is needed to convert the Word files "
            "among the outside documents to PDF, and was not found (soffice)",
            "install LibreOffice (Debian: libreoffice-writer-nogui), or list PDF files")])
    with tempfile.TemporaryDirectory(prefix="dealdocs-binder-") as work:
        work_dir = Path(work)
        names = {}
        for number, written in enumerate(word):
            # Copies under plain names: two files of one name in two folders stay apart,
            # and no name of the user's is read by LibreOffice as an option.
            suffix = ".doc" if files[written].startswith(_OLE) else ".docx"
            names[written] = f"document-{number}{suffix}"
            (work_dir / names[written]).write_bytes(files[written])
        try:
            subprocess.run([office, f"-env:UserInstallation={(work_dir / 'profile').as_uri()}",
                            "--headless", "--norestore", "--convert-to", "pdf", "--outdir",
                            str(work_dir), *names.values()], cwd=work_dir, capture_output=True,
                           timeout=_CONVERSION_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise BinderError([source.finding(
                "binder.conversion-failed", first, f"LibreOffice did not convert the Word "
                f"files within {_CONVERSION_SECONDS} seconds", "save them as PDF and list "
                "the PDF files")]) from None
        converted = {}
        for written, name in names.items():
            pdf = work_dir / Path(name).with_suffix(".pdf")
            if not pdf.is_file():
                raise BinderError([source.finding(
                    "binder.conversion-failed", word[written], f"LibreOffice could not "
                    f"convert {written} to PDF", "open it in Word or LibreOffice, "
                    "save it as PDF and list the PDF file")])
            converted[written] = pdf.read_bytes()
    return converted
