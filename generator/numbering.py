"""The gather phase of a document: number its clauses, resolve references, check terms.

Templates write clauses and references by label; this pass runs on the rendered HTML,
so inserting a clause renumbers everything after it and every reference follows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import lxml.html
from lxml.html import HtmlElement

from .findings import Finding, Mark, Severity
from .formatting import roman
from .forms import BUNDLED_FORMS, Forms

@dataclass(frozen=True)
class Level:
    """One level of a numbering scheme, in Word's own terms, so that the Word file's
    list numbering (scripts/make_house_style.py) and the numbers put in here agree."""

    format: str  # Word's numFmt: decimal, lowerLetter, lowerRoman, upperLetter
    text: str  # Word's lvlText: "%1.%2." shows the numbers of levels 1 and 2


FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    # Word's letters go a ... z, aa, bb ...: the letter repeated, not a base-26 count.
    "lowerLetter": lambda n: chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1),
    "upperLetter": lambda n: chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1),
    "lowerRoman": roman,
}
_PLACEHOLDER = re.compile(r"%([1-9])")


@dataclass(frozen=True)
class Style:
    """How one numbering scheme shows a clause at each depth, and how a reference reads."""

    name: str
    levels: tuple[Level, ...]

    def display(self, path: list[int]) -> str:
        """The number as it stands before the clause: "8.4.", "(b)"."""
        level = self.levels[len(path) - 1]
        return _PLACEHOLDER.sub(
            lambda m: FORMATS[self.levels[int(m.group(1)) - 1].format](path[int(m.group(1)) - 1]),
            level.text)

    def reference_parts(self, path: list[int]) -> list[list[int]]:
        """The clauses whose numbers, run together, make a reference to `path`: the clause
        itself, preceded by its parent's parts when its own number does not show the
        parent's ("(iii)" needs "5" and "(b)"; "8.4." shows "8" already)."""
        if len(path) > 1 and f"%{len(path) - 1}" not in self.levels[len(path) - 1].text:
            return self.reference_parts(path[:-1]) + [path]
        return [path]

    def reference(self, path: list[int]) -> str:
        """"8.4", "5(b)(iii)": each part as Word's REF field with \\n shows it, without
        trailing periods."""
        return "".join(self.display(part).rstrip(".") for part in self.reference_parts(path))


MAX_DEPTH = 9  # Word's list levels
STYLES = {
    # Amendments: 1., 1.1., 1.1.1.; "Section 8.4".
    "decimal": Style("decimal", tuple(
        Level("decimal", "".join(f"%{n}." for n in range(1, depth + 1)))
        for depth in range(1, MAX_DEPTH + 1))),
    # The note: 1., (a), (i), (1), then (A); "Section 5(b)(iii)".
    "note": Style("note", (Level("decimal", "%1."), Level("lowerLetter", "(%2)"),
                           Level("lowerRoman", "(%3)"), Level("decimal", "(%4)"),
                           *(Level("upperLetter", f"(%{n})") for n in range(5, MAX_DEPTH + 1)))),
    # Items of a paragraph that are not sections (the Events of Default): (i), (ii) ...;
    # "clause (ix)".
    "items": Style("items", (Level("lowerRoman", "(%1)"), Level("decimal", "(%2)"),
                             *(Level("upperLetter", f"(%{n})") for n in range(3, MAX_DEPTH + 1)))),
    # Recitals: 1., 2. ..., a list of their own beside the sections.
    "recitals": Style("recitals", tuple(
        Level("decimal", "".join(f"%{n}." for n in range(1, depth + 1)))
        for depth in range(1, MAX_DEPTH + 1))),
}


@dataclass(frozen=True)
class Template:
    """A document's template among its forms: where a finding points when nothing closer
    can be found."""

    name: str
    forms: Forms


