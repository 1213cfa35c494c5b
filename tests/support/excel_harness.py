"""Test harness for the Excel layer on Linux, built on xlwings' remote engine (xlwings 0.37.8).

- `payload_from_xlsx` turns a real .xlsx into the JSON an Excel client sends to the remote engine, so the
  same code the ribbon runs can be driven with `xw.Book(json=payload)`.
- `replay_actions` applies the actions that `book.json()["actions"]` returns onto a copy of the .xlsx with
  openpyxl, so a test can check the cells Excel would end up with (values, fills, notes, names, links).

The payload mirrors the Office.js client of xlwings-server 1.20.0 (`getBookData`: values from A1 to the last
cell holding a value, dates as ISO strings, note addresses, every defined name with its formula) and, with
`client="VBA"`, the VBA client in `xlwings/addin/Remote.bas`. See docs/xlwings-remote.md for what was
verified. The remote engine is PolyForm Noncommercial; it needs XLWINGS_LICENSE_KEY before the import.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.formula.translate import Translator
from openpyxl.styles import Font, PatternFill, Side
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import absolute_coordinate, get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

# The remote engine registers only if the licence key is set before xlwings is imported.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import xlwings as xw
from xlwings.pro._xlremote import _rename_sheet_in_formula

__all__ = ["UnknownActionError", "payload_from_xlsx", "replay_actions"]

CLIENTS = ("Office.js", "VBA")
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384
EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # serial 0: what a time-only cell turns into on the client
NOTE_AUTHOR = "xlwings"

_VISIBILITY = {"visible": "Visible", "hidden": "Hidden", "veryHidden": "VeryHidden"}
_SHEET_STATE = {value: key for key, value in _VISIBILITY.items()}
_CALCULATION = {"auto": "Automatic", "manual": "Manual", "autoNoTable": "AutomaticExceptTables"}

# One area of a reference: Sheet!A1, 'My sheet'!$A$1:$G$3, Sheet!A:A, Sheet!3:5.
_AREA = re.compile(
    r"(?:'(?P<quoted>(?:[^']|'')+)'|(?P<plain>[^'!\[\]():,=+*/^&<>\"%{}\s-]+))!"
    r"(?P<ref>\$?[A-Za-z]{1,3}\$?[1-9][0-9]*(?::\$?[A-Za-z]{1,3}\$?[1-9][0-9]*)?"
    r"|\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|\$?[1-9][0-9]*:\$?[1-9][0-9]*)"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?")


# --------------------------------------------------------------------------- payload


def payload_from_xlsx(
    path: Path, active_sheet: int | str = 0, selection: str | None = None, client: str = "Office.js"
) -> dict:
    """Return the JSON payload an Excel client would send for this workbook (`xw.Book(json=payload)`).

    `active_sheet` is a 0-based index or a sheet name; `selection` defaults to the selection saved in the
    file for that sheet (or A1). Pass a fresh payload to every `xw.Book`: the engine keeps it as its
    snapshot and mutates it.
    """
    if client not in CLIENTS:
        raise ValueError(f"client must be one of {CLIENTS}, not {client!r}")
    office = client == "Office.js"
    wb = openpyxl.load_workbook(path, data_only=True)
    active = _sheet_index(wb, active_sheet)
    if selection is None:
        selection = _saved_selection(wb.worksheets[active], office)
    book: dict[str, Any] = {"name": Path(path).name, "active_sheet_index": active, "selection": selection}
    if office:
        book["calculation"] = _CALCULATION.get(wb.calculation.calcMode or "auto", "Automatic")
    payload = {
        "client": client,
        "version": xw.__version__,
        "book": book,
        "names": _names(wb, office),
        "sheets": [_sheet_payload(ws, office) for ws in wb.worksheets],
    }
    # Exactly what survives the trip through JSON (tuples become lists, and so on).
    return json.loads(json.dumps(payload))


def _sheet_index(wb: Workbook, sheet: int | str) -> int:
    if isinstance(sheet, int):
        if not 0 <= sheet < len(wb.worksheets):
            raise IndexError(f"no sheet at index {sheet}")
        return sheet
    return wb.sheetnames.index(sheet)


def _saved_selection(ws: Worksheet, office: bool) -> str | None:
    """The selection stored in the file, as the client reports it (no sheet name, no `$`)."""
    selections = ws.sheet_view.selection
    sqref = (selections[0].sqref if selections else None) or "A1"
    areas = str(sqref).split()
    if len(areas) > 1:
        # Office.js cannot read a multi-area selection and sends null; VBA sends "A1,C3".
        return None if office else ",".join(areas)
    return areas[0].replace("$", "")


def _sheet_payload(ws: Worksheet, office: bool) -> dict:
    """One entry of payload["sheets"]; Office.js gets the extra metadata its client sends."""
    used = _values_used_range(ws)
    if office:
        # Office.js: getUsedRangeOrNullObject(valuesOnly=true), then values of A1:<its last cell>.
        last_row, last_col = (used[2], used[3]) if used else (1, 1)
        values = _values(ws, last_row, last_col)
    elif used is None and ws.max_row == 1 and ws.max_column == 1:
        values = [[]]  # VBA: IsEmpty(UsedRange.Value)
    else:
        # VBA: A1 to the end of COM's UsedRange, which formatting-only cells extend too.
        values = _values(ws, ws.max_row, ws.max_column)
    entry: dict[str, Any] = {
        "name": ws.title,
        "values": values,
        "pictures": [],  # images are not modelled; perfgoals never touches them
        "tables": [_table(table, office) for table in ws.tables.values()],
    }
    if not office:
        return entry
    address = None
    if used:
        address = _a1(used[0], used[1]) + ("" if used[:2] == used[2:] else ":" + _a1(used[2], used[3]))
    entry.update(
        {
            "visibility": _VISIBILITY[ws.sheet_state],
            "show_gridlines": ws.sheet_view.showGridLines is not False,
            "print_area": _print_area(ws),
            "notes": _notes(ws),
            "notes_supported": True,  # ExcelApi 1.18
            "used_range_address": address,
            "used_range_row_count": used[2] - used[0] + 1 if used else 0,
            "used_range_column_count": used[3] - used[1] + 1 if used else 0,
            "shapes": [],
            "charts": [],
            "pivot_tables": [],
        }
    )
    return entry


def _values_used_range(ws: Worksheet) -> tuple[int, int, int, int] | None:
    """(min_row, min_col, max_row, max_col) of the cells holding a value, or None for an empty sheet."""
    rows: list[int] = []
    cols: list[int] = []
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None and cell.value != "":
                rows.append(cell.row)
                cols.append(cell.column)
    if not rows:
        return None
    return min(rows), min(cols), max(rows), max(cols)


def _values(ws: Worksheet, last_row: int, last_col: int) -> list[list[Any]]:
    return [
        [_json_value(value) for value in row]
        for row in ws.iter_rows(min_row=1, max_row=last_row, min_col=1, max_col=last_col, values_only=True)
    ]


def _json_value(value: Any) -> Any:
    """A cell value as the client sends it: "" for empty, JSON numbers, ISO strings for dates."""
    if value is None:
        return ""
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        # JSON.stringify(3.0) is "3", which Python parses back as int.
        return int(value) if math.isfinite(value) and value.is_integer() and abs(value) < 1e21 else value
    if isinstance(value, dt.datetime):
        return _iso(value)
    if isinstance(value, dt.date):
        return _iso(dt.datetime.combine(value, dt.time()))
    if isinstance(value, dt.time):
        return _iso(dt.datetime.combine(EXCEL_EPOCH.date(), value))
    if isinstance(value, dt.timedelta):
        return _iso(EXCEL_EPOCH + value)
    return str(value)


def _iso(value: dt.datetime) -> str:
    """JavaScript's Date.toISOString() of the serial, which both clients send as local wall time + 'Z'."""
    value = value.replace(tzinfo=None)
    millis = round(value.microsecond / 1000)
    value = value.replace(microsecond=0) + dt.timedelta(milliseconds=millis)
    return value.isoformat(timespec="milliseconds") + "Z"


