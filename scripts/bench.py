"""How long loading, checking and rendering the bundled term sheets take.

Prints figures; asserts nothing (the machines are shared and noisy, so speed is not a
test). Each figure is the best of several runs, which is the least noisy estimate.
"""

from __future__ import annotations

import time
from pathlib import Path

from generator.build import render_documents
from generator.pipeline import prepare
from generator.termsheet import load_term_sheet
from generator.writers import WRITERS

ROOT = Path(__file__).resolve().parent.parent
RUNS = 20


def best_of(runs: int, action) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    prepare(sorted((ROOT / "term_sheets").glob("*.yaml"))[0])  # imports and caches warm
    print(f"{'term sheet':40} {'load':>10} {'load+check':>12}")
    for path in sorted((ROOT / "term_sheets").glob("*.yaml")):
        load = best_of(RUNS, lambda: load_term_sheet(path))
        check = best_of(RUNS, lambda: prepare(path))
        print(f"{path.name:40} {load * 1000:>8.1f}ms {check * 1000:>10.1f}ms")

    deal = prepare(ROOT / "term_sheets" / "zoltek-amendment-1.yaml").deal
    documents = render_documents(deal)
    print(f"\nzoltek-amendment-1: {len(documents)} documents")
    html = best_of(3, lambda: render_documents(deal))
    print(f"  render and check every document's HTML  {html * 1000:>8.0f}ms")
    note = next(d for d in documents if d.name.startswith("note-"))
    for name, writer in WRITERS.items():
        seconds = best_of(3, lambda: writer.render(note))
        print(f"  write one note as {name:<5}                 {seconds * 1000:>8.0f}ms")


if __name__ == "__main__":
    main()
