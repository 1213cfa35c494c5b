"""Regressions of the reader on the project layout of the seed, each case written twice.

The baseline is the seed's 项目支出绩效目标表 (title; 金额单位：万元; 项目名称; 年度本级预算金额 | 项目类别;
项目支出实施期; 本年度绩效目标; the indicator header `本年度绩效指标 | 一级指标 | … | 备注` and rows for 产出 / 效益 /
满意度 / 成本) filled with rule-clean values. Each test writes it as a clerk's workbook has it (title merged across the
table, 一级/二级 merged down their rows, the 本年度绩效指标 column merged down the block, header values merged
across) and with no merge at all (labels only in their first row): the reader must give the same result for both.

Everything is asserted through the public surface only: the JSON report (tables, indicators, `unread_rows`),
the findings (rule, severity, cell or row) and `totals.identities`.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import openpyxl
import pytest
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from rule_harness import PROJECT_HEADER, department_rows
from sheet_cases import Row, Sheet, found, only_table, targets

from perfgoals_xl.core import totals
from perfgoals_xl.core.render import to_json
from perfgoals_xl.core.report import Report
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.pipeline import check_file

# ── building sheets ─────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture(params=[True, False], ids=["merged", "unmerged"])
def merged(request) -> bool:
    """True: the clerk's merges are written; False: the same values with no merge at all."""
    return request.param


TITLE = "2026年项目支出绩效目标表"
GOAL = (
    "2026年12月底前举办金融知识培训4期、发放宣传资料500份，培训考核合格率95%以上，培训对象满意度达到90%以上"
)

# Indicator rows as written in columns A..H (A = the 本年度绩效指标 column, empty under its header).
BASE: list[Row] = [
    [None, "产出指标", "数量指标", "举办培训期数", 4, "期", "≥"],
    [None, None, None, "发放宣传资料", 500, "份", "≥"],
    [None, None, "质量指标", "培训考核合格率", 95, "%", "≥"],
    [None, None, "时效指标", "培训按期完成率", 100, "%", "="],
    [None, "效益指标", "社会效益指标", "群众金融风险知晓率", 90, "%", "≥"],
    [None, "满意度指标", "服务对象满意度指标", "培训对象满意度", 90, "%", "≥"],
    [None, "成本指标", "经济成本指标", "培训及宣传经费", 10, "万元", "≤"],
]
# (level1, level2, name, operator, value, unit) of BASE as the JSON report gives them.
BASE_READ = [
    ("产出指标", "数量指标", "举办培训期数", "≥", 4, "期"),
    ("产出指标", "数量指标", "发放宣传资料", "≥", 500, "份"),
    ("产出指标", "质量指标", "培训考核合格率", "≥", 95, "%"),
    ("产出指标", "时效指标", "培训按期完成率", "=", 100, "%"),
    ("效益指标", "社会效益指标", "群众金融风险知晓率", "≥", 90, "%"),
    ("满意度指标", "服务对象满意度指标", "培训对象满意度", "≥", 90, "%"),
    ("成本指标", "经济成本指标", "培训及宣传经费", "≤", 10, "万元"),
]


@dataclass
class Placed:
    """Where project_table put things (sheet rows)."""

    rows: list[int]  # one per indicator row given, blank rows included
    after: list[int]  # rows written after the block


