"""The 批复表 tree (宁夏 石嘴山 2020): `项目 | 指标值 | 绩效金额`, where the 项目 column nests unit → project →
一级 → 二级 → 三级 by indentation (one column per level, or leading spaces in one column). The vocabulary
tells the levels apart, the nesting where a name is both (成本指标, 满意度指标); a row with an amount in 绩效金额
and no value is the project itself."""

from __future__ import annotations

from dataclasses import dataclass, field

from perfgoals_xl.core.grid import Grid
from perfgoals_xl.core.models import Field, HeaderItem, Indicator, IndicatorBlock, Loc, make_field, revalue
from perfgoals_xl.core.reader.breakdowns import amount_field
from perfgoals_xl.core.reader.columns import Layout
from perfgoals_xl.core.reader.indicators import BlockRead
from perfgoals_xl.core.reader.labels import is_footer
from perfgoals_xl.core.reader.values import split_value
from perfgoals_xl.core.vocab import HIERARCHY, canonical_level1, canonical_level2, canonical_unit


@dataclass
class TreeRead(BlockRead):
    """A tree block, and the project and unit rows it holds."""

    header: dict[str, HeaderItem] = field(default_factory=dict)
    unit_name: Field | None = None


def read_tree(grid: Grid, layout: Layout, last_row: int, block: int) -> TreeRead:
    """Every row under the tree's header, classified by the words in its 项目 cells."""
    value_col = layout.columns["value"]
    amount_col = layout.extra.get("amount")
    result = TreeRead(
        used={layout.header_row, *layout.repeats} | ({layout.top_row} if layout.top_row else set())
    )
    level1 = level2 = None
    nesting = _Nesting()
    columns: dict[str, int] = {"value": value_col}
    for row in range(layout.first_row, last_row + 1):
        if row in layout.repeats:
            continue
        labels = [
            (c, v) for c, v in grid.row_values(row) if c < value_col and isinstance(v, str) and v.strip()
        ]
        value = grid.value(row, value_col)
        amount = grid.value(row, amount_col) if amount_col is not None else None
        if not labels and value is None and amount is None:
            continue
        if labels and is_footer(labels[0][1]):
            result.used.add(row)
            continue
        if not labels:
            result.unread.append(row)
            continue
        col, text = labels[-1]
        label = make_field(text.strip(), text.strip(), row, col)
        depth = (col, len(text) - len(text.lstrip()))  # one column per level, or leading spaces
        result.used.add(row)
        if value is None and nesting.is_level2(text, depth, level1):
            level2 = revalue(label, canonical_level2(text))
            nesting.saw_level2(depth, level1)
            columns.setdefault("level2", col)
        elif canonical_level1(text) and value is None:
            level1, level2 = revalue(label, canonical_level1(text)), None
            nesting.level1_depth = depth
            columns.setdefault("level1", col)
        elif canonical_level2(text) and value is None:
            level2 = revalue(label, canonical_level2(text))
            columns.setdefault("level2", col)
        elif value is None and amount is not None and "项目名称" not in result.header:
            _project(result, label, amount_field(amount, row, amount_col))  # type: ignore[arg-type]
        elif value is None and level1 is None and not result.header:
            result.unit_name = label  # the unit the project belongs to
        else:
            columns["name"] = max(columns.get("name", col), col)
            result.indicators.append(_indicator(grid, row, block, (level1, level2, label), value_col, value))
    result.blocks.append(
        IndicatorBlock(
            header_row=layout.header_row,
            columns=columns,
            first_row=layout.first_row,
            last_row=max((i.row for i in result.indicators), default=layout.header_row),
        )
    )
    return result


@dataclass
class _Nesting:
    """How deep the current 一级 stands (column, then leading spaces), and whether a 二级 was seen deeper than
    its 一级: then the tree is indented, and a label as deep as the 一级 is another 一级."""

    level1_depth: tuple[int, int] = (0, 0)
    indented: bool = False

    def saw_level2(self, depth: tuple[int, int], level1: Field | None) -> None:
        self.indented = self.indented or (level1 is not None and depth > self.level1_depth)

    def is_level2(self, text: str, depth: tuple[int, int], level1: Field | None) -> bool:
        """成本指标 under 产出指标 is the legacy 二级, not the 101号 一级, and 满意度指标 after 效益指标 the 一级,
        not 效益's legacy 二级: the tree's nesting decides; the vocabulary only where nothing is indented."""
        level2 = canonical_level2(text)
        if level2 is None or level1 is None:
            return level2 is not None and canonical_level1(text) is None
        if depth > self.level1_depth:
            return True
        if depth < self.level1_depth or self.indented:
            return False
        return level2 in HIERARCHY.get(str(level1.value), ())


def _project(result: TreeRead, name: Field, amount: Field) -> None:
    result.header["项目名称"] = HeaderItem(
        label=Field(value="项目名称", text="项目", at=name.at), value=name, value_at=name.at
    )
    result.header["年度预算金额"] = HeaderItem(
        label=Field(value="年度预算金额", text="绩效金额", at=amount.at), value=amount, value_at=amount.at
    )


def _indicator(
    grid: Grid, row: int, block: int, levels: tuple[Field | None, Field | None, Field], col: int, raw: object
) -> Indicator:
    level1, level2, name = levels
    value = unit = operator = None
    if raw is not None:
        parts = split_value(raw, (row, col) in grid.percent)  # type: ignore[arg-type]
        text = parts.text
        value = Field(value=parts.number if parts.number is not None else text, text=text, at=Loc(row, col))
        if parts.unit_text:
            unit = Field(value=canonical_unit(parts.unit_text), text=parts.unit_text, at=Loc(row, col))
        if parts.operator_text:
            operator = Field(value=parts.operator, text=parts.operator_text, at=Loc(row, col))
    return Indicator(
        row=row,
        block=block,
        level1=level1,
        level2=level2,
        name=name,
        operator=operator,
        value=value,
        unit=unit,
    )
