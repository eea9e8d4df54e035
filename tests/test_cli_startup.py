"""`dealdocs` starts quickly: --help and --version import neither the model, the build,
Jinja nor Rich, a command's own --help imports nothing of what the command runs with, and
a command imports no more than it needs. Speed is not timed here (the machines are shared);
`make bench` prints the times."""

from __future__ import annotations

import json
import subprocess
import sys

import typer

from generator.cli import app
from tests.helpers import AMENDMENT_1, ROOT

# Each command imports these when it runs, never before.
HEAVY = ("pydantic", "jinja2", "sqlalchemy", "alembic", "weasyprint", "docxtpl", "docx", "pypdf",
         "rich", "lxml", "fontTools", "yaml", "num2words", "uvicorn", "starlette",
         "generator.model", "generator.deal", "generator.pipeline", "generator.build",
         "generator.changes", "generator.binder", "generator.conversions", "generator.web")

# Runs `dealdocs ARGS` for each ARGS in turn in one process, then prints the modules imported.
RUN = """
import json, sys
from generator.cli import main

for args in json.loads(sys.argv[1]):
    sys.argv = ["dealdocs", *args]
    try:
        main()
    except SystemExit:
        pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def heavy_imports(*runs: list[str]) -> list[str]:
    """The heavy packages imported by the runs of `dealdocs`, in one process: what the
    last run imported includes what the first did."""
    result = subprocess.run([sys.executable, "-c", RUN, json.dumps(runs)], cwd=ROOT,
                            capture_output=True, text=True, check=False, timeout=60)
    modules = json.loads(result.stderr.splitlines()[-1])
    return sorted({heavy for heavy in HEAVY for name in modules
                   if name == heavy or name.startswith(heavy + ".")})


def test_help_and_version_import_nothing_a_command_runs_with():
    assert heavy_imports(["--help"], ["--version"], []) == []


def test_a_commands_help_imports_nothing_it_runs_with():
    commands = [[name, *([sub] if sub else [])]
                for name, command in typer.main.get_command(app).commands.items()
                for sub in getattr(command, "commands", None) or [None]]
    assert len(commands) == 17 and ["templates", "init"] in commands
    # Typer converts the value of every option with pydantic, the group's --help too, once
    # a command is named; the model and the rest come with the command.
    assert heavy_imports(*([*command, "--help"] for command in commands)) == ["pydantic"]


def test_validate_of_a_deal_without_a_conversion_log_imports_no_database_layer(tmp_path):
    sheet = tmp_path / AMENDMENT_1.name
    sheet.write_text(AMENDMENT_1.read_text(encoding="utf-8"), encoding="utf-8")
    found = heavy_imports(["validate", str(sheet)])
    assert "generator.model" in found
    assert "sqlalchemy" not in found and "alembic" not in found
