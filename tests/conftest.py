from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import shutil
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from generator.build import render_documents
from generator.build.manifest import MANIFEST, Entry, Manifest
from generator.build.plan import targets
from generator.deal import Deal
from generator.documents import KIND_BY_NAME
from generator.pipeline import prepare
from generator.textextract import pdf_pages, text_of_docx, text_of_html, text_of_pages
from generator.writers import WRITERS, RenderedDocument
from tests.helpers import AMENDMENT_1
from tests.layout import headings_of, problems_in


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--every-page", action="store_true",
                     help="tests/test_page_check.py reads every bundled document, not one of "
                          "each per-lender kind per closing (make pagecheck)")


Output = tuple[str, list[str], bytes]
"""A document in one format: its text, for a PDF its layout problems, and its bytes."""


@pytest.fixture(scope="session", autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The rendered documents dealdocs keeps between runs (build/cache.py) go into the
    run's folder, not the user's ~/.cache; commands the tests start inherit it."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def amendment_1_text() -> str:
    return AMENDMENT_1.read_text(encoding="utf-8")


@pytest.fixture
def write_sheet(tmp_path):
    """Write term-sheet text to a file named `deal.yaml` and return its path."""
    def write(text: str, name: str = "deal.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path
    return write



def _text_of(job: tuple[str, RenderedDocument]) -> Output:
    """One document in one format: its text, its bytes, and for a PDF its page-layout
    problems (tests/layout.py); run in a worker process."""
    name, document = job
    data = WRITERS[name].render(document)
    if name == "pdf":  # the text is read once, for both
        pages = pdf_pages(data)
        return text_of_pages(pages), problems_in(pages, headings_of(document.html)), data
    extract = {"html": text_of_html, "docx": text_of_docx}[name]
    return extract(data), [], data


PER_LENDER_KINDS = ("note", "conversion-notice", "conversion-schedule")


def laid_out_once(deal: Deal, documents: list[RenderedDocument]) -> set[str]:
    """The documents whose PDF the leak and layout tests read: every document but the
    per-lender ones, of which one of each kind per closing, the one with the most text.
    Those of one closing are one template filled for each lender: they lay out alike
    except where the lender's values are longer (the amount in words, the name), and
    their text is read in every document's HTML and Word file; test_render checks, kind
    by kind, that the three formats hold the same words."""
    closing_of = {KIND_BY_NAME[kind].stem(deal, note): (kind, note.closing.id)
                  for kind in PER_LENDER_KINDS for note in deal.notes}
    longest: dict[tuple[str, str], tuple[int, str]] = {}
    for document in documents:
        if document.name in closing_of:
            group = closing_of[document.name]
            longest[group] = max(longest.get(group, (0, "")),
                                 (len(text_of_html(document.html)), document.name))
    return ({document.name for document in documents if document.name not in closing_of}
            | {name for _, name in longest.values()})


class Bundled:
    """The bundled term sheets' documents rendered once per test run, over the cores, and
    shared by every test and every parallel worker (pytest-xdist): each worker reads what
    another has already made from a folder of the run, and makes what is missing while it
    holds that folder's lock. `texts` and `layout_problems` cover every document in HTML
    and Word and those `laid_out_once` in PDF; `deal_folder` makes a deal folder from every
    document's files (for the binder's and the incremental build's tests)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.cache: dict[Path, dict[tuple[str, str], Output]] = {}

    def deal_folder(self, term_sheet: Path, out: Path, formats: tuple[str, ...] = ("pdf",)
                    ) -> Path:
        """`out/<deal id>/` as `dealdocs render --format FORMATS` leaves it (the files and a
        manifest that finds them up to date), from this run's files."""
        prepared = prepare(term_sheet)
        documents = render_documents(prepared.deal)
        outputs = self._outputs(term_sheet, {(d.name, name) for d in documents
                                             for name in formats})
        folder = out / prepared.deal.deal.id
        folder.mkdir(parents=True)
        entries = []
        for target in targets(documents, formats):
            data = outputs[(target.document.name, target.format)][2]
            (folder / target.file).write_bytes(data)
            entries.append(Entry(target.document.name, target.document.kind, target.format,
                                 target.file, hashlib.sha256(data).hexdigest(), target.inputs))
        (folder / MANIFEST).write_bytes(Manifest(term_sheet.name, prepared.source.sha256,
                                                 tuple(entries)).to_bytes())
        return folder

    def texts(self, term_sheet: Path) -> dict[tuple[str, str], str]:
        return {key: text for key, (text, _, _) in self._read(term_sheet).items()}

    def files(self, term_sheet: Path) -> dict[tuple[str, str], bytes]:
        """The bytes of the documents `texts` covers, by (document, format)."""
        return {key: data for key, (_, _, data) in self._read(term_sheet).items()}

    def every_file(self, term_sheet: Path, format: str) -> dict[str, bytes]:
        """Every document's file in `format`, by document (for the PDF, more than `files`)."""
        documents = render_documents(prepare(term_sheet).deal)
        return {document: data for (document, _), (_, _, data) in self._outputs(
            term_sheet, {(d.name, format) for d in documents}).items()}

    def layout_problems(self, term_sheet: Path) -> dict[str, list[str]]:
        return {document: problems for (document, name), (_, problems, _)
                in self._read(term_sheet).items() if name == "pdf"}

    def _read(self, term_sheet: Path) -> dict[tuple[str, str], Output]:
        deal = prepare(term_sheet).deal
        documents = render_documents(deal)
        once = laid_out_once(deal, documents)
        return self._outputs(term_sheet, {(d.name, name) for d in documents for name in WRITERS
                                          if name != "pdf" or d.name in once})

    def _outputs(self, term_sheet: Path, wanted: set[tuple[str, str]]
                 ) -> dict[tuple[str, str], Output]:
        cache = self.cache.setdefault(term_sheet, {})
        if not wanted <= cache.keys():
            stored = self.folder / f"{term_sheet.stem}.pickle"
            with (self.folder / ".lock").open("a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
                if stored.exists():
                    cache.update(pickle.loads(stored.read_bytes()))
                missing = wanted - cache.keys()
                if missing:
                    documents = {d.name: d for d in render_documents(prepare(term_sheet).deal)}
                    jobs = [(name, documents[document]) for document, name in sorted(missing)]
                    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
                        made = list(pool.map(_text_of, jobs, chunksize=4))
                    cache.update({(document.name, name): output
                                  for (name, document), output in zip(jobs, made)})
                    stored.write_bytes(pickle.dumps(cache))
        return {key: cache[key] for key in wanted}


@pytest.fixture(scope="session")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Bundled:
    # Under pytest-xdist each worker has a folder of its own in the run's folder.
    run = tmp_path_factory.getbasetemp()
    folder = (run.parent if os.environ.get("PYTEST_XDIST_WORKER") else run) / "bundled"
    folder.mkdir(exist_ok=True)
    return Bundled(folder)


@pytest.fixture(scope="session")
def bundled_binder(bundled: Bundled, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """OUT/ with the bundled Amendment No. 1's PDFs (this run's) and what `dealdocs binder
    --closing third` makes of them: the Third Closing's binder and the amendment's signing's
    packets. Shared: a test that changes it works on a copy."""
    from typer.testing import CliRunner

    from generator.cli import app
    out = tmp_path_factory.mktemp("binder")
    bundled.deal_folder(AMENDMENT_1, out)
    result = CliRunner().invoke(app, ["binder", str(AMENDMENT_1), "--closing", "third",
                                      "--out", str(out)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "rendered again" not in result.output  # the PDFs of the run were used
    return out


@pytest.fixture(scope="session")
def bundled_texts(bundled: Bundled) -> Callable[[Path], dict[tuple[str, str], str]]:
    """The text of every document of a bundled term sheet in every format, keyed by
    (document, format)."""
    return bundled.texts


@pytest.fixture(scope="session")
def libreoffice_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's LibreOffice user profile, made by a first run, its Basic library holding
    tests/fixtures/settle.xba."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed (Debian: libreoffice-writer-nogui)")
    profile = tmp_path_factory.mktemp("libreoffice-profile")
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--terminate_after_init"], capture_output=True, timeout=300, check=True)
    # The module replaces the empty one of the profile's own Standard library.
    shutil.copyfile(Path(__file__).parent / "fixtures" / "settle.xba",
                    profile / "user" / "basic" / "Standard" / "Module1.xba")
    return profile


@pytest.fixture(scope="session")
def libreoffice(libreoffice_profile: Path, tmp_path_factory: pytest.TempPathFactory
                ) -> Callable[[dict[str, bytes]], dict[str, bytes]]:
    """Converts Word files to PDF with LibreOffice, all of one call in one soffice run
    (which updates fields as it lays the documents out)."""
    profile = libreoffice_profile

    def convert(files: dict[str, bytes]) -> dict[str, bytes]:
        folder = tmp_path_factory.mktemp("converted")
        for name, data in files.items():
            (folder / name).write_bytes(data)
        subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(folder),
                        *(str(folder / name) for name in files)],
                       capture_output=True, timeout=600, check=True)
        return {Path(name).with_suffix(".pdf").name:
                (folder / Path(name).with_suffix(".pdf").name).read_bytes() for name in files}

    return convert


@pytest.fixture(scope="session")
def settle_in_libreoffice(libreoffice_profile: Path, tmp_path_factory: pytest.TempPathFactory
                          ) -> Callable[[dict[str, tuple[str, bytes, str]]], dict[str, bytes]]:
    """Word files with every tracked change accepted or rejected by LibreOffice's own Accept
    All / Reject All: `{name: (how, docx, format)}`, how "accept" or "reject", format "pdf"
    or "txt" (UTF-8), to `{name: the result}`; all of one call in one soffice run."""
    def settle(jobs: dict[str, tuple[str, bytes, str]]) -> dict[str, bytes]:
        folder = tmp_path_factory.mktemp("settled")
        lines = []
        for name, (how, data, format) in jobs.items():
            (folder / f"{name}.docx").write_bytes(data)
            lines.append(f"{how}|{folder / name}.docx|{folder / name}.{format}|{format}")
        (folder / "jobs.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        subprocess.run(["soffice", f"-env:UserInstallation={libreoffice_profile.as_uri()}",
                        "--headless", f'macro:///Standard.Module1.Process("{folder / "jobs.txt"}")'],
                       capture_output=True, timeout=600, check=True)
        return {name: (folder / f"{name}.{format}").read_bytes()
                for name, (_, _, format) in jobs.items()}

    return settle


@pytest.fixture(scope="session")
def postgres_database() -> str:
    """A database on a PostgreSQL server the tests start themselves (tests/postgres.py);
    skipped, with the reason, only where no server can be started."""
    from tests import postgres
    reason = postgres.unavailable()
    if reason:
        pytest.skip(reason)
    with postgres.server() as url:
        yield postgres.new_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def log_place(request, tmp_path) -> Callable[[], str]:
    """A function that returns an empty place for a conversion log each time it is called:
    an SQLite file that does not exist yet, or the URL of a PostgreSQL database emptied of
    every table. Tests that take it run against both databases."""
    if request.param == "sqlite":
        counter = iter(range(1_000_000))
        return lambda: str(tmp_path / f"log-{next(counter)}.sqlite")
    url = request.getfixturevalue("postgres_database")

    def empty() -> str:
        import sqlalchemy as sa
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"),
                                  poolclass=sa.pool.NullPool)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        engine.dispose()
        return url
    return empty


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright: one for the whole session, shared by
    every browser test of the desk (each opens contexts of its own)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                              headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A tab of the session's browser, 1280 px wide, that keeps downloads and answers yes
    when a page asks "leave the page?" (pytest-playwright's name for it)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.on("dialog", lambda dialog: dialog.accept())
    yield tab
    context.close()


@pytest.fixture(scope="session")
def interview_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The desk of the interview's browser tests, over a folder of its own, served on a
    free port: its address and the folder."""
    from tests.helpers import served_desk
    root = tmp_path_factory.mktemp("interview")
    sheets = root / "term_sheets"
    sheets.mkdir()
    with served_desk(sheets, root / "output") as address:
        yield address, sheets


@pytest.fixture
def interview_sheet(interview_desk: tuple[str, Path]) -> Path:
    """The bundled term sheet, as written, in the interview desk's folder, for each test."""
    path = interview_desk[1] / AMENDMENT_1.name
    path.write_text(AMENDMENT_1.read_text(encoding="utf-8"), encoding="utf-8")
    return path
