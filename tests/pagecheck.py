"""The pages of a PDF as a document production reviewer reads them: the faults a partner
notices on the first read, found from the glyphs and rules PDFium reports.

- a line broken early: a line of a paragraph (not its last) whose words would have left
  room for the next line's first word (a caption alone stretched across a justified line,
  "conversion" alone in mid-paragraph);
- a label split across lines ("subsection | 11(d)(ii)(3)", "TRANCHE | C"): where
  generator/typesetting.py's label_joins joins the text, no line may end;
- text outside its table cell: a word that a drawn vertical rule (a cell's border) crosses;
- a fill-in line missing: `blanks` lists the lines ending in a blank (a drawn rule, or a
  run of underscores where LibreOffice draws Word's underline tab leader), to compare a
  Word file's rendering with the PDF;
- too little room to sign: the clear space above each signature line;
- text past the right margin: a line drawn wider than it was measured.

Coordinates are PDF points from the page's lower left corner.
"""

from __future__ import annotations

import ctypes
import statistics
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from generator.typesetting import LANDSCAPE, PORTRAIT, TEXT_WIDTH, label_joins

# A rule is a drawn line at most this thick and at least this long (a table's border, the
# line of a blank); thinner and shorter marks are glyph parts and QR-code modules.
_RULE_THICKNESS = 2.0
_RULE_LENGTH = 8.0
# Two lines are one paragraph's when the second baseline is at most this many ems below
# the first (12-point text at 1.15 is 1.15 em apart; paragraphs add a line's gap).
_LEADING = 1.4
_PAST_THE_MARGIN = 0.5  # what a glyph's side bearing may reach past it
_SPACES = frozenset(" \t")  # what separates words; a no-break space joins them
_FIGURE_SPACE = "\u2007"  # what the Word writer's inline blank is made of: not a word
_HYPHEN_MARK = "\ufffe"  # PDFium's report of a hyphen it takes for a soft one


@dataclass(frozen=True)
class Box:
    left: float
    bottom: float
    right: float
    top: float


@dataclass(frozen=True)
class Word:
    text: str
    box: Box
    glued: bool = False  # joined to the next word by a no-break space


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]
    baseline: float
    em: float  # the font size, in points
    space: float  # the width of a space of this line's font

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def left(self) -> float:
        return self.words[0].box.left

    @property
    def right(self) -> float:
        return self.words[-1].box.right

    @property
    def bottom(self) -> float:
        return min(word.box.bottom for word in self.words)

    def natural_width(self) -> float:
        """Its words with one space between each two: the width before justification."""
        return (sum(word.box.right - word.box.left for word in self.words)
                + self.space * (len(self.words) - 1))


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    lines: tuple[Line, ...]
    rules: tuple[Box, ...]

    def label(self, line: Line) -> str:
        return f"page {self.number}: {line.text[:70]!r}"


def read(pdf: bytes) -> list[Page]:
    """Every page's lines of text and drawn rules."""
    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            pages.append(Page(index + 1, page.get_width(), page.get_height(),
                              tuple(_lines(textpage)), tuple(_rules(page))))
            textpage.close()
            page.close()
        return pages
    finally:
        document.close()


def _lines(textpage: pdfium.PdfTextPage) -> list[Line]:
    count = textpage.count_chars()
    text = textpage.get_text_range()
    if len(text) != count:  # characters outside the BMP: read them one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(textpage.raw, i)) for i in range(count))
    rect, loose_box, handle = raw.FS_RECTF(), raw.FPDFText_GetLooseCharBox, textpage.raw
    lines: list[Line] = []
    chars: list[tuple[str, float, float, float, float]] = []
    start = 0
    for index, char in enumerate(text):
        if char in "\r\n":  # PDFium's own, between lines
            if chars:
                lines.extend(_line(textpage, start, chars))
                chars = []
            continue
        # The loose box: from the glyph's origin to its advance, the font's height.
        loose_box(handle, index, rect)
        if not chars:
            start = index
        chars.append((char, rect.left, min(rect.bottom, rect.top), rect.right,
                      max(rect.bottom, rect.top)))
    if chars:
        lines.extend(_line(textpage, start, chars))
    return lines


