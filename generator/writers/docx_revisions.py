"""Word's tracked changes: a redline's `<ins>` and `<del>` as revisions to accept or reject.

Inserted runs go inside `w:ins`, deleted ones inside `w:del` with their text as
`w:delText` (Word shows a deleted run only so). A paragraph all of whose text was
inserted or deleted has its paragraph mark tracked too, and a table row its row, so that
accepting every revision leaves no empty paragraph or row behind, and rejecting every
revision none of the new ones. Each revision carries the author and date the redline's
`<meta name="revision-author">` and `<meta name="revision-date">` give, never "now".
"""

from __future__ import annotations

from collections.abc import Iterable

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

KINDS = ("ins", "del")
# Revision ids share a space with bookmark ids in some readers: start well above those.
_FIRST_ID = 100_000
# What a run's content becomes once the run is deleted.
_DELETED = {qn("w:t"): qn("w:delText"), qn("w:instrText"): qn("w:delInstrText")}


class Revisions:
    def __init__(self, author: str, date: str, taken: Iterable[int] = ()):
        """`taken`: the revision ids a file already has (Word refuses a file whose
        revisions share an id); the new ones start above them."""
        self.author = author or "dealdocs"
        self.date = date
        self._next_id = max([_FIRST_ID, *(number + 1 for number in taken)])

    def mark(self, kind: str) -> etree._Element:
        """A new `w:ins` or `w:del` element, with its id, author and date."""
        element = OxmlElement(f"w:{kind}")
        element.set(qn("w:id"), str(self._next_id))
        element.set(qn("w:author"), self.author)
        if self.date:
            element.set(qn("w:date"), self.date)
        self._next_id += 1
        return element

    def wrap(self, runs: list[etree._Element], kind: str) -> None:
        """Put `runs` (consecutive siblings) inside one revision of `kind`."""
        if not runs:
            return
        revision = self.mark(kind)
        runs[0].addprevious(revision)
        for run in runs:
            revision.append(run)
            if kind == "del":
                for child in run:
                    child.tag = _DELETED.get(child.tag, child.tag)

    def mark_whole_blocks(self, body: etree._Element) -> None:
        """Track the paragraph mark of each paragraph, and the row of each table row, whose
        runs all belong to revisions of one kind; but not a mark that holds a section
        break, which Word and LibreOffice would take along, joining two sections (the
        paragraph stays, empty, once its deletion is accepted)."""
        for row in body.iter(qn("w:tr")):
            kind = _whole(row.iter(qn("w:r")))
            if kind:
                properties = row.find(qn("w:trPr"))
                if properties is None:
                    properties = OxmlElement("w:trPr")
                    row.insert(0, properties)
                properties.append(self.mark(kind))  # last but for w:trPrChange
        for paragraph in body.iter(qn("w:p")):
            if next(paragraph.iterancestors(qn("w:tc")), None) is not None:
                continue  # a cell's paragraph goes with its row
            kind = whole_revision(paragraph)
            if kind and paragraph.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is None:
                properties = paragraph.get_or_add_pPr()
                run_properties = properties.find(qn("w:rPr"))
                if run_properties is None:
                    run_properties = OxmlElement("w:rPr")
                    properties.insert_element_before(run_properties, "w:sectPr",
                                                     "w:pPrChange")
                run_properties.insert(0, self.mark(kind))  # first, as the schema orders it


def whole_revision(paragraph: etree._Element) -> str | None:
    """The kind of revision a paragraph is, if all its text is in revisions of one kind."""
    return _whole(paragraph.iter(qn("w:r")))


def _whole(runs: Iterable[etree._Element]) -> str | None:
    """The kind of revision every run is in, if they all are in one kind (and there are
    runs); else None."""
    kinds = {run.getparent().tag for run in runs}
    if len(kinds) == 1:
        (tag,) = kinds
        return next((kind for kind in KINDS if tag == qn(f"w:{kind}")), None)
    return None
