"""How long `dealdocs regenerate` takes (`make bench` runs this after the comparison): the
bundled deal built (Word only, which keeps its version), its amendment and one note edited
as a lawyer would (tests/negotiated.py), the terms moved (the price to $24.00, one lender's
principal), then each draft regenerated: the whole command (the term sheet checked and
rendered, or read from the cache), and the regeneration alone (base and ours written to
Word, aligned and carried into the draft). Prints figures; asserts nothing."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.build import render_documents  # noqa: E402
from generator.cli import app  # noqa: E402
from generator.pipeline import prepare  # noqa: E402
from generator.regenerate import regenerate  # noqa: E402
from generator.regenerate.draft import read_draft_file  # noqa: E402
from tests.negotiated import AMENDMENT_EDITS, NOTE_EDITS, lawyer_edits, new_terms  # noqa: E402

DEAL = "zoltek-amendment-1"
RUNS = 5


def main() -> None:
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        sheet = root / "deal.yaml"
        shutil.copy(ROOT / "term_sheets" / f"{DEAL}.yaml", sheet)
        built = runner.invoke(app, ["render", str(sheet), "--format", "docx", "--out",
                                    str(root / "out")])
        assert built.exit_code == 0, built.output
        drafts = {}
        for name, edits in (("amendment-1", AMENDMENT_EDITS),
                            ("note-third-rockmore", NOTE_EDITS)):
            drafts[name] = root / f"{name}.edited.docx"
            drafts[name].write_bytes(lawyer_edits(
                (root / "out" / DEAL / f"{name}.docx").read_bytes(), edits))
        sheet.write_text(new_terms(sheet.read_text(encoding="utf-8")), encoding="utf-8")
        print("\nregenerate (zoltek-amendment-1: price $25.51 -> $24.00, Rockmore's principal"
              " $3,333,333 -> $3,000,000; lawyers' edits kept)")
        deal = prepare(sheet).deal
        documents = render_documents(deal)
        for name, path in drafts.items():
            command = []
            for _ in range(RUNS):
                start = time.perf_counter()
                result = runner.invoke(app, ["regenerate", str(sheet), "--edited", str(path),
                                             "--out", str(root / "out")])
                command.append(time.perf_counter() - start)
                assert result.exit_code == 0, result.output
            merge = []
            for _ in range(RUNS):
                start = time.perf_counter()
                regenerated = regenerate(read_draft_file(path), documents, DEAL,
                                         root / "out" / DEAL, None, sheet,
                                         dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
                merge.append(time.perf_counter() - start)
            print(f"  {name:22} command {sorted(command)[RUNS // 2]:6.2f} s, merge "
                  f"{sorted(merge)[RUNS // 2]:6.2f} s (median of {RUNS}); "
                  f"{regenerated.report.summary}")


if __name__ == "__main__":
    main()
