"""OpenDocument spreadsheets (.ods): content.xml walked for rows, repeats and percentage cells."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import IO

from perfgoals_xl.files.errors import ReadError
from perfgoals_xl.files.precheck.limits import MAX_SHEET_CELLS
from perfgoals_xl.files.precheck.scan import Box, Scan, check_box, tag_chunks

_ODS_TAG = re.compile(
    rb"<(/?)(?:[\w.-]+:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>|<[A-Za-z]"
)
_ODS_ROWS = re.compile(rb"number-rows-repeated\s*=\s*[\"']\s*([0-9]+)")
_ODS_COLUMNS = re.compile(rb"number-columns-repeated\s*=\s*[\"']\s*([0-9]+)")
_ODS_NAME = re.compile(rb"\bname\s*=\s*[\"']([^\"']*)[\"']")
_ODS_VALUE = re.compile(rb"value-type\s*=")
_ODS_PERCENT = re.compile(rb"value-type\s*=\s*[\"']percentage[\"']")
_MAX_ODS_TAGS = 5 * MAX_SHEET_CELLS  # a cell is two or three tags (cell, paragraph)


def scan_ods(path: Path, stream: IO[bytes], scan: Scan) -> int:
    """The cells of every table of an OpenDocument spreadsheet, with row and column repeats applied.

    LibreOffice ends every sheet with empty cells repeated to column 1024 or 16384 and rows repeated to
    1048576; calamine skips those, so only cells with a value type or some content count. Cells of value
    type `percentage` (calamine reads 95% as 0.95) are recorded in `scan.percent`.
    """
    total = tags = 0
    sheet, box = "content.xml", Box()
    row, col, row_repeat = 1, 1, 1
    pending: tuple[int, int] | None = None  # a cell whose content is not known yet: (column, repeat)

    def close_cell() -> None:
        nonlocal pending
        if pending is not None:
            first, repeat = pending
            box.add(row, first, row + row_repeat - 1, first + repeat - 1)
            check_box(path, sheet, box)
        pending = None

    for data in tag_chunks(path, "content.xml", stream):
        for match in _ODS_TAG.finditer(data):
            tags += 1
            if tags > _MAX_ODS_TAGS:
                raise ReadError(
                    "too_large", f"文件“{path.name}”的内容过多（超过 {_MAX_ODS_TAGS:,} 个标记），已拒绝读取。"
                )
            closing, kind, attrs, empty = match.groups()
            if kind is None:  # another element starting: the open cell has content
                close_cell()
                continue
            if closing:
                if kind in (b"table-cell", b"covered-table-cell"):
                    pending = None
                elif kind == b"table-row":
                    row, row_repeat = row + row_repeat, 1
                elif kind == b"table":
                    total += box.cells
                continue
            if kind == b"table":
                name = _ODS_NAME.search(attrs)
                sheet = html.unescape(name.group(1).decode("utf-8", "replace")) if name else "?"
                box, row, col, row_repeat = Box(), 1, 1, 1
            elif kind == b"table-row":
                repeat = _ODS_ROWS.search(attrs)
                row_repeat, col = (max(1, int(repeat.group(1))) if repeat else 1), 1
                if empty:
                    row, row_repeat = row + row_repeat, 1
            else:
                repeat = _ODS_COLUMNS.search(attrs)
                columns = max(1, int(repeat.group(1))) if repeat else 1
                pending = (col, columns)
                if _ODS_VALUE.search(attrs):
                    close_cell()  # bounds the repeats before they are recorded as percent cells
                    if _ODS_PERCENT.search(attrs):
                        scan.add_percent(sheet, row, col, row + row_repeat - 1, col + columns - 1)
                elif empty:
                    pending = None
                col += columns
    return total
