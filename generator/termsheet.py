"""Loading a term sheet: YAML with line numbers, typed by the model, every error located."""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
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
    annotation: object = TermSheet
    for part in path:
        annotation = _unwrap(annotation)
        if isinstance(part, int) or not _is_model(annotation):
            annotation = _item_type(annotation)
            if isinstance(part, int):
                continue
        if _is_model(annotation):
            field = annotation.model_fields.get(part) or next(
                (f for f in annotation.model_fields.values() if f.alias == part), None)
            if field is None:
                return []
            annotation = field.annotation
    annotation = _unwrap(annotation)
    if not _is_model(annotation):
        return []
    return sorted(field.alias or name for name, field in annotation.model_fields.items())


def _is_model(annotation: object) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel)


def _unwrap(annotation: object) -> object:
    """`X | None` -> X."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return options[0] if len(options) == 1 else annotation
    return annotation


def _item_type(annotation: object) -> object:
    """`list[X]` -> X; `dict[K, X]` -> X."""
    args = typing.get_args(annotation)
    return _unwrap(args[-1]) if args else annotation
