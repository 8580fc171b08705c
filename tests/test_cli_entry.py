"""The console script named in pyproject is the app that ``python -m cli`` runs."""

from __future__ import annotations

import importlib
import subprocess
import sys
import tomllib
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CAKUPAN = [sys.executable, "-m", "cli"]  # as tests/conftest.py runs it


def test_console_script_is_the_cli_app() -> None:
    scripts = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, _, attr = scripts["cakupan"].partition(":")
    from cli.main import app

    assert getattr(importlib.import_module(module), attr) is app


def test_python_m_cli_lists_the_commands() -> None:
    done = subprocess.run(
        [*CAKUPAN, "--help"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    for command in ("demo", "build", "report", "users", "store"):
        assert command in done.stdout
