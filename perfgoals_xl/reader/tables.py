"""Find every 绩效目标表 on a Grid — by title and header labels, never by position — and read it into a Table."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from perfgoals_xl.grid import Grid
from perfgoals_xl.models import (
    Breakdown,
    Field,
    HeaderItem,
    Indicator,
    IndicatorBlock,
    Loc,
    Table,
    Task,
    revalue,
)
from perfgoals_xl.reader.indicators import header_columns, read_block
from perfgoals_xl.reader.labels import (
    AMOUNT_LABELS,
    AMOUNT_UNIT,
    BUDGET_LABELS,
    DEPARTMENT_LABELS,
    DEPARTMENT_TITLE,
    LABEL_AMOUNT_UNIT,
    NUMBER_LABELS,
    START_LABELS,
    TOTAL_LABELS,
    UNIT_NAME,
    is_title,
    label_key,
    match_header_label,
)
from perfgoals_xl.reader.values import cell_text, money_in, parse_amount, parse_number

TASKS_LABEL = "年度主要任务"
BUDGET_BLOCK_LABEL = "预算情况"


@dataclass
class _Segment:
    """Rows that belong to one table while the sheet is being split."""

    first_row: int
    title_row: int | None = None
    start_label: bool = False
    indicator_rows: list[int] = field(default_factory=list)
    last_row: int = 0

    @property
    def has_body(self) -> bool:
        return self.start_label or bool(self.indicator_rows)


def read_tables(grid: Grid) -> list[Table]:
    """Every table on the sheet, top to bottom."""
    tables = []
    for segment in _segments(grid):
        table = _read_segment(grid, segment)
        if table is not None:
            tables.append(table)
    return tables


def _segments(grid: Grid) -> list[_Segment]:
    """Split the sheet at title rows, and at a second 项目名称/部门名称 row or a block after a finished table."""
    segments: list[_Segment] = []
    current: _Segment | None = None
    for row in range(grid.first_row, grid.last_row + 1):
        cells = [value for _, value in grid.row_values(row)]
        if not cells:
            continue
        if len(cells) <= 2 and is_title(cells[0]):
            if current is None or current.has_body:
                current = _Segment(first_row=row)
                segments.append(current)
            current.title_row = row
        elif any(_is_start_label(value) for value in cells):
            if current is None or current.has_body:
                current = _Segment(first_row=row)
                segments.append(current)
            current.start_label = True
        elif header_columns(grid, row) is not None:
            if current is None:
                current = _Segment(first_row=row)
                segments.append(current)
            current.indicator_rows.append(row)
        if current is not None:
            current.last_row = row
    return [s for s in segments if s.has_body]


def _is_start_label(value: object) -> bool:
    match = match_header_label(value)
    return match is not None and match.canonical in START_LABELS


def _read_segment(grid: Grid, segment: _Segment) -> Table | None:
    first_block = segment.indicator_rows[0] if segment.indicator_rows else segment.last_row + 1
    tasks_row = _find_label_row(grid, segment.first_row, first_block - 1, (TASKS_LABEL,))
    budget_row = _find_label_row(grid, segment.first_row, first_block - 1, (BUDGET_BLOCK_LABEL, "资金总额"))
    header_end = min(r for r in (tasks_row, budget_row, first_block) if r is not None) - 1
    header = _header_items(grid, segment.first_row, header_end)
    title = _title(grid, segment.title_row)
    kind = _kind(title, header, budget_row)
    table = Table(
        kind=kind,
        sheet=grid.sheet,
        top=segment.first_row,
        bottom=segment.last_row,
        left=grid.first_col,
        right=grid.last_col,
        title=title,
        header=header,
    )
    table.unit_name, table.amount_unit = _preamble(grid, segment.first_row, header_end, header)
    if tasks_row is not None:
        table.tasks = _tasks(grid, tasks_row, (budget_row or first_block) - 1)
    if budget_row is not None:
        table.budget_block_row = budget_row
        table.budget_block = _budget_block(grid, budget_row, first_block - 1)
    _convert_amounts(table)
    table.blocks, table.indicators = _indicator_blocks(grid, segment)
    table.breakdowns = _breakdowns(grid, segment.first_row, first_block - 1)
    _fit_range(grid, table)
    return table


def _convert_amounts(table: Table) -> None:
    """Amounts written with a unit (`200万` in a 元 table) are expressed in the table's 金额单位."""
    for items, keys in ((table.header, AMOUNT_LABELS), (table.budget_block, tuple(table.budget_block))):
        for key in keys:
            item = items.get(key)
            if item is not None and item.value is not None:
                items[key] = replace(item, value=_in_table_unit(item.value, table.money_unit))


