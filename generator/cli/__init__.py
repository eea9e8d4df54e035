"""The `dealdocs` command: one module per group of subcommands. Errors become exit statuses
here and nowhere else: 0 all is well, 1 the term sheet or request has errors, 2 wrong usage."""

from __future__ import annotations

import gc

from ..errors import DealdocsError
from .app import app, err_console, line
# In the order --help lists them: a deal's life, from its term sheet to its changes.
from . import terms, render, binder, conversions, changes, serve  # noqa: E402,F401,I001

__all__ = ["app", "main"]


def main() -> None:
    # What the imports made (the typed model, Jinja, Rich) lives as long as the command:
    # frozen, the garbage collector no longer walks it, during the run or at exit. That is
    # a fifth of the time of a build that finds everything up to date.
    gc.freeze()
    try:
        app()
    except DealdocsError as exc:
        line(str(exc), "red", err_console)
        raise SystemExit(1) from None
    finally:
        gc.freeze()
