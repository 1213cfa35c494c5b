"""H rules on the levels: 一级 (H01), 二级 under its 一级 (H02), one framework (H03), coverage (H04), satisfaction
placement (H05), rows in their columns (H09)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from perfgoals_xl.core.models import Field, Indicator, Loc, Table
from perfgoals_xl.core.rules.registry import Hit, noted, rule
from perfgoals_xl.core.semantics import (
    canonical,
    column_cell,
    distinct_labels,
    filled,
    name_text,
)
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.core.vocab import (
    HIERARCHY,
    LEVEL1,
    clean,
)


def _normalised(label: Field, level: str) -> Hit | None:
    """An info hit when a label was read as a different canonical name (`满意度` → 满意度指标)."""
    if label.value is not None and clean(label.text) != label.value:
        return Hit(label.at, f"{level}“{label.text}”按“{label.value}”识别", "info")
    return None


@rule("H01", "error", "一级指标只能是产出、效益、满意度、成本四类")
def h01_level1_known(table: Table, settings: Settings) -> Iterator[Hit]:
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
def h02_level2_allowed(table: Table, settings: Settings) -> Iterator[Hit]:
    """二级指标须是其（向下延续的）一级指标允许的子类，例如 数量指标 只能在 产出指标 下。

    错误示例：一级“效益指标”下的二级写作“数量指标”。
    正确示例：一级“产出指标”下的二级“数量指标”；“经济效益”按“经济效益指标”识别。
    """
    starts = set()  # the cell each 二级 is written in first: a label filled down is judged once
    for label in distinct_labels(table, "level2"):
        starts.add(label.at)
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
        if level1 is None or level1.value is None or level2.value is None:
            continue
        if level2.at in reported or level2.at not in starts:
            continue
        if level2.value not in HIERARCHY[str(level1.value)]:
            reported.add(level2.at)
            yield Hit(level2.at, _misplaced(level2, str(level1.value)))


def _misplaced(level2: Field, level1: str) -> str:
    homes = [name for name, children in HIERARCHY.items() if level2.value in children]
    where = f"，应放在“{'”或“'.join(homes)}”下" if homes else ""
    return f"二级指标“{level2.text}”不属于一级指标“{level1}”{where}"


@rule("H03", "warning", "同一表内指标框架应一致", source="F101/F88")
def h03_one_framework(table: Table, settings: Settings) -> Iterator[Hit]:
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
def h04_mandatory_coverage(table: Table, settings: Settings) -> Iterator[Hit]:
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
    block = table.blocks[0]  # h04_mandatory_coverage returns early when there is no block
    return Loc(row=block.header_row, col=block.columns.get("level1", table.left))


SATISFACTION_WORDS = ("满意度", "满意率", "满意程度", "满意")


@rule("H05", "error", "满意度类指标只能放在满意度指标下", source="F101")
def h05_satisfaction_placement(table: Table, settings: Settings) -> Iterator[Hit]:
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


@rule("H09", "error", "指标行不得错列", evidence="P")
def h09_row_alignment(table: Table, settings: Settings) -> Iterator[Hit]:
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
            and level2.row == indicator.row
            and level2.col != columns.get("level2")
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
