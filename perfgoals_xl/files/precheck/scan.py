"""What the precheck learns while it walks a package: the used rectangle of each sheet, error values,
formulas without results, percent cells; the XML helpers and the Chinese messages every format shares."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from perfgoals_xl.core.grid import address, column_letter
from perfgoals_xl.core.models import CellNotice
from perfgoals_xl.files.errors import ReadError, corrupt
from perfgoals_xl.files.precheck.limits import (
    CHUNK,
    EXCEL_COLUMNS,
    EXCEL_ROWS,
    MAX_PERCENT_CELLS,
    MAX_SHEET_CELLS,
)


@dataclass
class Box:
    """The used rectangle of one sheet (1-based, inclusive), as calamine will allocate it."""

    top: int = 0
    left: int = 0
    bottom: int = 0
    right: int = 0

    def add(self, row: int, col: int, last_row: int | None = None, last_col: int | None = None) -> None:
        last_row, last_col = last_row or row, last_col or col
        if not self.top:
            self.top, self.left, self.bottom, self.right = row, col, last_row, last_col
            return
        self.top, self.left = min(self.top, row), min(self.left, col)
        self.bottom, self.right = max(self.bottom, last_row), max(self.right, last_col)

    @property
    def cells(self) -> int:
        return (self.bottom - self.top + 1) * (self.right - self.left + 1) if self.top else 0

    @property
    def bounds(self) -> tuple[int, int, int, int]:
        return self.top, self.left, self.bottom, self.right


@dataclass
class Scan:
    """What the precheck learnt that the read needs: error values, formulas without results, percent cells."""

    errors: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)
    notices: list[CellNotice] = field(default_factory=list)
    # sheet → (row, col) of numeric cells shown as a percentage; MAX_PERCENT_CELLS in all
    percent: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    percent_count: int = 0
    # .xlsx/.xlsm: finds the cell tags whose style (`s`) is a percent format; None when no style is one
    percent_cell: re.Pattern[bytes] | None = None

    def add_percent(self, sheet: str, top: int, left: int, bottom: int, right: int) -> None:
        """Record the cells top..bottom × left..right, as long as the book's cap allows."""
        cells = self.percent.setdefault(sheet, set())
        for row in range(top, bottom + 1):
            for col in range(left, right + 1):
                if self.percent_count >= MAX_PERCENT_CELLS:
                    return
                cells.add((row, col))
                self.percent_count += 1


def chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


_DOCTYPE = re.compile(rb"<!\s*(?i:doctype|entity)")


def check_prolog(path: Path, part: str, chunk: bytes) -> None:
    """No DOCTYPE (and so no entity declaration) in an XML part: Excel never writes one, and a billion-laughs
    bomb or an external entity needs one. Checked in every piece of every part (`<!` is rare and quick to
    find), so neither a long prolog nor a DOCTYPE later in the part slips through."""
    if b"<!" in chunk and _DOCTYPE.search(chunk):
        raise _hostile_xml(path, part)


def _where(part: str) -> str:
    """A worksheet is named by its sheet name, any other part by its path in the package."""
    return f"部件“{part}”" if part.endswith((".xml", ".rels", ".bin")) else f"工作表“{part}”"


def _hostile_xml(path: Path, part: str) -> ReadError:
    return ReadError(
        "corrupt",
        f"文件“{path.name}”的{_where(part)}含有 XML 实体声明（DOCTYPE/ENTITY），Excel 不会生成这样的文件，"
        "可能是恶意构造的（实体膨胀或外部实体引用），已拒绝读取。",
    )


def drain(path: Path, part: str, stream: IO[bytes]) -> None:
    """Inflate a part to its end (zipfile checks its size and CRC); an XML part must declare no DOCTYPE."""
    tail = b""
    for chunk in chunks(stream):
        if not part.endswith(".bin"):
            check_prolog(path, part, tail + chunk)  # the overlap keeps a `<!DOCTYPE` cut in two whole
            tail = chunk[-16:]


CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
CELL_CANONICAL = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"([^>]*)>')
FORMULA_CELL = re.compile(
    rb"<c\s([^>]*?)>\s*<f\b[^>]*?(?:/>|>([^<]*)</f>)\s*(?:<v\s*/>|<v>([^<]*)</v>)?\s*(?:<is>.*?</is>\s*)?</c>",
    re.DOTALL,
)
ERROR_CELL = re.compile(rb"<c\s([^>/]*?\bt\s*=\s*[\"']e[\"'][^>/]*)>(.*?)</c>", re.DOTALL)
ATTR_R = re.compile(rb"\br\s*=\s*[\"']([A-Za-z]+)([0-9]+)[\"']")
ATTR_T = re.compile(rb"\bt\s*=\s*[\"']([A-Za-z]+)[\"']")
VALUE = re.compile(rb"<v>([^<]*)</v>")


def tag_chunks(path: Path, part: str, stream: IO[bytes], keep: bytes = b"<") -> Iterator[bytes]:
    """The part in pieces that never split a tag (nor, with keep=b"</c>", a cell); no DOCTYPE in any."""
    carry = b""
    for chunk in chunks(stream):
        data = carry + chunk
        check_prolog(path, part, data)
        cut = data.rfind(keep)
        cut = cut + len(keep) if cut > 0 and keep != b"<" else cut
        if cut <= 0:
            cut = data.rfind(b"<")
        if cut <= 0:
            if len(data) > _MAX_TAG:
                raise corrupt(path, f"{_where(part)}中有超长的 XML 标记")
            carry = data
            continue
        carry = data[cut:]
        yield data[:cut]
    if carry:
        yield carry


_MAX_TAG = 4 << 20


def check_box(path: Path, sheet: str, box: Box) -> None:
    if box.bottom > EXCEL_ROWS or box.right > EXCEL_COLUMNS or box.cells > MAX_SHEET_CELLS:
        raise sheet_too_large(path, sheet, box.bounds)


def sheet_too_large(path: Path, sheet: str, bounds: tuple[int, int, int, int]) -> ReadError:
    top, left, bottom, right = bounds
    if bottom > EXCEL_ROWS or right > EXCEL_COLUMNS:
        return corrupt(
            path, f"工作表“{sheet}”有单元格位于第 {bottom:,} 行、第 {right:,} 列，超出 Excel 的范围"
        )
    cells = (bottom - top + 1) * (right - left + 1)
    return ReadError(
        "too_large",
        f"文件“{path.name}”的工作表“{sheet}”数据区域为 {address(top, left)}:{address(bottom, right)}"
        f"（{bottom - top + 1:,} 行 × {right - left + 1:,} 列，共 {cells:,} 个单元格），超出安全上限 "
        f"{MAX_SHEET_CELLS:,} 个单元格，已拒绝读取；内容一直延伸到第 {bottom:,} 行、第 {column_letter(right)} 列，"
        "请删除表格以外的多余内容后再校验。",
    )


@functools.cache
def _attr_pattern(name: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"(?:^|\s)(?:[\w.-]+:)?" + name + rb"\s*=\s*[\"']([^\"']*)[\"']")


def xml_attr(attrs: bytes, name: bytes) -> str | None:
    match = _attr_pattern(name).search(attrs)
    return html.unescape(match.group(1).decode("utf-8", "replace")) if match else None
