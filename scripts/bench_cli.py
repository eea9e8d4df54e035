"""How quickly `dealdocs` answers (`make bench` runs this after the builds): `--help`,
`--version`, `validate` of the bundled term sheet and `render` with nothing to do (after a
first render into a temporary folder), each in a new process as a user runs it, with the
best and the median wall time of N runs beside the time each should stay under; then what
`--help` spends its imports on (cumulative, from `python -X importtime`, the best of N
runs). Prints figures; asserts nothing (the machines are shared and noisy).

    make bench                           # 10 runs of each
    .venv/bin/python scripts/bench_cli.py 30
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHEET = ROOT / "term_sheets" / "zoltek-amendment-1.yaml"
DEALDOCS = [sys.executable, "-m", "generator"]
TOP_IMPORTS = 15


def wall_times(arguments: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*DEALDOCS, *arguments], cwd=ROOT, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return times


def import_times(arguments: list[str], runs: int) -> dict[str, float]:
    """Each module's cumulative import time in seconds, the best of `runs`."""
    best: dict[str, float] = {}
    for _ in range(runs):
        report = subprocess.run([sys.executable, "-X", "importtime", *DEALDOCS[1:], *arguments],
                                cwd=ROOT, capture_output=True, text=True, check=True).stderr
        for line in report.splitlines():
            if line.startswith("import time:") and "|" in line:
                _, cumulative, name = line.removeprefix("import time:").split("|")
                if cumulative.strip().isdigit():
                    seconds = int(cumulative) / 1e6
                    best[name.strip()] = min(best.get(name.strip(), seconds), seconds)
    return best


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    out = Path(tempfile.mkdtemp(prefix="dealdocs-bench-cli-"))
    try:
        subprocess.run([*DEALDOCS, "render", str(SHEET), "--out", str(out)], cwd=ROOT,
                       stdout=subprocess.DEVNULL, check=True)
        commands = {
            "dealdocs --help": (["--help"], 0.3),
            "dealdocs --version": (["--version"], 0.3),
            f"dealdocs validate {SHEET.name}": (["validate", str(SHEET)], None),
            "dealdocs render, nothing to do": (["render", str(SHEET), "--out", str(out)], 0.8),
        }
        print(f"\ncommand line: wall time of a new process, {runs} runs "
              "(best, median, and what it should stay under)")
        for label, (arguments, budget) in commands.items():
            times = wall_times(arguments, runs)
            under = f"{budget:6.2f} s" if budget else ""
            print(f"  {label:44} {min(times):6.2f} s {statistics.median(times):6.2f} s {under}")
    finally:
        shutil.rmtree(out)
    best = import_times(["--help"], runs)
    print(f"\nimports of dealdocs --help, the largest (cumulative, best of {runs} runs)")
    for name, seconds in sorted(best.items(), key=lambda item: -item[1])[:TOP_IMPORTS]:
        print(f"  {name:44} {seconds * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