def _line(textpage: pdfium.PdfTextPage, first: int,
          chars: list[tuple[str, float, float, float, float]]) -> list[Line]:
    words: list[Word] = []
    current: list[tuple[str, float, float, float, float]] = []
    spaces = []
    for char in [*chars, (" ", 0.0, 0.0, 0.0, 0.0)]:
        if char[0] in _SPACES or char[0] == _FIGURE_SPACE:
            if char[0] in _SPACES and char[3] > char[1]:
                spaces.append(char[3] - char[1])
            if current and {c[0] for c in current} == {"\u00a0"}:  # PDFium's word of its own
                if words:
                    words[-1] = Word(words[-1].text, words[-1].box, glued=True)
            elif current:
                words.append(_word(current))
            current = []
        else:
            if current and (char[0] == "_") != (current[-1][0] == "_"):  # a leader's own word
                words.append(_word(current))
                current = []
            current.append(char)
    if not words:
        return []
    x, y = ctypes.c_double(), ctypes.c_double()
    raw.FPDFText_GetCharOrigin(textpage.raw, first, x, y)
    text_object = raw.FPDFText_GetTextObject(textpage.raw, first)
    size, matrix = ctypes.c_float(), raw.FS_MATRIX()
    raw.FPDFTextObj_GetFontSize(text_object, size)
    raw.FPDFPageObj_GetMatrix(text_object, matrix)
    em = size.value * abs(matrix.d) or 12.0
    # A space of Times New Roman and Liberation Serif is a quarter of an em.
    return [Line(tuple(words), y.value, em, statistics.median(spaces) if spaces else em / 4)]


def _word(chars: list[tuple[str, float, float, float, float]]) -> Word:
    return Word("".join(char[0] for char in chars).replace(_HYPHEN_MARK, "-"),
                Box(min(char[1] for char in chars), min(char[2] for char in chars),
                    max(char[3] for char in chars), max(char[4] for char in chars)))


def _rules(page: pdfium.PdfPage) -> list[Box]:
    pieces = []
    for path in page.get_objects(filter=(raw.FPDF_PAGEOBJ_PATH,), max_depth=8):
        left, bottom, right, top = path.get_bounds()
        if right - left <= _RULE_THICKNESS or top - bottom <= _RULE_THICKNESS:
            pieces.append(Box(left, bottom, right, top))
        elif (strip := _strip(path, Box(left, bottom, right, top))) is not None:
            pieces.append(strip)  # a border drawn as the space between two rectangles
    return [rule for rule in _joined(pieces)
            if max(rule.right - rule.left, rule.top - rule.bottom) >= _RULE_LENGTH]


def _joined(pieces: list[Box]) -> list[Box]:
    """Horizontal pieces that continue each other as one rule (LibreOffice underlines a
    blank of no-break spaces one space at a time)."""
    rules: list[Box] = []
    for piece in sorted(pieces, key=lambda box: (round(box.bottom), box.left)):
        last = rules[-1] if rules else None
        if (last is not None and piece.top - piece.bottom <= _RULE_THICKNESS
                and last.top - last.bottom <= _RULE_THICKNESS
                and abs(piece.bottom - last.bottom) < 0.5 and piece.left <= last.right + 1):
            rules[-1] = Box(last.left, min(last.bottom, piece.bottom),
                            max(last.right, piece.right), max(last.top, piece.top))
        else:
            rules.append(piece)
    return rules


def _strip(path: pdfium.PdfObject, bounds: Box) -> Box | None:
    """The thin strip a filled path of two nested rectangles leaves (WeasyPrint draws a
    box's one border so), or None."""
    matrix = path.get_matrix()
    xs, ys = set(), set()
    x, y = ctypes.c_float(), ctypes.c_float()
    for index in range(raw.FPDFPath_CountSegments(path.raw)):
        raw.FPDFPathSegment_GetPoint(raw.FPDFPath_GetPathSegment(path.raw, index), x, y)
        px, py = matrix.on_point(x.value, y.value)
        xs.add(round(px, 1))
        ys.add(round(py, 1))
    for values, horizontal in ((sorted(ys), True), (sorted(xs), False)):
        close = [(a, b) for a, b in zip(values, values[1:]) if b - a <= _RULE_THICKNESS]
        if len(values) == 3 and len(close) == 1:
            low, high = close[0]
            return (Box(bounds.left, low, bounds.right, high) if horizontal
                    else Box(low, bounds.bottom, high, bounds.top))
    return None


