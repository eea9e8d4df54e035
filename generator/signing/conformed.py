"""Conformed copies: a signed document as it is filed (an SEC exhibit), each signature line
of a page that came back reading "/s/ <signer's name>" (templates/base/macros.html.j2,
`signed_by`), in every format, without the pages' identifiers."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from ..build import render_jobs
from ..deal import Deal
from ..documents import plan
from ..signings import SIGNED_KINDS
from ..writers import FORMATS as WRITTEN, WRITERS

FORMATS = ("pdf", "docx", "html")


def conformed_files(deal: Deal, parties: Mapping[str, frozenset[str]]) -> dict[str, bytes]:
    """`<document>.conformed.<extension>` in each of FORMATS for each document of `parties`,
    with the signature lines of the parties it names conformed."""
    jobs = [dataclasses.replace(job, context={**job.context, "conformed": parties[job.name]})
            for job in plan(deal, SIGNED_KINDS) if job.name in parties]
    return {f"{document.name}.conformed.{WRITTEN[name].extension}": WRITERS[name].render(document)
            for document in render_jobs(deal, jobs, identified=False) for name in FORMATS}
