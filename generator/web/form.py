"""The interview of a term sheet: one field per value written, grouped by section, each
labelled and explained in the interview's words (the model's docstrings, through its JSON
Schema, rewritten in `interview` where they speak code), each with the control its type
calls for (a date, a choice, a yes or no, a figure with its format), every list marked so
that its items can be added, removed and moved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, NamedTuple

import yaml
from pydantic import BaseModel, PydanticUserError, TypeAdapter

from ..errors import TermSheetError
from ..findings import Finding
from ..loader import PathKey, compose, format_path
from .. import model as model_module
from ..model import TermSheet
from ..starter import PLACEHOLDER
from . import interview
from .source import SourceEditError, keyed


class Choice(NamedTuple):
    """An option of a select."""

    value: str
    text: str
    """What it reads."""
    item: str = ""
    """The item of the term sheet whose id it is (`lenders[2]`): the form's script follows
    what is typed there."""


@dataclass
class Node:
    """A value (`value` not None), a mapping, or a list (`is_list`), at `path`."""

    path: PathKey
    label: str
    help: str = ""
    value: str | None = None
    is_list: bool = False
    children: list[Node] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    control: str = "text"
    """text, date, checkbox, select or figure (text with its format shown)."""
    options: list[Choice] = field(default_factory=list)
    """A select's choices."""
    format: str = ""
    """How a figure is written: "Dollars, e.g. 1,000,000"."""
    item: str = ""
    """What one item of the list is called ("lender"), or what this item is."""
    where: str = ""
    """Where the value is, in words: "Lenders › Lender 2 › Legal name"."""

    @property
    def name(self) -> str:
        """The path as written in findings and as the field's name: lenders[0].principal."""
        return format_path(self.path)

    @property
    def is_item(self) -> bool:
        return bool(self.path) and isinstance(self.path[-1], int)

    @property
    def placeholder(self) -> bool:
        """Whether the value is still the starter's FILL IN, which no control shows."""
        return (self.value or "").startswith(PLACEHOLDER)

    @property
    def has_errors(self) -> bool:
        return any(finding.severity.value == "error" for finding in self.findings)

    @property
    def worst(self) -> str:
        """"error" or "warning", the worst finding of this node and those below it, or ""."""
        found = {finding.severity.value for finding in self.findings} | {
            child.worst for child in self.children}
        return next((severity for severity in ("error", "warning") if severity in found), "")


def form(text: str, findings: list[Finding]) -> list[Node]:
    """The sections of the term sheet `text`, each finding placed on the node of its path or
    of the nearest ancestor written (a missing key's section); the rest in a node at ()."""
    loose = Node((), "The whole term sheet")
    try:
        root = compose(text, "")
    except TermSheetError:
        root = None  # not YAML within the limits: the findings say why, the source shows it
    if not isinstance(root, yaml.MappingNode):
        loose.findings = list(findings)
        return [loose] if findings else []
    schema = TermSheet.model_json_schema(by_alias=True)
    top = _node(root, (), "", schema, _Context(schema, _choices(root)))
    by_name: dict[str, Node] = {}
    _index(top, by_name)
    for finding in findings:
        _place(finding, by_name, loose).findings.append(finding)
    return ([loose] if loose.findings else []) + top.children


def placed(sections: list[Node]) -> dict[str, list[Finding]]:
    """The findings of the form, by the name of the field or group they are shown beside."""
    found: dict[str, list[Finding]] = {}
    for section in sections:
        _gather(section, found)
    return found


def _gather(node: Node, found: dict[str, list[Finding]]) -> None:
    if node.findings:
        found[node.name] = node.findings
    for child in node.children:
        _gather(child, found)


def _place(finding: Finding, by_name: dict[str, Node], loose: Node) -> Node:
    name = finding.path
    while name:
        if name in by_name:
            return by_name[name]
        name = name[:max(name.rfind("."), name.rfind("["), 0)]
    return loose


def _index(node: Node, by_name: dict[str, Node]) -> None:
    if node.path:
        by_name[node.name] = node
    for child in node.children:
        _index(child, by_name)


@dataclass(frozen=True)
class _Context:
    root: dict
    """The model's JSON Schema, whose $defs the references name."""
    choices: dict[str, list[Choice]]
    """The ids the term sheet declares, by the list that declares them, each with its name."""


