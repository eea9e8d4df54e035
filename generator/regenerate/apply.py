"""Changing the lawyers' draft only by revisions and comments of dealdocs' own.

Every change is a Word tracked change (`w:ins`, `w:del`, a paragraph mark or table row
marked inserted or deleted) with dealdocs' author and the terms' date, so that rejecting
every revision of dealdocs gives the draft as the lawyers left it; what cannot be changed
gets a comment. Runs are split where a change begins and ends, each part keeping the run's
own formatting.
"""

from __future__ import annotations

import copy
import re

from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from ..writers.docx_revisions import Revisions
from .body import SHOWN, WordParagraph, read_paragraph

_RUN_PROPERTIES = qn("w:rPr")
_BY_CHARACTER = {shown: tag for tag, shown in SHOWN.items()}
_SHOWN_ALONE = re.compile(f"([{''.join(_BY_CHARACTER)}])")
_REVISION_TAGS = frozenset(qn(f"w:{tag}") for tag in ("ins", "del", "moveFrom", "moveTo"))
# Left out of a paragraph copied from the new document: its bookmarks (names the draft may
# already use) and its pictures (whose media are the new document's, not the draft's).
_NOT_COPIED = (qn("w:bookmarkStart"), qn("w:bookmarkEnd"), qn("w:drawing"))
_ID_TAGS = frozenset(qn(f"w:{tag}") for tag in (
    "ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange", "trPrChange", "tcPrChange",
    "sectPrChange", "tblPrChange", "numberingChange"))


class Editor:
    """The draft being changed: `document` is it, as python-docx opened it."""

    def __init__(self, document: WordDocument, author: str, date: str):
        self.document = document
        self.author = author
        self.date = date
        # Above every revision id the draft has (the lawyers', or an earlier regeneration's).
        self.revisions = Revisions(author, date, (
            int(element.get(qn("w:id"))) for element in document.element.body.iter()
            if element.tag in _ID_TAGS and (element.get(qn("w:id")) or "").isdigit()))

    # Words -----------------------------------------------------------------------------

    def replace(self, paragraph: WordParagraph, start: int, end: int, text: str) -> None:
        """The characters start..end deleted and `text` inserted in their place, as
        revisions; the caller made sure the characters may be edited."""
        element = paragraph.element
        self._split(element, start)
        self._split(element, end)
        paragraph = read_paragraph(element)
        runs = list(dict.fromkeys(piece.run for piece in paragraph.pieces
                                  if start <= piece.start and piece.end <= end))
        before = [piece.run for piece in paragraph.pieces if piece.end <= start]
        after = [piece.run for piece in paragraph.pieces if piece.start >= end]
        model = runs[0] if runs else before[-1] if before else after[0] if after else None
        for group in _sibling_groups(runs):
            self.revisions.wrap(group, "del")
        if not text:
            return
        inserted = self.revisions.mark("ins")
        inserted.append(_run(text, model))
        if runs:
            runs[-1].getparent().addnext(inserted)
        elif before:
            _outside(before[-1]).addnext(inserted)
        elif after:
            _outside(after[0]).addprevious(inserted)
        else:
            element.append(inserted)

    def comment(self, paragraph: WordParagraph, start: int, end: int, text: str) -> None:
        """A comment of dealdocs on the characters start..end (the whole paragraph when
        that is empty)."""
        element = paragraph.element
        if start < end:
            self._split(element, start)
            self._split(element, end)
        paragraph = read_paragraph(element)
        runs = list(dict.fromkeys(piece.run for piece in paragraph.pieces
                                  if start <= piece.start and piece.end <= end))
        if not runs:
            runs = list(dict.fromkeys(piece.run for piece in paragraph.pieces))
        if not runs:
            runs = [OxmlElement("w:r")]
            element.append(runs[0])
        comment = self.document.comments.add_comment(text=text, author=self.author,
                                                     initials="dd")
        # The terms' date, not the time of the run: the same inputs make the same file.
        comment._comment_elm.set(qn("w:date"), self.date)
        runs[0].insert_comment_range_start_above(comment.comment_id)
        runs[-1].insert_comment_range_end_and_reference_below(comment.comment_id)

    # Paragraphs and rows ------------------------------------------------------------------

    def delete_paragraph(self, paragraph: WordParagraph) -> None:
        """Every run of the paragraph, and its mark, deleted (a cell's paragraph keeps its
        mark: the row goes as a whole, see delete_row)."""
        runs = [run for run in paragraph.element.iter(qn("w:r")) if not _in_revision(run)]
        for group in _sibling_groups(runs):
            self.revisions.wrap(group, "del")
        if paragraph.row is None:
            self._mark_paragraph(paragraph.element, "del")

    def delete_row(self, row: etree._Element) -> None:
        self._mark_row(row, "del")

    def insert_paragraph(self, anchor: etree._Element, source: etree._Element, *,
                         before: bool = False) -> etree._Element:
        """A copy of `source` (a paragraph of the new document) inserted after `anchor` (or
        before it), which it returns: the place for the next one."""
        paragraph = self._copy(source)
        if before:
            anchor.addprevious(paragraph)
        else:
            anchor.addnext(paragraph)
        self._mark_paragraph(paragraph, "ins")
        return paragraph

    def insert_row(self, anchor: etree._Element, source: etree._Element) -> etree._Element:
        row = self._copy(source)
        anchor.addnext(row)
        self._mark_row(row, "ins")
        return row

    # Helpers ------------------------------------------------------------------------------

    def _copy(self, source: etree._Element) -> etree._Element:
        element = copy.deepcopy(source)
        for tag in _NOT_COPIED:
            for found in list(element.iter(tag)):
                found.getparent().remove(found)
        for numbering in list(element.iter(qn("w:numPr"))):
            number = numbering.find(qn("w:numId"))
            if number is None or not self._has_list(number.get(qn("w:val"))):
                numbering.getparent().remove(numbering)
        runs = [run for run in element.iter(qn("w:r")) if not _in_revision(run)]
        for group in _sibling_groups(runs):
            self.revisions.wrap(group, "ins")
        return element

    def _has_list(self, number: str | None) -> bool:
        part = self.document.part.numbering_part
        return any(item.get(qn("w:numId")) == number
                   for item in part.element.findall(qn("w:num")))

    def _mark_paragraph(self, paragraph: etree._Element, kind: str) -> None:
        properties = paragraph.find(qn("w:pPr"))
        if properties is None:
            properties = OxmlElement("w:pPr")
            paragraph.insert(0, properties)
        if properties.find(qn("w:sectPr")) is not None:
            return  # its mark ends a section: accepting or rejecting it must not merge pages
        run_properties = properties.find(_RUN_PROPERTIES)
        if run_properties is None:
            run_properties = OxmlElement("w:rPr")
            change = properties.find(qn("w:pPrChange"))
            if change is not None:
                change.addprevious(run_properties)
            else:
                properties.append(run_properties)
        run_properties.insert(0, self.revisions.mark(kind))

    def _mark_row(self, row: etree._Element, kind: str) -> None:
        for run in [run for run in row.iter(qn("w:r")) if not _in_revision(run)]:
            self.revisions.wrap([run], kind)
        properties = row.find(qn("w:trPr"))
        if properties is None:
            properties = OxmlElement("w:trPr")
            row.insert(1 if row.find(qn("w:tblPrEx")) is not None else 0, properties)
        change = properties.find(qn("w:trPrChange"))
        if change is not None:
            change.addprevious(self.revisions.mark(kind))
        else:
            properties.append(self.revisions.mark(kind))

    def _split(self, paragraph: etree._Element, position: int) -> None:
        """Make `position` a boundary between runs."""
        for piece in read_paragraph(paragraph).pieces:
            if piece.start < position < piece.end:
                _split_run(piece.run, piece.element, position - piece.start)
                return
            if piece.start == position:
                if piece.element is not _contents(piece.run)[0]:
                    _split_run(piece.run, piece.element, 0)
                return


