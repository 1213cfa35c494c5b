"""Spreadsheet-injection payloads: text a spreadsheet would read as a formula (or a DDE call, or a link), and a
real sample workbook carrying them as text — in 三级 names, a goal and the sheet name — for the tests that
show every writer keeps them text."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import openpyxl
from conftest import ONE_SHEET

from perfgoals_xl.pipeline import check_file

PAYLOADS = (
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1,1)",
    "=cmd|' /C calc'!A0",  # DDE: asks Excel to start a program
    "+cmd|' /C calc'!A0",
    "-cmd|' /C calc'!A0",
    "@cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.com/x","排查整治")',
)
SHEET_PAYLOAD = "=1+1 -2"  # a sheet name is user text too (Excel allows =, +, - and @ in it)


def formulas(path: Path, skip: str | None = None) -> list[str]:
    """Every formula cell of an .xlsx, as `sheet!A1 =…` (openpyxl: data type "f"), except on sheet `skip`."""
    book = openpyxl.load_workbook(path)
    return [
        f"{ws.title}!{cell.coordinate} {cell.value}"
        for ws in book.worksheets
        if ws.title != skip
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def text_cells(path: Path) -> Iterator[tuple[str, object, str, bool]]:
    """(where, value, data type, quote prefix) of every cell holding a value."""
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield f"{ws.title}!{cell.coordinate}", cell.value, cell.data_type, bool(cell.quotePrefix)


def assert_payloads_are_text(
    path: Path, expected: tuple[str, ...] = PAYLOADS, prefixed: bool = True, skip: str | None = None
) -> None:
    """No formula (but on sheet `skip`); each payload is there as a string cell (with the quote prefix when we
    wrote it: a user's own cell in an annotated copy is kept as it was)."""
    assert formulas(path, skip) == []
    found = {value: (kind, prefix) for _, value, kind, prefix in text_cells(path)}
    for payload in expected:
        assert payload in found, f"{payload!r} not written"
        assert found[payload][0] == "s" and (found[payload][1] or not prefixed), (payload, found[payload])


def payload_workbook(dst: Path, sheet: str = SHEET_PAYLOAD) -> Path:
    """The one-sheet sample (three tables) with its first 三级 names replaced by PAYLOADS (as text) and the sheet renamed."""
    shutil.copy(ONE_SHEET, dst)
    tables = check_file(dst).tables
    book = openpyxl.load_workbook(dst)
    ws = book[tables[0].sheet]
    names = [i.name for table in tables for i in table.indicators if i.name is not None]
    for field, payload in zip(names, PAYLOADS, strict=False):
        cell = ws.cell(row=field.at.row, column=field.at.col)
        cell.value = payload
        cell.data_type = "s"  # typed as text by the unit, not a formula
    ws.title = sheet
    book.save(dst)
    return dst
