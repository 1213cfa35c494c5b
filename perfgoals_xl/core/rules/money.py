"""C rules: budget amounts and their arithmetic (元 ↔ 万元, tolerance from settings)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from perfgoals_xl.core import totals  # a module, not names: totals itself imports the rule registry
from perfgoals_xl.core.models import HeaderItem, Loc, Table
from perfgoals_xl.core.reader.labels import (
    AMOUNT_LABELS,
    NARRATIVE_LABELS,
)
from perfgoals_xl.core.reader.values import money_in
from perfgoals_xl.core.rules.registry import Hit, rule
from perfgoals_xl.core.semantics import (
    filled,
    number_text,
    unit_of,
)
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.core.vocab import is_money_unit


def _amount(item: HeaderItem | None) -> float | None:
    """The amount of a 预算情况 cell; blank counts as 0, text that is not a number as unknown (None)."""
    if item is None or item.value is None:
        return 0.0
    return item.value.value if isinstance(item.value.value, float) else None


def _broken_identities(table: Table, rule_id: str, settings: Settings) -> Iterator[Hit]:
    """The table's identities of `rule_id` (perfgoals_xl.core.totals) that do not hold, as hits on the total."""
    for identity in _identities(table, rule_id):
        if identity.holds(settings.thresholds.money_tolerance) is not False:
            continue
        left, total = identity.left, identity.left.value or 0.0
        difference = total - identity.right_sum
        yield Hit(
            left.cell,
            f"{left.label}“{number_text(total)}”应等于 {identity.formula_text()} = {number_text(identity.right_sum)}，"
            f"相差 {number_text(difference)}{_unit_mixup(total, identity.right_sum)}",
        )


def _unit_mixup(a: float, b: float) -> str:
    """A hint when two amounts differ by 10 000×: one was written in 元, the other in 万元."""
    if a and b and any(abs(ratio - 10000) / 10000 < 0.001 for ratio in (a / b, b / a)):
        return "；两者相差约一万倍，疑似元与万元混用"
    return ""


@rule("C04", "error", "资金总额 = 按收入性质分之和", kinds=("department",))
def c04_total_by_source(table: Table, settings: Settings) -> Iterator[Hit]:
    """部门预算情况：资金总额 = 一般公共预算 + 政府性基金预算 + 财政专户管理资金 + 其他资金（空白按 0）。

    错误示例：资金总额 949.134，一般公共预算 900，其余为空。
    正确示例：资金总额 949.134，一般公共预算 949.134。
    """
    yield from _broken_identities(table, "C04", settings)


@rule("C05", "error", "资金总额 = 基本支出 + 项目支出", kinds=("department",))
def c05_total_by_use(table: Table, settings: Settings) -> Iterator[Hit]:
    """部门预算情况：资金总额 = 基本支出 + 项目支出。

    错误示例：资金总额 949.134，基本支出 909.134，项目支出 30。
    正确示例：资金总额 949.134，基本支出 909.134，项目支出 40。
    """
    yield from _broken_identities(table, "C05", settings)


def _budget(table: Table) -> float | None:
    value = table.item_value("年度预算金额")
    return value if isinstance(value, float) else None


@rule(
    "C01",
    "error",
    "经济成本指标合计不得超过项目预算",
    source="F101, SYS1",
    reads=("money_tolerance",),
    kinds=("project",),
)
def c01_cost_within_budget(table: Table, settings: Settings) -> Iterator[Hit]:
    """项目表：经济成本指标下各项货币总额（不含 元/人 这类单位成本）之和不得超过年度预算金额；
    只有一行总成本且写“=”时，应等于预算。先按金额单位换算（元 ↔ 万元）。

    原因：成本目标超过预算，说明预算或成本测算有误。
    错误示例：年度本级预算 10 万元，经济成本指标—工作经费 ≤ 12 万元。
    正确示例：年度本级预算 30 万元，经济成本指标—全年对口支援工作费用 ≤ 30 万元。
    """
    for identity in _identities(table, "C01"):
        if identity.holds(settings.thresholds.money_tolerance) is not False:
            continue
        first, unit = identity.right[0], table.money_unit
        cost, budget = number_text(identity.right_sum), number_text(identity.left.value or 0.0)
        if identity.relation == "≥":
            yield Hit(first.cell, f"经济成本合计 {cost}{unit} 超过年度预算 {budget}{unit}")
        else:
            yield Hit(first.cell, f"总成本写作“= {cost}{unit}”，与年度预算 {budget}{unit} 不一致")


