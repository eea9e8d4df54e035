"""A firm's own forms (issue 17): a folder named by a term sheet overrides a clause, the
print stylesheet and the house style for that deal alone; the build renders again what
they change, `diff` names them, and a mistake in them is found at the firm's own line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pytest
from docx.shared import Pt
from pypdf import PdfReader
from typer.testing import CliRunner

from generator.build import Reason, Status, render_documents, write_documents
from generator.changes.versions import Keeping, read_versions
from generator.cli import app
from generator.errors import RenderError
from generator.forms import BUNDLED_DIR, HOUSE_STYLE, PRINT_CSS, FormsError, copy_forms
from generator.pipeline import prepare
from tests.helpers import AMENDMENT_1, ROOT

FIRM_DEAL = ROOT / "term_sheets" / "halvorsen-amendment-1.yaml"
LAID_OUT = ("amendment-1", "schedule-a")
"""The documents written as PDF and Word here (every document is written as HTML)."""
BUNDLED_WORDING = "negotiation and entering into of this Amendment."
FIRM_WORDING = "negotiation, execution and delivery of this Amendment."
BODY_SIZE = re.compile(r"(html \{[^}]*?font-size:\s*)12pt")

runner = CliRunner()


def build(term_sheet: Path, out: Path, *, keep: bool = True) -> list:
    """Every document as HTML (kept as a version), the amendment and Schedule A as PDF and
    Word too; the outputs of both builds."""
    prepared = prepare(term_sheet)
    assert prepared.deal is not None, prepared.findings
    documents = render_documents(prepared.deal)
    html = write_documents(prepared.deal, documents, ("html",), out, prepared.source,
                           keep=Keeping(prepared, documents) if keep else None)
    laid_out = write_documents(prepared.deal, [d for d in documents if d.name in LAID_OUT],
                               ("pdf", "docx"), out, prepared.source, prune=False)
    return [*html.outputs, *laid_out.outputs]


def rebuilt(outputs: list) -> dict[tuple[str, str], Reason | None]:
    return {(o.document, o.format): o.reason for o in outputs if o.status is not Status.UP_TO_DATE}


def font_sizes(pdf: Path) -> set[float]:
    """The sizes, in points, of the text on the first page (WeasyPrint sets text in CSS
    pixels, three quarters of a point, under a scaled matrix)."""
    sizes: set[float] = set()
    PdfReader(pdf).pages[0].extract_text(
        visitor_text=lambda text, cm, tm, font, size: sizes.add(round(size * tm[0] * 0.75, 1))
        if text.strip() else None)
    return sizes


def override_clause(forms: Path) -> None:
    clause = (BUNDLED_DIR / "clauses/miscellaneous.html.j2").read_text(encoding="utf-8")
    assert BUNDLED_WORDING in clause
    (forms / "clauses").mkdir(parents=True, exist_ok=True)
    (forms / "clauses/miscellaneous.html.j2").write_text(
        clause.replace(BUNDLED_WORDING, FIRM_WORDING), encoding="utf-8")


def override_stylesheet(forms: Path) -> None:
    """The body's font size."""
    css, found = BODY_SIZE.subn(r"\g<1>13pt", (BUNDLED_DIR / PRINT_CSS).read_text(encoding="utf-8"))
    assert found == 1
    (forms / "base").mkdir(parents=True, exist_ok=True)
    (forms / PRINT_CSS).write_text(css, encoding="utf-8")


def override_house_style(forms: Path) -> None:
    """Heading 1, the style of a document's centred headings."""
    style = docx.Document(str(BUNDLED_DIR / HOUSE_STYLE))
    style.styles["Heading 1"].font.size = Pt(15)
    (forms / "base").mkdir(parents=True, exist_ok=True)
    style.save(str(forms / HOUSE_STYLE))


def write_firm_forms(forms: Path) -> None:
    for override in (override_clause, override_stylesheet, override_house_style):
        override(forms)


@pytest.fixture(scope="module")
def deals(tmp_path_factory) -> tuple[Path, Path, Path]:
    """Two deals in one folder; the first will name a folder of forms."""
    folder = tmp_path_factory.mktemp("deals")
    firm, other = folder / "firm.yaml", folder / "other.yaml"
    shutil.copy(FIRM_DEAL, firm)
    shutil.copy(AMENDMENT_1, other)
    return folder, firm, other


@pytest.fixture(scope="module")
def builds(deals) -> tuple[Path, dict[str, tuple[list, list]]]:
    """Both deals built, then built again after each override in turn: the outputs of the
    two builds (the firm's deal's, the other's) by step."""
    folder, firm, other = deals
    out = folder / "output"
    steps = {"first": build(firm, out), "other first": build(other, out)}
    firm.write_text(firm.read_text(encoding="utf-8") + "\ntemplates: forms\n", encoding="utf-8")
    for override in (override_clause, override_stylesheet, override_house_style):
        override(folder / "forms")
        steps[override.__name__] = build(firm, out)
    steps["other after"] = build(other, out)
    return out, steps


