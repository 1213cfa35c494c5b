"""What a standard form does by itself, with no Python: entry help (drop-downs, a 二级 list that depends on the
一级, input messages) and the native twins of `perfgoals_xl.core.twins` (conditional formats and the
sheet-scoped names they sum with), drawn with openpyxl; and where a form keeps its parts (defined names, the
indicator block), which `fill` uses too.

`equip(ws)` (re)draws all of it for the form's current rows: after `build_template`, and after `fill` has
inserted or deleted indicator rows (openpyxl moves neither validations nor conditional formats with rows).
"""

from __future__ import annotations

from typing import Any

from perfgoals_xl.core.check import LISTS_SHEET
from perfgoals_xl.core.grid import column_letter
from perfgoals_xl.core.reader.labels import match_column_role
from perfgoals_xl.core.twins import (
    COLORS,
    SOURCES,
    USES,
    FormLayout,
    help_text,
    helper_names,
    is_twin_formula,
    native_checks,
)
from perfgoals_xl.core.vocab import HIERARCHY
from perfgoals_xl.files.write.cells import put

# defined names of the cells a filler writes (workbook scope)
NAMES = {
    "title": "pg_title",
    "unit_name": "pg_unit_name",
    "amount_unit": "pg_amount_unit",
    "name": "pg_project_name",
    "budget": "pg_budget",
    "category": "pg_category",
    "period": "pg_period",
    "goal": "pg_goal",
    "region": "pg_region",
    "department": "pg_department",
    "duties": "pg_duties",
    "tasks": "pg_tasks_header",
    "budget_block": "pg_budget_block",
    "indicators": "pg_indicator_header",
}
OPERATORS = ("≥", "≤", "=", ">", "<", "定性")
COMMON_UNITS = (
    "%",
    "人",
    "人次",
    "次",
    "个",
    "件",
    "项",
    "户",
    "万元",
    "元",
    "年",
    "月",
    "天",
    "工作日",
    "公里",
    "平方米",
    "亩",
    "无",
)
PROMPT_PREFIX = "绩效目标："  # the titles of our input messages (how they are told from a user's validations)


# --- where a form keeps its parts ------------------------------------------------------------------------------


def named_cell(wb: Any, name: str) -> tuple[Any, int, int] | None:
    """(sheet, row, column) of a workbook-level defined name's first cell, or None."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    if name not in wb.defined_names:
        return None
    for sheet, ref in wb.defined_names[name].destinations:
        letters, row = coordinate_from_string(ref.replace("$", "").split(":")[0])
        return wb[sheet], row, column_index_from_string(letters)
    return None


def block_columns(ws: Any, header_row: int) -> dict[str, int]:
    """Column roles of the indicator header row, by label (so a restyled template may reorder columns)."""
    roles: dict[str, int] = {}
    for col in range(1, ws.max_column + 1):
        value = ws.cell(row=header_row, column=col).value
        role = match_column_role(value) if isinstance(value, str) else None
        if role and role not in roles:
            roles[role] = col
        elif isinstance(value, str) and "绩效指标" in value and "label" not in roles:
            roles["label"] = col
    return roles


def block_rows(ws: Any, header_row: int) -> tuple[int, int]:
    """First and last slot row: the rows under the header that carry a 一级/二级 label or sit in their merges."""
    columns = block_columns(ws, header_row)
    last = header_row
    level_cols = [columns[r] for r in ("level1", "level2") if r in columns]
    for row in range(header_row + 1, ws.max_row + 1):
        if any(ws.cell(row=row, column=col).value not in (None, "") for col in level_cols):
            last = row
    for merged in ws.merged_cells.ranges:
        if merged.min_row > header_row and merged.min_col in level_cols:
            last = max(last, merged.max_row)
    return header_row + 1, last


def budget_cells(ws: Any, block_row: int) -> dict[str, tuple[int, int]]:
    """The 预算情况 amounts by label (资金总额, 一般公共预算 …): each value sits under its label."""
    cells = {}
    for label_row in (block_row, block_row + 1):
        for col in range(1, ws.max_column + 1):
            label = str(ws.cell(row=label_row, column=col).value or "").strip()
            if label in ("资金总额", *SOURCES, *USES):
                cells[label] = (label_row + 1, col)
    return cells


def form_layout(ws: Any) -> FormLayout | None:
    """Where the form on `ws` keeps what its twins read, found through its defined names; None if not a form."""
    wb = ws.parent
    header = named_cell(wb, NAMES["indicators"])
    if header is None or header[0] is not ws:
        return None
    first, last = block_rows(ws, header[1])
    kind = "department" if named_cell(wb, NAMES["budget_block"]) else "project"
    keys = {"amount_unit": "amount_unit"}
    keys |= {"budget": "budget", "table_name": "name"} if kind == "project" else {"table_name": "department"}
    cells = {key: found[1:] for key, name in keys.items() if (found := named_cell(wb, NAMES[name]))}
    block = named_cell(wb, NAMES["budget_block"])
    if block is not None:
        amounts = budget_cells(ws, block[1])
        cells |= {label: at for label, at in amounts.items() if label != "资金总额"}
        if "资金总额" in amounts:
            cells["total"] = amounts["资金总额"]
    columns = {role: col for role, col in block_columns(ws, header[1]).items() if role != "label"}
    return FormLayout(ws.title, kind, columns, first, last, cells)


# --- drawing -----------------------------------------------------------------------------------------------------


def equip(ws: Any) -> None:
    """Entry help and native twins for the form on `ws` as its rows are now (nothing when it is no form)."""
    layout = form_layout(ws)
    if layout is None:
        return
    add_entry_help(ws, layout)
    add_native_checks(ws, layout)


def add_native_checks(ws: Any, layout: FormLayout) -> None:
    """The twins as conditional formats (replacing earlier ones) and the names they sum with (sheet scope)."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill
    from openpyxl.workbook.defined_name import DefinedName

    from perfgoals_xl.files.write.style import fill

    remove_native_checks(ws)
    for check in native_checks(layout):
        rule = FormulaRule(formula=[check.formula], fill=fill(PatternFill, COLORS[check.severity]))
        ws.conditional_formatting.add(check.ref, rule)
    for name, formula in helper_names(layout).items():
        ws.defined_names[name] = DefinedName(name, attr_text=formula.removeprefix("="))