def project_table(
    sheet: Sheet,
    indicators: list[Row],
    *,
    top: int = 1,
    left: int = 1,
    title: str | None = TITLE,
    unit_line: str | None = "金额单位：万元",
    name: str = "农村金融知识宣传培训",
    budget: Any = 10,
    goal: str = GOAL,
    after: Sequence[Row] = (),
) -> Placed:
    """The seed's project layout at (top, left), 8 columns wide; `indicators` and `after` rows are written
    from the table's first column (the 本年度绩效指标 column). Merges are recorded as a clerk has them;
    rows given in `after` get none (the caller adds what it needs)."""
    right = left + 7
    row = top
    if title is not None:
        sheet.put(row, left, [title])
        sheet.across(row, left, right)
        row += 1
    if unit_line is not None:
        sheet.put(row, left, [unit_line])
        sheet.across(row, left, right)
        row += 1
    sheet.put(row, left, ["项目名称", name])
    sheet.across(row, left + 1, right)
    row += 1
    sheet.put(row, left, ["年度本级预算金额", budget, "项目类别", "一般性项目"])
    sheet.across(row, left + 3, right)
    row += 1
    sheet.put(row, left, ["项目支出实施期", "2026年"])
    sheet.across(row, left + 1, right)
    row += 1
    sheet.put(row, left, ["本年度绩效目标", goal])
    sheet.across(row, left + 1, right)
    row += 1
    header_row = row
    sheet.put(row, left, PROJECT_HEADER)
    rows = []
    for line in indicators:
        row += 1
        sheet.put(row, left, line)
        rows.append(row)
    last = row
    span = (left, right)
    sheet.down(left, header_row, last, span)
    sheet.down(left + 1, header_row + 1, last, span, parents=(left,))
    sheet.down(left + 2, header_row + 1, last, span, parents=(left, left + 1))
    after_rows = []
    for line in after:
        row += 1
        sheet.put(row, left, line)
        after_rows.append(row)
    return Placed(rows, after_rows)


# ── reading the results ─────────────────────────────────────────────────────────────────────────────────


def report(path, settings: Settings | None = None) -> dict:
    """The JSON report of one file (its files[0] entry)."""
    return to_json(Report([check_file(path, settings)]))["files"][0]


def column_of(cell: str) -> int:
    return column_index_from_string(coordinate_from_string(cell)[0])


def range_left(table: dict) -> str:
    return coordinate_from_string(table["range"].split(":")[0])[0]


# ── the baseline ────────────────────────────────────────────────────────────────────────────────────────


def test_baseline_is_read_whole_and_rule_clean(write_book, merged):
    """The seed's project layout with clean values: every row read, no error or warning."""
    sheet = Sheet()
    placed = project_table(sheet, BASE)
    rep = report(sheet.write(write_book, merged))
    table = only_table(rep)
    assert (table["kind"], table["title"], table["name"], table["budget"], table["amount_unit"]) == (
        "project",
        TITLE,
        "农村金融知识宣传培训",
        10,
        "万元",
    )
    assert targets(table) == BASE_READ
    assert [i["row"] for i in table["indicators"]] == placed.rows
    assert [(f["rule"], f["cell"], f["message"]) for f in rep["findings"] if f["severity"] != "info"] == []


def test_baseline_has_no_unread_rows(write_book, merged):
    """A fully understood table: `unread_rows` is empty and there is no S10 finding."""
    sheet = Sheet()
    project_table(sheet, BASE)
    rep = report(sheet.write(write_book, merged))
    assert only_table(rep)["unread_rows"] == []
    assert found(rep, "S10") == []


# ── 1. blank rows never end an indicator block by themselves ────────────────────────────────────────────


@pytest.mark.parametrize("at", [4, 0], ids=["between-groups", "under-header-row"])
def test_blank_row_inside_project_block(write_book, merged, at):
    """A blank row between 产出 and 效益 (or right under the header row); column A is not merged across it."""
    sheet = Sheet()
    project_table(sheet, [*BASE[:at], [], *BASE[at:]])
    rep = report(sheet.write(write_book, merged))
    table = only_table(rep)
    assert targets(table) == BASE_READ
    assert found(rep, "H04") == []
    assert found(rep, severity="error") == []


DEPT_ROWS: list[Row] = [  # project order [一级, 二级, 三级, 指标值, 度量单位, 指标值类型, 指标值说明]
    ["成本指标", "经济成本指标", "政务服务运行经费", 20, "万元", "≤", "年度运行经费"],
    ["产出指标", "数量指标", "办理政务服务事项", 5000, "件", "≥", "全年办件量"],
    [None, "质量指标", "办件按时办结率", 98, "%", "≥", "按时办结件数/办件总数"],
    [None, "时效指标", "事项办理完成时间", "2026年12月", None, "定性", "年底前完成"],
    ["效益指标", "社会效益指标", "群众办事便利度提升率", 10, "%", "≥", "较上年提升幅度"],
    ["满意度指标", "服务对象满意度指标", "办事群众满意度", 90, "%", "≥", "抽样调查"],
]
DEPT_READ = [
    ("成本指标", "经济成本指标", "政务服务运行经费", "≤", 20, "万元"),
    ("产出指标", "数量指标", "办理政务服务事项", "≥", 5000, "件"),
    ("产出指标", "质量指标", "办件按时办结率", "≥", 98, "%"),
    ("产出指标", "时效指标", "事项办理完成时间", "定性", "2026年12月", None),
    ("效益指标", "社会效益指标", "群众办事便利度提升率", "≥", 10, "%"),
    ("满意度指标", "服务对象满意度指标", "办事群众满意度", "≥", 90, "%"),
]


