"""Per-share prices with one to six decimal places through every check and the change
report: each figure a message or the report shows is formatted as its own type, a price
as a price (never as money, which has whole cents only)."""

from __future__ import annotations

import types
import typing
from decimal import Decimal

import pytest
import yaml
from pydantic import BaseModel
from typer.testing import CliRunner

from generator.changes.figures import figure_changes
from generator.changes.terms import term_changes
from generator.cli import app
from generator.formatting import price
from generator.typesetting import ZERO_WIDTH_SPACE
from generator.model import TermSheet
from generator.pipeline import prepare_text
from generator.termsheet import parse_term_sheet
from generator.values import parse_price
from tests.helpers import AMENDMENT_1, AMENDMENT_2, HALVORSEN_1, HALVORSEN_2
from tests.test_diff import DERIVED

PLACES = range(1, 7)
BUNDLED = (AMENDMENT_1, AMENDMENT_2, HALVORSEN_1, HALVORSEN_2)


def with_places(value: str, places: int) -> str:
    """A price of exactly `places` decimal places near `value`: 25.51 -> 25.1 ... 25.123457."""
    return f"{int(Decimal(value.replace(',', '')))}.{'123457'[:places]}"


def _is_price(metadata: typing.Iterable[object]) -> bool:
    return any(getattr(item, "func", None) is parse_price for item in metadata)


def repriced(data: object, annotation: object, places: int, metadata=()) -> object:
    """`data` (the YAML as text) with every value the model types as a per-share price
    given `places` decimal places: found from the model, so a price field added later is
    covered too."""
    if _is_price(metadata) and isinstance(data, str):
        return with_places(data, places)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return repriced(data, args[0], places, args[1:])
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in args if arg is not type(None)]
        return repriced(data, inner[0], places) if len(inner) == 1 else data
    if origin is list and isinstance(data, list):
        return [repriced(item, args[0], places) for item in data]
    if origin is dict and isinstance(data, dict):
        return {key: repriced(item, args[1], places) for key, item in data.items()}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(data,
                                                                                         dict):
        fields = {field.alias or name: field for name, field in annotation.model_fields.items()}
        return {key: repriced(item, fields[key].annotation, places, fields[key].metadata)
                if key in fields else item for key, item in data.items()}
    return data


def variant(path, places: int) -> str:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    return yaml.safe_dump(repriced(data, TermSheet, places), sort_keys=False, allow_unicode=True)


@pytest.mark.parametrize("places", PLACES)
@pytest.mark.parametrize("path", BUNDLED, ids=lambda path: path.stem)
def test_every_check_formats_prices_of_any_places_as_prices(path, places):
    original, text = path.read_text(encoding="utf-8"), variant(path, places)
    changed = [change.path for change in term_changes(parse_term_sheet(original),
                                                      parse_term_sheet(text))
               if change.new and change.new.endswith(with_places("0", places)[1:])]
    assert changed, "the term sheet has no per-share price"
    prepared = prepare_text(text, path.name)
    assert prepared.deal is not None
    figure_changes(prepare_text(original, path.name).deal, prepared.deal)
    stated = [f for f in prepared.findings if f.code == "schedule-a.warrant-shares"]
    if path == AMENDMENT_1:
        # It states each lender's warrant shares, which a new price makes wrong.
        assert stated
    for finding in stated:
        closing = finding.path.split(".")[-1]
        conversion_price = next(c.notes.conversion_price for c in prepared.sheet.closings
                                if c.id == closing)
        assert f" at {price(conversion_price)}, rounded up" in finding.message


def cli(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})


@pytest.mark.parametrize("places", [4, 6])
def test_validate_and_diff_print_the_finding_of_a_price_of_four_and_six_places(tmp_path,
                                                                              places):
    new = tmp_path / "new.yaml"
    new.write_text(variant(AMENDMENT_1, places), encoding="utf-8")
    shown = f"at {price(Decimal(with_places('25.51', places)))}, rounded up"
    for result in (cli("validate", str(new)),
                   cli("diff", str(AMENDMENT_1), str(new), "--out", str(tmp_path / "out"))):
        assert result.exit_code == 1 and result.exception is not None
        assert isinstance(result.exception, SystemExit), result.exception
        assert shown in " ".join(result.output.split()).replace("│ ", "")


@pytest.mark.parametrize("places", [4, 6])
def test_the_change_report_shows_a_price_of_four_and_six_places(tmp_path, places):
    """Without stated warrant shares (which the new price would make wrong), the diff
    goes through: the report gives the price's term change and the figures it moves."""
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(DERIVED, encoding="utf-8")
    written = with_places("25.51", places)
    new.write_text(DERIVED.replace("conversion_price: 25.51", f"conversion_price: {written}"),
                   encoding="utf-8")
    result = cli("diff", str(old), str(new), "--format", "html", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    changes = tmp_path / "out" / "zoltek-amendment-1" / "changes"
    report = (changes / "report.html").read_text(encoding="utf-8")
    assert (f"<tr><td>Third Closing, conversion price</td><td>25.51</td>"
            f"<td>{written}</td>") in report
    redlined = (changes / "amendment-1.redline.html").read_text(encoding="utf-8")
    # A line may break between the struck figure and the new one, never inside either.
    assert (f"<del>$25.51{ZERO_WIDTH_SPACE}</del><ins>{price(Decimal(written))}</ins>"
            in redlined)
