"""Fill the standard template with a spec: header cells found through defined names, indicator rows inserted
under their 二级 as needed (empty 二级 rows kept as placeholders), merged cells following the standard.

The template may be restyled by a province: cells are found by name, indicator columns by their header labels.
"""

from __future__ import annotations

import json
from copy import copy
from pathlib import Path
from typing import Any

from perfgoals_xl.core.errors import PerfgoalsError
from perfgoals_xl.core.grid import column_letter
from perfgoals_xl.core.models import Table
from perfgoals_xl.core.reader.values import money_in
from perfgoals_xl.core.specs import BUDGET_FIELDS, DepartmentSpec, IndicatorSpec, ProjectSpec, SpecFile
from perfgoals_xl.core.totals import same_department
from perfgoals_xl.core.vocab import canonical_level1, canonical_level2
from perfgoals_xl.files.errors import short_reason
from perfgoals_xl.files.write.cells import put
from perfgoals_xl.files.write.printing import fit_row_heights
from perfgoals_xl.resources import resource_dirs
from perfgoals_xl.templates.layout import BUDGET_SUBLABELS, ROW_MIN_HEIGHT
from perfgoals_xl.templates.native import NAMES, block_columns, block_rows, budget_cells, equip, named_cell

TEMPLATE_FILES = {"project": "project_template.xlsx", "department": "department_template.xlsx"}


class FillError(PerfgoalsError):
    """Input that cannot be filled; `message` is Chinese and names the file."""


def empty_template(kind: str) -> Any:
    """The standard template, not filled, as an openpyxl Workbook (新建项目表 / 新建部门表)."""
    from openpyxl import load_workbook

    return load_workbook(template_path(kind))


def template_path(kind: str) -> Path:
    """The bundled standard template (inside the wheel, or in a source checkout)."""
    for folder in resource_dirs("templates", "workbook_templates"):
        path = folder / TEMPLATE_FILES[kind]
        if path.is_file():
            return path
    raise FillError(f"找不到标准模板“{TEMPLATE_FILES[kind]}”，请重新安装 perfgoals-xl。")


def fill(spec: ProjectSpec | DepartmentSpec, template: Path | None = None) -> Any:
    """The template filled with the spec, as an openpyxl Workbook (not saved)."""
    from openpyxl import load_workbook

    wb = load_workbook(template or template_path(spec.kind))
    ws = _named_sheet(wb, NAMES["indicators"])
    _fill_header(wb, spec)
    if isinstance(spec, DepartmentSpec):
        _fill_tasks(wb, ws, spec)
        _fill_budget(wb, ws, spec)
    _fill_indicators(wb, ws, spec.indicators)
    equip(ws)  # drop-downs, input messages and native twins over the rows as they are now
    fit_row_heights(ws, first_row=2, min_height=ROW_MIN_HEIGHT)  # what was filled in, wrapped, fits its row
    return wb


# --- names -----------------------------------------------------------------------------------------------------


def _named_sheet(wb: Any, name: str) -> Any:
    found = named_cell(wb, name)
    if found is None:
        raise FillError(f"模板中缺少定义名称“{name}”，无法确定填写位置。")
    return found[0]


def _put(wb: Any, key: str, value: object) -> None:
    found = named_cell(wb, NAMES[key])
    if found is not None:
        sheet, row, col = found
        put(sheet, row, col, value)


def _fill_header(wb: Any, spec: ProjectSpec | DepartmentSpec) -> None:
    kind_title = "项目支出绩效目标表" if isinstance(spec, ProjectSpec) else "部门整体支出绩效目标表"
    if spec.year is not None:
        _put(wb, "title", f"{spec.year}年{kind_title}")
    # never a 金额单位 the source did not state: the line stays empty and the check says C08, as on the source
    _put(wb, "amount_unit", f"金额单位：{spec.amount_unit}" if spec.amount_unit else None)
    _put(wb, "unit_name", f"填报单位（盖章）：{spec.unit_name or ''}")
    if isinstance(spec, ProjectSpec):
        for key in ("name", "budget", "category", "period", "goal"):
            _put(wb, key, getattr(spec, key))
    else:
        _put(wb, "region", spec.region or "")
        _put(wb, "department", spec.department)
        _put(wb, "duties", spec.duties)


