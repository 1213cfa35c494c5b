"""H rules on what each level holds: costs are money (H06), timeliness and quality (H07), the 三级 name (H08),
inputs are no outputs (H10), activities are no effects (H11)."""

from __future__ import annotations

from collections.abc import Iterator

from perfgoals_xl.core.models import Indicator, Table
from perfgoals_xl.core.rules.registry import Hit, rule
from perfgoals_xl.core.semantics import (
    canonical,
    column_cell,
    filled,
    has_date_value,
    is_cost_row,
    name_text,
    unit_of,
)
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.core.vocab import (
    TIME_UNITS,
    canonical_level1,
    clean,
    is_count_unit,
    is_level_name,
    is_money_unit,
)

NEGATIVE_EFFECT_WORDS = (
    "影响",
    "污染",
    "损失",
    "风险",
    "负面",
    "破坏",
    "排放",
    "噪音",
    "占用",
    "能耗",
    "成本",
)
TOTAL_COST_WORDS = ("成本总额", "总成本", "成本", "费用", "经费", "支出", "预算数")
SAVING_RATE_WORDS = ("控制率", "节约率", "节支率", "降低率", "压减率")


@rule("H06", "error", "成本指标须为货币化成本；成本类内容不得放在其他指标下", source="F101")
def h06_cost_content(table: Table, settings: Settings) -> Iterator[Hit]:
    """成本类二级指标（经济成本、社会成本、生态环境成本，旧框架的产出—成本指标）须表达成本：经济成本用
    元/万元等货币单位；社会、生态环境成本可写货币化成本或对社会、环境的负面影响。万字、条、年等非成本
    内容放在成本下属于错放。反之，以货币计的成本总额放在效益等其他指标下也是错放。

    原因：成本指标用于衡量资金投入是否经济，非货币内容放在成本下无法与预算对照。
    错误示例：经济成本指标—起草《政府工作报告》等各类文 ≥ 3 万字；生态效益指标—成本总额 = 949.134 万元。
    正确示例：经济成本指标—全年对口支援工作费用 ≤ 30 万元。
    """
    for indicator in filled(table):
        unit = unit_of(indicator)
        if is_cost_row(indicator):
            yield from _non_cost_under_cost(table, indicator, unit)
        elif (
            is_money_unit(unit)
            and "/" not in (unit or "")
            and any(w in name_text(indicator) for w in TOTAL_COST_WORDS)
        ):
            if canonical(indicator.level2) in ("经济效益指标",) and "成本" not in name_text(indicator):
                continue  # money effects (税收增加 万元) belong under 经济效益
            at = indicator.name.at if indicator.name else column_cell(table, indicator, "name")
            where = canonical(indicator.level2) or canonical(indicator.level1) or "其他指标"
            yield Hit(
                at,
                f"成本类指标“{name_text(indicator)}”放在了“{where}”下，应放在“成本指标—经济成本指标”下",
            )


def _non_cost_under_cost(table: Table, indicator: Indicator, unit: str | None) -> Iterator[Hit]:
    name = name_text(indicator)
    level2 = canonical(indicator.level2) or "成本指标"
    if is_money_unit(unit):
        return
    at = indicator.name.at if indicator.name else column_cell(table, indicator, "name")
    if level2 == "成本指标" and any(w in name for w in SAVING_RATE_WORDS):
        yield Hit(at, f"“{name}”是比率，不是货币化成本，建议改为成本金额", "warning")
        return
    if level2 in ("社会成本指标", "生态环境成本指标") and any(w in name for w in NEGATIVE_EFFECT_WORDS):
        return
    shown = _value_text(indicator) or "非货币内容"
    yield Hit(at, f"“{name}”（{shown}）不是成本，不应放在{level2}下")


def _value_text(indicator: Indicator) -> str:
    value = indicator.value.text if indicator.value else ""
    unit = (
        indicator.unit.text
        if indicator.unit and indicator.unit.at != getattr(indicator.value, "at", None)
        else ""
    )
    return f"{value}{unit if unit not in ('无',) else ''}"


