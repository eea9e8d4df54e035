"""Fuzzing (issue 11): term sheets made by mutating the bundled ones (values, types,
structure) never make `validate` or `render` fail with a traceback, and `render` never
writes outside its output folder. The deal desk (issue 18) gets the same term sheets, and
hostile ones, in its folder: every page and the live check answer with a message, never
an error of the server, within bounded memory.

`make test` runs 250 examples (the desk 60); DEALDOCS_FUZZ_EXAMPLES=20000 and
DEALDOCS_DESK_FUZZ_EXAMPLES=2000 make test run a longer hunt.
"""

from __future__ import annotations

import html
import os
import re
import shutil

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient
from typer.testing import CliRunner

from generator.cli import app
from generator.loader import MAX_FILE_BYTES
from generator.web.app import create_app
from tests.helpers import AMENDMENT_1, AMENDMENT_2
from tests.memory import memory_cap

EXAMPLES = int(os.environ.get("DEALDOCS_FUZZ_EXAMPLES", "250"))
DESK_EXAMPLES = int(os.environ.get("DEALDOCS_DESK_FUZZ_EXAMPLES", "60"))
BASES = [yaml.load(sheet.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
         for sheet in (AMENDMENT_2, AMENDMENT_1)]
runner = CliRunner()

# Values a typo, a paste or a hostile user could put anywhere.
NASTY = ["", "~", "null", "0", "-1", "1e3", ".nan", "0,020,000,000", "20_000_000_",
         "1" * 30, "9" * 400, "9999-12-31", "9996-05-12", "0001-01-01", "2006-02-30",
         "../../etc/passwd", "a[/b]", "[bold]x[/]", ":warning:", "{{ 7*7 }}", "{% raw %}",
         "<script>x</script>", "third-a", "rockmore", "third", "Ω" * 300, "\u202e",
         "北京投资有限公司", "x" * 70, "1,000,000.005", "$25.51", "35%", "true", "NO",
         "11:00 a.m.", "12-31", "B-1"]


def paths(node: object, prefix: tuple = ()) -> list[tuple]:
    """Every place in a loaded term sheet: mapping keys and list indexes."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, prefix + (index,))
    return found


def replace(node: object, path: tuple, value: object) -> object:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        return {**node, head: replace(node[head], rest, value)}
    return [replace(item, rest, value) if index == head else item
            for index, item in enumerate(node)]


def get(node: object, path: tuple) -> object:
    for part in path:
        node = node[part]
    return node


texts = st.one_of(st.sampled_from(NASTY),
                  st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
                  st.from_regex(r"[0-9][0-9,_.]{0,20}", fullmatch=True))
values = st.recursive(texts, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(["id", "x", "lender", "third"]),
                                        inner, max_size=3), max_leaves=6)


@st.composite
def mutations(draw) -> object:
    sheet = draw(st.sampled_from(BASES))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(sheet)))
        target = get(sheet, path)
        action = draw(st.sampled_from(["value", "value", "drop", "double", "unknown"]))
        if action == "value" or not path:
            sheet = replace(sheet, path, draw(values))
        elif action == "drop":
            parent = get(sheet, path[:-1])
            sheet = replace(sheet, path[:-1], {k: v for k, v in parent.items() if k != path[-1]}
                            if isinstance(parent, dict) else
                            [v for i, v in enumerate(parent) if i != path[-1]])
        elif action == "double" and isinstance(target, list) and target:
            sheet = replace(sheet, path, [*target, target[draw(st.integers(0, len(target) - 1))]])
        elif isinstance(target, dict):
            sheet = replace(sheet, path, {**target, draw(texts) or "x": draw(values)})
    return sheet


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(sheet=mutations())
def test_mutated_term_sheets_get_messages_and_write_only_into_the_output_folder(
        tmp_path_factory, sheet):
    root = tmp_path_factory.mktemp("fuzz")
    path = root / "deal.yaml"
    path.write_text(yaml.safe_dump(sheet, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    event(f"validate exits {result.exit_code}")
    if result.exit_code == 0:
        result = runner.invoke(app, ["render", str(path), "--format", "html",
                                     "--out", str(root / "out")])
        assert result.exit_code in (0, 1), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.output)
        assert {p.name for p in root.iterdir()} <= {"deal.yaml", "out"}
    shutil.rmtree(root)


# Files no mutation of a term sheet makes: past the loader's limits, or not text.
HOSTILE = [
    ("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi"))
     ).encode(),
    b"deal: " + b"[" * 10_000 + b"]" * 10_000 + b"\n",
    b"deal:\n" + b"".join(b"  " * level + b"x:\n" for level in range(1, 200)),
    b"# " + b"x" * MAX_FILE_BYTES + b"\n",
    b"deal:\n  title: Caf\xe9\n", b"deal: \x01\n", b"\xef\xbb\xbfdeal: {}\n", b"", b"- x\n",
]
# What breaks YAML's structure when it is put in at a random place.
YAML_BITS = [":", ": ", "- ", "\n", "\n  ", "[", "]", "{", "}", "&a ", "*a", "!!str ", "'", '"',
             " #", "|\n", ">\n", "\t", "? ", "---\n", "...\n", "%YAML 1.1\n", "<<: *a\n"]


@st.composite
def edited(draw) -> bytes:
    """A mutated term sheet's text, with YAML's own characters put in at random places."""
    text = yaml.safe_dump(draw(mutations()), allow_unicode=True, sort_keys=False)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(YAML_BITS) | texts) + text[at:]
    return text.encode("utf-8")


def _choose(data: st.DataObject, pattern: str, page: str, *always: str) -> str | None:
    """One of what `pattern` finds on the page (or of `always`), drawn by hypothesis."""
    found = [*always, *(html.unescape(match) for match in re.findall(pattern, page))]
    return data.draw(st.sampled_from(found)) if found else None


@settings(max_examples=DESK_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(file=st.one_of(edited(), st.sampled_from(HOSTILE)), value=texts, data=st.data())
def test_the_desk_answers_mutated_term_sheets_with_pages(tmp_path_factory, file, value, data):
    root = tmp_path_factory.mktemp("desk")
    sheets = root / "term_sheets"
    sheets.mkdir()
    (sheets / "deal.yaml").write_bytes(file)
    pages = []
    with memory_cap(), TestClient(create_app(sheets, root / "out"),
                                  base_url="http://127.0.0.1:8000") as client:
        pages.append(client.get("/"))
        opened = client.get("/deals/deal.yaml")
        pages.append(opened)
        if opened.status_code == 200:
            form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"',
                                   opened.text))
            field = _choose(data, r'name="(v:[^"]*)"', opened.text)
            changed = {**form, **({field: value} if field else {})}
            pages.append(client.post("/deals/deal.yaml/check", data=changed))
            preview = _choose(data, r'href="(/deals/deal\.yaml/preview/[^"]*)"', opened.text)
            if preview:
                pages.append(client.get(preview))
            pages.append(client.get("/deals/deal.yaml/conversions"))
            operation = _choose(data, r'name="op" value="([^"]*)"', opened.text, "")
            pages.append(client.post("/deals/deal.yaml", data={**changed, "op": operation},
                                     follow_redirects=False))
            pages.append(client.get("/deals/deal.yaml"))
            pages.append(client.get("/"))
    for page in pages:
        event(f"{page.request.method} answers {page.status_code}")
        assert page.status_code in (200, 303, 400, 404, 409), page.text
        assert "Traceback" not in page.text
    shutil.rmtree(root)
