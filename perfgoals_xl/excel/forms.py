"""The native twins of a form through xlwings, where the remote engine has to draw them itself: on a sheet
新建/规范 writes cell by cell (it cannot copy a sheet from a file as desktop Excel does, which brings the twins
along), and again on the rows 清除标记 had to clear (the remote engine cannot list conditional formats, so it
clears every rule of a marked block — the form's twins there included)."""

from __future__ import annotations

from typing import Any

from perfgoals_xl.core.marks import area_cells, parse_refers_to
from perfgoals_xl.core.reader import read_tables
from perfgoals_xl.core.twins import (
    COLORS,
    HELPER_NAMES,
    FormLayout,
    helper_names,
    layout_from_table,
    native_checks,
)
from perfgoals_xl.excel.read import read_grid

Area = tuple[int, int, int, int]  # top, left, bottom, right


def draw_native_checks(sheet: Any, layout: FormLayout, area: Area | None = None) -> int:
    """The form's twins as conditional formats — all of them with their helper names, or (`area`) only those
    inside a block that was cleared. No input messages: xlwings cannot write a validation's message.
    Returns how many rules were drawn."""
    if area is None:
        for name, formula in helper_names(layout).items():
            sheet.names.add(name, formula)
    checks = native_checks(layout, (area[0], area[2]) if area else None)
    checks = [check for check in checks if area is None or _columns_inside(check.ref, area)]
    for check in reversed(checks):  # xlwings puts each new rule first: the errors, drawn last, end on top
        rule = "=" + check.formula
        sheet.range(check.ref).conditional_formats.add_custom(rule, fill_color="#" + COLORS[check.severity])
    return len(checks)


def _columns_inside(ref: str, area: Area) -> bool:
    _, left, _, right = area_cells(ref)
    return area[1] <= left and right <= area[3]


def sheet_form(sheet: Any) -> FormLayout | None:
    """The layout of the form on this sheet, if it carries twins (its `pg_twin_rows` name says where its
    indicator rows are now); read from the sheet, since the filler's names are not copied with a sheet."""
    rows = None
    for name in sheet.names:
        if name.name.split("!")[-1] == HELPER_NAMES["rows"]:
            areas = parse_refers_to(name.refers_to)
            rows = area_cells(areas[0][1]) if areas else None
    if rows is None:
        return None
    for table in read_tables(read_grid(sheet)):
        layout = layout_from_table(table, (rows[0], rows[2]))
        if layout is not None:
            return layout
    return None


def redraw_cleared(book: Any, cleared: list[tuple[str, str]]) -> int:
    """After the remote engine cleared the rules of these blocks ((sheet, ref)), the twins they covered."""
    drawn = 0
    forms: dict[str, FormLayout | None] = {}
    for sheet_name, ref in cleared:
        if sheet_name not in forms:
            forms[sheet_name] = sheet_form(book.sheets[sheet_name])
        layout = forms[sheet_name]
        if layout is not None:
            drawn += draw_native_checks(book.sheets[sheet_name], layout, area_cells(ref))
    return drawn
