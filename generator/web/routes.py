"""The desk's pages. Each handler reads the request, calls the same functions as the
command line, and renders a page; none holds logic of its own about deals."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import (FileResponse, HTMLResponse, JSONResponse, RedirectResponse,
                                 Response, StreamingResponse)
from starlette.concurrency import run_in_threadpool
from starlette.routing import Route

from ..build import FORMATS, write_documents
from ..changes.folder import CHANGES
from ..build.render import render_jobs
from ..conversions.documents import render_conversion_documents
from ..conversions.record import (Request as Asked, find_note, note_name, plan_conversions,
                                  record_conversions)
from ..conversions.session import opened_log
from ..documents import KIND_NAMES, plan
from ..errors import ConversionError, DealdocsError, LogError, RenderError, TermSheetError
from ..loader import PathKey
from ..model import TermSheet
from ..signings import AMENDMENT_SIGNING
from .desk import Checked, Conflict, Desk, NotFound, Sheet
from .form import form, placed
from .jobs import STEPS, Jobs
from .security import CSRF_FIELD, checked_form
from .source import SourceEditError, add_item, move_item, parse_path, remove_item, set_values

_OPERATIONS = {"add": add_item, "remove": remove_item,
               "up": lambda text, path: move_item(text, path, -1),
               "down": lambda text, path: move_item(text, path, 1)}


def _desk(request: Request) -> Desk:
    return request.app.state.desk


def _page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    html = request.app.state.templates.get_template(template).render(
        url_for=request.app.url_path_for, csrf=request.state.csrf, csrf_field=CSRF_FIELD,
        **context)
    return HTMLResponse(html, status)


def _sheet(request: Request, name: str | None = None) -> Sheet:
    """The term sheet of the address (or `name`); a page with the one-line reason if the
    desk does not serve it or cannot read it."""
    try:
        return _desk(request).sheet(name or request.path_params["sheet"])
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except TermSheetError as exc:
        raise HTTPException(409, str(exc)) from None


def deals(request: Request) -> Response:
    desk = _desk(request)
    return _page(request, "deals.html", summaries=[desk.summary(name) for name in desk.names()],
                 folder=desk.folder)


def edit(request: Request) -> Response:
    sheet = _sheet(request)
    return _editor(request, sheet, sheet.text, sheet.sha256, _desk(request).check(sheet),
                   saved=request.query_params.get("saved") == "1")


def _editor(request: Request, sheet: Sheet, text: str, sha256: str, checked: Checked,
            status: int = 200, message: str = "", saved: bool = False) -> HTMLResponse:
    desk = _desk(request)
    prepared = checked.prepared
    deal = prepared.deal if prepared else None
    documents = [job.name for job in plan(deal)] if deal else []
    deal_id = prepared.sheet.deal.id if prepared else None
    return _page(request, "edit.html", status, sheet=sheet, text=text, sha256=sha256,
                 sections=form(text, checked.findings), checked=checked, deal=deal,
                 documents=documents, kinds=KIND_NAMES, formats=FORMATS, steps=list(STEPS),
                 files=desk.manifest(deal_id) if deal_id else [], message=message, saved=saved,
                 change_files=desk.part_files(deal_id, CHANGES) if deal_id else [],
                 binders=[(part, heading, desk.part_files(deal_id, part))
                          for part, heading in _binder_parts(prepared.sheet)] if deal_id else [])


def _binder_parts(sheet: TermSheet) -> list[tuple[str, str]]:
    """The parts `dealdocs binder` writes, each with how the deal's page heads it: the
    amendment's signing's packets, then each closing's binder."""
    return [(AMENDMENT_SIGNING, "Signature packets: the amendment's signing"),
            *((closing.id, f"Binder: {closing.name}") for closing in sheet.closings)]


def _edited(sheet: Sheet, form_data: FormData) -> str:
    """The term sheet's text with the form's values (and its list operation) applied."""
    changes: dict[PathKey, str] = {}
    for key, value in form_data.multi_items():
        if key.startswith("v:") and isinstance(value, str):
            changes[parse_path(key[2:])] = value
    text = set_values(sheet.text, changes)
    operation = form_data.get("op")
    if isinstance(operation, str) and operation:
        name, _, path = operation.partition(":")
        if name not in _OPERATIONS:
            raise SourceEditError(f"unknown operation {name!r}")
        text = _OPERATIONS[name](text, parse_path(path))
    return text


