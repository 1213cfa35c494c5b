"""The code stays ruff-clean (lint and format), so style never drifts between sessions."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT


@pytest.mark.slow
def test_ruff_lint():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_ruff_format():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_every_module_imports_on_its_own():
    """No import cycle hides behind the order in which the CLI happens to import things."""
    import pkgutil

    import perfgoals_xl

    modules = [
        m.name
        for m in pkgutil.walk_packages(perfgoals_xl.__path__, "perfgoals_xl.")
        if m.name != "perfgoals_xl.__main__"
    ]
    code = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)"
    for name in modules:
        result = subprocess.run([sys.executable, "-c", code, name], capture_output=True, text=True)
        assert result.returncode == 0, f"{name}: {result.stderr[-400:]}"
