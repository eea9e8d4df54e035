"""Build templates/base/house-style.docx, the Word template of the DOCX writer.

Run from the repository root: `.venv/bin/python scripts/make_house_style.py`.
The output is byte-identical from run to run, so the committed file can be checked
against this script. The measures follow templates/base/print.css: letter paper,
1-inch margins, 12-point Times New Roman (Liberation Serif where Word is not),
justified body text, half-inch indents, centered page numbers.
"""

from __future__ import annotations

import datetime
import io
import sys
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.styles.style import BaseStyle, ParagraphStyle

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.forms import BUNDLED_FORMS, HOUSE_STYLE  # noqa: E402
from generator.writers.docx_package import reproducible_zip, stamp_core_properties  # noqa: E402
from generator.writers.docx_fields import (CLAUSE_STYLE_LEVELS, bind_scheme,  # noqa: E402
                                           clause_style, write_numbering)

STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
LATIN_FONT = "Times New Roman"
EAST_ASIAN_FONT = "SimSun"
JUSTIFY, CENTER, LEFT, RIGHT = (WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER,
                                WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT)
TEXT_WIDTH = Inches(6.5)  # letter paper less two 1-inch margins
# Styles of python-docx's default template that the house style keeps; the rest
# (dozens of colored table styles, list and emphasis styles) would only clutter
# the style gallery of every closing document.
KEEP = {"Normal", "Default Paragraph Font", "Normal Table", "No List", "Header", "Header Char",
        "Footer", "Footer Char", "Title", "Heading 1", "Heading 2", "Heading 3", "Body Text",
        "Quote"}


def set_fonts(rpr: OxmlElement) -> None:
    """Name the fonts outright: the theme fonts of the default template are Calibri and Cambria."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for script in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(script), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)


def reset(style: BaseStyle) -> None:
    """Drop the default template's formatting so that only what is set here applies."""
    for tag in ("w:pPr", "w:rPr"):
        for element in style.element.findall(qn(tag)):
            style.element.remove(element)


def paragraph_style(document: Document, name: str, base: str = "Normal", *,
                    align: WD_ALIGN_PARAGRAPH = JUSTIFY, first_line: float = 0, left: float = 0,
                    right: float = 0, before: float = 0, after: float = 12,
                    size: float | None = None, bold: bool | None = None,
                    italic: bool | None = None, underline: bool | None = None,
                    keep_with_next: bool = False, keep_together: bool = False) -> ParagraphStyle:
    """Define (or redefine) a paragraph style; measures in inches and points."""
    styles = document.styles
    if name in [style.name for style in styles]:
        style = styles[name]
        reset(style)
    else:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    style.hidden = False
    style.quick_style = True
    style.font.color.rgb = RGBColor(0, 0, 0)
    style.font.size = Pt(size) if size else None
    style.font.bold = bold
    style.font.italic = italic
    style.font.underline = underline
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Inches(first_line)
    fmt.left_indent = Inches(left)
    fmt.right_indent = Inches(right)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.keep_with_next = keep_with_next or None
    fmt.keep_together = keep_together or None
    return style


