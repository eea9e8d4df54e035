"""The `dealdocs` command: one module per group of subcommands. Errors become exit statuses
here and nowhere else: 0 all is well, 1 the term sheet or request has errors, 2 wrong usage."""

from __future__ import annotations

import gc

from ..errors import DealdocsError
from .app import app
# In the order --help lists them: a deal's life, from its term sheet to its changes.
from . import (terms, render, binder, signing, conversions, changes, regenerate, check,  # noqa: E402,F401,I001
               templates, serve)

__all__ = ["app", "main"]


def main() -> None:
    # What is made before the command runs and at its end lives as long as the process:
    # frozen, the garbage collector no longer walks it, during the run or at exit.
    gc.freeze()
    try:
        app()
    except DealdocsError as exc:
        from .shared import err_console, line
        line(str(exc), "red", err_console)
        raise SystemExit(1) from None
    finally:
        gc.freeze()
