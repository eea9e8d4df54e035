"""An empty term sheet points to the way the README starts a deal."""

from __future__ import annotations

import pytest

from generator.errors import TermSheetError
from generator.pipeline import prepare


@pytest.mark.parametrize("text, message", [
    ("", "the file holds no term sheet"),
    ("# only a comment\n", "the file holds no term sheet"),
    ("---\n", "the file must be a mapping of sections (deal:, company:, ...)"),
    ("- a list\n", "the file must be a mapping of sections (deal:, company:, ...)"),
])
def test_a_file_without_a_term_sheet_says_to_start_from_dealdocs_new(tmp_path, text, message):
    path = tmp_path / "deal.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TermSheetError) as caught:
        prepare(path)
    (finding,) = caught.value.findings
    assert finding.message == message
    assert finding.fix == "start from `dealdocs new DEAL_ID`, which writes a commented starter"
