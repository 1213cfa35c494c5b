"""Breakdowns in the head of a table — 支出明细, 成本构成, 项目资金申请 — closed (or opened) by a 合计 row, checked
column by column (rule C07)."""

from __future__ import annotations

from perfgoals_xl.core.grid import Grid
from perfgoals_xl.core.models import (
    Breakdown,
    Field,
    Loc,
)
from perfgoals_xl.core.reader.columns import header_columns
from perfgoals_xl.core.reader.labels import (
    BUDGET_BLOCK_LABEL,
    BUDGET_LABELS,
    TASKS_LABEL,
    TOTAL_LABELS,
    label_key,
    match_header_label,
)
from perfgoals_xl.core.reader.values import cell_text, parse_amount


def amount_field(value: object, row: int, col: int) -> Field:
    amount = parse_amount(value)  # type: ignore[arg-type]
    text = cell_text(value)  # type: ignore[arg-type]
    return Field(value=amount[0] if amount else text, text=text, at=Loc(row=row, col=col))


def read_breakdowns(grid: Grid, rows: list[int], used: set[int]) -> list[Breakdown]:
    """Blocks closed (or opened) by a 合计 row — 支出明细, 成本构成, 项目资金申请 — checked column by column."""
    found = []
    for row in rows:
        cells = grid.row_values(row)
        if not any(label_key(value) in TOTAL_LABELS for _, value in cells):
            continue
        totals = {col: amount_field(v, row, col) for col, v in cells if parse_amount(v) is not None}
        if not totals:
            continue
        used.add(row)
        below = _items(grid, rows, row, totals, step=1)
        items = below if any(below[1].values()) else _items(grid, rows, row, totals, step=-1)
        lines, amounts = items
        used.update(lines)
        if any(amounts.values()):
            found.append(
                Breakdown(first_row=min(lines, default=row), total_row=row, items=amounts, totals=totals)
            )
    return found


def _items(
    grid: Grid, rows: list[int], total_row: int, totals: dict[int, Field], step: int
) -> tuple[list[int], dict[int, list[Field]]]:
    """The item lines next to a 合计 row (below it when it heads the list, else above), up to a blank row or
    the start of another part; a blank amount counts as 0."""
    index = rows.index(total_row)
    label_col = next(col for col, value in grid.row_values(total_row) if label_key(value) in TOTAL_LABELS)
    lines: list[int] = []
    amounts: dict[int, list[Field]] = {col: [] for col in totals}
    position = index + step
    while 0 <= position < len(rows) and abs(rows[position] - rows[position - step]) == 1:
        row = rows[position]
        cells = grid.row_values(row)
        if _starts_other_part(grid, row, cells) or cells[0][0] < label_col:
            break
        if all(col not in totals and parse_amount(v) is not None for col, v in cells):
            break  # a stray number (a row number left in an empty line) is not an item
        lines.append(row)
        for col, value in cells:
            if col in totals and parse_amount(value) is not None:
                amounts[col].append(amount_field(value, row, col))
        position += step
    for values in amounts.values():
        values.sort(key=lambda f: f.row)
    return sorted(lines), amounts


def _starts_other_part(grid: Grid, row: int, cells: list[tuple[int, object]]) -> bool:
    """A header item, a block label, another 合计 or an indicator header: not a line of a breakdown."""
    keys = {label_key(value) for _, value in cells}
    labels = {TASKS_LABEL, BUDGET_BLOCK_LABEL, *BUDGET_LABELS, *TOTAL_LABELS}
    return (
        bool(keys & labels)
        or any(match_header_label(v) for _, v in cells)
        or header_columns(grid, row) is not None
    )