# --- rows: insert or delete, keeping merges, validations and names in step ----------------------------------


def shift_rows(ws: Any, at: int, delta: int) -> None:
    """Insert (delta > 0) or delete (delta < 0) rows at `at`; merges, data validations and names follow."""
    if delta == 0:
        return
    merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    for top, left, bottom, right in merges:
        ws.unmerge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
    if delta > 0:
        ws.insert_rows(at, delta)
    else:
        ws.delete_rows(at, -delta)
    for top, left, bottom, right in merges:
        top, bottom = _moved(top, at, delta), _moved(bottom, at, delta, end=True)
        if bottom >= top and (top, left) != (bottom, right):
            ws.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
    _shift_validations(ws, at, delta)
    _shift_names(ws, at, delta)


def _moved(row: int, at: int, delta: int, end: bool = False) -> int:
    if delta > 0:
        return row + delta if row >= at else row
    gone_last = at - delta - 1
    if row > gone_last:
        return row + delta
    if row >= at:
        return at - 1 if end else at
    return row


def _shift_validations(ws: Any, at: int, delta: int) -> None:
    from openpyxl.worksheet.cell_range import MultiCellRange

    for dv in ws.data_validations.dataValidation:
        ranges = []
        for area in dv.sqref.ranges:
            top, bottom = _moved(area.min_row, at, delta), _moved(area.max_row, at, delta, end=True)
            if bottom >= top:
                ranges.append(
                    f"{area.coord.split(':')[0].rstrip('0123456789')}{top}:{column_letter(area.max_col)}{bottom}"
                )
        dv.sqref = MultiCellRange(" ".join(ranges))


def _shift_names(ws: Any, at: int, delta: int) -> None:
    import re

    pattern = re.compile(r"(\$?[A-Z]+\$?)(\d+)")
    for name in list(ws.parent.defined_names):
        defined = ws.parent.defined_names[name]
        sheet, _, ref = defined.attr_text.rpartition("!")
        if sheet.strip("'") != ws.title:
            continue
        shifted = pattern.sub(lambda m: f"{m.group(1)}{_moved(int(m.group(2)), at, delta)}", ref)
        defined.attr_text = f"{sheet}!{shifted}"


def _copy_style(ws: Any, source_row: int, target_row: int, width: int) -> None:
    for col in range(1, width + 1):
        source, target = ws.cell(row=source_row, column=col), ws.cell(row=target_row, column=col)
        if source.has_style:
            target._style = copy(source._style)


def _merge(ws: Any, top: int, left: int, bottom: int, right: int) -> None:
    if (top, left) != (bottom, right):
        ws.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)


def _unmerge_rows(ws: Any, first: int, last: int) -> None:
    for merged in list(ws.merged_cells.ranges):
        if merged.min_row >= first and merged.max_row <= last:
            ws.unmerge_cells(merged.coord)


# --- department: tasks and 预算情况 -------------------------------------------------------------------------------


def _fill_tasks(wb: Any, ws: Any, spec: DepartmentSpec) -> None:
    header = named_cell(wb, NAMES["tasks"])
    block = named_cell(wb, NAMES["budget_block"])
    if header is None or block is None:
        return
    _, header_row, label_col = header
    columns = {
        str(ws.cell(row=header_row, column=c).value or "").strip(): c for c in range(1, ws.max_column + 1)
    }
    name_col, content_col = columns.get("任务名称", label_col + 1), columns.get("主要内容", label_col + 2)
    existing = block[1] - header_row - 1
    needed = max(len(spec.tasks), 1)
    _unmerge_rows(ws, header_row, header_row + existing)
    if needed != existing:
        at = header_row + 1 + min(existing, needed)
        shift_rows(ws, at, needed - existing)
        for row in range(header_row + 1 + existing, header_row + 1 + needed):
            _copy_style(ws, header_row + 1, row, ws.max_column)
    width = ws.max_column
    for offset in range(needed):
        row = header_row + 1 + offset
        task = spec.tasks[offset] if offset < len(spec.tasks) else None
        put(ws, row, name_col, task.name if task else None)
        put(ws, row, content_col, task.content if task else None)
        _merge(ws, row, content_col, row, width)
    _merge(ws, header_row, label_col, header_row + needed, label_col)
    _merge(ws, header_row, content_col, header_row, width)


