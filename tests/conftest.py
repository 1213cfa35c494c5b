"""Shared fixtures: the sample workbooks, and real .xlsx files written from rows for the layout variants."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

# the real-browser fixtures of the web pages (tests/support/browser.py)
pytest_plugins = ["browser"]

# xlwings' remote engine (used to test the Excel layer) needs this before xlwings is imported.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "workbook_templates" / "examples"
ONE_SHEET = EXAMPLES / "seed_one_sheet.xlsx"
THREE_SHEETS = EXAMPLES / "seed_three_sheets.xlsx"


def _load_builder():
    spec = importlib.util.spec_from_file_location(
        "build_examples", ROOT / "workbook_templates" / "build_examples.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_examples"] = module
    spec.loader.exec_module(module)
    return module


build_examples = _load_builder()

WriteBook = Callable[..., Path]


@pytest.fixture
def write_book(tmp_path: Path) -> WriteBook:
    """Write rows (and merges) as a real .xlsx; returns its path. `sheets` maps sheet name → rows or (rows, merges)."""

    def write(sheets: dict[str, Sequence | tuple[Sequence, Sequence[str]]], name: str = "book.xlsx") -> Path:
        specs = []
        for sheet, content in sheets.items():
            rows, merges = content if isinstance(content, tuple) else (content, [])
            specs.append(
                build_examples.SheetSpec(name=sheet, rows=[list(r) for r in rows], merges=list(merges))
            )
        path = tmp_path / name
        build_examples.write_workbook(path, specs)
        return path

    return write


@pytest.fixture
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty home folder (no settings file of the machine's user is found), and no settings lookups cached
    by other tests."""
    from perfgoals_xl.core.config import clear_cache

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    clear_cache()
    yield home
    clear_cache()
