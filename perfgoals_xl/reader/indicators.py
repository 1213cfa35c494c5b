"""The indicator block (绩效指标): find its header row, then read each row with 一级/二级 carried down."""

from __future__ import annotations

from dataclasses import replace

from perfgoals_xl.grid import CellValue, Grid
from perfgoals_xl.models import Field, Indicator, IndicatorBlock, make_field, revalue
from perfgoals_xl.reader.labels import FOOTER, match_column_role
from perfgoals_xl.reader.values import cell_text, parse_number, split_value
from perfgoals_xl.vocab import (
    DECLARED_KINDS,
    canonical_level1,
    canonical_level2,
    canonical_operator,
    canonical_unit,
    clean,
    is_known_unit,
)

_UNIT_IN_NAME = ("(", ")", "（", "）")


def header_columns(grid: Grid, row: int) -> dict[str, int] | None:
    """Column roles when `row` is an indicator header row (一级指标 | 二级指标 | 三级指标 | 指标值 …)."""
    roles: dict[str, int] = {}
    for col, value in grid.row_values(row):
        role = match_column_role(value)
        if role and role not in roles:
            roles[role] = col
    levels = sum(role in roles for role in ("level1", "level2", "name"))
    if levels >= 2 and ("value" in roles or "operator" in roles):
        return roles
    return None


def label_column(grid: Grid, row: int, columns: dict[str, int]) -> int | None:
    """The 本年度绩效指标 column left of the 一级 column, when the layout has one."""
    first = min(columns.values())
    for col, value in grid.row_values(row):
        if col < first and "绩效指标" in clean(value):
            return col
    return None


def read_block(
    grid: Grid, header_row: int, last_row: int, block: int
) -> tuple[IndicatorBlock, list[Indicator]]:
    """All indicator rows from below `header_row` to `last_row` (or a footer line)."""
    columns = header_columns(grid, header_row) or {}
    labels = label_column(grid, header_row, columns)
    indicators: list[Indicator] = []
    level1: Field | None = None
    level2: Field | None = None
    end = header_row
    level_columns = [c for c in (labels, columns.get("level1"), columns.get("level2")) if c is not None]
    for row in range(header_row + 1, last_row + 1):
        cells = grid.row_values(row)
        if not cells and not any(grid.merge_at(row, col) for col in level_columns):
            break  # an empty row outside the merged labels ends the block; what follows is not the table's
        if FOOTER.match(clean(cell_text(cells[0][1]) if cells else "")):
            break
        reader = _RowReader(grid, row, columns, labels)
        new1, new2 = reader.levels()
        if new1 is not None:
            level1, level2 = new1, None
        if new2 is not None:
            level2 = new2
        indicator = reader.indicator(block, level1, level2)
        if indicator is None:
            continue
        indicators.append(indicator)
        end = row
    _backfill_level1(indicators)
    info = IndicatorBlock(
        header_row=header_row, columns=columns, label_column=labels, first_row=header_row + 1, last_row=end
    )
    return info, indicators


def _backfill_level1(indicators: list[Indicator]) -> None:
    """A merged 一级 label exported on a middle row also covers the rows above it (templates.md §6)."""
    first = next((i for i, ind in enumerate(indicators) if ind.level1 is not None), None)
    if first:
        label = indicators[first].level1
        indicators[:first] = [replace(ind, level1=label) for ind in indicators[:first]]


