"""`dealdocs templates`: a firm's own forms, started from the bundled ones."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app

templates_app = typer.Typer(
    no_args_is_help=True, rich_markup_mode=None,
    help="A firm's own forms: a folder of templates, print stylesheet and house style that "
    "override the bundled ones file by file. Name it in a term sheet (templates: FOLDER, "
    "relative to the term sheet) or, for every deal in a folder and those below it, in a "
    "dealdocs.toml there (templates = \"FOLDER\"). `dealdocs validate` says which forms a "
    "deal takes from where.")
app.add_typer(templates_app, name="templates",
              short_help="Start a firm's own forms from the bundled ones; list them.")


@templates_app.command("init", help="Copy the bundled forms into FOLDER as a firm's starting "
                       "point, or only the forms NAME... (as `dealdocs templates list` names "
                       "them): keep the files the firm changes and delete the rest, which then "
                       "come from the bundled forms. Nothing is replaced: a file that exists "
                       "already stops the copy, with nothing written.")
def init(
    folder: Annotated[Path, typer.Argument(help="The folder of forms to make or add to.")],
    names: Annotated[list[str] | None, typer.Argument(
        help="Forms to copy, such as clauses/governing_law.html.j2 or base/print.css; "
        "all of them when none is named.", show_default=False)] = None,
) -> None:
    from ..forms import FormsError, copy_forms, write_forms
    from .shared import error, line
    try:
        files = copy_forms(folder, names or [])
        write_forms(folder, files)
    except FormsError as exc:
        error(exc)
    except OSError as exc:
        line(f"cannot write {exc.filename or folder}: {exc.strerror}; nothing written",
             "red")
        raise typer.Exit(1) from None
    count = f"{len(files)} form{'' if len(files) == 1 else 's'}"
    line(f"Copied {count} into {folder}. Name the folder in a term sheet (templates: "
         f"{folder.as_posix()}, relative to the term sheet) or in a dealdocs.toml beside the "
         f"term sheets (templates = \"{folder.as_posix()}\").")


@templates_app.command("list", help="List the bundled forms a firm's folder can override, by "
                       "the names a folder of forms uses for them.")
def list_forms() -> None:
    from ..forms import bundled_form_names
    for name in bundled_form_names():
        typer.echo(name)
