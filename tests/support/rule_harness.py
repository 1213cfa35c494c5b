"""Rule cases kept as data: a few indicator rows in, the rule ids (and cells) expected out.

Each case is written as a real .xlsx in one of the layouts below and checked end to end.

Keys a case (a `[[cases]]` table of tests/rule_cases/<ID>.toml) may use:

* `rows` — indicator rows, always in the project order [一级, 二级, 三级, 指标值, 度量单位, 指标值类型, …];
  each layout writes them in its own column order (see the layout functions).
* `layout` — `project` (default), `department`, `embedded` or `weights`.
* `header` — header values by label (project: 项目名称, 年度本级预算金额, 项目类别, 项目支出实施期,
  本年度绩效目标; department: 部门名称, 年度履职目标). `""` leaves the value blank.
* `labels` — header labels written differently, e.g. `{ 项目支出实施期 = "项目支出实施" }` (truncated export);
  in a department, `预算情况` too (`""` leaves that label out, its amounts stay).
* `omit` — header labels (or 年度主要任务 / 预算情况 for a department) left out; the rows stay, empty, so
  every cell below keeps its address.
* `extra_header` — more `label = value` header rows (财政拨款, 其他资金, 中期资金总额, 项目概况, 实施计划,
  预算执行率权重(%) …), one row each, inserted after the standard header rows: the indicator block moves
  down by one row per item.
* `breakdown` — rows of a 支出明细 (items and a 合计 row) placed after `extra_header`, preceded by one
  caption row: the indicator block moves down by len(breakdown) + 1 rows.
* `title` — the title row's text (`""` leaves it empty), or its cells (`["…绩效目标表", "金额单位：万元"]`); `amount_unit` — `元` / `万元`, `""` for no 金额单位
  line; `unit_name` — a 填报单位 written on the 金额单位 line.
* `budget` (department) — the 预算情况 amounts by label; `tasks` (department) — [[任务名称, 主要内容], …].
* `column_a`, `block_label`, `next_blocks` (project layout) — see `project_rows`.
* `merges` — A1-style ranges merged on the case's sheet.
* `formulas` — cells (`{ "E8" = "=SUM(2,2)" }`) rewritten as formulas without cached results after the
  workbook is written (test_rule_cases does it), as a tool that does not calculate saves them.
* `settings` — keyword arguments of `perfgoals_xl.core.settings.Settings` (`{ profile = "legacy-2015" }`).
* `extra_tables` — more tables in the same workbook, each a case-like table (`layout`, `header`, `rows` …
  `rows` defaults to one 数量指标 row); stacked below the case's table after one empty row, or on its
  own sheet when it has `sheet = "…"`.

A cell in `expect` may be named by its role instead of its address: `V05@value` is the 指标值 column of the
case's layout on its first indicator row, `V05@value+1` the row after it (`cell_of`, `ROLE_COLUMNS`).
"""

from __future__ import annotations

import re
from typing import Any

from perfgoals_xl.core.grid import column_letter

PROJECT_HEADER = [
    "本年度绩效指标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "度量单位",
    "指标值类型",
    "备注",
]
DEPARTMENT_HEADER = [
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值类型",
    "指标值",
    "度量单位",
    "指标值说明（指标解释）",
    "备注",
]
EMBEDDED_HEADER = ["一级指标", "二级指标", "三级指标", "指标值"]
WEIGHTS_HEADER = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重(%)"]
PROJECT_FIRST_ROW = 8  # first indicator row in the project layout (columns B..H)
DEPARTMENT_FIRST_ROW = 11
DEFAULT_ROWS = [["产出指标", "数量指标", "排查整治", 4, "次", "≥"]]
DEFAULT_GOAL = "2026年12月底前完成排查整治4次，群众满意度达到90%以上"

Row = list[Any]


def _title(case: dict[str, Any], default: str) -> Row:
    title = case.get("title", default)
    return list(title) if isinstance(title, list) else [title]


