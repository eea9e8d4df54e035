"""The three writers: the same words in every format, reproducible bytes, safe PDF
fetching, real Word styles, and fonts that cover what the documents say."""

from __future__ import annotations

import datetime
import hashlib
import importlib.util
import io
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.enum.text import WD_TAB_LEADER
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from pypdf import PdfReader

from generator import fonts
from generator.errors import RenderError
from generator.textextract import normalize_words, text_of_docx, text_of_html, text_of_pdf
from generator.forms import BUNDLED_FORMS, PRINT_CSS
from generator.writers import WRITERS, RenderedDocument
from generator.writers.pdf import RefusedURLError, check_url
from tests.helpers import ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "vocabulary.html"
LENDER = 'Smith & Jones <Capital> "A" LLC'
CHINESE = "北京投资有限公司"
ARABIC = "شركة الاستثمار"
HEADER = normalize_words("Lender Additional Warrants April Notes I / Purchase Price "
                         "April Warrants I – Warrant Shares")


def make_doc(html: str) -> RenderedDocument:
    return RenderedDocument("amendment-1", "Amendment No. 1", html, datetime.date(2006, 4, 28),
                            "zoltek-2006/amendment-1", "amendment")


@pytest.fixture(scope="module")
def doc() -> RenderedDocument:
    return make_doc(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def outputs(doc: RenderedDocument) -> dict[str, bytes]:
    return {name: writer.render(doc) for name, writer in WRITERS.items()}


@pytest.fixture(scope="module")
def word(outputs: dict[str, bytes]) -> Document:
    return docx.Document(io.BytesIO(outputs["docx"]))


def without_repeated(words: list[str], header: list[str]) -> list[str]:
    """The words with every repetition of the table header after the first left out."""
    out: list[str] = []
    seen = False
    i = 0
    while i < len(words):
        if words[i:i + len(header)] == header:
            if seen:
                i += len(header)
                continue
            seen = True
        out.append(words[i])
        i += 1
    return out


def contains(words: list[str], phrase: list[str]) -> int:
    return sum(words[i:i + len(phrase)] == phrase for i in range(len(words)))


# The same words ---------------------------------------------------------------

def test_every_format_has_the_same_words(outputs: dict[str, bytes]) -> None:
    html = normalize_words(text_of_html(outputs["html"]))
    pdf = normalize_words(text_of_pdf(outputs["pdf"]))
    word_ = normalize_words(text_of_docx(outputs["docx"]))
    assert len(html) > 600
    assert word_ == html
    # The schedule runs onto a second page, whose header row repeats in the PDF.
    assert contains(pdf, HEADER) == 2
    assert without_repeated(pdf, HEADER) == html


@pytest.mark.parametrize("name", ["html", "pdf", "docx"])
def test_names_come_out_as_written(outputs: dict[str, bytes], name: str) -> None:
    extract = {"html": text_of_html, "pdf": text_of_pdf, "docx": text_of_docx}[name]
    text = extract(outputs[name])
    folded = " ".join(text.split())
    # Escaped in the HTML, literal in every format: no markup leaks, none is lost.
    assert LENDER in folded
    assert CHINESE in folded
    assert ARABIC in folded
    assert "&amp;" not in folded and "&lt;" not in folded


def test_pdf_footers_are_page_furniture_and_not_words(outputs: dict[str, bytes]) -> None:
    reader = PdfReader(io.BytesIO(outputs["pdf"]))
    footers = [page.extract_text().rstrip().split("\n")[-1].strip() for page in reader.pages]
    # The body's pages, the signature page's caption, Schedule A numbered on its own.
    assert footers == ["1", "2", "[Signature Page to Amendment No. 1]", "1", "2"]
    body = text_of_pdf(outputs["pdf"]).split("\f")[:-1]
    assert len(body) == 5
    assert [page.rstrip().split("\n")[-1].strip() for page in body][:3] == [
        "Additional Warrant.", "(Signature Pages Follow)",
        "Title:"]
    assert "Signature Page to" not in text_of_pdf(outputs["pdf"])


def test_normalize_words_keeps_words_not_layout() -> None:
    html = "\u201cLender\u2019s\u201d anti-dilution 11(d)(ii)(1) co\u00admpany \u5317\u4eac (each, 8.4."
    pdf = '"Lender\'s" anti-\ndilution 11(d)\n(ii)(1) company \u5317\n\u4eac( each, 8.4.\f'
    assert normalize_words(html) == normalize_words(pdf) == [
        "Lender", "s", "anti", "dilution", "11", "d", "ii", "1", "company", "\u5317", "\u4eac",
        "each", "8", "4"]


# Reproducible bytes -------------------------------------------------------------

def test_outputs_do_not_depend_on_the_clock(doc: RenderedDocument, outputs: dict[str, bytes],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    later = time.time() + 10 * 365 * 86400
    monkeypatch.setattr(time, "time", lambda: later)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    for name, writer in WRITERS.items():
        assert writer.render(doc) == outputs[name], name


def test_outputs_are_the_same_in_another_checkout_and_process(
        outputs: dict[str, bytes], tmp_path: Path) -> None:
    """Another clone, another working directory, time zone and hash seed: the same bytes."""
    checkout = tmp_path / "clone"
    for folder in ("generator", "templates"):
        shutil.copytree(ROOT / folder, checkout / folder, ignore=shutil.ignore_patterns("__pycache__"))
    script = (
        "import datetime, hashlib, sys\n"
        "from pathlib import Path\n"
        "from generator.writers import WRITERS, RenderedDocument\n"
        f"html = Path({str(FIXTURE)!r}).read_text(encoding='utf-8')\n"
        "doc = RenderedDocument('amendment-1', 'Amendment No. 1', html, datetime.date(2006, 4, 28),"
        " 'zoltek-2006/amendment-1', 'amendment')\n"
        "for name, writer in WRITERS.items():\n"
        "    print(name, hashlib.sha256(writer.render(doc)).hexdigest())\n")
    env = {**os.environ, "PYTHONPATH": str(checkout), "TZ": "Pacific/Kiritimati",
           "SOURCE_DATE_EPOCH": "1", "PYTHONHASHSEED": "12345"}
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120, check=True)
    hashes = dict(line.split() for line in result.stdout.splitlines())
    assert hashes == {name: hashlib.sha256(data).hexdigest() for name, data in outputs.items()}


def test_pdf_metadata_comes_from_the_document(outputs: dict[str, bytes]) -> None:
    reader = PdfReader(io.BytesIO(outputs["pdf"]))
    info = reader.metadata
    assert info.title == "Amendment No. 1"
    assert info["/CreationDate"] == info["/ModDate"] == "D:20060428000000Z"
    expected = hashlib.sha256(b"zoltek-2006/amendment-1").hexdigest()[:32]
    assert reader.trailer["/ID"][0] == expected
    page = reader.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (612, 792)


def test_docx_zip_has_fixed_times_and_order(outputs: dict[str, bytes]) -> None:
    with zipfile.ZipFile(io.BytesIO(outputs["docx"])) as package:
        infos = package.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    names = [info.filename for info in infos[2:]]
    assert names == sorted(names)


def test_docx_core_properties(word: Document) -> None:
    core = word.core_properties
    moment = datetime.datetime(2006, 4, 28)
    assert core.title == "Amendment No. 1"
    assert core.author == core.last_modified_by == "Zoltek Companies, Inc."
    assert core.subject == "Amendment No. 1 to Loan and Warrant Agreement"
    assert (core.created.replace(tzinfo=None), core.modified.replace(tzinfo=None),
            core.last_printed.replace(tzinfo=None)) == (moment, moment, moment)
    assert core.revision == 1
    assert core.comments == ""


def test_house_style_is_reproducible() -> None:
    """The committed template is what scripts/make_house_style.py makes."""
    spec = importlib.util.spec_from_file_location("make_house_style",
                                                  ROOT / "scripts" / "make_house_style.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.build() == (ROOT / "templates" / "base" / "house-style.docx").read_bytes()


# The PDF fetches nothing from outside templates/ ----------------------------------

@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-4f1c9", encoding="utf-8")
    return path


def small_doc(markup: str) -> RenderedDocument:
    return make_doc("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>"
                    f"<article class=\"document\">{markup}<p>Text.</p></article></body></html>")


@pytest.mark.parametrize("markup, url", [
    *(('<img src="{url}">', url) for url in (
        "file:///etc/passwd", "{secret}", "http://example.com/logo.png", "https://example.com/x.png",
        "../../pyproject.toml", "fonts/../../../pyproject.toml")),
    ('<div style="background-image: url(\'{url}\')">x</div>', "file:///etc/passwd"),
    ('<div style="background-image: url(\'{url}\')">x</div>', "{secret}"),
    ('<style>@import url("{url}");</style>', "http://example.com/a.css"),
    ('<style>@import url("{url}");</style>', "{secret}"),
])
def test_pdf_refuses_resources_from_outside_templates(markup: str, url: str, secret: Path) -> None:
    url = url.format(secret=secret.as_uri())
    with pytest.raises(RenderError) as raised:
        WRITERS["pdf"].render(small_doc(markup.format(url=url)))
    message = str(raised.value)
    assert "refused to fetch" in message
    assert url.removeprefix("../../").removeprefix("fonts/../../../") in message
    # Nothing was produced, so nothing of the file can be in it; nor is it in the message.
    assert "TOP-SECRET" not in message and "root:" not in message


def test_pdf_fails_on_a_missing_template_file() -> None:
    with pytest.raises(RenderError, match=r"missing-logo\.png"):
        WRITERS["pdf"].render(small_doc('<img src="missing-logo.png">'))


def test_fetcher_allows_templates_and_data_only(secret: Path) -> None:
    check_url((fonts.FONTS_DIR / "LiberationSerif-Regular.ttf").as_uri(), BUNDLED_FORMS)
    check_url("data:text/plain,hello", BUNDLED_FORMS)
    for url in (secret.as_uri(), "file:///etc/passwd", "ftp://example.com/x", "http://127.0.0.1/",
                (fonts.FONTS_DIR / ".." / ".." / ".." / "pyproject.toml").as_uri(),
                "file://otherhost" + str(fonts.FONTS_DIR / "LiberationSerif-Regular.ttf")):
        with pytest.raises(RefusedURLError, match="refused to fetch"):
            check_url(url, BUNDLED_FORMS)


def test_pdf_uses_only_the_project_fonts(outputs: dict[str, bytes]) -> None:
    reader = PdfReader(io.BytesIO(outputs["pdf"]))
    used = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            used.add(str(font.get_object()["/BaseFont"]).split("+", 1)[1])
    assert used == {"DealDocs-Serif", "DealDocs-Serif-Bold", "DealDocs-Serif-Italic",
                    "DealDocs-Serif-Bold-Italic", "DealDocs-Naskh", "DealDocs-Naskh-Bold",
                    "Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold"}


def test_pdf_render_logs_no_warning(doc: RenderedDocument, caplog: pytest.LogCaptureFixture) -> None:
    """A CSS property WeasyPrint ignores or a font it cannot load is only logged."""
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        WRITERS["pdf"].render(doc)
    assert [record.getMessage() for record in caplog.records] == []


# Real Word styles -----------------------------------------------------------------

def styles_of(word: Document) -> dict[str, list[str]]:
    by_style: dict[str, list[str]] = {}
    for paragraph in word.paragraphs:
        by_style.setdefault(paragraph.style.name, []).append(paragraph.text)
    return by_style


def test_docx_paragraphs_have_house_styles(word: Document) -> None:
    styles = styles_of(word)
    assert styles["Exhibit Label"] == ["Exhibit 4.2"]
    assert styles["Title"][0].startswith("AMENDMENT NO. 1")
    assert styles["Heading 1"] == ["RECITALS", "SCHEDULE A"]
    assert styles["Legend"][0].startswith("NEITHER THESE SECURITIES")
    # Word numbers the clauses: their text starts with what follows the number. A heading
    # run into its text is a caption whose paragraph mark is hidden (the style separator).
    assert [text[:6] for text in styles["Clause 1"]] == ["Zoltek", "Zoltek"]
    assert styles["Clause Caption 1"] == ["February Notes. ", "Registration.", "Conditions. "]
    assert [text[:6] for text in styles["Clause Text 1"]] == ["Subjec", "The ob"]
    assert [text[:6] for text in styles["Clause 2"]] == ["In con", "The pa", "Sectio"]
    assert [text[:6] for text in styles["Clause 3"]] == ["The de"]
    assert [text[:6] for text in styles["Clause Text 3"]] == ["Zoltek"]
    assert styles["Quote"][0].startswith('"(b) Zoltek')
    assert styles["Body Text Center"] == ["(Signature Pages Follow)"]
    assert styles["Body Text Spread"] == ["No. B1-01\t$3,333,333"]
    assert styles["Signature Party"] == ["ZOLTEK COMPANIES, INC.", LENDER, CHINESE, ARABIC]
    assert len(styles["Signature"]) == 2 and len(styles["Signature Line"]) == 10
    assert all(text.endswith("\t") for text in styles["Signature Line"])


def test_docx_inline_formatting_is_run_formatting(word: Document) -> None:
    runs = [run for paragraph in word.paragraphs for run in paragraph.runs]
    formatted = {(run.text, bool(run.bold), bool(run.italic), bool(run.underline)) for run in runs}
    headings = [run.text for run in runs if run.style.name == "Clause Heading"]
    assert headings == ["February Notes", "Registration", "Conditions"]
    assert word.styles["Clause Heading"].font.underline
    assert ("Exhibit A", False, False, True) in formatted
    assert ("$14.50", True, False, False) in formatted
    assert ("provided", False, True, False) in formatted
    assert ("however", True, True, False) in formatted
    # A blank in running text is an underlined stretch of figure spaces; a line to sign
    # in a signature block is a tab to the underline leader of its style's tab stop.
    blanks = [run for run in runs if run.text and set(run.text) == {"\u2007"}]
    assert len(blanks) == 1 and all(run.underline for run in blanks)
    (stop,) = word.styles["Signature"].paragraph_format.tab_stops  # all Signature styles'
    assert stop.leader == WD_TAB_LEADER.LINES and stop.position == Inches(6.5)


def test_docx_keeps_signature_blocks_together_and_breaks_pages(word: Document) -> None:
    paragraphs = word.paragraphs
    block = [p for p in paragraphs if p.style.name.startswith("Signature")][:4]
    assert all(p.paragraph_format.keep_together is not False for p in block)
    assert block[0].style.paragraph_format.keep_with_next and block[0].style.paragraph_format.keep_together
    assert block[3].paragraph_format.keep_with_next is False
    # The signature pages and Schedule A are Word sections of their own: the signature
    # pages' footer says what they are signature pages to, Schedule A numbers its pages
    # from 1, the body's footer is the page number.
    sections = word.sections
    assert len(sections) == 3
    footers = [" ".join(s.footer._element.xpath("string(.)").split()) for s in sections]
    instructions = [[t.text.strip() for t in s.footer._element.iter(qn("w:instrText"))]
                    for s in sections]
    assert footers[1] == "[Signature Page to Amendment No. 1]"
    assert instructions == [["PAGE"], [], ["PAGE"]]
    restarts = [s._sectPr.find(qn("w:pgNumType")) for s in sections]
    assert restarts[0] is None and restarts[1] is None and restarts[2].get(qn("w:start")) == "1"
    starts = []
    for paragraph in paragraphs:
        if paragraph._p.pPr is not None and paragraph._p.pPr.find(qn("w:sectPr")) is not None:
            starts.append(paragraph._p.getnext())
    assert [docx.text.paragraph.Paragraph(p, None).text[:20] for p in starts] == [
        "IN WITNESS WHEREOF, ", "SCHEDULE A"]


def test_docx_schedule_is_a_word_table(word: Document) -> None:
    (table,) = word.tables
    assert table.style.name == "Schedule Table"
    rows = table.rows
    assert len(rows) == 1 + 36 + 1
    header = rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in rows[1:])
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows)
    assert [cell.paragraphs[0].style.name for cell in rows[1].cells] == [
        "Table Text", "Table Figure", "Table Figure", "Table Figure"]
    assert rows[0].cells[0].paragraphs[0].style.name == "Table Heading"
    assert [cell.text for cell in rows[1].cells] == [LENDER, "0", "$250,000", "3,431"]
    assert all(run.bold for cell in rows[-1].cells for run in cell.paragraphs[0].runs)
    borders = table.style.element.find(qn("w:tblPr")).find(qn("w:tblBorders"))
    assert {border.get(qn("w:val")) for border in borders} == {"single"}


