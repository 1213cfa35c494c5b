"""Budget totals (计算合计): the identities a table's arithmetic implies, each with both sides and the difference.

- department 资金总额 = Σ 按收入性质分 (C04) and = 基本支出 + 项目支出 (C05); 项目支出 = Σ project budgets (C06);
- project 年度资金总额 = 财政拨款 + 其他资金 (+ 自筹资金 + 上年结转) where the layout has them (C03);
- project 年度预算 ≥ Σ 经济成本 (C01); each breakdown's 合计 = Σ its items, column by column (C07).
Amounts are compared in each table's 金额单位 (元 ↔ 万元 converted), within the settings' tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from perfgoals_xl.core.grid import address
from perfgoals_xl.core.models import HeaderItem, Loc, Table
from perfgoals_xl.core.reader.labels import BUDGET_SOURCES, BUDGET_USES
from perfgoals_xl.core.reader.values import money_in
from perfgoals_xl.core.semantics import canonical, is_economic_cost_row, money_value, name_text, number_text
from perfgoals_xl.core.vocab import clean


@dataclass(frozen=True)
class Term:
    """One side's amount: a label, its value in the table's unit (None = blank cell) and its cell."""

    label: str
    value: float | None
    cell: Loc | None
    readable: bool = True  # False: written but not a number (C08 reports it; the identity is not judged)


@dataclass(frozen=True)
class Identity:
    """left (=|≥) Σ right, on one sheet; `left.value` None means the total cell is blank (fillable)."""

    rule: str
    sheet: str
    title: str
    left: Term
    right: tuple[Term, ...]
    relation: Literal["=", "≥"]
    unit: str

    @property
    def right_sum(self) -> float:
        return sum(term.value or 0.0 for term in self.right)

    @property
    def difference(self) -> float | None:
        return None if self.left.value is None else self.left.value - self.right_sum

    def holds(self, tolerance: float) -> bool | None:
        """True/False, or None when the left side is blank."""
        difference = self.difference
        if difference is None or not all(t.readable for t in (self.left, *self.right)):
            return None
        return abs(difference) <= tolerance if self.relation == "=" else difference >= -tolerance

    @property
    def fillable(self) -> bool:
        """A blank total whose parts are known: 计算合计 may write Σ right into it."""
        return (
            self.relation == "="
            and self.left.value is None
            and self.left.readable  # blank, not text like 待定 or #N/A
            and self.left.cell is not None
            and any(t.value is not None for t in self.right)
        )

    def formula_text(self) -> str:
        """`一般公共预算 949.134 + 政府性基金预算 0`, how the total is computed (for notes and reports)."""
        return " + ".join(f"{t.label} {number_text(t.value or 0.0)}" for t in self.right) or "（无分项）"


def _term(label: str, item: HeaderItem | None) -> Term:
    if item is None:
        return Term(label, None, None)
    value = item.value.value if item.value and isinstance(item.value.value, float) else None
    readable = item.value is None or value is not None
    return Term(label, value, item.value.at if item.value else item.value_at, readable)


def table_identities(table: Table) -> list[Identity]:
    """The identities one table implies by itself (not C06, which needs the other tables), computed once per
    table: every C rule that judges a sum asks for them."""
    cached = table.facts.get("identities")
    if cached is None:
        cached = table.facts["identities"] = identities([table])
    return cached


def identities(tables: list[Table]) -> list[Identity]:
    """Every identity of every table, in sheet order."""
    found: list[Identity] = []
    for table in tables:
        if table.kind == "department":
            found += _department(table, tables)
        else:
            found += _project(table)
        found += _breakdowns(table)
    return found


def _department(table: Table, tables: list[Table]) -> list[Identity]:
    block = table.budget_block
    if "资金总额" not in block:
        return []
    total = _term("资金总额", block["资金总额"])
    found = []
    for rule, labels, title in (
        ("C04", BUDGET_SOURCES, "资金总额 = 按收入性质分之和"),
        ("C05", BUDGET_USES, "资金总额 = 基本支出 + 项目支出"),
    ):
        parts = tuple(_term(label, block[label]) for label in labels if label in block)
        if parts:
            found.append(Identity(rule, table.sheet, title, total, parts, "=", table.money_unit))
    found += _cost_totals(table, total)
    projects = [t for t in tables if t.kind == "project" and same_department(t, table)]
    if "项目支出" in block and projects:
        parts = tuple(
            Term(p.name or p.sheet, _budget_in(p, table.money_unit), _budget_cell(p)) for p in projects
        )
        found.append(
            Identity(
                "C06",
                table.sheet,
                "项目支出 = 各项目表预算之和",
                _term("项目支出", block["项目支出"]),
                parts,
                "=",
                table.money_unit,
            )
        )
    return found


TOTAL_INDICATOR_WORDS = ("成本总额", "总成本", "资金总额", "预算总额", "支出总额")


def _cost_totals(table: Table, total: Term) -> list[Identity]:
    """A department's 成本总额-like indicator = its 资金总额 (C11)."""
    found = []
    for indicator in table.indicators:
        amount = money_value(table, indicator) if indicator.is_filled else None
        name = name_text(indicator)
        if (
            amount is None
            or not any(word in name for word in TOTAL_INDICATOR_WORDS)
            or total.value in (None, 0)
        ):
            continue
        left = Term(name, amount, indicator.value.at)
        found.append(
            Identity("C11", table.sheet, f"{name} = 资金总额", left, (total,), "=", table.money_unit)
        )
    return found


