"""Grid: one sheet's values as a 2-D list, where they start, and its merged ranges.

Every host (a file read by python-calamine, a sheet read through xlwings) produces a Grid in one bulk
read; the reader never sees a workbook. Rows and columns are 1-based sheet coordinates throughout.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Literal

CellValue = str | int | float | bool | date | datetime | time | None
Visibility = Literal["visible", "hidden", "veryHidden"]  # a sheet's state as Excel stores it


def is_percent_format(code: str) -> bool:
    """Whether an Excel number format shows a number as a percentage (0.95 as 95%): a `%` in one of its number
    sections that is not literal text.

    Literal, so not a percentage: text in double quotes (`"%"0`), a character after a backslash (`0\\%`), after
    `_` (a space the width of the character) or after `*` (the fill character), and anything in brackets
    (`[Red]`, `[>=0.5]`, `[$-804]`). The fourth section, or any section holding `@`, formats text and is
    skipped. `0%`, `0.00%`, `0.0%;[Red]-0.0%` and `#,##0%` are percentages; `General`, `0.00` are not.
    Used by every host that can see number formats (files.py for .xlsx/.xlsm, excel.py on desktop Excel).
    """
    sections: list[tuple[bool, bool]] = []  # (has a `%`, has a `@`) per section
    percent = text = quoted = False
    skip = bracket = 0
    for ch in code:
        if skip:
            skip -= 1
        elif quoted:
            quoted = ch != '"'
        elif bracket:
            bracket = 0 if ch == "]" else bracket
        elif ch == '"':
            quoted = True
        elif ch in "\\_*":
            skip = 1
        elif ch == "[":
            bracket = 1
        elif ch == ";":
            sections.append((percent, text))
            percent = text = False
        elif ch == "%":
            percent = True
        elif ch == "@":
            text = True
    sections.append((percent, text))
    return any(has_percent and not has_text for has_percent, has_text in sections[:3])


MAX_SHEET_NAME = 31  # characters Excel allows in a sheet name
_SHEET_NAME_FORBIDDEN = str.maketrans({ch: "_" for ch in "[]:*?/\\"})


def unique_sheet_name(wanted: str, taken: Iterable[str]) -> str:
    """A sheet name Excel accepts (≤ 31 characters, none of []:*?/\\, no leading or trailing quote), not among
    `taken`: 校验结果, else 校验结果(2), 校验结果(3) …"""
    used = set(taken)
    base = (wanted.translate(_SHEET_NAME_FORBIDDEN).strip("'") or "Sheet")[:MAX_SHEET_NAME]
    name, number = base, 2
    while name in used:
        suffix = f"({number})"
        name, number = base[: MAX_SHEET_NAME - len(suffix)] + suffix, number + 1
    return name


def column_letter(col: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 1, AA → 27."""
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return col


def address(row: int, col: int) -> str:
    """(74, 3) → 'C74'."""
    return f"{column_letter(col)}{row}"


def parse_address(text: str) -> tuple[int, int]:
    """'C74' → (74, 3)."""
    text = text.replace("$", "").upper()
    letters = text.rstrip("0123456789")
    return int(text[len(letters) :]), column_index(letters)


@dataclass(frozen=True)
class MergedRange:
    """A merged block, inclusive, 1-based."""

    top: int
    left: int
    bottom: int
    right: int

    def __contains__(self, cell: tuple[int, int]) -> bool:
        row, col = cell
        return self.top <= row <= self.bottom and self.left <= col <= self.right

    @property
    def ref(self) -> str:
        return f"{address(self.top, self.left)}:{address(self.bottom, self.right)}"


@dataclass(frozen=True)
class Grid:
    """A sheet's cell values from `origin` on; empty cells are None."""

    sheet: str
    rows: Sequence[Sequence[CellValue]]
    origin: tuple[int, int] = (1, 1)
    merges: Sequence[MergedRange] = ()
    # Cells whose number format shows a percentage (value 0.95 shown as 95%), where the host can tell.
    percent: frozenset[tuple[int, int]] = frozenset()
    visibility: Visibility = "visible"
    _merge_index: dict[tuple[int, int], MergedRange] = field(default_factory=dict, compare=False, repr=False)
    _width: int = field(default=0, compare=False, repr=False)  # the longest row's length, counted once

    def __post_init__(self) -> None:
        object.__setattr__(self, "_width", max((len(r) for r in self.rows), default=0))
        for merged in self.merges:
            for row in range(merged.top, merged.bottom + 1):
                for col in range(merged.left, merged.right + 1):
                    self._merge_index[(row, col)] = merged

    @property
    def first_row(self) -> int:
        return self.origin[0]

    @property
    def first_col(self) -> int:
        return self.origin[1]

    @property
    def last_row(self) -> int:
        return self.origin[0] + len(self.rows) - 1

    @property
    def last_col(self) -> int:
        return self.origin[1] + self._width - 1

    def value(self, row: int, col: int) -> CellValue:
        """The value written in this very cell (None inside a merge, except at its anchor)."""
        r, c = row - self.origin[0], col - self.origin[1]
        if r < 0 or c < 0 or r >= len(self.rows):
            return None
        line = self.rows[r]
        return line[c] if c < len(line) else None

    def merge_at(self, row: int, col: int) -> MergedRange | None:
        return self._merge_index.get((row, col))

    def anchor(self, row: int, col: int) -> tuple[int, int]:
        """The top-left cell of the merged range holding this cell (the cell itself when not merged)."""
        merged = self.merge_at(row, col)
        return (merged.top, merged.left) if merged is not None else (row, col)

    def shown(self, row: int, col: int) -> CellValue:
        """The value a reader sees in this cell: a merged range shows its anchor's value everywhere."""
        merged = self.merge_at(row, col)
        if merged is not None:
            return self.value(merged.top, merged.left)
        return self.value(row, col)

    def row_values(self, row: int) -> list[tuple[int, CellValue]]:
        """(column, value) of the non-empty cells of a row. Built on each call: a cache would be a second copy
        of the sheet (a 200,000-row block)."""
        r, first = row - self.origin[0], self.origin[1]
        line = self.rows[r] if 0 <= r < len(self.rows) else ()
        return [(first + offset, value) for offset, value in enumerate(line) if value is not None]

    def occupied(self, row: int) -> tuple[int, int] | None:
        """The first and last column holding a value on this row; None when the row is empty."""
        r = row - self.origin[0]
        line = self.rows[r] if 0 <= r < len(self.rows) else ()
        first = next((offset for offset, value in enumerate(line) if value is not None), None)
        if first is None:
            return None
        last = next(offset for offset in range(len(line) - 1, -1, -1) if line[offset] is not None)
        return self.origin[1] + first, self.origin[1] + last


def window(grid: Grid, left: int, right: int) -> Grid:
    """The grid's columns left..right as a Grid of its own (same sheet coordinates): one of several side-by-side
    tables. Merges and percent cells outside the columns are dropped."""
    if left <= grid.first_col and right >= grid.last_col:
        return grid
    start, stop = left - grid.first_col, right - grid.first_col + 1
    return Grid(
        sheet=grid.sheet,
        rows=[line[start:stop] for line in grid.rows],
        origin=(grid.first_row, left),
        merges=tuple(m for m in grid.merges if left <= m.left and m.right <= right),
        percent=frozenset(cell for cell in grid.percent if left <= cell[1] <= right),
        visibility=grid.visibility,
    )
