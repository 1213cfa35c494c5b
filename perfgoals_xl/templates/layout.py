"""The standard 项目支出 and 部门整体支出 绩效目标表 (the seed's Hunan 2026 layout), built with openpyxl.

`build_template` makes the empty, print-ready template: title, 填报单位, 金额单位, the header block, the fixed
一级/二级 rows in the seed's order and defined names for every cell a filler writes — so a province can restyle
the file and move cells without code changes. Its entry help (drop-downs, input messages) and native checks
are drawn by `perfgoals_xl.templates.native`. `workbook_templates/build_templates.py` saves them; `perfgoals_xl.templates.fill` fills them.
"""

from __future__ import annotations

from typing import Any

from perfgoals_xl.core.grid import column_letter
from perfgoals_xl.core.models import KIND_TITLES
from perfgoals_xl.files.write.cells import put
from perfgoals_xl.files.write.printing import fit_row_heights, print_one_page_wide
from perfgoals_xl.templates.native import NAMES, add_lists, budget_cells, equip, named_cell

PROJECT_SLOTS = (
    ("产出指标", ("数量指标", "质量指标", "时效指标")),
    ("效益指标", ("经济效益指标", "社会效益指标", "生态效益指标")),
    ("满意度指标", ("服务对象满意度指标",)),
    ("成本指标", ("经济成本指标", "社会成本指标", "生态环境成本指标")),
)
DEPARTMENT_SLOTS = (PROJECT_SLOTS[3], PROJECT_SLOTS[0], PROJECT_SLOTS[1], PROJECT_SLOTS[2])
PROJECT_COLUMNS = (
    "本年度绩效指标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "度量单位",
    "指标值类型",
    "备注",
)
DEPARTMENT_COLUMNS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值类型",
    "指标值",
    "度量单位",
    "指标值说明（指标解释）",
    "备注",
)
BUDGET_SUBLABELS = ("一般公共预算", "政府性基金预算", "财政专户管理资金", "其他资金", "基本支出", "项目支出")
DEFAULT_TASK_ROWS = 3
WIDTH = 8  # columns A:H

FONT_BODY = "仿宋"  # FangSong, on every Chinese Windows
FONT_TITLE = "宋体"  # SimSun


