"""The desk's Signatures page: upload the signed pages that came back, see the tracker, write
the executed documents and the closing books and download them. It calls what `dealdocs
signed`, `signatures` and `executed` call (generator/signing/session.py)."""

from __future__ import annotations

from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import DealdocsError, LogError, RenderError
from ..signing.executed import EXECUTED
from ..signing.returned import MAX_BYTES, ReturnedFileError
from ..signing.session import Executed, Recorded, record_returned, tracking, write_executed
from ..signing.tracker import RECEIVED
from ..signings import party_names
from .desk import Sheet
from .routes import _desk, _page, _prepared, _sheet, part_download
from .security import checked_form


def signatures(request: Request) -> Response:
    return _signatures(request, _sheet(request))


async def returned(request: Request) -> Response:
    """Record the uploaded PDFs' signature pages."""
    sheet = _sheet(request)
    form_data = await checked_form(request)
    uploads = [item for item in form_data.getlist("files")
               if isinstance(item, UploadFile) and item.filename]
    try:
        files = [(Path(Path(upload.filename).name), await upload.read(MAX_BYTES + 1))
                 for upload in uploads]
    finally:
        await form_data.close()
    return await run_in_threadpool(_record, request, sheet, files)


def _record(request: Request, sheet: Sheet, files: list[tuple[Path, bytes]]) -> Response:
    desk = _desk(request)
    prepared = _prepared(request, sheet)
    if not files:
        return _signatures(request, sheet, message="choose the PDFs of signed pages to upload",
                           status=400)
    try:
        for name, data in files:
            if len(data) > MAX_BYTES:
                raise ReturnedFileError(name, f"larger than {MAX_BYTES >> 20} MiB")
        recorded = record_returned(sheet.path, prepared, files, desk.log, desk.out,
                                   lambda holder: None, named=True)
    except (DealdocsError, LogError) as exc:
        return _signatures(request, sheet, message=str(exc), status=409)
    return _signatures(request, sheet, recorded=recorded)


async def executed(request: Request) -> Response:
    """Write the executed documents of the chosen signing (every signing if none)."""
    sheet = _sheet(request)
    form_data = await checked_form(request)
    chosen = str(form_data.get("signing", "")) or None
    partial = form_data.get("partial") == "1"
    return await run_in_threadpool(_execute, request, sheet, chosen, partial)


def _execute(request: Request, sheet: Sheet, chosen: str | None, partial: bool) -> Response:
    desk = _desk(request)
    prepared = _prepared(request, sheet)
    try:
        tracked = tracking(sheet.path, prepared.deal, desk.log)
        signings = [signing for signing in tracked.signings if chosen in (None, signing.id)]
        if not signings:
            raise HTTPException(404, f"{sheet.name} has no signing {chosen!r}")
        result = write_executed(prepared, tracked, signings, desk.out, partial,
                                lambda holder: None)
    except RenderError as exc:
        return _signatures(request, sheet, findings=exc.findings, status=409)
    except (DealdocsError, LogError) as exc:
        return _signatures(request, sheet, message=str(exc), status=409)
    return _signatures(request, sheet, executed=result, status=409 if result.refused else 200)


def executed_file(request: Request) -> Response:
    """An executed document, its conformed copy, or a closing's closing book."""
    file = request.path_params["file"]
    return part_download(request, EXECUTED, file, f"no executed {file}; write the executed "
                         "documents first")


def _signatures(request: Request, sheet: Sheet, *, recorded: Recorded | None = None,
                executed: Executed | None = None, message: str = "", findings=(),
                status: int = 200) -> Response:
    desk = _desk(request)
    prepared = _prepared(request, sheet)
    deal = prepared.deal
    rows, signings = [], []
    try:
        tracked = tracking(sheet.path, deal, desk.log)
        rows, signings = tracked.rows, tracked.signings
    except RenderError as exc:
        findings = [*findings, *exc.findings]
    except (DealdocsError, LogError) as exc:
        message = message or str(exc)
    # People and documents by name, as the checklist names them: ids stay in the CLI.
    return _page(request, "signatures.html", status, sheet=sheet, deal=deal,
                 signings=signings, names=party_names(deal),
                 titles={row.document: row.title for row in rows},
                 groups=[(signing, [row for row in rows if row.signing == signing.id])
                         for signing in signings],
                 received=sum(row.status == RECEIVED for row in rows), total=len(rows),
                 recorded=recorded, executed=executed, message=message, findings=findings,
                 files=desk.part_files(deal.deal.id, EXECUTED))


routes = [
    Route("/deals/{sheet}/signatures", signatures, name="signatures"),
    Route("/deals/{sheet}/signatures/returned", returned, methods=["POST"], name="returned"),
    Route("/deals/{sheet}/signatures/executed", executed, methods=["POST"],
          name="write_executed"),
    Route("/deals/{sheet}/executed/{file:path}", executed_file, name="executed_file"),
]
