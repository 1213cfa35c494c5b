"""Worksheet XML (.xlsx/.xlsm): the extent of the cells, formulas saved without results, error values and the
cells shown as percentages (the cell formats of xl/styles.xml matched against each cell's `s`)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from perfgoals_xl.core.grid import column_index, is_percent_format
from perfgoals_xl.core.models import CellNotice
from perfgoals_xl.files.errors import ReadError
from perfgoals_xl.files.precheck.limits import (
    EXCEL_COLUMNS,
    EXCEL_ROWS,
    MAX_CELL_FORMATS,
    MAX_PERCENT_CELLS,
    MAX_SHEET_CELLS,
)
from perfgoals_xl.files.precheck.scan import (
    ATTR_R,
    ATTR_T,
    CELL_CANONICAL,
    CELL_TAG,
    ERROR_CELL,
    FORMULA_CELL,
    VALUE,
    Box,
    Scan,
    check_box,
    sheet_too_large,
    tag_chunks,
    xml_attr,
)

_STYLE_TAG = re.compile(
    rb"<(/?)(?:[\w.-]+:)?(numFmts|numFmt|cellXfs|xf)(?=[\s/>])((?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+)>"
)
_FORMAT_CODE = re.compile(rb"(?:^|\s)formatCode\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_BUILTIN_PERCENT = (9, 10)  # Excel's built-in 0% and 0.00%


def percent_styles(path: Path, stream: IO[bytes]) -> list[int]:
    """The indices of the cell formats (`<xf>` of `<cellXfs>`, what a cell's `s` points to) showing percent.

    Custom number formats (`<numFmts>`) are judged by is_percent_format; built-in ids 9 and 10 are
    percentages. Only the first MAX_CELL_FORMATS cell formats are looked at (Excel itself allows ~64,000).
    """
    custom: dict[int, bool] = {}  # numFmtId → shows percent
    formats: list[int] = []  # numFmtId of each cell format, in order
    section = b""
    for data in tag_chunks(path, "xl/styles.xml", stream):
        for closing, kind, attrs in _STYLE_TAG.findall(data):
            empty = attrs.endswith(b"/")
            if kind in (b"numFmts", b"cellXfs"):
                section = b"" if closing or empty else kind
            elif closing:
                continue
            elif kind == b"numFmt" and section == b"numFmts" and len(custom) < MAX_CELL_FORMATS:
                number, code = xml_attr(attrs, b"numFmtId"), _FORMAT_CODE.search(attrs)
                if number and number.strip().isdigit() and code:
                    text = html.unescape((code.group(1) or code.group(2) or b"").decode("utf-8", "replace"))
                    custom[int(number)] = is_percent_format(text)
            elif kind == b"xf" and section == b"cellXfs" and len(formats) < MAX_CELL_FORMATS:
                number = xml_attr(attrs, b"numFmtId")
                formats.append(int(number) if number and number.strip().isdigit() else 0)
    return [index for index, number in enumerate(formats) if custom.get(number, number in _BUILTIN_PERCENT)]


def percent_cell_pattern(styles: list[int]) -> re.Pattern[bytes] | None:
    """A pattern for the cell tags whose `s` is one of these styles: (attributes, "/" when it holds nothing)."""
    if not styles:
        return None
    numbers = b"|".join(str(index).encode() for index in styles)
    return re.compile(
        rb"<(?:[\w.-]+:)?c\s([^>]*?(?<![\w.:-])s\s*=\s*[\"'](?:" + numbers + rb")[\"'][^>]*?)(/?)>"
    )


_NOT_NUMBERS = {b"s", b"str", b"inlineStr", b"b", b"e", b"d"}  # t="n" or no t: a number


def _percent_cells(sheet: str, data: bytes, pattern: re.Pattern[bytes], scan: Scan) -> None:
    """Record this piece's numeric cells whose style is a percent format (cells without `r` are not)."""
    for attrs, empty in pattern.findall(data):
        if scan.percent_count >= MAX_PERCENT_CELLS:
            return
        if empty:
            continue
        kind, ref = ATTR_T.search(attrs), ATTR_R.search(attrs)
        if ref is None or (kind is not None and kind.group(1) in _NOT_NUMBERS):
            continue
        row, col = int(ref.group(2)), column_index(ref.group(1).decode())
        scan.add_percent(sheet, row, col, row, col)


def scan_xml_sheet(path: Path, sheet: str, reopen: Callable[[], IO[bytes]], scan: Scan) -> Box:
    """The used rectangle of a worksheet part, its error values, formulas without results and percent cells."""
    box = Box()
    tags = canonical = 0
    with reopen() as stream:
        for data in tag_chunks(path, sheet, stream, keep=b"</c>"):
            found = CELL_CANONICAL.findall(data)
            canonical += len(found)
            # every `<c` a canonical cell (the bulk of sheetData) spares the exact count of cell tags
            tags += len(found) if _only_canonical(data, len(found)) else len(CELL_TAG.findall(data))
            _extend(box, [(letters, row) for letters, row, rest in found if not rest.endswith(b"/")])
            if b"<f" in data:
                _formulas(sheet, data, scan)
            if b'"e"' in data or b"'e'" in data:
                _errors(sheet, data, scan)
            if scan.percent_cell is not None and scan.percent_count < MAX_PERCENT_CELLS:
                _percent_cells(sheet, data, scan.percent_cell, scan)
    check_box(path, sheet, box)
    if tags == canonical:
        return box
    if tags > MAX_SHEET_CELLS:  # walking each tag in Python is for the odd writer's small sheets only
        raise ReadError(
            "too_large",
            f"文件“{path.name}”的工作表“{sheet}”含 {tags:,} 个单元格标记，超出安全上限 {MAX_SHEET_CELLS:,}，"
            "已拒绝读取。",
        )
    with reopen() as stream:
        return _walk_xml_sheet(path, sheet, tag_chunks(path, sheet, stream))


_ODD_CELL_TAGS = (
    b"<c>",
    b"<c/",
    b"<c\t",
    b"<c\n",
    b"<c\r",
    b":c ",
    b":c>",
    b":c/",
    b":c\t",
    b":c\n",
    b":c\r",
)


def _only_canonical(data: bytes, canonical: int) -> bool:
    """Every cell tag of this piece is one of the `canonical` ones (`<c r="B7"…>`): no bare `<c>`, no prefix,
    no tab or line break after the name (`<cols>` and `<col>` are not cells and do not count)."""
    return data.count(b"<c ") == canonical and not any(odd in data for odd in _ODD_CELL_TAGS)


def _extend(box: Box, found: list[tuple[bytes, bytes]]) -> None:
    if not found:
        return
    letters = {letter for letter, _ in found}
    widest = max(letters, key=lambda text: (len(text), text))
    narrowest = min(letters, key=lambda text: (len(text), text))
    rows = [int(row) for row in {row for _, row in found}]  # canonical: no leading zeros
    box.add(min(rows), column_index(narrowest.decode()), max(rows), column_index(widest.decode()))


_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)\b([^>]*?)(/?)>")


