"""The Excel host through xlwings' remote engine: the handlers the ribbon calls, run on books built from real
.xlsx payloads; their actions replayed onto the .xlsx with openpyxl and the resulting cells checked."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
import xlwings as xw
from conftest import ONE_SHEET, THREE_SHEETS
from excel_harness import payload_from_xlsx, run_handler

from perfgoals_xl.core.marks import (
    FILL_COLORS,
    MARKER,
    NOTE_PREFIX,
    RESULTS_SHEET,
    area_cells,
    is_registry_name,
    parse_refers_to,
    union_addresses,
)
from perfgoals_xl.excel.handlers import check_active_sheet, check_all_sheets, clear_marks
from perfgoals_xl.excel.read import read_grid
from perfgoals_xl.pipeline import check_file

run = run_handler


def our_rules(ws):
    """(range, fill colour) of every conditional format carrying our marker."""
    found = []
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            if any(MARKER in f for f in rule.formula):
                found.append((str(cf.sqref), rule.dxf.fill.fgColor.rgb[-6:].upper()))
    return found


def covered_rows(ws, colour):
    rows = set()
    for sqref, fill in our_rules(ws):
        if fill == colour.lstrip("#").upper():
            for part in sqref.split():
                top, left, bottom, right = area_cells(part)
                assert (left, right) == (1, 8), "a block spans the table's columns A:H"
                rows.update(range(top, bottom + 1))
    return rows


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    out = tmp_path_factory.mktemp("excel") / "checked.xlsx"
    outcome, actions, alerts = run(THREE_SHEETS, check_all_sheets, out)
    return outcome, actions, alerts, out


def test_check_all_marks_every_offending_row(checked):
    outcome, _, _, out = checked
    findings = check_file(THREE_SHEETS).findings
    wb = openpyxl.load_workbook(out)
    for sheet in ("金融处非专项", "援助泸溪资金", "部门整体"):
        ws = wb[sheet]
        errors = {f.row for f in findings if f.sheet == sheet and f.severity == "error"}
        warnings = {f.row for f in findings if f.sheet == sheet and f.severity == "warning"} - errors
        assert covered_rows(ws, FILL_COLORS["error"]) == errors
        assert covered_rows(ws, FILL_COLORS["warning"]) == warnings
    assert outcome.plan.count("error") == sum(f.severity == "error" for f in findings)


def test_every_finding_has_a_note_and_a_linked_result_row(checked):
    _, _, _, out = checked
    findings = [f for f in check_file(THREE_SHEETS).findings]
    wb = openpyxl.load_workbook(out)
    for finding in (f for f in findings if f.severity != "info"):
        comment = wb[finding.sheet][finding.cell].comment
        assert comment is not None and comment.text.startswith(NOTE_PREFIX), finding
        assert finding.message in comment.text and finding.rule in comment.text
    results = wb[RESULTS_SHEET]
    assert (
        "错误" in results["A1"].value
        and "警告" in results["A1"].value
        and "seed_three_sheets" in results["A1"].value
    )
    assert [c.value for c in results[2]] == ["序号", "级别", "规则", "工作表", "单元格", "说明"]
    rows = list(results.iter_rows(min_row=3, values_only=True))
    assert len(rows) == len(findings)
    v05 = next(r for r in rows if r[2] == "V05")
    assert v05[1] == "错误" and v05[3] == "部门整体"
    assert v05[4] == """=HYPERLINK("#'部门整体'!E20","E20")"""


def test_marks_are_recorded_in_names(checked):
    _, _, _, out = checked
    wb = openpyxl.load_workbook(out)
    names = {name: wb.defined_names[name].attr_text for name in wb.defined_names if is_registry_name(name)}
    marks = [
        area for name, text in names.items() if name.startswith("_pg_marks") for area in parse_refers_to(text)
    ]
    notes = [
        area for name, text in names.items() if name.startswith("_pg_notes") for area in parse_refers_to(text)
    ]
    assert ("部门整体", "A19:H21") in marks and (
        "援助泸溪资金",
        "A25:H25",
    ) in marks  # L67-69 merge into one block
    assert ("部门整体", "E20:E20") in notes
    assert len(notes) == len(
        {(f.sheet, f.cell) for f in check_file(THREE_SHEETS).findings if f.severity != "info"}
    )


def test_ends_with_an_alert_and_the_cursor_on_the_first_error(checked):
    outcome, actions, alerts, _ = checked
    (alert,) = alerts
    assert alert["args"][0].startswith("校验完成：错误") and "第一处错误" in alert["args"][0]
    assert alert["args"][1] == "绩效目标校验"
    select = next(a for a in actions if a["func"] == "rangeSelect")
    first = outcome.plan.first_error
    assert (select["start_row"] + 1, select["start_column"] + 1) == (first.row, first.col)
    assert first.sheet == "援助泸溪资金" and first.cell == "A25"  # H09, the first error in sheet order


def test_no_value_of_the_users_table_is_written(checked):
    _, actions, _, _ = checked
    results_position = len(openpyxl.load_workbook(THREE_SHEETS).sheetnames)
    for action in actions:
        if action["func"] in ("setValues", "addHyperlink", "rangeClearContents", "rangeClear"):
            assert action["sheet_position"] == results_position, action


def test_clear_restores_the_original_cell_by_cell(checked, tmp_path):
    _, _, _, marked = checked
    cleared_path = tmp_path / "cleared.xlsx"
    outcome, _, alerts = run(marked, clear_marks, cleared_path)
    assert outcome.cleared > 0 and alerts[0]["args"][0].startswith("已清除")
    assert_same_cells(THREE_SHEETS, cleared_path)


def test_checking_twice_equals_checking_once(checked, tmp_path):
    _, _, _, once = checked
    twice = tmp_path / "twice.xlsx"
    run(once, check_all_sheets, twice)
    a, b = openpyxl.load_workbook(once), openpyxl.load_workbook(twice)
    assert a.sheetnames == b.sheetnames
    for name in ("金融处非专项", "援助泸溪资金", "部门整体"):
        assert sorted(our_rules(a[name])) == sorted(our_rules(b[name]))
        assert comments(a[name]) == comments(b[name])
    assert sorted(n for n in a.defined_names) == sorted(n for n in b.defined_names)


def test_users_own_note_fill_and_rules_survive_check_and_clear(tmp_path):
    own = tmp_path / "own.xlsx"
    wb = openpyxl.load_workbook(ONE_SHEET)
    ws = wb.active
    ws["E68"].comment = openpyxl.comments.Comment("我自己的批注：0.5 待核实", "张会计")  # an offending cell
    ws["B12"].fill = openpyxl.styles.PatternFill("solid", fgColor="FF00B0F0")
    wb.save(own)
    checked_path, cleared_path = tmp_path / "checked.xlsx", tmp_path / "cleared.xlsx"
    run(own, check_all_sheets, checked_path)
    mid = openpyxl.load_workbook(checked_path).active
    assert mid["E68"].comment.text == "我自己的批注：0.5 待核实"  # never replaced
    assert mid["B12"].fill.fgColor.rgb == "FF00B0F0"
    run(checked_path, clear_marks, cleared_path)
    assert_same_cells(own, cleared_path)


def test_check_active_sheet_only_marks_that_sheet(tmp_path):
    out = tmp_path / "dept.xlsx"
    outcome, _, _ = run(THREE_SHEETS, check_active_sheet, out, active_sheet=2)
    assert {f.sheet for f in outcome.plan.results} == {"部门整体"}
    wb = openpyxl.load_workbook(out)
    assert our_rules(wb["金融处非专项"]) == [] and our_rules(wb["部门整体"])
    assert any(
        f.rule == "C06" and f.severity == "info" for f in outcome.plan.results
    )  # no project tables seen


def test_sheet_without_a_table_gets_a_chinese_alert(tmp_path, write_book):
    path = write_book({"说明": [["填报说明"], ["请按模板填写"]]})
    outcome, actions, alerts = run(path, check_active_sheet, tmp_path / "out.xlsx")
    assert outcome.plan is None
    assert alerts[0]["args"][0] == "工作表“说明”中没有找到绩效目标表（项目支出或部门整体支出绩效目标表）。"
    assert {a["func"] for a in actions} == {"alert"}


def test_clear_on_a_book_without_marks(tmp_path):
    outcome, actions, alerts = run(THREE_SHEETS, clear_marks, tmp_path / "out.xlsx")
    assert outcome.cleared == 0 and alerts[0]["args"][0] == "没有需要清除的校验标记。"
    assert {a["func"] for a in actions} == {"alert"}


def test_used_range_below_a1_keeps_sheet_coordinates(tmp_path, write_book):
    rows = [[], [], [None, None, "2026年项目支出绩效目标表"], [None, None, "项目名称", "示例"]]
    rows += [[None, None, "一级指标", "二级指标", "三级指标", "指标值", "度量单位", "指标值类型"]]
    rows += [[None, None, "产出指标", "数量指标", "采纳数", 0.5, "条", "≥"]]
    path = write_book({"表": rows})
    book = xw.Book(json=payload_from_xlsx(path))
    try:
        grid = read_grid(book.sheets[0])
    finally:
        book.close()
    assert grid.value(6, 6) == 0.5 and grid.value(3, 3) == "2026年项目支出绩效目标表"


def test_union_addresses_stay_within_com_limits():
    refs = [f"A{row}:H{row}" for row in range(1, 400, 2)]
    chunks = union_addresses(refs)
    assert all(len(chunk) <= 255 for chunk in chunks)
    assert ",".join(chunks).split(",") == refs


def comments(ws):
    return {cell.coordinate: cell.comment.text for row in ws.iter_rows() for cell in row if cell.comment}


def assert_same_cells(original, restored):
    a, b = openpyxl.load_workbook(original), openpyxl.load_workbook(restored)
    assert a.sheetnames == b.sheetnames
    assert [n for n in b.defined_names if is_registry_name(n)] == []
    for name in a.sheetnames:
        wa, wb_ = a[name], b[name]
        assert our_rules(wb_) == []
        assert sorted(map(str, wa.merged_cells.ranges)) == sorted(map(str, wb_.merged_cells.ranges))
        for row in wa.iter_rows():
            for cell in row:
                other = wb_[cell.coordinate]
                assert other.value == cell.value, cell.coordinate
                assert other.fill.fgColor.rgb == cell.fill.fgColor.rgb, cell.coordinate
                assert (other.comment and other.comment.text) == (cell.comment and cell.comment.text), (
                    cell.coordinate
                )


def test_harness_copy_does_not_touch_the_sample(tmp_path):
    copy = tmp_path / "copy.xlsx"
    shutil.copy(THREE_SHEETS, copy)
    before = THREE_SHEETS.read_bytes()
    run(copy, check_all_sheets, tmp_path / "out.xlsx")
    assert THREE_SHEETS.read_bytes() == before


def test_a_users_own_sheet_named_like_ours_is_kept(tmp_path):
    own = tmp_path / "own.xlsx"
    wb = openpyxl.load_workbook(THREE_SHEETS)
    wb.create_sheet(RESULTS_SHEET)["A1"] = "我自己的校验记录"
    wb.save(own)
    checked_path, cleared_path = tmp_path / "checked.xlsx", tmp_path / "cleared.xlsx"
    run(own, check_all_sheets, checked_path)
    names = openpyxl.load_workbook(checked_path).sheetnames
    assert RESULTS_SHEET in names and f"{RESULTS_SHEET}(2)" in names
    run(checked_path, clear_marks, cleared_path)
    cleared = openpyxl.load_workbook(cleared_path)
    assert cleared.sheetnames == openpyxl.load_workbook(own).sheetnames
    assert cleared[RESULTS_SHEET]["A1"].value == "我自己的校验记录"