def _a1(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def _notes(ws: Worksheet) -> list[dict[str, str]]:
    """Which cells have a note (the text is never sent)."""
    return [{"address": cell.coordinate} for row in ws.iter_rows() for cell in row if cell.comment]


def _print_area(ws: Worksheet) -> str | None:
    area = ws.print_area
    if not area:
        return None
    areas = area if isinstance(area, list | tuple) else str(area).split(",")
    return ",".join(str(a).rsplit("!", 1)[-1].replace("$", "") for a in areas)


def _table(table: Any, office: bool) -> dict:
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    headers = table.headerRowCount is None or table.headerRowCount > 0
    totals = bool(table.totalsRowCount)
    body_top = min_row + (1 if headers else 0)
    body_bottom = max_row - (1 if totals else 0)
    style = table.tableStyleInfo

    def address(top: int, bottom: int) -> str:
        text = f"{_a1(top, min_col)}:{_a1(bottom, max_col)}"
        return text if office else absolute_coordinate(text)  # VBA sends Range.Address: $A$1:$C$5

    entry: dict[str, Any] = {
        "name": table.displayName or table.name,
        "range_address": address(min_row, max_row),
        "header_row_range_address": address(min_row, min_row) if headers else None,
        "data_body_range_address": address(body_top, body_bottom) if body_bottom >= body_top else None,
        "total_row_range_address": address(max_row, max_row) if totals else None,
        "show_headers": headers,
        "show_totals": totals,
        "table_style": style.name if style else None,
        "show_autofilter": table.autoFilter is not None,
    }
    if office:
        entry.update(
            {
                "row_count": max_row - min_row + 1,
                "column_count": max_col - min_col + 1,
                "columns": [column.name for column in table.tableColumns],
                "show_table_style_first_column": bool(style and style.showFirstColumn),
                "show_table_style_last_column": bool(style and style.showLastColumn),
                "show_table_style_row_stripes": bool(style and style.showRowStripes),
                "show_table_style_column_stripes": bool(style and style.showColumnStripes),
            }
        )
    return entry


def _names(wb: Workbook, office: bool) -> list[dict]:
    """payload["names"]: book-scope names, then each sheet's own names (hidden names included)."""
    scoped: list[tuple[DefinedName, int | None]] = [(dn, None) for dn in wb.defined_names.values()]
    for ix, ws in enumerate(wb.worksheets):
        scoped += [(dn, ix) for dn in ws.defined_names.values()]
    entries = []
    for dn, scope in scoped:
        if dn.name.startswith("_xlnm."):
            continue  # print areas and filter databases live on the sheet in openpyxl
        entry = _name_entry(wb, dn, scope, office)
        if entry is not None:
            entries.append(entry)
    return entries


def _name_entry(wb: Workbook, dn: DefinedName, scope: int | None, office: bool) -> dict | None:
    formula = "=" + (dn.attr_text or "")
    areas = _reference_areas(wb, dn.attr_text or "")
    scope_name = wb.worksheets[scope].title if scope is not None else None
    if office:
        # Office.js (named-items.js): getRangeOrNullObject() is null for multi-area references.
        single = areas[0] if areas and len(areas) == 1 else None
        return {
            "name": dn.name,
            "refers_to": formula,
            "type": "Range" if areas else _constant_type(dn.attr_text or ""),
            "sheet_index": single[0] if single else None,
            "address": single[1] if single else None,
            "scope_sheet_name": scope_name,
            "scope_sheet_index": scope,
            "book_scope": scope is None,
        }
    # VBA: only names whose RefersToRange resolves (all areas on one sheet); Address(False, False).
    if not areas or len({sheet for sheet, _ in areas}) != 1:
        return None
    name = dn.name if scope_name is None else f"{_quote_sheet(scope_name)}!{dn.name}"
    return {
        "name": name,
        "sheet_index": areas[0][0],
        "address": ",".join(address for _, address in areas),
        "book_scope": scope is None,
        "scope_sheet_name": scope_name,
        "scope_sheet_index": scope,
    }


def _reference_areas(wb: Workbook, text: str) -> list[tuple[int, str]] | None:
    """[(sheet index, "A3:G3"), ...] if `text` is a plain (multi-area) reference to existing sheets."""
    areas = []
    for part in _split_top_level(text):
        match = _AREA.fullmatch(part.strip())
        if match is None:
            return None
        sheet = (match["quoted"] or "").replace("''", "'") or match["plain"]
        if sheet not in wb.sheetnames:
            return None
        areas.append((wb.worksheets.index(wb[sheet]), match["ref"].replace("$", "").upper()))
    return areas or None


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside quotes, brackets and parentheses."""
    parts, depth, quote, current = [], 0, "", []
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _constant_type(text: str) -> str | None:
    """Office.js NamedItemType for a definition that is not a reference (None: a formula, not evaluated)."""
    text = text.strip()
    if text.upper() in ("TRUE", "FALSE"):
        return "Boolean"
    if text.startswith('"'):
        return "String"
    if text.startswith("{"):
        return "Array"
    if text.startswith("#"):
        return "Error"
    try:
        number = float(text)
    except ValueError:
        return None
    return "Integer" if number.is_integer() and "." not in text else "Double"


def _quote_sheet(name: str) -> str:
    if re.fullmatch(r"[^\W\d][\w.]*", name) and not re.fullmatch(r"[A-Za-z]{1,3}[0-9]+", name):
        return name
    return "'" + name.replace("'", "''") + "'"


# --------------------------------------------------------------------------- replay


class UnknownActionError(NotImplementedError):
    """The code emitted an action the replay does not model: extend the harness (and check the client)."""


Handler = Callable[[Workbook, dict], None]


def replay_actions(src: Path, actions: list[dict], dst: Path, log: list[str] | None = None) -> list[dict]:
    """Apply `book.json()["actions"]` to a copy of `src` saved as `dst`; return the `alert` actions.

    Every action is checked against the models below (an unknown `func` raises `UnknownActionError`);
    `log`, if given, receives one line per action ("func sheet!range args").
    """
    wb = openpyxl.load_workbook(src, keep_vba=Path(src).suffix.lower() in (".xlsm", ".xlam"))
    alerts: list[dict] = []
    for action in actions:
        func = action.get("func")
        handler = _HANDLERS.get(func)
        if handler is None:
            raise UnknownActionError(f"replay does not model the action {func!r}: {action}")
        if log is not None:
            log.append(_describe(wb, action))
        handler(wb, action)
        if func == "alert":
            alerts.append(action)
    wb.save(dst)
    return alerts


def _describe(wb: Workbook, action: dict) -> str:
    where = ""
    if action.get("sheet_position") is not None and action["sheet_position"] < len(wb.worksheets):
        where = wb.worksheets[action["sheet_position"]].title
        if action.get("start_row") is not None:
            where += "!" + _range_text(_bounds(wb.worksheets[action["sheet_position"]], action))
    return " ".join(filter(None, [action["func"], where, json.dumps(action.get("args"), ensure_ascii=False)]))


def _sheet(wb: Workbook, action: dict) -> Worksheet:
    return wb.worksheets[action["sheet_position"]]


def _bounds(ws: Worksheet, action: dict) -> tuple[int, int, int, int]:
    """(top, left, bottom, right), 1-based; whole rows/columns are cut to the sheet's current extent."""
    top, left = action["start_row"] + 1, action["start_column"] + 1
    rows, cols = action["row_count"], action["column_count"]
    bottom = top + rows - 1 if rows < MAX_ROWS else max(ws.max_row, top)
    right = left + cols - 1 if cols < MAX_COLUMNS else max(ws.max_column, left)
    return top, left, bottom, right


def _range_text(bounds: tuple[int, int, int, int]) -> str:
    top, left, bottom, right = bounds
    first, last = _a1(top, left), _a1(bottom, right)
    return first if first == last else f"{first}:{last}"


def _cells(ws: Worksheet, action: dict) -> Iterator[Cell | MergedCell]:
    top, left, bottom, right = _bounds(ws, action)
    for row in ws.iter_rows(min_row=top, max_row=bottom, min_col=left, max_col=right):
        yield from row


def _argb(hex_color: str) -> str:
    return "FF" + hex_color.lstrip("#").upper()


def _from_json(value: Any) -> tuple[Any, bool]:
    """A value from setValues as Excel stores it, and whether it gets the quote prefix.

    Both clients hand the value to Excel as if typed (Office.js `range.values`, COM `Range.Value`): "" clears;
    a leading apostrophe keeps the rest as text (the quote prefix); `=…` is a formula, and so is an entry
    starting with `+`, `-` or `@` that is not a number (Excel stores `=+…`); numeric text becomes a number;
    ISO date strings (how xlwings sends dates) become dates."""
    if value == "" or value is None:
        return None, False
    if isinstance(value, str):
        if value.startswith("'"):
            return value[1:], True
        if _NUMBER.fullmatch(value.strip()):
            number = float(value)
            return int(number) if number.is_integer() and "." not in value else number, False
        if value.startswith(("+", "-", "@")):
            return "=" + value, False
        if _DATE.fullmatch(value):
            return dt.date.fromisoformat(value), False
        if _DATETIME.fullmatch(value):
            return dt.datetime.fromisoformat(value.rstrip("Z").replace(" ", "T")), False
    return value, False


def _set_values(wb: Workbook, action: dict) -> None:
    ws = _sheet(wb, action)
    top, left = action["start_row"] + 1, action["start_column"] + 1
    for i, row in enumerate(action["values"]):
        for j, value in enumerate(row):
            cell = ws.cell(top + i, left + j)
            if not isinstance(cell, MergedCell):
                cell.value, prefixed = _from_json(value)
                if prefixed:  # text, however it starts
                    cell.data_type, cell.quotePrefix = "s", True


def _fill(hex_color: str | None) -> PatternFill:
    if hex_color is None:
        return PatternFill(fill_type=None)
    return PatternFill(fill_type="solid", fgColor=_argb(hex_color), bgColor=_argb(hex_color))


def _set_range_color(wb: Workbook, action: dict) -> None:
    fill = _fill(action["args"][0])
    for cell in _cells(_sheet(wb, action), action):
        cell.fill = fill


def _set_range_colors(wb: Workbook, action: dict) -> None:
    ws = _sheet(wb, action)
    top, left = action["start_row"] + 1, action["start_column"] + 1
    for i, row in enumerate(action["args"][0]):
        for j, color in enumerate(row):
            if color != "keep":
                ws.cell(top + i, left + j).fill = _fill(color)


def _note_cell(wb: Workbook, action: dict) -> Cell:
    cell = _sheet(wb, action)[action["args"][0].replace("$", "")]
    if isinstance(cell, MergedCell):
        raise ValueError(f"a note on the merged (non-anchor) cell {cell.coordinate} is not modelled")
    return cell


def _add_note(wb: Workbook, action: dict) -> None:
    cell = _note_cell(wb, action)
    if cell.comment is not None:
        raise ValueError(f"A note already exists on {cell.coordinate}")  # as the Office.js client does
    cell.comment = Comment(action["args"][1], NOTE_AUTHOR)


def _set_note_text(wb: Workbook, action: dict) -> None:
    cell = _note_cell(wb, action)
    if cell.comment is None:
        raise ValueError(f"There's no note on {cell.coordinate} to set the text of.")
    cell.comment = Comment(action["args"][1], cell.comment.author or NOTE_AUTHOR)


def _delete_note(wb: Workbook, action: dict) -> None:
    cell = _note_cell(wb, action)
    cell.comment = None  # the client ignores a missing note


def _set_font_property(wb: Workbook, action: dict) -> None:
    prop, value = action["args"]
    if prop not in ("bold", "italic", "size", "color", "name"):
        raise UnknownActionError(f"setFontProperty {prop!r} is not modelled")
    if prop == "color":
        value = _argb(value)
    elif prop in ("bold", "italic"):
        value = bool(value)
    for cell in _cells(_sheet(wb, action), action):
        font = copy.copy(cell.font)
        setattr(font, prop, value)
        cell.font = font


def _set_number_format(wb: Workbook, action: dict) -> None:
    for cell in _cells(_sheet(wb, action), action):
        cell.number_format = action["args"][0]


# xlwings (line_style, weight) <-> the single style an .xlsx stores per border side.
_BORDER_STYLE = {
    ("continuous", "hairline"): "hair",
    ("continuous", "thin"): "thin",
    ("continuous", "medium"): "medium",
    ("continuous", "thick"): "thick",
    ("dash", "hairline"): "dashed",
    ("dash", "thin"): "dashed",
    ("dash", "medium"): "mediumDashed",
    ("dash", "thick"): "mediumDashed",
    ("dash_dot", "hairline"): "dashDot",
    ("dash_dot", "thin"): "dashDot",
    ("dash_dot", "medium"): "mediumDashDot",
    ("dash_dot", "thick"): "mediumDashDot",
    ("dash_dot_dot", "hairline"): "dashDotDot",
    ("dash_dot_dot", "thin"): "dashDotDot",
    ("dash_dot_dot", "medium"): "mediumDashDotDot",
    ("dash_dot_dot", "thick"): "mediumDashDotDot",
}
_BORDER_PARTS = {
    "hair": ("continuous", "hairline"),
    "thin": ("continuous", "thin"),
    "medium": ("continuous", "medium"),
    "thick": ("continuous", "thick"),
    "dashed": ("dash", "thin"),
    "mediumDashed": ("dash", "medium"),
    "dashDot": ("dash_dot", "thin"),
    "mediumDashDot": ("dash_dot", "medium"),
    "dashDotDot": ("dash_dot_dot", "thin"),
    "mediumDashDotDot": ("dash_dot_dot", "medium"),
    "dotted": ("dot", "thin"),
    "double": ("double", "thick"),
    "slantDashDot": ("slant_dash_dot", "medium"),
}


def _border_style(line_style: str, weight: str) -> str:
    if line_style == "dot":
        return "dotted"
    if line_style == "double":
        return "double"
    if line_style == "slant_dash_dot":
        return "slantDashDot"
    return _BORDER_STYLE[(line_style, weight)]


def _updated_side(side: Side, attribute: str, value: Any) -> Side:
    line_style, weight = (
        _BORDER_PARTS.get(side.style, ("continuous", "thin")) if side.style else (None, "thin")
    )
    if attribute == "color":
        return Side(style=side.style, color=_argb(value))
    if attribute == "line_style":
        if value in (None, "none"):
            return Side(style=None)
        return Side(style=_border_style(value, weight), color=side.color)
    if attribute == "weight":
        return Side(style=_border_style(line_style or "continuous", value), color=side.color)
    raise UnknownActionError(f"setBorderProperty attribute {attribute!r} is not modelled")


def _set_border_property(wb: Workbook, action: dict) -> None:
    side_name, attribute, value = action["args"]
    ws = _sheet(wb, action)
    top, left, bottom, right = _bounds(ws, action)
    targets: list[tuple[int, int, str]] = []  # (row, col, openpyxl side)
    rows, cols = range(top, bottom + 1), range(left, right + 1)
    if side_name == "edge_top":
        targets = [(top, c, "top") for c in cols]
    elif side_name == "edge_bottom":
        targets = [(bottom, c, "bottom") for c in cols]
    elif side_name == "edge_left":
        targets = [(r, left, "left") for r in rows]
    elif side_name == "edge_right":
        targets = [(r, right, "right") for r in rows]
    elif side_name == "inside_horizontal":
        targets = [(r, c, "bottom") for r in rows[:-1] for c in cols] + [
            (r, c, "top") for r in rows[1:] for c in cols
        ]
    elif side_name == "inside_vertical":
        targets = [(r, c, "right") for r in rows for c in cols[:-1]] + [
            (r, c, "left") for r in rows for c in cols[1:]
        ]
    elif side_name in ("diagonal_down", "diagonal_up"):
        targets = [(r, c, side_name) for r in rows for c in cols]
    else:
        raise UnknownActionError(f"setBorderProperty side {side_name!r} is not modelled")
    for row, col, side in targets:
        cell = ws.cell(row, col)
        border = copy.copy(cell.border)
        if side.startswith("diagonal"):
            border.diagonal = _updated_side(border.diagonal, attribute, value)
            setattr(border, "diagonalDown" if side == "diagonal_down" else "diagonalUp", True)
        else:
            setattr(border, side, _updated_side(getattr(border, side), attribute, value))
        cell.border = border


def _add_hyperlink(wb: Workbook, action: dict) -> None:
    address, text, tip = action["args"]
    for cell in _cells(_sheet(wb, action), action):
        if isinstance(cell, MergedCell):
            continue
        if address.startswith("#"):  # a place in this workbook, e.g. #'绩效指标'!D5
            link = Hyperlink(ref=cell.coordinate, location=address[1:], tooltip=tip, display=text)
        else:
            link = Hyperlink(ref=cell.coordinate, target=address, tooltip=tip, display=text)
        cell.hyperlink = link
        cell.value = text
        font = copy.copy(cell.font)
        font.color, font.underline = "FF0563C1", "single"  # Excel's Hyperlink cell style
        cell.font = font


def _range_clear_contents(wb: Workbook, action: dict) -> None:
    for cell in _cells(_sheet(wb, action), action):
        if not isinstance(cell, MergedCell):
            cell.value = None


def _range_clear_formats(wb: Workbook, action: dict) -> None:
    ws = _sheet(wb, action)
    for cell in _cells(ws, action):
        cell.style = "Normal"
    # Excel's Clear Formats also removes conditional formats from those cells.
    _subtract_conditional_formats(ws, _bounds(ws, action))


def _range_clear(wb: Workbook, action: dict) -> None:
    _range_clear_contents(wb, action)
    _range_clear_formats(wb, action)


def _activate(wb: Workbook, index: int) -> None:
    ws = wb.worksheets[index]
    if ws.sheet_state != "visible":
        raise ValueError(f"cannot activate the hidden sheet {ws.title!r}")
    wb.active = index
    for other in wb.worksheets:
        other.sheet_view.tabSelected = other is ws


def _add_sheet(wb: Workbook, action: dict) -> None:
    # Office.js: worksheets.add(name); sheet.position = args[0]. It does NOT activate the new sheet
    # (the engine's snapshot says it is active; Excel does not follow until activateSheet/rangeSelect).
    position, name = action["args"]
    if name is None:
        number = 1
        while f"Sheet{number}" in wb.sheetnames:
            number += 1
        name = f"Sheet{number}"
    if name in wb.sheetnames:
        raise ValueError(f"a sheet named {name!r} already exists")
    wb.create_sheet(title=name, index=position)


def _set_sheet_name(wb: Workbook, action: dict) -> None:
    ws = _sheet(wb, action)
    old, new = ws.title, action["args"][0]
    ws.title = new
    # Excel rewrites references in defined names (and formulas, which openpyxl cannot rewrite).
    for dn in _all_defined_names(wb):
        if dn.attr_text:
            dn.attr_text = _rename_sheet_in_formula("=" + dn.attr_text, old, new)[1:]


def _sheet_delete(wb: Workbook, action: dict) -> None:
    # References to the sheet in names and formulas turn into #REF! in Excel; that is not modelled.
    index = action["sheet_position"]
    was_active = wb.active is wb.worksheets[index]
    wb.remove(wb.worksheets[index])
    if was_active:  # Excel shows the next visible sheet, else the one before
        order = [*range(index, len(wb.worksheets)), *reversed(range(index))]
        _activate(wb, next(i for i in order if wb.worksheets[i].sheet_state == "visible"))


def _whole_sheet(action: dict) -> dict:
    return {**action, "start_row": 0, "start_column": 0, "row_count": MAX_ROWS, "column_count": MAX_COLUMNS}


def _sheet_clear_contents(wb: Workbook, action: dict) -> None:
    _range_clear_contents(wb, _whole_sheet(action))


def _sheet_clear_formats(wb: Workbook, action: dict) -> None:
    _range_clear_formats(wb, _whole_sheet(action))


def _sheet_clear(wb: Workbook, action: dict) -> None:
    _range_clear(wb, _whole_sheet(action))


def _all_defined_names(wb: Workbook) -> list[DefinedName]:
    return [*wb.defined_names.values(), *(dn for ws in wb.worksheets for dn in ws.defined_names.values())]


def _activate_sheet(wb: Workbook, action: dict) -> None:
    _activate(wb, action["args"][0])


def _set_column_width(wb: Workbook, action: dict) -> None:
    # The remote engine sends points (Office.js columnWidth); an .xlsx stores characters of the default
    # font (Calibri 11: ~7 px per character + 5 px padding, 0.75 pt per px). An approximation.
    points = action["args"][0]
    characters = max(0.0, round((points / 0.75 - 5) / 7, 2))
    _, left, _, right = _bounds(_sheet(wb, action), action)
    for col in range(left, right + 1):
        _sheet(wb, action).column_dimensions[get_column_letter(col)].width = characters


def _set_row_height(wb: Workbook, action: dict) -> None:
    ws = _sheet(wb, action)
    top, _, bottom, _ = _bounds(ws, action)
    for row in range(top, bottom + 1):
        ws.row_dimensions[row].height = float(action["args"][0])  # points on both sides


def _set_autofit(wb: Workbook, action: dict) -> None:
    # Office.js: range.format.autofitRows()/autofitColumns(). Excel sizes them to their content, which openpyxl
    # cannot measure: the replay drops their fixed size, so the file leaves it to Excel, as autofit does.
    ws = _sheet(wb, action)
    top, left, bottom, right = _bounds(ws, action)
    if action["args"][0] == "rows":
        for row in range(top, bottom + 1):
            ws.row_dimensions.pop(row, None)
    else:
        for col in range(left, right + 1):
            ws.column_dimensions.pop(get_column_letter(col), None)


def _set_wrap_text(wb: Workbook, action: dict) -> None:
    for cell in _cells(_sheet(wb, action), action):
        alignment = copy.copy(cell.alignment)
        alignment.wrap_text = bool(action["args"][0])
        cell.alignment = alignment


def _range_merge(wb: Workbook, action: dict) -> None:
    ws = _sheet(wb, action)
    top, left, bottom, right = _bounds(ws, action)
    across = bool(action["args"][0])
    blocks = [(r, r) for r in range(top, bottom + 1)] if across else [(top, bottom)]
    for first, last in blocks:
        if (first, left) != (last, right):
            ws.merge_cells(start_row=first, start_column=left, end_row=last, end_column=right)


def _range_unmerge(wb: Workbook, action: dict) -> None:
    ws = _sheet(wb, action)
    top, left, bottom, right = _bounds(ws, action)
    for merged in list(ws.merged_cells.ranges):
        if not (
            merged.max_row < top or merged.min_row > bottom or merged.max_col < left or merged.min_col > right
        ):
            ws.unmerge_cells(merged.coord)


def _names_scope(wb: Workbook, book_scope: bool, scope_index: int | None) -> Any:
    return wb.defined_names if book_scope else wb.worksheets[scope_index].defined_names


def _names_add(wb: Workbook, action: dict) -> None:
    name, refers_to = action["args"]
    book_scope = action.get("sheet_position") is None
    names = _names_scope(wb, book_scope, action.get("sheet_position"))
    if name in names:
        raise ValueError(f"the name {name!r} already exists")
    # Office.js names.add() cannot hide a name: it is visible in Name Manager.
    names[name] = DefinedName(name, attr_text=str(refers_to).removeprefix("="))


def _name_delete(wb: Workbook, action: dict) -> None:
    _, _, name, _, book_scope, scope_index = action["args"]
    names = _names_scope(wb, bool(book_scope), scope_index)
    if name not in names:
        raise ValueError(f"no name {name!r} to delete")
    del names[name]


def _set_name_refers_to(wb: Workbook, action: dict) -> None:
    name, book_scope, scope_index, refers_to = action["args"]
    names = _names_scope(wb, bool(book_scope), scope_index)
    if name not in names:
        raise ValueError(f"no name {name!r} to change")
    names[name].attr_text = str(refers_to).removeprefix("=")


def _set_sheet_visibility(wb: Workbook, action: dict) -> None:
    ws = _sheet(wb, action)
    state = _SHEET_STATE[action["args"][0]]
    if state != "visible" and sum(s.sheet_state == "visible" for s in wb.worksheets if s is not ws) == 0:
        raise ValueError("the last visible sheet cannot be hidden")
    ws.sheet_state = state
    if state != "visible" and wb.active is ws:
        _activate(wb, next(i for i, s in enumerate(wb.worksheets) if s.sheet_state == "visible"))


def _range_select(wb: Workbook, action: dict) -> None:
    # Office.js range.select() shows the range's sheet and selects the range there.
    ws = _sheet(wb, action)
    _activate(wb, action["sheet_position"])
    top, left, bottom, right = _bounds(ws, action)
    for selection in ws.sheet_view.selection:
        selection.activeCell = _a1(top, left)
        selection.sqref = _range_text((top, left, bottom, right))


_CF_OPERATORS = {
    "Between": "between",
    "NotBetween": "notBetween",
    "EqualTo": "equal",
    "NotEqualTo": "notEqual",
    "GreaterThan": "greaterThan",
    "LessThan": "lessThan",
    "GreaterThanOrEqual": "greaterThanOrEqual",
    "LessThanOrEqual": "lessThanOrEqual",
}


def _add_conditional_format(wb: Workbook, action: dict) -> None:
    (spec,) = action["args"]
    ws = _sheet(wb, action)
    fill = _fill(spec["fill_color"]) if spec.get("fill_color") else None
    font = None
    if any(spec.get(k) is not None for k in ("font_color", "font_bold", "font_italic")):
        font = Font(
            color=_argb(spec["font_color"]) if spec.get("font_color") else None,
            bold=spec.get("font_bold"),
            italic=spec.get("font_italic"),
        )
    stop = bool(spec.get("stop_if_true"))
    if spec["type"] == "Custom":
        rule = FormulaRule(formula=[spec["formula"].removeprefix("=")], stopIfTrue=stop, fill=fill, font=font)
    elif spec["type"] == "CellValue":
        formulas = [str(spec["formula1"]).removeprefix("=")]
        if spec["operator"] in ("Between", "NotBetween"):
            formulas.append(str(spec["formula2"]).removeprefix("="))
        rule = CellIsRule(operator=_CF_OPERATORS[spec["operator"]], formula=formulas, stopIfTrue=stop)
        rule.dxf = DifferentialStyle(fill=fill, font=font)
    else:
        raise UnknownActionError(f"conditional format type {spec['type']!r} is not modelled")
    # New rules go to the top of Excel's rule order (priority 1).
    for cf in ws.conditional_formatting:
        for existing in cf.rules:
            existing.priority = (existing.priority or 0) + 1
    rule.priority = 1
    ws.conditional_formatting.add(_range_text(_bounds(ws, action)), rule)


def _clear_conditional_formats(wb: Workbook, action: dict) -> None:
    ws = _sheet(wb, action)
    _subtract_conditional_formats(ws, _bounds(ws, action))


def _subtract_conditional_formats(ws: Worksheet, bounds: tuple[int, int, int, int]) -> None:
    """Remove the cells in `bounds` from every conditional format, as range.conditionalFormats.clearAll().

    A formula is relative to the top-left cell of its range: when that cell goes, Excel re-bases the formula
    on the new top-left cell, so each remaining cell still reads what it read before."""
    top, left, bottom, right = bounds
    rebuilt = ConditionalFormattingList()
    for cf in ws.conditional_formatting:
        cells = {
            (r, c)
            for area in cf.sqref.ranges
            for r in range(area.min_row, area.max_row + 1)
            for c in range(area.min_col, area.max_col + 1)
            if not (top <= r <= bottom and left <= c <= right)
        }
        if not cells:
            continue
        anchor = min((area.min_row, area.min_col) for area in cf.sqref.ranges)
        runs = _row_runs(cells)
        for rule in cf.rules:
            rule.priority = rule.priority or 1
            if (new_anchor := min(cells)) != anchor:
                rule.formula = [_rebased(f, anchor, new_anchor) for f in rule.formula]
            rebuilt.add(" ".join(runs), rule)
    ws.conditional_formatting = rebuilt


def _rebased(formula: str, old: tuple[int, int], new: tuple[int, int]) -> str:
    origin, target = _range_text((*old, *old)), _range_text((*new, *new))
    return Translator(f"={formula}", origin=origin).translate_formula(target).removeprefix("=")


def _row_runs(cells: set[tuple[int, int]]) -> list[str]:
    """Cover a set of cells with one rectangle per run of consecutive columns in a row."""
    runs = []
    for row in sorted({r for r, _ in cells}):
        cols = sorted(c for r, c in cells if r == row)
        start = prev = cols[0]
        for col in [*cols[1:], None]:
            if col is not None and col == prev + 1:
                prev = col
                continue
            runs.append(_range_text((row, start, row, prev)))
            if col is not None:
                start = prev = col
    return runs


# Macros of the server flavour of perfgoals.xlam (vba/RibbonPerfgoalsServer.bas) that xlwings' VBA client runs
# through `runMacro`: name → what it does to the workbook.
MACROS: dict[str, Callable[[Workbook, list[Any]], None]] = {
    "PerfgoalsDeleteName": lambda wb, args: wb.defined_names.pop(str(args[0]), None),
}


def _run_macro(wb: Workbook, action: dict) -> None:
    name, *args = action["args"]
    if name not in MACROS:
        raise UnknownActionError(f"runMacro {name!r} is not modelled")
    MACROS[name](wb, args)


def _no_op(wb: Workbook, action: dict) -> None:
    """Screen updating, calculation mode, status bar and alerts leave no trace in the file."""


_HANDLERS: dict[str, Handler] = {
    "setValues": _set_values,
    "setRangeColor": _set_range_color,
    "setRangeColors": _set_range_colors,
    "addNote": _add_note,
    "setNoteText": _set_note_text,
    "deleteNote": _delete_note,
    "setFontProperty": _set_font_property,
    "setNumberFormat": _set_number_format,
    "setBorderProperty": _set_border_property,
    "addHyperlink": _add_hyperlink,
    "rangeClearContents": _range_clear_contents,
    "rangeClearFormats": _range_clear_formats,
    "rangeClear": _range_clear,
    "addSheet": _add_sheet,
    "setSheetName": _set_sheet_name,
    "sheetDelete": _sheet_delete,
    "sheetClear": _sheet_clear,
    "sheetClearContents": _sheet_clear_contents,
    "sheetClearFormats": _sheet_clear_formats,
    "activateSheet": _activate_sheet,
    "setColumnWidth": _set_column_width,
    "setRowHeight": _set_row_height,
    "setAutofit": _set_autofit,
    "setWrapText": _set_wrap_text,
    "rangeMerge": _range_merge,
    "rangeUnmerge": _range_unmerge,
    "namesAdd": _names_add,
    "nameDelete": _name_delete,
    "setNameRefersTo": _set_name_refers_to,
    "setSheetVisibility": _set_sheet_visibility,
    "rangeSelect": _range_select,
    "addConditionalFormat": _add_conditional_format,
    "clearConditionalFormats": _clear_conditional_formats,
    "runMacro": _run_macro,
    "alert": _no_op,
    "setScreenUpdating": _no_op,
    "setCalculation": _no_op,
    "setStatusBar": _no_op,
}


def run_handler(
    path: Path, handler: Any, out: Path, active_sheet: int | str = 0, client: str = "Office.js"
) -> tuple[Any, list[dict], list[dict]]:
    """Run a handler (the code a ribbon button runs) on a remote-engine book made from `path` as `client`
    sends it; replay its actions into `out`. Returns (outcome, actions, alerts)."""
    import xlwings as xw

    book = xw.Book(json=payload_from_xlsx(path, active_sheet=active_sheet, client=client))
    try:
        outcome = handler(book)
        actions = book.json()["actions"]
    finally:
        book.close()
    return outcome, actions, replay_actions(path, actions, out)