async def save(request: Request) -> Response:
    form_data = await checked_form(request)
    return await run_in_threadpool(_save, request, form_data)


def _save(request: Request, form_data: FormData) -> Response:
    sheet = _sheet(request)
    loaded = str(form_data.get("sha256", ""))
    desk = _desk(request)
    if loaded != sheet.sha256:
        # Another tab or an editor saved since this form was made: its values are kept in
        # the page for the user to copy, the file is not touched.
        return _page(request, "conflict.html", 409, sheet=sheet)
    try:
        desk.save(sheet, _edited(sheet, form_data), loaded)
    except (SourceEditError, TermSheetError) as exc:
        return _editor(request, sheet, sheet.text, sheet.sha256, desk.check(sheet), 400, str(exc))
    except Conflict:
        return _page(request, "conflict.html", 409, sheet=sheet)
    return RedirectResponse(request.app.url_path_for("edit", sheet=sheet.name) + "?saved=1", 303)


async def check(request: Request) -> Response:
    """The findings and derived figures of the form as it stands, unsaved (for live checks)."""
    form_data = await checked_form(request)
    return await run_in_threadpool(_check, request, form_data)


def _check(request: Request, form_data: FormData) -> Response:
    sheet = _sheet(request)
    try:
        text = _edited(sheet, form_data)
    except SourceEditError as exc:
        return JSONResponse({"error": str(exc)}, 400)
    checked = _desk(request).check(sheet, text)
    templates = request.app.state.templates
    deal = checked.prepared.deal if checked.prepared else None
    return JSONResponse({
        "findings": {name: templates.get_template("_findings.html").render(findings=found)
                     for name, found in placed(form(text, checked.findings)).items()},
        "summary": templates.get_template("_summary.html").render(checked=checked, deal=deal),
    })


def _prepared(request: Request, sheet: Sheet):
    checked = _desk(request).check(sheet)
    if checked.prepared is None or checked.prepared.deal is None or checked.errors:
        raise HTTPException(409, f"{sheet.name} has errors; correct them on its page first")
    return checked.prepared


def preview(request: Request) -> Response:
    sheet = _sheet(request)
    prepared = _prepared(request, sheet)
    name = request.path_params["document"]
    jobs = [job for job in plan(prepared.deal) if job.name == name]
    if not jobs:
        raise HTTPException(404, f"{sheet.name} has no document {name!r}")
    try:
        (document,) = render_jobs(prepared.deal, jobs)
    except RenderError as exc:
        return _page(request, "findings.html", 409, title=f"{name} cannot be rendered",
                     sheet=sheet, findings=exc.findings)
    return HTMLResponse(document.html)


async def build(request: Request) -> Response:
    form_data = await checked_form(request)
    return await run_in_threadpool(_build, request, form_data)


def _build(request: Request, form_data: FormData) -> Response:
    sheet = _sheet(request)
    prepared = _prepared(request, sheet)
    step = str(form_data.get("step", "render"))
    kinds = [kind for kind in form_data.getlist("kind") if kind in KIND_NAMES]
    formats = [name for name in form_data.getlist("format") if name in FORMATS]
    if step not in STEPS or not formats:
        raise HTTPException(400, "choose a build step and at least one format")
    jobs: Jobs = request.app.state.jobs
    job = jobs.start(sheet.name, step, prepared, _desk(request).out, kinds, formats)
    return RedirectResponse(request.app.url_path_for("job", job=job.id), 303)


def _job(request: Request):
    job = request.app.state.jobs.get(request.path_params["job"])
    if job is None:
        raise HTTPException(404, "there is no such build (the desk was restarted?)")
    return job


def job_page(request: Request) -> Response:
    job = _job(request)
    sheet = _sheet(request, job.sheet)
    return _page(request, "job.html", job=job, sheet=sheet)


async def job_events(request: Request) -> Response:
    """Server-sent events: the build's progress, then `done` when it has ended."""
    job = _job(request)

    async def events() -> AsyncIterator[str]:
        last = None
        while True:
            state = (job.done, job.total, job.finished.is_set())
            if state != last:
                last = state
                yield f"data: {json.dumps({'done': job.done, 'total': job.total})}\n\n"
            if job.finished.is_set():
                yield "event: done\ndata: {}\n\n"
                return
            await asyncio.sleep(0.1)

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store"})


def download(request: Request) -> Response:
    sheet = _sheet(request)
    prepared = _prepared(request, sheet)
    try:
        path = _desk(request).output(prepared.sheet.deal.id, request.path_params["file"])
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    return FileResponse(path, filename=path.name)


