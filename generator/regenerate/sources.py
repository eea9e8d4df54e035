"""The three sides of a regeneration: the negotiated draft (theirs), the generated version it
was edited from (base: its HTML from the deal's kept versions, written to Word again by
today's writer, so that it is the file the lawyers received) and the document the current
terms give (ours)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..changes.versions import Version, read_object, read_versions
from ..errors import DraftError
from ..textextract import text_of_docx, text_of_html
from ..writers import RenderedDocument
from .draft import Draft

_FIX_BASE = "give --base VERSION, the version the draft was made from (dealdocs versions)"


@dataclass(frozen=True)
class Sides:
    base: RenderedDocument
    base_label: str
    ours: RenderedDocument


def sides(draft: Draft, documents: list[RenderedDocument], deal_id: str, deal_folder: Path,
          base: int | None) -> Sides:
    """Base and ours for `draft`, from the deal's kept versions in `deal_folder` and the
    current terms' `documents`; DraftError naming the draft and the fix when there is none."""
    provenance = draft.provenance
    if provenance is None and base is None:
        raise DraftError(f"{draft.name} does not say which generated version it was made from "
                         "(it has no dealdocs document properties)", _FIX_BASE)
    if provenance is not None and provenance.deal and provenance.deal != deal_id:
        raise DraftError(f"{draft.name} is a draft of the deal {provenance.deal}, not of "
                         f"{deal_id}", f"give the term sheet of {provenance.deal}")
    kept = read_versions(deal_folder)
    if not kept:
        raise DraftError(f"{draft.name}: {deal_folder} keeps no version of the deal to find "
                         "the draft's base in", "give --out the folder the deal was built in "
                         "(dealdocs render keeps a version of each build)")
    version = _version(draft, kept, base)
    name = provenance.document if provenance is not None else _likeliest(draft, version,
                                                                         deal_folder)
    stored = next((d for d in version.documents if d.name == name), None)
    if stored is None:
        raise DraftError(f"{draft.name} is a draft of {name}, which {version.label} does not "
                         "have", _FIX_BASE)
    current = {document.name: document for document in documents}
    if name not in current:
        raise DraftError(f"{draft.name} is a draft of {name}, which the current terms no "
                         "longer give (a lender or closing removed?)",
                         "restore it in the term sheet, or drop the draft")
    ours = current[name]
    digest = provenance.digest if provenance is not None and base is None else stored.html
    html = read_object(deal_folder, digest).decode("utf-8")
    return Sides(RenderedDocument(stored.name, stored.title, html,
                                  dt.date.fromisoformat(stored.created), stored.identifier,
                                  stored.kind, ours.forms, ours.deal),
                 version.label, ours)


def _version(draft: Draft, kept: list[Version], base: int | None) -> Version:
    if base is not None:
        version = next((v for v in kept if v.number == base), None)
        if version is None:
            raise DraftError(f"{draft.name}: the deal keeps no version {base}",
                             f"choose one of 1 to {len(kept)} (dealdocs versions)")
        return version
    assert draft.provenance is not None
    version = next((v for v in reversed(kept) for d in v.documents
                    if d.name == draft.provenance.document
                    and d.html == draft.provenance.digest), None)
    if version is None:
        raise DraftError(f"{draft.name} was made from a version of {draft.provenance.document} "
                         "that the deal's kept versions do not have", _FIX_BASE)
    return version


def _likeliest(draft: Draft, version: Version, deal_folder: Path) -> str:
    """The document of `version` whose words are most like the draft's: which document a
    draft without dealdocs' properties is, given its base."""
    words = Counter(text_of_docx(draft.data).split())
    scores = {d.name: sum((words & Counter(text_of_html(read_object(deal_folder, d.html))
                                           .split())).values())
              for d in version.documents}
    return max(scores, key=lambda name: scores[name])
