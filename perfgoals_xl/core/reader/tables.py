"""Find every 绩效目标表 on a Grid — by title and header labels, never by position — and read it into a Table.

Every non-empty row of a table's span ends up as a header item, an indicator, a total, a note, or in
`Table.unread_rows` (rule S10 reports those). A region that looks like a table but holds nothing readable is a
Table with `unreadable` set, never silence.
"""

from __future__ import annotations

from collections.abc import Sequence

from perfgoals_xl.core.grid import Grid
from perfgoals_xl.core.models import Field, HeaderItem, Indicator, Loc, ReaderNote, Table
from perfgoals_xl.core.reader.columns import Layout, block_layout
from perfgoals_xl.core.reader.head import Head, convert_amounts, read_head
from perfgoals_xl.core.reader.indicators import BlockRead, read_block
from perfgoals_xl.core.reader.labels import DEPARTMENT_LABELS, DEPARTMENT_TITLE, TITLE, label_key
from perfgoals_xl.core.reader.regions import YEAR_LINE, Segment, split_sheet
from perfgoals_xl.core.reader.tree import read_tree
from perfgoals_xl.core.reader.values import cell_text, parse_amount

EXPORT_HEADER = {"project": "项目名称", "budget": "年度预算金额", "goal": "本年度绩效目标", "org": "实施单位"}


def read_tables(grid: Grid) -> list[Table]:
    """Every table on the sheet: band by band (left to right), top to bottom within a band."""
    tables: list[Table] = []
    for band, found in split_sheet(grid):
        for segment in found:
            tables.extend(_read_segment(band, segment))
    return tables


def _read_segment(grid: Grid, segment: Segment) -> list[Table]:
    headers = _header_rows(grid, segment.indicator_rows)
    ends = [*headers[1:], segment.last_row + 1][: len(headers)]
    layouts = [
        block_layout(grid, row, end - 1, frozenset(r for r in segment.indicator_rows if row < r < end))
        for row, end in zip(headers, ends, strict=True)
    ]
    first_block = (layouts[0].top_row or layouts[0].header_row) if layouts else segment.last_row + 1
    skip = {segment.title_row, *segment.preamble_rows} - {None}
    head = read_head(grid, segment.first_row, first_block - 1, skip)  # type: ignore[arg-type]
    table = _table(grid, segment, head)
    if not segment.has_body:
        table.unreadable = "标题下没有找到表头（项目名称、部门名称）或绩效指标"
        return [table]
    used = [head.used, {r for r in range(segment.first_row, first_block) if r in skip}]
    for layout, end in zip(layouts, ends, strict=True):
        used.append(_read_block(grid, table, layout, end - 1).used)
    _account(grid, table, used)
    _describe_form(grid, table, layouts)
    if any(layout.form == "export" for layout in layouts):
        return _split_export(grid, table, layouts[0])
    return [table]


def _header_rows(grid: Grid, rows: list[int]) -> list[int]:
    """The indicator header rows that open a block. One written again cell for cell further down (a page
    break of a converted PDF, a header copied with rows) continues the block above: its 一级/二级 carry on."""
    opening: list[int] = []
    for row in rows:
        if not (opening and _cells(grid, row) == _cells(grid, opening[-1])):
            opening.append(row)
    return opening


def _cells(grid: Grid, row: int) -> list[tuple[int, str]]:
    return [(col, label_key(value)) for col, value in grid.row_values(row)]


def _table(grid: Grid, segment: Segment, head: Head) -> Table:
    title = _title(grid, segment.title_row)
    table = Table(
        kind=_kind(title, head),
        sheet=grid.sheet,
        top=segment.first_row,
        bottom=max(segment.last_row, segment.first_row),
        left=grid.first_col,
        right=grid.last_col,
        title=title,
        year_line=_year_line(grid, segment.preamble_rows),
        header=head.header,
        budget_block=head.budget_block,
        budget_block_row=head.budget_block_row,
        tasks=head.tasks,
        breakdowns=head.breakdowns,
        funding=head.funding,
        unit_name=head.unit_name,
        amount_unit=head.amount_unit,
        notes=list(head.notes),
    )
    convert_amounts(table)
    return table


def _read_block(grid: Grid, table: Table, layout: Layout, last_row: int) -> BlockRead:
    if layout.form == "tree":
        read = read_tree(grid, layout, last_row, len(table.blocks))
        for key, item in read.header.items():
            table.header.setdefault(key, item)
        table.unit_name = table.unit_name or read.unit_name
    else:
        read = read_block(grid, layout, last_row, len(table.blocks))
    table.blocks.extend(read.blocks)
    table.indicators.extend(read.indicators)
    table.breakdowns.extend(read.totals)
    table.notes.extend(read.notes)
    return read