def _fill_budget(wb: Any, ws: Any, spec: DepartmentSpec) -> None:
    block = named_cell(wb, NAMES["budget_block"])
    if block is None:
        return
    for label, (row, col) in budget_cells(ws, block[1]).items():
        put(ws, row, col, getattr(spec.budget, BUDGET_FIELDS_BY_LABEL[label]))


BUDGET_FIELDS_BY_LABEL = {label: key for key, label in BUDGET_FIELDS.items()}
assert set(BUDGET_SUBLABELS) <= set(BUDGET_FIELDS_BY_LABEL)


# --- the indicator block ------------------------------------------------------------------------------------------


def _slots(ws: Any, columns: dict[str, int], first: int, last: int) -> list[tuple[str, str, int]]:
    slots, level1 = [], ""
    for row in range(first, last + 1):
        written1 = ws.cell(row=row, column=columns["level1"]).value
        if written1:
            level1 = canonical_level1(written1) or str(written1)
        written2 = ws.cell(row=row, column=columns["level2"]).value
        if written2:
            slots.append((level1, canonical_level2(written2) or str(written2), row))
    return slots


def _planned_rows(
    slots: list[tuple[str, str, int]], indicators: list[IndicatorSpec]
) -> list[tuple[str, str, IndicatorSpec | None, int]]:
    """(一级, 二级, indicator or placeholder, style row) in the template's order; unknown pairs after their 一级."""
    by_pair: dict[tuple[str, str], list[IndicatorSpec]] = {}
    for indicator in indicators:
        by_pair.setdefault((indicator.level1, indicator.level2), []).append(indicator)
    template_pairs = [(l1, l2) for l1, l2, _ in slots]
    extra = [pair for pair in by_pair if pair not in template_pairs]
    planned: list[tuple[str, str, IndicatorSpec | None, int]] = []
    for index, (level1, level2, style_row) in enumerate(slots):
        for item in by_pair.get((level1, level2)) or [None]:
            planned.append((level1, level2, item, style_row))
        last_of_group = index + 1 == len(slots) or slots[index + 1][0] != level1
        if last_of_group:
            for pair in [p for p in extra if p[0] == level1]:
                planned.extend((pair[0], pair[1], item, style_row) for item in by_pair[pair])
                extra.remove(pair)
    style_row = slots[-1][2] if slots else 0
    for pair in extra:
        planned.extend((pair[0], pair[1], item, style_row) for item in by_pair[pair])
    return planned


def _fill_indicators(wb: Any, ws: Any, indicators: list[IndicatorSpec]) -> None:
    header = named_cell(wb, NAMES["indicators"])
    if header is None:
        raise FillError("模板中缺少绩效指标表头（定义名称 pg_indicator_header）。")
    header_row = header[1]
    columns = block_columns(ws, header_row)
    first, last = block_rows(ws, header_row)
    slots = _slots(ws, columns, first, last)
    planned = _planned_rows(slots, indicators)
    width = ws.max_column
    styles = {
        row: [copy(ws.cell(row=row, column=c)._style) for c in range(1, width + 1)] for _, _, row in slots
    }
    _unmerge_rows(ws, header_row, last)
    extra = len(planned) - (last - first + 1)  # rows to insert (> 0) or delete (< 0) in the block
    shift_rows(ws, first if extra > 0 else first + len(planned), extra)
    for offset, (level1, level2, item, style_row) in enumerate(planned):
        row = first + offset
        for col, style in enumerate(styles.get(style_row, []), 1):
            ws.cell(row=row, column=col)._style = copy(style)
        previous = planned[offset - 1] if offset else None
        _write_row(ws, row, columns, level1, level2, item, previous)
    new_last = first + len(planned) - 1
    _merge_runs(ws, columns, planned, first)
    if "label" in columns:
        _merge(ws, header_row, columns["label"], new_last, columns["label"])
    ws.print_area = f"A1:{column_letter(width)}{new_last}"


