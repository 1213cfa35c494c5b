"""C rules: budget amounts and their arithmetic (元 ↔ 万元, tolerance from settings)."""

from __future__ import annotations

from collections.abc import Iterator

from perfgoals_xl.models import HeaderItem, Table
from perfgoals_xl.reader.labels import BUDGET_SOURCES, BUDGET_USES
from perfgoals_xl.rules.registry import Hit, number_text, rule
from perfgoals_xl.settings import Settings


def _amount(item: HeaderItem | None) -> float | None:
    """The amount of a 预算情况 cell; blank counts as 0, text that is not a number as unknown (None)."""
    if item is None or item.value is None:
        return 0.0
    return item.value.value if isinstance(item.value.value, float) else None


def _identity(table: Table, parts: tuple[str, ...], what: str, settings: Settings) -> Iterator[Hit]:
    """资金总额 = Σ parts of the 预算情况 block, when the block has the total and at least one part."""
    total_item = table.budget_block.get("资金总额")
    present = [table.budget_block[p] for p in parts if p in table.budget_block]
    if total_item is None or total_item.value is None or not present:
        return
    total = _amount(total_item)
    amounts = [_amount(item) for item in present]
    if total is None or any(a is None for a in amounts):
        return
    parts_sum = sum(a for a in amounts if a is not None)
    if abs(total - parts_sum) > settings.thresholds.money_tolerance:
        names = " + ".join(item.label.value for item in present)  # type: ignore[misc]
        cell = total_item.value.cell
        yield Hit(
            total_item.value.at,
            f"资金总额“{number_text(total)}”应等于{what}（{names}）之和 {number_text(parts_sum)}，"
            f"相差 {number_text(total - parts_sum)}（{cell}）",
        )


@rule("C04", "error", "资金总额 = 按收入性质分之和")
def total_by_source(table: Table, settings: Settings) -> Iterator[Hit]:
    """部门预算情况：资金总额 = 一般公共预算 + 政府性基金预算 + 财政专户管理资金 + 其他资金（空白按 0）。

    错误示例：资金总额 949.134，一般公共预算 900，其余为空。
    正确示例：资金总额 949.134，一般公共预算 949.134。
    """
    if table.kind == "department":
        yield from _identity(table, BUDGET_SOURCES, "按收入性质分", settings)


@rule("C05", "error", "资金总额 = 基本支出 + 项目支出")
def total_by_use(table: Table, settings: Settings) -> Iterator[Hit]:
    """部门预算情况：资金总额 = 基本支出 + 项目支出。

    错误示例：资金总额 949.134，基本支出 909.134，项目支出 30。
    正确示例：资金总额 949.134，基本支出 909.134，项目支出 40。
    """
    if table.kind == "department":
        yield from _identity(table, BUDGET_USES, "按支出性质分", settings)