def _choices(root: yaml.MappingNode) -> dict[str, list[Choice]]:
    """The lenders', closings' and agreements' ids as written, each with the name a person
    knows it by; the signers of an outside document are the company and the lenders."""
    found: dict[str, list[Choice]] = {}
    for key, value in keyed(root):
        if key.value in ("lenders", "closings", "agreements") and isinstance(
                value, yaml.SequenceNode):
            found[key.value] = [Choice(*_named(item), format_path((key.value, index)))
                                for index, item in enumerate(value.value)
                                if isinstance(item, yaml.MappingNode)]
    found["signers"] = [Choice("company", "the company"), *found.get("lenders", [])]
    return found


def _named(item: yaml.MappingNode) -> tuple[str, str]:
    # desk.js names an item as this does, from the values typed.
    values = {key.value: value.value for key, value in keyed(item)
              if isinstance(value, yaml.ScalarNode)}
    ident = values.get("id", "")
    name = values.get("legal_name") or values.get("name") or values.get("title") or ""
    return ident, f"{name} ({ident})" if name and name != ident else ident


def _node(yaml_node: yaml.Node, path: PathKey, label: str, schema: dict, context: _Context,
          where: str = "", per_closing: frozenset[int] = frozenset()) -> Node:
    schema = _resolve(schema, context.root)
    named = interview.pattern(path, per_closing)
    help = interview.HELP.get(named) or " ".join(schema.get("description", "").split())
    if len(path) == 1:
        help = interview.HELP.get(named) or interview.SECTIONS.get(path[0], ("", help))[1]
    where = f"{where} › {label}" if where else label
    if isinstance(yaml_node, yaml.ScalarNode):
        return _field(Node(path, label, interview.plain(help), value=yaml_node.value,
                           where=where), schema, named, context)
    if isinstance(yaml_node, yaml.SequenceNode):
        items = _resolve(schema.get("items", {}), context.root)
        item = interview.item_name(str(path[-1]))
        return Node(path, label, interview.plain(help), is_list=True, item=item, where=where,
                    children=[_node(value, (*path, index), _item_label(item, index),
                                    items, context, where, per_closing)
                              for index, value in enumerate(yaml_node.value)])
    properties = {key: {**value, "kind": _kinds(schema.get("title", "")).get(key, "")}
                  for key, value in schema.get("properties", {}).items()}
    extra = schema.get("additionalProperties") or next(
        iter(schema.get("patternProperties", {}).values()), None)
    closings = {choice.value: choice.text for choice in context.choices.get("closings", [])}
    children = []
    for key_node, value_node in keyed(yaml_node):
        key = key_node.value
        child = properties.get(key)
        keyed_by_closing = child is None and isinstance(extra, dict)
        child_path = (*path, key)
        child_label = interview.LABELS.get(interview.pattern(
            child_path, per_closing | ({len(path)} if keyed_by_closing else set())))
        if keyed_by_closing:
            child_label = child_label or closings.get(key, key)
        children.append(_node(value_node, child_path, child_label or interview.label(key),
                              child or (extra if isinstance(extra, dict) else {}), context,
                              where, per_closing | ({len(path)} if keyed_by_closing else set())))
    return Node(path, label, interview.plain(help), children=children, where=where)


def _item_label(item: str, index: int) -> str:
    """"Lender 2", or for a list of values "Section 2"."""
    return f"{item[0].upper()}{item[1:]} {index + 1}"


