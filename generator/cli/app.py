"""The Typer app and the options the subcommands share: all that `dealdocs --help` and
`dealdocs --version` need, and no more. What a command runs with (the typed model, the
build, Rich) it imports when it runs, from shared.py and the library: a tool run dozens of
times a day answers --help without importing them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..writers import FORMATS

# Help as Click writes it: Typer's Rich help imports Rich and Markdown, which take longer
# than the whole answer may.
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None,
                  help="Closing documents for convertible-note financings, from one term sheet.")


def _version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version  # pyproject's version, as installed
        typer.echo(f"dealdocs {version('dealdocs')}")
        raise typer.Exit()


@app.callback()
def dealdocs(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")]
    = False,
) -> None:
    pass


TermSheets = Annotated[list[Path], typer.Argument(
    help="Term sheet YAML files.", exists=True, dir_okay=False, readable=True)]
TermSheetArgument = Annotated[Path, typer.Argument(help="The term sheet YAML file.", exists=True,
                                                   dir_okay=False, readable=True)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON for machines.")]
StrictOption = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")]
FormatsOption = Annotated[str, typer.Option(
    "--format", help=f"Comma-separated formats: {', '.join(FORMATS)}.")]
OutOption = Annotated[str, typer.Option("--out", metavar="DIR", help="Output folder; the "
                                        "documents go in a subfolder named after the deal id.")]
JobsOption = Annotated[int | None, typer.Option(
    "--jobs", min=1, help="Processes that write PDF and Word files at once "
    "(default: one per core).")]
LogOption = Annotated[str | None, typer.Option(
    "--log", metavar="PATH|URL", help="The conversion log: an SQLite file, or a PostgreSQL URL "
    "(postgresql://user@host/database) for a log shared by several people. Default: the "
    "DEALDOCS_LOG environment variable, else <deal id>.conversions.sqlite beside the term "
    "sheet.")]


def formats(text: str) -> list[str]:
    """The formats of a --format value; a usage error if one is unknown."""
    chosen = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in FORMATS]
    if unknown or not chosen:
        raise typer.BadParameter(f"unknown format {', '.join(unknown) or '(none)'}; choose "
                                 f"from {', '.join(FORMATS)}", param_hint="--format")
    return chosen


def out_folder(text: str) -> Path:
    """The --out folder; a usage error if empty (it would write into the current folder)."""
    if not text.strip():
        raise typer.BadParameter("an empty folder name would write into the current folder; "
                                 "name a folder, such as output", param_hint="--out")
    return Path(text)