def _contents(run: etree._Element) -> list[etree._Element]:
    return [child for child in run if child.tag != _RUN_PROPERTIES]


def _split_run(run: etree._Element, at: etree._Element, offset: int) -> None:
    """Split `run` at `offset` characters into its child `at`: what comes before stays,
    the rest goes into a copy after it, with the same formatting."""
    rest = copy.deepcopy(run)
    index = list(run).index(at)
    for child in list(run)[index + 1:]:
        run.remove(child)
    for child in list(rest)[:index]:
        if child.tag != _RUN_PROPERTIES:
            rest.remove(child)
    if offset:
        text = at.text or ""
        moved = _contents(rest)[0]  # the copy of `at`
        at.text, moved.text = text[:offset], text[offset:]
        for element in (at, moved):
            element.set(qn("xml:space"), "preserve")
    else:
        run.remove(at)
    run.addnext(rest)


def _run(text: str, model: etree._Element | None) -> etree._Element:
    """A run showing `text`, formatted as `model`."""
    run = OxmlElement("w:r")
    properties = model.find(_RUN_PROPERTIES) if model is not None else None
    if properties is not None:
        properties = copy.deepcopy(properties)
        for change in properties.findall(qn("w:rPrChange")):  # the lawyers' revision, not ours
            properties.remove(change)
        run.append(properties)
    for part in _SHOWN_ALONE.split(text):
        if part in _BY_CHARACTER:
            etree.SubElement(run, _BY_CHARACTER[part])
        elif part:
            element = etree.SubElement(run, qn("w:t"))
            element.text = part
            element.set(qn("xml:space"), "preserve")
    return run


def _outside(run: etree._Element) -> etree._Element:
    """The run, or the revision of the draft's that holds it: a revision is never put
    inside another."""
    while run.getparent() is not None and run.getparent().tag in _REVISION_TAGS:
        run = run.getparent()
    return run


def _in_revision(run: etree._Element) -> bool:
    return any(ancestor.tag in _REVISION_TAGS for ancestor in run.iterancestors())


def _sibling_groups(runs: list[etree._Element]) -> list[list[etree._Element]]:
    """Runs in groups of siblings that follow one another (with nothing but range marks
    between them), each of which one revision can hold."""
    groups: list[list[etree._Element]] = []
    for run in runs:
        if groups and groups[-1][-1].getparent() is run.getparent() and _follows(
                groups[-1][-1], run):
            groups[-1].append(run)
        else:
            groups.append([run])
    return groups


def _follows(first: etree._Element, second: etree._Element) -> bool:
    sibling = first.getnext()
    while sibling is not None and sibling is not second:
        if sibling.tag == qn("w:r"):
            return False
        sibling = sibling.getnext()
    return sibling is second