def _in_table_unit(field: Field, table_unit: str) -> Field:
    amount = parse_amount(field.text)
    if amount is None or amount[1] is None:
        return field
    converted = money_in(amount[0], amount[1], table_unit)
    return field if converted is None else revalue(field, converted)


def _title(grid: Grid, row: int | None) -> Field | None:
    if row is None:
        return None
    col, value = next(iter(grid.row_values(row)))
    text = cell_text(value)
    return Field(value=label_key(text), text=text, at=Loc(row=row, col=col))


def _kind(title: Field | None, header: dict[str, HeaderItem], budget_row: int | None) -> str:
    if title is not None:
        return "department" if DEPARTMENT_TITLE.search(str(title.value)) else "project"
    if budget_row is not None or any(label in header for label in DEPARTMENT_LABELS):
        return "department"
    return "project"


def _find_label_row(grid: Grid, first: int, last: int, labels: tuple[str, ...]) -> int | None:
    for row in range(first, last + 1):
        if any(label_key(value) in labels for _, value in grid.row_values(row)):
            return row
    return None


def _header_items(grid: Grid, first: int, last: int) -> dict[str, HeaderItem]:
    """Label cells and the value to their right (skipping blank merged cells, stopping at the next label)."""
    items: dict[str, HeaderItem] = {}
    for row in range(first, last + 1):
        cells = list(grid.row_values(row))
        for index, (col, value) in enumerate(cells):
            match = match_header_label(value)
            if match is None or match.canonical in items:
                continue
            text = cell_text(value)
            label = Field(value=match.canonical, text=text, at=Loc(row=row, col=col))
            value_at = _value_column(grid, row, col)
            following = cells[index + 1 : index + 2]
            item_value = None
            if following and match_header_label(following[0][1]) is None:
                next_col, next_value = following[0]
                value_at = next_col
                item_value = _item_value(match.canonical, next_value, row, next_col)
            items[match.canonical] = HeaderItem(
                label=label, value=item_value, value_at=Loc(row=row, col=value_at)
            )
    return items


def _value_column(grid: Grid, row: int, col: int) -> int:
    """The first column right of a label and of the label's own merged range."""
    merged = grid.merge_at(row, col)
    return (merged.right if merged is not None else col) + 1


def _item_value(label: str, value: object, row: int, col: int) -> Field:
    text = cell_text(value)
    parsed: str | float = text
    if label in AMOUNT_LABELS:
        amount = parse_amount(value)
        parsed = amount[0] if amount is not None else text
    elif label in NUMBER_LABELS:
        number = parse_number(text.rstrip("%％"))
        parsed = number if number is not None else text
    return Field(value=parsed, text=text, at=Loc(row=row, col=col))


def _preamble(
    grid: Grid, first: int, last: int, header: dict[str, HeaderItem]
) -> tuple[Field | None, Field | None]:
    """填报单位 and 金额单位 from the lines under the title (or a `(万元)` on the budget label)."""
    unit_name = amount_unit = None
    for row in range(first, last + 1):
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
        amount_unit = _label_amount_unit(grid, first, last)
    return unit_name, amount_unit


def _label_amount_unit(grid: Grid, first: int, last: int) -> Field | None:
    """A unit declared on a label instead of a 金额单位 line: `年度预算金额（万元）`, `项目资金（万元）`."""
    for row in range(first, last + 1):
        for col, value in grid.row_values(row):
            key = label_key(value)
            suffix = LABEL_AMOUNT_UNIT.search(key)
            if suffix and len(key) <= 16:
                return Field(value=suffix.group("unit"), text=cell_text(value), at=Loc(row=row, col=col))
    return None


def _tasks(grid: Grid, label_row: int, last: int) -> list[Task]:
    """年度主要任务 rows under the 任务名称 | 主要内容 header."""
    columns = {label_key(value): col for col, value in grid.row_values(label_row)}
    name_col, content_col = columns.get("任务名称"), columns.get("主要内容")
    tasks = []
    for row in range(label_row + 1, last + 1):
        name = _plain_field(grid, row, name_col)
        content = _plain_field(grid, row, content_col)
        if name is not None or content is not None:
            tasks.append(Task(row=row, name=name, content=content))
    return tasks