def _write_row(
    ws: Any,
    row: int,
    columns: dict[str, int],
    level1: str,
    level2: str,
    item: IndicatorSpec | None,
    previous: tuple[str, str, IndicatorSpec | None, int] | None,
) -> None:
    values: dict[str, object] = {}
    if previous is None or previous[0] != level1:
        values["level1"] = level1
    if previous is None or (previous[0], previous[1]) != (level1, level2):
        values["level2"] = level2
    if item is not None:
        unit = item.unit if item.unit is not None else ("无" if item.operator == "定性" else None)
        values |= {
            "name": item.name,
            "value": item.value,
            "unit": unit,
            "operator": item.operator,
            "explanation": item.explanation,
            "remark": item.remark,
        }
    for role, col in columns.items():
        if role not in ("label",):
            put(ws, row, col, values.get(role))  # text from a submitted table stays text


def _merge_runs(
    ws: Any, columns: dict[str, int], planned: list[tuple[str, str, Any, int]], first: int
) -> None:
    """Merge each 一级 run, and each 二级 run longer than one row, as the standard layout does."""
    for role, key in (("level1", lambda p: p[0]), ("level2", lambda p: (p[0], p[1]))):
        start = 0
        for index in range(1, len(planned) + 1):
            if index == len(planned) or key(planned[index]) != key(planned[start]):
                _merge(ws, first + start, columns[role], first + index - 1, columns[role])
                start = index


# --- input --------------------------------------------------------------------------------------------------------


def load_specs(path: Path, kind: str | None = None) -> list[ProjectSpec | DepartmentSpec]:
    """Specs from a JSON/YAML file (SpecFile, or a list of them) or from the tables of a workbook in any layout."""
    suffix = path.suffix.lower()
    if suffix in (".json", ".yaml", ".yml"):
        return _data_specs(path)
    from perfgoals_xl.core.specs import spec_from_table
    from perfgoals_xl.pipeline import check_workbook

    _, result = check_workbook(path)
    if result.error is not None:
        raise FillError(result.error.message)
    tables = [t for t in result.tables if kind is None or t.kind == kind]
    if not tables:
        raise FillError(
            f"文件“{path.name}”中没有找到{'项目支出' if kind == 'project' else '部门整体支出'}绩效目标表。"
        )
    specs = [spec_from_table(t) for t in tables]
    return [  # a department's blank 项目支出 comes from its project tables in the same workbook
        with_project_spending(spec, table, result.tables) if isinstance(spec, DepartmentSpec) else spec
        for spec, table in zip(specs, tables, strict=True)
    ]


def with_project_spending(spec: DepartmentSpec, department: Table, tables: list[Table]) -> DepartmentSpec:
    """A blank 项目支出 filled from the department's project tables in the same workbook."""
    if spec.budget.project is not None:
        return spec
    projects = [
        t for t in tables if t.kind == "project" and same_department(t, department) and t.budget is not None
    ]
    if not projects:
        return spec
    unit = spec.amount_unit or department.money_unit  # the reader's 万元 when the table does not say
    total = sum(money_in(p.budget, p.money_unit, unit) or 0.0 for p in projects)  # type: ignore[arg-type]
    return spec.model_copy(update={"budget": spec.budget.model_copy(update={"project": total})})


def _data_specs(path: Path) -> list[ProjectSpec | DepartmentSpec]:
    """A JSON/YAML data file read and validated; each problem said with its line or key path, in Chinese."""
    from pydantic import ValidationError

    from perfgoals_xl.core.spec_errors import (
        describe_json_error,
        describe_validation_error,
        describe_yaml_error,
    )

    def wrong(detail: str) -> FillError:
        return FillError(f"数据文件“{path.name}”有误：\n{detail}")

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FillError(f"找不到数据文件“{path}”。") from None
    except UnicodeDecodeError:
        raise wrong("不是 UTF-8 编码的文本，请另存为 UTF-8 后再试。") from None
    except OSError as exc:
        raise FillError(f"无法读取数据文件“{path}”（{exc.strerror or short_reason(exc)}）。") from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise wrong(describe_json_error(exc)) from None
    else:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise wrong(describe_yaml_error(exc)) from None
    items = data if isinstance(data, list) else [data]
    specs = []
    for number, item in enumerate(items, 1):
        try:
            specs.append(SpecFile.model_validate(item).table)
        except ValidationError as exc:
            prefix = f"第 {number} 张表：" if len(items) > 1 else ""
            raise wrong(describe_validation_error(exc, prefix)) from None
    return specs
