"""Loading a term sheet: YAML with line numbers, typed by the model, every error located."""

from __future__ import annotations

import datetime as dt
import difflib
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pydantic

from .errors import TermSheetError
from .findings import Finding
from .loader import START_A_DEAL, PathKey, SourceMap, load_yaml, parse_yaml
from .model import TermSheet
from .starter import PLACEHOLDER, placeholders


@dataclass(frozen=True)
class LoadedTermSheet:
    sheet: TermSheet
    source: SourceMap


def load_term_sheet(path: Path) -> LoadedTermSheet:
    """Read and type the term sheet at `path`; raise TermSheetError with every problem."""
    loaded = load_yaml(path)
    return _typed(loaded.data, loaded.source)


def parse_term_sheet(text: str, name: str = "<term sheet>") -> LoadedTermSheet:
    loaded = parse_yaml(text, name)
    return _typed(loaded.data, loaded.source)


def _typed(data: object, source: SourceMap) -> LoadedTermSheet:
    if not isinstance(data, dict):
        raise TermSheetError([source.finding(
            "model.shape", (), "the file must be a mapping of sections (deal:, company:, ...)",
            START_A_DEAL)])
    unfilled = placeholders(data)
    if unfilled:
        raise TermSheetError([source.finding(
            "starter.fill-in", path, f"still the starter's placeholder: "
            f"{text.removeprefix(PLACEHOLDER).lstrip(': ')}", "replace it with this deal's value")
            for path, text in unfilled])
    try:
        sheet = TermSheet.model_validate(data)
    except pydantic.ValidationError as exc:
        raise TermSheetError([_finding(error, source) for error in exc.errors()]) from None
    return LoadedTermSheet(sheet, source)


def _finding(error: dict, source: SourceMap) -> Finding:
    path: PathKey = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(path[-1])
        allowed = _allowed_keys(path[:-1])
        close = difflib.get_close_matches(key, allowed, n=1)
        fix = f"did you mean {close[0]!r}?" if close else (
            f"the keys here are: {', '.join(allowed)}" if allowed else "remove it")
        return source.finding("model.unknown-key", path, f"unknown key {key!r}", fix)
    if kind == "missing":
        return source.finding("model.missing", path, f"{path[-1]!r} is required",
                              "add it (see the README's term-sheet reference)")
    if kind == "too_short":
        return source.finding("model.empty", path, f"{path[-1]!r} needs at least one entry",
                              "add one (see the README's term-sheet reference)")
    message = error["msg"].removeprefix("Value error, ")
    if kind == "literal_error":
        message = f"{error['input']!r} is not allowed; {error['msg'][0].lower()}{error['msg'][1:]}"
    elif kind in ("model_type", "dict_type", "list_type"):
        message = f"expected {_expected(kind)}, not {_describe(error['input'])}"
    return source.finding("model.value", path, message)


def _expected(kind: str) -> str:
    return {"model_type": "a mapping of keys", "dict_type": "a mapping of keys",
            "list_type": "a list (lines starting with -)"}[kind]


def _describe(value: object) -> str:
    if isinstance(value, str):
        return f"the text {value!r}"
    return "a list" if isinstance(value, list) else "a mapping"


def _allowed_keys(path: PathKey) -> list[str]:
    """The keys the model accepts at `path`, for "did you mean" suggestions."""
    annotation = _annotation(path)
    if not _is_model(annotation):
        return []
    return sorted(field.alias or name for name, field in annotation.model_fields.items())


def holds_text(path: PathKey) -> bool:
    """Whether the model reads the value at `path` as text (a name, an id, a title), not
    as a figure, a date or a flag, which a term sheet writes as YAML would type them. True
    where the model has no value at `path`."""
    annotation = _annotation(path)
    return not (isinstance(annotation, type) and issubclass(annotation, (Decimal, int, dt.date)))


def _annotation(path: PathKey) -> object:
    """The type the model gives the value at `path`; None where it has none."""
    annotation: object = TermSheet
    for part in path:
        if _is_model(annotation) and isinstance(part, str):
            field = annotation.model_fields.get(part) or next(
                (f for f in annotation.model_fields.values() if f.alias == part), None)
            if field is None:
                return None
            annotation = _unwrap(field.annotation)
        elif typing.get_origin(annotation) in (list, tuple, dict):
            annotation = _unwrap(typing.get_args(annotation)[-1])
        else:
            return None
    return annotation


def _is_model(annotation: object) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel)


def _unwrap(annotation: object) -> object:
    """`X | None` -> X; `Annotated[X, ...]` -> X."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _unwrap(options[0]) if len(options) == 1 else annotation
    return annotation
