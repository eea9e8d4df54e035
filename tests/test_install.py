"""dealdocs as a user installs it: an sdist and a wheel built as a release is, the wheel
installed into a fresh virtual environment outside the checkout, run from another folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from generator.starter import starter_term_sheet
from tests.test_any_deal import fill

ROOT = Path(__file__).resolve().parent.parent
# What a working tree of dealdocs holds besides the files a release is built from.
_NOT_SOURCE_AT_TOP = {".git", ".venv", "output", "build", "dist", "dealdocs.egg-info",
                      ".pytest_cache", ".hypothesis", "tmp"}


def _not_source(folder: str, names: list[str]) -> set[str]:
    at_top = Path(folder) == ROOT
    return {name for name in names
            if name == "__pycache__" or (at_top and name in _NOT_SOURCE_AT_TOP)}


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and the wheel, built from a copy of the source tree (a build writes into
    the tree it builds)."""
    source = tmp_path_factory.mktemp("source") / "dealdocs"
    shutil.copytree(ROOT, source, symlinks=True, ignore=_not_source)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist),
                    str(source)], check=True, capture_output=True, timeout=300)
    return {"sdist": next(dist.glob("dealdocs-*.tar.gz")), "wheel": next(dist.glob("*.whl"))}


@pytest.fixture(scope="session")
def installed(release: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment outside the checkout with the wheel installed in it.

    Its dependencies come from this environment's site-packages, added to the path by a .pth
    line (pip would otherwise download them all on every run); a .pth line does not run
    this environment's own .pth files, so the checkout's editable install stays out."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                    "install", "--quiet", "--no-deps", str(release["wheel"])],
                   check=True, capture_output=True, timeout=300)
    return venv / "bin"


def test_the_release_passes_twine_check(release: dict[str, Path]) -> None:
    result = subprocess.run([sys.executable, "-m", "twine", "check", "--strict",
                             *map(str, release.values())], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_wheel_carries_the_forms(release: dict[str, Path]) -> None:
    names = set(zipfile.ZipFile(release["wheel"]).namelist())
    bundled = {f"generator/templates/{path.relative_to(ROOT / 'templates').as_posix()}"
               for path in (ROOT / "templates").rglob("*") if path.is_file()}
    assert bundled <= names
    assert "generator/templates/base/house-style.docx" in names
    assert "generator/conversions/migrations/env.py" in names


def test_dealdocs_runs_from_any_folder_after_pip_install(installed: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PATH": f"{installed}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)

    def dealdocs(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([str(installed / "dealdocs"), *args], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"dealdocs {' '.join(args)}:\n{result.stdout}{result.stderr}"
        return result

    where = subprocess.run([str(installed / "python"), "-c", "import generator; print(generator.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(installed.parent), where.stdout
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert dealdocs("--version").stdout == f"dealdocs {version}\n"
    dealdocs("new", "acme-2026")
    sheet = tmp_path / "term_sheets" / "acme-2026.yaml"
    assert sheet.read_text(encoding="utf-8") == starter_term_sheet("acme-2026")
    sheet.write_text(fill(sheet.read_text(encoding="utf-8")), encoding="utf-8")
    dealdocs("validate", str(sheet))
    dealdocs("render", str(sheet), "--format", "html,pdf,docx")
    folder = tmp_path / "output" / "acme-2026"
    for extension in ("html", "pdf", "docx"):
        assert (folder / f"note-first-gearbox-fund.{extension}").stat().st_size > 1000
    dealdocs("binder", str(sheet))
    assert (folder / "first" / "binder.pdf").read_bytes().startswith(b"%PDF-")
    assert "Usage" in dealdocs("serve", "--help").stdout
