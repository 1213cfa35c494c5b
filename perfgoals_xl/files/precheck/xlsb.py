"""Binary worksheets (.xlsb): BIFF12 records walked for the extent of the cells."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from perfgoals_xl.files.errors import ReadError
from perfgoals_xl.files.precheck.limits import EXCEL_COLUMNS, EXCEL_ROWS, MAX_PARSED_BYTES, MAX_SHEET_CELLS
from perfgoals_xl.files.precheck.scan import Box, sheet_too_large

_XLSB_ROW = 0x00
_XLSB_CELLS = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 62}  # cells with a value (blanks, types 1 and 12, hold none)
_XLSB_SHORT_CELLS = {13, 14, 15, 16, 17, 18}  # short forms: the column follows the previous cell's


def records(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(record type, payload start, payload size) of a BIFF12 stream; stops at a truncated record."""
    pos, end = 0, len(data)
    while pos < end:
        kind, pos = _varint(data, pos, 2)
        size, pos = _varint(data, pos, 4) if kind is not None else (None, pos)
        if kind is None or size is None or pos + size > end:
            return
        yield kind, pos, size
        pos += size


def _varint(data: bytes, pos: int, most: int) -> tuple[int | None, int]:
    """A BIFF12 7-bit varint of at most `most` bytes at `pos`: (value, next position); None if truncated."""
    value = shift = 0
    for _ in range(most):
        if pos >= len(data):
            return None, pos
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return value, pos


def scan_bin_sheet(path: Path, sheet: str, stream: IO[bytes]) -> Box:
    data = stream.read(MAX_PARSED_BYTES + 1)  # bounded by the declared sizes checked above
    box = Box()
    row = col = 0
    for count, (kind, start, size) in enumerate(records(data)):
        if count > 3 * MAX_SHEET_CELLS:
            raise ReadError(
                "too_large", f"文件“{path.name}”的工作表“{sheet}”记录过多，超出安全上限，已拒绝读取。"
            )
        if kind == _XLSB_ROW and size >= 4:
            row = struct.unpack_from("<I", data, start)[0] + 1
        elif kind in _XLSB_CELLS and size >= 4:
            col = struct.unpack_from("<I", data, start)[0] + 1
            box.add(max(row, 1), col)
        elif kind in _XLSB_SHORT_CELLS:
            col += 1
            box.add(max(row, 1), col)
        else:
            continue
        if box.bottom > EXCEL_ROWS or box.right > EXCEL_COLUMNS or box.cells > MAX_SHEET_CELLS:
            raise sheet_too_large(path, sheet, box.bounds)
    return box
