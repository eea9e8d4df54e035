"""How long conversions take (`make bench` runs this after the builds): one conversion
recorded with its notice and schedule written as PDF and Word, and a batch of 200 over the
bundled deal's twelve notes, recorded with HTML only and with PDF and Word. Prints figures;
asserts nothing."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from generator.build import write_documents
from generator.conversions.documents import render_conversion_documents
from generator.conversions.log import locate, open_log
from generator.conversions.record import Request, record_conversions
from generator.pipeline import prepare

ROOT = Path(__file__).resolve().parent.parent


def best_of(runs: int, action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


BATCH = 200


def convert(term_sheet: Path, requests: list[Request], formats: list[str]) -> None:
    """What `dealdocs convert --yes` does: record, then write the notices and schedules."""
    prepared = prepare(term_sheet)
    deal = prepared.deal
    with open_log(locate(term_sheet, deal.deal.id), create=True) as book:
        entries = record_conversions(book, prepared, requests)
        history = book.entries(deal.deal.id)
    documents = render_conversion_documents(deal, history, entries,
                                            [entry.note for entry in entries])
    if formats:
        write_documents(deal, documents, formats, term_sheet.parent / "output",
                        prepared.source, prune=False)


def main() -> None:
    """One conversion, then a batch of 200 over the deal's twelve notes (SQLite log)."""
    with tempfile.TemporaryDirectory() as folder:
        term_sheet = Path(shutil.copy(ROOT / "term_sheets" / "zoltek-amendment-1.yaml", folder))
        notes = [note.number for note in prepare(term_sheet).deal.notes]
        counter = iter(range(10**6))

        def one() -> None:
            convert(term_sheet, [Request("B1-01", "2006-08-01", "1,000", again=True)],
                    ["pdf", "docx"])
        one()  # the log created, templates compiled
        print("\nconversions (zoltek-amendment-1, SQLite log)")
        seconds = best_of(3, one)
        print(f"  one conversion: record, notice and schedule as PDF and Word  "
              f"{seconds * 1000:>8.0f}ms")

        def batch(formats: list[str]) -> float:
            day = next(counter)
            requests = [Request(notes[i % len(notes)], "2006-08-02", f"{1000 + day * BATCH + i}",
                                again=True) for i in range(BATCH)]
            start = time.perf_counter()
            convert(term_sheet, requests, formats)
            return time.perf_counter() - start
        recorded = batch([])
        print(f"  batch of {BATCH}: recorded, documents rendered as HTML only   "
              f"{recorded:>8.2f}s  {BATCH / recorded:>6.1f} conversions/s")
        written = batch(["pdf", "docx"])
        print(f"  batch of {BATCH}: recorded, notices and schedules as PDF and Word "
              f"{written:>6.2f}s  {BATCH / written:>6.1f} conversions/s")


if __name__ == "__main__":
    main()
