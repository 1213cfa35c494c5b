"""计算合计: the identities on the samples, the CLI table, and the Excel button through the remote engine."""

from __future__ import annotations

import json

import openpyxl
import pytest
from cli_process import run_cli as run
from conftest import ONE_SHEET, THREE_SHEETS
from excel_harness import run_handler

from perfgoals_xl.core.marks import NOTE_PREFIX, is_registry_name
from perfgoals_xl.core.totals import identities
from perfgoals_xl.excel.handlers import check_all_sheets, clear_marks
from perfgoals_xl.excel.totals import fill_totals
from perfgoals_xl.pipeline import check_file


def test_sample_identities_hold():
    found = {(i.rule, i.sheet): i for i in identities(check_file(THREE_SHEETS).tables)}
    c04, c05, c06 = found["C04", "部门整体"], found["C05", "部门整体"], found["C06", "部门整体"]
    assert (c04.left.value, c04.right_sum) == (949.134, 949.134)
    assert (c05.left.value, [t.value for t in c05.right]) == (949.134, [909.134, 40])
    assert (c06.left.value, [t.value for t in c06.right]) == (40, [10, 30])
    assert all(i.holds(0.005) for i in found.values())


@pytest.mark.slow
def test_cli_totals_table_shows_both_sides():
    result = run("totals", str(ONE_SHEET))
    assert result.returncode == 0, result.stderr
    assert "资金总额 949.134 = 一般公共预算 949.134" in result.stdout
    assert "基本支出 909.134 + 项目支出 40 = 949.134" in result.stdout
    assert "项目支出 40 = 金融处非专项 10 + 援助泸溪资金 30 = 40" in result.stdout
    report = json.loads(run("totals", str(ONE_SHEET), "--format", "json").stdout)
    rules = {i["rule"] for i in report["files"][0]["identities"]}
    assert {"C01", "C04", "C05", "C06"} <= rules and all(i["holds"] for i in report["files"][0]["identities"])


@pytest.mark.slow
def test_cli_totals_reports_a_mismatch(tmp_path):
    wb = openpyxl.load_workbook(THREE_SHEETS)
    wb["部门整体"]["H17"] = 35
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    result = run("totals", str(bad))
    assert result.returncode == 1 and "不一致" in result.stdout and "差额 -5" in result.stdout


def run_book(path, handler, out):
    outcome, _, alerts = run_handler(path, handler, out)
    return outcome, alerts


def test_fill_totals_writes_blank_totals_with_a_note_and_clear_removes_them(tmp_path):
    wb = openpyxl.load_workbook(THREE_SHEETS)
    wb["部门整体"]["B16"] = None  # blank 资金总额; sources and uses both say 949.134
    source = tmp_path / "source.xlsx"
    wb.save(source)
    filled, cleared = tmp_path / "filled.xlsx", tmp_path / "cleared.xlsx"
    _, alerts = run_book(source, fill_totals, filled)
    assert "填入 1 个空白合计" in alerts[0]["args"][0]
    after = openpyxl.load_workbook(filled)
    cell = after["部门整体"]["B16"]
    assert cell.value == 949.134
    assert cell.comment.text.startswith(NOTE_PREFIX) and "一般公共预算 949.134" in cell.comment.text
    assert [n for n in after.defined_names if n.startswith("_pg_values")]
    run_book(filled, clear_marks, cleared)
    restored = openpyxl.load_workbook(cleared)
    assert restored["部门整体"]["B16"].value is None and restored["部门整体"]["B16"].comment is None
    assert not [n for n in restored.defined_names if is_registry_name(n)]


def test_fill_totals_leaves_a_blank_total_whose_parts_disagree(tmp_path):
    wb = openpyxl.load_workbook(THREE_SHEETS)
    wb["部门整体"]["B16"] = None
    wb["部门整体"]["G17"] = 900  # a typed 基本支出: uses now sum to 940, sources to 949.134
    source = tmp_path / "source.xlsx"
    wb.save(source)
    _, alerts = run_book(source, fill_totals, tmp_path / "out.xlsx")
    after = openpyxl.load_workbook(tmp_path / "out.xlsx")["部门整体"]
    assert after["B16"].value is None and after["G17"].value == 900  # nothing typed is overwritten
    assert "部门整体!B16 未填" in alerts[0]["args"][0] and "949.134" in alerts[0]["args"][0]


