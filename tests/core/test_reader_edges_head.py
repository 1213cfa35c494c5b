"""Edges of the head reader (header pairs, column bands) that mutation testing found unguarded
(tools/mutation.py): each test writes the head as a real .xlsx and asserts the items read and the findings a
reviewer would see change. The mutant each test was written against is named in its docstring."""

from __future__ import annotations

import pytest
from reader_sheets import Row, check, dv04, findings, project_head

# ── header items (core/reader/pairs.py) ──────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("field", ["项目主管科室", "资金支付方式", "是否跨年度"])
def test_a_field_name_after_a_value_is_the_next_label(write_book, field):
    """`项目名称 | 农村公路养护 | … | 项目主管科室 | (blank)`: a short text naming a field (…科室, …方式, 是否…)
    after a value is a label of its own, even unknown and in no label column — so its blank value is
    reported (pairs._names_a_field …mutmut_7), not swallowed as more of the project's name."""
    rows = project_head()
    rows[2] = ["项目名称", "农村公路养护", None, None, field, None]
    report, tables = check(write_book, rows, ["B3:D3"])
    assert tables[0].header["项目名称"].value.text == "农村公路养护"
    assert field in tables[0].header
    assert findings(report, "S01") == [("F3", "warning", f"“{field}”未填写")]


def test_a_blank_label_does_not_take_the_label_below_as_its_value(write_book):
    """项目概况 left blank, and under it the first column's long label 单位已有的保障项目实施的制度措施 with its
    value: that row is a label (by its column), not 项目概况's text (pairs.HeaderPairs._below …mutmut_17)."""
    long_label = "单位已有的保障项目实施的制度措施"
    rows = project_head(["项目概况"], [long_label, "已建立农村公路养护管理制度"])
    report, tables = check(write_book, rows)
    header = tables[0].header
    assert header["项目概况"].value is None
    assert header[long_label].value.text == "已建立农村公路养护管理制度"
    assert findings(report, "S01") == [("B7", "warning", "“项目概况”未填写")]


def test_a_head_numbered_in_a_first_column(write_book):
    """Head rows numbered 1, 2, 3 … in a 序号 column: the number is a value with no label, and the label right
    after it is read (pairs.HeaderPairs._row …mutmut_27 skipped it, and the whole head was lost)."""
    rows = project_head()
    for number, row in enumerate(rows[2:6], start=1):
        row.insert(0, number)
    report, tables = check(write_book, rows)
    assert tables[0].name == "农村公路养护" and tables[0].budget == 10
    assert findings(report, "S01") == [] and report["tables"][0]["unread_rows"] == []


def test_labels_merged_over_two_columns(write_book):
    """Labels merged over A:B with their values in C, where another row has its label 项目类别: the value right
    after a merged label is its value, not a label across a gap (pairs.HeaderPairs._row …mutmut_47 measured the
    gap from the label's first column)."""
    rows = project_head()
    for row in (rows[2], rows[4], rows[5]):
        row.insert(1, None)
    report, tables = check(write_book, rows, ["A3:B3", "A5:B5", "A6:B6"])
    assert tables[0].name == "农村公路养护"
    assert tables[0].header["本年度绩效目标"].value.text.startswith("2026年完成农村公路养护")
    assert findings(report, "S01") == []


@pytest.mark.parametrize("colon", [":", "："])
def test_an_unknown_label_ending_with_a_colon(write_book, colon):
    """DV04's head (`项目名称： | 绿化养护经费`) with `资金用途：` further right, in no label column: the colon,
    half- or full-width, makes it a label (pairs.HeaderPairs._is_label …mutmut_17), and its blank value is said."""
    report, tables = check(
        write_book, dv04([], first=[f"项目名称{colon}", "绿化养护经费", None, None, f"资金用途{colon}"])
    )
    assert tables[0].header["项目名称"].value.text == "绿化养护经费"
    assert "资金用途" in tables[0].header
    assert findings(report, "S01")[-1] == ("F1", "warning", f"“资金用途{colon}”未填写")


def test_a_label_with_a_colon_is_no_value_of_the_label_before_it(write_book):
    """`项目编号: | 归口科室: | 园林处`: 归口科室: stands where 项目编号's value would, but a label ending with a colon
    is a label even there (pairs.HeaderPairs._strong_label …mutmut_7): 归口科室 is 园林处, 项目编号 not 归口科室:."""
    _, tables = check(
        write_book, dv04([], first=["项目名称:", "绿化养护经费", "项目编号:", "归口科室:", "园林处"])
    )
    header = tables[0].header
    assert header["归口科室"].value.text == "园林处"
    assert "项目编号" not in header or header["项目编号"].value is None


# ── sheets split into column bands (core/reader/regions.py) ─────────────────────────────────────────────


