"""The desk's pages. Each handler reads the request, calls the same functions as the
command line, and renders a page; none holds logic of its own about deals."""

from __future__ import annotations

import asyncio
import json
import os
import re
import tempfile
import zipfile
from collections.abc import AsyncIterator, Mapping
from html import escape as html_escape
from pathlib import Path

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import (FileResponse, HTMLResponse, JSONResponse, RedirectResponse,
                                 Response, StreamingResponse)
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.routing import Route

from ..build import FORMATS, write_documents
from ..changes.folder import CHANGES
from ..build.render import render_jobs
from ..conversions.documents import notice_job, render_conversion_documents
from ..conversions.log import CONVERSION
from ..conversions.record import (Request as Asked, find_note, note_name, plan_conversions,
                                  record_conversions, record_rescission)
from ..conversions.session import opened_log
from ..documents import KIND_NAMES, plan
from ..forms import PRINT_CSS
from ..errors import ConversionError, DealdocsError, LogError, RenderError, TermSheetError
from ..loader import PathKey, format_path
from ..model import TermSheet
from ..signings import AMENDMENT_SIGNING
from .desk import Checked, Conflict, Desk, NotFound, Sheet
from .documents import documents_by_kind
from .form import form, in_words, missing_sections, placed, placed_nodes, section_text
from .jobs import STEPS, Jobs
from .security import CSRF_FIELD, checked_form
from .source import (SourceEditError, add_item, append_section, decode_draft, encode_draft,
                     move_item, parse_path, remove_item, scalars, set_values)