def department_sheet(rows: list[Row]) -> Sheet:
    """The seed department layout of tests/rule_harness.py (indicator header on row 10) with its merges."""
    sheet = Sheet()
    lines = department_rows({"rows": rows})
    for number, line in enumerate(lines, 1):
        sheet.put(number, 1, line)
    sheet.merges += ["A1:H1", "A2:H2", "A3:B3", "C3:H3", "A4:B4", "C4:H4", "A5:A6", "C5:H5", "C6:H6"]
    sheet.merges += ["A7:A9", "C7:F7", "G7:H7", "B8:B9"]  # 预算情况
    last = len(lines)
    sheet.down(1, 11, last, (1, 8))
    sheet.down(2, 11, last, (1, 8), parents=(1,))
    return sheet


def test_department_without_blank_row_is_read_whole(write_book, merged):
    """Control for the next test: the department layout of rule_harness with these rows reads as DEPT_READ."""
    rep = report(department_sheet(DEPT_ROWS).write(write_book, merged))
    table = only_table(rep)
    assert table["kind"] == "department"
    assert targets(table) == DEPT_READ
    assert found(rep, "H04") == []


def test_blank_row_between_department_groups(write_book, merged):
    """Seed 部门整体 layout with a blank row between the 成本 and 产出 groups: every indicator still read."""
    rep = report(department_sheet([DEPT_ROWS[0], [], *DEPT_ROWS[1:]]).write(write_book, merged))
    table = only_table(rep)
    assert targets(table) == DEPT_READ
    assert found(rep, "H04") == []


# ── 2. two tables side by side ──────────────────────────────────────────────────────────────────────────


