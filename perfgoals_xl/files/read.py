"""Read workbook files into Grids with python-calamine, after the precheck (files/precheck/) has refused
anything broken or hostile. openpyxl is never imported here (slow to import; only needed to write)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from math import isfinite
from pathlib import Path

from perfgoals_xl.core.grid import Grid, MergedRange, Visibility
from perfgoals_xl.core.models import CellNotice
from perfgoals_xl.files.errors import ReadError, corrupt, encrypted, short_reason
from perfgoals_xl.files.precheck import precheck
from perfgoals_xl.files.precheck.limits import EXCEL_COLUMNS, EXCEL_ROWS, MAX_SHEET_CELLS
from perfgoals_xl.files.precheck.scan import Scan, sheet_too_large


@dataclass(frozen=True)
class Workbook:
    path: Path
    grids: list[Grid]
    # Cells of the grids whose value the file does not hold (only .xlsx/.xlsm tell); they read as empty.
    notices: tuple[CellNotice, ...] = ()


def read_workbook(path: Path) -> Workbook:
    """All sheets of a workbook as Grids, or a ReadError that says why not."""
    scan = precheck(path)
    import python_calamine as calamine

    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
        try:
            states = {sheet.name: _visibility(sheet.visible) for sheet in book.sheets_metadata}
            grids = [
                _sheet_grid(path, book, name, scan, states.get(name, "visible")) for name in book.sheet_names
            ]
        finally:
            book.close()
    except ReadError:
        raise
    except calamine.PasswordError as exc:
        raise encrypted(path) from exc
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError, ValueError, OSError) as exc:
        raise corrupt(path, short_reason(exc)) from exc
    except MemoryError as exc:
        raise ReadError(
            "too_large", f"文件“{path.name}”读取时内存不足（内容过大），已放弃读取；其余文件照常校验。"
        ) from exc
    except BaseException as exc:  # a Rust panic in calamine arrives as pyo3's PanicException
        if type(exc).__name__ != "PanicException":
            raise
        raise corrupt(path, short_reason(exc)) from exc
    notices = tuple(n for n in scan.notices if any(g.sheet == n.sheet for g in grids))
    return Workbook(path=path, grids=grids, notices=notices)


def _visibility(state: object) -> Visibility:
    """python-calamine's SheetVisibleEnum (Visible, Hidden, VeryHidden) as Excel's word for it."""
    name = str(state).rsplit(".", 1)[-1]
    return "hidden" if name == "Hidden" else "veryHidden" if name == "VeryHidden" else "visible"


def _sheet_grid(path: Path, book: object, name: str, scan: Scan, visibility: Visibility) -> Grid:
    sheet = book.get_sheet_by_name(name)  # type: ignore[attr-defined]
    start = sheet.start
    if start is None:
        return Grid(sheet=name, rows=[], visibility=visibility)
    # A second line of defence (the precheck bounds every format it can walk): refuse before converting.
    if sheet.height * sheet.width > MAX_SHEET_CELLS:
        top, left = start[0] + 1, start[1] + 1
        raise sheet_too_large(path, name, (top, left, top + sheet.height - 1, left + sheet.width - 1))
    rows = sheet.to_python(skip_empty_area=True)
    for line in rows:  # in place: a second copy of a 1,000,000-row sheet would double the peak
        for index, value in enumerate(line):
            if value.__class__ is str:
                if not value:
                    line[index] = None
                elif not value.isprintable():
                    line[index] = _clean(value)
            elif value.__class__ is float and not isfinite(value):
                line[index] = (
                    "#NUM!"  # `<v>inf</v>`, `<v>1e400</v>`: no Excel number, and no reader expects one
                )
    origin = (start[0] + 1, start[1] + 1)
    for (row, col), text in scan.errors.get(name, {}).items():
        r, c = row - origin[0], col - origin[1]
        if 0 <= r < len(rows) and 0 <= c < len(rows[r]) and rows[r][c] is None:
            rows[r][c] = text  # "#REF!" as Excel shows it (calamine reads error cells as empty)
    merges = _merges(path, name, sheet.merged_cell_ranges or [], origin, rows)
    percent = frozenset(scan.percent.get(name, ()))
    return Grid(sheet=name, rows=rows, origin=origin, merges=merges, percent=percent, visibility=visibility)


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})


def _clean(text: str) -> str:
    """Control characters out of a cell's text (an escape sequence must not reach a terminal, a stray BEL
    must not split a label); Word's manual line break (VT) and a form feed become line breaks."""
    return _CONTROL.sub("", text.translate(_LINE_BREAKS))


def _merges(
    path: Path, name: str, ranges: list, origin: tuple[int, int], rows: list[list[object]]
) -> list[MergedRange]:
    """The merged ranges, bounded: Grid indexes every merged cell, so a merge over A1:XFD1048576 (or a
    million overlapping ones) would hang; when they cover too much they are clipped to the sheet's values."""
    found = []
    for (r0, c0), (r1, c1) in ranges:
        top, bottom = sorted((max(r0, 0) + 1, min(r1, EXCEL_ROWS - 1) + 1))
        left, right = sorted((max(c0, 0) + 1, min(c1, EXCEL_COLUMNS - 1) + 1))
        if (top, left) != (bottom, right):
            found.append((top, left, bottom, right))
    if _area(found) > MAX_SHEET_CELLS:
        last_row = origin[0] + len(rows) - 1
        last_col = origin[1] + max((len(r) for r in rows), default=0) - 1
        found = [
            (max(top, origin[0]), max(left, origin[1]), min(bottom, last_row), min(right, last_col))
            for top, left, bottom, right in found
        ]
        found = [(t, left, b, r) for t, left, b, r in found if t <= b and left <= r and (t, left) != (b, r)]
        if _area(found) > MAX_SHEET_CELLS:
            raise ReadError(
                "too_large",
                f"文件“{path.name}”的工作表“{name}”中合并单元格过多（合计超过 {MAX_SHEET_CELLS:,} 个单元格），"
                "超出安全上限，已拒绝读取。",
            )
    return [MergedRange(top=t, left=left, bottom=b, right=r) for t, left, b, r in found]


def _area(ranges: list[tuple[int, int, int, int]]) -> int:
    return sum((bottom - top + 1) * (right - left + 1) for top, left, bottom, right in ranges)