def test_docx_house_style_page_and_footer(word: Document) -> None:
    section = word.sections[0]
    assert (section.page_width, section.page_height) == (Inches(8.5), Inches(11))
    assert {section.left_margin, section.right_margin, section.top_margin,
            section.bottom_margin} == {Inches(1)}
    footer = section.footer._element
    instructions = [node.text for node in footer.iter(qn("w:instrText"))]
    assert [text.strip() for text in instructions] == ["PAGE"]
    normal = word.styles["Normal"]
    assert normal.font.size == Pt(12)
    assert normal.font.name == "Times New Roman"
    clause_indents = [word.styles[f"Clause {n}"].paragraph_format.left_indent for n in (1, 2, 3)]
    assert clause_indents == sorted(set(clause_indents))


@pytest.mark.parametrize("markup, named", [
    ("<blink>now</blink>", "<blink>"),
    ('<p class="fancy">text</p>', '<p class="fancy">'),
    ('<p>a <span class="shout">b</span></p>', '<span class="shout">'),
    ("<p>a<br>b</p>", "<br>"),
    ('<div class="clauses">stray text</div>', "text outside a paragraph"),
])
def test_docx_refuses_elements_outside_the_vocabulary(markup: str, named: str) -> None:
    html = FIXTURE.read_text(encoding="utf-8").replace(
        '<p class="exhibit-label">', markup + '<p class="exhibit-label">', 1)
    with pytest.raises(RenderError, match=re.escape(named)):
        WRITERS["docx"].render(make_doc(html))


