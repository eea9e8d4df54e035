from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from generator.build import render_documents
from generator.pipeline import prepare
from generator.textextract import text_of_docx, text_of_html, text_of_pdf
from generator.writers import WRITERS, RenderedDocument
from tests.helpers import AMENDMENT_1


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



def _text_of(job: tuple[str, RenderedDocument]) -> str:
    """The text of one document in one format (run in a worker process)."""
    name, document = job
    data = WRITERS[name].render(document)
    extract = {"html": text_of_html, "pdf": text_of_pdf, "docx": text_of_docx}[name]
    return extract(data)


@pytest.fixture(scope="session")
def bundled_texts() -> Callable[[Path], dict[tuple[str, str], str]]:
    """The text of every document of a bundled term sheet in every format, keyed by
    (document, format); each term sheet is rendered once per session, over the cores."""
    cache: dict[Path, dict[tuple[str, str], str]] = {}

    def texts(term_sheet: Path) -> dict[tuple[str, str], str]:
        if term_sheet not in cache:
            documents = render_documents(prepare(term_sheet).deal)
            jobs = [(name, document) for document in documents for name in WRITERS]
            with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
                extracted = list(pool.map(_text_of, jobs))
            cache[term_sheet] = {(document.name, name): text
                                 for (name, document), text in zip(jobs, extracted)}
        return cache[term_sheet]

    return texts


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
