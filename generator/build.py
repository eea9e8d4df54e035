"""Building a deal's documents: render all of them, then write every format.

Every document is rendered and checked before the first file is written, so a finding
in the last note stops the run with the output folder as it was.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .deal import Deal
from .documents import DocumentJob, plan
from .errors import OutputError, RenderError
from .findings import Finding, Mark, Severity
from .fonts import describe, uncovered_characters
from .output import WriteStatus, write_atomic
from .rendering import render_html
from .textextract import text_of_html
from .writers import WRITERS, RenderedDocument

FORMATS = tuple(WRITERS)
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Output:
    document: str
    kind: str
    format: str
    path: Path
    status: WriteStatus | None
    """None when a previous build's file was removed because this build no longer makes it."""
    sha256: str


def render_documents(deal: Deal, only: Iterable[str] = ()) -> list[RenderedDocument]:
    """Render and check every document; RenderError with all findings if any."""
    return render_jobs(deal, plan(deal, only))


def render_jobs(deal: Deal, jobs: Iterable[DocumentJob]) -> list[RenderedDocument]:
    """Render and check these documents; RenderError with all findings if any."""
    rendered, findings = [], []
    for job in jobs:
        html, job_findings = render_html(job)
        findings += job_findings + _glyph_findings(job, html)
        rendered.append(RenderedDocument(job.name, job.title, html, deal.deal.date,
                                         job.identifier, job.kind.name))
    if findings:
        raise RenderError(findings)
    return rendered


def _glyph_findings(job: DocumentJob, html: str) -> list[Finding]:
    missing = uncovered_characters(text_of_html(html))
    if not missing:
        return []
    return [Finding("render.missing-glyph", Severity.ERROR, Mark(f"templates/{job.kind.template}", 1),
                    job.name, f"no bundled font has a glyph for {describe(missing)}",
                    "spell the value without it, or add a font that covers it")]


def write_documents(deal: Deal, documents: list[RenderedDocument], formats: Iterable[str],
                    out_dir: Path, term_sheet: Path,
                    progress: Callable[[str], None] = lambda name: None,
                    prune: bool = True) -> list[Output]:
    """Write each document in each format under `out_dir/<deal id>/`, then the manifest.

    Every file's bytes are produced before the first is written, so a writer that fails
    leaves the folder as it was. Outputs of an earlier build that this one would have
    made (same kind of document, same format) and no longer does are removed; outputs
    of kinds or formats this build did not make are kept. With `prune` false nothing is
    removed: the documents are added to the folder (a conversion's notice and schedule).
    """
    folder = out_dir / deal.deal.id
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} is a file, not a folder", "choose another --out")
    formats = list(formats)
    produced = []
    for document in documents:
        for name in formats:
            writer = WRITERS[name]
            data = writer.render(document)
            produced.append((document, name, folder / f"{document.name}.{writer.extension}", data))
            progress(f"{document.name}.{writer.extension}")
    previous = _previous_outputs(folder)
    kinds = {document.kind for document in documents}
    made = {path.name for _, _, path, _ in produced}
    try:
        outputs = [Output(document.name, document.kind, name, path, write_atomic(path, data),
                          hashlib.sha256(data).hexdigest())
                   for document, name, path, data in produced]
        kept = []
        for entry in previous:
            path = folder / entry.path.name
            if entry.path.name in made or not path.is_file():
                continue
            if prune and entry.kind in kinds and entry.format in formats:
                path.unlink()
                outputs.append(Output(entry.document, entry.kind, entry.format, path, None,
                                      entry.sha256))
            else:
                kept.append(entry)
        _write_manifest(folder, term_sheet, [o for o in outputs if o.status is not None] + kept)
    except OSError as exc:
        raise OutputError(f"cannot write {exc.filename or folder}: {exc.strerror}",
                          "check that the output folder is writable") from exc
    return outputs


def _previous_outputs(folder: Path) -> list[Output]:
    """What the manifest of the last build in `folder` lists (nothing if it is unreadable)."""
    try:
        entries = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["outputs"]
        return [Output(e["document"], e["kind"], e["format"], folder / Path(e["file"]).name,
                       WriteStatus.IDENTICAL, e["sha256"]) for e in entries]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _write_manifest(folder: Path, term_sheet: Path, outputs: list[Output]) -> None:
    manifest = {
        "term_sheet": {"file": term_sheet.name,
                       "sha256": hashlib.sha256(term_sheet.read_bytes()).hexdigest()},
        "outputs": [{"document": o.document, "kind": o.kind, "format": o.format,
                     "file": o.path.name, "sha256": o.sha256}
                    for o in sorted(outputs, key=lambda o: o.path.name)],
    }
    write_atomic(folder / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode())
