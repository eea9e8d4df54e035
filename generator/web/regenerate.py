"""The desk's page for negotiated drafts: upload the Word draft the lawyers edited, get it
back brought to the current terms (`dealdocs regenerate`), with its report. The results
are kept in the deal's folder, in `regenerated/`, through the build's transaction, and
downloaded from there."""

from __future__ import annotations

import datetime as dt

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.routing import Route

from ..build import render_documents
from ..build.transaction import update_part
from ..errors import DealdocsError, RenderError
from ..regenerate import regenerate as merge_draft
from ..regenerate.draft import MAX_BYTES, read_draft
from .desk import Sheet
from .routes import _desk, _page, _prepared, _sheet, part_download
from .security import checked_form

REGENERATED = "regenerated"
"""The part of the deal's folder that keeps what the desk regenerated."""


def page(request: Request) -> Response:
    return _page(request, "regenerate.html", sheet=_sheet(request), result=None, message="")


async def upload(request: Request) -> Response:
    sheet = _sheet(request)
    try:
        form = await checked_form(request)
        draft = form.get("draft")
        if not isinstance(draft, UploadFile) or not draft.filename:
            return _page(request, "regenerate.html", 400, sheet=sheet, result=None,
                         message="choose the negotiated Word draft (.docx) to upload")
        data = await draft.read(MAX_BYTES + 1)
        base = str(form.get("base") or "").strip()
    finally:
        # The upload's spooled file, refused or read (the form is parsed once per request).
        await (await request.form()).close()
    if base and not base.isdigit():
        return _page(request, "regenerate.html", 400, sheet=sheet, result=None,
                     message=f"the base version {base!r} is not a number; give the number "
                     "dealdocs versions shows, or leave it empty")
    return await run_in_threadpool(_regenerate, request, sheet, draft.filename, data,
                                   int(base) if base else None)


def _regenerate(request: Request, sheet: Sheet, name: str, data: bytes, base: int | None
                ) -> Response:
    desk = _desk(request)
    prepared = _prepared(request, sheet)
    deal_id = prepared.deal.deal.id
    saved = dt.datetime.fromtimestamp(sheet.path.stat().st_mtime, dt.UTC).replace(
        microsecond=0)
    try:
        result = merge_draft(read_draft(data, name), render_documents(prepared.deal),
                             deal_id, desk.deal_folder(deal_id), base, sheet.path, saved)
        report = result.name.removesuffix(".docx") + ".html"
        update_part(desk.out, deal_id, REGENERATED,
                    {result.name: result.data, report: result.report_html}, replace=False)
    except RenderError as exc:
        return _page(request, "findings.html", 409, title=f"{sheet.name} cannot be rendered",
                     sheet=sheet, findings=exc.findings)
    except DealdocsError as exc:
        return _page(request, "regenerate.html", 400, sheet=sheet, result=None,
                     message=str(exc))
    return _page(request, "regenerate.html", sheet=sheet, result=result, report=report,
                 message="")


def download(request: Request) -> Response:
    """A regenerated draft, or its report, from the deal's folder."""
    file = request.path_params["file"]
    return part_download(request, REGENERATED, file, f"no {file} has been regenerated")


routes = [
    Route("/deals/{sheet}/regenerate", page, name="regenerate"),
    Route("/deals/{sheet}/regenerate", upload, methods=["POST"], name="regenerate_upload"),
    Route("/deals/{sheet}/regenerated/{file}", download, name="regenerated_file"),
]
