"""Layout changes a clerk or an export makes without changing what a table says, applied to rows of text.

Each change gives the new sheet (rows, merges, number formats, a cover sheet) and maps an original cell to
where it went, so the findings on the changed sheet can be compared with the original's, cell by cell.
The tables in tests/corpus/real and the bundled samples are the originals (tests/core/test_layout_invariance.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from corpus_score import _NUMERAL, write_cell  # the originals are written as the corpus writes them
from openpyxl import Workbook, load_workbook

from perfgoals_xl.core.models import IndicatorBlock
from perfgoals_xl.core.reader import read_tables
from perfgoals_xl.core.reader.labels import is_title
from perfgoals_xl.files.read import read_workbook

Rows = list[list[str]]
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")
_LABELS = re.compile(
    r"^(一级指标|二级指标|三级指标|指标值|项目名称|主管部门|实施单位|度量单位|年度目标|本年度绩效目标|绩效指标)$"
)
FOOTER_ROWS: Rows = [[], ["填报人：张三", "", "联系电话：0000-1234567", "", "填报日期：2024年1月5日"]]


@dataclass
class Sheet:
    """A sheet to write: rows of text (numerals become numbers), merges, and how cells moved."""

    rows: Rows
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (top, left, bottom, right)
    row_map: Callable[[int], int] = lambda r: r
    col_map: Callable[[int], int] = lambda c: c
    percent_numbers: bool = False  # `95%` written as 0.95 formatted 0%
    numbers_as_text: bool = False
    cover: bool = False  # a sheet of instructions before the table's sheet


def sheet_rows(path: Path) -> dict[str, Rows]:
    """Each sheet of a workbook as rows of text, as a TSV of the corpus holds them."""
    book = load_workbook(path)
    return {
        ws.title: [[_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        for ws in book.worksheets
    }


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write(sheet: Sheet, path: Path) -> Path:
    book = Workbook()
    ws = book.active
    if sheet.cover:
        ws.title = "说明"
        ws["A1"] = "填表说明：请按要求填写本表。"
        ws["A2"] = "金额单位统一为万元。"
        ws = book.create_sheet("Sheet1")
    else:
        ws.title = "Sheet1"
    for r, row in enumerate(sheet.rows, start=1):
        for c, text in enumerate(row, start=1):
            if text:
                _put(ws.cell(r, c), text, sheet)
    for top, left, bottom, right in sheet.merges:
        ws.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
    book.save(path)
    return path


def _put(cell, text: str, sheet: Sheet) -> None:
    """As the corpus writes a cell, unless the sheet writes numbers as text or percentages as numbers."""
    if sheet.percent_numbers and (match := _PERCENT.fullmatch(text)):
        cell.value = float(match[1]) / 100
        cell.number_format = "0.0%" if "." in match[1] else "0%"
    elif sheet.numbers_as_text:
        cell.value = text
        cell.data_type = "s"
    else:
        write_cell(cell, text)


def blocks(rows: Rows, folder: Path) -> list[IndicatorBlock]:
    """The indicator blocks the reader finds in the original: where a change that follows the block goes."""
    path = write(Sheet(rows), folder / "original_for_blocks.xlsx")
    return [b for grid in read_workbook(path).grids for t in read_tables(grid) for b in t.blocks]


# --- the changes --------------------------------------------------------------------------------------------


def offset(rows: Rows) -> Sheet:
    """The table two rows down and one column right."""
    return Sheet(
        [[] for _ in range(2)] + [["", *r] for r in rows], row_map=lambda r: r + 2, col_map=lambda c: c + 1
    )


def labels_broken(rows: Rows) -> Sheet:
    """Header labels wrapped by hand (`一级\\n指标`)."""
    return Sheet([[c[:2] + "\n" + c[2:] if _LABELS.match(c.strip()) else c for c in r] for r in rows])


def colons_swapped(rows: Rows) -> Sheet:
    """Full-width colons written half-width and the other way round."""
    return Sheet([[c.replace("：", ":") if "：" in c else c.replace(":", "：") for c in r] for r in rows])


def footer(rows: Rows) -> Sheet:
    """填报人 / 联系电话 / 填报日期 under the table after a blank row."""
    return Sheet([*rows, *FOOTER_ROWS])


def padded(rows: Rows) -> Sheet:
    """Every text cell with a space before and after."""
    return Sheet([[f" {c} " if c and not _NUMERAL.fullmatch(c) else c for c in r] for r in rows])


def cover_sheet(rows: Rows) -> Sheet:
    return Sheet(rows, cover=True)


def numbers_as_text(rows: Rows) -> Sheet:
    return Sheet(rows, numbers_as_text=True)


def percent_numbers(rows: Rows) -> Sheet:
    return Sheet(rows, percent_numbers=True)


def blank_row_in_block(rows: Rows, found: list[IndicatorBlock]) -> Sheet | None:
    """A blank row after the first indicator row."""
    if not found or found[0].last_row <= found[0].first_row:
        return None
    at = found[0].first_row
    return Sheet([*rows[:at], [], *rows[at:]], row_map=lambda r: r + (r > at))


def blank_column_after_names(rows: Rows, found: list[IndicatorBlock]) -> Sheet | None:
    """An empty column right of the 三级指标 column (a spacer, or a hidden column emptied)."""
    if not found or "name" not in found[0].columns:
        return None
    at = found[0].columns["name"]
    return Sheet([[*r[:at], "", *r[at:]] for r in rows], col_map=lambda c: c + (c > at))


def levels_filled_down(rows: Rows, found: list[IndicatorBlock]) -> Sheet | None:
    """一级 and 二级 written again on every row of their group (a 二级 group ends where a new 一级 starts)."""
    sheet = _levels(rows, found)
    return Sheet(sheet[0]) if sheet else None


def levels_merged(rows: Rows, found: list[IndicatorBlock]) -> Sheet | None:
    """一级 and 二级 merged down over the rows of their group, as an export writes them."""
    sheet = _levels(rows, found)
    return Sheet(rows, merges=sheet[1]) if sheet else None


def _levels(rows: Rows, found: list[IndicatorBlock]) -> tuple[Rows, list[tuple[int, int, int, int]]] | None:
    filled = [list(r) for r in rows]
    merges: list[tuple[int, int, int, int]] = []

    def cell(r: int, c: int) -> str:
        row = rows[r - 1] if r - 1 < len(rows) else []
        return row[c - 1].strip() if c - 1 < len(row) else ""

    for block in found:
        level1, level2, name = (block.columns.get(k) for k in ("level1", "level2", "name"))
        if level1 is None or level2 is None or name is None:
            continue
        for col, parent in ((level1, None), (level2, level1)):
            label, start, end = None, 0, 0
            for r in range(block.first_row, block.last_row + 2):
                inside = r <= block.last_row
                starts = inside and (cell(r, col) or (parent and cell(r, parent)))
                if starts or not (inside and cell(r, name)):
                    if label is not None and end > start:
                        merges.append((start, col, end, col))
                    label = cell(r, col) if inside and cell(r, col) else None
                    start = end = r
                    continue
                if label is not None:
                    line = filled[r - 1]
                    line.extend([""] * (col - len(line)))
                    line[col - 1] = label
                    end = r
    return (filled, merges) if merges else None


def full_width_values(rows: Rows, found: list[IndicatorBlock]) -> Sheet | None:
    """The values typed with a Chinese input method's full-width digits (`≥９５％`, `２０２０．１．１`)."""
    if not found or "value" not in found[0].columns:
        return None
    col, new = found[0].columns["value"], [list(r) for r in rows]
    for r in range(found[0].first_row, found[0].last_row + 1):
        line = new[r - 1]
        if col - 1 < len(line) and line[col - 1] and not _NUMERAL.fullmatch(line[col - 1]):
            line[col - 1] = line[col - 1].translate(_FULL_WIDTH)
    return Sheet(new)


_FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789%."}


def blank_head_rows(rows: Rows, found: list[IndicatorBlock]) -> Sheet | None:
    """A blank row under every row of the head (rows spaced out by hand)."""
    if not found or found[0].header_row < 3:
        return None
    last, moved, new = found[0].header_row - 2, {}, []
    for r, row in enumerate(rows, start=1):
        new.append(row)
        moved[r] = len(new)
        if r <= last and any(c.strip() for c in row):
            new.append([])
    return Sheet(new, row_map=lambda r: moved.get(r, r + len(new) - len(rows)))


def header_repeated(rows: Rows, found: list[IndicatorBlock]) -> Sheet | None:
    """The indicator header written again inside the block (a page break of a converted PDF)."""
    if not found or found[0].last_row - found[0].first_row < 3:
        return None
    at = (found[0].first_row + found[0].last_row) // 2
    return Sheet(
        [*rows[:at], list(rows[found[0].header_row - 1]), *rows[at:]], row_map=lambda r: r + (r > at)
    )


def spaced_title(rows: Rows, found: list[IndicatorBlock]) -> Sheet | None:
    """The title letter-spaced, as official forms print it (`2 0 2 2 年 项 目 支 出 绩 效 目 标 表`)."""
    new = [[" ".join(c) if c and is_title(c) else c for c in r] for r in rows]
    return Sheet(new) if new != rows else None


