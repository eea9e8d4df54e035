"""The desk's "Check a document" page: drop a Word, PDF, HTML or text file, see its findings
(dealdocs check), optionally against one of the desk's term sheets. Nothing is kept: the
file is read in memory and forgotten."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ..build.render import render_documents
from ..errors import DealdocsError
from ..findings import errors
from ..proofing import MAX_DOCUMENT_BYTES, check_read, read_document
from ..proofing.against import compare
from .desk import NotFound
from .security import CSRF_FIELD, checked_form


def _page(request: Request, status: int = 200, **context) -> HTMLResponse:
    desk = request.app.state.desk
    html = request.app.state.templates.get_template("check.html").render(
        url_for=request.app.url_path_for, csrf=request.state.csrf, csrf_field=CSRF_FIELD,
        sheets=desk.names(), **{"name": "", "findings": None, "message": "", "against": "",
                                **context})
    return HTMLResponse(html, status)


async def check_page(request: Request) -> Response:
    return _page(request)


async def check_upload(request: Request) -> Response:
    form = await checked_form(request)
    try:
        upload = form.get("document")
        against = str(form.get("against") or "")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return _page(request, 400, message="choose a file to check", against=against)
        data = await upload.read(MAX_DOCUMENT_BYTES + 1)  # more is refused with its reason
    finally:
        await form.close()
    try:
        findings = await run_in_threadpool(_check, request, upload.filename, data, against)
    except (DealdocsError, NotFound) as exc:
        return _page(request, 422, name=upload.filename, message=str(exc), against=against)
    return _page(request, name=upload.filename, findings=findings, against=against,
                 errors=len(errors(findings)))


def _check(request: Request, name: str, data: bytes, against: str) -> list:
    document = read_document(name, data)
    findings = check_read(document)
    if against:
        desk = request.app.state.desk
        checked = desk.check(desk.sheet(against))
        if checked.errors or checked.prepared is None or checked.prepared.deal is None:
            raise DealdocsError(f"{against} has errors; fix them on its page first")
        findings += compare(document, render_documents(checked.prepared.deal))
    return findings


routes = [Route("/check", check_page, name="check_document"),
          Route("/check", check_upload, methods=["POST"], name="check_document_upload")]
