"""How long a comparison takes (`make bench` runs this after the builds): the April Notes'
conversion price of the bundled deal changed from $25.51 to $24.00, then the change report
(terms, figures, the places each document changed) and the redlines of every changed
document, as HTML (the comparison itself), PDF and Word; and what keeping a version costs
on disk. Prints figures; asserts nothing."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

from generator.build import default_jobs, render_documents
from generator.build.parallel import write_all
from generator.changes.folder import change_documents
from generator.changes.report import Snapshot, change_report
from generator.deal import derive
from generator.termsheet import parse_term_sheet

ROOT = Path(__file__).resolve().parent.parent
# Without the stated warrant shares the figures are derived, so a price change is one edit.
_STATED_SHARES = re.compile(r"    warrant_shares:\n      third: [\d,]+\n      fourth: [\d,]+\n")


def snapshot(label: str, text: str) -> Snapshot:
    loaded = parse_term_sheet(text, label)
    deal = derive(loaded.sheet)
    return Snapshot(label, dt.datetime(2026, 12, 1, tzinfo=dt.UTC), loaded, deal,
                    {d.name: d for d in render_documents(deal)}, deal.forms.digests(fonts=False))


def timed(action):
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def main() -> None:
    text = _STATED_SHARES.sub("", (ROOT / "term_sheets" / "zoltek-amendment-1.yaml").read_text())
    old = snapshot("old", text)
    new = snapshot("new", text.replace("conversion_price: 25.51", "conversion_price: 24.00"))
    report, report_seconds = timed(lambda: change_report(old, new))
    documents, redline_seconds = timed(lambda: change_documents(
        report, old, new, "zoltek-amendment-1", "bench"))
    print("\nchanges (zoltek-amendment-1, April Notes' price $25.51 -> $24.00)")
    print(f"  {len(report.terms)} terms, {len(report.figures)} figures, "
          f"{len(report.documents)} of {len(new.documents)} documents changed")
    print(f"  {'change report (every document compared)':44} {report_seconds:6.2f} s")
    print(f"  {f'{len(documents) - 1} redlines as HTML':44} {redline_seconds:6.2f} s")
    for formats in (["pdf"], ["docx"]):
        jobs = [(index, document, formats[0]) for index, document in enumerate(documents)]
        _, seconds = timed(lambda: write_all(jobs, default_jobs(), lambda *_: None))
        label = f"report and redlines as {formats[0]} ({default_jobs()} cores)"
        print(f"  {label:44} {seconds:6.2f} s")
    html = sum(len(d.html.encode()) for d in new.documents.values())
    print(f"  a version's rendered text: {html / 2**20:.1f} MiB, kept gzipped, shared with "
          "earlier versions where unchanged")


if __name__ == "__main__":
    main()
