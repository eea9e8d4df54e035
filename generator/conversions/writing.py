"""Writing a conversion's documents into the deal's output folder: the one place that does.

`write_conversion_documents` is the only function of the conversions that touches the
output folder. It adds the filled forms to the deal's folder and lists them in its
manifest.json through the build's writer, never removing what another run made (earlier
notices stay). When the build's writer becomes transactional (a staging folder swapped in
under a lock), this function is what switches to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from ..build import Output, write_documents
from ..deal import Deal
from ..writers import RenderedDocument


def write_conversion_documents(deal: Deal, documents: list[RenderedDocument],
                               formats: Iterable[str], out_dir: Path, term_sheet: Path,
                               progress: Callable[[str], None] = lambda name: None
                               ) -> list[Output]:
    """Write `documents` in `formats` into `out_dir/<deal id>/` and its manifest; remove
    nothing. Files whose bytes do not change are not touched."""
    return write_documents(deal, documents, formats, out_dir, term_sheet, progress,
                           prune=False)