def test_docx_opens_in_libreoffice(outputs: dict[str, bytes], libreoffice) -> None:
    converted = libreoffice({"amendment.docx": outputs["docx"]})["amendment.pdf"]
    words = normalize_words(text_of_pdf(converted))
    assert contains(words, normalize_words(LENDER)) == 3  # the parties, the signature block, Schedule A
    assert contains(words, HEADER) == 2  # the header row repeats on the schedule's second page


# The HTML preview ------------------------------------------------------------------

def test_html_preview_stands_alone(doc: RenderedDocument, outputs: dict[str, bytes]) -> None:
    html = outputs["html"].decode("utf-8")
    style = html[html.index("<style>"):html.index("</style>")]
    assert "@page" in style and "font-face" not in style  # font URLs would not resolve there
    assert html.index("</style>") < html.index("</head>")
    assert html.replace(style + "</style>\n", "") == doc.html


# Fonts --------------------------------------------------------------------------------

def test_fixture_names_are_covered(doc: RenderedDocument) -> None:
    assert fonts.uncovered_characters(text_of_html(doc.html)) == []
    assert fonts.uncovered_characters(LENDER + CHINESE + ARABIC + "§ ¶ © “ ” — é ü ß") == []


def test_uncovered_characters_are_found_once_in_order() -> None:
    text = "Lender \ue000 \U0001f600 \u0378 \ue000 \u200b\u00ad\t\n\ufe0f"
    assert fonts.uncovered_characters(text) == ["\ue000", "\U0001f600", "\u0378"]


def test_missing_font_is_named_with_its_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    absent = fonts.FontFile("Noto Serif CJK SC", tmp_path / "absent.ttc", 2, "fonts-noto-cjk")
    monkeypatch.setattr(fonts, "FONTS", (*fonts.FONTS, absent))
    with pytest.raises(fonts.FontsMissingError, match="install the Debian package fonts-noto-cjk"):
        fonts.require_fonts()


def test_print_css_embeds_exactly_the_bundled_fonts() -> None:
    stylesheet = BUNDLED_FORMS.path(PRINT_CSS)
    css = stylesheet.read_text(encoding="utf-8")
    urls = {stylesheet.parent / url for url in re.findall(r'url\("([^"]+)"\)', css)}
    assert urls == {font.path for font in fonts.FONTS if not font.package}
    families = re.search(r"html \{[^}]*font-family: ([^;]+);", css).group(1)
    named = [name.strip().strip('"') for name in families.split(",")]
    assert named[:3] == list(dict.fromkeys(font.family for font in fonts.FONTS))
    licenses = {path.name for path in fonts.FONTS_DIR.glob("LICENSE-*.txt")}
    assert licenses == {"LICENSE-Liberation.txt", "LICENSE-Noto.txt"}
