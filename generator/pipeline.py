"""The stages in order: load, check references, derive, check figures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .binder.contents import check_party_ids, check_tabs
from .binder.outside import check_outside_documents
from .checks import check_figures, check_references
from .deal import Deal, derive
from .findings import Finding, errors, sort_key
from .forms import Forms, forms_for
from .loader import SourceMap
from .model import TermSheet
from .signings import check_signed_by
from .termsheet import LoadedTermSheet, load_term_sheet, parse_term_sheet


@dataclass(frozen=True)
class Prepared:
    """A loaded term sheet, its derived deal (None if references do not resolve) and findings."""

    sheet: TermSheet
    source: SourceMap
    deal: Deal | None
    findings: list[Finding]
    forms: Forms
    """The templates the deal is written with: the bundled ones, and the firm's over them."""

    def blocking(self, strict: bool = False) -> list[Finding]:
        """The findings that stop a run: errors, and with `strict` warnings too."""
        return list(self.findings) if strict else errors(self.findings)


def prepare(path: Path) -> Prepared:
    """Load and check a term sheet; TermSheetError if it cannot even be read and typed."""
    return _checked(load_term_sheet(path))


def prepare_text(text: str, name: str) -> Prepared:
    """Load and check term-sheet text not (yet) saved, such as a form being edited; `name`
    is the file it would be saved as. TermSheetError if it cannot be read and typed."""
    return _checked(parse_term_sheet(text, name))


def _checked(loaded: LoadedTermSheet) -> Prepared:
    forms, findings = forms_for(Path(loaded.source.file), loaded.source, loaded.sheet.templates)
    findings += check_references(loaded.sheet, loaded.source, forms)
    # The binder's: its files, its packets' names and who signs its outside documents,
    # before anything is built.
    findings += [*check_outside_documents(loaded.sheet, loaded.source),
                 *check_party_ids(loaded.sheet, loaded.source),
                 *check_signed_by(loaded.sheet, loaded.source)]
    deal = None
    if not errors(findings):
        deal = derive(loaded.sheet, forms)
        findings += check_figures(loaded.sheet, deal, loaded.source)
        findings += check_tabs(loaded.sheet, deal, loaded.source)
    return Prepared(loaded.sheet, loaded.source, deal, sorted(findings, key=sort_key), forms)
