"""Hostile and broken YAML: each gets one clear, located message and no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import TermSheetError
from generator.loader import MAX_DEPTH, parse_yaml
from generator.termsheet import parse_term_sheet

from tests.helpers import AMENDMENT_1, replace_once


def messages(text: str, name: str = "t.yaml") -> list[str]:
    with pytest.raises(TermSheetError) as caught:
        parse_term_sheet(text, name)
    return [finding.format() for finding in caught.value.findings]


def test_malformed_yaml_names_line_and_column():
    assert messages("deal:\n  id: [unclosed\n") == [
        "t.yaml:3: error: did not find expected ',' or ']' (column 1); "
        "fix the YAML syntax at this place [yaml.syntax]"]


def test_duplicate_key_is_an_error_naming_both_lines():
    data = "deal:\n  id: a\n  title: One\n  id: b\n"
    with pytest.raises(TermSheetError) as caught:
        parse_yaml(data, "t.yaml")
    assert [f.format() for f in caught.value.findings] == [
        "t.yaml:4: error: deal.id: the key 'id' is given twice (first on line 2); "
        "YAML would silently keep only the last; remove one of them [yaml.duplicate-key]"]


def test_python_object_tag_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "ran"
    text = f"deal: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(TermSheetError) as caught:
        parse_yaml(text, "t.yaml")
    assert not marker.exists()
    assert caught.value.findings[0].code == "yaml.tag"
    assert "python/object/apply:os.system" in caught.value.findings[0].message


def test_alias_bomb_is_refused_before_it_expands():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        previous = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, "
                     f"*{previous}, *{previous}, *{previous}, *{previous}, *{previous}]")
    with pytest.raises(TermSheetError) as caught:
        parse_yaml("\n".join(lines) + "\n", "t.yaml")
    assert caught.value.findings[0].code == "yaml.aliases"


def test_absurd_nesting_is_refused():
    text = "deal: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    with pytest.raises(TermSheetError) as caught:
        parse_yaml(text, "t.yaml")
    assert caught.value.findings[0].code == "yaml.depth"


def test_aliases_of_aliases_count_as_the_levels_they_refer_to():
    # Each alias brings 30 levels; nested, they would be 1,200 deep (RecursionError).
    lines = ["a0: &a0 " + "[" * 30 + "x" + "]" * 30]
    lines += [f"a{n}: &a{n} " + "[" * 30 + f"*a{n - 1}" + "]" * 30 for n in range(1, 40)]
    with pytest.raises(TermSheetError) as caught:
        parse_yaml("\n".join(lines) + "\n", "t.yaml")
    assert [(f.code, f.mark.line) for f in caught.value.findings] == [("yaml.depth", 2)]


def test_aliases_within_the_limits_are_read():
    loaded = parse_yaml("a: &a [[x]]\nb: [*a, *a]\n", "t.yaml")
    assert loaded.data == {"a": [["x"]], "b": [[["x"]], [["x"]]]}


def test_text_past_the_size_limit_is_refused_as_a_file_is():
    # The desk's form and its live check hand the loader text, not a file.
    from generator.loader import MAX_FILE_BYTES
    with pytest.raises(TermSheetError) as caught:
        parse_yaml("deal: " + "é" * (MAX_FILE_BYTES // 2), "t.yaml")
    assert caught.value.findings[0].format() == (
        f"t.yaml:1: error: the text is {6 + MAX_FILE_BYTES:,} bytes; a term sheet is at most "
        f"{MAX_FILE_BYTES:,}; check that this is the term sheet you meant [yaml.size]")


def test_a_character_yaml_does_not_allow_is_an_error_at_its_line():
    with pytest.raises(TermSheetError) as caught:
        parse_yaml("deal:\n  title: Ωmega\x01\n", "t.yaml")
    assert caught.value.findings[0].format() == (
        "t.yaml:2: error: the file contains the character U+0001, which YAML does not allow "
        "(control characters are not allowed); remove it, or retype the value [yaml.character]")


def test_null_unquoted_is_yaml_s_empty_value_and_quoted_is_text(amendment_1_text):
    for written, read in (("'null'", "null"), ('"~"', "~"), ("' NULL '", "NULL")):
        loaded = parse_term_sheet(replace_once(amendment_1_text, "short_name: Rockmore",
                                               f"short_name: {written}"))
        assert loaded.sheet.lenders[0].short_name == read
    for written in ("null", "~", "NULL"):
        assert [f"'{written}' is YAML's empty value" in m for m in messages(replace_once(
            amendment_1_text, "short_name: Rockmore", f"short_name: {written}"))] == [True]


def test_oversized_file_is_refused_without_reading_it(tmp_path):
    from generator.loader import MAX_FILE_BYTES, load_yaml
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(TermSheetError) as caught:
        load_yaml(path)
    assert caught.value.findings[0].code == "yaml.size"


def test_yaml_11_implicit_types_stay_text():
    loaded = parse_yaml("a: NO\nb: 010000\nc: 12:30\nd: 1e3\ne: ~\n", "t.yaml")
    assert loaded.data == {"a": "NO", "b": "010000", "c": "12:30", "d": "1e3", "e": "~"}


def test_every_value_keeps_its_line():
    loaded = parse_yaml("deal:\n  id: x\nlenders:\n  - id: a\n  - id: b\n", "t.yaml")
    assert loaded.source.locate(("lenders", 1, "id")).line == 5
    assert loaded.source.locate(("lenders", 1, "missing")).line == 5


def test_bidi_override_in_a_name_is_refused():
    findings = []
    with pytest.raises(TermSheetError) as caught:
        parse_yaml("name: \"Evil\u202eCorp\"\n", "t.yaml")
    findings = caught.value.findings
    assert findings[0].code == "text.control-character"
    assert "U+202E" in findings[0].message


def test_names_are_normalized_to_nfc(amendment_1_text):
    decomposed = "Cre\u0301dit Agricole"
    text = replace_once(amendment_1_text, "legal_name: Smithfield Fiduciary LLC",
                        f"legal_name: {decomposed}")
    sheet = parse_term_sheet(text).sheet
    assert sheet.lenders[2].legal_name == "Crédit Agricole"


# Issue 11, case 4: `dealdocs validate /dev/zero` read until memory ran out.
def test_a_device_is_refused_before_reading():
    from generator.loader import load_yaml
    with pytest.raises(TermSheetError) as caught:
        load_yaml(Path("/dev/zero"))
    assert caught.value.findings[0].format() == (
        "/dev/zero:1: error: this is a device, socket or folder, not a file; give the path of "
        "the term sheet's YAML file [file.special]")


# Issue 11, case 5: a pipe reports no size, so the limit must hold on what is read.
def test_the_size_limit_holds_for_a_pipe():
    from generator.loader import MAX_FILE_BYTES
    script = ('exec "$0" -m generator validate <(yes "# a comment line of a term sheet" '
              f'| head -c {4 * MAX_FILE_BYTES})')
    result = subprocess.run(["bash", "-c", script, sys.executable], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 1, result.stderr
    assert f"the input is more than {MAX_FILE_BYTES:,} bytes" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_term_sheet_can_come_through_a_pipe():
    script = 'exec "$0" -m generator validate <(cat "$1")'
    result = subprocess.run(["bash", "-c", script, sys.executable, str(AMENDMENT_1)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_number_split_by_a_flow_mapping_gets_a_message_that_says_so():
    with pytest.raises(TermSheetError) as caught:
        parse_yaml("principal: {second: 900,000, third: 675,000}\n", "t.yaml")
    assert [f.format() for f in caught.value.findings] == [
        "t.yaml:1: error: principal: {...} on one line split a number at its comma: '000' is "
        "the rest of a number such as 900,000; write the number without commas (900000), "
        "quote it (\"900,000\"), or put each key on a line of its own [yaml.flow-comma]"] * 2