def two_row_header(rows: Rows, found: list[IndicatorBlock]) -> Sheet | None:
    """The indicator header on two rows: 绩效指标 spanning 一级 | 二级 | 三级 below it, the other labels merged
    over both rows (one column group only: a group's own 二级/三级 would make the upper row a header too)."""
    if not found or found[0].period is not None:
        return None
    block = found[0]
    levels = [block.columns.get(k) for k in ("level1", "level2", "name")]
    if None in levels:
        return None
    at, header = block.header_row, rows[block.header_row - 1]
    upper, lower = [""] * len(header), [""] * len(header)
    merges = [(at, min(levels), at, max(levels))]  # type: ignore[type-var]
    for col, text in enumerate(header, start=1):
        if col in levels:
            lower[col - 1] = text
        elif text:
            upper[col - 1] = text
            merges.append((at, col, at + 1, col))
    upper[min(levels) - 1] = "绩效指标"  # type: ignore[type-var]
    return Sheet([*rows[: at - 1], upper, lower, *rows[at:]], merges=merges, row_map=lambda r: r + (r >= at))


def stacked(rows: Rows, above: Rows) -> Sheet:
    """The table under another one, three blank rows between."""
    gap = len(above) + 3
    return Sheet([*above, [], [], [], *rows], row_map=lambda r: r + gap)


def beside(rows: Rows, left: Rows) -> Sheet:
    """The table right of another one, two empty columns between."""
    width = max((len(r) for r in left), default=0)
    height = max(len(left), len(rows))

    def line(i: int) -> list[str]:
        first = left[i] if i < len(left) else []
        return [*first, *[""] * (width - len(first)), "", "", *(rows[i] if i < len(rows) else [])]

    return Sheet([line(i) for i in range(height)], col_map=lambda c: c + width + 2)


SIMPLE = {
    "offset": offset,
    "labels_broken": labels_broken,
    "colons_swapped": colons_swapped,
    "footer": footer,
    "padded": padded,
    "cover_sheet": cover_sheet,
    "numbers_as_text": numbers_as_text,
    "percent_numbers": percent_numbers,
}
GUIDED = {
    "blank_row_in_block": blank_row_in_block,
    "blank_column_after_names": blank_column_after_names,
    "levels_filled_down": levels_filled_down,
    "levels_merged": levels_merged,
    "full_width_values": full_width_values,
    "blank_head_rows": blank_head_rows,
    "header_repeated": header_repeated,
    "spaced_title": spaced_title,
    "two_row_header": two_row_header,
}