def _plain_field(grid: Grid, row: int, col: int | None) -> Field | None:
    if col is None:
        return None
    text = cell_text(grid.value(row, col))
    return Field(value=text, text=text, at=Loc(row=row, col=col)) if text else None


def _budget_block(grid: Grid, first: int, last: int) -> dict[str, HeaderItem]:
    """预算情况: each amount sits below its label (资金总额 spans two rows, the sub-labels one)."""
    last = min(last, first + 5)
    items: dict[str, HeaderItem] = {}
    for row in range(first, last + 1):
        for col, value in grid.row_values(row):
            label = label_key(value)
            if label not in BUDGET_LABELS or label in items:
                continue
            below = next(
                ((r, grid.value(r, col)) for r in range(row + 1, last + 1) if grid.value(r, col) is not None),
                None,
            )
            value_field = None
            if below is not None and label_key(below[1]) not in BUDGET_LABELS:
                value_field = _amount_field(below[1], below[0], col)
            items[label] = HeaderItem(
                label=Field(value=label, text=cell_text(value), at=Loc(row=row, col=col)),
                value=value_field,
                value_at=value_field.at if value_field else Loc(row=row + 1, col=col),
            )
    return items


def _amount_field(value: object, row: int, col: int) -> Field:
    amount = parse_amount(value)
    text = cell_text(value)
    return Field(value=amount[0] if amount else text, text=text, at=Loc(row=row, col=col))


def _breakdowns(grid: Grid, first: int, last: int) -> list[Breakdown]:
    """Blocks above a 合计 row (支出明细, 成本构成 …), outside the indicator block."""
    found = []
    for row in range(first, last + 1):
        cells = list(grid.row_values(row))
        if not any(label_key(value) in TOTAL_LABELS for _, value in cells):
            continue
        totals = {col: _amount_field(v, row, col) for col, v in cells if parse_amount(v) is not None}
        items: dict[int, list[Field]] = {col: [] for col in totals}
        top = row
        for above in range(row - 1, first - 1, -1):
            cells_above = list(grid.row_values(above))
            if not cells_above or _starts_other_part(grid, above, cells_above):
                break  # an empty row or the table's own header ends the breakdown; a blank amount counts as 0
            numbers = {col: v for col, v in cells_above if col in totals and parse_amount(v) is not None}
            top = above
            for col, value in numbers.items():
                items[col].insert(0, _amount_field(value, above, col))
        if top < row:
            found.append(Breakdown(first_row=top, total_row=row, items=items, totals=totals))
    return found


def _starts_other_part(grid: Grid, row: int, cells: list[tuple[int, object]]) -> bool:
    """A header item, a block label or an indicator header: not a line of a breakdown."""
    keys = {label_key(value) for _, value in cells}
    labels = {TASKS_LABEL, BUDGET_BLOCK_LABEL, *BUDGET_LABELS}
    return (
        bool(keys & labels)
        or any(match_header_label(v) for _, v in cells)
        or header_columns(grid, row) is not None
    )


def _indicator_blocks(grid: Grid, segment: _Segment) -> tuple[list[IndicatorBlock], list[Indicator]]:
    blocks: list[IndicatorBlock] = []
    indicators: list[Indicator] = []
    ends = [*segment.indicator_rows[1:], segment.last_row + 1][: len(segment.indicator_rows)]
    for index, (header_row, next_header) in enumerate(zip(segment.indicator_rows, ends, strict=True)):
        block, rows = read_block(grid, header_row, next_header - 1, index)
        blocks.append(block)
        indicators.extend(rows)
    return blocks, indicators


def _fit_range(grid: Grid, table: Table) -> None:
    """Shrink the table's range to the cells it really uses: down to its last indicator row, then its columns."""
    last = max(b.last_row for b in table.blocks) if table.blocks else table.bottom
    table.bottom = max((r for r in range(table.top, last + 1) if grid.row_values(r)), default=last)
    cols = [col for row in range(table.top, table.bottom + 1) for col, _ in grid.row_values(row)]
    merged_right = [m.right for m in grid.merges if table.top <= m.top <= table.bottom]
    if cols:
        table.left, table.right = min(cols), max(cols + merged_right)
