"""Where generator/typesetting.py holds labels together: each case the text, and the text as
the renderer sets it (a no-break space, a hyphen and a word joiner where no line may end)."""

import pytest

from generator.typesetting import label_joins

NBSP, JOIN = "\u00a0", "\u2060"


def _set(text: str) -> str:
    edits = label_joins(text)
    return "".join(edits.get(index, char) for index, char in enumerate(text))


@pytest.mark.parametrize(("text", "held"), [
    ("Section 5(b) and Exhibit B-1", f"Section{NBSP}5(b) and Exhibit{NBSP}B-{JOIN}1"),
    ("Amendment No.\n1", f"Amendment{NBSP}No.{NBSP}1"),
    ("the Tranche C Notes", f"the Tranche{NBSP}C Notes"),
    ("45,734 shares", f"45,734{NBSP}shares"),
    ("by e-mail (PDF)", f"by e-{JOIN}mail (PDF)"),
    # A hyphen after more than one small letter, or inside a word, may end a line.
    ("re-enter the Rule 13d-5 group", "re-enter the Rule 13d-5 group"),
])
def test_labels_hold_together(text, held):
    assert _set(text) == held
