"""V rules on what a target says: satisfaction (V06), cost direction (V07), unit against name (V08), negative
indicators (V09), template residue (V10), vague wording (V11)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from perfgoals_xl.core.models import Indicator, Table
from perfgoals_xl.core.rules.registry import Hit, rule
from perfgoals_xl.core.semantics import (
    canonical,
    column_cell,
    filled,
    has_date_value,
    is_cost_row,
    money_value,
    name_text,
    number_text,
    unit_of,
)
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.core.vocab import TIME_UNITS, clean, is_money_unit


@rule(
    "V06",
    "warning",
    "满意度一般设为≥85%~90%，不宜设100%",
    evidence="P",
    reads=("satisfaction_floor", "satisfaction_warn_below"),
)
def v06_satisfaction_target(table: Table, settings: Settings) -> Iterator[Hit]:
    """满意度指标：单位 %，用“≥”（或“>”），取值一般 85～90 以上；低于下限、等于 100、用“=”或写成定性为警告；
    用“≤”“<”为错误。

    原因：满意度是正向指标，目标过低不成其为目标，100% 无法实现，“≤”方向相反。
    错误示例：群众满意度 ≤ 90 %；群众满意度 = 100 %。
    正确示例：群众满意度 ≥ 90 %。
    """
    limits = settings.thresholds
    for indicator in filled(table):
        if "满意" not in name_text(indicator) or "不满意" in name_text(indicator):
            continue  # 不满意率 is a negative indicator (V09's business)
        at = indicator.value.at if indicator.value else column_cell(table, indicator, "value")
        op = canonical(indicator.operator)
        number, unit = indicator.number, unit_of(indicator)
        name = name_text(indicator)
        if op in ("≤", "<"):
            yield Hit(
                indicator.operator.at,
                f"满意度“{name}”是正向指标，应使用“≥”，当前为“{op}”",
                "error",
            )
        elif indicator.is_qualitative:
            yield Hit(
                at,
                f"满意度“{name}”宜量化为百分比（如 ≥ 90 %），当前为定性“{indicator.value.text if indicator.value else ''}”",
            )
            continue
        elif op == "=":
            yield Hit(indicator.operator.at, f"满意度“{name}”宜使用“≥”，当前为“=”")
        if number is None:
            continue
        if unit != "%":
            yield Hit(at, f"满意度“{name}”的单位应为“%”，当前为“{unit or '空'}”")
        elif number >= 100:
            yield Hit(
                at,
                f"满意度“{name}”目标设为 {number_text(number)}% 难以实现，一般设为 ≥ 85%～90%",
            )
        elif number < limits.satisfaction_floor:
            yield Hit(
                at,
                f"满意度“{name}”目标 {number_text(number)}% 过低（低于 {number_text(limits.satisfaction_floor)}%）",
            )
        elif number < limits.satisfaction_warn_below:
            yield Hit(
                at,
                f"满意度“{name}”目标 {number_text(number)}% 偏低，一般不低于 {number_text(limits.satisfaction_warn_below)}%",
            )


@rule("V07", "error", "成本指标一般用“≤”，不得用“≥”", source="F101, SYS1")
def v07_cost_operator(table: Table, settings: Settings) -> Iterator[Hit]:
    """成本类指标（经济、社会、生态环境成本）是反向指标，用“≤”（或“<”）；用“≥”“>”为错误；
    货币成本用“=”、或数值没有写符号，为警告（除非成本确实固定等于预算或标准）。

    原因：成本目标是上限，“≥”表示花得越多越好。
    错误示例：经济成本指标—起草文稿 ≥ 3 万字；经济成本 = 10 万元。
    正确示例：经济成本指标—全年对口支援工作费用 ≤ 30 万元。
    """
    for indicator in filled(table):
        operator = indicator.operator
        if not is_cost_row(indicator):
            continue
        if operator is None:
            if indicator.number is not None and indicator.declared is None:
                at = indicator.value.at
                yield Hit(
                    at,
                    f"成本指标“{indicator.value.text}”没有写计算符号，应使用“≤”",
                    "warning",
                )
            continue
        op = canonical(operator)
        if op in ("≥", ">"):
            yield Hit(operator.at, f"成本指标应使用“≤”，当前为“{op}”")
        elif op == "=" and money_value(table, indicator) is not None:
            yield Hit(
                operator.at,
                "成本指标一般使用“≤”，当前为“=”；仅当成本固定等于预算或标准时可用“=”",
                "warning",
            )


PERCENT_WORDS = ("率", "比例", "比率", "覆盖率", "满意度", "占比")
PERCENT_EXCEPTIONS = ("效率", "频率", "利率", "汇率")


def _expected_unit(name: str) -> tuple[str, Callable[[str | None, Indicator], bool]] | None:
    """What unit a 三级 name asks for (V08), as (description, test)."""
    if any(w in name for w in PERCENT_WORDS) and not any(w in name for w in PERCENT_EXCEPTIONS):
        return "%", lambda unit, _ind: unit == "%"
    if name.endswith("人数"):
        return "人", lambda unit, _ind: unit in ("人", "人次", "名", "万人")
    if name.endswith("次数"):
        return "次", lambda unit, _ind: unit in ("次", "场次", "人次", "批次")
    if any(w in name for w in ("金额", "费用", "成本")):
        return "货币单位（元、万元）", lambda unit, _ind: is_money_unit(unit)
    if "进度" in name:
        return "% 或完成日期", lambda unit, ind: unit == "%" or has_date_value(ind)
    if any(w in name for w in ("时间", "时限", "期限")):
        return "时间或日期", lambda unit, ind: unit in TIME_UNITS or has_date_value(ind)
    if "及时" in name:
        return "%（及时率）或完成日期", lambda unit, ind: unit == "%" or has_date_value(ind)
    if name.endswith(("量", "数", "数量")):
        return "计数或计量单位", lambda unit, _ind: unit != "%"
    return None


@rule("V08", "warning", "计量单位应与指标名称匹配", evidence="P")
def v08_unit_fits_name(table: Table, settings: Settings) -> Iterator[Hit]:
    """计量单位要与名称对得上：…率、比例、满意度 → %；人数 → 人；次数 → 次；金额、费用、成本 → 元或万元；
    时间、时限、期限 → 时间或日期；进度 → % 或日期；…量、…数 不用 %。

    原因：单位与名称不符，指标值就无法被理解和考核。
    错误示例：资金拨付进度 = 1 年；重点工作督查完成量 ≥ 98 %。
    正确示例：资金拨付进度 ≥ 95 %；重点工作督查完成数 ≥ 12 项。
    """
    for indicator in filled(table):
        if indicator.is_qualitative or (indicator.number is None and not has_date_value(indicator)):
            continue
        name = clean(name_text(indicator))
        expected = _expected_unit(name)
        unit = unit_of(indicator)
        if expected is not None and not expected[1](unit, indicator):
            at = indicator.unit.at if indicator.unit else column_cell(table, indicator, "unit")
            yield Hit(
                at,
                f"“{name_text(indicator)}”的计量单位应为{expected[0]}，当前为“{indicator.unit.text if indicator.unit else '空'}”",
            )


NEGATIVE_WORDS = (
    "逾期",
    "差错",
    "事故",
    "投诉",
    "不合格",
    "发生率",
    "失误",
    "违规",
    "违纪",
    "故障",
    "超标",
    "延误",
    "返工",
    "死亡",
    "伤亡",
    "案件",
)
HANDLING_WORDS = (
    "处理", "办结", "解决", "处置", "回复", "化解", "整改", "查处", "受理", "调解", "破案", "办理", "演练", "排除",
    "排查", "预防", "防范", "应急", "侦破", "结案",
)  # fmt: skip


@rule("V09", "error", "反向指标应使用≤", source="SYS2", evidence="V")
def v09_negative_direction(table: Table, settings: Settings) -> Iterator[Hit]:
    """逾期率、差错率、事故/投诉/不合格的数量或比率、发生率等反向指标，应使用“≤”“<”或“=0”；
    用“≥”“>”为错误。（“投诉处理率”“事故整改率”等是正向指标，不在此列。）

    原因：反向指标越低越好，“≥”把目标方向写反了。
    错误示例：差错率 ≥ 5 %。
    正确示例：差错率 ≤ 1 %；安全事故 = 0 起。
    """
    for indicator in filled(table):
        name, operator = name_text(indicator), indicator.operator
        if (
            operator is None
            or not any(w in name for w in NEGATIVE_WORDS)
            or any(w in name for w in HANDLING_WORDS)
        ):
            continue
        op = canonical(operator)
        if op in ("≥", ">"):
            yield Hit(operator.at, f"“{name}”是反向指标，应使用“≤”或“=0”，当前为“{op}”")
        elif op == "=" and indicator.number not in (None, 0.0):
            yield Hit(
                operator.at,
                f"“{name}”是反向指标，宜写“≤ {indicator.value.text}”或“= 0”",
                "warning",
            )


PLACEHOLDER = re.compile(
    r"(?<![\d*＊])(?:\*{2,}|＊{2,})(?![\d*＊])|×{2,}|[xX]{2,}|某某|XX"
)  # not a masked 139****8136


@rule("V10", "error", "不得保留模板占位符", evidence="P")
def v10_template_residue(table: Table, settings: Settings) -> Iterator[Hit]:
    """名称、指标值、表头中不得留有模板占位符：**、××、XX、(≥**%)、≥**项。

    原因：占位符说明表格没有填完，审核时一律退回。
    错误示例：三级指标“培训覆盖率(≥**%)”；指标值“≥**项”。
    正确示例：三级指标“培训覆盖率”，指标值“≥ 95 %”。
    """
    fields = [item.value for item in table.header.values() if item.value is not None]
    for indicator in table.indicators:
        fields.extend(f for f in (indicator.name, indicator.value, indicator.unit) if f is not None)
    for field in fields:
        if PLACEHOLDER.search(field.text):
            yield Hit(field.at, f"“{field.text}”中保留了模板占位符，应填写实际内容")


@rule(
    "V11",
    "warning",
    "避免“逐步、进一步、明显、长期”等模糊表述",
    source="F101, G-CITY",
    reads=("vague_values", "vague_name_words", "vague_name_starts", "boilerplate_min_rows"),
)
def v11_vague_wording(table: Table, settings: Settings) -> Iterator[Hit]:
    """整个指标值只是“及时、增加、巩固、提升、长期、是、否”之类的动词或口号，三级指标名称用“逐步、进一步…”
    或以“促进、保障…”开头，或每行都是同一句指标解释（如“该指标值数据合理”），都是模糊表述。

    原因：101号文件要求能量化的尽量量化；模糊表述无法评价是否达成。
    错误示例：时效指标—年内及时开展工作—定性“及时”；经济效益—企业逐步强大，税收增加—“增加”。
    正确示例：时效指标—工作按期完成率 ≥ 95 %；定性指标值写“达到预期目标”。
    """
    limits = settings.thresholds
    for indicator in filled(table):
        value, name = indicator.value, indicator.name
        if (
            value is not None
            and isinstance(value.value, str)
            and _vague(clean(value.text), limits.vague_values)
        ):
            yield Hit(value.at, f"指标值“{value.text}”表述模糊，无法衡量，应量化或写明达到的程度")
        if name is not None:
            text = clean(name.text)
            word = next((w for w in limits.vague_name_words if w in text), None) or next(
                (w for w in limits.vague_name_starts if text.startswith(w)), None
            )
            if word:
                yield Hit(name.at, f"三级指标“{name.text}”含模糊表述“{word}”，应写明可衡量的内容")
    yield from _boilerplate(table, limits.boilerplate_min_rows)


VAGUE_ADVERBS = (
    "明显",
    "显著",
    "有效",
    "持续",
    "不断",
    "稳步",
    "进一步",
    "逐步",
    "大幅",
    "全面",
    "切实",
    "大力",
    "积极",
    "极大",
    "较大",
)
VAGUE_VERBS = (
    "提升", "提高", "增强", "改善", "增加", "加强", "保障", "巩固", "减少", "降低", "推进", "促进", "完善", "改进",
    "增长", "好转", "下降", "优化",
)  # fmt: skip
_VAGUE_PHRASE = re.compile(rf"^(?:{'|'.join(VAGUE_ADVERBS)})*(?:{'|'.join(VAGUE_VERBS)})+[。.]?$")


def _vague(text: str, whole: tuple[str, ...]) -> bool:
    """A value that only says things get better: a listed word, or adverbs + verbs (明显增加, 持续加强)."""
    return text in whole or bool(_VAGUE_PHRASE.match(text))


def _boilerplate(table: Table, min_rows: int) -> Iterator[Hit]:
    explanations: dict[str, list[Indicator]] = {}
    for indicator in filled(table):
        if indicator.explanation is not None:
            explanations.setdefault(clean(indicator.explanation.text), []).append(indicator)
    for rows in explanations.values():
        if len(rows) >= min_rows:
            first = rows[0].explanation
            yield Hit(
                first.at,
                f"指标解释“{first.text}”在 {len(rows)} 行重复出现，应分别说明每个指标的含义或计算方法",
            )
