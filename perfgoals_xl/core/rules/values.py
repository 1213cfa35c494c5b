"""V rules on how a value is written: operator (V01), number and unit (V02), 定性 text (V03), percent range (V04),
counts (V05), embedded parts (V12), type against value (V13), a value that is a sentence (V14)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from perfgoals_xl.core.models import Field, Indicator, Table
from perfgoals_xl.core.rules.registry import Hit, rule
from perfgoals_xl.core.semantics import (
    canonical,
    column_cell,
    filled,
    has_date_value,
    number_text,
)
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.core.vocab import clean, half_width, is_count_unit

OPERATORS_TEXT = "≥、≤、=、>、<、定性"


@rule("V01", "error", "指标值类型须为 ≥、≤、=、>、<、定性 之一")
def v01_operator_known(table: Table, settings: Settings) -> Iterator[Hit]:
    """指标值类型（或写在指标值里的符号）须能识别为 ≥ ≤ = > < 定性；表有该列时不得留空（错误）。
    表中根本没有指标值类型列、指标值里也没写符号的数值，按“=”理解，给出警告。

    错误示例：指标值类型写作“约”或“±”，或定量指标的指标值类型为空。
    正确示例：指标值类型“≥”；“>=”“不低于”“95%以上”按“≥”识别；指标值“≥50村”自带符号。
    """
    for indicator in filled(table):
        operator = indicator.operator
        if operator is not None and operator.value is None:
            yield Hit(
                operator.at,
                f"指标值类型“{operator.text}”无法识别，应为{OPERATORS_TEXT}之一",
            )
        elif operator is not None or indicator.declared is not None or indicator.value is None:
            continue
        elif _has_operator_column(table, indicator):
            at = column_cell(table, indicator, "operator")
            yield Hit(at, f"指标值类型为空，应填写{OPERATORS_TEXT}之一")
        elif indicator.number is not None:
            at = indicator.value.at
            yield Hit(
                at,
                f"指标值“{indicator.value.text}”缺少计算符号（≥、≤、= 等），按“=”理解",
                "warning",
            )


def _has_operator_column(table: Table, indicator: Indicator) -> bool:
    return "operator" in table.blocks[indicator.block].columns


@rule("V02", "error", "定量指标须有数值和计量单位")
def v02_quantity_complete(table: Table, settings: Settings) -> Iterator[Hit]:
    """定量指标（≥ ≤ = > <）须有指标值；任何数值都须有度量单位（单独一列或写在指标值里），
    不论有没有写计算符号。只写了三级指标名称、没有指标值的行为警告。

    错误示例：指标值类型“≥”，指标值为空；或指标值 95、度量单位为空或“无”。
    正确示例：≥ 95 %；或指标值“≥95%”。
    """
    for indicator in filled(table):
        if indicator.is_qualitative:
            continue  # a 定性 row with a number is V13's
        if indicator.value is None:
            at = column_cell(table, indicator, "value")
            if indicator.is_quantitative:
                yield Hit(at, "定量指标缺少指标值")
            elif indicator.name is not None and indicator.operator is None:
                at = indicator.name.at  # shared by 区域目标值 columns: said once
                yield Hit(at, f"三级指标“{indicator.name.text}”没有填写指标值", "warning")
        elif indicator.number is not None and (indicator.unit is None or indicator.unit.value is None):
            at = indicator.unit.at if indicator.unit else column_cell(table, indicator, "unit")
            written = f"，当前为“{indicator.unit.text}”" if indicator.unit else ""
            yield Hit(at, f"定量指标缺少计量单位{written}")


@rule("V04", "error", "百分比取值在0-100之间")
def v04_percent_range(table: Table, settings: Settings) -> Iterator[Hit]:
    """度量单位为 %（或“百分比”）的指标值须在 0～100 之间。

    错误示例：满意度 ≥ 120 %。
    正确示例：满意度 ≥ 95 %。
    """
    for indicator in filled(table):
        number = indicator.number
        if indicator.unit and indicator.unit.value == "%" and number is not None and not 0 <= number <= 100:
            value = indicator.value
            yield Hit(value.at, f"百分比指标值应在0～100之间，当前为“{value.text}”")


@rule("V05", "error", "计数单位的指标值须为整数")
def v05_count_integer(table: Table, settings: Settings) -> Iterator[Hit]:
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
                f"计量单位为“{unit}”，指标值应为整数，当前为“{number_text(number)}”",
            )


@rule("V03", "error", "定性指标值为文字表述，不带计量单位", evidence="P")
def v03_qualitative_text(table: Table, settings: Settings) -> Iterator[Hit]:
    """定性指标须有文字指标值（留空为警告）；度量单位留空或写“无”，不能带 % 等计量单位。
    （用词是否模糊由 V11 检查；定性配数字由 V13 检查。）

    原因：定性指标按“达成、部分达成、未达成”评价，带单位说明它其实是定量指标。
    错误示例：指标值类型“定性”，指标值“较好”，度量单位“%”。
    正确示例：指标值类型“定性”，指标值“达到预期目标”，度量单位“无”。
    """
    for indicator in table.indicators:
        if not indicator.is_qualitative or not (indicator.name or indicator.operator):
            continue
        if indicator.value is None:
            at = column_cell(table, indicator, "value")
            yield Hit(at, "定性指标缺少指标值（文字表述）", "warning")
        elif indicator.unit is not None and indicator.unit.value is not None:
            unit = indicator.unit
            yield Hit(unit.at, f"定性指标不应带计量单位，当前为“{unit.text}”，应留空或写“无”")


@rule("V12", "info", "合并单元格写法须先拆分再校验", evidence="P")
def v12_embedded_parts(table: Table, settings: Settings) -> Iterator[Hit]:
    """指标值里写着符号和单位（“≥50村”“<=2000元/平方米”“=95百分比”），或单位写在名称里（“(亩)”），
    先拆分为 指标值类型 / 指标值 / 度量单位 再校验。这是提示，不是错误。

    原因：拆开后才能逐项校验；规范为标准模板时也会拆开。
    错误示例：指标值“≥50村”（符号、数值、单位在同一格）。
    正确示例：指标值类型“≥”，指标值“50”，度量单位“村”。
    """
    for indicator in filled(table):
        value = indicator.value
        if value is None:
            continue
        parts = [
            p.text
            for p in (indicator.operator, indicator.unit)
            if p is not None and (p.row, p.col) in _cells(value, indicator.name)
        ]
        if parts and indicator.number is not None:
            yield Hit(
                value.at,
                f"“{value.text}”已拆分为 {canonical(indicator.operator) or '（无符号）'} / {number_text(indicator.number)} / {canonical(indicator.unit) or '（无单位）'}",
            )


@rule("V13", "error", "指标值类型与指标值须一致", evidence="P")
def v13_type_matches_value(table: Table, settings: Settings) -> Iterator[Hit]:
    """声明为定量（定量、≥、≤ 等）的指标值须是数字（或完成日期）；声明为定性的指标值不能只是一个数字；
    指标值里写的符号或单位与指标值类型列、度量单位列矛盾（“≥95%”旁边写“≤”）时，不替用户选一个，报错误。

    原因：类型与值矛盾时，既无法按数值考核，也无法按定性等级评价。
    错误示例：指标值类型“定量”，指标值“按月安排”；指标值类型“定性”，指标值“95”。
    正确示例：指标值类型“≥”，指标值“95”；指标值类型“定性”，指标值“达到预期目标”。
    """
    for indicator in filled(table):
        value = indicator.value
        if value is None:
            continue
        yield from _written_conflicts(indicator)
        if indicator.is_quantitative and indicator.number is None and not has_date_value(indicator):
            yield Hit(value.at, f"定量指标的指标值应为数字，当前为“{value.text}”")
        elif (
            indicator.is_qualitative
            and isinstance(value.value, float)
            and (indicator.unit is None or indicator.unit.value is None)
        ):
            yield Hit(value.at, f"定性指标的指标值应为文字表述，当前为数字“{value.text}”")


def _written_conflicts(indicator: Indicator) -> Iterator[Hit]:
    """An operator or unit written in the value cell that contradicts its own column (docs/reference/rules.md §3.5)."""
    value = indicator.value
    written, operator = indicator.written_operator, indicator.operator
    if written is not None and operator is not None:
        yield Hit(
            value.at,
            f"指标值“{value.text}”中的符号“{written.text}”与指标值类型“{operator.text}”矛盾，请改为一致",
        )
    unit = indicator.written_unit
    if unit is not None and indicator.unit is not None:
        yield Hit(
            value.at,
            f"指标值“{value.text}”中的单位“{unit.text}”与度量单位“{indicator.unit.text}”矛盾，请改为一致",
        )


# the numbers of a date or period (2026年12月, 2023.07-2024.01, 12月底): not quantities
_DATES = re.compile(r"\d{4}(?=\s*(?:年|[./-]))|(?<=[./-])\d{1,2}(?!\d)|\d{1,2}(?=\s*[月日])")
SENTENCE_CHARS = 20  # a value longer than this is a narrative, not a target


@rule("V14", "warning", "指标值应写成“符号＋数值＋单位”或简短的定性表述", evidence="P", reads=())
def v14_structured_value(table: Table, settings: Settings) -> Iterator[Hit]:
    """指标值要能直接考核：定量写成“符号＋数值＋单位”（≥ 95 %），定性写成简短的等级表述（达到预期目标）。
    文字里夹着数字却拆不出数值和单位（“12月底前100%到位”“当年在校学生数4953”），或是一整句叙述
    （超过 20 字，或以句号结尾的句子），都无法按指标考核，给出警告。日期、期间（2026年12月、2023.07-2024.01）不算。

    原因：叙述性的指标值既不能按数值比对，也不能按“达成/部分达成/未达成”评价。
    错误示例：指标值“12月底前100%到位”；“显著提升了疫情期间对民办幼儿园的扶持力度”。
    正确示例：资金到位率 ≥ 100 %（时效指标另写“2026年12月底前”）；定性指标值“达到预期目标”。
    """
    for indicator in filled(table):
        value = indicator.value
        if value is None or not isinstance(value.value, str) or indicator.is_quantitative:
            continue  # a number was read, or V13 reports text under a quantitative type
        text = half_width(clean(value.text))  # ２０２０．１．１ is a date as 2020.1.1 is
        mixed = any(ch.isdigit() for ch in _DATES.sub("", text))
        sentence = len(text) > SENTENCE_CHARS or (text.endswith("。") and len(text) > 10)
        if mixed or sentence:
            why = "混有数字，拆不出数值和单位" if mixed else "是一句叙述"
            yield Hit(
                value.at,
                f"指标值“{value.text}”{why}，应写成“符号＋数值＋单位”（如 ≥ 95 %）或简短的定性表述",
            )


def _cells(*fields: Field | None) -> tuple[tuple[int, int], ...]:
    return tuple((f.row, f.col) for f in fields if f is not None)
