"""Pictures anchored to a place on the page: a signature page's identifier in the right
margin of the Word file, where the PDF has it (generator/pageid.py).

A footer would not do: the signature pages are one Word section, so its footer is the same
on every page, while each page has an identifier of its own. A picture anchored to the
signature block's first line travels with the block to its page and is placed relative to
the page, whatever the text around it does; it has no text, so the Word file's words stay
the PDF's and the HTML's.
"""

from __future__ import annotations

import io

from docx.document import Document as WordDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section
from docx.text.paragraph import Paragraph

from ..pageid import PageId, picture_png


def anchor_page_id(paragraph: Paragraph, page_id: PageId, target: WordDocument,
                   section: Section) -> None:
    """Anchor the picture of `page_id` to `paragraph`: centred in the right margin, its foot
    on the foot of the text area, as the print stylesheet places it. The image goes into
    `target`, the document the paragraph will be part of."""
    inline = target.part.new_pic_inline(io.BytesIO(picture_png(page_id)))
    width, height = int(inline.extent.cx), int(inline.extent.cy)
    x = section.page_width - section.right_margin + (section.right_margin - width) // 2
    y = section.page_height - section.bottom_margin - height
    # Ids of drawings are unique in a document: the page's place among the signature pages.
    anchor = parse_xml(
        f'<wp:anchor {nsdecls("wp")} distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        f'relativeHeight="{page_id.page}" behindDoc="0" locked="1" layoutInCell="1" '
        f'allowOverlap="1">'
        f'<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="page"><wp:posOffset>{x}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="page"><wp:posOffset>{y}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{width}" cy="{height}"/>'
        f'<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:wrapNone/>'
        f'<wp:docPr id="{page_id.page}" name="Page identifier {page_id.page}" '
        f'descr="{page_id.code}"/>'
        f'</wp:anchor>')
    for name in ("wp:cNvGraphicFramePr", "a:graphic"):  # what the picture is, as made
        anchor.append(inline.find(qn(name)))
    drawing = paragraph.add_run()._r.add_drawing(inline)
    drawing.replace(inline, anchor)