def changes(request: Request) -> Response:
    """A file of the last comparison (`dealdocs diff`): the report unless another is named."""
    sheet = _sheet(request)
    prepared = _prepared(request, sheet)
    file = request.path_params.get("file", "report.html")
    try:
        path = _desk(request).part_file(prepared.sheet.deal.id, CHANGES, file)
    except NotFound:
        raise HTTPException(404, f"no {file} has been written for {sheet.name}; compare "
                                 "first") from None
    return _part_response(path)


def binder_file(request: Request) -> Response:
    """A file of a closing's binder folder, or of the amendment's signing's packets
    (`dealdocs binder`)."""
    sheet = _sheet(request)
    prepared = _prepared(request, sheet)
    closing, file = request.path_params["closing"], request.path_params["file"]
    if closing not in {part for part, _ in _binder_parts(prepared.sheet)}:
        raise HTTPException(404, f"{sheet.name} has no closing {closing!r}")
    try:
        path = _desk(request).part_file(prepared.sheet.deal.id, closing, file)
    except NotFound:
        raise HTTPException(404, f"no {file} in the {closing} binder; build it first") from None
    return _part_response(path)


def _part_response(path: Path) -> FileResponse:
    """HTML opens in the browser; PDF and Word files download."""
    return FileResponse(path, media_type="text/html" if path.suffix == ".html" else None,
                        filename=None if path.suffix == ".html" else path.name)


def conversions(request: Request) -> Response:
    return _conversions(request, _sheet(request), {})


async def convert(request: Request) -> Response:
    sheet = _sheet(request)
    form_data = await checked_form(request)
    asked = {key: str(form_data.get(key, "")) for key in ("note", "date", "principal", "action")}
    return await run_in_threadpool(_conversions, request, sheet, asked)


def _conversions(request: Request, sheet: Sheet, asked: dict[str, str]) -> Response:
    desk = _desk(request)
    prepared = _prepared(request, sheet)
    deal = prepared.deal
    note = find_note(prepared, asked["note"]) if asked else None
    if note is not None:
        # Named as the form names it, however it was given (its number, B1-01): the form
        # selects it and the history shows its entries.
        asked = {**asked, "note": note_name(note)}
    record = asked.get("action") == "record"
    planned, findings, build, message, history = [], [], None, "", []
    try:
        with opened_log(sheet.path, prepared, desk.log, desk.out, create=record,
                        check=record) as book:
            history = book.entries(deal.deal.id) if book else []
            if asked:
                requests = [Asked(asked["note"], asked["date"], asked["principal"])]
                planned = plan_conversions(prepared, requests, history)
            if record and book is not None:
                recorded = record_conversions(book, prepared, requests)
                history = book.entries(deal.deal.id)
                documents = render_conversion_documents(deal, history, recorded,
                                                        [entry.note for entry in recorded])
                build = write_documents(deal, documents, FORMATS, desk.out, prepared.source,
                                        prune=False)
    except ConversionError as exc:
        findings = exc.findings
    except (LogError, DealdocsError) as exc:
        message = str(exc)
    return _page(request, "conversions.html", 200 if not (findings or message) else 409,
                 sheet=sheet, deal=deal, asked=asked, planned=planned, findings=findings,
                 build=build, message=message,
                 history=[e for e in history if e.note == asked.get("note", e.note)],
                 notes=deal.notes)


routes = [
    Route("/", deals, name="deals"),
    Route("/deals/{sheet}", edit, name="edit"),
    Route("/deals/{sheet}", save, methods=["POST"], name="save"),
    Route("/deals/{sheet}/check", check, methods=["POST"], name="check"),
    Route("/deals/{sheet}/preview/{document}", preview, name="preview"),
    Route("/deals/{sheet}/build", build, methods=["POST"], name="build"),
    Route("/deals/{sheet}/files/{file:path}", download, name="download"),
    Route("/deals/{sheet}/changes", changes, name="changes"),
    Route("/deals/{sheet}/changes/{file:path}", changes, name="change_file"),
    Route("/deals/{sheet}/binders/{closing}/{file:path}", binder_file, name="binder_file"),
    Route("/deals/{sheet}/conversions", conversions, name="conversions"),
    Route("/deals/{sheet}/conversions", convert, methods=["POST"], name="convert"),
    Route("/builds/{job:int}", job_page, name="job"),
    Route("/builds/{job:int}/events", job_events, name="job_events"),
]
