"""What the web desk may read and write: the term sheets of one folder and their deals'
output folders, nothing else. A page names a term sheet by its file name and a file by its
name in the deal's manifest; neither is ever joined to a path unchecked."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from ..build.manifest import MANIFEST, Entry, read_manifest
from ..changes.folder import CHANGES
from ..conversions.session import opened_log
from ..errors import DealdocsError, TermSheetError
from ..findings import Finding, errors
from ..loader import compose, read_text
from ..pipeline import Prepared, prepare_text
from ..starter import starter_term_sheet
from .source import digest


class NotFound(LookupError):
    """A term sheet or file the desk does not serve: missing, or outside its folders."""


class Conflict(RuntimeError):
    """The term sheet changed on disk since the form was made from it."""


@dataclass(frozen=True)
class Sheet:
    name: str
    path: Path
    text: str

    @property
    def sha256(self) -> str:
        return digest(self.text)


@dataclass(frozen=True)
class Checked:
    """A term sheet's text checked: `prepared` None when it cannot even be typed."""

    prepared: Prepared | None
    findings: list[Finding]

    @property
    def errors(self) -> int:
        return len(errors(self.findings))

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


@dataclass(frozen=True)
class Summary:
    name: str
    checked: Checked
    deal_id: str | None
    last_build: dt.datetime | None
    conversions: int | None

    @property
    def state(self) -> str:
        """Where the deal stands, in words."""
        checked = self.checked
        if checked.prepared is None:
            first = checked.findings[0].message if checked.findings else "not a term sheet"
            return f"Cannot be read: {first}"
        to_fill = sum(1 for finding in checked.findings if finding.code == "starter.fill-in")
        if to_fill:
            return f"Started: {to_fill} value{'s' if to_fill != 1 else ''} still to fill in"
        if checked.errors:
            return (f"{checked.errors} thing{'s' if checked.errors != 1 else ''} to correct "
                    "before the documents can be made")
        warned = (f" ({checked.warnings} warning{'s' if checked.warnings != 1 else ''})"
                  if checked.warnings else "")
        return ("Documents made" if self.last_build else "Ready to make the documents") + warned

    @property
    def tone(self) -> str:
        if self.checked.prepared is None or self.checked.errors:
            return "bad"
        return "warn" if self.checked.warnings else "good"


