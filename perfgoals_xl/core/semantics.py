"""What an indicator row means, as the rules and the totals both need it: filled or not, a cost row, its money
value in the table's unit, a date as its value; and how a number is written in a message."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from perfgoals_xl.core.models import Field, Indicator, Loc, Table
from perfgoals_xl.core.reader.values import DATE, money_in
from perfgoals_xl.core.vocab import MONEY_UNITS


def filled(table: Table) -> list[Indicator]:
    """Indicator rows that have a 三级 name or a value (listed once per table: nearly every rule walks them)."""
    found = table.facts.get("filled")
    if found is None:
        found = table.facts["filled"] = [indicator for indicator in table.indicators if indicator.is_filled]
    return found


def distinct_labels(table: Table, level: Literal["level1", "level2"]) -> Iterator[Field]:
    """Each 一级/二级 label once, though carried down over many rows from one cell (merged or left blank) or
    written again on every row of its group (filled down: the same text in the same column as the row before,
    under the same 一级)."""
    seen: set[tuple[int, int]] = set()
    previous: dict[int, tuple[Field, str | None]] = {}  # block → its last indicator's label and 一级 text
    for indicator in table.indicators:
        label = getattr(indicator, level)
        if label is None:
            previous.pop(indicator.block, None)
            continue
        parent = indicator.level1.text if level == "level2" and indicator.level1 is not None else None
        last = previous.get(indicator.block)
        previous[indicator.block] = (label, parent)
        if (label.row, label.col) in seen or (last is not None and _written_again(label, parent, *last)):
            continue
        seen.add((label.row, label.col))
        yield label


def _written_again(label: Field, parent: str | None, last: Field, last_parent: str | None) -> bool:
    return (
        last.col == label.col and last.row < label.row and last.text == label.text and last_parent == parent
    )


def column_cell(table: Table, indicator: Indicator, role: str) -> Loc:
    """The cell of `role` on the indicator's row (falls back to the value or name column)."""
    columns = table.blocks[indicator.block].columns
    for candidate in (role, "value", "name"):
        if candidate in columns:
            return Loc(row=indicator.row, col=columns[candidate])
    return Loc(row=indicator.row, col=table.left)


def number_text(value: float) -> str:
    """949.134 → `949.134`, 10.0 → `10`."""
    return f"{value:.10g}"


COST_LEVEL2 = ("经济成本指标", "社会成本指标", "生态环境成本指标")


def canonical(field: Field | None) -> str | None:
    return field.value if field is not None and isinstance(field.value, str) else None


def is_cost_row(indicator: Indicator) -> bool:
    """Under a cost 二级: 经济/社会/生态环境成本指标, or the legacy 产出指标 → 成本指标."""
    level2 = canonical(indicator.level2)
    return level2 in COST_LEVEL2 or (canonical(indicator.level1) == "产出指标" and level2 == "成本指标")


def is_economic_cost_row(indicator: Indicator) -> bool:
    level2 = canonical(indicator.level2)
    return level2 == "经济成本指标" or (canonical(indicator.level1) == "产出指标" and level2 == "成本指标")


def unit_of(indicator: Indicator) -> str | None:
    return canonical(indicator.unit)


def money_value(table: Table, indicator: Indicator) -> float | None:
    """A total amount (not a unit cost like 元/人) in the table's 金额单位, or None."""
    unit = unit_of(indicator)
    if indicator.number is None or unit is None or "/" in unit:
        return None
    return money_in(indicator.number, unit, table.money_unit) if unit in (*MONEY_UNITS, "万") else None


def has_date_value(indicator: Indicator) -> bool:
    """The value is a date or period written as text (`2026年12月`, `2023.07-2024.01`)."""
    value = indicator.value
    return value is not None and isinstance(value.value, str) and bool(DATE.search(value.value))


def name_text(indicator: Indicator) -> str:
    return indicator.name.text if indicator.name else ""
