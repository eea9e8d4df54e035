"""How long loading, checking and rendering the bundled term sheets take.

Prints figures; asserts nothing (the machines are shared and noisy, so speed is not a
test). Each figure is the best of several runs, which is the least noisy estimate.
"""

from __future__ import annotations

import time
from pathlib import Path

from generator.pipeline import prepare
from generator.termsheet import load_term_sheet

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


if __name__ == "__main__":
    main()
