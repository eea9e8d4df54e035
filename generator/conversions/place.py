"""Where a deal's conversion log is named: by `--log`, else by DEALDOCS_LOG, else beside the
term sheet. Without the database layer, so that a command that finds no log there (as
`dealdocs validate` of most deals does) has not imported SQLAlchemy and Alembic to know it."""

from __future__ import annotations

import os
from pathlib import Path

ENVIRONMENT_VARIABLE = "DEALDOCS_LOG"
SUFFIX = ".conversions.sqlite"


def named(term_sheet: Path, deal_id: str, given: str | None = None,
          environment: dict[str, str] | None = None) -> str | Path:
    """The log as named: a database URL (text with ://), or the path of an SQLite file,
    by default `<deal id>.conversions.sqlite` beside the term sheet."""
    environment = os.environ if environment is None else environment
    text = given or environment.get(ENVIRONMENT_VARIABLE) or ""
    if "://" in text:
        return text
    return Path(text) if text else term_sheet.parent / f"{deal_id}{SUFFIX}"
