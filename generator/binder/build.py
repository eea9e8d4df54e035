"""Building the binders of chosen closings, as `dealdocs binder` and the deal desk do: the
documents' PDFs brought up to date through the build, then each closing's folder, and the
folder of the amendment's signing's packets, made anew unless the one in place was made
from the same inputs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..build import Build, Keeper, render_documents, write_documents
from ..build.lock import Holder
from ..build.transaction import read_files, read_part, update_part
from ..model import Closing
from ..pipeline import Prepared
from ..signings import AMENDMENT_SIGNING, Signing, signings
from .contents import BINDER_KINDS, in_closing
from .outside import as_pdf, read_outside

STEPS_PER_BINDER = 6
"""How many times `step` is called for each binder made: reading, index, binder, signature
packets, index.docx, writing."""


@dataclass(frozen=True)
class Binder:
    closing: Closing
    folder: Path
    files: tuple[str, ...]
    """The files written; none when the binder in place was up to date."""


@dataclass(frozen=True)
class Packets:
    """The amendment's signing's signature packets, in OUT/<deal id>/amendment-signing/."""

    folder: Path
    files: tuple[str, ...]
    """The files written; none when the packets in place were up to date."""


def build_binders(prepared: Prepared, closings: Sequence[Closing], out: Path, *,
                  jobs: int | None = None,
                  progress: Callable[[int, int], None] = lambda done, total: None,
                  step: Callable[[Closing, str], None] = lambda closing, what: None,
                  waiting: Callable[[Holder], None] = lambda holder: None,
                  keep: Keeper | None = None) -> tuple[Build, list[Binder], Packets]:
    """The binders of `closings`, the amendment's signing's packets, and the build that
    brought their PDFs up to date (`progress` hears it; `step` hears each binder's stages;
    `keep` keeps the deal's version in that build). RenderError, BinderError or another
    DealdocsError when something cannot be done; nothing is half written."""
    deal = prepared.deal
    assert deal is not None
    index = {closing.id: number for number, closing in enumerate(deal.closings)}
    # pypdf and the assembly are imported when a binder is built, not by every command.
    from .closing import binder_files
    from .manifest import MANIFEST, inputs_digest, up_to_date

    rendered = render_documents(deal, BINDER_KINDS)
    signing_of = {signing.id: signing for signing in signings(deal, rendered)}
    documents = [document for document in rendered
                 if document.name in signing_of[AMENDMENT_SIGNING].documents
                 or any(in_closing(document, closing) for closing in closings)]
    outside = {closing.id: read_outside(closing, index[closing.id], prepared.source)
               for closing in closings}
    build = write_documents(deal, documents, ["pdf"], out, prepared.source, jobs=jobs,
                            prune=False, keep=keep, progress=progress, waiting=waiting)
    pdfs = {name.removesuffix(".pdf"): data for name, data in read_files(
        out, deal.deal.id, [f"{document.name}.pdf" for document in documents],
        waiting=waiting).items()}
    binders = []
    for closing in closings:
        mine = {document.name: pdfs[document.name] for document in documents
                if in_closing(document, closing)}
        inputs = inputs_digest(prepared.source.sha256, deal.forms, mine, outside[closing.id])
        current = read_part(out, deal.deal.id, closing.id, waiting=waiting)
        if up_to_date(current.get(MANIFEST), inputs, current.get):
            binders.append(Binder(closing, out / deal.deal.id / closing.id, ()))
            continue
        step(closing, "reading")
        outside_pdfs = as_pdf(closing, index[closing.id], outside[closing.id], prepared.source)
        files = binder_files(deal, closing, signing_of[closing.id], documents, mine,
                             outside_pdfs, prepared.source, inputs,
                             lambda what: step(closing, what))
        step(closing, "writing")
        folder = update_part(out, deal.deal.id, closing.id, files, waiting=waiting)
        binders.append(Binder(closing, folder, tuple(sorted(files))))
    return build, binders, _amendment_packets(prepared, signing_of[AMENDMENT_SIGNING], pdfs,
                                              out, waiting)


def _amendment_packets(prepared: Prepared, signing: Signing, pdfs: dict[str, bytes], out: Path,
                       waiting: Callable[[Holder], None]) -> Packets:
    """The packets of the amendment's signing, in a part of their own: they belong to no
    closing's binder, and are the same whichever closings' binders are built."""
    from .manifest import MANIFEST, inputs_digest, packets_manifest, up_to_date
    from .signatures import packets
    deal = prepared.deal
    assert deal is not None
    mine = {document: pdfs[document] for document in signing.documents}
    inputs = inputs_digest(prepared.source.sha256, deal.forms, mine, {})
    current = read_part(out, deal.deal.id, signing.id, waiting=waiting)
    if up_to_date(current.get(MANIFEST), inputs, current.get):
        return Packets(out / deal.deal.id / signing.id, ())
    files = packets(deal, signing, mine)
    files[MANIFEST] = packets_manifest(deal.deal.id, prepared.source.file.rsplit("/", 1)[-1],
                                       prepared.source.sha256, deal.forms, inputs, files,
                                       signing)
    folder = update_part(out, deal.deal.id, signing.id, files, waiting=waiting)
    return Packets(folder, tuple(sorted(files)))
