"""The command line as a user meets it: exit statuses, tables, JSON, the schema."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib

import pytest
import typer
from typer.testing import CliRunner

from generator.cli import app
from tests.helpers import AMENDMENT_1, AMENDMENT_2, ROOT, line_of, replace_once

runner = CliRunner()


def test_validate_bundled_term_sheets_exits_0_and_shows_schedule_a():
    result = runner.invoke(app, ["validate", str(AMENDMENT_1), str(AMENDMENT_2)],
                           terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "Schedule A" in result.output
    assert "274,406" in result.output  # April Warrants I total, derived
    assert "827,789" in result.output  # Amendment No. 2's Additional Warrants
    assert "0 error(s), 2 warning(s)" in result.output


def test_validate_json_is_machine_readable():
    result = runner.invoke(app, ["validate", "--json", str(AMENDMENT_1)])
    assert result.exit_code == 0
    (report,) = json.loads(result.output)
    assert report["ok"] is True
    assert [f["code"] for f in report["findings"]] == ["schedule-a.aggregate"] * 2
    assert report["findings"][0]["line"] == line_of(AMENDMENT_1.read_text(),
                                                    "aggregate_principal: 20,000,000")
    rockmore = report["schedule_a"]["rows"][0]
    assert rockmore["warrant_shares"] == {"third": 45734, "fourth": 22867}
    assert report["schedule_a"]["totals"]["principal"] == {"third": "19999999",
                                                           "fourth": "10000001"}


def test_strict_turns_warnings_into_errors():
    result = runner.invoke(app, ["validate", "--strict", str(AMENDMENT_1)])
    assert result.exit_code == 1


HOSTILE = {
    "malformed": "deal: [\n",
    "python tag": "deal: !!python/object/apply:os.system ['true']\n",
    "duplicate key": "deal: 1\ndeal: 2\n",
    "not a mapping": "- just\n- a list\n",
    "empty": "",
    "binary": "\udcff",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_term_sheet_exits_1_with_a_located_message(tmp_path, text):
    path = tmp_path / "bad.yaml"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    result = runner.invoke(app, ["validate", str(path)], terminal_width=200)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "bad.yaml" in result.output and "Traceback" not in result.output


def test_broken_figure_exits_1_and_json_names_the_line(tmp_path):
    path = tmp_path / "deal.yaml"
    path.write_text(replace_once(AMENDMENT_1.read_text(), "amount: 30,000", "amount: 3,500,000"))
    result = runner.invoke(app, ["validate", "--json", str(path)])
    assert result.exit_code == 1
    (report,) = json.loads(result.output)
    (error,) = [f for f in report["findings"] if f["severity"] == "error"]
    assert (error["code"], error["line"]) == (
        "fee.exceeds-price", line_of(path.read_text(), "amount: 3,500,000"))


def test_wrong_usage_exits_2():
    assert runner.invoke(app, ["validate"]).exit_code == 2
    assert runner.invoke(app, ["validate", "no-such-file.yaml"]).exit_code == 2
    assert runner.invoke(app, ["frobnicate"]).exit_code == 2


def test_schema_describes_the_format():
    result = runner.invoke(app, ["schema"])
    schema = json.loads(result.output)
    assert set(schema["required"]) >= {"deal", "company", "lenders", "schedule_a"}
    lender = schema["$defs"]["Lender"]["properties"]
    assert "Legal name" in lender["legal_name"]["description"]
    assert schema["$defs"]["Assignment"]["properties"].keys() == {"from", "to"}


def test_console_script_runs_outside_the_test_process():
    result = subprocess.run([sys.executable, "-m", "generator", "validate", str(AMENDMENT_2)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_names_that_look_like_rich_markup_are_printed_as_written(tmp_path):
    path = tmp_path / "deal.yaml"
    path.write_text(replace_once(AMENDMENT_2.read_text(), "legal_name: Omicron Master Trust",
                                 'legal_name: "Omicron [b]Master[/b] Trust [/]"'))
    result = runner.invoke(app, ["validate", str(path)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "Omicron [b]Master[/b] Trust [/]" in result.output


def test_json_ok_follows_strict():
    result = runner.invoke(app, ["validate", "--json", "--strict", str(AMENDMENT_1)])
    assert result.exit_code == 1
    assert json.loads(result.output)[0]["ok"] is False


def test_version_is_pyprojects_as_installed():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"dealdocs {project['version']}\n"


def test_help_lists_the_commands_in_the_order_of_a_deals_life():
    result = runner.invoke(app, ["--help"], terminal_width=200)
    assert result.exit_code == 0
    listed = re.findall(r"^  (\w+) {2,}\S", result.output.split("Commands:")[1], re.MULTILINE)
    assert listed == ["validate", "new", "schema", "render", "binder", "signed", "signatures",
                      "executed",
                      "convert", "conversions",
                      "versions", "diff", "regenerate", "check", "serve", "templates"]
    assert "--version" in result.output


def test_each_commands_help_shows_its_help_and_every_option():
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        result = runner.invoke(app, [name, "--help"], terminal_width=200)
        shown = " ".join(result.output.split())
        assert result.exit_code == 0, name
        assert " ".join((command.help or "").split()) in shown, name
        for param in command.params:
            for option in param.opts if param.param_type_name == "option" else ():
                assert option in shown, (name, option)
