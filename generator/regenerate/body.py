"""A Word body read as paragraphs of text, each character traced to the run that shows it.

The text of a paragraph is what a reader sees with every pending change accepted: a run
inside someone's `w:del` is not there, one inside `w:ins` is. Each piece of text (a `w:t`,
or a tab) keeps its run and whether dealdocs may change that run as a revision of its own:
not a run that is already part of a revision, nor the shown number of a field (a REF to a
clause, which Word updates itself).
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.oxml.ns import qn
from lxml import etree

_HOLDERS = frozenset(qn(f"w:{tag}") for tag in ("p", "hyperlink", "smartTag", "customXml"))
"""What a run dealdocs may edit sits in: the paragraph itself or plain inline wrappers."""
_GONE = frozenset(qn(f"w:{tag}") for tag in ("del", "moveFrom"))
_TEXT, _FIELD_CHAR = qn("w:t"), qn("w:fldChar")
SHOWN = {qn("w:tab"): "\t", qn("w:noBreakHyphen"): "\u2011"}
"""Run content that shows one character of its own."""


@dataclass(frozen=True)
class Piece:
    element: etree._Element
    """The `w:t` (or `w:tab`, `w:noBreakHyphen`) that shows this text."""
    run: etree._Element
    start: int
    end: int
    editable: bool


@dataclass(frozen=True)
class WordParagraph:
    element: etree._Element
    text: str
    pieces: tuple[Piece, ...]

    @property
    def key(self) -> str:
        """The text as paragraphs are aligned by: white space as one space."""
        return " ".join(self.text.split())

    @property
    def row(self) -> etree._Element | None:
        """The table row it stands in, if any."""
        return next(self.element.iterancestors(qn("w:tr")), None)

    def editable(self, start: int, end: int) -> bool:
        """Whether every piece the characters start..end fall in may be edited."""
        return all(piece.editable for piece in self.pieces
                   if piece.start < end and start < piece.end)


def paragraphs(body: etree._Element) -> list[WordParagraph]:
    """Every paragraph of the body, table cells' too, in document order."""
    return [read_paragraph(element) for element in body.iter(qn("w:p"))]


def read_paragraph(element: etree._Element) -> WordParagraph:
    pieces: list[Piece] = []
    text: list[str] = []
    position = 0
    in_field_result = False  # between a complex field's separate and end
    for run in element.iter(qn("w:r")):
        if next(run.iterancestors(qn("w:p"))) is not element:
            continue  # a text box's paragraph, read as a paragraph of its own
        ancestors = list(_ancestors(run, element))
        if any(ancestor.tag in _GONE for ancestor in ancestors):
            continue
        plain = all(ancestor.tag in _HOLDERS for ancestor in ancestors)
        for child in run:
            if child.tag == _FIELD_CHAR:
                kind = child.get(qn("w:fldCharType"))
                in_field_result = kind == "separate" or (in_field_result and kind != "end")
            elif child.tag == _TEXT or child.tag in SHOWN:
                shown = child.text or "" if child.tag == _TEXT else SHOWN[child.tag]
                if shown:
                    pieces.append(Piece(child, run, position, position + len(shown),
                                        plain and not in_field_result))
                    text.append(shown)
                    position += len(shown)
    return WordParagraph(element, "".join(text), tuple(pieces))


def _ancestors(run: etree._Element, paragraph: etree._Element):
    """The elements between a run and its paragraph, the paragraph included."""
    for ancestor in run.iterancestors():
        yield ancestor
        if ancestor is paragraph:
            return