def number_document(html: str, template_name: str,
                    forms: Forms = BUNDLED_FORMS) -> tuple[str, list[Finding]]:
    """Number the clauses of a rendered document and fill its references.

    Returns the finished HTML and the findings; `template_name` names the document's
    template among `forms`, for findings whose place cannot be found more precisely.
    """
    template = Template(template_name, forms)
    document = lxml.html.document_fromstring(html)
    findings: list[Finding] = []
    article = document.find(".//article")
    default = STYLES[article.get("data-numbering", "decimal")] if article is not None else None
    references: dict[str, Reference] = {}
    for scope in document.find_class("clauses"):
        style = scope_style(scope, default)
        if scope.get("data-numbering") and style is None:
            findings.append(_finding("render.numbering", "a list numbered "
                                     f"{scope.get('data-numbering')!r}, which is no scheme of "
                                     "generator/numbering.py", "", template,
                                     f"number it as one of {', '.join(STYLES)}"))
            continue
        for index, clause in enumerate(_clauses_below(scope), start=1):
            _number(clause, [index], style, references, findings, template)
    _resolve_references(document, references, findings, template)
    _check_terms(document, findings, template)
    return lxml.html.tostring(document, doctype="<!DOCTYPE html>", encoding="unicode"), findings


@dataclass(frozen=True)
class Reference:
    """How a reference to a clause reads: in full ("5(b)(iii)"), or by the clause's own
    number ("(iii)": "subsection (iii) below", within 5(b))."""

    full: str
    own: str


def scope_style(scope: HtmlElement, default: Style | None) -> Style | None:
    """The numbering of a scope: its own `data-numbering` (a list of items, the recitals),
    else the document's."""
    name = scope.get("data-numbering")
    return STYLES.get(name) if name else default


def _clauses_below(element: HtmlElement) -> Iterator[HtmlElement]:
    """The clauses directly under `element`: not those nested in another clause, nor those
    of a scope of their own inside it (the Events of Default inside Section 1)."""
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "section" and "clause" in child.classes:
            yield child
        elif not (child.tag == "div" and "clauses" in child.classes):
            yield from _clauses_below(child)


def _number(clause: HtmlElement, path: list[int], style: Style | None,
            references: dict[str, Reference], findings: list[Finding], template: Template) -> None:
    label = clause.get("id")
    if style is None:
        findings.append(_finding("render.numbering", "a numbered clause outside a document "
                                 "that says how to number", label or "", template))
        return
    if len(path) > MAX_DEPTH:
        findings.append(_finding("render.numbering", f"a clause nested deeper than {MAX_DEPTH} "
                                 "levels, which Word cannot number", label or "", template,
                                 "nest the clause less deeply"))
        return
    if label in references:
        findings.append(_finding(
            "render.duplicate-label", f"the label {label!r} is used by two clauses",
            label, template, "give each clause its own label"))
    elif label:
        references[label] = Reference(style.reference(path), style.display(path).rstrip("."))
    _insert_number(clause, style.display(path), clause.get("data-heading"))
    for index, child in enumerate(_clauses_below(clause), start=1):
        _number(child, path + [index], style, references, findings, template)


def _insert_number(clause: HtmlElement, number: str, heading: str | None) -> None:
    """Put "8.1. Heading." at the start of the clause's first paragraph, or in a paragraph
    of its own (a caption, which keeps with what follows) when the clause starts with
    another clause or has no text of its own."""
    first = next((child for child in clause if isinstance(child.tag, str)), None)
    if first is None or first.tag != "p":
        first = lxml.html.Element("p")
        clause.insert(0, first)
    has_body = bool((first.text or "").strip()) or len(first) > 0
    if not has_body:
        first.set("class", "caption")
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


def _resolve_references(document: HtmlElement, references: dict[str, Reference],
                        findings: list[Finding], template: Template) -> None:
    for link in document.find_class("xref"):
        label = (link.get("href") or "").removeprefix("#")
        if label in references:
            reference = references[label]
            link.text = reference.own if link.get("data-number") == "own" else reference.full
        else:
            findings.append(_finding(
                "render.dangling-reference", f"a reference to {label!r}, which no clause has",
                label, template, "refer to an existing label, or add the clause"))


def _check_terms(document: HtmlElement, findings: list[Finding], template: Template) -> None:
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


def _finding(code: str, message: str, needle: str, template: Template, fix: str = "") -> Finding:
    return Finding(code, Severity.ERROR, locate_in_templates(needle, template), "", message, fix)


def locate_in_templates(needle: str, template: Template) -> Mark:
    """Where a label or term is written in the forms, else the document's template."""
    if needle:
        pattern = re.compile(r"""["']""" + re.escape(needle) + r"""["']""")
        for name, lines in template.forms.lines().items():
            for number, line in enumerate(lines, start=1):
                if pattern.search(line):
                    return template.forms.mark(name, number)
    return template.forms.mark(template.name)