def _walk_xml_sheet(path: Path, sheet: str, pieces: Iterator[bytes]) -> Box:
    """The used rectangle when some cells lack a canonical `r`: follow calamine's positions tag by tag.

    A cell without `r` is one right of the previous one; a row without `r` is one below the previous one.
    Cells that are closed at once (`<c .../>`) hold no value and are not counted.
    """
    box = Box()
    row = col = 0
    for match in (m for data in pieces for m in _TAG.finditer(data)):
        closing, kind, attrs, empty = match.groups()
        if closing:
            continue
        ref = ATTR_R.search(attrs) if kind == b"c" else re.search(rb"\br\s*=\s*[\"']([0-9]+)[\"']", attrs)
        if kind == b"row":
            row = int(ref.group(1)) if ref else row + 1
            col = 0
            continue
        if ref:
            col = column_index(ref.group(1).decode())
            row = int(ref.group(2)) or row
        else:
            col += 1
        if row > EXCEL_ROWS or col > EXCEL_COLUMNS:
            raise sheet_too_large(path, sheet, (1, 1, max(row, 1), max(col, 1)))
        if not empty:
            box.add(max(row, 1), max(col, 1))
            check_box(path, sheet, box)
    return box


def _formulas(sheet: str, data: bytes, scan: Scan) -> None:
    for match in FORMULA_CELL.finditer(data):
        attrs, formula, value = match.groups()
        kind = ATTR_T.search(attrs)
        if value or (value is not None and kind and kind.group(1) == b"str"):
            continue  # a result is stored (an empty text result only with t="str")
        ref = ATTR_R.search(attrs)
        if ref is None:
            continue
        text = html.unescape((formula or b"").decode("utf-8", "replace"))
        row, col = int(ref.group(2)), column_index(ref.group(1).decode())
        scan.notices.append(CellNotice(sheet, row, col, text))


def _errors(sheet: str, data: bytes, scan: Scan) -> None:
    for match in ERROR_CELL.finditer(data):
        attrs, inner = match.groups()
        ref, value = ATTR_R.search(attrs), VALUE.search(inner)
        if ref is None or value is None:
            continue
        text = html.unescape(value.group(1).decode("utf-8", "replace")).strip()[:40]
        if text:
            cells = scan.errors.setdefault(sheet, {})
            cells[(int(ref.group(2)), column_index(ref.group(1).decode()))] = text