def _field(node: Node, schema: dict, named: str, context: _Context) -> Node:
    """The node with the control its value calls for. A value a control cannot show as
    written (an impossible date, a flag spelled otherwise) keeps a text box, so that
    nothing is changed by being shown."""
    node.label = interview.LABELS.get(named, node.label)
    value = node.value or ""
    reference = interview.REFERENCES.get(named)
    if reference is not None:
        node.control, node.options = "select", list(context.choices.get(reference, []))
    elif "enum" in schema:
        node.control = "select"
        node.options = [Choice(choice, interview.CHOICES.get(choice, choice))
                        for choice in schema["enum"]]
    elif schema.get("type") == "boolean" and value in ("true", "false"):
        node.control = "checkbox"
    elif schema.get("format") == "date" and (_is_date(value) or node.placeholder):
        node.control = "date"
    elif schema.get("kind") in interview.FORMATS:
        node.control, node.format = "figure", interview.FORMATS[schema["kind"]]
    if node.control == "select" and value not in {choice.value for choice in node.options}:
        node.options.insert(0, Choice(value, f"{value} (not one of these)" if value else "choose"))
    return node


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _resolve(schema: dict, root: dict) -> dict:
    """Follow $ref, and of `X | None` the X, to the schema that describes the value; the
    field's own description is kept, and the type's as its `kind`."""
    description = schema.get("description")
    while True:
        if "$ref" in schema:
            schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
        elif "anyOf" in schema:
            options = [s for s in schema["anyOf"] if s.get("type") != "null"]
            schema = options[0] if len(options) == 1 else {}
        else:
            break
    kind = schema.get("kind") or schema.get("description", "")
    return {**schema, "kind": kind, "description": description or ""}


@cache
def _kinds(model: str) -> dict[str, str]:
    """How each value of the model's class `model` is written, by key, as its type's own
    description says ("whole shares"): the class's schema gives only the field's."""
    cls = getattr(model_module, model, None)
    if not isinstance(cls, type) or not issubclass(cls, BaseModel):
        return {}
    kinds = {}
    for name, info in cls.model_fields.items():
        typed = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        try:
            schema = TypeAdapter(typed).json_schema()
        except PydanticUserError:
            continue
        options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
        if len(options) == 1 and "description" in options[0]:
            kinds[info.alias or name] = options[0]["description"]
    return kinds


def placed_nodes(sections: list[Node]) -> dict[str, Node]:
    """Every node of the form, by name."""
    found: dict[str, Node] = {}
    for section in sections:
        _index(section, found)
    return found


def in_words(message: str, sections: list[Node]) -> str:
    """A message about the text in the user's words: each path it names (`lenders[6].id`),
    as the form places it ("Lenders › Lender 7 › Short name (id)")."""
    if not message:
        return message
    nodes = placed_nodes(sections)
    for name in sorted(nodes, key=len, reverse=True):
        if name in message:
            message = message.replace(name, f"“{nodes[name].where}”")
    return interview.plain(message)


def missing_sections(text: str) -> list[tuple[str, str]]:
    """The optional sections the term sheet does not have, each with its title, in the
    model's order: what the interview offers to add."""
    schema = TermSheet.model_json_schema(by_alias=True)
    try:
        root = compose(text, "")
    except TermSheetError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    present = {key.value for key, _ in keyed(root)}
    required = set(schema.get("required", []))
    return [(key, interview.label(key)) for key in schema["properties"]
            if key not in present and key not in required and "\n  " in section_text(key)
            or key == "templates" and key not in present]


def section_text(key: str) -> str:
    """A new section `key` as YAML: each value it requires, to fill in (the starter's
    placeholder, which the checks list until it is replaced)."""
    schema = TermSheet.model_json_schema(by_alias=True)
    if key not in schema["properties"]:
        raise SourceEditError(f"there is no section {key!r} to add")
    section = _resolve(schema["properties"][key], schema)
    if "properties" not in section:
        return f'{key}: "{PLACEHOLDER}: {interview.label(key).lower()}"\n'
    return "\n".join([f"{key}:", *_required(section, schema, 2)]) + "\n"


def _required(schema: dict, root: dict, indent: int) -> list[str]:
    pad = " " * indent
    lines = []
    for name in schema.get("required", []):
        child = _resolve(schema["properties"][name], root)
        if "properties" in child:
            lines += [f"{pad}{name}:", *_required(child, root, indent + 2)]
        elif child.get("type") == "array":
            item = _resolve(child.get("items", {}), root)
            if "properties" in item:
                first, *rest = _required(item, root, indent + 4)
                lines += [f"{pad}{name}:", f"{pad}  - {first.lstrip()}", *rest]
            else:
                lines += [f"{pad}{name}:", f'{pad}  - "{PLACEHOLDER}: {interview.label(name)}"']
        else:
            lines.append(f'{pad}{name}: "{PLACEHOLDER}: {interview.label(name).lower()}"')
    return lines