class Desk:
    def __init__(self, folder: Path, out: Path, log: str | None = None):
        self.folder = folder.resolve()
        self.out = out.resolve()
        self.log = log
        # One save at a time: the check that the file is the one the form was made from and
        # the write must not interleave with another tab's.
        self._saving = threading.Lock()

    def names(self) -> list[str]:
        return sorted(path.name for path in self.folder.glob("*.yaml") if path.is_file()
                      and not path.is_symlink())

    def sheet(self, name: str) -> Sheet:
        """The term sheet `name` of the folder; NotFound for any other name, TermSheetError
        if it cannot be read as the loader reads it (too big, not UTF-8)."""
        if name not in self.names():
            raise NotFound(f"there is no term sheet {name!r} in {self.folder}")
        path = self.folder / name
        return Sheet(name, path, read_text(path))

    def check(self, sheet: Sheet, text: str | None = None) -> Checked:
        try:
            prepared = prepare_text(sheet.text if text is None else text, str(sheet.path))
        except TermSheetError as exc:
            return Checked(None, exc.findings)
        return Checked(prepared, prepared.findings)

    def summary(self, name: str) -> Summary:
        try:
            sheet = self.sheet(name)
        except TermSheetError as exc:
            return Summary(name, Checked(None, exc.findings), None, None, None)
        checked = self.check(sheet)
        deal_id = checked.prepared.sheet.deal.id if checked.prepared else None
        return Summary(name, checked, deal_id, self._last_build(deal_id),
                       self._conversions(sheet, checked.prepared))

    def save(self, sheet: Sheet, text: str, loaded_sha256: str) -> None:
        """Write `text` as the term sheet, if it is still the one the form was made from;
        Conflict if another save (another tab, an editor) changed it since; TermSheetError
        if the loader would not read `text` (past its limits, not YAML)."""
        compose(text, str(sheet.path))
        with self._saving:
            try:
                changed = digest(read_text(sheet.path)) != loaded_sha256
            except TermSheetError:
                changed = True  # no longer a term sheet the desk can read: not the one loaded
            if changed:
                raise Conflict(f"{sheet.name} was changed since this page was loaded (in another "
                               "tab or an editor); your changes were not saved")
            # Written beside it and renamed over it: a reader sees the old or the new text.
            handle, temporary = tempfile.mkstemp(dir=sheet.path.parent, prefix=".",
                                                 suffix=".yaml.saving")
            try:
                with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                    stream.write(text)
                os.chmod(temporary, sheet.path.stat().st_mode & 0o777)
                os.replace(temporary, sheet.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise

    def start(self, deal_id: str) -> str:
        """A new term sheet `deal_id`.yaml from the starter of `dealdocs new`; its name.
        ValueError if the id is not one, FileExistsError if the deal exists."""
        text = starter_term_sheet(deal_id)
        name = f"{deal_id}.yaml"
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".yaml.new")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
            # Linked into place whole, and never over a term sheet of that name.
            os.link(temporary, self.folder / name)
        finally:
            Path(temporary).unlink(missing_ok=True)
        return name

    def deal_folder(self, deal_id: str) -> Path:
        return self.out / deal_id

    def manifest(self, deal_id: str) -> list[Entry]:
        """The files of the deal's last build, as its manifest lists them."""
        manifest = read_manifest(self.deal_folder(deal_id))
        return list(manifest.entries) if manifest else []

    def output(self, deal_id: str, file: str) -> Path:
        """A file of the deal's last build; NotFound unless its manifest lists it and it is
        inside the deal's folder."""
        folder = self.deal_folder(deal_id).resolve()
        if file not in {entry.file for entry in self.manifest(deal_id)}:
            raise NotFound(f"{file!r} is not a document of the last build of {deal_id}")
        path = (folder / file).resolve()
        if not path.is_relative_to(folder) or not path.is_file():
            raise NotFound(f"{file!r} is not a document of the last build of {deal_id}")
        return path

    def change_report(self, deal_id: str) -> Path | None:
        """The deal's change report (`dealdocs diff`), if one was written into its folder."""
        try:
            return self.part_file(deal_id, CHANGES, "report.html")
        except NotFound:
            return None

    def part_files(self, deal_id: str, part: str) -> list[str]:
        """The files of a part of the deal's folder, its folders' too, by their paths in it:
        the last comparison (`changes`), a closing's binder (its id), the executed
        documents (a closing's book is in a folder of its own)."""
        root = self.deal_folder(deal_id) / part
        found = []
        # os.walk does not follow links to folders: a part holds only what dealdocs wrote.
        for folder, folders, files in os.walk(root):
            folders[:] = [name for name in folders if not name.startswith(".")]
            found += [Path(folder, name).relative_to(root).as_posix() for name in files
                      if not name.startswith(".")]
        return sorted(found)

    def part_file(self, deal_id: str, part: str, file: str) -> Path:
        """A file of a part of the deal's folder; NotFound unless the part holds a regular
        file of that name, inside the deal's folder."""
        folder = self.deal_folder(deal_id).resolve()
        if "/" in part or part.startswith(".") or file not in self.part_files(deal_id, part):
            raise NotFound(f"{file!r} is not a file of {part} of {deal_id}")
        path = (folder / part / file).resolve()
        if not path.is_relative_to(folder) or not path.is_file():
            raise NotFound(f"{file!r} is not a file of {part} of {deal_id}")
        return path

    def _last_build(self, deal_id: str | None) -> dt.datetime | None:
        if deal_id is None:
            return None
        try:
            stamp = (self.deal_folder(deal_id) / MANIFEST).stat().st_mtime
        except OSError:
            return None
        return dt.datetime.fromtimestamp(stamp, dt.timezone.utc)

    def _conversions(self, sheet: Sheet, prepared: Prepared | None) -> int | None:
        if prepared is None or prepared.deal is None:
            return None
        try:
            with opened_log(sheet.path, prepared, self.log, self.out, create=False,
                            check=False) as book:
                return len(book.entries(prepared.deal.deal.id)) if book else 0
        except DealdocsError:
            return None