def _identities(table: Table, rule_id: str) -> list[totals.Identity]:
    """The table's money identities of one rule: every sum a C rule judges is computed by core.totals."""
    return [identity for identity in totals.table_identities(table) if identity.rule == rule_id]


PER_PERIOD = {"月": 12, "年": 1, "季度": 4, "季": 4}
UNIT_COST_SLACK = 0.01  # unit costs are rounded (71.86 元/平方米): a product 1 % over the budget is rounding


@rule(
    "C02",
    "warning",
    "单位成本×数量应与预算匹配",
    evidence="P",
    reads=("money_tolerance",),
    kinds=("project",),
)
def c02_unit_cost_times_quantity(table: Table, settings: Settings) -> Iterator[Hit]:
    """单位成本（元/人、万元/月 …）乘以对应的数量（人数、月数）不应超过年度预算：元/人 与单位为“人”的数量指标配对，
    …/月 按 12 个月计。单位成本通常四舍五入，超出预算 1% 以内不报。

    原因：单位成本与数量相乘超过预算，说明标准或数量填错了。
    错误示例：预算 10 万元；补助标准 ≤ 500 元/人，数量指标—补助人数 ≥ 300 人（15 万元）。
    正确示例：预算 20 万元；补助标准 ≤ 500 元/人，补助人数 ≥ 300 人。
    """
    budget = _budget(table)
    if budget is None:
        return
    quantities: dict[str, float] = {}
    for indicator in filled(table):
        unit = unit_of(indicator)
        if indicator.number is not None and unit and "/" not in unit and not is_money_unit(unit):
            quantities.setdefault(unit, indicator.number)
    for indicator in filled(table):
        unit = unit_of(indicator)
        if indicator.number is None or not unit or "/" not in unit or not is_money_unit(unit):
            continue
        money, per = unit.split("/", 1)
        amount = money_in(indicator.number, money, table.money_unit)
        count = PER_PERIOD.get(per) or quantities.get(per)
        if amount is None or count is None:
            continue
        product = amount * count
        if product > budget * (1 + UNIT_COST_SLACK) + settings.thresholds.money_tolerance:
            value = indicator.value
            yield Hit(
                value.at,
                f"单位成本 {value.text}{'' if unit in value.text else unit} × {number_text(count)}{per} = {number_text(product)}{table.money_unit}，超过年度预算 {number_text(budget)}{table.money_unit}",
            )


@rule(
    "C03",
    "error",
    "资金总额等于各来源之和",
    source="G-CITY, F88",
    reads=("money_tolerance",),
    kinds=("project",),
)
def c03_funding_identity(table: Table, settings: Settings) -> Iterator[Hit]:
    """项目表写有资金来源时：年度资金总额 = 财政拨款 + 其他资金（+ 自筹资金 + 上年结转）。

    原因：来源之和与总额不符，说明有来源漏填或总额算错。
    错误示例：年度资金总额 100，其中财政拨款 80、其他资金 10。
    正确示例：年度资金总额 100，其中财政拨款 80、其他资金 20。
    """
    yield from _broken_identities(table, "C03", settings)


