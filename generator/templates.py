"""Where the project's templates live and what the clause library holds."""

from __future__ import annotations

from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
CLAUSES_DIR = TEMPLATES_DIR / "clauses"


def clause_names() -> list[str]:
    """Clauses a term sheet may name in `amendment.sections` (partials start with _)."""
    return sorted(path.name.removesuffix(".html.j2") for path in CLAUSES_DIR.glob("*.html.j2")
                  if not path.name.startswith("_"))