def test_each_override_renders_again_exactly_what_it_changes_for_that_deal_alone(deals, builds):
    out, steps = builds
    assert all(o.status is Status.CREATED for o in steps["first"] + steps["other first"])
    everything = {(o.document, o.format) for o in steps["first"]}
    # The clause: the one document that has it, in every format.
    assert rebuilt(steps["override_clause"]) == {
        ("amendment-1", kind): Reason.DOCUMENT for kind in ("html", "pdf", "docx")}
    # The stylesheet: every PDF, and every HTML file, whose preview carries it; no Word file.
    assert rebuilt(steps["override_stylesheet"]) == {
        key: Reason.WRITER for key in everything if key[1] != "docx"}
    # The house style: every Word file, nothing else.
    assert rebuilt(steps["override_house_style"]) == {
        key: Reason.WRITER for key in everything if key[1] == "docx"}
    assert rebuilt(steps["other after"]) == {}, "the other deal has no forms of its own"

    firm_id = prepare(deals[1]).deal.deal.id
    amendment = (out / firm_id / "amendment-1.html").read_text(encoding="utf-8")
    assert FIRM_WORDING in " ".join(amendment.split())
    other = (out / "zoltek-amendment-1" / "amendment-1.html").read_text(encoding="utf-8")
    assert BUNDLED_WORDING in " ".join(other.split())
    assert font_sizes(out / firm_id / "amendment-1.pdf") == {12, 13}, "body 13pt, title 12pt"
    assert font_sizes(out / "zoltek-amendment-1" / "amendment-1.pdf") == {12}
    assert docx.Document(str(out / firm_id / "amendment-1.docx")).styles[
        "Heading 1"].font.size == Pt(15)
    assert docx.Document(str(out / "zoltek-amendment-1" / "amendment-1.docx")).styles[
        "Heading 1"].font.size != Pt(15)