def _unit_line(case: dict[str, Any]) -> Row:
    unit = case.get("amount_unit", "万元")
    parts = []
    if "unit_name" in case:
        parts.append(f"填报单位（盖章）：{case['unit_name']}")
    if unit:
        parts.append(f"金额单位：{unit}")
    return ["\u3000\u3000".join(parts)] if parts else []


def _header_row(case: dict[str, Any], *pairs: tuple[str, Any]) -> Row:
    """`label value label value …` with the case's values, renamed labels and omissions applied."""
    header, labels, omit = case.get("header", {}), case.get("labels", {}), case.get("omit", [])
    row: Row = []
    for label, default in pairs:
        if label in omit:
            row.extend([None, None])
        else:
            row.extend([labels.get(label, label), header.get(label, default)])
    while row and row[-1] is None:
        row.pop()
    return row


def _project_preamble(case: dict[str, Any]) -> list[Row]:
    """Title, 金额单位 and header rows; the indicator header follows (row 7 unless extras are added)."""
    breakdown = case.get("breakdown", [])
    return [
        _title(case, "2026年项目支出绩效目标表"),
        _unit_line(case),
        _header_row(case, ("项目名称", "测试项目")),
        _header_row(case, ("年度本级预算金额", 10), ("项目类别", "一般性项目")),
        _header_row(case, ("项目支出实施期", "2026年")),
        _header_row(case, ("本年度绩效目标", DEFAULT_GOAL)),
        *([label, value] for label, value in case.get("extra_header", {}).items()),
        *([["支出明细", "金额"], *breakdown] if breakdown else []),
    ]


def project_rows(case: dict[str, Any]) -> list[Row]:
    """Rows are [一级, 二级, 三级, 指标值, 度量单位, 指标值类型(, 备注)] from row 8, column B.

    `column_a` gives, row by row, what stands in column A (the 本年度绩效指标 label column) — a label
    shifted out of its column; `block_label` renames that column's header (中期绩效指标); `next_blocks`
    (`[{ label = "年度绩效指标", rows = [...] }]`) adds indicator blocks below, each with its own header row.
    """
    column_a = case.get("column_a", [])
    rows = case.get("rows", DEFAULT_ROWS)
    lines = [
        *_project_preamble(case),
        [case.get("block_label", PROJECT_HEADER[0]), *PROJECT_HEADER[1:]],
        *([column_a[i] if i < len(column_a) else None, *row] for i, row in enumerate(rows)),
    ]
    for block in case.get("next_blocks", []):
        lines.append([block.get("label", PROJECT_HEADER[0]), *PROJECT_HEADER[1:]])
        lines.extend([None, *row] for row in block["rows"])
    return lines


def department_rows(case: dict[str, Any]) -> list[Row]:
    """Rows are given in the project order (+ 指标值说明, 备注) and written type-value-unit from row 11, column A."""
    budget = case.get("budget", {"资金总额": 100, "一般公共预算": 100, "基本支出": 60, "项目支出": 40})
    sources = ["一般公共预算", "政府性基金预算", "财政专户管理资金", "其他资金", "基本支出", "项目支出"]
    header, omit = case.get("header", {}), case.get("omit", [])
    tasks = case.get("tasks", [["政务服务", "办理政务服务事项"]])

    def labelled(label: str, default: str) -> Row:
        return [] if label in omit else [label, None, header.get(label, default)]

    task_rows = (
        []
        if "年度主要任务" in omit
        else [["年度主要任务", "任务名称", "主要内容"], *([None, *t] for t in tasks)]
    )
    budget_rows = (
        [[], [], []]
        if "预算情况" in omit
        else [
            [
                case.get("labels", {}).get("预算情况", "预算情况") or None,
                "资金总额",
                "按收入性质分",
                None,
                None,
                None,
                "按支出性质分",
            ],
            [None, budget.get("资金总额"), *sources],
            [None, None, *(budget.get(name) for name in sources)],
        ]
    )
    return [
        _title(case, "2026年部门整体支出绩效目标表"),
        _unit_line(case),
        labelled("部门名称", "测试部门"),
        labelled("年度履职目标", "负责全区政务服务工作"),
        *(task_rows or [[] for _ in range(1 + len(tasks))]),
        *budget_rows,
        DEPARTMENT_HEADER,
        *(
            [r[0], r[1], r[2], r[5], r[3], r[4], r[6], r[7]]
            for r in map(_padded, case.get("rows", DEFAULT_ROWS))
        ),
    ]


