"""Where the project's templates live and what the clause library holds."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
CLAUSES_DIR = TEMPLATES_DIR / "clauses"
RATE_INDEX_DIR = TEMPLATES_DIR / "note" / "rate_index"
NOTE_TEMPLATE = "note/note.html.j2"


def clause_names() -> list[str]:
    """Clauses a term sheet may name in `amendment.sections` (partials start with _)."""
    return sorted(path.name.removesuffix(".html.j2") for path in CLAUSES_DIR.glob("*.html.j2")
                  if not path.name.startswith("_"))


def rate_indexes() -> list[str]:
    """Rate indexes a note's floating rate may name (`note_terms.floating_rate.index`)."""
    return sorted(path.name.removesuffix(".html.j2") for path in RATE_INDEX_DIR.glob("*.html.j2"))


_NEEDS = re.compile(r"^\{#-? needs: ([\w ]+?) -?#\}$")


def template_needs(template: str) -> tuple[str, ...]:
    """What a template cannot be written without, as its first line declares it.

    `{#- needs: registration closings -#}`: the term-sheet sections it is written from. So a
    term sheet lacking them fails validation at its own line, not rendering in a template.
    """
    with (TEMPLATES_DIR / template).open(encoding="utf-8") as handle:
        match = _NEEDS.match(handle.readline().rstrip("\n"))
    return tuple(match.group(1).split()) if match else ()
