"""The Word file: the house-style template with the body put in as real Word paragraphs.

docxtpl renders templates/base/house-style.docx (made by scripts/make_house_style.py),
whose body is the single placeholder `{{p body }}`; the body is built with python-docx,
so every paragraph has a style of the house template and tables are real Word tables.
Each element of the HTML vocabulary (templates/README.md) maps to one style; anything
else is an error. Word's own machinery for a working draft (list numbering, bookmarks,
REF fields, sections and footers) is in docx_fields.py; the package's metadata and
reproducible bytes in docx_package.py.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import lxml.html
from docx.document import Document as WordDocument
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length
from docx.table import Table
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from lxml import etree
from markupsafe import Markup

from ..errors import RenderError
from ..findings import Finding, Severity
from ..numbering import STYLES, scope_style
from ..forms import HOUSE_STYLE
from ..pageid import PAGE_ID_CLASS, parse
from . import RenderedDocument
from .docx_package import made_from, reproducible_zip, stamp_core_properties
from .docx_pictures import anchor_page_id
from .docx_revisions import KINDS, Revisions, whole_revision
from .docx_fields import (LIST_IDS, add_bookmark, add_missing_lists, add_text, bind_scheme,
                          bookmark_name, clause_style, hide_paragraph_mark, number_paragraph,
                          reference_field_runs, restart_list, finish_sections,
                          section_properties)


# Paragraph styles of the house template, by element and class.
_PARAGRAPH_STYLES = {
    ("p", ""): "Body Text",
    ("p", "center"): "Body Text Center",
    ("p", "right"): "Body Text Right",
    ("p", "legend"): "Legend",
    ("p", "exhibit-label"): "Exhibit Label",
    ("p", "spread"): "Body Text Spread",
    ("h1", "title"): "Title",
    ("h2", "heading"): "Heading 1",
}
_CELL_STYLES = {("th", ""): "Table Heading", ("td", ""): "Table Text", ("td", "num"): "Table Figure"}
# A clause's heading is underlined by its character style, as the numbering puts it
# ("8.1. <u>Fees</u>.").
_FORMATTING = {("u", ""): "u", ("u", "clause-heading"): "heading", ("b", ""): "b", ("i", ""): "i",
               **{(kind, ""): kind for kind in KINDS}}  # a redline's changes: revisions
# Inline elements that are plain text in Word (a defined term).
_PLAIN = frozenset({("dfn", ""), ("span", "term")})
_NUMBER = ("span", "num")  # a clause's number: Word's list numbering shows it
_XREF = ("a", "xref")  # a reference: REF fields to the clauses' bookmarks
_RIGHT = ("span", "right")  # the flush-right part of a <p class="spread">
_BLANK = ("span", "blank")
# A blank line to fill in by hand, two inches wide: underlined figure spaces, which do not
# break, collapse or stretch. No-break spaces would do in Word, but LibreOffice lets them
# hang past a line's end like trailing spaces, and the blank vanishes there.
_BLANK_TEXT = "\u2007" * 24
_COLLAPSIBLE = re.compile(r"[ \t\n\r\f]+")  # HTML's white space; a no-break space is not



def _key(element: etree._Element) -> tuple[str, str]:
    return element.tag, element.get("class", "")


def _describe(element: etree._Element) -> str:
    tag, cls = _key(element)
    return f'<{tag} class="{cls}">' if cls else f"<{tag}>"


class _Vocabulary(Exception):
    """An element or text the writers do not understand; becomes a RenderError."""

    def __init__(self, element: etree._Element, what: str):
        super().__init__(f"{_describe(element)} (line {element.sourceline} of the rendered HTML): {what}")


@dataclass(frozen=True)
class _Span:
    text: str
    formatting: frozenset[str]
    fields: tuple[tuple[str, str], ...] = ()
    """For a reference: (bookmark, number) of each REF field that makes it up."""
    tab: bool = False
    """A tab: to the flush-right part of a line, or along a line to sign."""


@dataclass(frozen=True)
class _Clause:
    bookmark: str
    number: str  # as the clause shows it: "8.4.", "(b)"
    depth: int  # in its numbering scope
    parent: etree._Element | None  # the enclosing clause of the same numbering scope
    scheme: str  # its scope's numbering scheme


@dataclass(frozen=True)
class _Scope:
    """A numbering scope being written: the Word list its clauses are numbered in. A scope
    with a scheme of its own (the recitals, the Events of Default) is a list of items: its
    paragraphs are the text they stand in (Clause Text), numbered by their own list, not
    the clause styles'; inside a clause its first level sits at the clause's margin."""

    list_id: int
    own: bool = False
    depth: int = 0  # the depth of the clause the scope stands in

    def text_depth(self, depth: int) -> int:
        """The clause level whose margin a paragraph at `depth` in this scope has."""
        return depth - 1 if self.own and self.depth else depth


class _Section:
    """A run of the body that Word makes a section: the body, the signature pages
    (footer: what they are signature pages to) or a part with its own page numbers;
    landscape where it holds a table too wide for the portrait page."""

    def __init__(self, kind: str, landscape: bool, caption: str | None = None):
        self.kind = kind
        self.landscape = landscape
        self.caption = caption


def _landscape(element: etree._Element) -> bool:
    """Whether typesetting turned the part (or the document) landscape."""
    return element.get("data-orientation") == "landscape"


class _BodyBuilder:
    """Adds the blocks of the document body to a python-docx document, in order."""

    def __init__(self, document: WordDocument, text_widths: dict[bool, Length],
                 body: etree._Element, numbering: WordDocument, revisions: Revisions):
        self.document = document
        self.revisions = revisions
        # The document the body goes into: a restarted list joins its numbering part, a
        # picture its media.
        self.numbering = numbering
        self.text_widths = text_widths  # upright and (True) landscape
        self.page_break_pending = False
        article = body.find("article")
        self.scheme = (article.get("data-numbering") if article is not None else None) or "decimal"
        if self.scheme not in STYLES:
            raise _Vocabulary(article, f"no numbering scheme {self.scheme!r}")
        self.clauses = _clauses(body, self.scheme)
        self.scopes: list[_Scope] = []  # the numbering scopes being written, innermost last
        self.lists_used: set[str] = set()  # schemes whose own Word list a scope has taken
        self.sections = [_Section("body", article is not None and _landscape(article))]
        self.signature_block = False
        self.bookmarks: list[str] = []

    # Blocks ---------------------------------------------------------------

    def add_blocks(self, container: etree._Element, depth: int = 0, style: str | None = None) -> None:
        """Add the children of `container`; `style` overrides the style of plain paragraphs."""
        self._no_text(container.text, container)
        for child in _elements(container):
            self._add_block(child, depth, style)
            self._no_text(child.tail, container)

    def _add_block(self, element: etree._Element, depth: int, style: str | None) -> None:
        key = _key(element)
        if key == ("article", "document"):
            self.add_blocks(element, depth)
        elif key == ("div", "clauses"):
            # The first scope of a scheme uses the scheme's list; each further one starts
            # it again.
            own = element.get("data-numbering")
            style = scope_style(element, STYLES[self.scheme])
            if style is None:
                raise _Vocabulary(element, f"no numbering scheme {own!r}")
            list_id = (LIST_IDS[style.name] if style.name not in self.lists_used
                       else restart_list(self.numbering, style.name))
            self.lists_used.add(style.name)
            self.scopes.append(_Scope(list_id, bool(own), depth))
            self.add_blocks(element, depth)
            self.scopes.pop()
        elif key == ("section", "clause"):
            self._add_clause(element, depth + 1)
        elif key in (("section", "signature-pages"), ("section", "part")):
            self._start_section(element)
            self.add_blocks(element, depth)
        elif key == ("p", "furniture"):
            if self.sections[-1].kind != "signature-pages" or self.sections[-1].caption:
                raise _Vocabulary(element, "page furniture is the one caption of signature pages")
            self.sections[-1].caption = " ".join("".join(element.itertext()).split())
        elif key == ("blockquote", ""):
            self._add_quote(element)
        elif key == ("div", "signature-block"):
            self._add_signature_block(element)
        elif key == ("table", "schedule"):
            self._add_table(element)
        elif key == ("div", "page-break"):
            if len(element) or (element.text or "").strip():
                raise _Vocabulary(element, "a page break has no content")
            self.page_break_pending = True
        elif key in _PARAGRAPH_STYLES:
            text_depth = self.scopes[-1].text_depth(depth) if self.scopes else depth
            if key == ("p", "") and (style or text_depth):
                self._add_paragraph(element, style or clause_style("Clause Text", text_depth))
            else:
                self._add_paragraph(element, _PARAGRAPH_STYLES[key])
        else:
            raise _Vocabulary(element, "not in the HTML vocabulary (templates/README.md)")

    def _add_clause(self, element: etree._Element, depth: int) -> None:
        """A clause: its first paragraph numbered by Word's list and bookmarked for the
        references to it. A heading run into the clause's text stands in a paragraph of its
        own whose mark is hidden (Word's style separator), so that the outline level, which
        puts it in the navigation pane and a table of contents, covers the heading only; a
        paragraph holding only a number and heading keeps with what follows."""
        if not self.scopes:
            raise _Vocabulary(element, "a clause outside <div class=\"clauses\">")
        scope = self.scopes[-1]
        self._no_text(element.text, element)
        first = True
        for child in _elements(element):
            if first and _key(child) in (("p", ""), ("p", "caption")):
                heading = child.find("u[@class='clause-heading']") is not None
                caption, text = _run_in(child) if heading and _key(child) == ("p", "") else (
                    child, None)
                if scope.own:
                    style = clause_style("Clause Text", scope.text_depth(depth))
                elif caption is child and _key(child) == ("p", ""):
                    style = clause_style("Clause", depth)
                else:
                    style = clause_style("Clause Caption", depth)
                paragraph = self._add_paragraph(caption, style)
                number_paragraph(paragraph._p, scope.list_id,
                                 depth - scope.depth if scope.own else depth, outline=heading)
                clause = self.clauses[element]
                self.bookmarks.append(clause.bookmark)
                add_bookmark(paragraph._p, clause.bookmark, len(self.bookmarks))
                if text is not None:
                    hide_paragraph_mark(paragraph._p)
                    self._add_paragraph(text, clause_style("Clause Text", scope.text_depth(depth)))
            else:
                self._add_block(child, depth, None)
            first = False
            self._no_text(child.tail, element)

    def _start_section(self, element: etree._Element) -> None:
        """End the Word section before `element`, which starts a new one."""
        body = self.document.element.body
        last = next((child for child in reversed(body) if child.tag != qn("w:sectPr")), None)
        # A paragraph a redline inserts whole cannot hold the section break: rejecting it
        # would leave the break behind, on a page of its own (one deleted whole holds it,
        # its mark not tracked: see Revisions.mark_whole_blocks).
        if last is None or last.tag != qn("w:p") or whole_revision(last) == "ins":
            last = self.document.add_paragraph(style="Normal")._p  # holds the section break
        ending = self.sections[-1]
        template = body.find(qn("w:sectPr"))
        last.get_or_add_pPr().append(section_properties(template, ending.kind == "part",
                                                        ending.landscape))
        self.sections.append(_Section(_key(element)[1], _landscape(element)))
        self.page_break_pending = False  # a new section starts a new page
    def _add_paragraph(self, element: etree._Element, style: str) -> Paragraph:
        paragraph = self.document.add_paragraph(style=style)
        self._fill(paragraph, element)
        if self.page_break_pending:
            paragraph.paragraph_format.page_break_before = True
            self.page_break_pending = False
        return paragraph

    def _add_quote(self, element: etree._Element) -> None:
        if any(_key(child) == ("p", "") for child in _elements(element)):
            self.add_blocks(element, style="Quote")
        else:
            self._add_paragraph(element, "Quote")

    def _add_signature_block(self, element: etree._Element) -> None:
        # The Signature styles keep each line with the next and together; the last
        # line lets go, so that only the block itself is never split. The first line
        # (the party's name) has the space that sets blocks apart; a line with a blank
        # runs to the right margin (a tab with an underline leader), and a line to sign
        # (<p class="sign">) has room above it for a signature.
        # The page's identifier (generator/pageid.py), if the build put one in, is a picture
        # anchored to the block's first line.
        paragraphs = []
        page_id = None
        self._no_text(element.text, element)
        self.signature_block = True
        for child in _elements(element):
            if _key(child) == ("div", PAGE_ID_CLASS):
                page_id = parse(child.get("data-code") or "")
                if page_id is None:
                    raise _Vocabulary(child, "a page identifier without a code that "
                                             "generator/pageid.py reads")
                self._no_text(child.tail, element)
                continue
            if _key(child) not in (("p", ""), ("p", "sign")):
                raise _Vocabulary(child, "a signature block holds only <p> lines")
            if _key(child) == ("p", "sign"):
                style = "Line to Sign"
            elif not paragraphs:
                style = "Signature Party"
            elif child.find(".//span[@class='blank']") is not None:
                style = "Signature Line"
            else:
                style = "Signature"
            paragraphs.append(self._add_paragraph(child, style))
            self._no_text(child.tail, element)
        self.signature_block = False
        if paragraphs:
            paragraphs[-1].paragraph_format.keep_with_next = False
            if page_id is not None:
                anchor_page_id(paragraphs[0], page_id, self.numbering, self.numbering.sections[0])

    def _add_table(self, element: etree._Element) -> None:
        groups = []
        self._no_text(element.text, element)
        for group in _elements(element):
            if group.tag == "colgroup":  # the column widths, read by _column_shares
                self._no_text(group.tail, element)
                continue
            if group.tag not in ("thead", "tbody", "tfoot") or group.get("class"):
                raise _Vocabulary(group, "a schedule table holds thead, tbody and tfoot")
            self._no_text(group.tail, element)
            for row in _elements(group):
                if _key(row) != ("tr", ""):
                    raise _Vocabulary(row, f"a {group.tag} holds only <tr> rows")
                self._no_text(row.tail, group)
                groups.append((group.tag, row, list(_elements(row))))
        widths = {len(cells) for _, _, cells in groups}
        if len(widths) != 1:
            raise _Vocabulary(element, "every row needs the same number of cells")
        columns = widths.pop()
        table = self.document.add_table(rows=0, cols=columns)
        table.style = "Schedule Table"
        shares = _column_shares(element, columns)
        text_width = self.text_widths[self.sections[-1].landscape]
        _set_widths(table, text_width, shares)
        for group, row, cells in groups:
            self._add_row(table, group, row, cells, [Length(int(text_width * share))
                                                     for share in shares])

    def _add_row(self, table: Table, group: str, row: etree._Element, cells: list[etree._Element],
                 widths: list[Length]) -> None:
        word_row = table.add_row()
        properties = word_row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))  # a row never breaks across pages
        if group == "thead":
            properties.append(OxmlElement("w:tblHeader"))  # repeats at the top of each page
        self._no_text(row.text, row)
        for cell, word_cell, width in zip(cells, word_row.cells, widths, strict=True):
            if _key(cell) not in _CELL_STYLES or cell.get("colspan") or cell.get("rowspan"):
                raise _Vocabulary(cell, "a row holds <th>, <td> and <td class=\"num\"> cells, without spans")
            self._no_text(cell.tail, row)
            word_cell.vertical_alignment = WD_ALIGN_VERTICAL.BOTTOM  # figures line up with a name's last line
            word_cell.width = width
            paragraph = word_cell.paragraphs[0]
            paragraph.style = _CELL_STYLES[_key(cell)]
            self._fill(paragraph, cell, frozenset({"b"}) if group == "tfoot" else frozenset())
            if self.page_break_pending:
                paragraph.paragraph_format.page_break_before = True
                self.page_break_pending = False

    def _no_text(self, text: str | None, container: etree._Element) -> None:
        if text and text.strip():
            raise _Vocabulary(container, f"text outside a paragraph: {text.strip()[:40]!r}")

    # Inline content ----------------------------------------------------------

    def _fill(self, paragraph: Paragraph, element: etree._Element,
              formatting: frozenset[str] = frozenset()) -> None:
        for span in _collapse(_spans(element, formatting, self)):
            run = paragraph.add_run()
            runs = [run._r]
            if "b" in span.formatting:
                run.bold = True
            if "i" in span.formatting:
                run.italic = True
            if "u" in span.formatting:
                run.underline = True
            if "heading" in span.formatting:
                run.style = "Clause Heading"
            if span.tab:
                run._r.append(OxmlElement("w:tab"))
            elif span.fields:
                properties = run._r.find(qn("w:rPr"))
                anchor = run._r
                runs = []
                for bookmark, number in span.fields:
                    for field_run in reference_field_runs(bookmark, number, properties):
                        anchor.addnext(field_run)
                        anchor = field_run
                        runs.append(field_run)
                run._r.getparent().remove(run._r)
            else:
                add_text(run._r, span.text)
            for kind in KINDS:
                if kind in span.formatting:
                    self.revisions.wrap(runs, kind)

    def reference(self, link: etree._Element, text: str) -> tuple[tuple[str, str], ...]:
        """The REF fields of a reference that reads `text`: one per clause whose number it
        shows ("8.4"; "5", "(b)", "(iii)"), each with that clause's number as its text until
        updated."""
        label = (link.get("href") or "").removeprefix("#")
        target = next((c for c in self.clauses if c.get("id") == label), None)
        if target is None:
            raise _Vocabulary(link, f"a reference to {label!r}, which no clause has")
        chain = []
        while target is not None:
            chain.insert(0, target)
            target = self.clauses[target].parent
        style = STYLES[self.clauses[chain[-1]].scheme]
        own = link.get("data-number") == "own"  # "subsection (iii)": its own number only
        parts = chain[-1:] if own else chain[-len(style.reference_parts([1] * len(chain))):]
        fields = tuple((self.clauses[c].bookmark, self.clauses[c].number.rstrip("."))
                       for c in parts)
        shown = "".join(number for _, number in fields)
        if shown != text:
            raise _Vocabulary(link, f"reads {text!r} where the clauses' "
                                    f"numbers make {shown!r}")
        return fields


def _elements(container: etree._Element) -> Iterator[etree._Element]:
    """Child elements, without comments (whose tails still count as text)."""
    for child in container:
        if isinstance(child.tag, str):
            yield child
        elif child.tail and child.tail.strip():
            raise _Vocabulary(container, f"text outside a paragraph: {child.tail.strip()[:40]!r}")


def _spans(element: etree._Element, formatting: frozenset[str],
           builder: _BodyBuilder) -> Iterator[_Span]:
    yield _Span(element.text or "", formatting)
    for child in element:
        if isinstance(child.tag, str):
            key = _key(child)
            if key == _BLANK:
                if len(child) or (child.text or "").strip():
                    raise _Vocabulary(child, "a blank has no content")
                if builder.signature_block:  # the line runs to the tab stop's leader
                    yield _Span("", formatting, tab=True)
                else:
                    yield _Span(_BLANK_TEXT, formatting | {"u"})
            elif key == _NUMBER:
                pass  # Word's list numbering shows it
            elif key == _XREF:
                text, change = _reference_text(child)
                yield _Span(text, formatting | change, builder.reference(child, text))
            elif key == _RIGHT and _key(element) == ("p", "spread"):
                yield _Span("", formatting, tab=True)
                yield from _spans(child, formatting, builder)
            elif key in _FORMATTING:
                yield from _spans(child, formatting | {_FORMATTING[key]}, builder)
            elif key in _PLAIN:
                yield from _spans(child, formatting, builder)
            else:
                raise _Vocabulary(child, "not in the HTML vocabulary (templates/README.md)")
        yield _Span(child.tail or "", formatting)


def _reference_text(link: etree._Element) -> tuple[str, frozenset[str]]:
    """What a reference (or a clause's number) reads, and the revision it is: a redline's
    reference inserted or deleted whole is one; one whose number changed reads the new
    number, unmarked, since Word's REF field shows the clause's number as Word's list
    numbering gives it."""
    kinds: set[str] = set()
    shown: list[str] = []  # the text but what is deleted, in order
    deleted: list[str] = []

    def add(text: str | None, kind: str) -> None:
        if text:
            kinds.add(kind)
            (deleted if kind == "del" else shown).append(text)

    def walk(element: etree._Element, kind: str) -> None:
        add(element.text, kind)
        for child in element:
            if isinstance(child.tag, str):
                walk(child, child.tag if child.tag in KINDS else kind)
            add(child.tail, kind)

    walk(link, "")
    if kinds == {"del"}:
        return "".join(deleted), frozenset({"del"})
    return "".join(shown), frozenset({"ins"}) if kinds == {"ins"} else frozenset()


_RUN_IN = re.compile(r"[.:]?")  # what ends a heading: "Notices." and its text


def _run_in(paragraph: etree._Element) -> tuple[etree._Element, etree._Element]:
    """A clause's first paragraph split after its heading ("8.1. Notices." | "Any notice
    ..."): the caption, with the heading's closing point, and the text that follows."""
    heading = paragraph.find("u[@class='clause-heading']")
    point = _RUN_IN.match(heading.tail or "").group()
    caption = etree.Element("p", {"class": "caption"})
    caption.text = paragraph.text
    text = etree.Element("p")
    text.text = (heading.tail or "")[len(point):]
    position = list(paragraph).index(heading)
    for index, child in enumerate(paragraph):
        copied = copy.deepcopy(child)  # with its tail
        if index == position:
            copied.tail = point
        (caption if index <= position else text).append(copied)
    return caption, text


def _clauses(body: etree._Element, scheme: str) -> dict[etree._Element, _Clause]:
    """Every numbered clause: its bookmark, its number as shown, its depth and parent in
    its numbering scope, and the scope's scheme (`scheme`, the document's, unless the
    scope has its own)."""
    clauses: dict[etree._Element, _Clause] = {}
    used: set[str] = set()
    for index, section in enumerate(body.iter("section")):
        if _key(section) != ("section", "clause"):
            continue
        scope = next((a for a in section.iterancestors("div") if _key(a) == ("div", "clauses")),
                     None)
        parent = next((a for a in section.iterancestors("section", "div")
                       if _key(a) in (("section", "clause"), ("div", "clauses"))), None)
        if parent is not None and parent.tag == "div":
            parent = None
        depth = clauses[parent].depth + 1 if parent is not None else 1
        number = section.find("p/span[@class='num']")
        name = bookmark_name(section.get("id") or f"clause-{index}")
        if name in used:
            raise _Vocabulary(section, f"two clauses would have the bookmark {name!r}")
        used.add(name)
        own = scope.get("data-numbering") if scope is not None else None
        # A redline's renumbered clause: its new number (Word's list numbering shows it).
        clauses[section] = _Clause(name, _reference_text(number)[0] if number is not None
                                   else "", depth, parent, own or scheme)
    return clauses


def _collapse(spans: Iterator[_Span]) -> list[_Span]:
    """HTML white-space rules: runs of white space are one space, none at either end."""
    out: list[_Span] = []
    after_space = True  # at the start of the paragraph, white space is dropped
    for span in spans:
        if span.fields or span.tab:
            if span.tab and out:  # the tab takes the place of the space before it
                out[-1] = _Span(out[-1].text.rstrip(" "), out[-1].formatting)
            out.append(span)
            after_space = span.tab
            continue
        text = _COLLAPSIBLE.sub(" ", span.text)
        if after_space:
            text = text.lstrip(" ")
        if not text:
            continue
        after_space = text.endswith(" ")
        if out and out[-1].formatting == span.formatting and not (out[-1].fields or out[-1].tab):
            out[-1] = _Span(out[-1].text + text, span.formatting)
        else:
            out.append(_Span(text, span.formatting))
    if out and not (out[-1].fields or out[-1].tab):
        out[-1] = _Span(out[-1].text.rstrip(" "), out[-1].formatting)
    return [span for span in out if span.text or span.fields or span.tab]


_COLUMN_WIDTH = re.compile(r"width:\s*([\d.]+)%")


def _column_shares(table: etree._Element, columns: int) -> list[float]:
    """Each column's share of the width, from the table's <col> widths (set by
    generator/typesetting.py, which the PDF follows too); equal shares without them."""
    colgroup = table.find("colgroup")
    if colgroup is None:
        return [1 / columns] * columns
    shares = []
    for col in colgroup:
        match = _COLUMN_WIDTH.search(col.get("style", ""))
        if col.tag != "col" or match is None:
            raise _Vocabulary(col, "a <colgroup> holds <col style=\"width: N%\"> columns")
        shares.append(float(match.group(1)) / 100)
    if len(shares) != columns:
        raise _Vocabulary(colgroup, f"{len(shares)} <col> for {columns} columns")
    return shares


def _set_widths(table: Table, text_width: Length, shares: list[float]) -> None:
    """The table spans the text width, fixed, its columns as wide as their shares."""
    width = table._tbl.tblPr.find(qn("w:tblW"))  # replaced in place: the schema fixes its position
    width.set(qn("w:type"), "pct")
    width.set(qn("w:w"), "5000")  # fiftieths of a percent
    table.autofit = False  # fixed layout: Word keeps the widths instead of fitting content
    for column, share in zip(table.columns, shares, strict=True):
        column.width = Length(int(text_width * share))


def _root(html: str) -> etree._Element:
    root = lxml.html.document_fromstring(html)
    if root.find("body") is None:
        raise _Vocabulary(root, "the document has no <body>")
    return root


def _meta(root: etree._Element, name: str) -> str:
    meta = root.find(f"head/meta[@name='{name}']")
    return meta.get("content", "") if meta is not None else ""


def _body_xml(root: etree._Element, text_widths: dict[bool, Length], target: WordDocument,
              house_style: Path) -> tuple[Markup, list[_Section]]:
    """The body as WordprocessingML paragraphs and tables, built with python-docx, and
    the Word sections it is made of.

    They are built in a copy of the house template, so style names resolve to the
    template's own style ids; docxtpl's subdocuments would do the same but need
    docxcompose, which a body of paragraphs and tables has no use for. Lists that restart
    go into `target`'s numbering, where the paragraphs will refer to them.
    """
    scratch = docx.Document(house_style)
    body = scratch.element.body
    for element in list(body):
        if element.tag != qn("w:sectPr"):
            body.remove(element)
    revisions = Revisions(_meta(root, "revision-author"), _meta(root, "revision-date"))
    builder = _BodyBuilder(scratch, text_widths, root.find("body"), target, revisions)
    builder.add_blocks(root.find("body"))
    revisions.mark_whole_blocks(body)
    return Markup("".join(etree.tostring(element, encoding="unicode")
                          for element in body if element.tag != qn("w:sectPr"))), builder.sections


class DocxWriter:
    def render(self, doc: RenderedDocument) -> bytes:
        house_style = doc.forms.path(HOUSE_STYLE)
        template = DocxTemplate(house_style)
        word = template.get_docx()
        section = word.sections[0]
        margins = section.left_margin + section.right_margin
        # Upright, and turned sideways (the page's height across, the same margins).
        text_widths = {False: Length(section.page_width - margins),
                       True: Length(section.page_height - margins)}
        try:
            root = _root(doc.html)
            add_missing_lists(word)
            body, sections = _body_xml(root, text_widths, word, house_style)
            article = root.find("body/article")
            bind_scheme(word, (article.get("data-numbering") if article is not None else None)
                        or "decimal")
        except _Vocabulary as error:
            raise RenderError([Finding(
                "docx.vocabulary", Severity.ERROR, None, doc.name, str(error),
                "use only the elements listed in templates/README.md")]) from None
        # Markup: the body is WordprocessingML; autoescape still applies to any other value.
        template.render({"body": body}, autoescape=True)
        finish_sections(template.docx, [(part.kind, part.caption, part.landscape)
                                        for part in sections])
        stamp_core_properties(template.docx.core_properties, doc.title, doc.created,
                              doc.identifier, _meta(root, "author"), _meta(root, "description"))
        out = io.BytesIO()
        template.save(out)
        # What it was made from, so that an edited copy finds its base among the deal's
        # kept versions (dealdocs regenerate).
        return reproducible_zip(out.getvalue(), made_from(doc))
