"""The PDF: WeasyPrint with the print stylesheet, fonts from the project, fixed metadata."""

from __future__ import annotations

import atexit
import functools
import hashlib
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf
from weasyprint import CSS, HTML
from weasyprint.layout import inline
from weasyprint.text.ffi import harfbuzz_subset
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .. import fonts
from ..errors import DealdocsError, RenderError
from ..findings import Finding, Severity
from ..forms import PRINT_CSS, Forms
from . import RenderedDocument


class MissingSubsetterError(DealdocsError):
    """Without it WeasyPrint subsets fonts with fontTools: 25 s instead of 1 s for a short
    document that names a lender in Chinese, and a logged warning."""

    def __init__(self) -> None:
        super().__init__("PDFs need HarfBuzz's font subsetter: install the Debian package "
                         "libharfbuzz-subset0")


class RefusedURLError(ValueError):
    """A document asked for a resource from outside its forms."""

    def __init__(self, url: str, reason: str):
        self.url = url
        super().__init__(f"refused to fetch {url}: {reason}")


class FormsOnlyFetcher(URLFetcher):
    """Fetches files of the document's forms and data: URLs, nothing else.

    WeasyPrint's default fetcher would read any URL a document names: a value such
    as <img src="file:///etc/passwd"> would put that file into the PDF, and an http
    URL would make the build depend on the network. A file is fetched by its name among
    the forms, so a firm's stylesheet that names "fonts/..." gets the bundled fonts.
    """

    def __init__(self, forms: Forms) -> None:
        # Failing loudly: a font or stylesheet that cannot be read is a broken
        # document, never something to skip with a warning.
        super().__init__(fail_on_errors=True)
        self.forms = forms

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        name = check_url(url, self.forms)
        if name is not None:
            try:
                url = self.forms.path(name).as_uri()
            except FileNotFoundError:
                pass  # fetched as named, so the error names the file that is missing
        return super().fetch(url, headers)


def check_url(url: str, forms: Forms) -> str | None:
    """The name among `forms` of the file `url` names (None for data:); RefusedURLError
    unless it is data: or a file inside one of the forms' folders."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return None
    if scheme != "file":
        raise RefusedURLError(url, "only files of the document's templates may be used")
    if parts.netloc not in ("", "localhost"):
        raise RefusedURLError(url, "a file on another host")
    # name_of() resolves symlinks and "..", so neither can lead out of the forms' folders.
    name = forms.name_of(unquote(parts.path))
    if name is None:
        raise RefusedURLError(url, f"{Path(unquote(parts.path)).resolve()} is outside the "
                                   f"templates ({', '.join(f.label for f in forms.folders)})")
    return name


def _hang_trailing_spaces(split_first_line):
    """WeasyPrint's line breaker, with the spaces at the end of a run of text hanging.

    A run of text followed by an inline element ("... prior to the <span>Original Issue
    Date</span>", "... this Section&nbsp;<a>11(d)</a>") that fits the line only without
    its trailing space is measured with it, found too wide, and broken after its first
    word: a justified line of one caption ("(4) Stock Dividends.") or a line of one word
    ("conversion") in mid-paragraph. A space at the end of a line takes no room (CSS Text:
    it hangs), so such a run fits; what follows it is then placed or broken as usual.
    """
    @functools.wraps(split_first_line)
    def split(text, style, context, max_width, justification_spacing, is_line_start=True,
              minimum=False):
        result = split_first_line(text, style, context, max_width, justification_spacing,
                                  is_line_start, minimum)
        words = text.rstrip(" \u00a0")
        if result[2] is None or max_width is None or not words or words == text:
            return result
        if split_first_line(words, style, context, max_width, justification_spacing,
                            is_line_start, minimum)[2] is not None:
            return result  # too wide even without its trailing space
        return split_first_line(text, style, context, None, justification_spacing,
                                is_line_start, minimum)
    return split


# The layout module is WeasyPrint's, one per process: corrected once, when this writer is imported.
inline.split_first_line = _hang_trailing_spaces(inline.split_first_line)


def _pdf_date(doc: RenderedDocument) -> pydyf.String:
    return pydyf.String(doc.created.strftime("D:%Y%m%d000000Z"))


@functools.cache
def _print_setup(forms: Forms) -> tuple[FormsOnlyFetcher, FontConfiguration, CSS, str]:
    """The fetcher, the fonts, the print stylesheet and its folder (the documents' base
    URL), prepared once per process and set of forms.

    Reading print.css and registering its fonts costs a fifth of a second, as much as
    writing a one-page document. Sharing them gives the same bytes as a fresh set for each
    document, because documents bring no @font-face of their own (the vocabulary of
    templates/README.md has no <style> or <link>): the configuration only ever holds
    print.css's fonts. The tests compare incremental builds, whose documents go through
    processes in varying order, with clean ones.
    """
    fonts.require_fonts()
    if harfbuzz_subset is None:
        raise MissingSubsetterError()
    fetcher = FormsOnlyFetcher(forms)
    font_config = FontConfiguration()
    stylesheet = forms.path(PRINT_CSS)
    css = CSS(filename=str(stylesheet), url_fetcher=fetcher, font_config=font_config)
    # WeasyPrint copies the fonts into a temporary folder (weasyprint-*) that it removes
    # only when the configuration is collected, and this one lasts as long as the process:
    # remove it when the process ends. (A pool process's is inside its run's temporary
    # folder, which the run removes, even when it is killed: writers/worker.py.)
    if font_config._folder is not None:
        atexit.register(shutil.rmtree, font_config._folder, ignore_errors=True)
    return fetcher, font_config, css, stylesheet.parent.as_uri() + "/"


class PdfWriter:
    def render(self, doc: RenderedDocument) -> bytes:
        fetcher, font_config, css, base_url = _print_setup(doc.forms)

        def finish(_document: object, pdf: pydyf.PDF) -> None:
            # The dates come from the term sheet, not the clock, so that the same
            # inputs give the same bytes.
            pdf.info["Title"] = pydyf.String(doc.title)
            pdf.info["Creator"] = pydyf.String("dealdocs")
            pdf.info["CreationDate"] = _pdf_date(doc)
            pdf.info["ModDate"] = _pdf_date(doc)

        try:
            html = HTML(string=doc.html, base_url=base_url, url_fetcher=fetcher)
            return html.write_pdf(
                stylesheets=[css],
                font_config=font_config,
                finisher=finish,
                pdf_identifier=hashlib.sha256(doc.identifier.encode()).hexdigest()[:32].encode(),
            )
        except FatalURLFetchingError as error:
            cause = error.__cause__
            if isinstance(cause, RefusedURLError):
                finding = ("pdf.refused-url", str(cause),
                           "documents may only use files of their templates")
            else:  # a file of the forms that cannot be read
                finding = ("pdf.fetch-failed", f"{error}: {cause}", "add the file or remove the reference")
            code, message, fix = finding
            raise RenderError([Finding(code, Severity.ERROR, None, doc.name, message, fix)]) from cause
