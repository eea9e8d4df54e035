"""Comparing two renderings of a document: which places changed, and the redline.

A document is read as its blocks (paragraphs, headings, table rows), each placed in the
clause it belongs to. Blocks whose text is unchanged align in order; among the rest, a
block pairs with the most similar one of the same clause, so that a renumbered or reworded
clause is one change inside it, not a deletion and an insertion. Paired blocks are compared
word by word (a figure such as "$25.51" or "45,734" is one word); the redline is the new
document with inserted words in `<ins>` and deleted ones in `<del>`, deleted blocks put
back where they stood. Rejecting every change gives the old text, accepting every change
the new one.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import lxml.html
from lxml.html import HtmlElement

from ..pageid import unmark
from ..typesetting import ZERO_WIDTH_SPACE, refit_columns

_BLOCK_TAGS = frozenset({"p", "h1", "h2", "tr"})
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
# A figure ($25.51, 45,734, 35%, 5(b)(iii)) or a word (with its apostrophe) is one token;
# any other character is a token of its own. The white space after a token goes with it.
_TOKEN = re.compile(r"(\$?\d[\d,]*(?:\.\d+)?%?(?:\([a-z0-9]+\))*|\w+(?:['’]\w+)*|[^\w\s])(\s*)")
_PAIRING_FLOOR = 0.5
"""Blocks less alike than this are a deletion and an insertion, not one changed block."""


@dataclass(eq=False)
class Block:
    element: HtmlElement
    text: str
    place: str
    """Where it stands, for people: "Section 2.1 (Third Closing)", "Schedule A"."""
    clause: str | None = field(default=None)
    """The label of the innermost clause it belongs to."""


@dataclass(frozen=True)
class Comparison:
    pairs: list[tuple[Block | None, Block | None]]
    """Every block of either rendering, in document order: (old, new); one side is None
    where a block was inserted or deleted."""

    @property
    def changed(self) -> bool:
        return any(old is None or new is None or old.text != new.text
                   for old, new in self.pairs)

    def changed_places(self) -> list[str]:
        """The places (clauses, schedules, pages) whose text changed, each once, in order."""
        places = [(new or old).place for old, new in self.pairs
                  if old is None or new is None or old.text != new.text]
        return list(dict.fromkeys(places))


def compare(old_html: str, new_html: str) -> Comparison:
    """Align the blocks of two renderings of one document."""
    return Comparison(_align(blocks(_parse(old_html)), blocks(_parse(new_html))))


def redline(old_html: str, new_html: str, heading: list[str], *, author: str = "",
            date: str = "") -> str:
    """The new rendering with every change marked, and `heading` (lines saying what is
    compared with what, and how changes are shown) at its top; without the signature
    pages' identifiers. `author` and `date` (ISO
    8601) are what Word shows for each revision."""
    old_root, new_root = _parse(old_html), _parse(new_html)
    unmark(new_root)
    head = new_root.find("head")
    for name, content in (("revision-author", author), ("revision-date", date)):
        head.append(lxml.html.Element("meta", {"name": name, "content": content}))
    pairs = _align(blocks(old_root), blocks(new_root))
    anchor: HtmlElement | None = None
    for old, new in pairs:
        if new is not None:
            if old is None:
                _mark_all(new.element, "ins")
            elif old.text != new.text:
                _merge(old.element, new.element)
            anchor = new.element
        elif old is not None:
            anchor = _put_back(old.element, anchor, new_root)
    for table in new_root.iter("table"):
        if next(table.iter("ins", "del"), None) is not None:
            refit_columns(table)  # a changed figure stands beside the one it replaces
    article = new_root.find(".//article")
    for position, line in enumerate(heading):
        note = lxml.html.Element("p", {"class": "center"})
        note.text = line
        article.insert(position, note)
    return lxml.html.tostring(new_root, doctype="<!DOCTYPE html>", encoding="unicode")


# --- Blocks and where they stand. ---


def _parse(html: str) -> HtmlElement:
    return lxml.html.document_fromstring(html)


def blocks(root: HtmlElement) -> list[Block]:
    """The blocks of a rendering, each with its place: its clause, else the heading it
    follows ("Recitals", "Schedule A", "Exhibit A"), the signature pages after the clauses,
    or the first page before any heading."""
    found: list[Block] = []
    heading, after_clauses, in_clause = "the first page", False, False
    for element in _block_elements(root.find("body")):
        clause = _innermost_clause(element)
        if element.tag == "h2":
            heading, after_clauses = _text(element).title(), False
        elif clause is None and in_clause:
            after_clauses = True
        in_clause = clause is not None
        place = (_clause_place(clause) if clause is not None
                 else "the signature pages" if after_clauses else heading)
        found.append(Block(element, _text(element), place,
                           clause.get("id") if clause is not None else None))
    return found


def _block_elements(element: HtmlElement) -> Iterator[HtmlElement]:
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag in _BLOCK_TAGS:
            yield child
        else:
            yield from _block_elements(child)


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _innermost_clause(element: HtmlElement) -> HtmlElement | None:
    return next((a for a in element.iterancestors("section") if "clause" in a.classes), None)


def _clause_place(clause: HtmlElement) -> str:
    """ "Section 2.1 (Third Closing)", "Section 5(b)(iii) (Shareholder Approval)"."""
    chain = [clause, *(a for a in clause.iterancestors("section") if "clause" in a.classes)]
    numbers = [_number(c) for c in reversed(chain)]
    deepest = numbers[-1]
    number = (deepest.rstrip(".") if not deepest.startswith("(")
              else "".join(n.rstrip(".") for n in numbers))
    heading = next((c.get("data-heading") for c in chain if c.get("data-heading")), None)
    return f"Section {number}" + (f" ({heading.rstrip('.')})" if heading else "")


def _number(clause: HtmlElement) -> str:
    span = next(iter(clause.find_class("num")), None)
    return span.text_content().strip() if span is not None else "?"


# --- Alignment. ---


def _align(old: list[Block], new: list[Block]) -> list[tuple[Block | None, Block | None]]:
    matcher = difflib.SequenceMatcher(None, [b.text for b in old], [b.text for b in new],
                                      autojunk=False)
    pairs: list[tuple[Block | None, Block | None]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += list(zip(old[i1:i2], new[j1:j2]))
        else:
            pairs += _pair_changed(old[i1:i2], new[j1:j2])
    return pairs


def _pair_changed(old: list[Block], new: list[Block]) -> list[tuple[Block | None, Block | None]]:
    """Pair each new block with the most similar unpaired old block of its clause and kind,
    keeping both orders; what stays unpaired was deleted or inserted."""
    partner: dict[int, int] = {}
    last = -1
    for j, block in enumerate(new):
        candidates = [(difflib.SequenceMatcher(None, o.text, block.text).ratio(), i)
                      for i, o in enumerate(old) if i > last
                      and o.clause == block.clause and o.element.tag == block.element.tag]
        if candidates:
            score, i = max(candidates)
            if score >= _PAIRING_FLOOR:
                partner[j], last = i, i
    pairs: list[tuple[Block | None, Block | None]] = []
    next_old = 0
    for j, block in enumerate(new):
        if j in partner:
            pairs += [(o, None) for o in old[next_old:partner[j]]]
            pairs.append((old[partner[j]], block))
            next_old = partner[j] + 1
        else:
            pairs.append((None, block))
    pairs += [(o, None) for o in old[next_old:]]
    return pairs


# --- Words. ---

# Inline elements kept around the words they hold: what they look like (bold, underline, a
# clause's heading) or what they are to the writers (a clause's number, which Word numbers
# itself; a figure set flush right; a reference, which Word makes a REF field to its clause).
# A defined term becomes its text.
_KEPT = frozenset({("b", ""), ("i", ""), ("u", ""), ("u", "clause-heading"), ("span", "num"),
                   ("span", "right"), ("a", "xref")})
_BLANK = ("span", "blank")
_PAGE_BREAK = ("div", "page-break")

Wrapper = tuple[str, ...]
"""(tag, class), and for a reference its href: what an element is, to make it again."""
Wrappers = tuple[Wrapper, ...]


@dataclass(frozen=True)
class _Token:
    key: str
    text: str
    wrappers: Wrappers


def _tokens(element: HtmlElement) -> list[_Token]:
    tokens: list[_Token] = []
    for text, wrappers in _runs(element, ()):
        if text is None:  # a blank line to fill in: a token of its own
            tokens.append(_Token("\x00blank", "", wrappers + (_BLANK,)))
            continue
        text = _WHITESPACE.sub(" ", text)
        if tokens and text.startswith(" ") and not tokens[-1].text.endswith(" "):
            last = tokens[-1]
            tokens[-1] = _Token(last.key, last.text + " ", last.wrappers)
        tokens += [_Token(m.group(1), m.group(0), wrappers) for m in _TOKEN.finditer(text)]
    return tokens


def _runs(element: HtmlElement, wrappers: Wrappers) -> Iterator[tuple[str | None, Wrappers]]:
    yield element.text or "", wrappers
    for child in element:
        if isinstance(child.tag, str):
            key = (child.tag, child.get("class", ""))
            if key == _BLANK:
                yield None, wrappers
            else:
                kept = (*key, child.get("href", "")) if key == ("a", "xref") else key
                yield from _runs(child, wrappers + ((kept,) if key in _KEPT else ()))
        yield child.tail or "", wrappers


def _merge(old: HtmlElement, new: HtmlElement) -> None:
    """Rewrite `new` (a paragraph or a row) with the word changes from `old` marked."""
    if new.tag == "tr":
        old_cells, new_cells = list(old), list(new)
        if len(old_cells) == len(new_cells):
            for old_cell, new_cell in zip(old_cells, new_cells):
                if _text(old_cell) != _text(new_cell):
                    _merge(old_cell, new_cell)
            return
    before, after = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(None, [t.key for t in before], [t.key for t in after],
                                      autojunk=False)
    marked: list[tuple[_Token, str | None]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            marked += [(token, None) for token in after[j1:j2]]
            continue
        deleted, inserted = before[i1:i2], after[j1:j2]
        space = _shared_space(deleted, inserted)
        marked += [(token, "del") for token in deleted]
        marked += [(token, "ins") for token in inserted]
        if space is not None:
            marked.append((space, None))
    _replace_content(new, marked)


def _shared_space(deleted: list[_Token], inserted: list[_Token]) -> _Token | None:
    """Where the words replaced and the words replacing them are both followed by a space,
    that space is no part of the change ("$25.51 $24.00 and", not "$25.51 $24.00 and"):
    it is taken off both and returned, to follow them unmarked."""
    if not (deleted and inserted and deleted[-1].text.endswith(" ")
            and inserted[-1].text.endswith(" ")):
        return None
    for tokens in (deleted, inserted):
        tokens[-1] = _Token(tokens[-1].key, tokens[-1].text.rstrip(" "), tokens[-1].wrappers)
    return _Token("", " ", inserted[-1].wrappers)


def _mark_all(element: HtmlElement, change: str) -> None:
    if element.tag == "tr":
        for cell in element:
            _mark_all(cell, change)
        return
    _replace_content(element, [(token, change) for token in _tokens(element)])


def _replace_content(element: HtmlElement, marked: list[tuple[_Token, str | None]]) -> None:
    """The element's content made anew from marked tokens. Tokens in the same wrappers share
    one element of each (a figure flush right stays one flush-right part, however much of
    it changed); a change is innermost, around the text or the blank it marks. The space
    after a word is inside a wrapper or a change only where the next word is too, so that
    no underline or strike runs on past the last word it belongs to."""
    for child in list(element):
        element.remove(child)
    element.text = None
    opened: list[tuple[Wrapper, HtmlElement]] = []  # the wrappers the last piece used
    for text, wrappers, change, blank in _pieces(marked):
        shared = 0
        while (shared < min(len(opened), len(wrappers))
               and opened[shared][0] == wrappers[shared]):
            shared += 1
        del opened[shared:]
        parent = opened[-1][1] if opened else element
        for key in wrappers[shared:]:
            wrapper = _wrapper(key)
            parent.append(wrapper)
            opened.append((key, wrapper))
            parent = wrapper
        if blank:
            node = _wrapper(_BLANK)
            if change:
                marker = lxml.html.Element(change)
                marker.append(node)
                node = marker
            parent.append(node)
        elif change is None:
            _append_text(parent, text)
        else:
            last = parent[-1] if len(parent) else None
            if last is None or last.tag != change or len(last) or last.tail:
                last = lxml.html.Element(change)
                parent.append(last)
            last.text = (last.text or "") + text


def _pieces(marked: list[tuple[_Token, str | None]]
            ) -> Iterator[tuple[str, Wrappers, str | None, bool]]:
    """(text, wrappers, change, is a blank) for each word or blank, then for the space after
    it: in the wrappers it shares with the next word, changed only if that word is
    changed the same way."""
    for index, (token, change) in enumerate(marked):
        blank = token.wrappers[-1:] == (_BLANK,)
        wrappers = token.wrappers[:-1] if blank else token.wrappers
        word = "" if blank else token.text.rstrip(" ")
        space = token.text[len(word):] if not blank else token.text
        following = marked[index + 1] if index + 1 < len(marked) else None
        if change == "del" and not space and following is not None and following[1] == "ins":
            # "$25.51" struck, "$24.00" inserted: a line may break between the two (a
            # narrow table cell stacks them) rather than inside either; rejecting every
            # change leaves the break opportunity, which shows nothing.
            word += ZERO_WIDTH_SPACE
        if word or blank:
            yield word, wrappers, change, blank
        if not space:
            continue
        if following is None:
            yield space, (), None, False
            continue
        after, after_change = following
        after_blank = after.wrappers[-1:] == (_BLANK,)
        after_wrappers = after.wrappers[:-1] if after_blank else after.wrappers
        shared = 0
        while (shared < min(len(wrappers), len(after_wrappers))
               and wrappers[shared] == after_wrappers[shared]):
            shared += 1
        # A blank has a change mark of its own: the space before it ends the words' mark.
        same = after_change == change and not after_blank
        yield space, wrappers[:shared], change if same else None, False


def _wrapper(key: Wrapper) -> HtmlElement:
    tag, cls, *href = key
    return lxml.html.Element(tag, {**({"class": cls} if cls else {}),
                                   **({"href": href[0]} if href else {})})


def _append_text(element: HtmlElement, text: str) -> None:
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def _put_back(old: HtmlElement, anchor: HtmlElement | None, root: HtmlElement) -> HtmlElement:
    """Insert a deleted block, marked deleted, after the last block placed; a row goes
    among rows and a paragraph among paragraphs, in a container like the one it stood in
    (a deleted lender's signature block is a signature block again, not more lines of the
    one before it), after the page break that stood before it."""
    copied = copy.deepcopy(old)
    copied.tail = None
    _mark_all(copied, "del")
    if anchor is not None and (anchor.tag == "tr") == (copied.tag == "tr"):
        _place_after(anchor, copied, old)
    elif copied.tag == "tr":
        body = next(iter(root.iter("tbody")), None)
        (body if body is not None else root.find(".//article")).append(copied)
    elif anchor is not None:
        table = next(anchor.iterancestors("table"))
        _place_after(table, copied, old)
    else:
        root.find(".//article").insert(0, copied)
    return copied


def _place_after(anchor: HtmlElement, copied: HtmlElement, old: HtmlElement) -> None:
    """Put `copied` (the deleted `old`) after `anchor`, or after the ancestor of `anchor`
    that stands in the container `old` stood in (a clause, a signature block: the same
    element, by its id); where the new document has no such container, in one made like it
    (its attributes, none of its content), placed by the same rule: a deleted clause is a
    clause again, numbered at its level, its number and text struck."""
    parent = old.getparent()
    place = next((a for a in [anchor, *anchor.iterancestors()]
                  if _same(a.getparent(), parent)), None)
    if place is not None:
        place.addnext(copied)
    else:
        made = lxml.html.Element(parent.tag, dict(parent.attrib))
        _place_after(anchor, made, parent)
        made.append(copied)
    before = old.getprevious()
    if before is not None and _kind(before) == _PAGE_BREAK:
        (copied if copied.getprevious() is not None else copied.getparent()).addprevious(
            copy.deepcopy(before))


def _same(element: HtmlElement | None, other: HtmlElement) -> bool:
    return element is not None and (_kind(element), element.get("id")) == (
        _kind(other), other.get("id"))


def _kind(element: HtmlElement) -> tuple[str, str]:
    return element.tag, element.get("class", "")
