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
from .errors import RenderError
from .findings import Finding, Mark, Severity
from .fonts import uncovered_characters
from .output import WriteStatus, write_atomic
from .rendering import render_html
from .textextract import text_of_html
from .writers import WRITERS, RenderedDocument

FORMATS = tuple(WRITERS)
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Output:
    document: str
    format: str
    path: Path
    status: WriteStatus | None
    """None when a previous build's file was removed because this build no longer makes it."""
    sha256: str


def render_documents(deal: Deal, only: Iterable[str] = ()) -> list[RenderedDocument]:
    """Render and check every document; RenderError with all findings if any."""
    rendered, findings = [], []
    for job in plan(deal, only):
        html, job_findings = render_html(job)
        findings += job_findings + _glyph_findings(job, html)
        rendered.append(RenderedDocument(job.name, job.title, html, deal.deal.date,
                                         job.identifier))
    if findings:
        raise RenderError(findings)
    return rendered


def _glyph_findings(job: DocumentJob, html: str) -> list[Finding]:
    missing = uncovered_characters(text_of_html(html))
    if not missing:
        return []
    shown = ", ".join(f"{char!r} (U+{ord(char):04X})" for char in missing)
    return [Finding("render.missing-glyph", Severity.ERROR, Mark(f"templates/{job.kind.template}", 1),
                    job.name, f"no bundled font has a glyph for {shown}",
                    "spell the value without it, or add a font that covers it")]


def write_documents(deal: Deal, documents: list[RenderedDocument], formats: Iterable[str],
                    out_dir: Path, term_sheet: Path,
                    progress: Callable[[str], None] = lambda name: None) -> list[Output]:
    """Write each document in each format under `out_dir/<deal id>/`, then the manifest."""
    folder = out_dir / deal.deal.id
    outputs = []
    for document in documents:
        for name in formats:
            writer = WRITERS[name]
            data = writer.render(document)
            path = folder / f"{document.name}.{writer.extension}"
            outputs.append(Output(document.name, name, path, write_atomic(path, data),
                                  hashlib.sha256(data).hexdigest()))
            progress(path.name)
    outputs += _remove_stale(folder, {output.path.name for output in outputs})
    _write_manifest(folder, term_sheet, [o for o in outputs if o.status is not None])
    return outputs


def _remove_stale(folder: Path, produced: set[str]) -> list[Output]:
    """Delete what the previous build wrote and this one does not (a lender who left)."""
    manifest = folder / MANIFEST
    if not manifest.exists():
        return []
    try:
        previous = json.loads(manifest.read_text(encoding="utf-8"))["outputs"]
    except (ValueError, KeyError, TypeError):
        return []
    removed = []
    for entry in previous:
        name = Path(entry.get("file", "")).name
        if name and name not in produced and (folder / name).is_file():
            (folder / name).unlink()
            removed.append(Output(entry.get("document", ""), entry.get("format", ""),
                                  folder / name, None, entry.get("sha256", "")))
    return removed


def _write_manifest(folder: Path, term_sheet: Path, outputs: list[Output]) -> None:
    manifest = {
        "term_sheet": {"file": term_sheet.name,
                       "sha256": hashlib.sha256(term_sheet.read_bytes()).hexdigest()},
        "outputs": [{"document": o.document, "format": o.format, "file": o.path.name,
                     "sha256": o.sha256} for o in outputs],
    }
    write_atomic(folder / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode())
