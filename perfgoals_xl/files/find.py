"""Which files to check: the ones given, and the workbooks inside folders."""

from __future__ import annotations

import os
from pathlib import Path

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def find_workbooks(paths: list[Path]) -> list[Path]:
    """Files as given, and the workbooks inside folders (recursively, sorted; Excel lock files skipped); a file
    given twice (or also inside a folder given) is listed once, where it first appears."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in WORKBOOK_SUFFIXES and not p.name.startswith("~$")
            )
        else:
            found.append(path)
    return unique_files(found)


def unique_files(paths: list[Path]) -> list[Path]:
    """`paths` without repeats of one file (the same resolved path, letter case aside where the system ignores
    it), in their order."""
    seen: set[str] = set()
    unique = []
    for path in paths:
        key = file_key(path)
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def file_key(path: Path) -> str:
    """One key per file, however it was named (relative, through a link, in another letter case on Windows)."""
    return os.path.normcase(os.path.abspath(path.resolve() if path.exists() else path))
