"""What changed in a table submitted again: its name, budget, header items, 年度主要任务 and indicator rows
(added, removed, or which field of a matched row: name, operator, value, unit, level)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from perfgoals_xl.core.match import Pair, indicator_key, normal
from perfgoals_xl.core.models import Field, HeaderItem, Indicator, Loc, Table
from perfgoals_xl.core.semantics import number_text

Value = str | float | None
NAME_LABELS = ("项目名称", "部门名称")
BUDGET_LABELS = ("年度预算金额", "资金总额")


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: `field` says what (table_name, budget, header, task, indicator, name, operator, value,
    unit, level, identity), `label` says it in Chinese; `old`/`new` None where the side lacks it."""

    field: str
    label: str
    old: Value
    new: Value
    old_cell: str | None = None
    new_cell: str | None = None


def text_of(field: Field | None) -> Value:
    if field is None:
        return None
    return field.value if field.value is not None else field.text


def _same(a: Value, b: Value) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    if isinstance(a, str) and isinstance(b, str):
        return normal(a) == normal(b) and a.strip() == b.strip()
    return a == b


def _cell(field: Field | None) -> str | None:
    return field.cell if field is not None else None


def header_items(table: Table) -> dict[str, HeaderItem]:
    items = {**table.header, **table.budget_block}
    for group in table.funding:
        for line in group.lines:
            items.setdefault(str(line.item.label.value or line.item.label.text), line.item)
    return items


def table_changes(old: Table, new: Table, indicator_pairs: list[Pair]) -> list[Change]:
    """Header items (the name and the budget under their own field), 年度主要任务, then indicator rows."""
    changes: list[Change] = []
    if old.name != new.name:
        label = "部门名称" if new.kind == "department" else "项目名称"
        changes.append(Change("table_name", label, old.name, new.name, *_item_cells(old, new, NAME_LABELS)))
    if not _same(old.budget, new.budget):
        changes.append(
            Change("budget", "预算金额", old.budget, new.budget, *_item_cells(old, new, BUDGET_LABELS))
        )
    if text_of(old.amount_unit) != text_of(new.amount_unit):
        changes.append(
            Change(
                "header",
                "金额单位",
                text_of(old.amount_unit),
                text_of(new.amount_unit),
                _cell(old.amount_unit),
                _cell(new.amount_unit),
            )
        )
    a, b = header_items(old), header_items(new)
    for label in dict.fromkeys([*a, *b]):
        if label in NAME_LABELS or label in BUDGET_LABELS:
            continue
        before, after = a.get(label), b.get(label)
        old_value = text_of(before.value) if before else None
        new_value = text_of(after.value) if after else None
        if not _same(old_value, new_value):
            changes.append(
                Change("header", label, old_value, new_value, _value_cell(before), _value_cell(after))
            )
    changes += _task_changes(old, new)
    for o, n in indicator_pairs:
        changes += indicator_changes(
            old.indicators[o] if o is not None else None, new.indicators[n] if n is not None else None
        )
    return changes


def _value_cell(item: HeaderItem | None) -> str | None:
    if item is None:
        return None
    return item.value.cell if item.value is not None else item.value_at.address


def _item_cells(old: Table, new: Table, labels: Iterable[str]) -> tuple[str | None, str | None]:
    def cell(table: Table) -> str | None:
        items = header_items(table)
        return next((_value_cell(items[label]) for label in labels if label in items), None)

    return cell(old), cell(new)


def _task_changes(old: Table, new: Table) -> list[Change]:
    before = {normal(text_of(t.name) and str(text_of(t.name))): t for t in old.tasks}
    after = {normal(text_of(t.name) and str(text_of(t.name))): t for t in new.tasks}
    changes = []
    for key in dict.fromkeys([*before, *after]):
        a, b = before.get(key), after.get(key)
        old_value = text_of(a.content) if a else None
        new_value = text_of(b.content) if b else None
        if not _same(old_value, new_value):
            name = str(text_of((b or a).name) or "")  # type: ignore[union-attr]
            label = f"年度主要任务“{name}”" if name else "年度主要任务"
            changes.append(
                Change(
                    "task",
                    label,
                    old_value,
                    new_value,
                    _cell(a.content) if a else None,
                    _cell(b.content) if b else None,
                )
            )
    return changes


def describe(indicator: Indicator) -> str:
    """`产出指标 / 数量指标 / 排查整治 ≥ 4 次`: an indicator row as one line."""
    levels = " / ".join(str(part) for part in indicator_key(indicator)[:2] if part)
    name = indicator.name.text if indicator.name else "（未填三级指标）"
    value = text_of(indicator.value)
    target = " ".join(
        part
        for part in (
            str(text_of(indicator.operator) or ""),
            number_text(value) if isinstance(value, float) else str(value or ""),
            str(text_of(indicator.unit) or ""),
        )
        if part
    )
    return " ".join(part for part in (f"{levels} / {name}" if levels else name, target) if part)


def _name_cell(indicator: Indicator) -> str:
    field = indicator.name or indicator.value or indicator.level2 or indicator.level1
    return field.cell if field is not None else Loc(indicator.row, 1).address


def indicator_changes(old: Indicator | None, new: Indicator | None) -> list[Change]:
    """Added or removed (a filled row only), or which fields of a matched row changed."""
    if old is None or new is None:
        row = new or old
        if row is None or not row.is_filled:
            return []
        text = describe(row)
        return [
            Change(
                "indicator",
                "新增指标" if new is not None else "删除指标",
                None if old is None else text,
                None if new is None else text,
                None if old is None else _name_cell(old),
                None if new is None else _name_cell(new),
            )
        ]
    name = (new.name or old.name).text if (new.name or old.name) else "（未填三级指标）"
    changes = []
    levels = (" / ".join(str(p) for p in indicator_key(i)[:2] if p) or None for i in (old, new))
    before_level, after_level = levels
    if before_level != after_level:
        changes.append(
            Change(
                "level",
                f"指标“{name}”的一级/二级",
                before_level,
                after_level,
                _cell(old.level2),
                _cell(new.level2),
            )
        )
    for field_name, label in (
        ("name", "三级指标名称"),
        ("operator", "指标值类型"),
        ("value", "指标值"),
        ("unit", "度量单位"),
    ):
        a, b = getattr(old, field_name), getattr(new, field_name)
        before, after = (
            (a.text if a else None, b.text if b else None)
            if field_name == "name"
            else (text_of(a), text_of(b))
        )
        if not _same(before, after):
            where = f"指标“{name}”的{label}" if field_name != "name" else label
            changes.append(
                Change(
                    field_name, where, before, after, _cell(a) or _name_cell(old), _cell(b) or _name_cell(new)
                )
            )
    return changes
