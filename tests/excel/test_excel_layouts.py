"""The Excel host on layouts beyond the seed (remote engine): 校验本表 on a sheet holding two tables side by
side marks both, and a row the reader could not place is marked and listed, not skipped."""

from __future__ import annotations

import openpyxl
from excel_harness import run_handler
from rule_harness import project_rows

from perfgoals_xl.core.marks import MARKER, NOTE_PREFIX, RESULTS_SHEET, area_cells
from perfgoals_xl.excel.handlers import check_active_sheet

LEFT = {"rows": [
    ["产出指标", "数量指标", "排查整治", 4, "次", "≥"],
    ["满意度指标", "服务对象满意度指标", "群众满意度", 95, "%", "≥"],
    ["成本指标", "经济成本指标", "工作经费", 10, "万元", "≤"],
]}  # fmt: skip
RIGHT = {"header": {"项目名称": "右侧项目", "年度本级预算金额": 8}, "rows": [
    ["产出指标", "数量指标", "培训人次", 120, "人次", "≥"],
    ["满意度指标", "服务对象满意度指标", "学员满意度", 92, "%", "≥"],
    ["成本指标", "经济成本指标", "培训经费", 12, "万元", "≤"],  # over the budget of 8: C01
]}  # fmt: skip
GAP = 1  # column I stays empty between A:H and J:Q


def side_by_side() -> list[list]:
    left, right = project_rows(LEFT), project_rows(RIGHT)
    width = 8 + GAP
    return [
        [*(a + [None] * (width - len(a))), *b]
        for a, b in zip(
            left + [[]] * (len(right) - len(left)), right + [[]] * (len(left) - len(right)), strict=True
        )
    ]


def _marked_columns(ws) -> list[tuple[int, int, int, int]]:
    return [
        area_cells(part)
        for cf in ws.conditional_formatting
        for rule in cf.rules
        if any(MARKER in f for f in rule.formula)
        for part in str(cf.sqref).split()
    ]


def test_check_sheet_marks_both_side_by_side_tables(write_book, tmp_path):
    path = write_book({"两表": side_by_side()})
    outcome, _, alerts = run_handler(path, check_active_sheet, tmp_path / "out.xlsx")
    assert {f.col >= 10 for f in outcome.plan.results if f.severity != "info"} == {False, True}  # both tables
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["两表"]
    blocks = _marked_columns(ws)
    assert any(left == 10 and right == 17 for _, left, _, right in blocks), blocks  # J:Q, the right table
    c01 = ws["N10"].comment  # the right table's 经济成本 value: 12 万元 > 8 万元
    assert c01 is not None and c01.text.startswith(NOTE_PREFIX) and "C01" in c01.text
    results = openpyxl.load_workbook(tmp_path / "out.xlsx")[RESULTS_SHEET]
    rules = [(row[2], row[3]) for row in results.iter_rows(min_row=3, values_only=True)]
    assert ("C01", "两表") in rules
    assert alerts and "错误" in alerts[0]["args"][0]


def test_an_unread_row_is_marked_and_listed(write_book, tmp_path):
    case = {"rows": [
        ["产出指标", "数量指标", "排查整治", 4, "次", "≥"],
        ["以下指标由区金融办和各镇街共同完成并按季度统计上报"],
        ["满意度指标", "服务对象满意度指标", "群众满意度", 95, "%", "≥"],
    ]}  # fmt: skip
    path = write_book({"表": project_rows(case)})
    _, _, _ = run_handler(path, check_active_sheet, tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    note = book["表"]["B9"].comment
    assert note is not None and "S10" in note.text and "第 9 行" in note.text
    rows = [(row[2], row[4]) for row in book[RESULTS_SHEET].iter_rows(min_row=3, values_only=True)]
    assert any(rule == "S10" and "B9" in str(cell) for rule, cell in rows)
