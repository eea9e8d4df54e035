"""The three-way merge of a negotiated draft: base (the Word file dealdocs generated and the
lawyers started from), theirs (their draft), ours (the Word file the current terms give).

Every change from base to ours is carried into theirs at the place it belongs: paragraphs
are aligned base to ours and base to theirs (so paragraphs the lawyers inserted, deleted or
moved do not shift anything), then words within each changed paragraph. A change whose
words the lawyers left as generated is applied as a tracked change; one whose words they
changed, or whose paragraph they deleted, is a conflict: a comment on the spot says what
the terms now require, and nothing of theirs is changed there.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import docx
from docx.oxml.ns import qn
from lxml import etree

from ..writers.docx_package import reproducible_zip
from .align import Token, pair, tokens, word_changes, word_pairs
from .apply import Editor
from .body import WordParagraph, paragraphs

APPLIED, CONFLICT, NO_PLACE = "applied", "conflict", "no place"
_QUOTED_WORDS = 8


@dataclass(frozen=True)
class Outcome:
    kind: str
    """APPLIED, CONFLICT or NO_PLACE."""
    where: str
    """The opening words of the paragraph of the draft it is in (or near)."""
    was: str
    """What the generated draft had ("" where the terms add)."""
    now: str
    """What the terms now give ("" where they remove)."""
    note: str = ""
    """For a conflict or a change with no place: what the draft has instead, and what was
    done."""


@dataclass(frozen=True)
class Merged:
    data: bytes
    outcomes: tuple[Outcome, ...]


def merge(base: bytes, theirs: bytes, ours: bytes, *, author: str, date: str,
          properties: dict[str, str]) -> Merged:
    """`theirs` with every change from `base` to `ours` as a revision or a comment by
    `author` on `date` (ISO 8601), and `properties` (what it is now made from) recorded."""
    old = paragraphs(docx.Document(io.BytesIO(base)).element.body)
    new = paragraphs(docx.Document(io.BytesIO(ours)).element.body)
    draft = docx.Document(io.BytesIO(theirs))
    found = paragraphs(draft.element.body)
    to_new = pair([p.key for p in old], [p.key for p in new], in_place=True)
    to_found = pair([p.key for p in old], [p.key for p in found], moves=True)
    editor = Editor(draft, author, date)
    outcomes: list[Outcome] = []
    removed: list[int] = []
    for i, paragraph in enumerate(old):
        if i not in to_new:
            removed.append(i)
            continue
        changed = new[to_new[i]]
        if changed.key == paragraph.key:
            continue
        if i in to_found:
            outcomes += _merge_words(editor, paragraph, changed, found[to_found[i]])
        else:
            outcomes += _lost_paragraph(editor, old, found, to_found, i, changed)
    outcomes += _remove(editor, old, found, to_found, removed)
    outcomes += _insert(editor, old, new, found, to_new, to_found)
    out = io.BytesIO()
    draft.save(out)
    return Merged(reproducible_zip(out.getvalue(), properties), tuple(outcomes))


# --- Words within a paragraph. ---


def _merge_words(editor: Editor, old: WordParagraph, new: WordParagraph,
                 draft: WordParagraph) -> list[Outcome]:
    old_words, new_words, draft_words = tokens(old.text), tokens(new.text), tokens(draft.text)
    to_draft = word_pairs(old_words, draft_words)
    where = _where(draft)
    edits: list[tuple[int, int, str]] = []
    outcomes: list[Outcome] = []
    for i1, i2, j1, j2 in word_changes(old_words, new_words):
        was = old.text[old_words[i1].start:old_words[i2 - 1].end] if i2 > i1 else ""
        now = new.text[new_words[j1].start:new_words[j2 - 1].end] if j2 > j1 else ""
        edit = _place(old_words, new_words, draft_words, to_draft, (i1, i2, j1, j2), new.text,
                      draft.text)
        if edit is not None and draft.editable(edit[0], max(edit[1], edit[0] + 1)):
            edits.append(edit)
            outcomes.append(Outcome(APPLIED, where, was, now))
            continue
        start, end = _region(old_words, draft_words, to_draft, i1, i2, draft.text)
        there = draft.text[start:end]
        note = (f"the draft has “{there}” there" if there and edit is None else
                "the draft has changed the words there" if edit is None else
                "the place is inside a field or a tracked change of the draft's")
        editor.comment(draft, start, end, _requirement(was, now, note))
        outcomes.append(Outcome(CONFLICT, where, was, now, note + "; left as it is, with a "
                                "comment"))
    # From the end: an edit leaves the characters before it where they were.
    for start, end, text in sorted(edits, reverse=True):
        editor.replace(draft, start, end, text)
    return outcomes


def _place(old: list[Token], new: list[Token], draft: list[Token], to_draft: dict[int, int],
           change: tuple[int, int, int, int], new_text: str, draft_text: str
           ) -> tuple[int, int, str] | None:
    """Where in the draft's text a change goes, as (start, end, text to put there); None
    where the draft changed the words it changes or those on either side of it.

    The change spans the gap between the words kept before and after it, in the draft and
    in the new text alike, so that the spaces and punctuation come out as the new text has
    them; white space both have at either end of the span is left as it is."""
    i1, i2, j1, j2 = change
    before = to_draft.get(i1 - 1) if i1 else -1
    after = to_draft.get(i2) if i2 < len(old) else len(draft)
    if before is None or after is None or after - before - 1 != i2 - i1 or any(
            to_draft.get(i) != before + 1 + (i - i1) for i in range(i1, i2)):
        return None
    start = draft[before].end if before >= 0 else 0
    end = draft[after].start if after < len(draft) else len(draft_text)
    text = new_text[new[j1 - 1].end if j1 else 0:new[j2].start if j2 < len(new)
                    else len(new_text)]
    was = draft_text[start:end]
    lead = _shared_space(was, text)
    trail = _shared_space(was[lead:][::-1], text[lead:][::-1])
    return start + lead, end - trail, text[lead:len(text) - trail]


def _shared_space(a: str, b: str) -> int:
    """How many white-space characters `a` and `b` both begin with."""
    count = 0
    while count < min(len(a), len(b)) and a[count] == b[count] and a[count].isspace():
        count += 1
    return count


def _region(old: list[Token], draft: list[Token], to_draft: dict[int, int], i1: int, i2: int,
            text: str) -> tuple[int, int]:
    """The draft's characters between the words it kept on either side of old words
    i1..i2: what the lawyers have where the change goes."""
    before = max((to_draft[i] for i in range(i1) if i in to_draft), default=None)
    after = min((to_draft[i] for i in range(i2, len(old)) if i in to_draft), default=None)
    start = draft[before].after if before is not None else 0
    end = draft[after].start if after is not None else len(text)
    end = max(start, len(text[:end].rstrip()))
    return start, end


def _requirement(was: str, now: str, note: str) -> str:
    if was and now:
        said = f"the terms now require “{now}” where the generated draft had “{was}”"
    elif now:
        said = f"the terms now add “{now}” here"
    else:
        said = f"the terms no longer have “{was}”"
    return f"dealdocs: {said}; {note}."


# --- Paragraphs. ---


def _lost_paragraph(editor: Editor, old: list[WordParagraph], draft: list[WordParagraph],
                    to_draft: dict[int, int], i: int, new: WordParagraph) -> list[Outcome]:
    """A changed paragraph the lawyers deleted: a comment where it stood, if a paragraph
    near it is left."""
    was, now = old[i].text, new.text
    neighbour = _neighbour(draft, to_draft, i, len(old))
    note = f"the draft deleted the paragraph “{_quote(was)}”, which the terms change"
    if neighbour is None:
        return [Outcome(NO_PLACE, _quote(was), was, now, note)]
    editor.comment(neighbour, 0, 0, f"dealdocs: {note}; they now require: “{now}”.")
    return [Outcome(CONFLICT, _quote(neighbour.text), was, now,
                    note + "; left deleted, with a comment on the paragraph beside it")]


def _neighbour(draft: list[WordParagraph], to_draft: dict[int, int], i: int, length: int
               ) -> WordParagraph | None:
    """The draft's paragraph nearest to where old paragraph i stood: the one before it,
    else the one after."""
    for k in [*range(i - 1, -1, -1), *range(i + 1, length)]:
        if k in to_draft and draft[to_draft[k]].key:
            return draft[to_draft[k]]
    return None


def _remove(editor: Editor, old: list[WordParagraph], draft: list[WordParagraph],
            to_draft: dict[int, int], removed: list[int]) -> list[Outcome]:
    """The paragraphs (and table rows) the terms no longer have, deleted from the draft
    where the lawyers left them as generated."""
    outcomes: list[Outcome] = []
    rows: dict[etree._Element, list[int]] = {}
    for i in removed:
        if old[i].row is not None:
            rows.setdefault(old[i].row, []).append(i)
            continue
        outcomes += _remove_paragraph(editor, old[i], draft[to_draft[i]] if i in to_draft
                                      else None)
    for row, indexes in rows.items():
        whole = len(indexes) == len(list(row.iter(qn("w:p"))))
        found = [draft[to_draft[i]] for i in indexes if i in to_draft]
        draft_rows = {paragraph.row for paragraph in found}
        was = " | ".join(old[i].text for i in indexes if old[i].key)
        if not found:
            outcomes.append(Outcome(APPLIED, _quote(was), was, "", "the draft had deleted it"))
        elif whole and len(found) == len(indexes) and len(draft_rows) == 1 and all(
                paragraph.key == old[i].key and paragraph.editable(0, len(paragraph.text))
                for i, paragraph in zip(indexes, found, strict=True)):
            editor.delete_row(found[0].row)
            outcomes.append(Outcome(APPLIED, _quote(was), was, ""))
        else:
            for i in indexes:
                outcomes += _remove_paragraph(editor, old[i], draft[to_draft[i]]
                                              if i in to_draft else None)
    return outcomes


def _remove_paragraph(editor: Editor, old: WordParagraph, draft: WordParagraph | None
                      ) -> list[Outcome]:
    if not old.key:
        return []  # an empty paragraph (a section's end): nothing anyone reads
    if draft is None:
        return [Outcome(APPLIED, _quote(old.text), old.text, "", "the draft had deleted it")]
    if draft.key == old.key and draft.editable(0, len(draft.text)):
        editor.delete_paragraph(draft)
        return [Outcome(APPLIED, _quote(draft.text), old.text, "")]
    note = "the draft has edited this paragraph, which the terms no longer have"
    editor.comment(draft, 0, 0, f"dealdocs: {note}; delete it if the terms govern.")
    return [Outcome(CONFLICT, _quote(draft.text), old.text, "", note + "; left, with a comment")]


def _insert(editor: Editor, old: list[WordParagraph], new: list[WordParagraph],
            draft: list[WordParagraph], to_new: dict[int, int], to_draft: dict[int, int]
            ) -> list[Outcome]:
    """The paragraphs (and table rows) the terms add, each after the draft's counterpart of
    the paragraph before it."""
    from_new = {j: i for i, j in to_new.items()}
    outcomes: list[Outcome] = []
    cursor: etree._Element | None = None  # the draft's element the next insertion follows
    rows_done: set[etree._Element] = set()
    for j, paragraph in enumerate(new):
        if j in from_new:
            i = from_new[j]
            if i in to_draft:
                cursor = draft[to_draft[i]].element
            continue
        row = paragraph.row
        if row is not None and row in rows_done:
            continue
        text = paragraph.text
        if row is not None and not any(k in from_new for k in range(len(new))
                                       if new[k].row is row):
            rows_done.add(row)
            text = " | ".join(p.text for p in new if p.row is row and p.key)
            anchor = next(cursor.iterancestors(qn("w:tr")), None) if cursor is not None else None
            if anchor is None:
                outcomes.append(Outcome(NO_PLACE, _quote(text), "", text,
                                        "the table row it follows is not in the draft"))
                continue
            inserted = editor.insert_row(anchor, row)
            cursor = inserted.findall(f".//{qn('w:p')}")[-1]
        else:
            if not paragraph.key:
                continue
            if cursor is not None:
                cursor = editor.insert_paragraph(
                    _block(cursor) if row is None else cursor, paragraph.element)
            else:  # before anything the draft kept: before the first that follows it
                following = next((draft[to_draft[from_new[k]]].element
                                  for k in range(j + 1, len(new))
                                  if from_new.get(k) in to_draft), None)
                if following is None:
                    outcomes.append(Outcome(NO_PLACE, _quote(text), "", text,
                                            "no paragraph around it is left in the draft"))
                    continue
                cursor = editor.insert_paragraph(
                    _block(following) if row is None else following, paragraph.element,
                    before=True)
        outcomes.append(Outcome(APPLIED, _quote(text), "", text))
    return outcomes


def _block(element: etree._Element) -> etree._Element:
    """The paragraph or table of the body that holds `element`."""
    body = qn("w:body")
    while element.getparent() is not None and element.getparent().tag != body:
        element = element.getparent()
    return element


def _where(paragraph: WordParagraph) -> str:
    """A paragraph as a reader finds it: its opening words, or in a table its row's."""
    if paragraph.row is None:
        return _quote(paragraph.text)
    cell = paragraph.row.find(qn("w:tc"))
    return f"the row “{_quote(''.join(t.text or '' for t in cell.iter(qn('w:t'))))}”"


def _quote(text: str) -> str:
    words = text.split()
    return " ".join(words[:_QUOTED_WORDS]) + (" …" if len(words) > _QUOTED_WORDS else "")
