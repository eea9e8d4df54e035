"""Rendering: one Jinja environment, and a document from its template to finished HTML."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from .documents import DocumentJob
from .errors import RenderError
from .findings import Finding, Mark, Severity
from .formatting import FILTERS
from .numbering import number_document
from .templates import TEMPLATES_DIR
from .typesetting import typeset


def _refuse_none(value: Any) -> Any:
    """A value printed as "None" in a contract is always a mistake in a template."""
    if value is None:
        raise jinja2.UndefinedError("a template printed a value the term sheet leaves out "
                                    "(None); guard it with `is not none`")
    return value


@cache
def environment() -> jinja2.Environment:
    """The one environment: the project's templates only, strict, escaped, our filters."""
    env = jinja2.Environment(
        # FileSystemLoader refuses names that climb out of templates/ ("../x").
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        # Compiling the templates takes most of a second, longer than rendering every
        # document of a deal; compiled code is kept in the user's own temporary folder
        # (Jinja checks that it is theirs and not writable by others) and recompiled
        # whenever a template's source changes.
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        finalize=_refuse_none,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


def render_html(job: DocumentJob) -> tuple[str, list[Finding]]:
    """Render one document: template, then numbering and references, then the typesetting
    both writers share (generator/typesetting.py). Findings, not blanks."""
    try:
        template = environment().get_template(job.kind.template)
        html = template.render(job.context)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError([Finding("render.template-syntax", Severity.ERROR,
                                   Mark(f"templates/{exc.name or job.kind.template}",
                                        exc.lineno), "", exc.message or "syntax error")]) from exc
    except (jinja2.TemplateError, AttributeError, KeyError, IndexError, TypeError, ValueError,
            ArithmeticError) as exc:
        raise RenderError([Finding("render.template", Severity.ERROR, _template_mark(exc, job),
                                   job.name, str(exc), "fix the template or the term sheet")]) from exc
    html, findings = number_document(html, job.kind.template)
    return typeset(html), findings


def _template_mark(exc: BaseException, job: DocumentJob) -> Mark:
    """The innermost template line in the traceback: where the template went wrong."""
    mark = Mark(f"templates/{job.kind.template}", 1)
    traceback = exc.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.startswith(str(TEMPLATES_DIR)):
            mark = Mark("templates/" + filename[len(str(TEMPLATES_DIR)) + 1:], traceback.tb_lineno)
        traceback = traceback.tb_next
    return mark
