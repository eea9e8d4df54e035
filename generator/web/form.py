"""The editing form of a term sheet: one field per value written, grouped by section, each
labelled and explained by the model's docstrings (through its JSON Schema), every list
marked so that its items can be added, removed and moved."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import yaml

from ..errors import TermSheetError
from ..findings import Finding
from ..loader import PathKey, compose, format_path
from ..model import TermSheet
from .source import keyed


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

    @property
    def name(self) -> str:
        """The path as written in findings and as the field's name: lenders[0].principal."""
        return format_path(self.path)

    @property
    def is_item(self) -> bool:
        return bool(self.path) and isinstance(self.path[-1], int)


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
    top = _node(root, (), "", schema, schema)
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


def _node(yaml_node: yaml.Node, path: PathKey, label: str, schema: dict, root: dict) -> Node:
    schema = _resolve(schema, root)
    help = " ".join(schema.get("description", "").split())
    if isinstance(yaml_node, yaml.ScalarNode):
        return Node(path, label, help, value=yaml_node.value)
    if isinstance(yaml_node, yaml.SequenceNode):
        items = _resolve(schema.get("items", {}), root)
        return Node(path, label, help, is_list=True, children=[
            _node(item, (*path, index), f"{label} {index + 1}", items, root)
            for index, item in enumerate(yaml_node.value)])
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    children = []
    for key_node, value_node in keyed(yaml_node):
        key = key_node.value
        child = properties.get(key) or (extra if isinstance(extra, dict) else {})
        children.append(_node(value_node, (*path, key), _label(key), child, root))
    return Node(path, label, help, children=children)



def _resolve(schema: dict, root: dict) -> dict:
    """Follow $ref, and of `X | None` the X, to the schema that describes the value."""
    description = schema.get("description")
    while True:
        if "$ref" in schema:
            schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
        elif "anyOf" in schema:
            options = [s for s in schema["anyOf"] if s.get("type") != "null"]
            schema = options[0] if len(options) == 1 else {}
        else:
            break
    return {**schema, "description": description} if description else schema


@cache
def _label(key: str) -> str:
    """`notice_address` -> "Notice address"; `schedule_a` -> "Schedule A"."""
    words = key.split("_")
    return " ".join([words[0].capitalize()] + [w.upper() if len(w) == 1 else w for w in words[1:]])
