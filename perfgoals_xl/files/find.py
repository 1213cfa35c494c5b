"""Which files to check: the ones given, and the workbooks inside folders."""

from __future__ import annotations

from pathlib import Path

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def find_workbooks(paths: list[Path]) -> list[Path]:
    """Files as given, and the workbooks inside folders (recursively, sorted; Excel lock files skipped)."""
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
    return found
