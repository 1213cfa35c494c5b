"""The 模板 buttons: 新建项目表 / 新建部门表 add a fresh standard sheet, 规范为标准模板 writes the active table,
normalised, into a new sheet. The user's own sheets are never changed.

The sheet is made by `perfgoals_xl.templates.fill` (openpyxl, never imported here) and placed into the book: desktop Excel copies it from a
saved file (every format, drop-down, native twin and print setting comes along); the remote engine writes its
values, merges, bold labels, column widths and the native twins (excel/forms.py), but no drop-downs.
"""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from perfgoals_xl.core.cells import typed_entry
from perfgoals_xl.core.check import LISTS_SHEET
from perfgoals_xl.core.grid import column_index, unique_sheet_name
from perfgoals_xl.core.models import KIND_TITLES, Table
from perfgoals_xl.core.reader import read_tables
from perfgoals_xl.core.specs import DepartmentSpec, spec_from_table
from perfgoals_xl.excel.app import (
    Outcome,
    after_last_visible,
    alert,
    no_dialogs,
    on_com,
    quiet,
    set_column_width,
)
from perfgoals_xl.excel.forms import draw_native_checks
from perfgoals_xl.excel.read import is_results_sheet, read_grid, user_sheets
from perfgoals_xl.templates.fill import FillError, empty_template, fill, with_project_spending
from perfgoals_xl.templates.native import form_layout


def new_template_sheet(book: Any, kind: str) -> Outcome:
    """新建项目表 / 新建部门表: the empty standard template as a new sheet after the active one."""
    wb = empty_template(kind)
    name = _place(book, wb, KIND_TITLES[kind])
    return _done(book, f"已新建“{name}”表（标准{KIND_TITLES[kind]}），请按提示填写。")


def normalize_active_table(book: Any) -> Outcome:
    """规范为标准模板: the active sheet's table (the one at the selection, else the first) in the standard layout."""
    sheet = book.sheets.active
    if is_results_sheet(sheet):
        return _done(book, "当前是“校验结果”表，请先切换到要规范的工作表。")
    tables = read_tables(read_grid(sheet))
    if not tables:
        return _done(book, f"工作表“{sheet.name}”中没有找到绩效目标表，无法规范为标准模板。")
    table = _selected(book, tables)
    spec = spec_from_table(table)
    if isinstance(spec, DepartmentSpec):
        spec = with_project_spending(spec, table, _all_tables(book))
    try:
        wb = fill(spec)
    except FillError as exc:
        return _done(book, exc.message)
    name = _place(book, wb, f"{sheet.name}_标准")
    return _done(
        book, f"已将“{sheet.name}”中的{KIND_TITLES[table.kind]}规范为标准模板，写入新表“{name}”；原表未改动。"
    )


def _all_tables(book: Any) -> list[Table]:
    return [t for s in user_sheets(book) for t in read_tables(read_grid(s))]


def _selected(book: Any, tables: list[Table]) -> Table:
    try:
        selection = book.app.selection
        row = selection.row if selection is not None and selection.sheet.name == tables[0].sheet else None
    except (AttributeError, NotImplementedError):
        row = None
    return next((t for t in tables if row is not None and t.top <= row <= t.bottom), tables[0])


def _done(book: Any, message: str) -> Outcome:
    alert(book, message)
    return Outcome(message)


def _place(book: Any, wb: Any, wanted: str) -> str:
    """Put the filled template's first sheet into the book after the active sheet; returns its name."""
    ws = wb.worksheets[0]
    name = unique_sheet_name(wanted, (s.name for s in book.sheets))
    after = book.sheets.active
    if on_com(book) and not book.name.lower().endswith(".xls"):  # an .xls book cannot take an .xlsx sheet
        with quiet(book, "正在添加模板…"), no_dialogs(book):
            _copy_from_file(book, wb, after, name)
    else:
        _write_sheet(book, ws, after, name)
    return name


def _copy_from_file(book: Any, wb: Any, after: Any, name: str) -> None:
    """Desktop Excel: save to a temp file and copy the sheet, so formats and drop-downs come along."""
    for defined in [n for n in wb.defined_names if n.startswith("pg_")]:
        del wb.defined_names[defined]  # the filler's names would clash in the user's book on a second click
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"perfgoals_{uuid.uuid4().hex[:8]}.xlsx"  # Excel refuses two books of one name
        wb.save(path)
        source = book.app.books.open(str(path))
        try:
            if LISTS_SHEET not in [s.name for s in book.sheets]:
                # the dependent 二级 drop-down looks its list up by name (产出指标 …) on this hidden sheet;
                # copying the sheet brings the names that refer to it
                source.sheets[LISTS_SHEET].copy(after=after_last_visible(book), name=LISTS_SHEET)
                book.sheets[LISTS_SHEET].visible = False
            source.sheets[0].copy(after=after, name=name)
        finally:
            source.close()


def _write_sheet(book: Any, ws: Any, after: Any, name: str) -> None:
    """The remote engine: values in one block, then merges, bold cells, column widths and the native twins."""
    sheet = book.sheets.add(name, after=after)
    rows = [
        [cell.value if cell.data_type == "f" else typed_entry(cell.value) for cell in row]  # text stays text
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column)
    ]
    sheet.range("A1").value = rows
    for merged in ws.merged_cells.ranges:
        sheet.range(merged.coord).merge()
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column):
        bold = [cell.coordinate for cell in row if cell.font is not None and cell.font.b]
        if bold:
            sheet.range(f"{bold[0]}:{bold[-1]}").font.bold = True
    for letter, dimension in ws.column_dimensions.items():
        if dimension.width:
            set_column_width(book, sheet, column_index(letter), dimension.width)
    layout = form_layout(ws)
    if layout is not None:
        draw_native_checks(sheet, replace(layout, sheet=name))
    sheet.activate()
