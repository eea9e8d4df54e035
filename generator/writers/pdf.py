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
from weasyprint.text.ffi import harfbuzz_subset
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .. import fonts
from ..errors import DealdocsError, RenderError
from ..findings import Finding, Severity
from ..templates import TEMPLATES_DIR
from . import BASE_DIR, PRINT_CSS, RenderedDocument


class MissingSubsetterError(DealdocsError):
    """Without it WeasyPrint subsets fonts with fontTools: 25 s instead of 1 s for a short
    document that names a lender in Chinese, and a logged warning."""

    def __init__(self) -> None:
        super().__init__("PDFs need HarfBuzz's font subsetter: install the Debian package "
                         "libharfbuzz-subset0")


class RefusedURLError(ValueError):
    """A document asked for a resource from outside templates/."""

    def __init__(self, url: str, reason: str):
        self.url = url
        super().__init__(f"refused to fetch {url}: {reason}")


class TemplatesOnlyFetcher(URLFetcher):
    """Fetches files inside templates/ and data: URLs, nothing else.

    WeasyPrint's default fetcher would read any URL a document names: a value such
    as <img src="file:///etc/passwd"> would put that file into the PDF, and an http
    URL would make the build depend on the network.
    """

    def __init__(self) -> None:
        # Failing loudly: a font or stylesheet that cannot be read is a broken
        # document, never something to skip with a warning.
        super().__init__(fail_on_errors=True)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        check_url(url)
        return super().fetch(url, headers)


def check_url(url: str) -> None:
    """Raise RefusedURLError unless `url` is data: or a file inside templates/."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return
    if scheme != "file":
        raise RefusedURLError(url, "only files inside templates/ may be used")
    if parts.netloc not in ("", "localhost"):
        raise RefusedURLError(url, "a file on another host")
    # resolve() follows symlinks and "..", so neither can lead out of templates/.
    path = Path(unquote(parts.path)).resolve()
    if not path.is_relative_to(TEMPLATES_DIR.resolve()):
        raise RefusedURLError(url, f"{path} is outside {TEMPLATES_DIR}")


def _pdf_date(doc: RenderedDocument) -> pydyf.String:
    return pydyf.String(doc.created.strftime("D:%Y%m%d000000Z"))


@functools.cache
def _print_setup() -> tuple[TemplatesOnlyFetcher, FontConfiguration, CSS]:
    """The fetcher, the fonts and the print stylesheet, prepared once per process.

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
    fetcher = TemplatesOnlyFetcher()
    font_config = FontConfiguration()
    css = CSS(filename=str(PRINT_CSS), url_fetcher=fetcher, font_config=font_config)
    # WeasyPrint copies the fonts into a temporary folder (weasyprint-*) that it removes
    # only when the configuration is collected, and this one lasts as long as the process:
    # remove it when the process ends. (A pool process's is inside its run's temporary
    # folder, which the run removes, even when it is killed: writers/worker.py.)
    if font_config._folder is not None:
        atexit.register(shutil.rmtree, font_config._folder, ignore_errors=True)
    return fetcher, font_config, css


class PdfWriter:
    def render(self, doc: RenderedDocument) -> bytes:
        fetcher, font_config, css = _print_setup()

        def finish(_document: object, pdf: pydyf.PDF) -> None:
            # The dates come from the term sheet, not the clock, so that the same
            # inputs give the same bytes.
            pdf.info["Title"] = pydyf.String(doc.title)
            pdf.info["Creator"] = pydyf.String("dealdocs")
            pdf.info["CreationDate"] = _pdf_date(doc)
            pdf.info["ModDate"] = _pdf_date(doc)

        try:
            html = HTML(string=doc.html, base_url=BASE_DIR.as_uri() + "/", url_fetcher=fetcher)
            return html.write_pdf(
                stylesheets=[css],
                font_config=font_config,
                finisher=finish,
                pdf_identifier=hashlib.sha256(doc.identifier.encode()).hexdigest()[:32].encode(),
            )
        except FatalURLFetchingError as error:
            cause = error.__cause__
            if isinstance(cause, RefusedURLError):
                finding = ("pdf.refused-url", str(cause), "documents may only use files inside templates/")
            else:  # a file inside templates/ that cannot be read
                finding = ("pdf.fetch-failed", f"{error}: {cause}", "add the file or remove the reference")
            code, message, fix = finding
            raise RenderError([Finding(code, Severity.ERROR, None, doc.name, message, fix)]) from cause
