"""Rendering: one Jinja environment per set of forms, and a document from its template to
finished HTML."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from .documents import DocumentJob
from .errors import RenderError
from .findings import Finding, Mark, Severity
from .formatting import FILTERS
from .forms import BUNDLED_FORMS, Forms
from .numbering import number_document
from .typesetting import typeset


def _refuse_none(value: Any) -> Any:
    """A value printed as "None" in a contract is always a mistake in a template."""
    if value is None:
        raise jinja2.UndefinedError("a template printed a value the term sheet leaves out "
                                    "(None); guard it with `is not none`")
    return value


def environment(forms: Forms = BUNDLED_FORMS) -> jinja2.Environment:
    """The one environment of a set of forms: their templates only, strict, escaped, our
    filters. A firm's folders come first, so a file there replaces the bundled one."""
    return _environment(forms)  # one cache entry per set of forms, however it is asked for


@cache
def _environment(forms: Forms) -> jinja2.Environment:
    env = jinja2.Environment(
        # FileSystemLoader refuses names that climb out of its folders ("../x").
        loader=jinja2.FileSystemLoader([folder.path for folder in forms.folders]),
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
        template = environment(job.forms).get_template(job.kind.template)
        html = template.render(job.context)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError([Finding("render.template-syntax", Severity.ERROR,
                                   _syntax_mark(exc, job), "",
                                   exc.message or "syntax error")]) from exc
    except (jinja2.TemplateError, AttributeError, KeyError, IndexError, TypeError, ValueError,
            ArithmeticError) as exc:
        raise RenderError([Finding("render.template", Severity.ERROR, _template_mark(exc, job),
                                   job.name, str(exc), "fix the template or the term sheet")]) from exc
    html, findings = number_document(html, job.kind.template, job.forms)
    return typeset(html), findings


def _syntax_mark(exc: jinja2.TemplateSyntaxError, job: DocumentJob) -> Mark:
    name = (exc.filename and job.forms.name_of(exc.filename)) or exc.name or job.kind.template
    return job.forms.mark(name, exc.lineno)


def _template_mark(exc: BaseException, job: DocumentJob) -> Mark:
    """The innermost template line in the traceback: where the template went wrong."""
    mark = job.forms.mark(job.kind.template)
    traceback = exc.__traceback__
    while traceback is not None:
        name = job.forms.name_of(traceback.tb_frame.f_code.co_filename)
        if name is not None:
            mark = job.forms.mark(name, traceback.tb_lineno)
        traceback = traceback.tb_next
    return mark
