"""The gather stage: every document rendered to HTML and checked before anything is written.

A finding in the last note stops the run before the first file is touched.
"""

from __future__ import annotations

from collections.abc import Iterable

import lxml.html

from ..deal import Deal
from ..documents import DocumentJob, plan
from ..errors import RenderError
from ..findings import Finding, Severity
from ..fonts import describe, uncovered_characters
from ..pageid import mark
from ..rendering import render_html
from ..writers import RenderedDocument
from . import cache


def render_documents(deal: Deal, only: Iterable[str] = ()) -> list[RenderedDocument]:
    """Render and check every document (of the kinds `only`); RenderError with all findings
    if any. Documents rendered before from the same sources are read back (build/cache.py)."""
    only = tuple(only)
    name = cache.digest(deal, only) if deal.source_digest else None
    kept = cache.read(name, deal.forms) if name else None
    if kept is not None:
        return kept
    documents = render_jobs(deal, plan(deal, only))
    if name:
        cache.write(name, documents)
    return documents


def render_jobs(deal: Deal, jobs: Iterable[DocumentJob], *, identified: bool = True
                ) -> list[RenderedDocument]:
    """Render and check these documents; RenderError with all findings if any. Without
    `identified`, their signature pages carry no identifier: a conformed copy is filed,
    not signed."""
    rendered, findings = [], []
    for job in jobs:
        html, job_findings = render_html(job)
        findings += job_findings + _glyph_findings(job, html)
        # Each signature page gets its identifier (generator/pageid.py), made from the
        # finished text, which it then joins as page furniture.
        if identified:
            html = mark(html, deal.deal.id, job.name)
        rendered.append(RenderedDocument(job.name, job.title, html, deal.deal.date,
                                         job.identifier, job.kind.name, job.forms,
                                         deal.deal.id))
    if findings:
        raise RenderError(findings)
    return rendered


def _glyph_findings(job: DocumentJob, html: str) -> list[Finding]:
    # The body's text: what the PDF draws (the head's title and metadata it does not).
    missing = uncovered_characters(lxml.html.document_fromstring(html).body.text_content())
    if not missing:
        return []
    return [Finding("render.missing-glyph", Severity.ERROR, job.forms.mark(job.kind.template),
                    job.name, f"no bundled font has a glyph for {describe(missing)}",
                    "spell the value without it, or add a font that covers it")]