def _padded(row: Row, width: int = 8) -> Row:
    return [*row, *[None] * (width - len(row))]


def embedded_rows(case: dict[str, Any]) -> list[Row]:
    """Rows are [一级, 二级, 三级, 指标值 with operator and unit inside], from row 8, column A."""
    return [*_project_preamble(case), EMBEDDED_HEADER, *case.get("rows", DEFAULT_ROWS)]


def weights_rows(case: dict[str, Any]) -> list[Row]:
    """Sichuan export: rows [一级, 二级, 三级, 指标值, 度量单位, 指标性质, 权重] written
    一级 | 二级 | 三级 | 指标性质 | 指标值 | 度量单位 | 权重(%) from row 8, column A."""
    return [
        *_project_preamble(case),
        WEIGHTS_HEADER,
        *([r[0], r[1], r[2], r[5], r[3], r[4], r[6]] for r in map(_padded, case.get("rows", DEFAULT_ROWS))),
    ]


# the column (1 = A) of each role in each layout, as written by the layout functions above
ROLE_COLUMNS: dict[str, dict[str, int]] = {
    "project": {"level1": 2, "level2": 3, "name": 4, "value": 5, "unit": 6, "operator": 7, "remark": 8},
    "department": {
        "level1": 1,
        "level2": 2,
        "name": 3,
        "operator": 4,
        "value": 5,
        "unit": 6,
        "explanation": 7,
        "remark": 8,
    },
    "embedded": {"level1": 1, "level2": 2, "name": 3, "value": 4},
    "weights": {"level1": 1, "level2": 2, "name": 3, "operator": 4, "value": 5, "unit": 6, "weight": 7},
}
ROLES = ("level1", "level2", "name", "value", "unit", "operator", "explanation", "remark", "weight")
_ROLE_CELL = re.compile(r"^([a-z0-9]+)(?:\+(\d+))?$")


def first_indicator_row(case: dict[str, Any]) -> int:
    """The sheet row of the case's first indicator row: the one under its header (三级指标 in the name column)."""
    layout = case.get("layout", "project")
    col = ROLE_COLUMNS[layout]["name"] - 1
    for number, row in enumerate(table_rows(case), start=1):
        if len(row) > col and row[col] == "三级指标":
            return number + 1
    raise ValueError(f"case {case.get('name')!r}: no indicator header row")


def cell_of(case: dict[str, Any], where: str) -> str:
    """`E8` as written, or a role (`value`, `value+1`) resolved in the case's layout to an address."""
    match = _ROLE_CELL.match(where)
    if match is None:
        return where
    role, offset = match.group(1), int(match.group(2) or 0)
    layout = case.get("layout", "project")
    if role not in ROLES or role not in ROLE_COLUMNS[layout]:
        raise ValueError(f"case {case.get('name')!r}: no column {role!r} in the {layout} layout")
    return f"{column_letter(ROLE_COLUMNS[layout][role])}{first_indicator_row(case) + offset}"


LAYOUTS = {
    "project": project_rows,
    "department": department_rows,
    "embedded": embedded_rows,
    "weights": weights_rows,
}


def table_rows(case: dict[str, Any]) -> list[Row]:
    return LAYOUTS[case.get("layout", "project")](case)


def workbook(case: dict[str, Any], sheet: str = "表") -> dict[str, tuple[list[Row], list[str]]]:
    """Sheet name → (rows, merges) for the case's table and its `extra_tables`."""
    sheets: dict[str, tuple[list[Row], list[str]]] = {sheet: (table_rows(case), list(case.get("merges", [])))}
    for extra in case.get("extra_tables", []):
        rows = table_rows(extra)
        name = extra.get("sheet", sheet)
        if name in sheets:
            sheets[name][0].extend([[], *rows])
        else:
            sheets[name] = (rows, list(extra.get("merges", [])))
    return sheets
