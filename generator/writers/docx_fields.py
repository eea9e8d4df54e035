"""Word's own machinery for a working draft: list numbering bound to the clause styles,
bookmarks on the clauses, REF fields for references, and sections with their footers.

The numbering schemes are generator/numbering.py's STYLES, written as Word lists: the
number a clause shows in the PDF is the number Word shows, and Word renumbers a clause a
lawyer inserts. scripts/make_house_style.py puts the lists into the house template; the
DOCX writer binds the document's scheme to the clause styles and adds what a document
needs beyond them (a list that restarts, bookmarks, fields, sections).
"""

from __future__ import annotations

import copy
import re
import zlib

from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Inches, Length
from lxml import etree

from ..numbering import MAX_DEPTH, STYLES

# The Word list of each numbering scheme: abstractNumId and numId (the same number).
LIST_IDS = {name: index for index, name in enumerate(STYLES, start=1)}
CLAUSE_STYLE_LEVELS = 4  # "Clause 1" ... "Clause 4"; deeper clauses use level 4's styles
INDENT = Inches(0.5)  # each level of nesting, and a clause's first line
NO_BREAK_HYPHEN = "-\u2060"  # generator/typesetting.py's hyphen inside a label


def clause_style(kind: str, depth: int) -> str:
    """The paragraph style of a clause's numbered paragraph ("Clause"), of its caption
    standing alone ("Clause Caption") or of its further paragraphs ("Clause Text")."""
    return f"{kind} {min(depth, CLAUSE_STYLE_LEVELS)}"


def _element(tag: str, **attributes: str) -> etree._Element:
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _twips(length: Length) -> str:
    return str(int(length.twips))


# Numbering ----------------------------------------------------------------------------

def abstract_numbering(name: str) -> etree._Element:
    """The Word list of one scheme: nine levels, each "%1." etc. followed by a space,
    indented as templates/base/print.css indents nested clauses."""
    list_id = LIST_IDS[name]
    abstract = _element("w:abstractNum", abstractNumId=str(list_id))
    # A fixed identifier, so that the template is byte-identical from run to run.
    abstract.append(_element("w:nsid", val=f"{zlib.crc32(name.encode()):08X}"))
    abstract.append(_element("w:multiLevelType", val="multilevel"))
    for depth, level in enumerate(STYLES[name].levels, start=1):
        lvl = _element("w:lvl", ilvl=str(depth - 1))
        lvl.append(_element("w:start", val="1"))
        lvl.append(_element("w:numFmt", val=level.format))
        lvl.append(_element("w:suff", val="space"))
        lvl.append(_element("w:lvlText", val=level.text))
        lvl.append(_element("w:lvlJc", val="left"))
        properties = _element("w:pPr")
        properties.append(_element("w:ind", left=_twips(Length(INDENT * (depth - 1))),
                                   firstLine=_twips(INDENT)))
        lvl.append(properties)
        abstract.append(lvl)
    return abstract


def numbering_instance(name: str, num_id: int, restart: bool = False) -> etree._Element:
    """A numbering instance of a scheme's list; `restart` starts it again at 1."""
    num = _element("w:num", numId=str(num_id))
    num.append(_element("w:abstractNumId", val=str(LIST_IDS[name])))
    if restart:
        override = _element("w:lvlOverride", ilvl="0")
        override.append(_element("w:startOverride", val="1"))
        num.append(override)
    return num


def write_numbering(document: WordDocument) -> None:
    """Replace the numbering part's content with the lists of every scheme (the house
    template's)."""
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    for name in STYLES:
        numbering.append(abstract_numbering(name))
    for name in STYLES:
        numbering.append(numbering_instance(name, LIST_IDS[name]))


def add_missing_lists(document: WordDocument) -> None:
    """Add the list of every scheme the numbering part lacks (a firm's house template made
    before the scheme existed), keeping the lists it has as they are."""
    numbering = document.part.numbering_part.element
    present = {abstract.get(qn("w:abstractNumId"))
               for abstract in numbering.iterchildren(qn("w:abstractNum"))}
    first_instance = numbering.find(qn("w:num"))
    for name in STYLES:
        if str(LIST_IDS[name]) in present:
            continue
        if first_instance is None:  # the schema puts every abstractNum before any num
            numbering.append(abstract_numbering(name))
        else:
            first_instance.addprevious(abstract_numbering(name))
        numbering.append(numbering_instance(name, LIST_IDS[name]))


