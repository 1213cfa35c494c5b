"""Writing a value into an openpyxl cell so that text stays text (core/cells.py says why): the one way every
openpyxl writer — annotated copies, the 校验结果 sheet, the copy of an .xls, the filled templates — puts a value."""

from __future__ import annotations

from typing import Any

from perfgoals_xl.core.cells import reads_as_formula


def put(ws: Any, row: int, col: int, value: object) -> Any:
    """Write `value` at (row, col) as `set_value` does; returns the cell."""
    cell = ws.cell(row=row, column=col)
    set_value(cell, value)
    return cell


def set_value(cell: Any, value: object) -> None:
    """A string becomes a string cell whatever it starts with (openpyxl would make `=…` a formula), quote-prefixed
    when it reads as a formula so that editing it in Excel keeps it text; characters an .xlsx cannot hold are
    dropped. Numbers, dates and None are written as they are."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    keep_text(cell)


def keep_text(cell: Any) -> None:
    """A cell already holding a string (e.g. from `ws.append`): a string cell, never a formula."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if reads_as_formula(cell.value):
            cell.quotePrefix = True