@pytest.mark.slow
def test_two_tables_side_by_side(write_book, merged):
    """A:H and J:Q, column I empty; the right table spends 12 万元 of a 10 万元 budget and has a 二级 label
    shifted into its label column (as seed line 49)."""
    sheet = Sheet()
    project_table(sheet, BASE)
    over = [
        *BASE[:-1],
        [None, "成本指标", "经济成本指标", "培训及宣传经费", 12, "万元", "≤"],
        ["社会成本指标"],
    ]
    right = project_table(sheet, over, left=10, name="金融风险排查")
    path = sheet.write(write_book, merged)
    rep = report(path)
    assert rep["error"] is None
    tables = rep["tables"]
    assert [(range_left(t), t["name"]) for t in tables] == [
        ("A", "农村金融知识宣传培训"),
        ("J", "金融风险排查"),
    ]
    assert targets(tables[0]) == BASE_READ
    assert targets(tables[1]) == [
        *BASE_READ[:-1],
        ("成本指标", "经济成本指标", "培训及宣传经费", "≤", 12, "万元"),
    ]

    c01 = found(rep, "C01", "error")
    assert c01 and all(column_of(f["cell"]) >= 10 for f in c01)
    h09 = found(rep, "H09")
    assert [(f["row"], column_of(f["cell"]) >= 10) for f in h09] == [(right.rows[-1], True)]

    identities = [i for i in totals.identities(check_file(path).tables) if i.rule == "C01"]
    by_side = {column_of(i.left.cell.address) >= 10: i for i in identities}
    assert set(by_side) == {False, True}
    assert by_side[False].holds(0.005) is True
    assert by_side[True].holds(0.005) is False

    cli = subprocess.run(
        [sys.executable, "-m", "perfgoals_xl", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 1, cli.stdout + cli.stderr


# ── 3. 合计 rows ────────────────────────────────────────────────────────────────────────────────────────

COSTS = [
    [None, "成本指标", "经济成本指标", "培训经费", 6, "万元", "≤"],
    [None, None, None, "宣传经费", 4, "万元", "≤"],
]
COSTS_READ = [
    ("成本指标", "经济成本指标", "培训经费", "≤", 6, "万元"),
    ("成本指标", "经济成本指标", "宣传经费", "≤", 4, "万元"),
]


def test_total_row_under_economic_cost(write_book, merged):
    """经济成本 6 + 4 万元 and a 合计 10 row, budget 10: the 合计 is a total, not a third cost."""
    sheet = Sheet()
    placed = project_table(sheet, [*BASE[:-1], *COSTS, [None, None, None, "合计", 10, "万元"]])
    path = sheet.write(write_book, merged)
    rep = report(path)
    table = only_table(rep)
    total_row = placed.rows[-1]
    assert targets(table) == [*BASE_READ[:-1], *COSTS_READ]
    assert total_row not in [i["row"] for i in table["indicators"]]
    assert total_row not in table["unread_rows"]
    assert found(rep, "C01") == [] and found(rep, "C07") == []
    assert [f for f in found(rep, row=total_row) if f["severity"] != "info"] == []
    c07 = [i for i in totals.identities(check_file(path).tables) if i.rule == "C07"]
    assert [(i.left.value, i.right_sum, i.holds(0.005)) for i in c07] == [(10, 10, True)]


def test_wrong_total_row_under_economic_cost(write_book, merged):
    """The same with 合计 11: a C07 error at that row, and still no C01 (Σ 经济成本 is 6 + 4)."""
    sheet = Sheet()
    placed = project_table(sheet, [*BASE[:-1], *COSTS, [None, None, None, "合计", 11, "万元"]])
    rep = report(sheet.write(write_book, merged))
    assert [(f["row"], f["severity"]) for f in found(rep, "C07")] == [(placed.rows[-1], "error")]
    assert found(rep, "C01") == []


def test_total_row_after_the_block(write_book, merged):
    """A 合计 row right after the indicator block, 合计 in the 一级 column (merged B:D in a clerk's book)."""
    sheet = Sheet()
    placed = project_table(sheet, BASE, after=[[None, "合计", None, None, 10, "万元"]])
    (total_row,) = placed.after
    sheet.across(total_row, 2, 4)
    rep = report(sheet.write(write_book, merged))
    table = only_table(rep)
    assert targets(table) == BASE_READ
    assert total_row not in [i["row"] for i in table["indicators"]]
    assert total_row not in table["unread_rows"]
    assert found(rep, "H01", row=total_row) == [] and found(rep, "V01", row=total_row) == []
    assert found(rep, "C01") == []


# ── 4. percent-formatted value cells ────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("unit", ["%", None], ids=["unit-column-%", "unit-column-empty"])
def test_percent_formatted_value(write_book, merged, unit):
    """The satisfaction value typed as 95% in Excel: stored 0.95 with number format 0%."""
    sheet = Sheet()
    rows = [list(r) for r in BASE]
    rows[5][5] = unit
    placed = project_table(sheet, rows)
    path = sheet.write(write_book, merged)
    row = placed.rows[5]
    book = openpyxl.load_workbook(path)
    cell = book["表"][f"E{row}"]
    cell.value, cell.number_format = 0.95, "0%"
    book.save(path)
    rep = report(path)
    (satisfaction,) = [i for i in only_table(rep)["indicators"] if i["row"] == row]
    assert (satisfaction["value"], satisfaction["unit"], satisfaction["operator"]) == (95, "%", "≥")
    assert [f["rule"] for f in found(rep, row=row) if f["rule"] in ("V02", "V04", "V06")] == []


# ── 5. a table without a title, 金额单位 above its 项目名称 ──────────────────────────────────────────────


def test_untitled_table_with_yuan_line_above(write_book, merged):
    """No title; 金额单位：元 right above 项目名称; budget 100000 元, 经济成本 ≤ 80000 元."""
    sheet = Sheet()
    rows = [*BASE[:-1], [None, "成本指标", "经济成本指标", "培训及宣传经费", 80000, "元", "≤"]]
    project_table(sheet, rows, title=None, unit_line="金额单位：元", budget=100000)
    rep = report(sheet.write(write_book, merged))
    table = only_table(rep)
    assert (table["title"], table["amount_unit"], table["budget"]) == (None, "元", 100000)
    assert found(rep, "C08") == [] and found(rep, "C01") == []


# ── 6. an operator in the value against the type column ─────────────────────────────────────────────────


@pytest.mark.parametrize(("declared", "v13"), [("≤", True), ("≥", False)], ids=["contradicts", "agrees"])
def test_embedded_operator_against_type_column(write_book, merged, declared, v13):
    """`≥95%` in 指标值 beside `≤` (or `≥`) in 指标值类型 (docs/reference/rules.md §3.5 V13)."""
    sheet = Sheet()
    rows = [list(r) for r in BASE]
    rows[2][4:7] = ["≥95%", "%", declared]
    placed = project_table(sheet, rows)
    rep = report(sheet.write(write_book, merged))
    row = placed.rows[2]
    expected = [(f"E{row}", "error")] if v13 else []
    assert [(f["cell"], f["severity"]) for f in found(rep, "V13")] == expected
    if not v13:
        assert found(rep, severity="error") == []


# ── 7. hidden sheets ────────────────────────────────────────────────────────────────────────────────────


def test_hidden_sheet_skipped_by_default_and_checked_on_request(write_book, merged):
    """A hidden sheet 旧表 holds a table with errors: skipped with one S10 info naming it, unless
    include_hidden."""
    visible, hidden = Sheet(), Sheet()
    project_table(visible, BASE)
    bad = [list(r) for r in BASE]
    bad[5][6] = "≤"  # satisfaction ≤ 90 %: V06 error
    bad[6][6] = "≥"  # cost ≥: V07 error
    project_table(hidden, bad, name="旧项目")
    path = visible.write(write_book, merged, more={"旧表": (hidden.rows(), hidden.merges if merged else [])})
    book = openpyxl.load_workbook(path)
    book["旧表"].sheet_state = "hidden"
    book.save(path)

    rep = report(path)
    assert [t["sheet"] for t in rep["tables"]] == ["表"]
    assert [f for f in rep["findings"] if f["sheet"] == "旧表" and f["rule"] != "S10"] == []
    s10 = found(rep, "S10")
    assert [f["severity"] for f in s10] == ["info"] and "旧表" in s10[0]["message"]

    rep = report(path, Settings(include_hidden=True))
    assert [t["sheet"] for t in rep["tables"]] == ["表", "旧表"]
    assert [f for f in rep["findings"] if f["sheet"] == "旧表" and f["severity"] == "error"] != []


# ── 8. 2015-style form: 中期 ‖ 年度 money groups ─────────────────────────────────────────────────────────


def form_2015(sheet: Sheet, mid: tuple, year: tuple) -> None:
    """项目支出绩效目标申报表 (财预〔2015〕88号, as DV18 金寨 2024): labels in B and D, amounts in C and E."""
    lines: list[Row] = [
        ["项目支出绩效目标申报表"],
        ["（2024年度）"],
        ["项目名称", "法治宣传经费"],
        ["主管部门及代码", "[017]金寨县司法局", "实施单位", "金寨县司法局"],
        ["项目属性", "一次性项目", "项目期", "1年"],
        ["项目资金（万元）", "中期资金总额：", mid[0], "年度资金总额：", year[0]],
        [None, "其中：财政拨款", mid[1], "其中：财政拨款", year[1]],
        [None, "其他资金", mid[2], "其他资金", year[2]],
        ["总体目标", "中期目标（2024年—2024年）", None, "年度目标"],
        [None, "开展法治宣传活动20次以上，群众法治意识逐年提高", None, "全年开展法治宣传活动20次，知晓率达到90%"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
        [None, "产出指标", "数量指标", "开展法治宣传活动", "≥20次"],
        [None, None, "质量指标", "宣传资料印制合格率", "≥95%"],
        [None, None, "时效指标", "年度任务按时完成率", "=100%"],
        [None, "效益指标", "社会效益指标", "群众法治意识知晓率", "≥90%"],
        [None, "满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"],
    ]  # fmt: skip
    for number, line in enumerate(lines, 1):
        sheet.put(number, 1, line)
    sheet.merges += ["A1:E1", "A2:E2", "B3:E3", "A6:A8", "A9:A10", "B9:C9", "D9:E9", "B10:C10", "D10:E10"]
    sheet.down(1, 11, 16, (1, 5))
    sheet.down(2, 12, 16, (1, 5), parents=(1,))


@pytest.mark.parametrize(
    ("mid", "year", "expected"),
    [
        ((50, 50, 0), (50, 50, 0), []),
        ((50, 50, 0), (50, 40, 0), [("E6", "error")]),
        ((50, 40, 0), (50, 50, 0), [("C6", "error")]),
    ],
    ids=["consistent", "annual-broken", "mid-term-broken"],
)
def test_c03_per_column_group(write_book, merged, mid, year, expected):
    """Each total is checked against the 财政拨款/其他资金 lines of its own column group (docs/reference/rules.md §3.5 C03)."""
    sheet = Sheet()
    form_2015(sheet, mid, year)
    rep = report(sheet.write(write_book, merged))
    assert rep["error"] is None
    assert [(f["cell"], f["severity"]) for f in found(rep, "C03")] == expected


# ── 9. rows that are neither indicator nor total nor note ───────────────────────────────────────────────

STRAY = "以下效益指标按区级配套资金安排的培训任务测算，由各镇街分别组织实施并统计"


def test_stray_sentence_in_block_is_unread(write_book, merged):
    """A sentence across B:H in the middle of the block: S10 warning at its row, listed in unread_rows; the
    indicators around it are read as usual."""
    sheet = Sheet()
    placed = project_table(sheet, [*BASE[:4], [None, STRAY], *BASE[4:]])
    stray_row = placed.rows[4]
    sheet.across(stray_row, 2, 8)
    rep = report(sheet.write(write_book, merged))
    table = only_table(rep)
    assert targets(table) == BASE_READ
    assert table["unread_rows"] == [stray_row]
    s10 = found(rep, "S10")
    assert [(f["row"], f["severity"]) for f in s10] == [(stray_row, "warning")]
    assert f"第 {stray_row} 行" in s10[0]["message"] or f"第{stray_row}行" in s10[0]["message"]
    assert found(rep, "H01", row=stray_row) == []


def test_footer_after_block_is_not_unread(write_book, merged):
    """「填表人：张三  联系电话：…」 right under the block is a footer: not unread, no finding at its row."""
    sheet = Sheet()
    placed = project_table(sheet, BASE, after=[["填表人：张三　　联系电话：0731-22881234"]])
    (footer,) = placed.after
    sheet.across(footer, 1, 8)
    rep = report(sheet.write(write_book, merged))
    table = only_table(rep)
    assert targets(table) == BASE_READ
    assert table["unread_rows"] == []
    assert found(rep, row=footer) == []


def test_a_项目_column_without_a_value_column_is_no_tree():
    """A header with 项目 where 指标值 belongs (found by the damaged-table property test) was read as the
    批复表 tree, which has no place without a value column: KeyError. It is read as the form it is."""
    from perfgoals_xl.core.check import check_grids
    from perfgoals_xl.core.grid import Grid
    from perfgoals_xl.core.settings import Settings

    rows = [
        ["2026年项目支出绩效目标表"],
        ["金额单位：万元"],
        ["项目名称", "金融处非专项"],
        ["年度本级预算", 10],
        ["本年度绩效指标", "一级指标", "二级指标", "三级指标", "项目", "度量单位", "指标值类型", "备注"],
        [None, "产出指标", "数量指标", "排查整治", 4, "次", "≥", None],
    ]
    tables, findings = check_grids([Grid(sheet="表", rows=rows)], Settings())
    assert [t.form for t in tables] == [None]
    assert any(f.rule == "V02" and f.message == "定量指标缺少指标值" for f in findings)  # no 指标值 column
