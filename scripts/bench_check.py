"""How long `dealdocs check` takes on the bundled deal's amendment and one of its notes, in
each format (goal: under a second each), and how well it finds the errors tests/planted.py
plants in a copy of the amendment: recall (plants found at their place) and precision
(findings that are a plant, of those the unplanted amendment does not have). Prints
figures; asserts nothing."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.planted holds the planted errors

from generator.build import render_documents  # noqa: E402
from generator.pipeline import prepare  # noqa: E402
from generator.proofing import check_document  # noqa: E402
from generator.writers import WRITERS  # noqa: E402
from tests.helpers import AMENDMENT_1  # noqa: E402
from tests.planted import PLANTS, WORD_RENUMBERED, planted, renumbered_in_word  # noqa: E402


def best_of(runs: int, name: str, data: bytes) -> tuple[float, float]:
    """The shortest wall and CPU time of `runs` checks (the CPU time says what a shared,
    busy machine's wall time does not)."""
    times = []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        check_document(name, data)
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
    return min(t[0] for t in times), min(t[1] for t in times)


def main() -> None:
    documents = {d.name: d for d in render_documents(prepare(AMENDMENT_1).deal)}
    files = {(name, fmt): WRITERS[fmt].render(documents[name])
             for name in ("amendment-1", "note-third-omicron") for fmt in ("docx", "pdf", "html")}
    print("dealdocs check, best of 3:")
    for (name, fmt), data in files.items():
        wall, cpu = best_of(3, f"{name}.{fmt}", data)
        print(f"  {name + '.' + fmt:<24} {len(data) // 1024:>4} KB  {wall:.3f} s ({cpu:.3f} s CPU)")
    copy = planted(documents["amendment-1"])
    planted_files = {"docx": renumbered_in_word(WRITERS["docx"].render(copy), *WORD_RENUMBERED),
                     "pdf": WRITERS["pdf"].render(copy), "html": WRITERS["html"].render(copy)}
    print(f"Planted errors ({len(PLANTS)} in a copy of the amendment):")
    for fmt, data in planted_files.items():
        before = {(f.code, f.message) for f in check_document(f"a.{fmt}", files[("amendment-1", fmt)])}
        found = [f for f in check_document(f"a.{fmt}", data) if (f.code, f.message) not in before]
        hits = [f for f in found if any(plant.found_by(f) for plant in PLANTS)]
        recalled = sum(any(plant.found_by(f) for f in found) for plant in PLANTS)
        print(f"  {fmt:<5} recall {recalled}/{len(PLANTS)} = {recalled / len(PLANTS):.0%}, "
              f"precision {len(hits)}/{len(found)} = {len(hits) / max(len(found), 1):.0%}")


if __name__ == "__main__":
    main()