@rule(
    "C06",
    "warning",
    "部门项目支出应等于各项目表预算之和",
    scope="workbook",
    evidence="P",
    reads=("money_tolerance",),
)
def c06_department_projects(tables: list[Table], settings: Settings) -> Iterator[tuple[Table, Hit]]:
    """部门整体表的“项目支出”应等于同一工作簿中本部门各项目表的年度预算金额之和（按金额单位换算）。
    工作簿中没有本部门项目表、或项目表合计小于项目支出（可能未收齐）时，给出无法核对的提示。

    原因：部门整体预算与项目预算对不上，说明有项目漏报或金额填错。
    错误示例：部门项目支出 40 万元，工作簿中两张项目表预算 10、35 万元。
    正确示例：部门项目支出 40 万元 = 10 + 30 万元。
    """
    projects = [t for t in tables if t.kind == "project"]
    for dept in (t for t in tables if t.kind == "department"):
        item = dept.budget_block.get("项目支出")
        if item is None or item.value is None or not isinstance(item.value.value, float):
            continue
        spending, at = item.value.value, item.value.at
        mine = [p for p in projects if totals.same_department(p, dept)]
        amounts = [(p, _budget(p)) for p in mine]
        known = [(p, money_in(b, p.money_unit, dept.money_unit)) for p, b in amounts if b is not None]
        if not known:
            yield (
                dept,
                Hit(
                    at,
                    f"工作簿中没有本部门的项目表，无法核对项目支出 {number_text(spending)}",
                    "info",
                ),
            )
            continue
        total = sum(v for _, v in known if v is not None)
        names = "、".join(f"{p.name or p.sheet} {number_text(v or 0)}" for p, v in known)
        tolerance = settings.thresholds.money_tolerance
        if total > spending + tolerance:
            yield (
                dept,
                Hit(
                    at,
                    f"项目支出 {number_text(spending)} 小于本工作簿中项目表预算合计 {number_text(total)}（{names}）",
                ),
            )
        elif total < spending - tolerance:
            yield (
                dept,
                Hit(
                    at,
                    f"项目表预算合计 {number_text(total)}（{names}）小于项目支出 {number_text(spending)}，可能未包含全部项目表，无法核对",
                    "info",
                ),
            )


@rule("C07", "error", "明细合计须等于分项之和", evidence="P", reads=("money_tolerance",))
def c07_breakdown_totals(table: Table, settings: Settings) -> Iterator[Hit]:
    """支出明细、成本构成、分配表等明细表的“合计”行，每一列都应等于上方各分项之和。

    原因：合计与分项不符，预算金额就不可信。
    错误示例：培训费 3、印刷费 2、合计 6。
    正确示例：培训费 3、印刷费 2、合计 5。
    """
    yield from _broken_identities(table, "C07", settings)


@rule("C08", "warning", "应注明金额单位", evidence="P")
def c08_amount_unit_declared(table: Table, settings: Settings) -> Iterator[Hit]:
    """每张表要注明金额单位（“金额单位：万元”或标签上的“（万元）”）；金额须能识别为数字
    （“200万”“1,234.5”可以识别，无法识别的金额为错误）。

    原因：不注明单位时，元与万元相差一万倍，汇总必错。
    错误示例：部门整体表没有“金额单位”行；预算金额写作“约十万”。
    正确示例：表头下写“金额单位：万元”，金额写 949.134。
    """
    if table.amount_unit is None:
        at = _money_label(table) or (table.title.at if table.title else Loc(row=table.top, col=table.left))
        yield Hit(
            at,
            f"未注明金额单位，请在表头注明“金额单位：万元”或“元”（按{table.money_unit}理解）",
        )
    amounts = [table.header[k] for k in AMOUNT_LABELS if k in table.header]
    lines = [item for group in table.funding for item in (group.total, *(line.item for line in group.lines))]
    for item in dict.fromkeys([*amounts, *lines, *table.budget_block.values()]):
        if item.value is not None and not isinstance(item.value.value, float):
            yield Hit(item.value.at, f"金额“{item.value.text}”无法识别为数字", "error")


