"""A closing's closing book: its binder (assemble.py) made of the executed documents, with
the cover saying how far each is executed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..deal import Deal
from ..model import Closing
from ..signing.executed import Execution
from ..signings import signers
from ..writers import RenderedDocument
from .assemble import Source, assemble
from .contents import contents

BOOK = "closing-book.pdf"
"""Its name in the closing's folder of the `executed` part."""
NOT_TRACKED = "Not tracked (outside document)"


def closing_book(deal: Deal, closing: Closing, documents: Sequence[RenderedDocument],
                 pdfs: Mapping[str, bytes], outside: Mapping[str, bytes],
                 executed: Sequence[Execution]) -> bytes:
    """`pdfs`: each generated document's PDF as the book holds it (executed, with the pages
    that are in); `outside`: each outside document's PDF by its path; `executed`: how far
    each generated document is executed."""
    by_name = {document.name: document for document in documents}
    execution = {item.document: item for item in executed}
    sources, status = [], {}
    for entry in contents(deal, closing, list(documents)):
        if entry.kind == "outside":
            sources.append(Source(entry, outside[entry.document]))
            status[str(entry.tab)] = NOT_TRACKED
        else:
            sources.append(Source(entry, pdfs[entry.document],
                                  tuple(signers(by_name[entry.document].html))))
            status[str(entry.tab)] = _status(execution[entry.document])
    return assemble(deal, closing, sources, executed=status).binder


def _status(execution: Execution) -> str:
    if execution.complete:
        return "Fully executed"
    if not execution.received:
        return "Not executed"
    missing = len(execution.outstanding)
    return (f"Partly executed: {missing} signature page{'s' if missing != 1 else ''} "
            "outstanding")
