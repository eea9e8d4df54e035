"""One closing's binder folder, from the deal, its rendered documents and their PDFs to
the bytes of each file: binder.pdf, index.docx, the signature packet of each party that
signs at the closing, and manifest.json."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ..build.keys import document_digest
from ..deal import Deal
from ..loader import SourceMap
from ..model import Closing
from ..signings import Signing, signers
from ..writers import RenderedDocument
from .assemble import Source, assemble
from .contents import contents
from .index_docx import index_docx
from .manifest import BINDER, INDEX, MANIFEST, manifest
from .signatures import packets


def binder_files(deal: Deal, closing: Closing, signing: Signing,
                 documents: Sequence[RenderedDocument], pdfs: Mapping[str, bytes],
                 outside: Mapping[str, bytes], source: SourceMap, inputs: str,
                 step: Callable[[str], None] = lambda what: None) -> dict[str, bytes]:
    """`signing`: the closing's (generator/signings.py); `pdfs`: each generated document's
    PDF by its name; `outside`: each outside document's PDF (converted from Word) by its
    path as the term sheet writes it; `inputs`: what it is all made from (manifest.py
    `inputs_digest`)."""
    by_name = {document.name: document for document in documents}
    sources = [Source(entry, outside[entry.document]) if entry.kind == "outside" else
               Source(entry, pdfs[entry.document], tuple(signers(by_name[entry.document].html)))
               for entry in contents(deal, closing, list(documents))]
    assembled = assemble(deal, closing, sources, step)
    step("signature packets")
    files = {BINDER: assembled.binder, **packets(deal, signing, {**pdfs, **outside})}
    step("index.docx")
    files[INDEX] = index_docx(deal, closing, assembled.index)
    made_from = {document.name: document_digest(document) for document in documents}
    files[MANIFEST] = manifest(deal.deal.id, closing.id, source.file.rsplit("/", 1)[-1],
                               source.sha256, deal.forms, inputs, assembled, files, made_from,
                               signing)
    return files