def _money_label(table: Table) -> Loc | None:
    """Where the unit belongs: the label of the table's money block (资金情况, 年度资金总额 …)."""
    if table.funding:
        return table.funding[0].total.label.at
    item = table.header.get("年度预算金额")
    return item.label.at if item is not None else None


@rule("C09", "warning", "指标权重与预算执行率权重合计100", evidence="P")
def c09_weights_sum(table: Table, settings: Settings) -> Iterator[Hit]:
    """有权重列时（四川一体化导出），各指标权重加上预算执行率权重应等于 100。

    原因：权重合计不是 100，评分就无法折算。
    错误示例：指标权重合计 85，预算执行率权重 10。
    正确示例：指标权重合计 90，预算执行率权重 10。
    """
    for block_index, block in enumerate(table.blocks):
        col = block.columns.get("weight")
        if col is None:
            continue
        numbers = [
            i.weight.value
            for i in filled(table)
            if i.block == block_index and i.weight and isinstance(i.weight.value, float)
        ]
        execution = table.item_value("预算执行率权重")
        total = sum(numbers) + (execution if isinstance(execution, float) else 0)
        if numbers and abs(total - 100) > 0.01:
            at = Loc(row=block.header_row, col=col)
            yield Hit(at, f"指标权重合计 {number_text(total)}（含预算执行率权重），应为 100")


NARRATIVE_AMOUNT = re.compile(
    r"(合计|共计|总计|总投资|预算|资金总额|总额|安排资金|投入资金)[^0-9，。；,;]{0,6}?(\d[\d,]*(?:\.\d+)?)\s*(万元|亿元|元|万(?![\u4e00-\u9fff]))"
)


@rule(
    "C10", "warning", "文字表述金额应与预算一致", evidence="P", reads=("money_tolerance",), kinds=("project",)
)
def c10_narrative_amounts(table: Table, settings: Settings) -> Iterator[Hit]:
    """绩效目标、项目概况、实施计划等文字中写的总金额（“合计50万元”“预算100万元”）应与年度预算金额一致。

    原因：文字与表格金额矛盾，说明修改预算后漏改了文字。
    错误示例：年度预算 30 万元，本年度绩效目标写“安排资金50万元用于…”。
    正确示例：本年度绩效目标写“安排资金30万元用于…”。
    """
    budget = _budget(table)
    if budget is None:
        return
    for key in NARRATIVE_LABELS:
        item = table.header.get(key)
        if item is None or item.value is None:
            continue
        for match in NARRATIVE_AMOUNT.finditer(item.value.text):
            amount = money_in(float(match.group(2).replace(",", "")), match.group(3), table.money_unit)
            if amount is not None and abs(amount - budget) > settings.thresholds.money_tolerance:
                yield Hit(
                    item.value.at,
                    f"{key}中写的“{match.group(0)}”与年度预算 {number_text(budget)}{table.money_unit} 不一致",
                )


@rule(
    "C11",
    "warning",
    "部门成本总额指标应与资金总额一致",
    evidence="P",
    reads=("money_tolerance",),
    kinds=("department",),
)
def c11_department_cost_total(table: Table, settings: Settings) -> Iterator[Hit]:
    """部门整体表中若有“成本总额”之类的指标，其金额应等于预算情况中的资金总额（位置是否正确见 H06）。

    原因：同一张表里的两个总额不一致，必有一处错误。
    错误示例：资金总额 949.134 万元，成本总额 = 900 万元。
    正确示例：资金总额 949.134 万元，成本总额 ≤ 949.134 万元。
    """
    for identity in _identities(table, "C11"):
        if identity.holds(settings.thresholds.money_tolerance) is False:
            left, total = identity.left, identity.right[0]
            yield Hit(
                left.cell,
                f"“{left.label}”{number_text(left.value or 0.0)} 与资金总额 {number_text(total.value or 0.0)} 不一致",
            )
