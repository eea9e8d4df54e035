"""The gather phase of a document: number its clauses, resolve references, check terms.

Templates write clauses and references by label; this pass runs on the rendered HTML,
so inserting a clause renumbers everything after it and every reference follows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

import lxml.html
from lxml.html import HtmlElement

from .findings import Finding, Mark, Severity
from .formatting import roman
from .templates import TEMPLATES_DIR

def _letter(n: int) -> str:
    return chr(ord("a") + n - 1) if n <= 26 else _letter((n - 1) // 26) + _letter((n - 1) % 26 + 1)


@dataclass(frozen=True)
class Style:
    """How one numbering style shows a clause at each depth, and how a reference reads."""

    display: Callable[[list[int]], str]
    reference: Callable[[list[int]], str]


def _decimal_ref(path: list[int]) -> str:
    return ".".join(str(n) for n in path)


def _note_ref(path: list[int]) -> str:
    parts = [str(path[0])]
    for depth, n in enumerate(path[1:], start=2):
        parts.append(f"({_note_label(depth, n)})")
    return "".join(parts)


def _note_label(depth: int, n: int) -> str:
    return {2: _letter(n), 3: roman(n), 4: str(n)}.get(depth) or _letter(n).upper()


STYLES = {
    # Amendments: 1., 1.1., 1.1.1.; "Section 8.4".
    "decimal": Style(display=lambda path: _decimal_ref(path) + ".", reference=_decimal_ref),
    # The note: 1., (a), (i), (1); "Section 5(b)(iii)".
    "note": Style(display=lambda path: f"{path[0]}." if len(path) == 1
                  else f"({_note_label(len(path), path[-1])})", reference=_note_ref),
}


def number_document(html: str, template: str) -> tuple[str, list[Finding]]:
    """Number the clauses of a rendered document and fill its references.

    Returns the finished HTML and the findings; `template` names the document's template,
    for findings whose place cannot be found more precisely.
    """
    document = lxml.html.document_fromstring(html)
    findings: list[Finding] = []
    article = document.find(".//article")
    style = STYLES[article.get("data-numbering", "decimal")] if article is not None else None
    references: dict[str, str] = {}
    for scope in document.find_class("clauses"):
        for index, clause in enumerate(_clauses_below(scope), start=1):
            _number(clause, [index], style, references, findings, template)
    _resolve_references(document, references, findings, template)
    _check_terms(document, findings, template)
    return lxml.html.tostring(document, doctype="<!DOCTYPE html>", encoding="unicode"), findings


def _clauses_below(element: HtmlElement) -> Iterator[HtmlElement]:
    """The clauses directly under `element`: not those nested in another clause."""
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "section" and "clause" in child.classes:
            yield child
        else:
            yield from _clauses_below(child)


def _number(clause: HtmlElement, path: list[int], style: Style | None,
            references: dict[str, str], findings: list[Finding], template: str) -> None:
    label = clause.get("id")
    if style is None:
        findings.append(_finding("render.numbering", "a numbered clause outside a document "
                                 "that says how to number", label or "", template))
        return
    if label in references:
        findings.append(_finding(
            "render.duplicate-label", f"the label {label!r} is used by two clauses",
            label, template, "give each clause its own label"))
    elif label:
        references[label] = style.reference(path)
    _insert_number(clause, style.display(path), clause.get("data-heading"))
    for index, child in enumerate(_clauses_below(clause), start=1):
        _number(child, path + [index], style, references, findings, template)


def _insert_number(clause: HtmlElement, number: str, heading: str | None) -> None:
    """Put "8.1. Heading." at the start of the clause's first paragraph (or a new one)."""
    first = next((child for child in clause if isinstance(child.tag, str)), None)
    if first is None or first.tag != "p":
        first = lxml.html.Element("p")
        clause.insert(0, first)
    has_body = bool(first.text) or len(first) > 0
    lead = [lxml.html.Element("span", {"class": "num"})]
    lead[0].text = number
    if heading:
        lead[0].tail = " "
        lead.append(lxml.html.Element("u", {"class": "clause-heading"}))
        lead[1].text = heading
        lead[1].tail = "" if heading[-1] in ".:" else "."
    if has_body:
        lead[-1].tail = (lead[-1].tail or "") + " " + (first.text or "")
    first.text = None
    for position, element in enumerate(lead):
        first.insert(position, element)


def _resolve_references(document: HtmlElement, references: dict[str, str],
                        findings: list[Finding], template: str) -> None:
    for link in document.find_class("xref"):
        label = (link.get("href") or "").removeprefix("#")
        if label in references:
            link.text = references[label]
        else:
            findings.append(_finding(
                "render.dangling-reference", f"a reference to {label!r}, which no clause has",
                label, template, "refer to an existing label, or add the clause"))


def _check_terms(document: HtmlElement, findings: list[Finding], template: str) -> None:
    defined: set[str] = set()
    for definition in document.iter("dfn"):
        term = definition.get("data-term") or definition.text_content()
        if term in defined:
            findings.append(_finding("render.term-defined-twice",
                                     f"the term {term!r} is defined twice", term, template,
                                     "define it once and use it elsewhere"))
        defined.add(term)
    for use in document.find_class("term"):
        term = use.get("data-term") or use.text_content()
        if term not in defined:
            findings.append(_finding("render.term-undefined",
                                     f"the term {term!r} is used but never defined", term,
                                     template, "define it with m.defn(), or write it as text"))


def _finding(code: str, message: str, needle: str, template: str, fix: str = "") -> Finding:
    return Finding(code, Severity.ERROR, locate_in_templates(needle, template), "", message, fix)


def locate_in_templates(needle: str, fallback: str) -> Mark:
    """Where a label or term is written in the templates, else the document's template."""
    if needle:
        pattern = re.compile(r"""["']""" + re.escape(needle) + r"""["']""")
        for name, lines in _template_lines():
            for number, line in enumerate(lines, start=1):
                if pattern.search(line):
                    return Mark(f"templates/{name}", number)
    return Mark(f"templates/{fallback}", 1)


@cache
def _template_lines() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((path.relative_to(TEMPLATES_DIR).as_posix(),
                  tuple(path.read_text(encoding="utf-8").splitlines()))
                 for path in sorted(TEMPLATES_DIR.rglob("*.j2")))
