"""The Word file: the house-style template with the body put in as real Word paragraphs.

docxtpl renders templates/base/house-style.docx (made by scripts/make_house_style.py),
whose body is the single placeholder `{{p body }}`; the body is built with python-docx,
so every paragraph has a style of the house template and tables are real Word tables.
Each element of the HTML vocabulary (templates/README.md) maps to one style; anything
else is an error.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import docx
import lxml.html
from docx.document import Document as WordDocument
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.opc.coreprops import CoreProperties
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
from . import HOUSE_STYLE, RenderedDocument

AUTHOR = "dealdocs"

# Paragraph styles of the house template, by element and class.
_PARAGRAPH_STYLES = {
    ("p", ""): "Body Text",
    ("p", "center"): "Body Text Center",
    ("p", "right"): "Body Text Right",
    ("p", "legend"): "Legend",
    ("p", "exhibit-label"): "Exhibit Label",
    ("h1", "title"): "Title",
    ("h2", "heading"): "Heading 1",
}
_CLAUSE_STYLES = ("Clause 1", "Clause 2", "Clause 3")  # deeper clauses stay at level 3
_CELL_STYLES = {("th", ""): "Table Heading", ("td", ""): "Table Text", ("td", "num"): "Table Figure"}
# A clause's heading is underlined, as the numbering puts it ("8.1. <u>Fees</u>.").
_FORMATTING = {("u", ""): "u", ("u", "clause-heading"): "u", ("b", ""): "b", ("i", ""): "i"}
# Inline elements that are plain text in Word (a reference, a defined term, a number).
_PLAIN = frozenset({("dfn", ""), ("span", "term"), ("span", "num"), ("a", "xref")})
_BLANK = ("span", "blank")
# A blank line to fill in by hand: underlined no-break spaces, about two inches wide,
# which Word neither collapses nor breaks.
_BLANK_TEXT = "\u00a0" * 48
_COLLAPSIBLE = re.compile(r"[ \t\n\r\f]+")  # HTML's white space; a no-break space is not

# Zip entries get this time, not the time of the run.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


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


class _BodyBuilder:
    """Adds the blocks of the document body to a python-docx document, in order."""

    def __init__(self, document: WordDocument, text_width: Length):
        self.document = document
        self.text_width = text_width
        self.page_break_pending = False

    # Blocks ---------------------------------------------------------------

    def add_blocks(self, container: etree._Element, depth: int = 0, style: str | None = None) -> None:
        """Add the children of `container`; `style` overrides the style of plain paragraphs."""
        self._no_text(container.text, container)
        for child in _elements(container):
            self._add_block(child, depth, style)
            self._no_text(child.tail, container)

    def _add_block(self, element: etree._Element, depth: int, style: str | None) -> None:
        key = _key(element)
        if key in (("article", "document"), ("div", "clauses")):
            self.add_blocks(element, depth)
        elif key == ("section", "clause"):
            self.add_blocks(element, depth + 1)
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
            if key == ("p", "") and (style or depth):
                self._add_paragraph(element, style or _CLAUSE_STYLES[min(depth, 3) - 1])
            else:
                self._add_paragraph(element, _PARAGRAPH_STYLES[key])
        else:
            raise _Vocabulary(element, "not in the HTML vocabulary (templates/README.md)")

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
        # (the party's name) has the space that sets blocks apart.
        paragraphs = []
        self._no_text(element.text, element)
        for child in _elements(element):
            if _key(child) != ("p", ""):
                raise _Vocabulary(child, "a signature block holds only <p> lines")
            style = "Signature" if paragraphs else "Signature Party"
            paragraphs.append(self._add_paragraph(child, style))
            self._no_text(child.tail, element)
        if paragraphs:
            paragraphs[-1].paragraph_format.keep_with_next = False

    def _add_table(self, element: etree._Element) -> None:
        groups = []
        self._no_text(element.text, element)
        for group in _elements(element):
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
        table = self.document.add_table(rows=0, cols=widths.pop())
        table.style = "Schedule Table"
        _full_width(table, self.text_width)
        for group, row, cells in groups:
            self._add_row(table, group, row, cells)

    def _add_row(self, table: Table, group: str, row: etree._Element, cells: list[etree._Element]) -> None:
        word_row = table.add_row()
        properties = word_row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))  # a row never breaks across pages
        if group == "thead":
            properties.append(OxmlElement("w:tblHeader"))  # repeats at the top of each page
        self._no_text(row.text, row)
        for cell, word_cell in zip(cells, word_row.cells, strict=True):
            if _key(cell) not in _CELL_STYLES or cell.get("colspan") or cell.get("rowspan"):
                raise _Vocabulary(cell, "a row holds <th>, <td> and <td class=\"num\"> cells, without spans")
            self._no_text(cell.tail, row)
            word_cell.vertical_alignment = WD_ALIGN_VERTICAL.BOTTOM  # figures line up with a name's last line
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
        for span in _collapse(_spans(element, formatting)):
            run = paragraph.add_run(span.text)
            if "b" in span.formatting:
                run.bold = True
            if "i" in span.formatting:
                run.italic = True
            if "u" in span.formatting:
                run.underline = True


def _elements(container: etree._Element) -> Iterator[etree._Element]:
    """Child elements, without comments (whose tails still count as text)."""
    for child in container:
        if isinstance(child.tag, str):
            yield child
        elif child.tail and child.tail.strip():
            raise _Vocabulary(container, f"text outside a paragraph: {child.tail.strip()[:40]!r}")


def _spans(element: etree._Element, formatting: frozenset[str]) -> Iterator[_Span]:
    yield _Span(element.text or "", formatting)
    for child in element:
        if isinstance(child.tag, str):
            key = _key(child)
            if key == _BLANK:
                if len(child) or (child.text or "").strip():
                    raise _Vocabulary(child, "a blank has no content")
                yield _Span(_BLANK_TEXT, formatting | {"u"})
            elif key in _FORMATTING:
                yield from _spans(child, formatting | {_FORMATTING[key]})
            elif key in _PLAIN:
                yield from _spans(child, formatting)
            else:
                raise _Vocabulary(child, "not in the HTML vocabulary (templates/README.md)")
        yield _Span(child.tail or "", formatting)


def _collapse(spans: Iterator[_Span]) -> list[_Span]:
    """HTML white-space rules: runs of white space are one space, none at either end."""
    out: list[_Span] = []
    after_space = True  # at the start of the paragraph, white space is dropped
    for span in spans:
        text = _COLLAPSIBLE.sub(" ", span.text)
        if after_space:
            text = text.lstrip(" ")
        if not text:
            continue
        after_space = text.endswith(" ")
        if out and out[-1].formatting == span.formatting:
            out[-1] = _Span(out[-1].text + text, span.formatting)
        else:
            out.append(_Span(text, span.formatting))
    if out:
        out[-1] = _Span(out[-1].text.rstrip(" "), out[-1].formatting)
    return [span for span in out if span.text]


def _full_width(table: Table, text_width: Length) -> None:
    """The table spans the text width, its columns equal."""
    width = table._tbl.tblPr.find(qn("w:tblW"))  # replaced in place: the schema fixes its position
    width.set(qn("w:type"), "pct")
    width.set(qn("w:w"), "5000")  # fiftieths of a percent
    for column in table.columns:
        column.width = Length(text_width // len(table.columns))


def _body(html: str) -> etree._Element:
    root = lxml.html.document_fromstring(html)
    body = root.find("body")
    if body is None:
        raise _Vocabulary(root, "the document has no <body>")
    return body


def stamp_core_properties(properties: CoreProperties, title: str, date: datetime.date,
                          identifier: str = "") -> None:
    """Fixed metadata: dates from the deal, a fixed author, no revision history."""
    moment = datetime.datetime.combine(date, datetime.time())
    properties.title = title
    properties.identifier = identifier
    properties.comments = ""
    properties.author = AUTHOR
    properties.last_modified_by = AUTHOR
    properties.created = moment
    properties.modified = moment
    properties.last_printed = moment
    properties.revision = 1


def reproducible_zip(data: bytes) -> bytes:
    """The same package with entries in a fixed order and with fixed times and modes."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    # [Content_Types].xml and the package relationships first, as Word writes them.
    first = ["[Content_Types].xml", "_rels/.rels"]
    names = [name for name in first if name in entries] + sorted(set(entries) - set(first))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, entries[name], compresslevel=6)
    return out.getvalue()


