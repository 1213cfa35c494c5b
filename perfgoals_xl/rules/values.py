"""V rules: indicator values, operators and units."""

from __future__ import annotations

from collections.abc import Iterator

from perfgoals_xl.models import Indicator, Table
from perfgoals_xl.rules.registry import Hit, column_cell, filled, number_text, rule
from perfgoals_xl.settings import Settings
from perfgoals_xl.vocab import is_count_unit

OPERATORS_TEXT = "≥、≤、=、>、<、定性"


@rule("V01", "error", "指标值类型须为 ≥、≤、=、>、<、定性 之一")
def operator_known(table: Table, settings: Settings) -> Iterator[Hit]:
    """指标值类型（或写在指标值里的符号）须能识别为 ≥ ≤ = > < 定性；表有该列时不得留空。

    错误示例：指标值类型写作“约”，或定量指标的指标值类型为空。
    正确示例：指标值类型“≥”；“>=”“不低于”按“≥”识别；指标值“≥50村”自带符号。
    """
    for indicator in filled(table):
        operator = indicator.operator
        if operator is not None and operator.value is None:
            yield Hit(
                operator.at,
                f"指标值类型“{operator.text}”无法识别，应为{OPERATORS_TEXT}之一（{operator.cell}）",
            )
        elif (
            operator is None
            and indicator.declared is None
            and indicator.value is not None
            and _has_operator_column(table, indicator)
        ):
            at = column_cell(table, indicator, "operator")
            yield Hit(at, f"指标值类型为空，应填写{OPERATORS_TEXT}之一（{at.address}）")


def _has_operator_column(table: Table, indicator: Indicator) -> bool:
    return "operator" in table.blocks[indicator.block].columns


@rule("V02", "error", "定量指标须有数值和计量单位")
def quantity_complete(table: Table, settings: Settings) -> Iterator[Hit]:
    """定量指标（≥ ≤ = > <）须有指标值和度量单位（单独一列或写在指标值里）。

    错误示例：指标值类型“≥”，指标值为空；或指标值 95、度量单位为空或“无”。
    正确示例：≥ 95 %；或指标值“≥95%”。
    """
    for indicator in filled(table):
        if not indicator.is_quantitative:
            continue
        if indicator.value is None:
            at = column_cell(table, indicator, "value")
            yield Hit(at, f"定量指标缺少指标值（{at.address}）")
        elif indicator.number is not None and (indicator.unit is None or indicator.unit.value is None):
            at = indicator.unit.at if indicator.unit else column_cell(table, indicator, "unit")
            written = f"，当前为“{indicator.unit.text}”" if indicator.unit else ""
            yield Hit(at, f"定量指标缺少计量单位{written}（{at.address}）")


@rule("V04", "error", "百分比取值在0-100之间")
def percent_range(table: Table, settings: Settings) -> Iterator[Hit]:
    """度量单位为 %（或“百分比”）的指标值须在 0～100 之间。

    错误示例：满意度 ≥ 120 %。
    正确示例：满意度 ≥ 95 %。
    """
    for indicator in filled(table):
        number = indicator.number
        if indicator.unit and indicator.unit.value == "%" and number is not None and not 0 <= number <= 100:
            value = indicator.value
            yield Hit(value.at, f"百分比指标值应在0～100之间，当前为“{value.text}”（{value.cell}）")


@rule("V05", "error", "计数单位的指标值须为整数")
def count_integer(table: Table, settings: Settings) -> Iterator[Hit]:
    """计量单位是 人、次、条、个、件 等计数单位时，指标值须为整数。

    错误示例：采纳数 ≥ 0.5 条。
    正确示例：采纳数 ≥ 1 条。
    """
    for indicator in filled(table):
        number = indicator.number
        unit = indicator.unit.value if indicator.unit else None
        if number is not None and is_count_unit(unit) and number != int(number):
            value = indicator.value
            yield Hit(
                value.at,
                f"计量单位为“{unit}”，指标值应为整数，当前为“{number_text(number)}”（{value.cell}）",
            )