_OPERATIONS = {"add": add_item, "remove": remove_item,
               "section": lambda text, path: append_section(text, section_text(str(path[0]))),
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


def deals(request: Request, message: str = "", asked_id: str = "",
          status: int = 200) -> Response:
    desk = _desk(request)
    return _page(request, "deals.html", status,
                 summaries=[desk.summary(name) for name in desk.names()],
                 folder=desk.folder, message=message, asked_id=asked_id)


async def new_deal(request: Request) -> Response:
    """`dealdocs new`: the starter term sheet, opened in the interview."""
    form_data = await checked_form(request)
    deal_id = str(form_data.get("deal_id", "")).strip()
    try:
        name = _desk(request).start(deal_id)
    except ValueError as exc:
        return deals(request, f"“{deal_id}” cannot name a deal: {exc}", deal_id, 400)
    except FileExistsError:
        return deals(request, f"There is already a deal {deal_id}; open it from the list, or "
                              "choose another name.", deal_id, 409)
    return RedirectResponse(request.app.url_path_for("edit", sheet=name), 303)


def edit(request: Request) -> Response:
    sheet = _sheet(request)
    saved = request.query_params.get("saved")
    return _editor(request, sheet, sheet.text, sheet.sha256, _desk(request).check(sheet),
                   saved=int(saved) if saved and saved.isdigit() else None,
                   step=_step(request.query_params))


def _editor(request: Request, sheet: Sheet, text: str, sha256: str, checked: Checked,
            status: int = 200, message: str = "", saved: int | None = None,
            draft: str = "", focus: str = "", asking: bool = False,
            step: str = "") -> HTMLResponse:
    """The interview of `text`: the file's, or a draft (`draft` says what was done to it)
    not yet saved over `sha256`, the file the form was first made from; at the `step` it
    was posted from."""
    desk = _desk(request)
    prepared = checked.prepared
    deal = prepared.deal if prepared else None
    deal_id = prepared.sheet.deal.id if prepared else None
    sections = form(text, checked.findings)
    return _page(request, "edit.html", status, sheet=sheet, text=text, sha256=sha256,
                 encoded=encode_draft(text), sections=sections, checked=checked, deal=deal,
                 documents=documents_by_kind(deal) if deal else [], formats=FORMATS,
                 kinds=KIND_NAMES,
                 files=desk.manifest(deal_id) if deal_id else [],
                 message=in_words(message, sections), saved=saved, draft=draft,
                 focus=focus, asking=asking, step=step, missing=missing_sections(text),
                 change_files=desk.part_files(deal_id, CHANGES) if deal_id else [],
                 binders=[(part, heading, desk.part_files(deal_id, part))
                          for part, heading in _binder_parts(prepared.sheet)] if deal_id else [])


def _binder_parts(sheet: TermSheet) -> list[tuple[str, str]]:
    """The parts `dealdocs binder` writes, each with how the deal's page heads it: the
    amendment's signing's packets, then each closing's binder."""
    return [(AMENDMENT_SIGNING, "Signature packets: the amendment's signing"),
            *((closing.id, f"Binder: {closing.name}") for closing in sheet.closings)]


def _step(asked: Mapping[str, object]) -> str:
    """The step of the interview the form was posted from (`at-lenders`), if it names one:
    the page the post returns, or redirects to, opens it."""
    step = str(asked.get("step", ""))
    return step if re.fullmatch(r"at-[a-z_]+", step) else ""


def _typed(form_data: FormData) -> dict[PathKey, str]:
    """The values of the form's fields, by path: of a control that stands in front of the
    value it cannot show (a hidden input before it), the last value given, else the value
    (an unticked checkbox leaves "false"; a date left empty, the starter's FILL IN)."""
    changes: dict[PathKey, str] = {}
    for key, value in form_data.multi_items():
        if key.startswith("v:") and isinstance(value, str):
            path = parse_path(key[2:])
            if value or path not in changes:
                changes[path] = value
    return changes


def _base(sheet: Sheet, form_data: FormData) -> str:
    """The text the form's fields were made from: its draft, or the file."""
    draft = form_data.get("draft")
    return decode_draft(draft) if isinstance(draft, str) and draft else sheet.text


def _edited(base: str, form_data: FormData) -> tuple[str, str]:
    """The text with the form's values (and its list operation) applied, and the name of
    the field or list to bring into view after the operation."""
    text = set_values(base, _typed(form_data))
    operation = form_data.get("op")
    if not (isinstance(operation, str) and operation):
        return text, ""
    name, _, path = operation.partition(":")
    if name not in _OPERATIONS:
        raise SourceEditError(f"unknown operation {name!r}")
    target = parse_path(path)
    text = _OPERATIONS[name](text, target)
    if name == "add":
        target = (*target, _items(text, target) - 1)
    elif name in ("up", "down"):
        target = (*target[:-1], max(target[-1] + (1 if name == "down" else -1), 0))
    elif name == "remove":
        target = target[:-1]
    return text, format_path(target)


def _items(text: str, list_path: PathKey) -> int:
    depth = len(list_path)
    return len({path[depth] for path in scalars(text)
                if path[:depth] == list_path and len(path) > depth})


async def save(request: Request) -> Response:
    form_data = await checked_form(request)
    return await run_in_threadpool(_save, request, form_data)


def _save(request: Request, form_data: FormData) -> Response:
    """Add, remove and move change the draft, not the file; Save writes it, after asking
    when the terms have errors; a form made from an older file is refused, its typed values
    offered back beside the file's."""
    sheet = _sheet(request)
    loaded = str(form_data.get("sha256", ""))
    desk = _desk(request)
    base = _base(sheet, form_data)
    step = _step(form_data)
    try:
        text, focus = _edited(base, form_data)
    except SourceEditError as exc:
        return _editor(request, sheet, base, loaded, desk.check(sheet, base), 400, str(exc),
                       draft="Not saved.", step=step)
    action = str(form_data.get("action", "save"))
    operation = str(form_data.get("op", ""))
    checked = desk.check(sheet, text)
    if operation or action == "draft":
        done = _DONE.get(operation.partition(":")[0], "Your edits are kept")
        return _editor(request, sheet, text, loaded, checked, focus=focus, step=step,
                       draft=f"{done}; nothing is saved until you press Save.")
    if loaded != sheet.sha256:
        return _conflict(request, sheet, base, form_data)
    if checked.errors and action != "save-anyway":
        return _editor(request, sheet, text, loaded, checked, asking=True, step=step,
                       draft="Not saved yet: the terms have errors.")
    try:
        desk.save(sheet, text, loaded)
    except TermSheetError as exc:
        return _editor(request, sheet, text, loaded, checked, 400, str(exc), draft="Not saved.",
                       step=step)
    except Conflict:
        return _conflict(request, sheet, base, form_data)
    changed = _changed(sheet.text, text)
    return RedirectResponse(request.app.url_path_for("edit", sheet=sheet.name)
                            + f"?saved={changed}" + (f"&step={step}" if step else ""), 303)


_DONE = {"add": "Added", "remove": "Removed", "up": "Moved up", "down": "Moved down",
         "section": "Section added, each value to fill in"}


def _changed(before: str, after: str) -> int:
    """How many values a save changed, added or removed."""
    old, new = scalars(before), scalars(after)
    return sum(1 for path in old.keys() | new.keys()
               if path not in old or path not in new or old[path].value != new[path].value)


def _conflict(request: Request, sheet: Sheet, base: str, form_data: FormData) -> Response:
    """The refusal of a save over a newer file, with each value the user typed beside the
    file's value now, and a form that puts them into the file as it is now, as a draft."""
    was = scalars(base)
    now = scalars(sheet.text)
    sections = form(sheet.text, [])
    where = {name: node.where for name, node in placed_nodes(sections).items()}
    typed = [(format_path(path), value, was[path].value if path in was else "",
              now[path].value if path in now else None)
             for path, value in _typed(form_data).items()
             if path not in was or was[path].value != value]
    return _page(request, "conflict.html", 409, sheet=sheet, typed=typed, where=where,
                 sha256=sheet.sha256)


async def check(request: Request) -> Response:
    """The findings and derived figures of the form as it stands, unsaved (for live checks)."""
    form_data = await checked_form(request)
    return await run_in_threadpool(_check, request, form_data)


def _check(request: Request, form_data: FormData) -> Response:
    sheet = _sheet(request)
    try:
        text, _ = _edited(_base(sheet, form_data), form_data)
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
        return _page(request, "findings.html", 409, title=f"{jobs[0].title} cannot be made",
                     sheet=sheet, findings=exc.findings)
    # On screen, in the documents' own print stylesheet (and their fonts), inside a page
    # that fits a phone; a bar leads back to the deal.
    head = (f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="stylesheet" href="{_url(request, "form_file", sheet=sheet.name, file=PRINT_CSS)}">'
            f'<link rel="stylesheet" href="{_url(request, "static", path="preview.css")}">')
    bar = (f'<nav class="desk-bar" aria-label="Deal desk"><a href="'
           f'{_url(request, "edit", sheet=sheet.name)}#documents">Back to the deal</a></nav>')
    html = document.html.replace("</head>", head + "</head>", 1)
    html = re.sub(r"(<body[^>]*>)", lambda match: match.group(1) + bar, html, count=1)
    return HTMLResponse(html)


def _url(request: Request, name: str, **params: str) -> str:
    return html_escape(str(request.app.url_path_for(name, **params)))


def form_file(request: Request) -> Response:
    """The print stylesheet of the deal's forms and the fonts it names, for previews."""
    sheet = _sheet(request)
    prepared = _prepared(request, sheet)
    file = request.path_params["file"]
    if file != PRINT_CSS and not re.fullmatch(r"base/fonts/[\w.-]+\.(?:ttf|otf|woff2?)", file):
        raise HTTPException(404, "not a file of the documents' stylesheet")
    try:
        path = prepared.deal.forms.path(file)
    except FileNotFoundError:
        raise HTTPException(404, "not a file of the documents' stylesheet") from None
    return FileResponse(path, media_type="text/css" if file == PRINT_CSS else None)


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
    binders = []
    if job.step == "binder" and job.finished.is_set() and not job.error:
        prepared = _prepared(request, sheet)
        desk = _desk(request)
        binders = [(part, heading, desk.part_files(prepared.sheet.deal.id, part))
                   for part, heading in _binder_parts(prepared.sheet)]
    return _page(request, "job.html", job=job, sheet=sheet, binders=binders)


async def job_events(request: Request) -> Response:
    """Server-sent events: the build's stage and progress, then `done` when it has ended."""
    job = _job(request)

    async def events() -> AsyncIterator[str]:
        last = None
        while True:
            state = (job.stage, job.done, job.total, job.finished.is_set())
            if state != last:
                last = state
                yield ("data: " + json.dumps({"stage": job.stage, "done": job.done,
                                              "total": job.total}) + "\n\n")
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


def build_zip(request: Request) -> Response:
    """Every file of the deal's last build, as one zip."""
    sheet = _sheet(request)
    prepared = _prepared(request, sheet)
    desk = _desk(request)
    deal_id = prepared.sheet.deal.id
    files = [(entry.file, desk.output(deal_id, entry.file)) for entry in desk.manifest(deal_id)]
    if not files:
        raise HTTPException(404, f"nothing has been built for {sheet.name} yet")
    return _zip(files, f"{deal_id}.zip")


def binder_zip(request: Request) -> Response:
    """A closing's binder folder (or the amendment's signing's packets), as one zip."""
    sheet = _sheet(request)
    prepared = _prepared(request, sheet)
    closing = request.path_params["closing"]
    if closing not in {part for part, _ in _binder_parts(prepared.sheet)}:
        raise HTTPException(404, f"{sheet.name} has no closing {closing!r}")
    desk = _desk(request)
    deal_id = prepared.sheet.deal.id
    files = [(f"{closing}/{name}", desk.part_file(deal_id, closing, name))
             for name in desk.part_files(deal_id, closing)]
    if not files:
        raise HTTPException(404, f"the {closing} binder has not been built yet")
    return _zip(files, f"{deal_id}-{closing}.zip")


def _zip(files: list[tuple[str, Path]], name: str) -> Response:
    """The files in one zip, each under its name, written to a temporary file that is
    removed once sent."""
    handle, temporary = tempfile.mkstemp(suffix=".zip")
    with os.fdopen(handle, "wb") as stream, zipfile.ZipFile(stream, "w",
                                                            zipfile.ZIP_DEFLATED) as archive:
        for arcname, path in files:
            archive.write(path, arcname)
    return FileResponse(temporary, filename=name, media_type="application/zip",
                        background=BackgroundTask(os.unlink, temporary))


def changes(request: Request) -> Response:
    """A file of the last comparison (`dealdocs diff`): the report unless another is named."""
    file = request.path_params.get("file", "report.html")
    return part_download(request, CHANGES, file, f"no {file} has been written; compare first")


def binder_file(request: Request) -> Response:
    """A file of a closing's binder folder, or of the amendment's signing's packets
    (`dealdocs binder`)."""
    closing, file = request.path_params["closing"], request.path_params["file"]
    parts = _binder_parts(_prepared(request, _sheet(request)).sheet)
    if closing not in {part for part, _ in parts}:
        raise HTTPException(404, f"{request.path_params['sheet']} has no closing {closing!r}")
    return part_download(request, closing, file, f"no {file} in the {closing} binder; build "
                         "it first")


def part_download(request: Request, part: str, file: str, missing: str) -> FileResponse:
    """A file of a part of the address's deal folder (a comparison, a binder, the executed
    documents, the regenerated drafts): HTML opens in the browser, PDF and Word files
    download; 404 saying `missing` if the part has no such file."""
    prepared = _prepared(request, _sheet(request))
    try:
        path = _desk(request).part_file(prepared.sheet.deal.id, part, file)
    except NotFound:
        raise HTTPException(404, missing) from None
    return FileResponse(path, media_type="text/html" if path.suffix == ".html" else None,
                        filename=None if path.suffix == ".html" else path.name)


def conversions(request: Request) -> Response:
    return _conversions(request, _sheet(request), {})


_ASKED = ("note", "date", "principal", "interest", "index_rates", "again", "action", "entry")


async def convert(request: Request) -> Response:
    sheet = _sheet(request)
    form_data = await checked_form(request)
    asked = {key: str(form_data.get(key, "")) for key in _ASKED}
    return await run_in_threadpool(_conversions, request, sheet, asked)


def _conversions(request: Request, sheet: Sheet, asked: dict[str, str]) -> Response:
    """`dealdocs convert`, as a form: show the shares, then record (interest converted
    with it if asked, the same conversion again only when asked); a conversion of the
    history rescinded after a confirmation; every notice of the history to download."""
    desk = _desk(request)
    prepared = _prepared(request, sheet)
    deal = prepared.deal
    note = find_note(prepared, asked["note"]) if asked.get("note") else None
    if note is not None:
        # Named as the form names it, however it was given (its number, B1-01): the form
        # selects it and the history shows its entries.
        asked = {**asked, "note": note_name(note)}
    action = asked.get("action", "")
    writes = action in ("record", "rescind")
    planned, findings, build, message, history, recorded = [], [], None, "", [], []
    try:
        with opened_log(sheet.path, prepared, desk.log, desk.out, create=writes,
                        check=writes) as book:
            history = book.entries(deal.deal.id) if book else []
            if action in ("plan", "record"):
                requests = [Asked(asked["note"], asked["date"], asked["principal"],
                                  interest=asked.get("interest") == "yes",
                                  index_rates=tuple(asked.get("index_rates", "").split()),
                                  again=asked.get("again") == "yes")]
                planned = plan_conversions(prepared, requests, history)
            if action == "record" and book is not None:
                recorded = record_conversions(book, prepared, requests)
            elif action == "rescind" and book is not None:
                recorded = [record_rescission(book, prepared, asked.get("entry", ""))]
            if recorded:
                history = book.entries(deal.deal.id)
                documents = render_conversion_documents(deal, history, recorded,
                                                        [entry.note for entry in recorded])
                build = write_documents(deal, documents, FORMATS, desk.out, prepared.source,
                                        prune=False)
    except ConversionError as exc:
        findings = exc.findings
    except (LogError, DealdocsError) as exc:
        message = str(exc)
    files: dict[str, list[str]] = {}
    for entry in desk.manifest(deal.deal.id):
        files.setdefault(entry.document, []).append(entry.file)
    rescinding = next((e for e in history if action == "rescind-ask"
                       and str(e.id) == asked.get("entry")), None)
    return _page(request, "conversions.html", 200 if not (findings or message) else 409,
                 sheet=sheet, deal=deal, asked=asked, planned=planned, findings=findings,
                 build=build, message=message, recorded=recorded, rescinding=rescinding,
                 history=[e for e in history if e.note == asked.get("note") or
                          not asked.get("note")],
                 notices=_notices(deal, history, files),
                 notes=deal.notes, floating=deal.note_terms.floating_rate is not None
                 if deal.note_terms else False)


def _notices(deal, history, files: dict[str, list[str]]) -> dict[int, list[str]]:
    """The files of each conversion's filled notice that the deal's folder holds."""
    notes = {note_name(note): note for note in deal.notes}
    return {entry.id: files.get(notice_job(deal, notes[entry.note], entry).name, [])
            for entry in history if entry.kind == CONVERSION and entry.note in notes}


routes = [
    Route("/", deals, name="deals"),
    Route("/new", new_deal, methods=["POST"], name="new_deal"),
    Route("/deals/{sheet}", edit, name="edit"),
    Route("/deals/{sheet}", save, methods=["POST"], name="save"),
    Route("/deals/{sheet}/check", check, methods=["POST"], name="check"),
    Route("/deals/{sheet}/preview/{document}", preview, name="preview"),
    Route("/deals/{sheet}/forms/{file:path}", form_file, name="form_file"),
    Route("/deals/{sheet}/build", build, methods=["POST"], name="build"),
    Route("/deals/{sheet}/files/{file:path}", download, name="download"),
    Route("/deals/{sheet}/build.zip", build_zip, name="build_zip"),
    Route("/deals/{sheet}/binders/{closing}.zip", binder_zip, name="binder_zip"),
    Route("/deals/{sheet}/changes", changes, name="changes"),
    Route("/deals/{sheet}/changes/{file:path}", changes, name="change_file"),
    Route("/deals/{sheet}/binders/{closing}/{file:path}", binder_file, name="binder_file"),
    Route("/deals/{sheet}/conversions", conversions, name="conversions"),
    Route("/deals/{sheet}/conversions", convert, methods=["POST"], name="convert"),
    Route("/builds/{job:int}", job_page, name="job"),
    Route("/builds/{job:int}/events", job_events, name="job_events"),
]