def _body_xml(html: str, text_width: Length) -> Markup:
    """The body as WordprocessingML paragraphs and tables, built with python-docx.

    They are built in a copy of the house template, so style names resolve to the
    template's own style ids; docxtpl's subdocuments would do the same but need
    docxcompose, which a body of paragraphs and tables has no use for.
    """
    scratch = docx.Document(HOUSE_STYLE)
    body = scratch.element.body
    for element in list(body):
        if element.tag != qn("w:sectPr"):
            body.remove(element)
    _BodyBuilder(scratch, text_width).add_blocks(_body(html))
    return Markup("".join(etree.tostring(element, encoding="unicode")
                          for element in body if element.tag != qn("w:sectPr")))


class DocxWriter:
    def render(self, doc: RenderedDocument) -> bytes:
        template = DocxTemplate(HOUSE_STYLE)
        section = template.get_docx().sections[0]
        text_width = Length(section.page_width - section.left_margin - section.right_margin)
        try:
            body = _body_xml(doc.html, text_width)
        except _Vocabulary as error:
            raise RenderError([Finding(
                "docx.vocabulary", Severity.ERROR, None, doc.name, str(error),
                "use only the elements listed in templates/README.md")]) from None
        # Markup: the body is WordprocessingML; autoescape still applies to any other value.
        template.render({"body": body}, autoescape=True)
        stamp_core_properties(template.docx.core_properties, doc.title, doc.created, doc.identifier)
        out = io.BytesIO()
        template.save(out)
        return reproducible_zip(out.getvalue())
