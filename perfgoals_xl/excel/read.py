"""Reading sheets through xlwings: one bulk read per sheet into a Grid, its percent cells (desktop Excel) and
its visibility; which sheets are the user's."""

from __future__ import annotations

from typing import Any

from perfgoals_xl.core.errors import PerfgoalsError
from perfgoals_xl.core.grid import CellValue, Grid, Visibility, is_percent_format
from perfgoals_xl.core.marks import RESULT_HEADER, RESULTS_SHEET, is_results_header
from perfgoals_xl.excel.app import on_com
from perfgoals_xl.files.precheck.limits import MAX_SHEET_CELLS


class BookUnreadable(PerfgoalsError):
    """What Excel handed us cannot be read (a sheet's cells, the active sheet, the names); `message` is
    Chinese and names what could not be read. The host's own exception stays in `__cause__` for the log."""


class SheetTooLarge(BookUnreadable):
    """A used range too large to read safely; `message` is Chinese and names the sheet."""


RETRY = "请保存工作簿，关闭后重新打开再试。"


def active_sheet(book: Any) -> Any:
    """The sheet the user is looking at; BookUnreadable when Excel names none (no sheets, a bad index)."""
    try:
        return book.sheets.active
    except Exception as exc:  # the host's own error (IndexError, KeyError): the payload lacks the sheet
        raise BookUnreadable(
            "找不到当前工作表：工作簿中没有工作表，或 Excel 没有告知哪一张是当前工作表。请先点选要校验的工作表再试。"
        ) from exc


def book_name(book: Any) -> str:
    """The workbook's name (校验结果 names its source); BookUnreadable when Excel does not send the book's
    own part (its name, its active sheet), without which no sheet can be added either."""
    try:
        return str(book.name)
    except Exception as exc:  # the host's own error (KeyError) on a payload without its book part
        raise BookUnreadable(
            f"Excel 没有传来工作簿本身的信息（名称、当前工作表），无法写入校验结果。{RETRY}"
        ) from exc


def name_list(book: Any) -> list[Any]:
    """The workbook's defined names (each with a readable name; the VBA client sends no refers_to, see
    excel/marks.py: refers_to); BookUnreadable when Excel sends malformed ones."""
    try:
        names = list(book.names)
        for name in names:
            _ = name.name
        return names
    except Exception as exc:  # the host's own error (KeyError, TypeError) on a malformed name
        raise BookUnreadable(
            f"工作簿中的名称（公式 › 名称管理器）无法读取，因此无法找到已有的校验标记。{RETRY}"
        ) from exc


MAX_PERCENT_CANDIDATES = 5_000  # cells per sheet whose number format desktop Excel is asked for


def read_grid(sheet: Any) -> Grid:
    """The sheet's used range in one read; its origin may lie below or right of A1 (COM's UsedRange).

    Desktop Excel also tells which numbers are shown as percentages (a few format reads, see
    `_percent_cells`) and the sheet's visibility; the remote engine cannot read number formats."""
    used = sheet.used_range
    rows, cols = used.shape
    if rows * cols > MAX_SHEET_CELLS:  # formatting down to row 1,048,576 makes COM's UsedRange huge
        raise SheetTooLarge(
            f"工作表“{sheet.name}”的已用区域为 {used.address.replace('$', '')}（{rows * cols:,} 个单元格），"
            f"超出安全上限 {MAX_SHEET_CELLS:,} 个；请删除表格以外多余的内容和格式后再校验。"
        )
    rows = [[_cell(value) for value in row] for row in _values(sheet, used)]
    origin = (used.row, used.column)
    percent = _percent_cells(sheet, percent_candidates(rows, origin)) if on_com(sheet.book) else frozenset()
    return Grid(
        sheet=sheet.name, rows=rows, origin=origin, percent=percent, visibility=sheet_visibility(sheet)
    )


def _values(sheet: Any, used: Any) -> list[list[Any]]:
    """The used range's values in one read (#DIV/0! stays visible, as in a file); BookUnreadable when Excel
    sends cells that are no cell values (null rows, objects)."""
    try:
        values = used.options(ndim=2, err_to_str=True).value or []
        return [list(row) for row in values]
    except Exception as exc:  # the host's own error (TypeError) on a malformed payload
        raise BookUnreadable(
            f"工作表“{sheet.name}”的单元格内容无法读取（Excel 传来的数据不完整或格式不对）。{RETRY}"
        ) from exc


