"""A sheet built cell by cell with the merges a clerk's workbook has, and look-ups on its JSON report: shared by
the layout tests (tests/core/test_layout_families.py, test_layouts_regressions.py, the reader's edge tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

Row = list[Any]


def ref(top: int, left: int, bottom: int, right: int) -> str:
    return f"{get_column_letter(left)}{top}:{get_column_letter(right)}{bottom}"


@dataclass
class Sheet:
    """The cells of one sheet and the merges a clerk's workbook would have over them."""

    cells: dict[tuple[int, int], Any] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)

    def lines(self, top: int, rows: list[Row]) -> list[int]:
        """Rows written from column A at row `top` on; returns their sheet rows."""
        for offset, line in enumerate(rows):
            self.put(top + offset, 1, line)
        return list(range(top, top + len(rows)))

    def put(self, row: int, col: int, values: Row) -> None:
        """Values left to right from (row, col); None leaves a cell empty."""
        for offset, value in enumerate(values):
            if value is not None:
                self.cells[row, col + offset] = value

    def get(self, row: int, col: int) -> Any:
        return self.cells.get((row, col))

    def merge(self, *refs: str) -> None:
        self.merges.extend(refs)

    def across(self, row: int, left: int, right: int) -> None:
        self.merges.append(ref(row, left, row, right))

    def down(
        self, col: int, first: int, last: int, span: tuple[int, int], parents: tuple[int, ...] = ()
    ) -> None:
        """Merge each label of `col` (rows first..last) down over the empty cells below it, as a clerk's
        merged 一级/二级 cell: a blank row (nothing in `span`) or a label in a `parents` column ends it."""
        row = first
        while row <= last:
            end = row
            if self.get(row, col) is not None:
                while (
                    end < last
                    and self.get(end + 1, col) is None
                    and any(self.get(end + 1, c) is not None for c in range(span[0], span[1] + 1))
                    and all(self.get(end + 1, p) is None for p in parents)
                ):
                    end += 1
                if end > row:
                    self.merges.append(ref(row, col, end, col))
            row = end + 1

    def rows(self) -> list[Row]:
        height = max(r for r, _ in self.cells)
        width = max(c for _, c in self.cells)
        return [[self.get(r, c) for c in range(1, width + 1)] for r in range(1, height + 1)]

    def write(self, write_book, merged: bool, name: str = "表", more: dict | None = None):
        """The sheet as a real .xlsx (`more`: other sheets of the book), with its merges or without any."""
        sheets = {name: (self.rows(), self.merges if merged else [])}
        return write_book({**sheets, **(more or {})})


def only_table(rep: dict) -> dict:
    assert rep["error"] is None, rep["error"]
    assert len(rep["tables"]) == 1, [(t["range"], t["name"]) for t in rep["tables"]]
    return rep["tables"][0]


def targets(table: dict) -> list[tuple]:
    """The indicators without their row numbers."""
    return [
        (i["level1"], i["level2"], i["name"], i["operator"], i["value"], i["unit"])
        for i in table["indicators"]
    ]


def found(
    rep: dict, rule: str | None = None, severity: str | None = None, row: int | None = None
) -> list[dict]:
    return [
        f
        for f in rep["findings"]
        if (rule is None or f["rule"] == rule)
        and (severity is None or f["severity"] == severity)
        and (row is None or f["row"] == row)
    ]
