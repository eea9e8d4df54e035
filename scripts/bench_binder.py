"""How long `dealdocs binder` takes, for the bundled deal and a generated deal of 60
lenders, every closing's binder each time:

- from scratch: an empty output folder, so the documents' PDFs are rendered first;
- from rendered documents: the PDFs up to date, the binders removed (what a closing
  costs after `dealdocs render`);
- nothing changed: the binders already built (best of three).

Prints figures and asserts nothing (the machines are shared and noisy). Each run is
`dealdocs binder` in a process of its own, start-up and imports included.

    make bench                                     # the bundled deal and 60 lenders
    .venv/bin/python scripts/bench_binder.py 20    # a generated deal of 20 lenders
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

# scripts/bench.py: runs a command, its wall and CPU time; it puts the checkout on sys.path.
from bench import run

from tests.helpers import AMENDMENT_1, with_lenders  # noqa: E402


def bench(name: str, sheet: Path, work: Path) -> None:
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    binder = [sys.executable, "-m", "generator", "binder", str(sheet), "--out", str(out)]
    scratch = run(binder)
    for part in (folder for deal in out.iterdir() if deal.is_dir() for folder in deal.iterdir()
                 if folder.is_dir()):
        shutil.rmtree(part)
    rendered = run(binder)
    unchanged = min((run(binder) for _ in range(3)), key=lambda r: r.wall)
    pages = sum(_pages(path) for path in out.rglob("binder.pdf"))
    print(f"\n{name}: {len(list(out.rglob('binder.pdf')))} binders, {pages} pages")
    for label, result in (("from scratch (s)", scratch), ("from rendered documents (s)", rendered),
                          ("nothing changed (s)", unchanged)):
        print(f"  {label:32} {result.wall:>8.2f}   CPU/wall {result.cpu / result.wall:>4.2f}"
              f"   peak {result.peak_mib:>6.0f} MiB")


def _pages(path: Path) -> int:
    from pypdf import PdfReader
    return len(PdfReader(path).pages)


def main() -> None:
    counts = [int(arg) for arg in sys.argv[1:]] or [6, 60]
    work = Path(tempfile.mkdtemp(prefix="dealdocs-bench-binder-"))
    try:
        for count in counts:
            sheet = work / f"{count}.yaml"
            bundled = count == 6 and len(sys.argv) == 1
            sheet.write_text(AMENDMENT_1.read_text(encoding="utf-8") if bundled
                             else with_lenders(count), encoding="utf-8")
            bench("bundled deal (6 lenders)" if bundled else f"generated deal ({count} lenders)",
                  sheet, work)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