def define_styles(document: Document) -> None:
    for style in list(document.styles):
        if style.name not in KEEP:
            style.delete()
    kept = {style.style_id for style in document.styles}
    for link in document.styles.element.iter(qn("w:link")):  # to a deleted "... Char" style
        if link.get(qn("w:val")) not in kept:
            link.getparent().remove(link)

    defaults = document.styles.element.find(qn("w:docDefaults"))
    set_fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")))
    default_paragraph = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    default_paragraph.remove(default_paragraph.find(qn("w:spacing")))

    normal = document.styles["Normal"]
    reset(normal)
    set_fonts(normal.element.get_or_add_rPr())
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    normal.paragraph_format.widow_control = True

    paragraph_style(document, "Title", align=CENTER, after=24, bold=True, keep_with_next=True)
    for level in (1, 2, 3):  # only Heading 1 is used; 2 and 3 are kept in the same dress
        heading = paragraph_style(document, f"Heading {level}", align=CENTER, before=12, after=12,
                                  underline=True, keep_with_next=True)
        outline = OxmlElement("w:outlineLvl")  # what puts a heading in the navigation pane
        outline.set(qn("w:val"), str(level - 1))
        heading.element.get_or_add_pPr().insert_element_before(
            outline, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
    paragraph_style(document, "Body Text", first_line=0.5)
    paragraph_style(document, "Body Text Center", "Body Text", align=CENTER)
    paragraph_style(document, "Body Text Right", "Body Text", align=RIGHT)
    paragraph_style(document, "Exhibit Label", "Body Text", align=RIGHT, after=24)
    # Plain and ragged, as the original legend is: justified capitals leave wide gaps.
    paragraph_style(document, "Legend", "Body Text", align=LEFT, first_line=0)
    # "No. B1-01" flush left, the amount flush right on the same line.
    spread = paragraph_style(document, "Body Text Spread", "Body Text", align=LEFT, first_line=0)
    spread.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    # Clauses, as print.css nests them: half an inch more at each level, the first line
    # half an inch in. "Clause N" is the numbered paragraph (Word's list numbering is
    # bound to it, generator/writers/docx_fields.py); "Clause Caption N" a number and
    # heading standing alone, kept with what follows; "Clause Text N" the clause's
    # further paragraphs.
    for level in range(1, CLAUSE_STYLE_LEVELS + 1):
        left = 0.5 * (level - 1)
        paragraph_style(document, clause_style("Clause", level), "Body Text", first_line=0.5,
                        left=left)
        paragraph_style(document, clause_style("Clause Caption", level),
                        clause_style("Clause", level), first_line=0.5, left=left,
                        keep_with_next=True)
        paragraph_style(document, clause_style("Clause Text", level), "Body Text",
                        first_line=0.5, left=left)
    heading = document.styles.add_style("Clause Heading", WD_STYLE_TYPE.CHARACTER)
    heading.base_style = document.styles["Default Paragraph Font"]
    heading.quick_style = True
    heading.font.underline = True
    # Word's Quote is italic; a section set out in full is not.
    paragraph_style(document, "Quote", "Body Text", first_line=0.5, left=1, right=0.5, italic=False)
    # A blank in a signature block (a line to sign, a form's "Date to Effect Conversion:")
    # is a tab to the right margin whose leader is an underline, so that typing a name
    # neither moves nor breaks it: every Signature style has that stop, whichever line of
    # the block the blank is on.
    signature = paragraph_style(document, "Signature", "Normal", align=LEFT, after=6,
                                keep_with_next=True, keep_together=True)
    signature.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT,
                                                      WD_TAB_LEADER.LINES)
    paragraph_style(document, "Signature Party", "Signature", align=LEFT, before=24, after=6,
                    keep_with_next=True, keep_together=True)
    # A line to sign: room above it.
    paragraph_style(document, "Signature Line", "Signature", align=LEFT, before=18,
                    after=6, keep_with_next=True, keep_together=True)
    # The line a party signs on: more than half an inch clear above it, as print.css gives
    # p.sign, room for a signature written by hand.
    paragraph_style(document, "Line to Sign", "Signature Line", align=LEFT, before=30, after=6,
                    keep_with_next=True, keep_together=True)
    paragraph_style(document, "Table Heading", "Normal", align=CENTER, after=0, size=10, bold=True)
    paragraph_style(document, "Table Text", "Normal", align=LEFT, after=0, size=10)
    paragraph_style(document, "Table Figure", "Normal", align=RIGHT, after=0, size=10)
    paragraph_style(document, "Footer", "Normal", align=CENTER, after=0)
    table_style(document)


def table_style(document: Document) -> None:
    """Schedule Table: a thin rule around every cell, as in the executed Schedule A."""
    style = document.styles.add_style("Schedule Table", WD_STYLE_TYPE.TABLE)
    style.base_style = document.styles["Normal Table"]
    style.quick_style = True
    properties = OxmlElement("w:tblPr")
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        border = OxmlElement(f"w:{edge}")
        border.set(qn("w:val"), "single")
        border.set(qn("w:sz"), "6")  # eighths of a point
        border.set(qn("w:space"), "0")
        border.set(qn("w:color"), "000000")
        borders.append(border)
    properties.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge, twips in (("top", 60), ("left", 80), ("bottom", 60), ("right", 80)):
        margin = OxmlElement(f"w:{edge}")
        margin.set(qn("w:w"), str(twips))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties.append(margins)
    style.element.append(properties)


def page_number_footer(document: Document) -> None:
    """A centered PAGE field in the footer, as a complex field that Word and LibreOffice update."""
    footer = document.sections[0].footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = document.styles["Footer"]
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = text


def page_setup(document: Document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Inches(1))
    section.header_distance = section.footer_distance = Inches(0.5)


def drop_extras(document: Document) -> None:
    """Parts of the default template a closing document has no use for: a thumbnail of
    an empty page, Word 2010's copy of the old styles, a bibliography store, and the
    application properties (they claim another application, one page and no words;
    Word counts them itself)."""
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype in (RT.THUMBNAIL, RT.EXTENDED_PROPERTIES):
            del package.rels[rel_id]
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype in (STYLES_WITH_EFFECTS, RT.CUSTOM_XML):
            del document.part.rels[rel_id]


def current_compatibility(document: Document) -> None:
    """Word 2013 and later layout: an older compatibility mode opens the file in
    "Compatibility Mode" and lays text out as Word 2010 did."""
    for setting in document.settings.element.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")


def build() -> bytes:
    document = docx.Document()
    drop_extras(document)
    current_compatibility(document)
    page_setup(document)
    define_styles(document)
    write_numbering(document)
    bind_scheme(document, "decimal")  # the amendments'; the writer binds each document's
    page_number_footer(document)
    # docxtpl replaces this paragraph with the document body (a subdocument).
    document.add_paragraph("{{p body }}")
    stamp_core_properties(document.core_properties, "", datetime.date(1980, 1, 1))
    out = io.BytesIO()
    document.save(out)
    return reproducible_zip(out.getvalue())


if __name__ == "__main__":
    BUNDLED_FORMS.path(HOUSE_STYLE).write_bytes(build())
