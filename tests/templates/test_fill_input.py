"""`fill`'s input said in Chinese (pydantic's errors with their key path, JSON/YAML syntax with line and column, a
missing file), and what `fill` writes from a source: the department form's 填报单位 and region lines, and never a
金额单位 the source did not state (that would hide C08)."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import pytest
from conftest import THREE_SHEETS

from perfgoals_xl.core.specs import DepartmentSpec, ProjectSpec, spec_from_table
from perfgoals_xl.pipeline import check_file
from perfgoals_xl.templates.fill import FillError, fill, load_specs, template_path
from perfgoals_xl.templates.native import NAMES, named_cell


def problems(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FillError) as caught:
        load_specs(path)
    assert name in caught.value.message
    return caught.value.message


def test_validation_errors_name_the_key_path_the_field_and_the_problem(tmp_path):
    message = problems(
        tmp_path,
        "数据.yaml",
        "table:\n"
        "  kind: department\n"
        "  amount_unit: 美元\n"
        "  budget: {total: 十万}\n"
        "  indicators:\n"
        "    - {level1: 产出指标, name: 3}\n"
        "  foo: 1\n",
    )
    assert message.splitlines()[1:] == [
        "table → amount_unit（金额单位）：只能是 万元、元 之一",
        "table → budget → total（资金总额）：应为数字（不带单位）",
        "table → indicators 第 1 项 → level2（二级指标）：缺少此项",
        "table → indicators 第 1 项 → name（三级指标名称）：应为文字",
        "table → foo：不认识这一项（拼写有误，或不属于这张表）",
    ]
    assert "validation error" not in message and "Input should" not in message


def test_the_kind_and_the_table_of_a_list_are_said(tmp_path):
    message = problems(
        tmp_path, "两张表.json", '[{"table": {"kind": "project"}}, {"table": {"kind": "部门"}}]'
    )
    assert "第 2 张表：table（" not in message and "第 2 张表：table：kind 只能是 project" in message
    assert "部门" in message
    missing = problems(tmp_path, "无种类.json", '{"table": {}}')
    assert "缺少 kind" in missing


@pytest.mark.parametrize(
    ("name", "text", "where", "problem"),
    [
        ("a.yaml", "table:\n  kind: project\n  name: 项目: 甲\n", "第 3 行第 11 列", "冒号"),
        ("b.yaml", "table:\n\tkind: project\n", "第 2 行第 1 列", "Tab"),
        ("c.json", '{"table": {"kind": "project",}}', "第 1 行第 30 列", "最后一项后不能有逗号"),
        ("d.json", '{"table": {"kind": "project" "year": 2026}}', "第 1 行第 30 列", "缺少逗号"),
    ],
)
def test_syntax_errors_give_line_and_column(tmp_path, name, text, where, problem):
    message = problems(tmp_path, name, text)
    assert where in message and problem in message


def test_a_missing_data_file_is_said_in_chinese(tmp_path):
    data, out = str(tmp_path / "无.yaml"), str(tmp_path / "out.xlsx")
    result = subprocess.run(
        [sys.executable, "-m", "perfgoals_xl", "fill", "--template", "project", data, "-o", out],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert (
        result.returncode == 2 and result.stderr.startswith("找不到数据文件") and "Errno" not in result.stderr
    )


# --- what fill writes from its source ---------------------------------------------------------------------------


def line(wb, key: str) -> object:
    sheet, row, col = named_cell(wb, NAMES[key])
    return sheet.cell(row=row, column=col).value


def test_the_department_form_has_its_unit_and_region_lines():
    wb = openpyxl.load_workbook(template_path("department"))
    ws = wb.worksheets[0]
    lines = [ws.cell(row=r, column=1).value for r in range(1, 5)]
    assert lines == ["2026年部门整体支出绩效目标表", None, "填报单位（盖章）：", "金额单位：万元"]
    assert [named_cell(wb, NAMES[k])[1] for k in ("region", "unit_name", "amount_unit")] == [2, 3, 4]


def test_fill_keeps_the_seed_departments_region_and_states_no_unit_it_did_not(tmp_path):
    tables = {t.kind: t for t in check_file(THREE_SHEETS).tables}
    department = spec_from_table(tables["department"])
    assert isinstance(department, DepartmentSpec)
    assert department.region == "湖南省株洲市 株洲市渌口区人民政府办公室" and department.amount_unit is None
    wb = fill(department)
    assert line(wb, "region") == "湖南省株洲市 株洲市渌口区人民政府办公室"
    assert line(wb, "amount_unit") is None  # not the template's 金额单位：万元
    wb.save(tmp_path / "部门.xlsx")
    rules = {f.rule for f in check_file(tmp_path / "部门.xlsx").findings}
    assert "C08" in rules  # said on the filled form as on the source

    project = spec_from_table(tables["project"])
    assert isinstance(project, ProjectSpec) and project.amount_unit == "万元"
    assert line(fill(project), "amount_unit") == "金额单位：万元"
    assert line(fill(project), "unit_name") == "填报单位（盖章）：株洲市渌口区人民政府办公室"


def test_a_unit_stated_as_yuan_and_a_department_unit_name_are_written(tmp_path):
    spec = DepartmentSpec(department="区财政局", unit_name="株洲市渌口区财政局", amount_unit="元")
    wb = fill(spec)
    assert line(wb, "amount_unit") == "金额单位：元"
    assert line(wb, "unit_name") == "填报单位（盖章）：株洲市渌口区财政局"
    wb.save(tmp_path / "元.xlsx")
    (table,) = check_file(tmp_path / "元.xlsx").tables
    assert table.amount_unit.value == "元" and table.unit_name.value == "株洲市渌口区财政局"
    assert spec_from_table(table).unit_name == "株洲市渌口区财政局"