def test_the_kept_versions_and_diff_name_the_forms_that_changed(deals, builds):
    out = builds[0]
    folder, firm, _ = deals
    deal_folder = out / prepare(firm).deal.deal.id
    assert [v.summary for v in read_versions(deal_folder)[1:]] == [
        "Templates not stated -> forms; forms changed: clauses/miscellaneous.html.j2; "
        "documents: 1 changed",
        "no term changed; forms changed: base/print.css; documents: none changed",
        "no term changed; forms changed: base/house-style.docx; documents: none changed"]
    result = runner.invoke(app, ["diff", str(firm), "--out", str(out), "--format", "html",
                                 "--against", "1"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert re.search(r"Templates\s.*not stated\s.*forms", result.output)
    forms = re.findall(r"form changed\s+(\S+)", result.output)
    assert forms == ["base/house-style.docx", "base/print.css", "clauses/miscellaneous.html.j2"]
    report = (deal_folder / "changes" / "report.html").read_text("utf-8")
    assert "FORMS THAT CHANGED" in report and "clauses/miscellaneous.html.j2" in report
    last = runner.invoke(app, ["diff", str(firm), "--out", str(out), "--format", "html"],
                         terminal_width=200)
    assert re.findall(r"form changed\s+(\S+)", last.output) == ["base/house-style.docx"]


def test_validate_says_which_forms_the_deal_takes_from_where(deals, builds):
    folder, firm, other = deals
    result = runner.invoke(app, ["validate", str(firm)], terminal_width=200)
    assert result.exit_code == 0, result.output
    label = re.search(r"Forms from (\S+): (.*)", result.output)
    assert label and Path(label.group(1)).resolve() == (folder / "forms").resolve()
    assert label.group(2) == "base/house-style.docx, base/print.css, clauses/miscellaneous.html.j2"
    assert "Forms: the bundled ones" in runner.invoke(app, ["validate", str(other)]).output


def test_a_practice_groups_dealdocs_toml_names_the_forms_for_every_deal_below_it(tmp_path):
    write_firm_forms(tmp_path / "group-forms")
    (tmp_path / "dealdocs.toml").write_text('templates = "group-forms"\n', encoding="utf-8")
    (tmp_path / "deals").mkdir()
    sheet = tmp_path / "deals" / "deal.yaml"
    shutil.copy(FIRM_DEAL, sheet)
    prepared = prepare(sheet)
    assert prepared.forms.origin(PRINT_CSS).path == (tmp_path / "group-forms").absolute()
    amendment = next(d for d in render_documents(prepared.deal) if d.name == "amendment-1")
    assert FIRM_WORDING in " ".join(amendment.html.split())


@pytest.mark.parametrize("mistake, code, needle", [
    ('{{ m.term("Side Letter") }}', "render.term-undefined", "Side Letter"),
    ('Section {{ m.ref("misc-side-letter") }}', "render.dangling-reference", "misc-side-letter"),
])
def test_a_mistake_in_an_overriding_clause_is_found_at_the_firms_line(tmp_path, mistake, code,
                                                                        needle):
    forms = tmp_path / "forms" / "clauses"
    forms.mkdir(parents=True)
    lines = (BUNDLED_DIR / "clauses/miscellaneous.html.j2").read_text(encoding="utf-8").split("\n")
    at = next(number for number, text in enumerate(lines) if text.startswith("Securities.</p>"))
    lines[at] = f"Securities. See {mistake}.</p>"
    (forms / "miscellaneous.html.j2").write_text("\n".join(lines), encoding="utf-8")
    sheet = tmp_path / "deal.yaml"
    sheet.write_text(FIRM_DEAL.read_text(encoding="utf-8") + "\ntemplates: forms\n",
                     encoding="utf-8")
    with pytest.raises(RenderError) as raised:
        render_documents(prepare(sheet).deal, ("amendment",))
    [finding] = [f for f in raised.value.findings if f.code == code]
    assert needle in finding.message
    assert Path(finding.mark.file).resolve() == (forms / "miscellaneous.html.j2").resolve()
    assert finding.mark.line == at + 1


def test_a_firms_macros_copied_before_a_release_added_one_are_found_by_validate(tmp_path):
    base = tmp_path / "forms" / "base"
    base.mkdir(parents=True)
    bundled = (BUNDLED_DIR / "base/macros.html.j2").read_text(encoding="utf-8")
    older = re.sub(r"\{% macro signed_by.*?endmacro %\}", "", bundled, flags=re.S)
    (base / "macros.html.j2").write_text(older, encoding="utf-8")
    sheet = tmp_path / "deal.yaml"
    sheet.write_text(FIRM_DEAL.read_text(encoding="utf-8") + "\ntemplates: forms\n",
                     encoding="utf-8")
    [finding] = [f for f in prepare(sheet).findings if f.code == "forms.macro"]
    assert finding.severity.value == "error" and "signed_by(party, name)" in finding.message
    assert Path(finding.mark.file).resolve() == (base / "macros.html.j2").resolve()
    (base / "macros.html.j2").write_text(bundled, encoding="utf-8")
    assert not [f for f in prepare(sheet).findings if f.code == "forms.macro"]


def test_templates_init_copies_the_bundled_forms_and_never_replaces_a_file(tmp_path):
    folder = tmp_path / "forms"
    result = runner.invoke(app, ["templates", "init", str(folder)])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["templates", "list"]).output.split()
    copied = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert copied == sorted(listed)
    assert {PRINT_CSS, HOUSE_STYLE, "clauses/miscellaneous.html.j2"} <= set(copied)
    assert not any(name.startswith(("base/fonts/", "starter/")) for name in copied)
    assert (folder / PRINT_CSS).read_bytes() == (BUNDLED_DIR / PRINT_CSS).read_bytes()
    (folder / PRINT_CSS).write_text("/* the firm's */", encoding="utf-8")
    again = runner.invoke(app, ["templates", "init", str(folder), PRINT_CSS, "note/note.html.j2"])
    assert again.exit_code == 1
    assert f"{folder / PRINT_CSS} exists already (and 1 more)" in again.output
    assert (folder / PRINT_CSS).read_text(encoding="utf-8") == "/* the firm's */"
    assert [p.name for p in tmp_path.iterdir()] == ["forms"], "no staging folder is left"


def test_templates_init_adds_named_forms_to_a_folder_all_or_none(tmp_path):
    folder = tmp_path / "forms"
    (folder / "base").mkdir(parents=True)
    (folder / PRINT_CSS).write_text("/* the firm's */", encoding="utf-8")
    result = runner.invoke(app, ["templates", "init", str(folder), HOUSE_STYLE])
    assert result.exit_code == 0, result.output
    assert (folder / HOUSE_STYLE).read_bytes() == (BUNDLED_DIR / HOUSE_STYLE).read_bytes()
    with pytest.raises(FormsError, match="did you mean base/print.css"):
        copy_forms(folder, ["base/prnt.css"])
    (folder / "note").write_text("in the way", encoding="utf-8")  # the copy fails part-way
    result = runner.invoke(app, ["templates", "init", str(folder), "clauses/closings.html.j2",
                                 "note/note.html.j2"])
    assert result.exit_code == 1
    assert "nothing written" in result.output
    assert not (folder / "clauses" / "closings.html.j2").exists()
