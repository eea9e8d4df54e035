"""Documents rendered before from the same sources are read back, not rendered again
(build/cache.py): what a build with nothing to do spends most of its time on."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.build import cache, render
from generator.build.render import render_documents
from generator.pipeline import prepare
from tests.helpers import AMENDMENT_2


@pytest.fixture
def own_cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "dealdocs" / "documents"


def refuse_to_render(monkeypatch) -> None:
    def fail(*args, **kwargs):
        raise AssertionError("rendered again")
    monkeypatch.setattr(render, "render_jobs", fail)


def test_the_same_sources_are_read_back_as_they_were_rendered(own_cache, monkeypatch):
    deal = prepare(AMENDMENT_2).deal
    first = render_documents(deal)
    assert len(list(own_cache.glob("*.json.gz"))) == 1
    assert os.stat(own_cache).st_mode & 0o777 == 0o700
    refuse_to_render(monkeypatch)
    assert render_documents(prepare(AMENDMENT_2).deal) == first


def test_another_term_sheet_form_or_selection_is_rendered_anew(own_cache, tmp_path,
                                                               monkeypatch):
    deal = prepare(AMENDMENT_2).deal
    render_documents(deal)
    names = {cache.digest(deal, ())}
    sheet = tmp_path / "deal.yaml"
    sheet.write_text(AMENDMENT_2.read_text(encoding="utf-8").replace(
        "  title: Amendment No. 2 to", "  title: Amendment No. 2A to", 1), encoding="utf-8")
    assert prepare(sheet).deal.deal.title.startswith("Amendment No. 2A")
    names.add(cache.digest(prepare(sheet).deal, ()))
    names.add(cache.digest(deal, ("schedule-a",)))
    forms = tmp_path / "forms" / "base"
    forms.mkdir(parents=True)
    shutil.copy(deal.forms.path("base/print.css"), forms / "print.css")
    (forms / "print.css").write_text("/* the firm's */", encoding="utf-8")
    firm = tmp_path / "firm.yaml"
    firm.write_text(AMENDMENT_2.read_text(encoding="utf-8") + "\ntemplates: forms\n",
                    encoding="utf-8")
    names.add(cache.digest(prepare(firm).deal, ()))
    assert len(names) == 4


def test_a_damaged_entry_is_rendered_again(own_cache):
    deal = prepare(AMENDMENT_2).deal
    first = render_documents(deal)
    [entry] = own_cache.glob("*.json.gz")
    entry.write_bytes(b"not gzip")
    assert render_documents(deal) == first
    entry.unlink()
    entry.symlink_to("/dev/zero")  # never read
    assert render_documents(deal) == first


def test_without_a_usable_cache_folder_documents_are_rendered(tmp_path, monkeypatch):
    (tmp_path / "cache").write_text("a file where the folder would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    deal = prepare(AMENDMENT_2).deal
    assert [d.name for d in render_documents(deal)] == ["amendment-2", "schedule-a"]


def test_only_the_last_entries_are_kept(own_cache, monkeypatch):
    monkeypatch.setattr(cache, "_KEPT", 2)
    deal = prepare(AMENDMENT_2).deal
    for only in (("amendment",), ("schedule-a",), ()):
        render_documents(deal, only)
    assert len(list(own_cache.glob("*.json.gz"))) == 2
