"""A document against a deal's terms: it is matched to the document dealdocs generates from
the term sheet that it reads most like (the amendment, a note, Schedule A), and every
figure, name and date where the two differ is a finding: "the document says "...shall be
$25.50"; the terms give "$25.51"".

Words are compared as a sequence (difflib), so a sentence the other side reworded is one
difference and the rest still lines up; a difference in plain words only (no figure, no
capitalised word) is negotiation, not a mistake of fact, and is left to the redline.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..findings import Finding, Severity
from ..writers import RenderedDocument
from .document import Block, Document
from .readers import read_document

_TOKEN = re.compile(r"\$?\d+(?:,\d{3})*(?:\.\d+)?%?|\w+(?:['’.-]\w+)*")


@dataclass(frozen=True)
class Token:
    text: str
    block: Block
    offset: int


def tokens(document: Document) -> list[Token]:
    """The words of the paragraphs, then of the tables' cells row by row (a PDF has its
    tables as lines of text, in the same order)."""
    cells = [Block(" ".join(row), [(0, spot)]) for table in document.tables
             for row, spot in zip(table.rows, table.spots)]
    return [Token(match.group(0), block, match.start())
            for block in [*document.blocks, *cells] for match in _TOKEN.finditer(block.text)]


def _is_fact(words: Sequence[str]) -> bool:
    return any(any(char.isdigit() for char in word) or word[:1].isupper() for word in words)


def closest(document: Document, generated: Sequence[RenderedDocument]) -> tuple[RenderedDocument, list[Token]]:
    """The generated document whose words are most like the document's."""
    words = Counter(token.text for token in tokens(document))
    best: tuple[float, RenderedDocument, list[Token]] | None = None
    for rendered in generated:
        theirs = tokens(read_document(f"{rendered.name}.html", rendered.html.encode()))
        shared = sum((words & Counter(token.text for token in theirs)).values())
        score = shared / max(sum(words.values()), len(theirs), 1)
        if best is None or score > best[0]:
            best = (score, rendered, theirs)
    if best is None:
        raise ValueError("the term sheet generates no documents to compare with")
    return best[1], best[2]


def compare(document: Document, generated: Sequence[RenderedDocument]) -> list[Finding]:
    rendered, expected = closest(document, generated)
    return list(_differences(document, rendered.name, expected, tokens(document)))


def _differences(document: Document, name: str, expected: list[Token],
                 found: list[Token]) -> Iterator[Finding]:
    ours = [token.text for token in expected]
    theirs = [token.text for token in found]
    matcher = SequenceMatcher(None, ours, theirs, autojunk=False)
    changes = [(i1, i2, j1, j2) for operation, i1, i2, j1, j2 in matcher.get_opcodes()
               if operation != "equal"]
    # Words the document has elsewhere than the generated one (a table's heading read across
    # its columns in a PDF) are moved, not changed.
    moved = (Counter(w for _, _, j1, j2 in changes for w in theirs[j1:j2])
             & Counter(w for i1, i2, _, _ in changes for w in ours[i1:i2]))
    for i1, i2, j1, j2 in changes:
        removed, added = _unmoved(ours[i1:i2], moved), _unmoved(theirs[j1:j2], moved)
        if not (_is_fact(removed) or _is_fact(added)):
            continue
        context = " ".join(theirs[max(j1 - 6, 0):j1])
        said = " ".join(theirs[j1:j2]) or "(nothing)"
        given = " ".join(ours[i1:i2]) or "(nothing)"
        at = found[j1] if j1 < len(found) else found[-1]
        yield document.finding(
            "against.terms", Severity.ERROR, at.block, at.offset if j1 < len(found) else len(at.block.text),
            f'the document says "…{context} {said}"; the term sheet gives "{given}" (as dealdocs '
            f'writes {name})', f'write "{given}", or change the term sheet if the document is right')


def _unmoved(words: list[str], moved: Counter) -> list[str]:
    """`words` without those found moved (each counted once, on each side)."""
    left = Counter(moved)
    kept = []
    for word in words:
        if left[word] > 0:
            left[word] -= 1
        else:
            kept.append(word)
    return kept
