"""How long dealdocs' PDF writer takes beside raw WeasyPrint, on the same HTML.

The bundled deal's documents (Amendment No. 1: the amendment, Schedule A, the notes, the
conversion notices and schedules) are rendered to HTML once. Then each PDF is written, one
after the other on one core, in a fresh process of its own per side, so that neither
side's imports nor its caches help the other:

- raw WeasyPrint: `HTML(string, base_url).write_pdf(stylesheets=[print.css])`, one font
  configuration for the run, the way a careful script would call it;
- dealdocs: generator/writers/pdf.py, which adds what a closing set needs (only the
  templates' files fetched, fixed dates and identifier for byte-identical builds, the
  correction of WeasyPrint's line breaking, fonts subset by HarfBuzz).

Prints the documents, their pages, each side's seconds and the ratio; asserts nothing (the
machines are shared and noisy).

    make bench
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _documents():
    from generator.build import render_documents
    from generator.pipeline import prepare
    from tests.helpers import AMENDMENT_1
    return render_documents(prepare(AMENDMENT_1).deal)


def _raw(folder: Path) -> dict:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from generator.forms import PRINT_CSS
    stylesheet = ROOT / "templates" / PRINT_CSS
    base = stylesheet.parent.as_uri() + "/"
    started, cpu = time.perf_counter(), time.process_time()
    fonts = FontConfiguration()
    css = CSS(filename=str(stylesheet), font_config=fonts)
    pages = 0
    for path in sorted(folder.glob("*.html")):
        document = HTML(string=path.read_text(encoding="utf-8"), base_url=base).render(
            stylesheets=[css], font_config=fonts)
        pages += len(document.pages)
        document.write_pdf()
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
            "pages": pages}


def _dealdocs(_folder: Path) -> dict:
    documents = _documents()
    from pypdf import PdfReader

    from generator.writers import WRITERS
    started, cpu = time.perf_counter(), time.process_time()
    written = [WRITERS["pdf"].render(document) for document in documents]
    seconds, used = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": used,
            "pages": sum(len(PdfReader(io.BytesIO(pdf)).pages) for pdf in written)}


def _measure(side: str, folder: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, side, str(folder)], capture_output=True,
                          text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    documents = _documents()
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as name:
        folder = Path(name)
        for document in documents:
            (folder / f"{document.name}.html").write_text(document.html, encoding="utf-8")
        raw = _measure("raw", folder)
        ours = _measure("dealdocs", folder)
    print(f"\nPDF of the bundled deal's {len(documents)} documents, one core, each side in a "
          "fresh process")
    for label, figures in (("raw WeasyPrint", raw), ("dealdocs' PDF writer", ours)):
        print(f"  {label:24} {figures['seconds']:>7.2f} s   CPU {figures['cpu']:>7.2f} s   "
              f"{figures['pages']:>5} pages   "
              f"{figures['seconds'] / figures['pages'] * 1000:>6.1f} ms a page")
    print(f"  {'dealdocs / raw':24} {ours['seconds'] / raw['seconds']:>7.2f}x")


if __name__ == "__main__":
    if len(sys.argv) == 3:
        measure = {"raw": _raw, "dealdocs": _dealdocs}[sys.argv[1]]
        print(json.dumps(measure(Path(sys.argv[2]))))
    else:
        main()
