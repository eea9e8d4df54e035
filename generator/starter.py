"""The starter term sheet `dealdocs new` writes: every section, each value to be filled in.

A new deal starts from this rather than from a copy of a bundled deal, so that none of
that deal's facts can survive into the new one. The clause library and the rate indexes it
lists are read from the bundled forms, so the comments stay true as the library grows.
"""

from __future__ import annotations

from string import Template

from .loader import PathKey
from .forms import BUNDLED_FORMS
from .values import parse_identifier

STARTER = BUNDLED_FORMS.path("starter/term_sheet.yaml")
PLACEHOLDER = "FILL IN"
"""Every value of the starter that must be replaced begins with this."""


def starter_term_sheet(deal_id: str) -> str:
    """The starter's text for a deal; ValueError if `deal_id` is not an id."""
    return Template(STARTER.read_text(encoding="utf-8")).substitute(
        deal_id=parse_identifier(deal_id),
        clauses=", ".join(BUNDLED_FORMS.clause_names()),
        rate_indexes=", ".join(BUNDLED_FORMS.rate_indexes()),
    )


def placeholders(data: object, path: PathKey = ()) -> list[tuple[PathKey, str]]:
    """Each value still written as the starter's placeholder, with its path."""
    if isinstance(data, str):
        return [(path, data)] if data.startswith(PLACEHOLDER) else []
    if isinstance(data, dict):
        return [found for key, value in data.items() for found in placeholders(value, path + (key,))]
    if isinstance(data, list):
        return [found for index, value in enumerate(data)
                for found in placeholders(value, path + (index,))]
    return []