# What the pages are made of ------------------------------------------------------------

def _in_table(line: Line, page: Page) -> bool:
    """Whether a vertical rule stands beside the line on each side (it is in a cell)."""
    def beside(x_test) -> bool:
        return any(rule.right - rule.left <= _RULE_THICKNESS and rule.bottom <= line.baseline
                   <= rule.top and x_test(rule.left) for rule in page.rules)
    return beside(lambda x: x <= line.left) and beside(lambda x: x >= line.right)


def _continues(first: Line, second: Line) -> bool:
    """Whether `second` is the next line of `first`'s paragraph (or cell)."""
    drop = first.baseline - second.baseline
    return (0 < drop <= _LEADING * first.em and second.left < first.right
            and first.left < second.right)


def paragraphs(page: Page) -> list[list[Line]]:
    """The page's lines, grouped into runs that follow each other as one paragraph's."""
    runs: list[list[Line]] = []
    for line in page.lines:
        if runs and _continues(runs[-1][-1], line):
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs


def _first_piece(line: Line) -> float:
    """The width of what the line begins with that no line may break inside: its first
    word (and those a no-break space joins to it), to its first hyphen unless a label joins
    there."""
    # LibreOffice writes a no-break space as a space: where a label joins is in the text.
    joins = label_joins(line.text.replace("\u00a0", " "))
    glued, space_at = 0, len(line.words[0].text)
    while glued < len(line.words) - 1 and (line.words[glued].glued or space_at in joins):
        glued += 1
        space_at += 1 + len(line.words[glued].text)
    if glued:
        return line.words[glued].box.right - line.words[0].box.left
    word = line.words[0]
    hyphen = word.text.find("-")
    if hyphen == -1 or hyphen == len(word.text) - 1 or hyphen in label_joins(word.text):
        return word.box.right - word.box.left
    share = (hyphen + 1) / len(word.text)
    return (word.box.right - word.box.left) * share


def _inline_blanks(line: Line, page: Page, left: float, right: float) -> list[Box]:
    """The blanks drawn on the line's baseline between `left` and `right` (a note form's
    "the principal sum of ____"): as wide as words, though they have no glyphs."""
    return [rule for rule in page.rules
            if rule.top - rule.bottom <= _RULE_THICKNESS and left - 1 <= rule.left
            and rule.right <= right + 1
            and line.baseline - line.em / 2 <= rule.bottom <= line.baseline + 2
            and not any(word.box.left < rule.right - 1 and word.box.right > rule.left + 1
                        for word in line.words)]  # an underline is under words


def _end(line: Line, page: Page) -> float:
    """Where the line ends: its last word, or a blank after it ("the order of ____")."""
    return max([line.right] + [blank.right for blank in
                               _inline_blanks(line, page, line.left, page.width)])


def _edge(run: list[Line], page: Page) -> float:
    """Where the run's lines end when justified: where most of them end (a line broken early
    does not, nor the last)."""
    ends = [_end(line, page) for line in run]
    return statistics.median(ends[:-1]) if len(run) > 2 else max(ends)


# The checks ------------------------------------------------------------------------------

def lines_broken_early(pages: list[Page]) -> list[str]:
    """Lines of a paragraph (not its last, and not in a table) that left room for the next
    line's first word: justified, such a line is stretched ("(4) Stock Dividends." over the
    whole width); ragged, it ends short ("conversion")."""
    found = []
    for page in pages:
        for run in paragraphs(page):
            if len(run) < 2 or _in_table(run[0], page):
                continue
            edge = _edge(run, page)
            for line, following in zip(run, run[1:]):
                blanks = _inline_blanks(line, page, line.left, edge)
                room = edge - (line.left + line.natural_width()
                               + sum(b.right - b.left + line.space for b in blanks))
                leading = sorted(_inline_blanks(following, page, 0.0, following.left),
                                 key=lambda blank: blank.left)
                piece = (leading[0].right - leading[0].left if leading
                         else _first_piece(following))
                if room > line.space + piece + 0.5:
                    found.append(f"{page.label(line)} leaves {room:.0f}pt, room for "
                                 f"{following.words[0].text!r}")
    return found


