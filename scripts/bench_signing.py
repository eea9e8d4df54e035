"""How long identifying returned signature pages takes (generator/signing/identify.py):

- 200 scanned pages: the bundled deal's 19 signature pages (the amendment's 7, the
  notes' 12), each signed, scanned at 200 dpi skewed and speckled (tests/scans.py), over
  and over in a shuffled order, in one PDF of images: each page rendered and its QR code
  found;
- 200 e-signed pages: the same pages as the documents' own PDFs have them, read from their
  text layer;
- the Third Closing's closing book: each of its documents with every signature page swapped
  for its scan (generator/signing/executed.py), then the book assembled (binder/book.py).

Prints figures and asserts nothing (the machines are shared and noisy). In this process,
one core: the time to identify is the pages' alone, not the documents' rendering.

    make bench
    .venv/bin/python scripts/bench_signing.py 500     # another number of pages
"""

from __future__ import annotations

import io
import random
import sys
import time

# scripts/bench.py puts the checkout on sys.path.
import bench  # noqa: F401
from pypdf import PdfReader, PdfWriter

from generator.binder.book import closing_book
from generator.binder.contents import in_closing
from generator.binder.outside import as_pdf, read_outside
from generator.build import render_documents
from generator.pageid import identifiers
from generator.pipeline import prepare
from generator.signing.executed import executions, swap_pages
from generator.signing.identify import identify_pages
from generator.signing.tracker import track
from generator.signings import SIGNED_KINDS, signings
from generator.writers import WRITERS
from tests.helpers import AMENDMENT_1
from tests.scans import image_pdf, scanned


def _timed(pdf: bytes) -> tuple[float, float, int]:
    """Wall and CPU seconds to identify every page of `pdf`, and how many were identified."""
    wall, cpu = time.perf_counter(), time.process_time()
    found = identify_pages(pdf)
    return (time.perf_counter() - wall, time.process_time() - cpu,
            sum(page is not None for page in found))


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    prepared = prepare(AMENDMENT_1)
    documents = render_documents(prepared.deal, SIGNED_KINDS)
    pdfs = {document.name: WRITERS["pdf"].render(document) for document in documents}
    pages = [(name, index) for name, pdf in pdfs.items()
             for index, page_id in enumerate(identify_pages(pdf)) if page_id is not None]
    rng = random.Random(200)
    scans = {page: scanned(pdfs[page[0]], [page[1]], rng)[0] for page in pages}
    order = [pages[i % len(pages)] for i in range(count)]
    rng.shuffle(order)
    scanned_pdf = image_pdf(scans[page] for page in order)
    writer = PdfWriter()
    readers = {name: PdfReader(io.BytesIO(pdf)) for name, pdf in pdfs.items()}
    for name, index in order:
        writer.add_page(readers[name].pages[index])
    out = io.BytesIO()
    writer.write(out)
    print(f"\nidentifying returned signature pages ({len(pages)} distinct pages of the bundled "
          f"deal, {count} in each file)")
    for label, pdf in ((f"{count} scanned pages (200 dpi)", scanned_pdf),
                       (f"{count} e-signed pages (text layer)", out.getvalue())):
        wall, cpu, found = _timed(pdf)
        print(f"  {label:36} {wall:>7.2f} s   {wall / count * 1000:>6.1f} ms a page   "
              f"CPU/wall {cpu / wall:>4.2f}   {found} identified   "
              f"{len(pdf) / 2**20:>6.1f} MiB")
    _closing_book(prepared, documents, pdfs, scans)


def _closing_book(prepared, documents, pdfs, scans) -> None:
    deal = prepared.deal
    closing = deal.closings[0]
    every = executions(track(signings(deal, documents), documents, []), documents)
    outside = as_pdf(closing, 0, read_outside(closing, 0, prepared.source), prepared.source)
    # The returned pages as `dealdocs signed` records them, identified before: the book's
    # time is the swap and the assembly.
    returned = {document.name: {
        anchor: image_pdf([scans[(document.name, index)]])
        for (anchor, _), index in zip(identifiers(document.html).items(),
                                      [i for i, page_id in enumerate(
                                          identify_pages(pdfs[document.name]))
                                       if page_id is not None])}
        for document in documents if in_closing(document, closing)}
    wall, cpu = time.perf_counter(), time.process_time()
    executed = {name: swap_pages(pdfs[name], signed) for name, signed in returned.items()}
    book = closing_book(deal, closing, documents, executed, outside, every)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"\nthe {closing.name}'s closing book ({len(executed)} documents, every signature "
          "page swapped for its scan)")
    print(f"  {'swap and assemble':36} {wall:>7.2f} s   CPU/wall {cpu / wall:>4.2f}   "
          f"{len(PdfReader(io.BytesIO(book)).pages)} pages   {len(book) / 2**20:>6.1f} MiB")


if __name__ == "__main__":
    main()
