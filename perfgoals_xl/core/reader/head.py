"""The head of a table, above its indicator block: header items (a label and the value beside or below it),
the 资金情况 lists, the department's 年度主要任务 and 预算情况, breakdowns closed by a 合计 row, and the
填报单位 / 金额单位 lines. Every row it reads is recorded, so the rows it cannot place can be reported."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from perfgoals_xl.core.grid import Grid
from perfgoals_xl.core.models import (
    Breakdown,
    Field,
    FundingGroup,
    FundingLine,
    HeaderItem,
    Loc,
    ReaderNote,
    Table,
    Task,
    revalue,
)
from perfgoals_xl.core.reader.breakdowns import amount_field, read_breakdowns
from perfgoals_xl.core.reader.labels import (
    AMOUNT_LABELS,
    AMOUNT_UNIT,
    BUDGET_BLOCK_LABEL,
    BUDGET_LABELS,
    BUDGET_SPLITS,
    LABEL_AMOUNT_UNIT,
    TASKS_LABEL,
    UNIT_NAME,
    is_footer,
    label_key,
    match_header_label,
)
from perfgoals_xl.core.reader.pairs import HeaderPairs
from perfgoals_xl.core.reader.values import cell_text, money_in, parse_amount


@dataclass
class Head:
    """What the head of a table holds, and the rows read."""

    header: dict[str, HeaderItem] = field(default_factory=dict)
    funding: list[FundingGroup] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    budget_block: dict[str, HeaderItem] = field(default_factory=dict)
    budget_block_row: int | None = None
    breakdowns: list[Breakdown] = field(default_factory=list)
    unit_name: Field | None = None
    amount_unit: Field | None = None
    used: set[int] = field(default_factory=set)
    notes: list[ReaderNote] = field(default_factory=list)


def read_head(grid: Grid, first: int, last: int, skip: set[int]) -> Head:
    """The head from row `first` to `last`; rows in `skip` (title, preamble lines) are read only for 金额单位
    and 填报单位."""
    head = Head(used=set(skip))
    rows = [r for r in range(first, last + 1) if grid.row_values(r)]
    tasks_row = _find_row(grid, rows, lambda key: key == TASKS_LABEL)
    budget_row = _budget_block_row(grid, rows)
    items_end = min(r for r in (tasks_row, budget_row, last + 1) if r is not None)
    if tasks_row is not None:
        head.tasks = _tasks(grid, tasks_row, (budget_row or last + 1) - 1, head.used)
    if budget_row is not None:
        head.budget_block_row = budget_row
        head.budget_block = _budget_block(grid, budget_row, last, head.used)
    item_rows = [r for r in rows if r < items_end and r not in skip]
    head.used.update(r for r in item_rows if _footer_line(grid, r))
    head.breakdowns = read_breakdowns(grid, item_rows, head.used)
    pairs = HeaderPairs(grid, [r for r in item_rows if r not in head.used])
    head.header, head.funding, head.notes = pairs.items(), pairs.funding(), pairs.duplicates()
    head.used |= pairs.used
    head.unit_name, head.amount_unit = _preamble(grid, rows)
    return head


def _footer_line(grid: Grid, row: int) -> bool:
    """填报人：张三 | 联系电话：… under a table with no indicator block: not a header item left blank."""
    first = grid.row_values(row)[0][1]
    return is_footer(first) and match_header_label(first) is None


def _find_row(grid: Grid, rows: list[int], test: object) -> int | None:
    return next((r for r in rows if any(test(label_key(v)) for _, v in grid.row_values(r))), None)  # type: ignore[operator]


def _budget_block_row(grid: Grid, rows: list[int]) -> int | None:
    """预算情况, or a 资金总额 row split 按收入性质分 / 按支出性质分 (a 资金总额 alone is a project's total)."""
    for index, row in enumerate(rows):
        keys = {label_key(v) for _, v in grid.row_values(row)}
        if BUDGET_BLOCK_LABEL in keys:
            return row
        following = {label_key(v) for r in rows[index : index + 2] for _, v in grid.row_values(r)}
        if "资金总额" in keys and following & set(BUDGET_SPLITS):
            return row
    return None


def _tasks(grid: Grid, label_row: int, last: int, used: set[int]) -> list[Task]:
    """年度主要任务 rows under the 任务名称 | 主要内容 header."""
    columns = {label_key(value): col for col, value in grid.row_values(label_row)}
    name_col, content_col = columns.get("任务名称"), columns.get("主要内容")
    used.add(label_row)
    tasks = []
    for row in range(label_row + 1, last + 1):
        name, content = _plain_field(grid, row, name_col), _plain_field(grid, row, content_col)
        if name is not None or content is not None:
            tasks.append(Task(row=row, name=name, content=content))
            used.add(row)
    return tasks


def _plain_field(grid: Grid, row: int, col: int | None) -> Field | None:
    if col is None:
        return None
    text = cell_text(grid.value(row, col))
    return Field(value=text, text=text, at=Loc(row=row, col=col)) if text else None


def _budget_block(grid: Grid, first: int, last: int, used: set[int]) -> dict[str, HeaderItem]:
    """预算情况: each amount sits below its label (资金总额 spans two rows, the sub-labels one)."""
    last = min(last, first + 5)
    items: dict[str, HeaderItem] = {}
    for row in range(first, last + 1):
        cells = grid.row_values(row)
        if any(label_key(v) in (*BUDGET_LABELS, BUDGET_BLOCK_LABEL, *BUDGET_SPLITS) for _, v in cells):
            used.add(row)
        for col, value in cells:
            label = label_key(value)
            if label not in BUDGET_LABELS or label in items:
                continue
            below = next(
                ((r, grid.value(r, col)) for r in range(row + 1, last + 1) if grid.value(r, col) is not None),
                None,
            )
            value_field = None
            if below is not None and label_key(below[1]) not in BUDGET_LABELS:
                value_field = amount_field(below[1], below[0], col)
                used.add(below[0])
            items[label] = HeaderItem(
                label=Field(value=label, text=cell_text(value), at=Loc(row=row, col=col)),
                value=value_field,
                value_at=value_field.at if value_field else Loc(row=row + 1, col=col),
            )
    return items


# --- 金额单位 and 填报单位 ---------------------------------------------------------------------------------------


def _preamble(grid: Grid, rows: list[int]) -> tuple[Field | None, Field | None]:
    """填报单位 and 金额单位 from the lines of the head (or a `(万元)` on a label)."""
    unit_name = amount_unit = None
    for row in rows:
        for col, value in grid.row_values(row):
            key = label_key(value)
            name = UNIT_NAME.search(key)
            if name and unit_name is None:
                unit_name = Field(
                    value=name.group("name") or None, text=cell_text(value), at=Loc(row=row, col=col)
                )
            unit = AMOUNT_UNIT.search(key)
            if unit and amount_unit is None:
                amount_unit = Field(value=unit.group("unit"), text=cell_text(value), at=Loc(row=row, col=col))
    if amount_unit is None:
        amount_unit = _label_amount_unit(grid, rows)
    return unit_name, amount_unit


def _label_amount_unit(grid: Grid, rows: list[int]) -> Field | None:
    """A unit declared on a label instead of a 金额单位 line: `年度预算金额（万元）`, `项目资金（万元）`."""
    for row in rows:
        for col, value in grid.row_values(row):
            key = label_key(value)
            suffix = LABEL_AMOUNT_UNIT.search(key)
            if suffix and len(key) <= 24:
                return Field(value=suffix.group("unit"), text=cell_text(value), at=Loc(row=row, col=col))
    return None


def convert_amounts(table: Table) -> None:
    """Amounts written with a unit (`200万` in a 元 table) are expressed in the table's 金额单位."""
    unit = table.money_unit
    for items in (table.header, table.budget_block):
        for key, item in list(items.items()):
            if item.value is not None and (key in AMOUNT_LABELS or key in BUDGET_LABELS):
                items[key] = replace(item, value=_in_table_unit(item.value, unit))
    table.funding = [
        FundingGroup(
            total=_converted(group.total, unit),
            lines=tuple(FundingLine(_converted(line.item, unit), line.level) for line in group.lines),
        )
        for group in table.funding
    ]


def _converted(item: HeaderItem, unit: str) -> HeaderItem:
    return item if item.value is None else replace(item, value=_in_table_unit(item.value, unit))


def _in_table_unit(value: Field, table_unit: str) -> Field:
    amount = parse_amount(value.text)
    if amount is None or amount[1] is None:
        return value
    converted = money_in(amount[0], amount[1], table_unit)
    return value if converted is None else revalue(value, converted)