def bind_scheme(document: WordDocument, scheme: str) -> None:
    """Bind the clause styles to one scheme's list: a paragraph given "Clause 2" in Word
    is numbered at the second level of the document's own scheme."""
    numbering = document.part.numbering_part.element
    styles = document.styles
    for abstract in numbering.iterchildren(qn("w:abstractNum")):
        bound = abstract.get(qn("w:abstractNumId")) == str(LIST_IDS[scheme])
        for lvl in abstract.iterchildren(qn("w:lvl")):
            for old in lvl.findall(qn("w:pStyle")):
                lvl.remove(old)
            depth = int(lvl.get(qn("w:ilvl"))) + 1
            if bound and depth <= CLAUSE_STYLE_LEVELS:
                lvl.insert(1, _element("w:pStyle", val=styles[clause_style("Clause", depth)].style_id))
    for depth in range(1, CLAUSE_STYLE_LEVELS + 1):
        properties = styles[clause_style("Clause", depth)].element.get_or_add_pPr()
        for old in properties.findall(qn("w:numPr")):
            properties.remove(old)
        num_pr = properties.get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = depth - 1
        num_pr.get_or_add_numId().val = LIST_IDS[scheme]


def restart_list(document: WordDocument, scheme: str) -> int:
    """A new instance of the scheme's list that starts at 1 (a second numbering scope),
    in `document`'s numbering part; returns its numId."""
    numbering = document.part.numbering_part.element
    used = [int(num.get(qn("w:numId"))) for num in numbering.iterchildren(qn("w:num"))]
    num_id = max(used, default=0) + 1
    numbering.append(numbering_instance(scheme, num_id, restart=True))
    return num_id