class _RowReader:
    """Reads the cells of one indicator row by column role."""

    def __init__(self, grid: Grid, row: int, columns: dict[str, int], labels: int | None) -> None:
        self.grid, self.row, self.columns, self.labels = grid, row, columns, labels

    def field(self, role: str) -> Field | None:
        """The role's cell on this row as written; None when blank or inside a merge below its anchor."""
        col = self.columns.get(role)
        return None if col is None else self._field_at(col)

    def _field_at(self, col: int) -> Field | None:
        merged = self.grid.merge_at(self.row, col)
        if merged is not None and (merged.top, merged.left) != (self.row, col):
            return None
        text = cell_text(self.grid.value(self.row, col))
        return make_field(text, text, self.row, col) if text else None

    def levels(self) -> tuple[Field | None, Field | None]:
        """一级/二级 labels that start on this row, including ones shifted into a wrong column (H09)."""
        level1 = self._level_field(self.field("level1"), canonical_level1)
        level2 = self._level_field(self.field("level2"), canonical_level2)
        if level1 is not None and level1.value is None and canonical_level2(level1.text):
            level2, level1 = self._level_field(level1, canonical_level2), None  # a 二级 in the 一级 column
        if self.labels is not None:
            stray = self._field_at(self.labels)
            if stray is not None and canonical_level1(stray.text) and level1 is None:
                level1 = self._level_field(stray, canonical_level1)
            elif stray is not None and canonical_level2(stray.text) and level2 is None:
                level2 = self._level_field(stray, canonical_level2)
        return level1, level2

    @staticmethod
    def _level_field(field: Field | None, canonical: object) -> Field | None:
        if field is None:
            return None
        return revalue(field, canonical(field.text))  # type: ignore[operator]

    def indicator(self, block: int, level1: Field | None, level2: Field | None) -> Indicator | None:
        name = self.field("name")
        raw = self.field("value")
        explanation, remark = self.field("explanation"), self.field("remark")
        own_level2 = level2 is not None and level2.at.row == self.row
        has_merged_level2 = level2 is not None and self._covers(level2, self.row)
        if not (name or raw or own_level2 or has_merged_level2 or (level1 and level1.at.row == self.row)):
            return None
        operator, declared, value, unit = self._target(raw, name)
        return Indicator(
            row=self.row,
            block=block,
            level1=level1,
            level2=level2 if (own_level2 or has_merged_level2 or name or raw) else None,
            name=name,
            operator=operator,
            declared=declared,
            value=value,
            unit=unit,
            explanation=explanation,
            remark=remark,
            weight=self._weight(),
        )

    def _weight(self) -> Field | None:
        field = self.field("weight")
        if field is None:
            return None
        number = parse_number(field.text.rstrip("%％"))
        return revalue(field, number) if number is not None else field

    def _covers(self, label: Field, row: int) -> bool:
        merged = self.grid.merge_at(label.at.row, label.at.col)
        return merged is not None and merged.top <= row <= merged.bottom

    def _target(
        self, raw: Field | None, name: Field | None
    ) -> tuple[Field | None, str | None, Field | None, Field | None]:
        """(operator, declared 定量/定性, value, unit) from the type, value and unit columns or embedded."""
        op_cell = self.field("operator")
        declared = None
        operator = None
        if op_cell is not None:
            if clean(op_cell.text) in DECLARED_KINDS:
                declared = clean(op_cell.text)
            operator = revalue(op_cell, canonical_operator(op_cell.text))
            if declared == "定量":
                operator = None
        value = unit = None
        if raw is not None:
            parts = split_value(self._raw_value(raw))
            value = revalue(raw, parts.number if parts.number is not None else parts.text)
            if parts.operator and operator is None:
                operator = Field(value=parts.operator, text=parts.operator_text or "", at=raw.at)
            if parts.unit_text:
                unit = Field(value=canonical_unit(parts.unit_text), text=parts.unit_text, at=raw.at)
        unit_cell = self.field("unit")
        if unit_cell is not None:
            unit = revalue(unit_cell, canonical_unit(unit_cell.text))
        elif unit is None and name is not None:
            unit = _unit_in_name(name)
        return operator, declared, value, unit

    def _raw_value(self, field: Field) -> CellValue:
        return self.grid.value(field.at.row, field.at.col)


def _unit_in_name(name: Field) -> Field | None:
    """`治理面积(亩)` → 亩: a unit written at the end of the 三级 name (Ningxia forms)."""
    text = clean(name.text).replace("（", "(").replace("）", ")")
    if not text.endswith(")") or "(" not in text:
        return None
    unit = text[text.rindex("(") + 1 : -1]
    if not is_known_unit(canonical_unit(unit)):
        return None  # 群众满意度（龙门镇）: a place, not a unit
    return Field(value=canonical_unit(unit), text=unit, at=name.at)
