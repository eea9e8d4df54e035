"""Where the project's templates live and what the clause library holds."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
CLAUSES_DIR = TEMPLATES_DIR / "clauses"


def clause_names() -> list[str]:
    """Clauses a term sheet may name in `amendment.sections` (partials start with _)."""
    return sorted(path.name.removesuffix(".html.j2") for path in CLAUSES_DIR.glob("*.html.j2")
                  if not path.name.startswith("_"))


_NEEDS = re.compile(r"^\{#-? needs: ([\w ]+?) -?#\}$", re.MULTILINE)


def clause_needs(name: str) -> tuple[str, ...]:
    """The term-sheet sections a clause cannot be written without.

    A clause declares them on its first line, `{#- needs: registration closings -#}`, so
    that a term sheet naming the clause without them fails validation, not rendering.
    """
    text = (CLAUSES_DIR / f"{name}.html.j2").read_text(encoding="utf-8")
    match = _NEEDS.search(text.split("\n", 1)[0])
    return tuple(match.group(1).split()) if match else ()
