"""The manifest.json of a closing's binder folder and of the amendment's signing's packets:
every file of the folder with its SHA-256, what it is and whose, each document's place in
the binder, the signing whose packets the folder holds (who signs which page), and what it
was all made from (the term sheet, the templates, each document's PDF and rendered HTML)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from ..build.keys import writer_digest
from ..forms import Forms
from ..signings import Signing

if TYPE_CHECKING:
    from .assemble import Assembled

MANIFEST = "manifest.json"
BINDER = "binder.pdf"
INDEX = "index.docx"


def packet_file(party: str) -> str:
    return f"signature-packet-{party}.pdf"


def manifest(deal_id: str, closing_id: str, term_sheet: str, term_sheet_sha256: str,
             forms: Forms, inputs: str, assembled: Assembled, files: Mapping[str, bytes],
             made_from: Mapping[str, str], signing: Signing) -> bytes:
    """`inputs`: `inputs_digest`; `files`: the binder's files by name; `made_from`: each
    generated document's digest (generator/build/keys.py `document_digest`), by its name;
    `signing`: the closing's, whose packets the folder holds."""
    first_pages = {item.entry.tab: item.first_page for item in assembled.placed}
    contents = [{"tab": item.entry.tab, "document": item.entry.document,
                 "title": item.entry.title, "party": item.entry.party or None,
                 "kind": item.entry.kind, "first_page": item.first_page, "pages": item.pages,
                 "sha256": item.sha256, "made_from": made_from.get(item.entry.document)}
                for item in assembled.placed]
    signature_pages = {party: [{"tab": page.source.entry.tab,
                                "document": page.source.entry.document,
                                "binder_page": first_pages[page.source.entry.tab] + page.page,
                                "caption": page.signer.caption} for page in pages]
                       for party, pages in assembled.signature_pages.items()}
    data = {"deal": deal_id, "closing": closing_id, "term_sheet": term_sheet,
            "term_sheet_sha256": term_sheet_sha256, "templates_sha256": templates_digest(forms),
            "inputs": inputs, "outputs": _outputs(files, signing), "contents": contents,
            "signature_pages": signature_pages, "signing": _signing(signing)}
    return _json(data)


def packets_manifest(deal_id: str, term_sheet: str, term_sheet_sha256: str, forms: Forms,
                     inputs: str, files: Mapping[str, bytes], signing: Signing) -> bytes:
    """The manifest of a folder of signature packets alone (the amendment's signing's)."""
    data = {"deal": deal_id, "term_sheet": term_sheet, "term_sheet_sha256": term_sheet_sha256,
            "templates_sha256": templates_digest(forms), "inputs": inputs,
            "outputs": _outputs(files, signing), "signing": _signing(signing)}
    return _json(data)


def _outputs(files: Mapping[str, bytes], signing: Signing) -> list[dict[str, object]]:
    parties = {packet_file(party): party for party in signing.pages}
    return [{"file": name, "sha256": hashlib.sha256(data).hexdigest(),
             "document": ("binder" if name == BINDER else "index" if name == INDEX
                          else "signature packet"),
             "party": parties.get(name), "first_page": 1 if name == BINDER else None}
            for name, data in sorted(files.items())]


def _signing(signing: Signing) -> dict[str, object]:
    """Who signs which page at the signing: a generated document's page by its signature
    block's anchor, an outside document's by its page number (None: its last)."""
    return {"id": signing.id, "date": signing.date.isoformat() if signing.date else None,
            "documents": list(signing.documents),
            "pages": {party: [{"document": page.document, "anchor": page.anchor,
                               "page": page.page} for page in pages]
                      for party, pages in signing.pages.items()}}


def _json(data: dict[str, object]) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def templates_digest(forms: Forms) -> str:
    """SHA-256 of every form the deal uses (a firm's where it has them), by name and content."""
    digest = hashlib.sha256()
    for name, sha256 in forms.digests().items():
        digest.update(f"{name} {sha256}\n".encode())
    return digest.hexdigest()


def inputs_digest(term_sheet_sha256: str, forms: Forms, pdfs: Mapping[str, bytes],
                  outside: Mapping[str, bytes]) -> str:
    """What a closing's binder folder is made from: the term sheet, the templates, the
    documents' PDFs and the outside files, the binder's code, the writers it uses (the PDF
    writer for its own pages, the Word writer for index.docx) and the packages it uses."""
    digest = hashlib.sha256(f"{term_sheet_sha256}\n{templates_digest(forms)}\n"
                            f"{writer_digest('pdf', forms)}\n"
                            f"{writer_digest('docx', forms)}\n".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for package in ("pypdf", "python-docx"):
        digest.update(f"{package} {metadata.version(package)}\n".encode())
    for name, data in [*sorted(pdfs.items()), *sorted(outside.items())]:
        digest.update(f"{name}\n{hashlib.sha256(data).hexdigest()}\n".encode())
    return digest.hexdigest()


def up_to_date(previous: bytes | None, inputs: str,
               read: Callable[[str], bytes | None]) -> bool:
    """Whether the binder folder whose manifest is `previous` was made from `inputs` and
    still holds every file it lists, each with its recorded SHA-256 (`read` gives a file's
    bytes, None when it is missing): a file edited or deleted is made again."""
    try:
        recorded = json.loads(previous) if previous else {}
    except ValueError:
        return False
    if not isinstance(recorded, dict) or recorded.get("inputs") != inputs:
        return False
    outputs = recorded.get("outputs")
    return isinstance(outputs, list) and bool(outputs) and all(
        isinstance(entry, dict) and isinstance(entry.get("file"), str)
        and (data := read(entry["file"])) is not None
        and hashlib.sha256(data).hexdigest() == entry.get("sha256") for entry in outputs)
