"""The closing checklist: each document of a closing, where it stands (drafted, made, changed
since it was made, signed by whom) and who signs it; a page of the desk, and the same rows
as CSV and as a Word table."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..binder.contents import BINDER_KINDS, in_closing
from ..build import render_documents
from ..build.plan import targets
from ..conversions.log import locate, open_log
from ..deal import Deal
from ..errors import DealdocsError
from ..signing.log import SignatureLog
from ..signing.tracker import RECEIVED, Row, track
from ..signings import party_names, signings
from .desk import Desk
from .routes import _page, _prepared, _sheet


@dataclass(frozen=True)
class Item:
    title: str
    status: str
    signers: tuple[str, ...]
    """Who signs it, by name; each with "(signed)" once their page is back."""


def checklist(deal: Deal, closing_id: str, desk: Desk, sheet_path) -> list[Item]:
    """The closing's documents in binder order, then its outside documents."""
    closing = next(c for c in deal.closings if c.id == closing_id)
    documents = [d for d in render_documents(deal, BINDER_KINDS) if in_closing(d, closing)]
    # Every signing: the amendment in a closing's binder is signed at the amendment's own.
    rows = track(signings(deal, documents), documents, _received(deal, desk, sheet_path))
    made: dict[str, list] = {}
    for entry in desk.manifest(deal.deal.id):
        made.setdefault(entry.document, []).append(entry)
    names = party_names(deal)
    items = []
    for document in documents:
        mine = [row for row in rows if row.document == document.name]
        items.append(Item(document.title, _status(document, mine, made.get(document.name, [])),
                          tuple(_signer(names, row) for row in mine)))
    for outside in closing.outside_documents:
        mine = [row for row in rows if row.document == outside.path
                and row.signing == closing_id]
        items.append(Item(outside.title, "Outside document: its return is not tracked",
                          tuple(names.get(row.party, row.party) for row in mine)))
    return items


def _received(deal: Deal, desk: Desk, sheet_path):
    try:
        book = open_log(locate(sheet_path, deal.deal.id, desk.log), create=False)
        if book is None:
            return []
        with book:
            return SignatureLog(book).received(deal.deal.id)
    except DealdocsError:
        return []


def _signer(names: dict[str, str], row: Row) -> str:
    name = names.get(row.party, row.party)
    return f"{name} (signed)" if row.status == RECEIVED else name


def _status(document, rows: list[Row], made: list) -> str:
    signed = sum(1 for row in rows if row.status == RECEIVED)
    if rows and signed == len(rows):
        return "Signed"
    if signed:
        return f"Signed by {signed} of {len(rows)}"
    if not made:
        return "Drafted: not yet made"
    current = {target.format: target.inputs
               for target in targets([document], {entry.format for entry in made})}
    if any(entry.inputs != current.get(entry.format) for entry in made):
        return "Changed since its files were made: make them again before sending"
    return "Made, up to date: ready to send for signature"


COLUMNS = ("Document", "Status", "Signed by")


def as_csv(items: list[Item]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for item in items:
        writer.writerow((item.title, item.status, "; ".join(item.signers)))
    return out.getvalue()


def as_docx(heading: str, items: list[Item]) -> bytes:
    """A Word document of the checklist: its heading, then one table row per document."""
    from docx import Document
    document = Document()
    document.add_heading(heading, level=1)
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, COLUMNS):
        cell.text = text
    for item in items:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = (item.title, item.status,
                                                       "\n".join(item.signers))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _closing(request: Request):
    sheet = _sheet(request)
    prepared = _prepared(request, sheet)
    deal = prepared.deal
    closing_id = request.path_params["closing"]
    closing = next((c for c in deal.closings if c.id == closing_id), None)
    if closing is None:
        raise HTTPException(404, f"{sheet.name} has no closing {closing_id!r}")
    items = checklist(deal, closing_id, request.app.state.desk, sheet.path)
    return sheet, deal, closing, items


def checklist_page(request: Request) -> Response:
    sheet, deal, closing, items = _closing(request)
    return _page(request, "checklist.html", sheet=sheet, deal=deal, closing=closing,
                 items=items)


def checklist_file(request: Request) -> Response:
    sheet, deal, closing, items = _closing(request)
    name = f"{deal.deal.id}-{closing.id}-checklist"
    if request.path_params["format"] not in ("csv", "docx"):
        raise HTTPException(404, "the checklist is made as csv or docx")
    if request.path_params["format"] == "csv":
        return Response(as_csv(items), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    return Response(as_docx(f"Closing checklist: {closing.name}, {deal.deal.title}", items),
                    media_type="application/vnd.openxmlformats-officedocument."
                               "wordprocessingml.document",
                    headers={"Content-Disposition": f'attachment; filename="{name}.docx"'})


routes = [
    # The file first: a closing's id has no ".", so the page's address never matches it.
    Route("/deals/{sheet}/checklist/{closing}.{format:str}", checklist_file,
          name="checklist_file"),
    Route("/deals/{sheet}/checklist/{closing}", checklist_page, name="checklist"),
]
