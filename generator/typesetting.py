"""Typesetting decisions both writers share, made once on the finished HTML.

- Labels do not break across lines or pages: the space inside "Section 5(b)", "Schedule A",
  "Exhibit B-1", "Amendment No. 1", "45,734 shares" or "11:00 a.m." becomes a no-break
  space, and the hyphen inside a label ("B-1", "I-Warrant") is followed by a word joiner,
  which the PDF honours and the Word writer turns into Word's non-breaking hyphen.
- Table columns are as wide as their content asks (a lender's name wide, figures narrow),
  measured with the font's own widths and put into the HTML as `<col>` widths that the PDF
  and the Word file both follow. A table whose columns the portrait page cannot hold turns
  the part it is in (or the document) landscape: `data-orientation="landscape"`, a named
  page in print.css and a landscape section in Word.

The rest of what keeps text together (headings with what follows, widows and orphans,
references on one line) is style: templates/base/print.css says it for the PDF and
scripts/make_house_style.py for Word.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import lxml.html
from lxml.html import HtmlElement

from .fonts import FONTS

NO_BREAK_SPACE = "\u00a0"
WORD_JOINER = "\u2060"
ZERO_WIDTH_SPACE = "\u200b"  # where a line may break between two words with no space

# Each pattern's group 1 is the white space (or hyphen) to replace; the rest is context.
# White space is any run of it ("No.\n1" where the template's line ends), made one no-break space.
_LABEL_WORDS = (r"[Ss]ections?|[Ss]ubsections?|[Pp]aragraphs?|[Ss]chedules?|[Ee]xhibits?|"
                r"[Aa]rticles?|[Rr]ecitals?|Annex|[Cc]lauses?|No\.|Nos\.|"
                r"SECTIONS?|SCHEDULES?|EXHIBITS?|NO\.")
_SPACES = re.compile(
    # "Section 5(b)", "subsection 11(d)(ii)(3)", "Schedule A", "Exhibit B-1", "No. 1": the
    # word and the label after it (a digit, a capital or a parenthesis).
    rf"(?:(?<![\w-])(?:{_LABEL_WORDS}))(\s+)(?=[0-9A-Z(])"
    # "Amendment No. 1": the document's name and its "No."
    r"|(?<![\w-])(?:Amendment|AMENDMENT|Note|NOTE)(\s+)(?=No\.|NO\.)"
    # "Tranche C", "Series A", "April Notes II": a name and the one letter or roman numeral
    # that tells it from its siblings.
    r"|(?<![\w-])[A-Z][A-Za-z]+(\s+)(?=(?:[A-Z]|[IVX]{2,4})(?![\w-]))"
    # "45,734 shares", "30 days", "11:00 a.m.", "35 %": a figure and its unit.
    r"|(?<![\w.,])\$?\d[\d,.:]*(\s+)(?=(?:shares|days|Trading|Business|months|years|a\.m\.|p\.m\.)\b)")
_HYPHENS = re.compile(
    # "B-1", "B1-01", "I-Warrant", "I-WARRANT SHARES": a label of one or two capitals
    # (and digits) joined by a hyphen to what follows; "e-mail": one letter is no line's end.
    r"(?<![\w-])(?:[A-Z]{1,2}\d*(?=-[0-9A-Z])|[a-z](?=-[a-z]))(-)")
_BLOCKS = ("p", "h1", "h2", "th", "td")


def typeset(html: str) -> str:
    """The document with its labels held together, its tables' column widths set and, where
    a table is too wide for the portrait page, the part that holds it turned landscape."""
    document = lxml.html.document_fromstring(html)
    body = document.find("body")
    if body is None:
        return html
    for block in body.iter(*_BLOCKS):
        _hold_labels_together(block)
    for table in body.iter("table"):
        if _set_column_widths(table) == LANDSCAPE:
            _page_unit(table).set("data-orientation", LANDSCAPE)
    return lxml.html.tostring(document, doctype="<!DOCTYPE html>", encoding="unicode")


# Labels --------------------------------------------------------------------------------

def _in_order(block: HtmlElement) -> list[tuple[HtmlElement, str]]:
    # A child's text comes before its own children's; its tail after all of them.
    out: list[tuple[HtmlElement, str]] = [(block, "text")]

    def walk(element: HtmlElement) -> None:
        for child in element:
            if isinstance(child.tag, str):
                out.append((child, "text"))
                walk(child)
            out.append((child, "tail"))

    walk(block)
    return out


def label_joins(text: str) -> dict[int, str]:
    """Where the labels of `text` must hold together: the position of each character that
    joins a label to what follows, with what it becomes (a no-break space for the first of
    a run of white space, nothing for the rest of it; a hyphen and a word joiner)."""
    edits: dict[int, str] = {}
    for match in _SPACES.finditer(text):
        group = match.lastindex or 1
        for position in range(match.start(group), match.end(group)):
            edits[position] = NO_BREAK_SPACE if position == match.start(group) else ""
    for match in _HYPHENS.finditer(text):
        edits[match.start(1)] = "-" + WORD_JOINER
    return edits


def _hold_labels_together(block: HtmlElement) -> None:
    # The block's text as one string, as _in_order's slots join up; most blocks have no
    # label, and need no walk.
    joined = block.text_content()
    edits = label_joins(joined)  # position of one character in `joined` -> its replacement
    if not edits:
        return
    slots = _in_order(block)
    texts = [getattr(element, kind) or "" for element, kind in slots]
    start = 0
    for (element, kind), text in zip(slots, texts, strict=True):
        end = start + len(text)
        here = sorted(position for position in edits if start <= position < end)
        if here:
            pieces, last = [], start
            for position in here:
                pieces += [joined[last:position], edits[position]]
                last = position + 1
            pieces.append(joined[last:end])
            setattr(element, kind, "".join(pieces))
        start = end


# Column widths and orientation ------------------------------------------------------------

PORTRAIT, LANDSCAPE = "portrait", "landscape"
# The text's width on letter paper with 1-inch margins, in points: print.css and the house
# style's measures.
TEXT_WIDTH = {PORTRAIT: 468.0, LANDSCAPE: 648.0}
# A schedule's text is 10-point, its headers bold; a cell has 4 points of padding on each
# side (Word: 80 twips) and a 0.75-point rule.
_TABLE_SIZE = 10.0
_CELL_PADDING = 8.75


@functools.cache
def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """The advance width of each character of the face the tables are set in (Liberation
    Serif, metric-compatible with Word's Times New Roman), in ems, and the font's average."""
    from fontTools.ttLib import TTFont  # read once, on the first table

    face = next(font for font in FONTS if font.family == "DealDocs Serif"
                and font.path.name == ("LiberationSerif-Bold.ttf" if bold
                                       else "LiberationSerif-Regular.ttf"))
    with TTFont(face.path, lazy=True) as ttfont:
        per_em = ttfont["head"].unitsPerEm
        metrics = ttfont["hmtx"].metrics
        advances = {code: metrics[glyph][0] / per_em
                    for code, glyph in ttfont.getBestCmap().items()}
    return advances, sum(advances.values()) / len(advances)


def _width(text: str, bold: bool) -> float:
    """The width of `text` in points, as set in a table; characters the face lacks (CJK:
    a square em) are measured as the fallback font draws them."""
    advances, average = _advances(bold)
    ems = 0.0
    for char in text:
        if char == WORD_JOINER:
            continue
        if char == NO_BREAK_SPACE:
            char = " "
        ems += advances.get(ord(char), 1.0 if unicodedata.east_asian_width(char) in "WF"
                            else average)
    return ems * _TABLE_SIZE


_BREAKABLE_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's white space; a no-break space is not


def _words(text: str) -> list[str]:
    """The pieces a line may not break inside: words, with the labels typesetting joined
    (a redline's zero-width space between a struck figure and its new one is a break)."""
    return [word for word in _BREAKABLE_SPACE.split(
        text.replace(WORD_JOINER, "").replace(ZERO_WIDTH_SPACE, " "))
            if word]


def refit_columns(table: HtmlElement) -> None:
    """Set a table's column widths again, from what it holds now (a redline's table holds
    the deleted figures beside the new ones)."""
    for colgroup in table.findall("colgroup"):
        table.remove(colgroup)
    _set_column_widths(table)


def _two_lines(words: list[str], bold: bool) -> float:
    """The narrowest width that sets `words` in at most two lines."""
    space = _width(" ", bold)
    best = sum(_width(word, bold) for word in words) + space * max(len(words) - 1, 0)
    for split in range(1, len(words)):
        best = min(best, max(_width(" ".join(words[:split]), bold),
                             _width(" ".join(words[split:]), bold)))
    return best


def _set_column_widths(table: HtmlElement) -> str | None:
    """Set the columns' widths; return the orientation the table needs (None if it was
    given its widths already).

    Each column gets at least its longest word (a header wraps between words only, so its
    words count and no more), and its body cells two lines at most; if the portrait page
    cannot give that, the landscape page does. What the page has left goes to the columns
    whose body text would otherwise wrap, in proportion to how much longer it is."""
    rows = [row for row in table.iter("tr")]
    if not rows or table.find("colgroup") is not None:
        return None
    columns = len([cell for cell in rows[0] if isinstance(cell.tag, str)])
    least = [_CELL_PADDING] * columns
    most = [_CELL_PADDING] * columns
    for row in rows:
        bold_row = row.getparent() is not None and row.getparent().tag in ("thead", "tfoot")
        cells = [cell for cell in row if isinstance(cell.tag, str)]
        for index, cell in enumerate(cells[:columns]):
            words = _words(cell.text_content())
            bold = bold_row or cell.tag == "th"
            longest = max((_width(word, bold) for word in words), default=0.0)
            if cell.tag == "th":
                least[index] = max(least[index], longest + _CELL_PADDING)
                most[index] = max(most[index], longest + _CELL_PADDING)
            else:
                least[index] = max(least[index], _two_lines(words, bold) + _CELL_PADDING)
                most[index] = max(most[index], _width(" ".join(words), bold) + _CELL_PADDING)
    orientation = PORTRAIT if sum(least) <= TEXT_WIDTH[PORTRAIT] else LANDSCAPE
    spare = max(TEXT_WIDTH[orientation] - sum(least), 0.0)
    wants = [m - l for m, l in zip(most, least, strict=True)]
    if sum(wants) > spare:
        widths = [l + spare * w / sum(wants) for l, w in zip(least, wants, strict=True)]
    else:
        widths = most
    # Whole tenths of a percent that add up to exactly 100.
    tenths = [int(w * 1000 / sum(widths)) for w in widths]
    tenths[max(range(columns), key=lambda i: widths[i])] += 1000 - sum(tenths)
    colgroup = lxml.html.Element("colgroup")
    for share in tenths:
        colgroup.append(lxml.html.Element("col", {"style": f"width: {share / 10:.1f}%"}))
    colgroup.tail = "\n"
    table.insert(0, colgroup)
    return orientation


def _page_unit(table: HtmlElement) -> HtmlElement:
    """What starts the pages a table is on: its part (Schedule A of an amendment), else the
    document."""
    for ancestor in table.iterancestors():
        if ancestor.tag == "section" and "part" in (ancestor.get("class") or "").split():
            return ancestor
        if ancestor.tag == "article":
            return ancestor
    return table