def stretched_short_lines(pages: list[Page]) -> list[str]:
    """Justified lines of fewer than four words stretched to the full column: every gap
    between their words more than twice a space."""
    found = []
    for page in pages:
        for run in paragraphs(page):
            edge = _edge(run, page)
            for line in run[:-1]:
                gaps = [b.box.left - a.box.right for a, b in zip(line.words, line.words[1:])]
                if (1 <= len(gaps) <= 2 and line.right >= edge - 1
                        and not _inline_blanks(line, page, line.left, line.right)
                        and min(gaps) > 2 * line.space):
                    found.append(f"{page.label(line)} is stretched across the line")
    return found


def split_labels(pages: list[Page]) -> list[str]:
    """Lines that end inside a label generator/typesetting.py joins."""
    found = []
    for page in pages:
        for run in paragraphs(page):
            for line, following in zip(run, run[1:]):
                before = line.text.replace("\u00a0", " ")
                after = following.text.replace("\u00a0", " ")
                if before.endswith("-"):
                    joined, at = before + after, len(before) - 1
                else:
                    joined, at = f"{before} {after}", len(before)
                if at in label_joins(joined):
                    found.append(f"page {page.number}: {before[-30:]!r} | {after[:30]!r}")
    return found


def text_outside_cells(pages: list[Page]) -> list[str]:
    """Words that a cell's border (a vertical rule) runs through."""
    found = []
    for page in pages:
        verticals = [rule for rule in page.rules if rule.right - rule.left <= _RULE_THICKNESS]
        for line in page.lines:
            for word in line.words:
                box = word.box
                for rule in verticals:
                    middle = (rule.left + rule.right) / 2
                    if (box.left + 0.5 < middle < box.right - 0.5
                            and min(box.top, rule.top) - max(box.bottom, rule.bottom) > 1):
                        found.append(f"page {page.number}: {word.text!r} runs over a cell's "
                                     f"border at x={middle:.0f}")
                        break
    return found


def text_past_the_margin(pages: list[Page]) -> list[str]:
    """Words that begin in the text area and end past its right edge (the text width of
    typesetting.TEXT_WIDTH, centred on the page): a line drawn wider than it was measured.
    What stands wholly in the margin (a signature page's identifier) is placed there."""
    found = []
    for page in pages:
        edge = (page.width + TEXT_WIDTH[LANDSCAPE if page.width > page.height else PORTRAIT]) / 2
        for line in page.lines:
            for word in line.words:
                if word.box.left < edge < word.box.right - _PAST_THE_MARGIN:
                    found.append(f"{page.label(line)} runs {word.box.right - edge:.1f}pt "
                                 f"past the margin")
                    break
    return found


def _blank_after(line: Line, page: Page) -> Box | None:
    """The line's blank: a rule that starts after its text on its baseline, or its last
    word as a run of underscores (LibreOffice's underline tab leader)."""
    if len(line.words) > 1 and set(line.words[-1].text) == {"_"}:
        # The leader's line is at the baseline; its glyphs' box is the font's whole height.
        leader = line.words[-1].box
        return Box(leader.left, line.baseline - line.em / 8, leader.right, line.baseline)
    text_end = line.right
    for rule in page.rules:
        if (rule.top - rule.bottom <= _RULE_THICKNESS and text_end - 1 <= rule.left <= text_end + 24
                and line.baseline - line.em / 2 <= rule.bottom <= line.baseline + 2):
            return rule
    return None


def blanks(pages: list[Page]) -> list[str]:
    """The label of each line that ends in a blank to fill in ("Date to Effect Conversion:"),
    in order."""
    found = []
    for page in pages:
        for line in page.lines:
            if _blank_after(line, page) is not None:
                found.append(line.text.rstrip("_").strip())
    return found


def room_to_sign(pages: list[Page], labels: set[str]) -> list[tuple[str, float]]:
    """For each signature line (a line whose text before its blank is one of `labels`,
    "By:"), the clear space above its rule: to the lowest glyph above it that overlaps it
    across, or to the top of the text area."""
    found = []
    for page in pages:
        for line in page.lines:
            label = line.text.rstrip("_").strip()
            blank = _blank_after(line, page)
            if label not in labels or blank is None:
                continue
            above = [word.box.bottom for other in page.lines for word in other.words
                     if word.box.bottom > blank.top + 0.1 and word.box.left < blank.right
                     and word.box.right > blank.left and other is not line]
            clear = min(above, default=page.height - 72) - blank.top
            found.append((page.label(line), clear))
    return found
