"""H rules: indicator hierarchy and placement (一级/二级/三级)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from perfgoals_xl.core.models import Field, Indicator, Loc, Table
from perfgoals_xl.core.rules.registry import (
    Hit,
    canonical,
    column_cell,
    distinct_labels,
    filled,
    has_date_value,
    is_cost_row,
    name_text,
    noted,
    rule,
    unit_of,
)
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.core.vocab import (
    HIERARCHY,
    LEVEL1,
    TIME_UNITS,
    canonical_level1,
    clean,
    is_count_unit,
    is_level_name,
    is_money_unit,
)


def _normalised(label: Field, level: str) -> Hit | None:
    """An info hit when a label was read as a different canonical name (`满意度` → 满意度指标)."""
    if label.value is not None and clean(label.text) != label.value:
        return Hit(label.at, f"{level}“{label.text}”按“{label.value}”识别", "info")
    return None


@rule("H01", "error", "一级指标只能是产出、效益、满意度、成本四类")
def level1_known(table: Table, settings: Settings) -> Iterator[Hit]:
    """每个一级指标（规范化后）须为 产出指标、效益指标、满意度指标、成本指标 之一。

    错误示例：一级指标写作“工作指标”。
    正确示例：一级指标写作“产出指标”（“满意度”按“满意度指标”识别）。
    """
    yield from noted(table, "H01")
    for label in distinct_labels(table, "level1"):
        if label.value is None:
            names = "、".join(LEVEL1)
            yield Hit(label.at, f"一级指标“{label.text}”无法识别，应为{names}之一")
        elif hit := _normalised(label, "一级指标"):
            yield hit


@rule("H02", "error", "二级指标须属于其一级指标的法定子类")
def level2_allowed(table: Table, settings: Settings) -> Iterator[Hit]:
    """二级指标须是其（向下延续的）一级指标允许的子类，例如 数量指标 只能在 产出指标 下。

    错误示例：一级“效益指标”下的二级写作“数量指标”。
    正确示例：一级“产出指标”下的二级“数量指标”；“经济效益”按“经济效益指标”识别。
    """
    for label in distinct_labels(table, "level2"):
        if label.value is None:
            yield Hit(label.at, f"二级指标“{label.text}”无法识别")
        elif hit := _normalised(label, "二级指标"):
            yield hit
    reported = set()
    for indicator in table.indicators:
        level1, level2 = indicator.level1, indicator.level2
        if level2 is None:
            block = table.blocks[indicator.block]
            carried = "level2" in block.columns and not block.shifted  # a shift is said once, by H01
            if indicator.is_filled and indicator.name is not None and level1 is not None and carried:
                yield Hit(indicator.name.at, f"三级指标“{indicator.name.text}”缺少二级指标")
            continue
        if level1 is None or level1.value is None or level2.value is None or level2.at in reported:
            continue
        if level2.value not in HIERARCHY[str(level1.value)]:
            reported.add(level2.at)
            yield Hit(level2.at, _misplaced(level2, str(level1.value)))


def _misplaced(level2: Field, level1: str) -> str:
    homes = [name for name, children in HIERARCHY.items() if level2.value in children]
    where = f"，应放在“{'”或“'.join(homes)}”下" if homes else ""
    return f"二级指标“{level2.text}”不属于一级指标“{level1}”{where}"


@rule("H03", "warning", "同一表内指标框架应一致", source="F101/F88")
def one_framework(table: Table, settings: Settings) -> Iterator[Hit]:
    """一张表只用一种指标框架：成本要么是一级指标（101号），要么是产出下的二级（88号旧框架）；
    满意度要么是一级指标，要么（旧框架）是效益下的二级。框架要求随配置的 profile 而定。

    原因：混用两种框架会让成本、满意度被重复或遗漏统计，审核时会被退回。
    错误示例：同一表里既有一级“成本指标”，又有“产出指标—成本指标”。
    正确示例：全表按 101号 框架，成本指标为一级，下设经济成本、社会成本、生态环境成本指标。
    """
    cost_level1 = _first(table, lambda i: canonical(i.level1) == "成本指标", "level1")
    cost_level2 = _first(
        table, lambda i: canonical(i.level1) == "产出指标" and canonical(i.level2) == "成本指标"
    )
    sat_level1 = _first(table, lambda i: canonical(i.level1) == "满意度指标", "level1")
    sat_level2 = _first(
        table, lambda i: canonical(i.level1) == "效益指标" and canonical(i.level2) == "服务对象满意度指标"
    )
    if cost_level1 and cost_level2:
        yield Hit(
            cost_level2.at,
            f"同一表内成本指标既作一级又作产出下的二级（{cost_level1.cell}、{cost_level2.cell}），应统一框架",
        )
    if sat_level1 and sat_level2:
        yield Hit(
            sat_level2.at,
            f"同一表内满意度指标既作一级又作效益下的二级（{sat_level1.cell}、{sat_level2.cell}），应统一框架",
        )
    if settings.profile == "mof-2021":
        for label, what in (
            (cost_level2, "成本指标应作为一级指标"),
            (sat_level2, "满意度指标应作为一级指标"),
        ):
            if label and not (cost_level1 and cost_level2) and not (sat_level1 and sat_level2):
                yield Hit(label.at, f"按财预〔2021〕101号框架，{what}，当前为旧框架写法")
    elif settings.profile == "legacy-2015" and cost_level1 and not cost_level2:
        yield Hit(cost_level1.at, "按财预〔2015〕88号框架，成本指标应为产出指标下的二级指标")


def _first(table: Table, test: Callable[[Indicator], bool], level: str = "level2") -> Field | None:
    found = next((i for i in table.indicators if test(i)), None)
    return getattr(found, level) if found is not None else None


@rule(
    "H04",
    "error",
    "产出、效益、满意度（及新框架下经济成本）至少各有一个有值的三级指标",
    source="ZF34, G-FILL, NX22, F101",
)
def mandatory_coverage(table: Table, settings: Settings) -> Iterator[Hit]:
    """产出指标下至少一个有值的三级指标（其中至少一个数量指标），效益指标、满意度指标下各至少一个；
    成本作为一级指标（101号框架）时，经济成本指标下至少一个。可选的二级（经济/生态效益、可持续影响、
    社会/生态环境成本）留空不报。满意度：表中有该行而未填为错误，表中根本没有满意度行为警告。

    原因：中发〔2018〕34号要求绩效目标覆盖产出、效益和服务对象满意度；缺项的表会被退回补充。
    错误示例：“服务对象满意度”一行只有二级指标，没有三级指标和指标值。
    正确示例：服务对象满意度指标 — 群众满意度 — ≥ 90 %。
    """
    if not table.blocks:
        at = table.title.at if table.title else Loc(row=table.top, col=table.left)
        yield Hit(at, "表中没有绩效指标（一级、二级、三级指标和指标值），可能被截断")
        return
    if not any(block.has_levels for block in table.blocks):
        return  # a flat 指标名称 list (重庆 整体绩效目标表) carries no 一级/二级 to cover
    yield from _coverage(table, "产出指标", None, "产出指标")
    yield from _coverage(table, "产出指标", "数量指标", "数量指标")
    yield from _coverage(table, "效益指标", None, "效益指标")
    satisfaction = [i for i in table.indicators if _is_satisfaction_slot(i)]
    if not any(i.is_filled for i in satisfaction):
        if satisfaction:
            slot = satisfaction[0]
            at = column_cell(table, slot, "name")
            yield Hit(at, "服务对象满意度指标未填写三级指标和指标值")
        else:
            at = _block_header(table)
            yield Hit(at, "表中没有满意度指标，应至少设置一个服务对象满意度指标", "warning")
    if any(canonical(i.level1) == "成本指标" for i in table.indicators):
        yield from _coverage(table, "成本指标", "经济成本指标", "经济成本指标")


def _is_satisfaction_slot(indicator: Indicator) -> bool:
    return canonical(indicator.level1) == "满意度指标" or canonical(indicator.level2) == "服务对象满意度指标"


def _coverage(table: Table, level1: str, level2: str | None, what: str) -> Iterator[Hit]:
    rows = [
        i
        for i in table.indicators
        if canonical(i.level1) == level1 and (level2 is None or canonical(i.level2) == level2)
    ]
    if any(i.is_filled for i in rows):
        return
    at = column_cell(table, rows[0], "name") if rows else _block_header(table)
    yield Hit(at, f"{what}下没有填写任何三级指标，至少应有一个")


def _block_header(table: Table) -> Loc:
    block = table.blocks[0]  # mandatory_coverage returns early when there is no block
    return Loc(row=block.header_row, col=block.columns.get("level1", table.left))


SATISFACTION_WORDS = ("满意度", "满意率", "满意程度", "满意")


@rule("H05", "error", "满意度类指标只能放在满意度指标下", source="F101")
def satisfaction_placement(table: Table, settings: Settings) -> Iterator[Hit]:
    """名称含“满意”（满意度、满意率、满意程度）的三级指标只能放在满意度指标下
    （旧框架允许放在效益指标—服务对象满意度指标下）。

    原因：101号框架把服务对象满意度单列为一级指标；放在社会效益下会被当作效益重复计算。
    错误示例：效益指标—社会效益指标—群众满意度 ≥ 98 %。
    正确示例：满意度指标—服务对象满意度指标—群众满意度 ≥ 98 %。
    """
    for indicator in filled(table):
        if not table.blocks[indicator.block].has_levels:
            continue  # a flat 指标名称 list has no place to be wrong about
        if "满意" in name_text(indicator) and not _is_satisfaction_slot(indicator):
            home = canonical(indicator.level2) or canonical(indicator.level1) or "其他指标"
            yield Hit(
                indicator.name.at,
                f"满意度类指标“{name_text(indicator)}”放在了“{home}”下，应放在“满意度指标—服务对象满意度指标”下",
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
def cost_content(table: Table, settings: Settings) -> Iterator[Hit]:
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
def timeliness_and_quality(table: Table, settings: Settings) -> Iterator[Hit]:
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
    """A rate (unit %, or a name ending 率/比例), not a count (rules.md §3.5, H07)."""
    return unit == "%" or clean(name).endswith(RATE_ENDINGS)


@rule("H08", "warning", "三级指标名称不得为空、不得照抄层级名或项目名", evidence="P")
def level3_name(table: Table, settings: Settings) -> Iterator[Hit]:
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
    written = re.escape(f"{number:.10g}")
    after = re.escape(unit) if unit else "(?![\\d.])"
    return bool(re.search(rf"(?<![\d.]){written}{after}", name))


def _copies_a_level(name: str) -> bool:
    """`社会成本指标` or `产出指标` as a 三级 name (`服务对象满意度` is a fine name for a satisfaction rate)."""
    return canonical_level1(name) is not None or (name.endswith("指标") and is_level_name(name))


@rule("H09", "error", "指标行不得错列", evidence="P")
def row_alignment(table: Table, settings: Settings) -> Iterator[Hit]:
    """二级指标名称不得写在一级指标列或左侧标签列；每个指标行都须能向上延续到一个一级指标。

    原因：错列的行在汇总、导入预算系统时会挂到错误的指标下或丢失。
    错误示例：“生态环境成本指标”写在 A 列（本年度绩效指标列），二级指标列为空。
    正确示例：“生态环境成本指标”写在二级指标列。
    """
    tree = table.form == "tree"  # the 批复表 tree nests levels by indentation, not by column
    for indicator in table.indicators:
        columns = table.blocks[indicator.block].columns
        level2 = indicator.level2
        if (
            not tree
            and level2 is not None
            and level2.at.row == indicator.row
            and level2.at.col != columns.get("level2")
        ):
            yield Hit(
                level2.at,
                f"二级指标“{level2.text}”写在了第 {level2.at.address.rstrip('0123456789')} 列，应写在二级指标列",
            )
    yield from _without_level1(table)


def _without_level1(table: Table) -> Iterator[Hit]:
    """Rows that resolve to no 一级 (in a layout that has the column), one finding per run of such rows."""
    run: list[Indicator] = []
    for indicator in [*table.indicators, None]:
        missing = (
            indicator is not None
            and indicator.level1 is None
            and indicator.is_filled
            and "level1" in table.blocks[indicator.block].columns
        )
        if missing and (not run or run[-1].block == indicator.block):
            run.append(indicator)
            continue
        if run:
            first, last = run[0], run[-1]
            at = column_cell(table, first, "level1")
            rows = f"第 {first.row} 行" if first.row == last.row else f"第 {first.row}–{last.row} 行"
            yield Hit(at, f"{rows}指标没有一级指标")
            run = [indicator] if missing else []


INPUT_WORDS = (
    "在职人数", "在编人数", "编制人数", "保障人数", "工作人员数", "职工人数", "员工人数", "人员经费", "运输车辆",
    "保障车辆", "车辆数", "公务用车", "安排金额", "支出安排", "资金量", "投入资金",
)  # fmt: skip


@rule("H10", "warning", "财力、人力、物力等投入不作为产出指标", source="G-IN", evidence="V")
def inputs_not_outputs(table: Table, settings: Settings) -> Iterator[Hit]:
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
def activity_as_effect(table: Table, settings: Settings) -> Iterator[Hit]:
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