def remove_native_checks(ws: Any) -> int:
    """Delete the twins' rules from the sheet (a user's own rules stay); how many went."""
    formats = ws.conditional_formatting
    removed = 0
    for key in list(formats._cf_rules):
        rules = formats._cf_rules[key]
        kept = [rule for rule in rules if not any(is_twin_formula(str(f)) for f in rule.formula or ())]
        removed += len(rules) - len(kept)
        if kept:
            formats._cf_rules[key] = kept
        else:
            del formats._cf_rules[key]
    return removed


def add_lists(wb: Any) -> None:
    """A hidden sheet with the 二级 lists, one defined name per 一级 (for the dependent drop-down)."""
    from openpyxl.workbook.defined_name import DefinedName

    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    for col, (level1, level2s) in enumerate(HIERARCHY.items(), 1):
        put(lists, 1, col, level1)
        for row, level2 in enumerate(level2s, 2):
            put(lists, row, col, level2)
        letter = column_letter(col)
        ref = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(level2s) + 1}"
        wb.defined_names[level1] = DefinedName(level1, attr_text=ref)


def add_entry_help(ws: Any, layout: FormLayout) -> None:
    """Drop-down lists and input messages over the indicator rows and the cells the twins colour (replacing
    earlier ones); each message ends with the twins of its cells, by rule id."""
    from openpyxl.worksheet.datavalidation import DataValidation

    ws.data_validations.dataValidation = [
        dv
        for dv in ws.data_validations.dataValidation
        if not (dv.promptTitle or "").startswith(PROMPT_PREFIX)
    ]
    for role, title, prompt, formula, style in _entry_specs(layout):
        if role in layout.columns:
            letter = column_letter(layout.columns[role])
            where = f"{letter}{layout.first}:{letter}{layout.last}"
        elif role in layout.cells:
            row, col = layout.cells[role]
            where = f"{column_letter(col)}{row}"
        else:
            continue
        prompt = "\n".join(part for part in (prompt, help_text(layout, role)) if part)
        dv = DataValidation(type="list" if formula else None, formula1=formula, allow_blank=True)
        dv.promptTitle, dv.prompt, dv.showInputMessage = f"{PROMPT_PREFIX}{title}", prompt, True
        if formula:
            dv.errorStyle = style
            dv.errorTitle, dv.error, dv.showErrorMessage = "输入有误", f"请从列表中选择{title}。", True
        dv.add(where)
        ws.add_data_validation(dv)


def _entry_specs(layout: FormLayout) -> list[tuple[str, str, str, str | None, str]]:
    """(role or cell key, title, prompt, list formula or None, error style) of each input message."""
    level1 = column_letter(layout.columns.get("level1", 1))
    span = f"${level1}${layout.first}:${level1}{layout.first}"
    return [
        (
            "level1",
            "一级指标",
            "请选择：产出指标、效益指标、满意度指标、成本指标。",
            f'"{",".join(HIERARCHY)}"',
            "stop",
        ),
        (
            "level2",
            "二级指标",
            "请选择该一级指标下的二级指标（列表随一级指标变化）。",
            f'INDIRECT(LOOKUP(2,1/({span}<>""),{span}))',  # the 一级 at or above: works in LibreOffice too
            "warning",
        ),
        (
            "operator",
            "指标值类型",
            "≥、≤、=、>、< 用于定量指标；文字目标选“定性”。成本指标一般用“≤”。",
            f'"{",".join(OPERATORS)}"',
            "stop",
        ),
        (
            "unit",
            "度量单位",
            "定量指标必填（%、人、次、万元…）；定性指标填“无”。可输入列表以外的单位。",
            f'"{",".join(COMMON_UNITS)}"',
            "information",
        ),
        (
            "name",
            "三级指标",
            "写明衡量的具体内容，如“培训人数”“群众满意度”，不要照抄层级名或项目名。",
            None,
            "",
        ),
        ("value", "指标值", "定量指标填数字（不带符号和单位），定性指标填文字，如“达到预期目标”。", None, ""),
        ("budget", "年度预算", "填写本项目年度本级预算金额（数字）。", None, ""),
        ("total", "资金总额", "填写部门资金总额（数字）。", None, ""),
    ]