TIMELINESS_WORDS = (
    "及时",
    "按时",
    "按期",
    "时限",
    "时效",
    "进度",
    "完成时间",
    "周期",
    "期限",
    "当年",
    "年内",
    "年底",
    "月底",
    "前完成",
    "时间",
)


@rule("H07", "warning", "时效指标应为时间或及时率；质量指标应为标准或比率", source="F101")
def h07_timeliness_and_quality(table: Table, settings: Settings) -> Iterator[Hit]:
    """时效指标应是完成时间、期限或及时率、按期完成率、进度；质量指标应是达到的标准或比率
    （合格率、达标率），不应是活动次数；数量指标统计产出的数量，不应是比率（单位 %、名称以“率”“比例”结尾），
    也不应是一句文字。

    原因：101号文件对时效、质量指标的含义有明确界定；次数属于数量指标。
    错误示例：质量指标—宣传预警 ≥ 4 次；时效指标—重点工作督查完成量 ≥ 98 %。
    正确示例：质量指标—宣传资料合格率 ≥ 95 %；时效指标—督查按期完成率 ≥ 98 %。
    """
    for indicator in filled(table):
        level2, unit, name = canonical(indicator.level2), unit_of(indicator), name_text(indicator)
        at = indicator.name.at if indicator.name else column_cell(table, indicator, "name")
        if level2 == "时效指标":
            timely = (
                unit in TIME_UNITS or any(w in name for w in TIMELINESS_WORDS) or has_date_value(indicator)
            )
            if not timely:
                yield Hit(at, f"时效指标“{name}”应为完成时间或及时率、按期完成率")
        elif level2 == "质量指标" and is_count_unit(unit):
            yield Hit(
                at,
                f"质量指标“{name}”以“{unit}”计数，应为达到的标准或比率（如合格率、达标率）",
            )
        elif level2 == "数量指标" and _is_rate(name, unit):
            yield Hit(at, f"数量指标“{name}”是比率，数量指标应统计产出的数量（如人数、次数、面积）")
        elif level2 == "数量指标" and _is_text(indicator):
            value = indicator.value.text
            yield Hit(
                at,
                f"数量指标“{name}”的指标值“{value}”不是数量，应写明做了多少（如人数、次数、面积）",
            )


RATE_ENDINGS = ("率", "比例", "比率", "占比")


def _is_text(indicator: Indicator) -> bool:
    """A value in words (覆盖全区所有人员, 按在校学生数核算经费), not a number or a date."""
    value = indicator.value
    return value is not None and indicator.number is None and not has_date_value(indicator)


def _is_rate(name: str, unit: str | None) -> bool:
    """A rate (unit %, or a name ending 率/比例), not a count (docs/reference/rules.md §3.5, H07)."""
    return unit == "%" or clean(name).endswith(RATE_ENDINGS)


@rule("H08", "warning", "三级指标名称不得为空、不得照抄层级名或项目名", evidence="P")
def h08_level3_name(table: Table, settings: Settings) -> Iterator[Hit]:
    """有指标值时须有三级指标名称；名称不能只是层级名（如“社会成本指标”）或项目名称；不要写成“是否……”的问句，
    也不要把指标值写进名称（“村组干部230人”而指标值 230）。

    原因：三级指标名称要说明衡量什么，照抄项目名或层级名无法考核。
    错误示例：经济成本指标—金融处非专项（项目名）= 10 万元。
    正确示例：经济成本指标—金融处置工作经费 ≤ 10 万元。
    """
    project = clean(table.name) if table.name else None
    for indicator in table.indicators:
        if indicator.name is None:
            if indicator.value is not None:
                at = column_cell(table, indicator, "name")
                yield Hit(at, f"有指标值“{indicator.value.text}”但三级指标名称为空")
            continue
        name = clean(indicator.name.text)
        if name.startswith("是否"):
            yield Hit(
                indicator.name.at,
                f"三级指标“{indicator.name.text}”是是否问句，应写明可衡量的内容（如完成率、数量）",
            )
        elif _value_in_name(name, indicator):
            yield Hit(
                indicator.name.at,
                f"三级指标名称“{indicator.name.text}”中写了指标值“{indicator.value.text}”，名称与指标值应分开填写",
            )
        elif _copies_a_level(name):
            yield Hit(
                indicator.name.at,
                f"三级指标名称“{indicator.name.text}”照抄了层级名称，应写明具体衡量内容",
            )
        elif project and name == project:
            yield Hit(
                indicator.name.at,
                f"三级指标名称“{indicator.name.text}”照抄了项目名称，应写明具体衡量内容",
            )


