"""Typesetting decisions both writers share, made once on the finished HTML.

- Labels do not break across lines or pages: the space inside "Section 5(b)", "Schedule A",
  "Exhibit B-1", "Amendment No. 1", "45,734 shares" or "11:00 a.m." becomes a no-break
  space, and the hyphen inside a label ("B-1", "I-Warrant") is followed by a word joiner,
  which the PDF honours and the Word writer turns into Word's non-breaking hyphen.
- Table columns are as wide as their content asks (a lender's name wide, figures narrow),
  put into the HTML as `<col>` widths that the PDF and the Word file both follow.

The rest of what keeps text together (headings with what follows, widows and orphans,
references on one line) is style: templates/base/print.css says it for the PDF and
scripts/make_house_style.py for Word.
"""

from __future__ import annotations

import re
import lxml.html
from lxml.html import HtmlElement

NO_BREAK_SPACE = "\u00a0"
WORD_JOINER = "\u2060"
ZERO_WIDTH_SPACE = "\u200b"  # where a line may break between two words with no space

# Each pattern's group 1 is the one character to replace; the rest is context.
_LABEL_WORDS = (r"Sections?|Schedules?|Exhibits?|Articles?|Recitals?|Annex|Clause|No\.|Nos\.|"
                r"SECTIONS?|SCHEDULES?|EXHIBITS?|NO\.")
_SPACES = re.compile(
    # "Section 5(b)", "Schedule A", "Exhibit B-1", "No. 1", "No. B1-01": the word and
    # the label after it (a digit, a capital or a parenthesis).
    rf"(?:(?<![\w-])(?:{_LABEL_WORDS}))( )(?=[0-9A-Z(])"
    # "Amendment No. 1": the document's name and its "No."
    r"|(?<![\w-])(?:Amendment|AMENDMENT|Note|NOTE)( )(?=No\.|NO\.)"
    # "45,734 shares", "30 days", "11:00 a.m.", "35 %": a figure and its unit.
    r"|(?<![\w.,])\$?\d[\d,.:]*( )(?=(?:shares|days|Trading|Business|months|years|a\.m\.|p\.m\.)\b)")
_HYPHENS = re.compile(
    # "B-1", "B1-01", "I-Warrant", "I-WARRANT SHARES": a label of one or two capitals
    # (and digits) joined by a hyphen to what follows.
    r"(?<![\w-])[A-Z]{1,2}\d*(-)(?=[0-9A-Z])")
_BLOCKS = ("p", "h1", "h2", "th", "td")


def typeset(html: str) -> str:
    """The document with its labels held together and its tables' column widths set."""
    document = lxml.html.document_fromstring(html)
    body = document.find("body")
    if body is None:
        return html
    for block in body.iter(*_BLOCKS):
        _hold_labels_together(block)
    for table in body.iter("table"):
        _set_column_widths(table)
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


def _hold_labels_together(block: HtmlElement) -> None:
    # The block's text as one string, as _in_order's slots join up; most blocks have no
    # label, and need no walk.
    joined = block.text_content()
    edits: dict[int, str] = {}  # position of one character in `joined` -> its replacement
    for match in _SPACES.finditer(joined):
        edits[match.start(match.lastindex or 1)] = NO_BREAK_SPACE
    for match in _HYPHENS.finditer(joined):
        edits[match.start(1)] = "-" + WORD_JOINER
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


# Column widths ---------------------------------------------------------------------------

# A header is set in bold capitals, wider than body text of the same length; a cell's
# padding takes about a character.
_HEADER_WEIGHT = 1.4
_PADDING = 1.0
# About how many characters of 10-point text a line across the table holds (6.5 inches).
_TABLE_CHARACTERS = 90.0


def _words(text: str) -> list[str]:
    return (text.replace(WORD_JOINER, "").replace(ZERO_WIDTH_SPACE, " ")
            .replace(NO_BREAK_SPACE, "\u0001").split())


def refit_columns(table: HtmlElement) -> None:
    """Set a table's column widths again, from what it holds now (a redline's table holds
    the deleted figures beside the new ones)."""
    for colgroup in table.findall("colgroup"):
        table.remove(colgroup)
    _set_column_widths(table)


def _set_column_widths(table: HtmlElement) -> None:
    """Give each column its longest unbreakable word at least, and share what is left
    among the columns whose body text would otherwise wrap, in proportion to how much
    longer it is. Headers wrap between words by design, so only their words count."""
    rows = [row for row in table.iter("tr")]
    if not rows or table.find("colgroup") is not None:
        return
    columns = len([cell for cell in rows[0] if isinstance(cell.tag, str)])
    least = [1.0] * columns
    most = [1.0] * columns
    for row in rows:
        cells = [cell for cell in row if isinstance(cell.tag, str)]
        for index, cell in enumerate(cells[:columns]):
            text = " ".join(cell.text_content().split())
            weight = _HEADER_WEIGHT if cell.tag == "th" else 1.0
            longest = max((len(word) for word in _words(text)), default=0) * weight
            least[index] = max(least[index], longest + _PADDING)
            most[index] = max(most[index], longest + _PADDING if cell.tag == "th"
                              else len(text) * weight + _PADDING)
    spare = max(_TABLE_CHARACTERS - sum(least), 0.0)
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