def test_fill_totals_marks_a_disagreeing_total(tmp_path):
    wb = openpyxl.load_workbook(THREE_SHEETS)
    wb["部门整体"]["H17"] = 35  # 项目支出 ≠ 10 + 30, and 资金总额 ≠ 基本 + 项目
    source = tmp_path / "source.xlsx"
    wb.save(source)
    outcome, alerts = run_book(source, fill_totals, tmp_path / "out.xlsx")
    rules = {(f.rule, f.cell) for f in outcome.plan.results}
    assert ("C05", "B16") in rules and ("C06", "H17") in rules
    assert {f.rule for f in outcome.plan.results} <= {"C01", "C03", "C04", "C05", "C06", "C07"}
    assert "填入 0 个空白合计" in alerts[0]["args"][0]


def test_an_amount_ten_thousand_times_off_is_called_a_unit_mixup(write_book):
    from rule_harness import department_rows

    case = {"budget": {"资金总额": 7242318, "一般公共预算": 724.2318, "基本支出": 684.2318, "项目支出": 40}}
    case["rows"] = [["产出指标", "数量指标", "起草文稿", 3, "篇", "≥"]]
    path = write_book({"部门": department_rows(case)})
    (c04,) = [f for f in check_file(path).findings if f.rule == "C04"]
    assert "7242318" in c04.message and "724.2318" in c04.message and "元与万元混用" in c04.message


def test_clear_keeps_a_total_the_user_typed_over_ours(tmp_path):
    wb = openpyxl.load_workbook(THREE_SHEETS)
    wb["部门整体"]["B16"] = None
    source, filled = tmp_path / "source.xlsx", tmp_path / "filled.xlsx"
    wb.save(source)
    run_book(source, fill_totals, filled)
    names = openpyxl.load_workbook(filled).defined_names
    assert names["_pg_written_1"].attr_text == "949.134"
    retyped = openpyxl.load_workbook(filled)
    retyped["部门整体"]["B16"] = 950  # the user corrects the total by hand after 计算合计
    retyped_path = tmp_path / "retyped.xlsx"
    retyped.save(retyped_path)
    for cleared in (tmp_path / "excel.xlsx", tmp_path / "file.xlsx"):
        if cleared.name == "excel.xlsx":
            run_book(retyped_path, clear_marks, cleared)
        else:
            from perfgoals_xl.files.write import clear

            clear(retyped_path, cleared)
        after = openpyxl.load_workbook(cleared)
        assert after["部门整体"]["B16"].value == 950, cleared.name  # typed by the user: kept
        assert not [n for n in after.defined_names if is_registry_name(n)]


def test_totals_survive_a_second_click_a_check_and_an_annotated_copy(tmp_path):
    wb = openpyxl.load_workbook(THREE_SHEETS)
    wb["部门整体"]["B16"] = None
    source, once, twice, checked = (tmp_path / n for n in ("s.xlsx", "1.xlsx", "2.xlsx", "3.xlsx"))
    wb.save(source)
    run_book(source, fill_totals, once)
    run_book(once, fill_totals, twice)
    run_book(twice, check_all_sheets, checked)
    for path in (once, twice, checked):
        assert openpyxl.load_workbook(path)["部门整体"]["B16"].value == 949.134, path.name
    names = [n for n in openpyxl.load_workbook(checked).defined_names if n.startswith("_pg_values")]
    assert names == ["_pg_values_1"]  # recorded once, kept by the later clicks
    from perfgoals_xl.files.write import annotate, plan_for
    from perfgoals_xl.pipeline import check_workbook

    workbook, result = check_workbook(checked)
    copy = annotate(checked, tmp_path / "copy.xlsx", plan_for(workbook, result), workbook.grids)
    assert openpyxl.load_workbook(copy)["部门整体"]["B16"].value == 949.134
    run_book(checked, clear_marks, tmp_path / "cleared.xlsx")
    assert openpyxl.load_workbook(tmp_path / "cleared.xlsx")["部门整体"]["B16"].value is None


def test_a_total_cell_holding_text_is_not_filled(tmp_path):
    wb = openpyxl.load_workbook(THREE_SHEETS)
    wb["部门整体"]["B16"] = "待定"
    source = tmp_path / "s.xlsx"
    wb.save(source)
    _, alerts = run_book(source, fill_totals, tmp_path / "out.xlsx")
    assert openpyxl.load_workbook(tmp_path / "out.xlsx")["部门整体"]["B16"].value == "待定"
    assert "填入 0 个空白合计" in alerts[0]["args"][0]