def _value_in_name(name: str, indicator: Indicator) -> bool:
    """`村组干部230人` with value 230 人: the target (its number and unit) repeated inside the name."""
    number, unit = indicator.number, unit_of(indicator)
    if number is None or number == 0:
        return False
    written = f"{number:.10g}"
    start = name.find(written)
    while start >= 0:  # the number standing alone (not inside 1230 or 2.30), then the unit
        end = start + len(written)
        alone = start == 0 or name[start - 1] not in _DIGITS
        if alone and (name.startswith(unit, end) if unit else end == len(name) or name[end] not in _DIGITS):
            return True
        start = name.find(written, start + 1)
    return False


_DIGITS = "0123456789."


def _copies_a_level(name: str) -> bool:
    """`社会成本指标` or `产出指标` as a 三级 name (`服务对象满意度` is a fine name for a satisfaction rate)."""
    return canonical_level1(name) is not None or (name.endswith("指标") and is_level_name(name))


INPUT_WORDS = (
    "在职人数", "在编人数", "编制人数", "保障人数", "工作人员数", "职工人数", "员工人数", "人员经费", "运输车辆",
    "保障车辆", "车辆数", "公务用车", "安排金额", "支出安排", "资金量", "投入资金",
)  # fmt: skip


@rule("H10", "warning", "财力、人力、物力等投入不作为产出指标", source="G-IN", evidence="V")
def h10_inputs_not_outputs(table: Table, settings: Settings) -> Iterator[Hit]:
    """数量指标不应统计投入：在职人数、车辆、安排的资金金额等是投入，不是产出。

    原因：绩效目标衡量做成了什么；“保障在职人数”“支出安排金额”只说明投入了什么。
    错误示例：数量指标—保障在职人数 = 25 人；数量指标—支出安排金额 = 50 万元。
    正确示例：数量指标—办理政务服务事项 ≥ 5000 件。
    """
    for indicator in filled(table):
        if canonical(indicator.level2) != "数量指标":
            continue
        name, unit = name_text(indicator), unit_of(indicator)
        if any(w in name for w in INPUT_WORDS) or (is_money_unit(unit) and "/" not in (unit or "")):
            at = indicator.name.at if indicator.name else column_cell(table, indicator, "name")
            yield Hit(at, f"数量指标“{name}”统计的是投入（人力、物力、资金），应改为产出")


ACTIVITY_UNITS = ("次", "场", "条", "期", "篇", "场次", "批次", "轮")


@rule("H11", "warning", "活动数量不应作为效益指标")
def h11_activity_as_effect(table: Table, settings: Settings) -> Iterator[Hit]:
    """效益指标下以次、场、条等计数的活动量是产出，不是效益。

    原因：效益指标衡量产出带来的变化（社会、经济、生态），开展了几次活动属于数量指标。
    错误示例：社会效益指标—开展金融知识普及宣传 ≥ 4 次。
    正确示例：社会效益指标—群众防范非法集资意识提升，知晓率 ≥ 90 %。
    """
    for indicator in filled(table):
        if canonical(indicator.level1) == "效益指标" and unit_of(indicator) in ACTIVITY_UNITS:
            at = indicator.name.at if indicator.name else column_cell(table, indicator, "name")
            yield Hit(
                at,
                f"效益指标“{name_text(indicator)}”以“{unit_of(indicator)}”计的是活动数量（产出），应改为效果",
            )
