"""The forms a deal is written with: the bundled templates, with a firm's own over them.

As Sphinx's `templates_path` and MkDocs' `custom_dir` do for a theme, a firm names folders
of its own forms; a file there replaces the bundled file of the same path (a clause, the
print stylesheet, the house-style Word template), and every other file comes from the
bundled set. The folders are named by the term sheet (`templates:`) or, for a whole
practice group, by a `dealdocs.toml` in the term sheet's folder or a parent
(`forms_for` finds them). Everything that reads a template asks a `Forms` for it.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import shutil
import stat
import tempfile
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DealdocsError
from .findings import Finding, Mark, Severity

if TYPE_CHECKING:
    from .loader import SourceMap

# The repository keeps templates/ at the top level; generator/templates links to it and
# the wheel carries it there, so an installed dealdocs finds its forms beside its code.
BUNDLED_DIR = Path(str(resources.files(__package__) / "templates"))
NOTE_TEMPLATE = "note/note.html.j2"
PRINT_CSS = "base/print.css"
HOUSE_STYLE = "base/house-style.docx"
CONFIG = "dealdocs.toml"
_CONFIG_KEYS = ("templates",)
_MAX_CONFIG_BYTES = 1 << 16
_NEEDS = re.compile(r"^\{#-? needs: ([\w ]+?) -?#\}$")


@dataclass(frozen=True)
class Folder:
    path: Path
    label: str
    """How messages name it: `templates` for the bundled forms, else the folder as given."""


BUNDLED = Folder(BUNDLED_DIR, "templates")


@dataclass(frozen=True)
class Forms:
    """Folders of forms, the first that has a file winning; the bundled forms come last."""

    folders: tuple[Folder, ...] = (BUNDLED,)

    @property
    def firm(self) -> tuple[Folder, ...]:
        """The folders over the bundled forms."""
        return self.folders[:-1]

    def origin(self, name: str) -> Folder:
        """The folder the file `name` (a path inside the forms, e.g. `base/print.css`) comes from."""
        for folder in self.folders:
            if (folder.path / name).is_file():
                return folder
        raise FileNotFoundError(f"no form {name!r} in {', '.join(f.label for f in self.folders)}")

    def path(self, name: str) -> Path:
        return self.origin(name).path / name

    def mark(self, name: str, line: int = 1) -> Mark:
        """Where a message about line `line` of the form `name` points."""
        try:
            return Mark(f"{self.origin(name).label}/{name}", line)
        except FileNotFoundError:
            return Mark(f"{BUNDLED.label}/{name}", line)

    def name_of(self, path: str | Path) -> str | None:
        """The form a file of one of the folders is (for a traceback's file name), or None."""
        path = Path(path).resolve()
        for folder in self.folders:
            root = folder.path.resolve()
            if path.is_relative_to(root):
                return path.relative_to(root).as_posix()
        return None

    def files(self) -> dict[str, Path]:
        """Every form by name, from the folder it comes from, in name order."""
        found: dict[str, Path] = {}
        for folder in self.folders:
            for path in folder.path.rglob("*"):
                name = path.relative_to(folder.path).as_posix()
                if path.is_file() and name not in found:
                    found[name] = path
        return dict(sorted(found.items()))

    def from_firm(self) -> dict[str, Folder]:
        """The forms a firm's folders give (each from the first that has it), by name: what
        `dealdocs validate` says a deal takes from where."""
        return {name: self.origin(name) for name, path in self.files().items()
                if not path.is_relative_to(BUNDLED.path)}

    def _stems(self, folder: str) -> list[str]:
        prefix = f"{folder}/"
        return sorted(name.removeprefix(prefix).removesuffix(".html.j2")
                      for name in self.files()
                      if name.startswith(prefix) and name.endswith(".html.j2")
                      and "/" not in name.removeprefix(prefix))

    def clause_names(self) -> list[str]:
        """Clauses a term sheet may name in `amendment.sections` (partials start with _)."""
        return [name for name in self._stems("clauses") if not name.startswith("_")]

    def rate_indexes(self) -> list[str]:
        """Rate indexes a note's floating rate may name (`note_terms.floating_rate.index`)."""
        return self._stems("note/rate_index")

    def needs(self, template: str) -> tuple[str, ...]:
        """What a template cannot be written without, as its first line declares it.

        `{#- needs: registration closings -#}`: the term-sheet sections it is written from. So
        a term sheet lacking them fails validation at its own line, not rendering in a template.
        """
        with self.path(template).open(encoding="utf-8") as handle:
            match = _NEEDS.match(handle.readline().rstrip("\n"))
        return tuple(match.group(1).split()) if match else ()

    def lines(self) -> dict[str, list[str]]:
        """Every template's lines by name: where a message finds a label or a term. Read
        afresh each time (only messages need it): a firm may edit its forms while the deal
        desk runs."""
        return {name: path.read_text(encoding="utf-8").splitlines()
                for name, path in self.files().items() if name.endswith(".j2")}

    def digests(self, *, fonts: bool = True) -> dict[str, str]:
        """Each file's SHA-256 by name (with the fonts, or the forms only: what a kept
        version records, so that a change report names a form that changed)."""
        return {name: hashlib.sha256(path.read_bytes()).hexdigest()
                for name, path in self.files().items() if fonts or is_form(name)}


BUNDLED_FORMS = Forms()


def forms_for(term_sheet: Path, source: SourceMap, written: str | None) -> tuple[Forms, list[Finding]]:
    """The forms of the deal whose term sheet is at `term_sheet`: its own `templates:` folder
    (`written`), over the folder the nearest dealdocs.toml names, over the bundled forms.
    A folder that cannot be used is a finding, and the forms are what could be used."""
    folders: list[Folder] = []
    findings: list[Finding] = []
    if written is not None:
        problem = _folder_problem(term_sheet.parent / written)
        if problem:
            findings.append(source.finding("forms.folder", ("templates",), problem, _FOLDER_FIX))
        else:
            folders.append(_folder(term_sheet.parent / written))
    config = _nearest_config(term_sheet.parent)
    if config is not None:
        folder, config_findings = _configured_folder(config)
        folders += folder
        findings += config_findings
    forms = Forms((*folders, BUNDLED))
    return forms, [*findings, *missing_macros(forms)]


_MACRO = re.compile(r"\{%-?\s*macro\s+(\w+)\s*\(([^)]*)\)")


def missing_macros(forms: Forms) -> list[Finding]:
    """A firm's copy of a bundled form of macros must define every macro the bundled one
    does: the bundled forms call them (a copy made before a release added one, such as
    `signed_by`, would otherwise fail only when a document is rendered)."""
    findings = []
    for name, folder in forms.from_firm().items():
        bundled = BUNDLED.path / name
        if not name.endswith(".j2") or not bundled.is_file():
            continue
        text = (folder.path / name).read_text(encoding="utf-8", errors="replace")
        defined = {match.group(1) for match in _MACRO.finditer(text)}
        for match in _MACRO.finditer(bundled.read_text(encoding="utf-8")):
            if match.group(1) not in defined:
                findings.append(Finding(
                    "forms.macro", Severity.ERROR, forms.mark(name), "",
                    f"lacks the macro {match.group(1)}({match.group(2)}), which the bundled "
                    "forms call",
                    f"copy it from the bundled form (`dealdocs templates init NEW_FOLDER "
                    f"{name}` writes it) into {folder.label}/{name}"))
    return findings


_FOLDER_FIX = "name a folder of forms (`dealdocs templates init FOLDER` makes one)"


def _folder(path: Path) -> Folder:
    label = os.path.relpath(path) if not path.is_absolute() else str(path)
    return Folder(path.absolute(), label)


def _folder_problem(path: Path) -> str | None:
    try:
        if not stat.S_ISDIR(os.stat(path).st_mode):
            return f"{path} is not a folder"
    except OSError as error:
        return f"the folder {path} cannot be used: {error.strerror}"
    return None


def _nearest_config(folder: Path) -> Path | None:
    """The dealdocs.toml of `folder` or its nearest parent that has one, as Git and pytest
    look for theirs."""
    for candidate in (folder.absolute(), *folder.absolute().parents):
        if (candidate / CONFIG).exists():
            return _relative_if_below(candidate / CONFIG)
    return None


def _relative_if_below(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _configured_folder(config: Path) -> tuple[list[Folder], list[Finding]]:
    def finding(line: int, message: str, fix: str) -> list[Finding]:
        return [Finding("forms.config", Severity.ERROR, Mark(str(config), line), "", message, fix)]

    try:
        info = os.stat(config)
        if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_CONFIG_BYTES:
            return [], finding(1, f"not a text file of at most {_MAX_CONFIG_BYTES >> 10} KiB",
                               f"make {CONFIG} a small TOML file")
        text = config.read_bytes().decode("utf-8")
        settings = tomllib.loads(text)
    except OSError as error:
        return [], finding(1, f"cannot be read: {error.strerror}", "check its permissions")
    except UnicodeDecodeError:
        return [], finding(1, "not UTF-8 text", "save it as UTF-8")
    except tomllib.TOMLDecodeError as error:
        line = int(match.group(1)) if (match := re.search(r"line (\d+)", str(error))) else 1
        return [], finding(line, f"not valid TOML: {error}", "correct the line")
    lines = text.splitlines()

    def line_of(key: str) -> int:
        return next((number for number, content in enumerate(lines, start=1)
                     if re.match(rf"\s*{re.escape(key)}\s*=", content)), 1)

    unknown = [key for key in settings if key not in _CONFIG_KEYS]
    if unknown:
        return [], finding(line_of(unknown[0]), f"unknown setting {unknown[0]!r}",
                           f"the settings are: {', '.join(_CONFIG_KEYS)}")
    written = settings.get("templates")
    if written is None:
        return [], []
    if not isinstance(written, str) or not written:
        return [], finding(line_of("templates"), "templates must be a folder's name, as text",
                           'write templates = "forms"')
    path = config.parent / written
    problem = _folder_problem(path)
    if problem:
        return [], finding(line_of("templates"), problem, _FOLDER_FIX)
    return [_folder(path)], []


# Not forms: the starter is the term sheet `dealdocs new` writes, and the fonts are the
# bundled ones whatever the stylesheet (a firm's print.css names them as the bundled one does).
_NOT_FORMS = ("starter/", "base/fonts/")


def is_form(name: str) -> bool:
    return not name.startswith(_NOT_FORMS)


def bundled_form_names() -> list[str]:
    """What `dealdocs templates init` can copy: every bundled form."""
    return [name for name in BUNDLED_FORMS.files() if is_form(name)]


def copy_forms(folder: Path, names: list[str]) -> dict[str, bytes]:
    """The bundled forms `names` (all of them when empty) as files to write under `folder`;
    FormsError if a name is not a form or a file is already there (nothing is replaced)."""
    available = bundled_form_names()
    chosen = names or available
    unknown = [name for name in chosen if name not in available]
    if unknown:
        close = difflib.get_close_matches(unknown[0], available, n=1)
        raise FormsError(f"{unknown[0]} is not a bundled form",
                         f"did you mean {close[0]}?" if close else
                         "`dealdocs templates list` names them")
    present = [name for name in chosen if os.path.lexists(folder / name)]
    if present:
        raise FormsError(f"{folder / present[0]} exists already"
                         + (f" (and {len(present) - 1} more)" if len(present) > 1 else ""),
                         "choose a new folder, or name only the forms to add")
    return {name: BUNDLED_FORMS.path(name).read_bytes() for name in chosen}


def write_forms(folder: Path, files: dict[str, bytes]) -> None:
    """Write `files` (from copy_forms) under `folder`, all or none: a new folder is made
    aside and renamed into place; into an existing one each file is created, never replaced,
    and on any error those already written are removed. OSError names what failed."""
    if not os.path.lexists(folder):
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        try:
            _create(staging, files, [])
            os.rename(staging, folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return
    written: list[Path] = []
    try:
        _create(folder, files, written)
    except BaseException:
        for path in reversed(written):
            path.unlink(missing_ok=True)
        raise


def _create(folder: Path, files: dict[str, bytes], written: list[Path]) -> None:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as handle:
            written.append(path)
            handle.write(data)


class FormsError(DealdocsError):
    def __init__(self, message: str, fix: str):
        super().__init__(f"{message}; {fix}")