def build_template(kind: str, year: int = 2026) -> Any:
    """The empty standard template for `kind` ("project" or "department") as an openpyxl Workbook."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = KIND_TITLES[kind]
    rows = _project_rows(year) if kind == "project" else _department_rows(year)
    _write(ws, rows)
    add_lists(wb)
    _style(ws, kind)
    equip(ws)  # drop-downs, input messages and the native twins (perfgoals_xl.templates.native)
    return wb


# --- layout: rows as (values, merges, names) ---------------------------------------------------------------


class Rows:
    """A layout being written: cell values, merged ranges and defined names, by 1-based row."""

    def __init__(self) -> None:
        self.values: dict[tuple[int, int], object] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.names: dict[str, tuple[int, int]] = {}
        self.row = 0
        self.kinds: dict[int, str] = {}  # row → title / label / header / slot … (for styling)

    def add(self, cells: dict[int, object], kind: str, merges: tuple[tuple[int, int], ...] = ()) -> int:
        self.row += 1
        for col, value in cells.items():
            self.values[(self.row, col)] = value
        for left, right in merges:
            self.merges.append((self.row, left, self.row, right))
        self.kinds[self.row] = kind
        return self.row

    def name(self, key: str, row: int, col: int) -> None:
        self.names[NAMES[key]] = (row, col)


def _project_rows(year: int) -> Rows:
    rows = Rows()
    rows.name("title", rows.add({1: f"{year}年{KIND_TITLES['project']}"}, "title", ((1, WIDTH),)), 1)
    rows.name("unit_name", rows.add({1: "填报单位（盖章）："}, "note", ((1, WIDTH),)), 1)
    rows.name("amount_unit", rows.add({1: "金额单位：万元"}, "note", ((1, WIDTH),)), 1)
    rows.name("name", rows.add({1: "项目名称"}, "header", ((2, WIDTH),)), 2)
    budget = rows.add({1: "年度本级预算金额", 3: "项目类别"}, "header", ((4, WIDTH),))
    rows.name("budget", budget, 2)
    rows.name("category", budget, 4)
    rows.name("period", rows.add({1: "项目支出实施期"}, "header", ((2, WIDTH),)), 2)
    rows.name("goal", rows.add({1: "本年度绩效目标"}, "goal", ((2, WIDTH),)), 2)
    header = rows.add(dict(enumerate(PROJECT_COLUMNS, 1)), "columns")
    rows.name("indicators", header, 1)
    _slots(rows, PROJECT_SLOTS, level1_col=2)
    rows.merges.append((header, 1, rows.row, 1))  # 本年度绩效指标 label down the block
    return rows


def _department_rows(year: int) -> Rows:
    rows = Rows()
    rows.name("title", rows.add({1: f"{year}年{KIND_TITLES['department']}"}, "title", ((1, WIDTH),)), 1)
    rows.name("region", rows.add({1: ""}, "note", ((1, WIDTH),)), 1)
    rows.name("unit_name", rows.add({1: "填报单位（盖章）："}, "note", ((1, WIDTH),)), 1)
    rows.name("amount_unit", rows.add({1: "金额单位：万元"}, "note", ((1, WIDTH),)), 1)
    rows.name("department", rows.add({1: "部门名称"}, "header", ((1, 2), (3, WIDTH))), 3)
    rows.name("duties", rows.add({1: "年度履职目标"}, "goal", ((1, 2), (3, WIDTH))), 3)
    tasks = rows.add({1: "年度主要任务", 2: "任务名称", 3: "主要内容"}, "columns", ((3, WIDTH),))
    rows.name("tasks", tasks, 1)
    for _ in range(DEFAULT_TASK_ROWS):
        rows.add({}, "task", ((3, WIDTH),))
    rows.merges.append((tasks, 1, rows.row, 1))
    block = rows.add(
        {1: "预算情况", 2: "资金总额", 3: "按收入性质分", 7: "按支出性质分"}, "columns", ((3, 6), (7, 8))
    )
    rows.name("budget_block", block, 1)
    rows.add(dict(enumerate(BUDGET_SUBLABELS, 3)), "columns")
    rows.add({}, "amounts")
    rows.merges += [(block, 1, block + 2, 1), (block + 1, 2, block + 2, 2)]
    rows.name("indicators", rows.add(dict(enumerate(DEPARTMENT_COLUMNS, 1)), "columns"), 1)
    _slots(rows, DEPARTMENT_SLOTS, level1_col=1)
    return rows


def _slots(rows: Rows, slots: tuple[tuple[str, tuple[str, ...]], ...], level1_col: int) -> None:
    """One row per 二级 in the standard order; the 一级 merged over its 二级 rows."""
    for level1, level2s in slots:
        first = rows.row + 1
        for index, level2 in enumerate(level2s):
            cells = {level1_col + 1: level2}
            if index == 0:
                cells[level1_col] = level1
            rows.add(cells, "slot")
        if rows.row > first:
            rows.merges.append((first, level1_col, rows.row, level1_col))


def _write(ws: Any, rows: Rows) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    for (row, col), value in rows.values.items():
        put(ws, row, col, value)
    for top, left, bottom, right in rows.merges:
        if (top, left) != (bottom, right):
            ws.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
    for name, (row, col) in rows.names.items():
        ref = f"'{ws.title}'!${column_letter(col)}${row}"
        ws.parent.defined_names[name] = DefinedName(name, attr_text=ref)
    ws.sheet_properties.tabColor = "1F4E79"
    ws._pg_kinds = rows.kinds  # styling hints for _style, not saved


# --- look: fonts, borders, alignment, number formats, widths, print setup ------------------------------------

# what each indicator column holds: a label (一级/二级), an entry (text typed), a value, or a short code
COLUMN_ROLES = {
    "本年度绩效指标": "label",
    "一级指标": "level",
    "二级指标": "level",
    "三级指标": "entry",
    "指标值": "value",
    "度量单位": "code",
    "指标值类型": "code",
    "指标值说明（指标解释）": "entry",
    "备注": "entry",
}
PROJECT_WIDTHS = (12, 12, 14, 26, 10, 8, 10, 11)  # 103 characters: A4 portrait at ≥ 90 %
DEPARTMENT_WIDTHS = (10, 14, 24, 10, 10, 8, 18, 9)
MONEY_FORMAT = "#,##0.00##"  # 万元/元 amounts: two decimals, up to four when written (949.134 万元)
ROW_MIN_HEIGHT = 20.0  # a table row is roomy enough to write in by hand
GOAL_HEIGHT = 48.0  # 本年度绩效目标 / 年度履职目标: a few lines to write in


def _style(ws: Any, kind: str) -> None:
    """Every cell of the form by its role: one rule for labels in both forms (bold, centred on grey), typed
    entries left, values in general alignment (numbers right, words left), codes centred, amounts right with
    two decimals; every font named with its size."""
    columns = PROJECT_COLUMNS if kind == "project" else DEPARTMENT_COLUMNS
    for row, row_kind in ws._pg_kinds.items():
        for col in range(1, WIDTH + 1):
            cell = ws.cell(row=row, column=col)
            role = _role(row_kind, col, cell.value, kind, columns[col - 1])
            _apply(cell, role)
    _money_cells(ws, kind)
    for col, width in enumerate(PROJECT_WIDTHS if kind == "project" else DEPARTMENT_WIDTHS, 1):
        ws.column_dimensions[column_letter(col)].width = width
    ws.row_dimensions[1].height = 30
    header_row = _named_row(ws, "indicators")
    for row, row_kind in ws._pg_kinds.items():
        if row_kind not in ("title", "note"):
            ws.row_dimensions[row].height = ROW_MIN_HEIGHT
    fit_row_heights(ws, first_row=2, min_height=ROW_MIN_HEIGHT)
    for row, row_kind in ws._pg_kinds.items():
        if row_kind == "goal":  # room to write in the empty form
            ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 0, GOAL_HEIGHT)
    print_one_page_wide(ws, WIDTH, title_rows=f"{header_row}:{header_row}")
    ws.freeze_panes = None


def _role(row_kind: str, col: int, value: object, kind: str, column: str) -> str:
    if row_kind in ("title", "note"):
        return row_kind
    if row_kind == "columns" or (row_kind in ("header", "goal") and value):
        return "label"
    if row_kind == "slot":
        return COLUMN_ROLES.get(column, "entry")
    if row_kind == "task" and col == 1:
        return "label"  # 年度主要任务, merged down its rows
    if row_kind == "amounts":
        return "label" if col == 1 else "money"
    return "entry"


def _apply(cell: Any, role: str) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    if role == "title":
        cell.font = Font(name=FONT_TITLE, size=16, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        return
    if role == "note":
        cell.font = Font(name=FONT_BODY, size=11)
        cell.alignment = Alignment(horizontal="left", vertical="center")
        return
    thin = Side(style="thin", color="000000")
    cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    cell.font = Font(name=FONT_BODY, size=11, bold=role == "label")
    horizontal = {
        "label": "center",
        "level": "center",
        "code": "center",
        "value": "general",
        "money": "right",
    }
    cell.alignment = Alignment(horizontal=horizontal.get(role, "left"), vertical="center", wrap_text=True)
    if role == "label":
        cell.fill = PatternFill("solid", fgColor="FFF2F2F2")
    if role == "money":
        cell.number_format = MONEY_FORMAT


def _money_cells(ws: Any, kind: str) -> None:
    """The amounts a filler writes: 年度本级预算金额 (project), 资金总额 and the 预算情况 row (department)."""
    if kind == "project":
        _apply(ws.cell(row=_named_row(ws, "budget"), column=_named_col(ws, "budget")), "money")
        return
    for row, col in budget_cells(ws, _named_row(ws, "budget_block")).values():
        _apply(ws.cell(row=row, column=col), "money")


def _named_row(ws: Any, key: str) -> int:
    return named_cell(ws.parent, NAMES[key])[1]


def _named_col(ws: Any, key: str) -> int:
    return named_cell(ws.parent, NAMES[key])[2]
