from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import AMENDMENT_1


@pytest.fixture
def amendment_1_text() -> str:
    return AMENDMENT_1.read_text(encoding="utf-8")


@pytest.fixture
def write_sheet(tmp_path):
    """Write term-sheet text to a file named `deal.yaml` and return its path."""
    def write(text: str, name: str = "deal.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path
    return write