def number_paragraph(p: etree._Element, num_id: int, depth: int, outline: bool) -> None:
    """Give a clause's paragraph its list level (and, if it has a caption, its outline
    level, which puts it in Word's navigation pane and a table of contents)."""
    properties = p.get_or_add_pPr()
    num_pr = properties.get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = min(depth, MAX_DEPTH) - 1
    num_pr.get_or_add_numId().val = num_id
    if outline:
        properties.insert_element_before(
            _element("w:outlineLvl", val=str(min(depth, MAX_DEPTH) - 1)),
            "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def hide_paragraph_mark(p: etree._Element) -> None:
    """Word's style separator (Ctrl+Alt+Enter): the paragraph's mark is hidden, so that the
    next paragraph's text runs on after it on the same line; the paragraph ends with the
    space between them (in its last text, so that a revision marking the caption marks it)."""
    texts = list(p.iter(qn("w:t"), qn("w:delText")))  # a caption deleted whole stays whole
    if texts:
        last = texts[-1]
    else:
        run = OxmlElement("w:r")
        p.append(run)
        last = OxmlElement("w:t")
        run.append(last)
    last.text = (last.text or "") + " "
    last.set(qn("xml:space"), "preserve")
    properties = p.get_or_add_pPr()
    mark = properties.find(qn("w:rPr"))
    if mark is None:
        mark = OxmlElement("w:rPr")
        properties.insert_element_before(mark, "w:sectPr", "w:pPrChange")
    mark.append(OxmlElement("w:vanish"))
    mark.append(OxmlElement("w:specVanish"))


# Bookmarks and references ---------------------------------------------------------------

_NOT_IN_A_NAME = re.compile(r"[^A-Za-z0-9_]")


def bookmark_name(label: str) -> str:
    """A Word bookmark name for a clause label: letters, digits and underscores, starting
    with a letter, at most 40 characters ("misc-announcement" -> "misc_announcement")."""
    name = _NOT_IN_A_NAME.sub("_", label)
    if not name[:1].isalpha():
        name = "c" + name
    if len(name) > 40:
        name = f"{name[:31]}_{zlib.crc32(label.encode()):08x}"
    return name


def add_bookmark(p: etree._Element, name: str, bookmark_id: int) -> None:
    """Bookmark the whole paragraph (a clause's numbered paragraph)."""
    start = _element("w:bookmarkStart", id=str(bookmark_id), name=name)
    properties = p.find(qn("w:pPr"))
    p.insert(0 if properties is None else p.index(properties) + 1, start)
    p.append(_element("w:bookmarkEnd", id=str(bookmark_id)))


def reference_field_runs(bookmark: str, result: str, run_properties: etree._Element | None
                         ) -> list[etree._Element]:
    """The runs of a REF field to a clause's bookmark: its list number without trailing
    periods (\\n), a link to it (\\h), and `result` as the text Word shows until the
    field is next updated."""
    runs = []
    for part in ("begin", f" REF {bookmark} \\n \\h ", "separate", result, "end"):
        run = OxmlElement("w:r")
        if run_properties is not None:
            run.append(copy.deepcopy(run_properties))
        if part in ("begin", "separate", "end"):
            run.append(_element("w:fldChar", fldCharType=part))
        elif part.startswith(" REF "):
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = part
            run.append(instruction)
        else:
            add_text(run, part)
        runs.append(run)
    return runs


def add_text(run: etree._Element, text: str) -> None:
    """Text into a run, a label's hyphen as Word's non-breaking hyphen."""
    for index, piece in enumerate(text.split(NO_BREAK_HYPHEN)):
        if index:
            run.append(OxmlElement("w:noBreakHyphen"))
        piece = piece.replace("\u2060", "")
        if piece:
            t = OxmlElement("w:t")
            t.text = piece
            if piece != piece.strip():
                t.set(qn("xml:space"), "preserve")
            run.append(t)


# Sections ----------------------------------------------------------------------------------

def section_properties(template: etree._Element, restart_pages: bool, landscape: bool
                       ) -> etree._Element:
    """A section's properties ending one part of the body: the page of `template` (the
    house template's), without its footers (set once the document is assembled), page
    numbers from 1 when the part numbers its own pages, turned landscape for a table too
    wide for the portrait page."""
    properties = copy.deepcopy(template)
    for reference in properties.findall(qn("w:headerReference")) + properties.findall(
            qn("w:footerReference")):
        properties.remove(reference)
    set_page_restart(properties, restart_pages)
    set_orientation(properties, landscape)
    return properties


def set_orientation(properties: etree._Element, landscape: bool) -> None:
    """The section's page upright or sideways: its width and height swapped, the margins
    as they are."""
    size = properties.find(qn("w:pgSz"))
    width, height = int(size.get(qn("w:w"))), int(size.get(qn("w:h")))
    if landscape != (width > height):
        size.set(qn("w:w"), str(height))
        size.set(qn("w:h"), str(width))
    if landscape:
        size.set(qn("w:orient"), "landscape")
    elif qn("w:orient") in size.attrib:
        del size.attrib[qn("w:orient")]


def set_page_restart(properties: etree._Element, restart: bool) -> None:
    for old in properties.findall(qn("w:pgNumType")):
        properties.remove(old)
    if restart:
        after = [properties.find(qn(tag)) for tag in ("w:cols", "w:formProt", "w:vAlign",
                                                       "w:noEndnote", "w:titlePg",
                                                       "w:textDirection", "w:bidi",
                                                       "w:rtlGutter", "w:docGrid")]
        anchor = next((element for element in after if element is not None), None)
        number_type = _element("w:pgNumType", start="1")
        if anchor is None:
            properties.append(number_type)
        else:
            anchor.addprevious(number_type)


def set_footer(section: Section, page_number: etree._Element, caption: str | None) -> None:
    """The section's own footer: the page number, or on signature pages the line saying
    what they are signature pages to."""
    footer = section.footer
    footer.is_linked_to_previous = False
    element = footer._element
    for child in list(element):
        element.remove(child)
    if caption is None:
        element.append(copy.deepcopy(page_number))
    else:
        paragraph = copy.deepcopy(page_number)
        for child in list(paragraph):
            if child.tag != qn("w:pPr"):
                paragraph.remove(child)
        run = OxmlElement("w:r")
        properties = OxmlElement("w:rPr")
        properties.append(_element("w:sz", val="20"))  # 10 points, as in print.css
        run.append(properties)
        add_text(run, caption)
        paragraph.append(run)
        element.append(paragraph)


def finish_sections(document: WordDocument, parts: list[tuple[str, str | None, bool]]) -> None:
    """Each section's footer (a page number, or the signature pages' caption) and, for the
    last, whether it numbers its pages from 1 and is landscape (the others carry that in
    their breaks). `parts` are the (kind, caption, landscape) of each section, in order."""
    sections = document.sections
    if len(sections) != len(parts):
        raise AssertionError(f"{len(sections)} Word sections for {len(parts)} parts")
    page_number = copy.deepcopy(sections[-1].footer._element.find(qn("w:p")))
    set_page_restart(sections[-1]._sectPr, parts[-1][0] == "part")
    set_orientation(sections[-1]._sectPr, parts[-1][2])
    if len(parts) == 1:
        return  # the house template's footer, as it is
    for section, (kind, caption, _) in zip(sections, parts, strict=True):
        set_footer(section, page_number, caption if kind == "signature-pages" else None)
