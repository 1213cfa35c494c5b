"""A copy built from the Grids that were checked, for formats openpyxl cannot open (.xls/.xlsb/.ods): values,
merges and sheet names."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from perfgoals_xl.core.grid import Grid, column_letter, unique_sheet_name
from perfgoals_xl.core.marks import Plan
from perfgoals_xl.files.write.cells import put
from perfgoals_xl.files.write.save import activate_first_visible
from perfgoals_xl.files.write.style import display_width

COPY_FONT, COPY_SIZE = "宋体", 11

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook


def from_grids(grids: list[Grid]) -> tuple[OpenpyxlWorkbook, dict[str, str]]:
    """An openpyxl workbook holding the Grids' values and merges; also old → new sheet titles."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    titles: dict[str, str] = {}
    wrap = Alignment(wrap_text=True, vertical="center")
    font = Font(name=COPY_FONT, size=COPY_SIZE)  # a Chinese font named: never a Latin fallback
    for grid in grids or [Grid(sheet="Sheet1", rows=[])]:
        title = unique_sheet_name(grid.sheet, titles.values())
        titles[grid.sheet] = title
        ws = book.create_sheet(title)
        widths: dict[int, int] = {}
        for offset, line in enumerate(grid.rows):
            for col_offset, value in enumerate(line):
                if value is None:
                    continue
                row, col = grid.first_row + offset, grid.first_col + col_offset
                cell = put(ws, row, col, value)  # text such as "=95" stays text
                cell.font = font
                if isinstance(value, str):
                    cell.alignment = wrap
                if grid.merge_at(row, col) is None:
                    widths[col] = max(widths.get(col, 0), display_width(str(value)))
        for merged in grid.merges:
            ws.merge_cells(merged.ref)
        for col, width in widths.items():
            ws.column_dimensions[column_letter(col)].width = min(max(width + 2, 8), 40)
        if grid.visibility != "visible" and any(other.visibility == "visible" for other in grids):
            ws.sheet_state = grid.visibility  # hidden as in the source (one sheet stays visible)
    activate_first_visible(book)
    return book, titles


def renamed(plan: Plan, titles: dict[str, str]) -> Plan:
    if all(old == new for old, new in titles.items()):
        return plan
    rename = lambda sheet: titles.get(sheet, sheet)  # noqa: E731
    return dataclasses.replace(
        plan,
        blocks=[dataclasses.replace(b, sheet=rename(b.sheet)) for b in plan.blocks],
        notes=[dataclasses.replace(n, sheet=rename(n.sheet)) for n in plan.notes],
        results=[dataclasses.replace(f, sheet=rename(f.sheet)) for f in plan.results],
        checked_sheets=[rename(s) for s in plan.checked_sheets],
        hidden_sheets=frozenset(rename(s) for s in plan.hidden_sheets),
    )
