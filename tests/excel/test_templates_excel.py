"""The 模板 buttons through the remote engine: a fresh standard sheet, and the active table normalised."""

from __future__ import annotations

import openpyxl
from conftest import THREE_SHEETS
from excel_harness import run_handler

from perfgoals_xl.core.specs import spec_from_table
from perfgoals_xl.excel.buttons import new_template_sheet, normalize_active_table
from perfgoals_xl.pipeline import check_file

run = run_handler


def test_new_project_sheet_is_the_standard_template(tmp_path):
    out = tmp_path / "out.xlsx"
    _, _, alerts = run(THREE_SHEETS, lambda b: new_template_sheet(b, "project"), out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[1] == "项目支出绩效目标表"  # after the active sheet
    ws = wb["项目支出绩效目标表"]
    assert ws["A1"].value == "2026年项目支出绩效目标表" and ws["A1"].font.b
    assert "A1:H1" in {str(m) for m in ws.merged_cells.ranges}
    assert "已新建“项目支出绩效目标表”" in alerts[0]["args"][0]
    original = openpyxl.load_workbook(THREE_SHEETS)
    for name in original.sheetnames:  # the user's sheets are not touched
        assert [[c.value for c in r] for r in wb[name].iter_rows()] == [
            [c.value for c in r] for r in original[name].iter_rows()
        ]
    tables = [t for t in check_file(out).tables if t.sheet == "项目支出绩效目标表"]
    assert len(tables) == 1 and len(tables[0].indicators) == 10  # the ten fixed 二级 rows


def test_new_department_sheet_twice_gets_a_unique_name(tmp_path):
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    run(THREE_SHEETS, lambda b: new_template_sheet(b, "department"), first)
    run(first, lambda b: new_template_sheet(b, "department"), second)
    assert "部门整体支出绩效目标表(2)" in openpyxl.load_workbook(second).sheetnames


def test_normalize_writes_the_active_table_into_a_new_sheet(tmp_path):
    out = tmp_path / "out.xlsx"
    _, _, alerts = run(THREE_SHEETS, normalize_active_table, out, active_sheet=1)
    assert "援助泸溪资金_标准" in openpyxl.load_workbook(out).sheetnames
    assert "原表未改动" in alerts[0]["args"][0]
    result = check_file(out)
    source = next(t for t in result.tables if t.sheet == "援助泸溪资金")
    normalised = next(t for t in result.tables if t.sheet == "援助泸溪资金_标准")
    assert spec_from_table(normalised) == spec_from_table(source)
    rules = {f.rule for f in result.findings if f.sheet == "援助泸溪资金_标准"}
    assert "H09" not in rules and "C08" not in rules  # the shifted row and missing unit are gone


def test_normalize_on_a_sheet_without_a_table(tmp_path, write_book):
    path = write_book({"说明": [["填报说明"]]})
    _, actions, alerts = run(path, normalize_active_table, tmp_path / "out.xlsx")
    assert alerts[0]["args"][0] == "工作表“说明”中没有找到绩效目标表，无法规范为标准模板。"
    assert {a["func"] for a in actions} == {"alert"}
