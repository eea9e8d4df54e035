"""How long builds take, for the bundled deal and a generated deal of 60 lenders.

Prints figures; asserts nothing (the machines are shared and noisy, so speed is not a
test). For each deal:

- a full build from nothing (every document in HTML, PDF and Word), its wall time, and
  the floor it is compared with: the writers' own time for the same files divided by
  the cores. The bundled deal's floor is measured by writing its files one after the
  other in this process; the large deal's from the times the build's own processes
  report (that costs no second build, but counts the slowdown of sharing the machine);
- the CPU time of all its processes over the wall time: above 1 when it uses more
  than one core;
- a rebuild with nothing changed (best of three), and one after one lender's
  principal changed, with the number of documents rendered again;
- the peak memory of all its processes together, sampled every 50 ms.

Then how each figure grows from the smaller deal to the larger one. Builds run
`dealdocs render` (or its library call, to read the writers' times) in a process of
their own, as a user runs them: start-up and imports are part of every figure.

    make bench                              # the bundled deal and 60 lenders
    .venv/bin/python scripts/bench.py 6 20  # generated deals of 6 and 20 lenders
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.helpers generates the large term sheets

from generator.build import default_jobs, render_documents  # noqa: E402
from generator.pipeline import prepare  # noqa: E402
from generator.writers import WRITERS  # noqa: E402
from tests.helpers import AMENDMENT_1, replace_once, with_lenders  # noqa: E402

FORMATS = ("html", "pdf", "docx")
# The library call behind `dealdocs render`, printing what the CLI does not: the
# writers' own times and the documents rendered again.
BUILD = """
import json, sys
from pathlib import Path
from generator.build import render_documents, write_documents
from generator.pipeline import prepare

if __name__ == "__main__":
    prepared = prepare(Path(sys.argv[1]))
    build = write_documents(prepared.deal, render_documents(prepared.deal),
                            ("html", "pdf", "docx"), Path(sys.argv[2]), prepared.source)
    print(json.dumps({"writers": sum(o.seconds for o in build.outputs),
                      "rendered": len(build.rendered)}))
"""


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mib: float
    output: str


def run(command: list[str]) -> Run:
    """Run `command`: its wall time, the CPU time of all its processes, and the largest
    sum of their resident memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    sampler = _Sampler(process.pid)
    sampler.start()
    output, _ = process.communicate()
    wall = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode})")
    # The command's own time exactly; its pool's processes (children of a fork server it
    # does not wait for) as last sampled.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu + sampler.descendants_cpu, sampler.peak / 2**20, output)


class _Sampler(threading.Thread):
    """Samples the CPU time and resident memory of a process's descendants every 50 ms."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()
        self.cpu: dict[int, float] = {}
        self.page, self.tick = os.sysconf("SC_PAGE_SIZE"), os.sysconf("SC_CLK_TCK")

    @property
    def descendants_cpu(self) -> float:
        return sum(seconds for pid, seconds in self.cpu.items() if pid != self.pid)

    def run(self) -> None:
        while not self.done.wait(0.05):
            stats = {}
            for entry in Path("/proc").iterdir():
                try:
                    if entry.name.isdigit():
                        fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                        stats[int(entry.name)] = [int(fields[i]) for i in (1, 11, 12, 21)]
                except (OSError, IndexError, ValueError):
                    continue
            tree, frontier = {self.pid}, {self.pid}
            while frontier:
                frontier = {pid for pid, (parent, *_) in stats.items() if parent in frontier}
                tree |= frontier
            alive = [pid for pid in tree if pid in stats]
            for pid in alive:
                self.cpu[pid] = (stats[pid][1] + stats[pid][2]) / self.tick
            self.peak = max(self.peak, sum(stats[pid][3] for pid in alive) * self.page)


def sequential_writer_seconds(sheet: Path) -> float:
    """The writers' own time for every file of `sheet`'s deal, one after the other."""
    documents = render_documents(prepare(sheet).deal)
    total = 0.0
    for name in FORMATS:
        WRITERS[name].render(documents[0])  # imports and per-process preparation
    for document in documents:
        for name in FORMATS:
            start = time.perf_counter()
            WRITERS[name].render(document)
            total += time.perf_counter() - start
    return total


def bench(name: str, sheet: Path, changed: Path, measure_floor: bool, work: Path) -> dict:
    out = work / f"out-{name}"
    shutil.rmtree(out, ignore_errors=True)
    cores = default_jobs()
    full = run([sys.executable, "-c", BUILD, str(sheet), str(out)])
    reported = json.loads(full.output)
    writers = sequential_writer_seconds(sheet) if measure_floor else reported["writers"]
    render = [sys.executable, "-m", "generator", "render", "--out", str(out)]
    unchanged = min((run([*render, str(sheet)]) for _ in range(3)), key=lambda r: r.wall)
    one = run([sys.executable, "-c", BUILD, str(changed), str(out)])
    figures = {
        "documents": len(render_documents(prepare(sheet).deal)),
        "full build (s)": full.wall,
        "floor: writers' time / cores (s)": writers / cores,
        "full build / floor": full.wall / (writers / cores),
        "CPU time / wall time": full.cpu / full.wall,
        "peak memory, all processes (MiB)": full.peak_mib,
        "no-change rebuild (s)": unchanged.wall,
        "one-lender change (s)": one.wall,
        "documents rendered again": json.loads(one.output)["rendered"],
        "one-lender change, peak memory (MiB)": one.peak_mib,
    }
    print(f"\n{name}: {figures['documents']} documents, {cores} cores, floor from "
          + ("writing each file in turn in one process" if measure_floor
             else "the times the build's processes report"))
    for label, value in figures.items():
        print(f"  {label:42} {value:>10.2f}" if isinstance(value, float)
              else f"  {label:42} {value:>10}")
    return figures


def deal_with(count: int, bundled: bool) -> tuple[str, str, str]:
    """A name, a term sheet, and the same with one lender's principal a dollar higher."""
    if bundled:
        text = AMENDMENT_1.read_text(encoding="utf-8")
        row = "  - lender: rockmore\n    additional_warrants: 0\n    principal:\n      third: "
        return ("bundled deal (6 lenders)", text,
                replace_once(text, row + "3,333,333", row + "3,333,334"))
    text = with_lenders(count)
    row = "- lender: rockmore\n  additional_warrants: '0'\n  principal:\n    third: "
    principal = int(text.split(row, 1)[1].split("\n", 1)[0].strip("'"))
    return (f"generated deal ({count} lenders)", text,
            replace_once(text, f"{row}'{principal}'", f"{row}'{principal + 1}'"))


def main() -> None:
    counts = [int(arg) for arg in sys.argv[1:]] or [6, 60]
    work = Path(tempfile.mkdtemp(prefix="dealdocs-bench-"))
    results = {}
    for count in counts:
        name, text, changed_text = deal_with(count, bundled=count == 6 and len(sys.argv) == 1)
        sheet, changed = work / f"{count}.yaml", work / f"{count}-changed.yaml"
        sheet.write_text(text, encoding="utf-8")
        changed.write_text(changed_text, encoding="utf-8")
        results[count] = bench(name, sheet, changed, measure_floor=count == counts[0], work=work)
    if len(counts) > 1:
        first, last = counts[0], counts[-1]
        print(f"\ngrowth from {first} to {last} lenders ({last / first:.0f}x the lenders)")
        for label in results[first]:
            ratio = results[last][label] / results[first][label] if results[first][label] else 0
            print(f"  {label:42} {ratio:>9.1f}x")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