def untitled_project(name: str, budget: int) -> list[Row]:
    """A project table without a title, opened by a two-cell line 填报单位 | 金额单位 (8 columns)."""
    return [
        ["填报单位（盖章）：某县交通运输局", "金额单位：万元"],
        ["项目名称", name],
        ["年度本级预算金额", budget, "项目类别", "一般性项目"],
        ["项目支出实施期", "2026年"],
        ["本年度绩效目标", f"2026年完成{name}，群众满意度90%以上"],
        ["本年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "度量单位", "指标值类型", "备注"],
        [None, "产出指标", "数量指标", "完成里程", 120, "公里", "≥"],
        [None, "效益指标", "社会效益指标", "道路通畅率", 95, "%", "≥"],
        [None, "满意度指标", "服务对象满意度指标", "群众满意度", 90, "%", "≥"],
        [None, "成本指标", "经济成本指标", "工作经费", budget, "万元", "≤"],
    ]


def test_untitled_tables_side_by_side(write_book):
    """Two untitled tables in A:H and J:Q: each band is looked at row by row for an anchor — the two-cell
    填报单位 line is none (it is no indicator header, regions._has_anchor …mutmut_17), 项目名称 is — and each
    table is read in its own columns."""
    left, right = untitled_project("农村公路养护", 10), untitled_project("桥梁检测", 20)
    rows = [[*a, *[None] * (8 - len(a)), None, *b] for a, b in zip(left, right, strict=True)]
    report, _ = check(write_book, rows)
    assert [(t["name"], t["range"], t["budget"], t["amount_unit"]) for t in report["tables"]] == [
        ("农村公路养护", "A1:H10", 10, "万元"),
        ("桥梁检测", "J1:Q10", 20, "万元"),
    ]
    assert [len(t["indicators"]) for t in report["tables"]] == [4, 4]
    assert [f for f in report["findings"] if f["severity"] == "error"] == []


def test_tables_touching_are_split_at_their_titles(write_book):
    """Two tables side by side with no empty column between (A:H and I:P): the second title on the row cuts
    the band (regions._split_at_titles …mutmut_17 cut only where a merge crossed), so each is its own table."""
    left, right = project_head(), project_head()
    right[2] = ["项目名称", "桥梁检测"]
    rows = [[*a, *[None] * (8 - len(a)), *b] for a, b in zip(left, right, strict=True)]
    report, _ = check(write_book, rows)
    assert [(t["name"], t["range"]) for t in report["tables"]] == [
        ("农村公路养护", "A1:H8"),
        ("桥梁检测", "I1:P8"),
    ]
    assert findings(report, "S08") == []  # not one table whose second column group repeats the first


def test_stacked_tables_without_a_blank_row(write_book):
    """The second table's title right under the first table's last row: it opens the second table and is no
    unread row of the first (tables._account …mutmut_7 looked one row past the table)."""
    second = project_head()
    second[2] = ["项目名称", "桥梁检测"]
    report, _ = check(write_book, [*project_head(), *second])
    assert [(t["name"], t["range"], t["unread_rows"]) for t in report["tables"]] == [
        ("农村公路养护", "A1:H8", []),
        ("桥梁检测", "A9:H16", []),
    ]
    assert findings(report, "S10") == []


def test_a_long_note_above_the_title_is_not_the_tables(write_book):
    """A paragraph of instructions (over 60 characters) above the title is no line about the table
    (regions.is_preamble_text …mutmut_7): the table starts at its title."""
    note = "说明：本表由项目单位填写，报财政局绩效科审核后随部门预算一并公开，金额单位统一为万元，指标值应量化并写明计量单位，不得留空"
    report, _ = check(write_book, [[note], *project_head()])
    assert [(t["name"], t["range"]) for t in report["tables"]] == [("农村公路养护", "A2:H9")]


@pytest.mark.parametrize("line", ["填报单位（盖章）：某县交通运输局", "（2026年度）"])
def test_a_line_about_a_table_at_the_end_of_the_sheet(write_book, line):
    """A 填报单位 or year line under the last table, opening no table after it: a trailing line of the table
    above (regions.segments …mutmut_87 failed on it), which is read whole."""
    report, _ = check(write_book, [*project_head(), [line]])
    (table,) = report["tables"]
    assert (table["name"], table["range"]) == ("农村公路养护", "A1:H9")
    assert [i["row"] for i in table["indicators"]] == [8]


@pytest.mark.parametrize("merged_row", [1, 2], ids=["title", "unit-line"])
def test_a_merge_wider_than_the_cells_widens_the_range(write_book, merged_row):
    """The title (or the 金额单位 line) merged over A:J while the table's cells stop at H: the table's range
    reaches J, where the clerk's merge does (tables._account …mutmut_77 left out a merge on the first row)."""
    report, _ = check(write_book, project_head(), [f"A{merged_row}:J{merged_row}"])
    assert [t["range"] for t in report["tables"]] == ["A1:J8"]
