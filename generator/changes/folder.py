"""What `OUT/<deal id>/changes/` holds after a comparison: the change report, and a
redline of each document whose text changed, in the formats asked for."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from ..build.lock import Holder
from ..build.parallel import write_all
from ..build.transaction import CHANGES, update_part
from ..writers import FORMATS, RenderedDocument
from .redline import redline
from .report import ChangeReport, Snapshot, report_document

LEGEND = ("Inserted text is double-underlined in blue, deleted text struck through in red; "
          "the Word file holds them as tracked changes.")


def change_documents(report: ChangeReport, old: Snapshot, new: Snapshot, deal_id: str,
                     author: str) -> list[RenderedDocument]:
    """The report, then the redline of each changed document (new or removed documents
    have none: there is nothing to compare them with), in the report's order. Word gives
    each revision `author` and the time of the new snapshot's terms."""
    date = new.when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    documents = [report_document(report, deal_id, new.when.date())]
    for change in report.documents:
        if change.kind != "changed":
            continue
        before, after = old.documents[change.name], new.documents[change.name]
        html = redline(before.html, after.html,
                       [f"Redline: {new.label} compared with {old.label}", LEGEND],
                       author=author, date=date)
        documents.append(dataclasses.replace(
            after, name=f"{after.name}.redline", title=f"Redline of {after.title}", html=html,
            identifier=f"{deal_id}/{CHANGES}/{after.name}.redline"))
    return documents


def write_changes(out_dir: Path, deal_id: str, documents: list[RenderedDocument],
                  formats: list[str], jobs: int,
                  progress: Callable[[int, int], None] = lambda done, total: None,
                  waiting: Callable[[Holder], None] = lambda holder: None) -> Path:
    """Write every document in every format into the deal's changes folder, replacing what
    an earlier comparison left there, as one transaction; returns the folder."""
    files: dict[str, bytes] = {}
    jobs_to_do = [(f"{document.name}.{FORMATS[name].extension}", document, name)
                  for document in documents for name in formats]

    def done(file: str, data: bytes, seconds: float) -> None:
        files[file] = data
        progress(len(files), len(jobs_to_do))

    progress(0, len(jobs_to_do))
    write_all(jobs_to_do, jobs, done)
    return update_part(out_dir, deal_id, CHANGES, files, waiting=waiting)