def percent_candidates(
    rows: list[list[CellValue]], origin: tuple[int, int], limit: int = MAX_PERCENT_CANDIDATES
) -> list[tuple[int, int]]:
    """The cells (row, col) whose number format is worth reading: a number other than 0 and at most 10 in
    size (a percent-formatted cell holds 0.95, 1.0 or 1.2, not 95). The first `limit`, row by row."""
    found: list[tuple[int, int]] = []
    for offset, line in enumerate(rows):
        for col_offset, value in enumerate(line):
            if isinstance(value, int | float) and not isinstance(value, bool) and 0 < abs(value) <= 10:
                found.append((origin[0] + offset, origin[1] + col_offset))
                if len(found) >= limit:
                    return found
    return found


def _percent_cells(sheet: Any, candidates: list[tuple[int, int]]) -> frozenset[tuple[int, int]]:
    """Desktop Excel: the candidates whose number format shows a percentage.

    Formats cannot be read in bulk, so each column's candidates are first asked for together: Excel gives
    their one format when they share it (None when they differ), and only then cell by cell."""
    by_col: dict[int, list[int]] = {}
    for row, col in candidates:
        by_col.setdefault(col, []).append(row)
    found: set[tuple[int, int]] = set()
    for col, rows in by_col.items():
        shared = sheet.range((rows[0], col), (rows[-1], col)).number_format
        if isinstance(shared, str):
            if is_percent_format(shared):
                found.update((row, col) for row in rows)
            continue
        for row in rows:
            code = sheet.range((row, col)).number_format
            if isinstance(code, str) and is_percent_format(code):
                found.add((row, col))
    return frozenset(found)


XL_SHEET_VISIBLE, XL_SHEET_VERY_HIDDEN = -1, 2  # XlSheetVisibility; xlSheetHidden is 0
_REMOTE_VISIBILITY: dict[str, Visibility] = {
    "Visible": "visible",
    "Hidden": "hidden",
    "VeryHidden": "veryHidden",
}


def sheet_visibility(sheet: Any) -> Visibility:
    """The sheet's visibility where the host can tell, else "visible".

    Desktop Excel: `Worksheet.Visible`. The remote engine: the payload's `visibility`, which only the Office.js
    client sends (xlwings' `sheet.visible` raises KeyError with a VBA client's payload, and its bool cannot
    tell very hidden from hidden)."""
    try:
        if on_com(sheet.book):
            return _com_visibility(int(sheet.api.Visible))
        payload = sheet.api
        state = payload.get("visibility") if isinstance(payload, dict) else None
        return _REMOTE_VISIBILITY.get(state, "visible") if isinstance(state, str) else "visible"
    except Exception:  # a host that cannot say: the sheet is treated as visible (it is checked)
        return "visible"


def _com_visibility(state: int) -> Visibility:
    """Only xlSheetVisible (−1) is visible: a very hidden sheet's 2 is as true as −1 to a truth test."""
    if state == XL_SHEET_VISIBLE:
        return "visible"
    return "veryHidden" if state == XL_SHEET_VERY_HIDDEN else "hidden"


def _cell(value: Any) -> CellValue:
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)  # COM gives 4.0 where the remote engine gives 4; the reader prefers one form
    return value


def is_results_sheet(sheet: Any) -> bool:
    """Our 校验结果 sheet (its header row is ours); a user's own sheet of that name is left alone."""
    if not sheet.name.startswith(RESULTS_SHEET):
        return False
    header = sheet.range((2, 1), (2, len(RESULT_HEADER))).options(ndim=1).value or []
    return is_results_header(list(header))


def user_sheets(book: Any) -> list[Any]:
    """The sheets to check: all but our 校验结果."""
    return [sheet for sheet in book.sheets if not is_results_sheet(sheet)]


def read_grids(sheets: list[Any], include_hidden: bool) -> list[Grid]:
    """A Grid per sheet; a hidden sheet that will not be checked is not read (an empty Grid names it)."""
    grids = []
    for sheet in sheets:
        visibility = "visible" if include_hidden else sheet_visibility(sheet)
        if visibility == "visible":
            grids.append(read_grid(sheet))
        else:
            grids.append(Grid(sheet=sheet.name, rows=[], visibility=visibility))
    return grids