def _title(grid: Grid, row: int | None) -> Field | None:
    if row is None:
        return None
    col, value = next(iter(grid.row_values(row)))
    text = cell_text(value)
    return Field(value=label_key(text), text=text, at=Loc(row=row, col=col))


def _year_line(grid: Grid, rows: list[int]) -> Field | None:
    """The （2021年度） line among the lines above the table."""
    for row in rows:
        for col, value in grid.row_values(row):
            if YEAR_LINE.match(label_key(value)):
                return Field(value=label_key(value), text=cell_text(value), at=Loc(row=row, col=col))
    return None


def _kind(title: Field | None, head: Head) -> str:
    if title is not None:
        return "department" if DEPARTMENT_TITLE.search(str(title.value)) else "project"
    if head.budget_block_row is not None or any(label in head.header for label in DEPARTMENT_LABELS):
        return "department" if "项目名称" not in head.header else "project"
    return "project"


def _account(grid: Grid, table: Table, used: Sequence[set[int]]) -> None:
    """Each non-empty row of the table in none of the `used` sets is listed (rule S10 reports it); the
    table's range is fitted to the cells it really uses. One pass, nothing kept per row (a 200,000-row block)."""
    unread: list[int] = []
    last = left = right = None
    for row in range(table.top, table.bottom + 1):
        span = grid.occupied(row)
        if span is None:
            continue
        last = row
        left = span[0] if left is None else min(left, span[0])
        right = span[1] if right is None else max(right, span[1])
        if not any(row in rows for rows in used):
            unread.append(row)
    table.unread_rows = unread
    for row in unread:
        col, value = grid.row_values(row)[0]
        text = cell_text(value)
        preview = f"“{text[:30]}{'…' if len(text) > 30 else ''}”"
        table.notes.append(
            ReaderNote("S10", "warning", Loc(row=row, col=col), f"第 {row} 行{preview}未能识别，未参与校验")
        )
    table.bottom = last if last is not None else table.top
    if left is not None and right is not None:
        merged_right = [m.right for m in grid.merges if table.top <= m.top <= table.bottom]
        table.left, table.right = left, max([right, *merged_right])


def _describe_form(grid: Grid, table: Table, layouts: list[Layout]) -> None:
    """The layout family, and an info when the table is not a target table at all (评价指标表)."""
    forms = [layout.form for layout in layouts if layout.form]
    table.form = forms[0] if forms else None
    title = TITLE.search(str(table.title.value)) if table.title else None
    scored = any(
        label_key(grid.value(block.header_row, block.columns["weight"])) == "分值"
        for block in table.blocks
        if "weight" in block.columns
    )
    if (title and title.group("evaluation")) or scored:
        table.form = "evaluation"
        at = table.title.at if table.title else Loc(row=table.top, col=table.left)
        table.notes.append(
            ReaderNote(
                "S10",
                "info",
                at,
                "此表是绩效评价指标表（目标值、分值），不是绩效目标表：按绩效目标表的指标规则读取，表头和金额规则不适用",
            )
        )


def _split_export(grid: Grid, table: Table, layout: Layout) -> list[Table]:
    """一体化 export: one row per indicator with the project's own columns — one table per project."""
    project_col = layout.extra["project"]
    groups: dict[str, list[Indicator]] = {}
    current = None
    for indicator in table.indicators:
        name = cell_text(grid.value(indicator.row, project_col))
        current = name or current
        groups.setdefault(current or "", []).append(indicator)
    tables = []
    for index, rows in enumerate(groups.values()):
        first = rows[0].row
        header = dict(table.header)
        for role, label in EXPORT_HEADER.items():
            col = layout.extra.get(role)
            value = cell_text(grid.value(first, col)) if col is not None else ""
            if col is not None:
                header[label] = _export_item(label, grid.value(first, col), value, first, col, layout)
        tables.append(
            table.model_copy(
                update={
                    "header": header,
                    "indicators": rows,
                    "top": table.top if index == 0 else first,
                    "bottom": rows[-1].row,
                    "unread_rows": [
                        r
                        for r in table.unread_rows
                        if (table.top if index == 0 else first) <= r <= rows[-1].row
                    ],
                    "notes": list(table.notes) if index == 0 else [],
                },
                deep=False,
            )
        )
    for item in tables:
        convert_amounts(item)
    return tables


def _export_item(label: str, raw: object, text: str, row: int, col: int, layout: Layout) -> HeaderItem:
    header_at = Loc(row=layout.header_row, col=col)
    value = None
    if text:
        amount = parse_amount(raw) if label == "年度预算金额" else None  # type: ignore[arg-type]
        value = Field(value=amount[0] if amount else text, text=text, at=Loc(row=row, col=col))
    return HeaderItem(
        label=Field(value=label, text=label, at=header_at), value=value, value_at=Loc(row=row, col=col)
    )