def same_department(project: Table, department: Table) -> bool:
    """A project belongs to the department when its 填报单位 is the department, or it names no unit."""
    if project.unit_name is None or not project.unit_name.value or department.name is None:
        return True
    return clean(str(project.unit_name.value)) == clean(department.name)


def _budget_in(project: Table, unit: str) -> float | None:
    budget = project.budget
    return None if budget is None else money_in(budget, project.money_unit, unit)


def _budget_cell(project: Table) -> Loc | None:
    item = project.header.get("年度预算金额")
    return item.value_at if item else None


def _project(table: Table) -> list[Identity]:
    found = _funding(table)
    budget = table.header.get("年度预算金额")
    if budget is None:
        return found
    total = _term(budget.label.text, budget)
    rows = [
        i
        for i in table.indicators
        if i.is_filled
        and table.in_period(i)
        and is_economic_cost_row(i)
        and money_value(table, i) is not None
    ]
    costs = tuple(
        Term(name_text(i) or "经济成本", money_value(table, i), i.value.at if i.value else None) for i in rows
    )
    if costs and total.value is not None:
        exact = len(rows) == 1 and canonical(rows[0].operator) == "="  # one total cost written `=`: equal
        title = "年度预算 = 总成本" if exact else "年度预算 ≥ 经济成本合计"
        found.append(
            Identity("C01", table.sheet, title, total, costs, "=" if exact else "≥", table.money_unit)
        )
    return found


def _funding(table: Table) -> list[Identity]:
    """Each 资金情况 total = its own lines (in its own column group: 中期 ‖ 年度 never mix, docs/reference/rules.md §3.5),
    and each 小计 line = the numbered lines under it: (一)财政拨款小计 = 1、一般公共预算 + 2、政府性基金 …"""
    found = []
    for group in table.funding:
        tops = [line for line in group.lines if line.level == 1]
        if tops:
            found.append(_sum_identity(table, group.total, [line.item for line in tops], "各来源之和"))
        for index, line in enumerate(group.lines):
            if line.level != 1:
                continue
            children = []
            for later in group.lines[index + 1 :]:
                if later.level == 1:
                    break
                children.append(later.item)
            if children:
                found.append(_sum_identity(table, line.item, children, "其下各项之和"))
    return found


def _sum_identity(table: Table, total: HeaderItem, parts: list[HeaderItem], what: str) -> Identity:
    left = _term(total.label.text, total)
    right = tuple(_term(part.label.text, part) for part in parts)
    return Identity("C03", table.sheet, f"{left.label} = {what}", left, right, "=", table.money_unit)


def _breakdowns(table: Table) -> list[Identity]:
    found = []
    for breakdown in table.breakdowns:
        for col, total in breakdown.totals.items():
            items = breakdown.items.get(col, [])
            if not items or not isinstance(total.value, float):
                continue
            parts = tuple(
                Term(address(f.row, f.col), f.value if isinstance(f.value, float) else None, f.at)
                for f in items
            )
            left = Term("合计", total.value, total.at)
            found.append(
                Identity("C07", table.sheet, "明细合计 = 分项之和", left, parts, "=", table.money_unit)
            )
    return found


def render_text(rows: list[tuple[str, list[Identity]]], tolerance: float) -> str:
    """A Chinese table: per file each identity with its left side, right side and difference."""
    lines = []
    for path, found in rows:
        lines.append(f"文件：{path}")
        if not found:
            lines.append("  没有可核对的合计。")
        for identity in found:
            state = {True: "一致", False: "不一致", None: "合计为空，可计算填入"}[identity.holds(tolerance)]
            left = "（空）" if identity.left.value is None else number_text(identity.left.value)
            cell = f"!{identity.left.cell.address}" if identity.left.cell else ""
            difference = identity.difference
            lines.append(
                f"  {identity.rule} {identity.sheet}{cell}  {identity.title}：{identity.left.label} {left} "
                f"{identity.relation} {identity.formula_text()} = {number_text(identity.right_sum)}{identity.unit}"
                f"  差额 {'—' if difference is None else number_text(difference)}  {state}"
            )
        lines.append("")
    return "\n".join(lines).rstrip()


def to_json(rows: list[tuple[str, list[Identity]]], tolerance: float) -> dict:
    def term(t: Term) -> dict:
        return {"label": t.label, "value": t.value, "cell": t.cell.address if t.cell else None}

    return {
        "version": 1,
        "files": [
            {
                "path": path,
                "identities": [
                    {
                        "rule": i.rule,
                        "sheet": i.sheet,
                        "title": i.title,
                        "relation": i.relation,
                        "unit": i.unit,
                        "left": term(i.left),
                        "right": [term(t) for t in i.right],
                        "right_sum": i.right_sum,
                        "difference": i.difference,
                        "holds": i.holds(tolerance),
                    }
                    for i in found
                ],
            }
            for path, found in rows
        ],
    }
