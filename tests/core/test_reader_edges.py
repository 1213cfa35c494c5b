"""Edges of the reader that mutation testing found unguarded (tools/mutation.py): each test writes the layout
as a real .xlsx and asserts what a reviewer would see change if that branch regressed — the indicators read,
the tables split, the findings and their cells. The mutant each test was written against is named in its
docstring (`mutmut show NAME` prints it). This file: indicator blocks; test_reader_edges_head.py: the head."""

from __future__ import annotations

import pytest
from reader_sheets import Row, check, dv04, findings, project_head, targets
from rule_harness import DEPARTMENT_HEADER

from perfgoals_xl.core import totals

# ── the 批复表 tree, nested by columns or by leading spaces (core/reader/tree.py) ─────────────────────────

# (depth, label, 指标值, 绩效金额): unit, project, 一级, 二级, 三级 — 效益 before 满意度, as a 批复表 may order them
TREE: list[tuple[int, str, str | None, int | None]] = [
    (0, "石嘴山市卫生健康委员会", None, None),
    (1, "基层医疗卫生机构能力提升", None, 500000),
    (2, "产出指标", None, None),
    (3, "成本指标", None, None),
    (4, "设备购置费用", "≤500000元", None),
    (3, "数量指标", None, None),
    (4, "配备基本医疗设备", "≥20台", None),
    (3, "质量指标", None, None),
    (4, "设备验收差错率", "≥5%", None),
    (2, "效益指标", None, None),
    (3, "社会效益指标", None, None),
    (4, "基层首诊率", "≥60%", None),
    (2, "满意度指标", None, None),
    (3, "服务对象满意度指标", None, None),
    (4, "基层群众满意度", "≥90%", None),
]
TREE_READ = [
    ("产出指标", "成本指标", "设备购置费用", "≤", 500000, "元"),
    ("产出指标", "数量指标", "配备基本医疗设备", "≥", 20, "台"),
    ("产出指标", "质量指标", "设备验收差错率", "≥", 5, "%"),
    ("效益指标", "社会效益指标", "基层首诊率", "≥", 60, "%"),
    ("满意度指标", "服务对象满意度指标", "基层群众满意度", "≥", 90, "%"),
]


def tree_rows(indented_by: str) -> list[Row]:
    """TREE as a 批复表: each level one column further right (`columns`), indented by two spaces per level
    in column A (`spaces`) or not indented at all (`nothing`); 指标值 and 绩效金额 after the labels."""
    width = 5 if indented_by == "columns" else 1
    rows: list[Row] = [
        ["石嘴山市卫生健康委员会2020年项目绩效目标批复表"],
        ["单位:元"],
        ["项目", *[None] * (width - 1), "指标值", "绩效金额"],
    ]
    for depth, label, value, amount in TREE:
        labels = [None] * width
        if indented_by == "columns":
            labels[depth] = label
        else:
            labels[0] = ("  " * depth if indented_by == "spaces" else "") + label
        rows.append([*labels, value, amount])
    return rows


@pytest.mark.parametrize("indented_by", ["columns", "spaces"])
def test_tree_levels_follow_the_nesting(write_book, indented_by):
    """The 批复表 tree (DV10 宁夏 石嘴山), nested one column per level or by leading spaces in one column. The
    nesting, not the vocabulary alone, tells the levels apart: 成本指标 under 产出指标 is the legacy 二级
    (tree._is_level2 …mutmut_17), and 满意度指标 after the 效益指标 group is the next 一级, not 效益's legacy
    二级 服务对象满意度指标 (a bug this test found: the reader filed 群众满意度 under 效益指标). The operators
    written in 指标值 are read (tree._indicator …mutmut_37) at the value's cell, where V09 points (…mutmut_47)."""
    rows = tree_rows(indented_by)
    report, tables = check(
        write_book, rows, ["A1:G1", "A2:G2"] if indented_by == "columns" else ["A1:C1", "A2:C2"]
    )
    assert (
        tables[0].unit_name.text == "石嘴山市卫生健康委员会"
    )  # the unit row above the project (tables._read_block)
    (table,) = report["tables"]
    assert (table["name"], table["budget"], table["amount_unit"]) == (
        "基层医疗卫生机构能力提升",
        500000,
        "元",
    )
    assert targets(table) == TREE_READ
    assert table["unread_rows"] == []
    value_col = "F" if indented_by == "columns" else "B"
    assert [cell for cell, _, _ in findings(report, "V09")] == [f"{value_col}12"]
    assert findings(report, "H03") == []  # one framework: 成本 is read as the 产出 二级 only


def test_an_unindented_tree_leaves_the_levels_to_the_vocabulary(write_book):
    """Every label flush left in one column: nothing tells 成本指标 under 产出指标 from the 101号 一级, so
    the vocabulary decides (the legacy 二级), and 满意度指标 after 效益指标 is again the legacy 二级."""
    report, _ = check(write_book, tree_rows("nothing"))
    (table,) = report["tables"]
    assert [(i["level1"], i["level2"]) for i in table["indicators"]] == [
        ("产出指标", "成本指标"),
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("效益指标", "社会效益指标"),
        ("效益指标", "服务对象满意度指标"),
    ]


def tree_of(lines: list[tuple[int, str | None, str | None, int | None] | None]) -> list[Row]:
    """A 批复表 tree one column per level from these (depth, label, 指标值, 绩效金额) lines; None: a blank row."""
    rows: list[Row] = [
        ["石嘴山市卫生健康委员会2020年项目绩效目标批复表"],
        ["单位:元"],
        ["项目", None, None, None, None, "指标值", "绩效金额"],
    ]
    for line in lines:
        labels: Row = [None] * 5
        if line is not None:
            labels[line[0]] = line[1]
        rows.append([*labels, *(line[2:] if line else ())])
    return rows


def test_a_tree_as_a_clerk_leaves_it(write_book):
    """A blank row inside the tree, a 二级 written in the 一级's column after the tree was seen indented (the
    vocabulary keeps it a 二级, tree.read_tree …mutmut_107), a 三级 whose value is blank (an indicator all the
    same, V02 says so, …mutmut_137 took it for the unit's name) and a value without a name (unread, S10; the
    tree goes on after it, …mutmut_47 stopped there)."""
    rows = tree_of([
        (0, "石嘴山市卫生健康委员会", None, None),
        (1, "基层医疗卫生机构能力提升", None, 500000),
        (2, "产出指标", None, None),
        (3, "数量指标", None, None),
        (4, "配备基本医疗设备", "≥20台", None),
        None,
        (2, "质量指标", None, None),
        (4, "设备验收合格率", None, None),
        (4, None, "≥95%", None),
        (2, "满意度指标", None, None),
        (3, "服务对象满意度指标", None, None),
        (4, "群众满意度", "≥90%", None),
    ])  # fmt: skip
    report, _ = check(write_book, rows)
    (table,) = report["tables"]
    assert targets(table) == [
        ("产出指标", "数量指标", "配备基本医疗设备", "≥", 20, "台"),
        ("产出指标", "质量指标", "设备验收合格率", None, None, None),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥", 90, "%"),
    ]
    assert table["unread_rows"] == [12]  # a value without a name: unread, and the rows after it are read
    assert findings(report, "V02") == [("E11", "warning", "三级指标“设备验收合格率”没有填写指标值")]


def test_a_tree_row_above_every_level1(write_book):
    """A 二级 and its 三级 right under the project, before any 一级: the row has no 一级, which H09 says at the
    name (the tree has a 一级 column, tree.read_tree …mutmut_97 forgot it)."""
    rows = tree_of([
        (0, "石嘴山市卫生健康委员会", None, None),
        (1, "基层医疗卫生机构能力提升", None, 500000),
        (3, "数量指标", None, None),
        (4, "配备基本医疗设备", "≥20台", None),
        (2, "满意度指标", None, None),
        (3, "服务对象满意度指标", None, None),
        (4, "群众满意度", "≥90%", None),
    ])  # fmt: skip
    report, _ = check(write_book, rows)
    assert [(i["level1"], i["level2"]) for i in report["tables"][0]["indicators"]] == [
        (None, "数量指标"),
        ("满意度指标", "服务对象满意度指标"),
    ]
    assert findings(report, "H09") == [("C7", "error", "第 7 行指标没有一级指标")]


# ── the 一体化 export split into one table per project (core/reader/tables.py _split_export) ─────────────

EXPORT_HEADER = ["单位名称", "项目名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
                 "度量单位", "权重", "指标方向性"]  # fmt: skip
STRAY = "以上指标由学生资助中心负责统计并按季度报送教育局财务股审核"


def test_export_rows_stay_with_their_project(write_book):
    """A sentence row inside the first project of an export: it is unread in that project's table only
    (…_split_export__mutmut_77), said once by S10 (the first table keeps the notes, …mutmut_87), and the
    second table starts at its own first row (…mutmut_67)."""
    rows: list[Row] = [
        ["2023年部门预算项目绩效目标申报表"],
        ["金额单位：元"],
        EXPORT_HEADER,
        ["某县教育局", "学生营养改善计划", 120000, "完成学生营养改善计划，受助学生500人", "产出指标", "数量指标",
         "受助学生人数", "≥", 500, "人", 30, "正向"],
        [None, None, None, None, None, "质量指标", "补助资金发放准确率", "=", 100, "%", 30, "正向"],
        [None, None, None, None, STRAY],
        [None, None, None, None, "效益指标", "社会效益指标", "学生营养状况改善率", "≥", 90, "%", 20, "正向"],
        [None, None, None, None, "满意度指标", "服务对象满意度指标", "学生家长满意度", "≥", 90, "%", 20, "正向"],
        ["某县教育局", "校舍维修改造", 80000, "完成校舍维修改造，维修校舍1200平方米", "产出指标", "数量指标",
         "维修校舍面积", "≥", 1200, "平方米", 30, "正向"],
        [None, None, None, None, None, "质量指标", "工程验收合格率", "=", 100, "%", 30, "正向"],
        [None, None, None, None, "效益指标", "社会效益指标", "校舍安全隐患消除率", "≥", 95, "%", 20, "正向"],
        [None, None, None, None, "满意度指标", "服务对象满意度指标", "师生满意度", "≥", 90, "%", 20, "正向"],
    ]  # fmt: skip
    report, _ = check(write_book, rows, ["A1:L1", "A2:L2", "E6:L6"])
    first, second = report["tables"]
    assert [(t["name"], t["range"]) for t in (first, second)] == [
        ("学生营养改善计划", "A1:L8"),
        ("校舍维修改造", "A9:L12"),
    ]
    assert (first["unread_rows"], second["unread_rows"]) == ([6], [])
    assert [(cell, severity) for cell, severity, _ in findings(report, "S10")] == [("E6", "warning")]


# ── columns whose header is unknown but which hold 一级/二级 names (core/reader/columns.py _share) ─────────


def test_two_level_names_make_a_level_column(write_book):
    """Two rows whose 指标名称 are both 二级 names (the least evidence the reader accepts, columns._share
    …mutmut_27): the column is read as 二级, and no 三级 name is taken to copy a level's name."""
    report, _ = check(write_book, dv04([
        ["产出指标", "数量指标", "375万平方米", "完成全市375万平方米的绿地养护"],
        ["效益指标", "社会效益指标", "100%", "绿化覆盖率"],
    ]))  # fmt: skip
    (table,) = report["tables"]
    assert targets(table) == [
        ("产出指标", "数量指标", None, None, 375, "万平方米"),
        ("效益指标", "社会效益指标", None, None, 100, "%"),
    ]
    assert [cell for cell, _, _ in findings(report, "H08")] == ["C5", "C6"]  # a value without a 三级 name


def test_one_level_name_is_no_level_column(write_book):
    """The other side of the bound: one 二级 name among the 指标名称 is a name that copies its level."""
    report, _ = check(write_book, dv04([
        ["产出指标", "数量指标", "375万平方米", "完成全市375万平方米的绿地养护"],
        ["效益指标", "绿化覆盖率", "100%", "绿化覆盖率"],
    ]))  # fmt: skip
    (table,) = report["tables"]
    assert [(i["level2"], i["name"]) for i in table["indicators"]] == [
        (None, "数量指标"),
        (None, "绿化覆盖率"),
    ]
    assert [cell for cell, _, _ in findings(report, "H08")] == ["B5"]


# ── 合计 rows in the indicator block (core/reader/indicators.py _total, _summed) ──────────────────────────


def department_with_cost_total(total: float) -> list[Row]:
    """The seed's department layout, its 成本指标 group first, with one cost row and its own 合计 row."""
    return [
        ["2026年部门整体支出绩效目标表"],
        ["金额单位：万元"],
        ["部门名称", None, "测试部门"],
        ["年度履职目标", None, "负责全区政务服务工作"],
        ["年度主要任务", "任务名称", "主要内容"],
        [None, "政务服务", "办理政务服务事项"],
        ["预算情况", "资金总额", "按收入性质分", None, None, None, "按支出性质分"],
        [None, 100, "一般公共预算", "政府性基金预算", "财政专户管理资金", "其他资金", "基本支出", "项目支出"],
        [None, None, 100, None, None, None, 60, 40],
        DEPARTMENT_HEADER,
        ["成本指标", "经济成本指标", "政务服务运行经费", "≤", 20, "万元"],
        [None, None, "合计", None, total, "万元"],
        ["产出指标", "数量指标", "办理政务服务事项", "≥", 5000, "件"],
        ["效益指标", "社会效益指标", "群众办事便利度提升率", "≥", 10, "%"],
        ["满意度指标", "服务对象满意度指标", "办事群众满意度", "≥", 90, "%"],
    ]


@pytest.mark.parametrize(("total", "holds"), [(20, True), (21, False)])
def test_a_total_under_the_first_and_only_cost_row(write_book, total, holds):
    """A 合计 right under the block's first row sums that one row (indicators._summed …mutmut_7 looked at the
    second row, which does not exist yet): C07 holds at 20 and is an error at 21, on the 合计's cell."""
    report, tables = check(write_book, department_with_cost_total(total))
    (table,) = report["tables"]
    assert 12 not in [i["row"] for i in table["indicators"]] and table["unread_rows"] == []
    c07 = [i for i in totals.identities(tables) if i.rule == "C07"]
    assert [(i.left.value, i.right_sum, i.holds(0.005)) for i in c07] == [(total, 20, holds)]
    assert [(cell, severity) for cell, severity, _ in findings(report, "C07")] == (
        [] if holds else [("E12", "error")]
    )


@pytest.mark.parametrize("level2", ["经济成本指标", "经济成本"])
@pytest.mark.parametrize("total_in", ["level2-column", "name-column"])
def test_a_total_in_an_export_that_fills_every_row(write_book, level2, total_in):
    """An export that writes the 一级 and 二级 on every row (the 二级 in full or as 经济成本), then a 合计 of
    the two cost rows, written in the 二级 column (indicators._label_columns …mutmut_7: then it is no indicator
    with an unknown 二级) or in the 三级 column. Its C07 identity is 6 + 4: the rows under the same 二级 name,
    as written or as read (a bug this test found: only the last row was summed, the 二级 being another cell on
    each row, and C07 said 10 ≠ 4; …_same_label__mutmut_7 compared a name as read with one as written)."""
    total = ["合计", None] if total_in == "level2-column" else [level2, "合计"]
    rows = project_head()
    rows[-1:] = [
        [None, "产出指标", "数量指标", "养护里程", 120, "公里", "≥"],
        [None, "成本指标", level2, "养护材料费", 6, "万元", "≤"],
        [None, "成本指标", level2, "人工费", 4, "万元", "≤"],
        [None, "成本指标", *total, 10, "万元"],
    ]
    report, tables = check(write_book, rows)
    (table,) = report["tables"]
    assert [i["row"] for i in table["indicators"]] == [8, 9, 10] and table["unread_rows"] == []
    c07 = [i for i in totals.identities(tables) if i.rule == "C07"]
    assert [(i.left.value, i.right_sum, i.holds(0.005)) for i in c07] == [(10, 10, True)]
    assert [f["rule"] for f in report["findings"] if f["row"] == 11 and f["severity"] != "info"] == []


def test_the_form_layout_a_host_reads_back(write_book):
    """A host without the filler's names reads a form's layout from the table (core/twins.py): the block
    that holds the indicator rows gives the columns (indicators.read_block …mutmut_87 lost its first row);
    rows outside every block give none."""
    from perfgoals_xl.core.twins import layout_from_table

    _, (table,) = check(write_book, project_head())
    layout = layout_from_table(table, (8, 8))
    assert (layout.kind, layout.first, layout.last) == ("project", 8, 8)
    assert dict(layout.columns) == {
        "level1": 2, "level2": 3, "name": 4, "value": 5, "unit": 6, "operator": 7, "remark": 8,
    }  # fmt: skip
    assert dict(layout.cells) == {"amount_unit": (2, 1), "table_name": (3, 2), "budget": (4, 2)}
    assert layout_from_table(table, (12, 14)) is None


# ── 中期 ‖ 年度 column groups (core/reader/columns.py _groups) ───────────────────────────────────────────


def side_by_side(level1: str, level2: str, name: str, values: list[str]) -> Row:
    """One indicator row of two column groups: `一级 | 二级 | 三级 | value | 二级 | 三级 | value`."""
    return [None, level1, level2, name, values[0], level2, name, values[1]]


@pytest.mark.parametrize(
    ("first", "second", "annual"),
    [
        ("实施周期指标值", "当年度指标值", 1),  # both named (DV13 东莞)
        ("当年度指标值", "实施周期指标值", 0),  # the year first
        ("实施周期指标值", "指标值", 1),  # one named: the other is the other period
        ("指标值", "指标值", 1),  # none named: 中期 first, as in 88号
    ],
)
def test_the_year_group_is_what_money_rules_sum(write_book, first, second, annual):
    """`一级 | 二级 | 三级 | <first> | 二级 | 三级 | <second>`, a 3-year cost of 30 万元 and a year's cost of 10
    万元 against a budget of 10: C01 sums the year's group only — its period comes from the value header
    (columns._groups …mutmut_17, _27, _37, _47 lost or swapped it, and C01 summed 40)."""
    costs = [30, 10] if annual == 1 else [10, 30]
    rows = [
        ["2026年项目支出绩效目标表"],
        ["金额单位：万元"],
        ["项目名称", "展馆物业管理"],
        ["年度本级预算金额", 10],
        ["本年度绩效目标", "2026年维护场馆2.6万平方米，全年开放300天以上，观众满意度90%以上"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", first, "二级指标", "三级指标", second],
        side_by_side("产出指标", "数量指标", "物管服务面积", ["≥26000平方米"] * 2),
        side_by_side("效益指标", "社会效益指标", "场馆年开放天数", ["≥300天"] * 2),
        side_by_side("满意度指标", "服务对象满意度指标", "观众满意度", ["≥90%"] * 2),
        side_by_side("成本指标", "经济成本指标", "物业管理费", [f"≤{c}万元" for c in costs]),
    ]
    report, tables = check(write_book, rows)
    assert findings(report, "C01") == []
    (c01,) = [i for i in totals.identities(tables) if i.rule == "C01"]
    assert [(term.cell.address, term.value) for term in c01.right] == [("EH"[annual] + "10", 10)]


# ── 绩效评价指标表 read as what they are (core/reader/tables.py _describe_form) ───────────────────────────


def evaluation_table(title: str | None, score_header: str) -> list[Row]:
    """DV23 河北 宁晋's 评价指标表 (目标值 and a score column), with this title (None: no title row)."""
    return [
        *([[title]] if title else []),
        ["评价指标", "评价内容", "指标名称", "指标说明", "目标值", score_header, "备注"],
        ["项目年度绩效目标", "产出数量指标", "享受资助人数", "达到预计值", 2100, 10],
        [None, None, "资金支出率", "达到目标值", "95%", 10],
        [None, "质量指标", "建档立卡学生全面覆盖", None, "100%", 10],
        [None, "满意度指标", "资助对象满意度", "达到目标值", "95%以上", 10],
    ]


@pytest.mark.parametrize(
    ("title", "score_header"),
    [
        ("2019年度宁晋县高中助学金项目评价指标表", "权重"),  # the title says it, without 绩效
        ("2019年度宁晋县高中助学金项目绩效评价指标表", "权重"),  # the title says it
        (None, "分值"),  # no title: the 分值 column says it
    ],
)
def test_an_evaluation_table_is_said_to_be_one(write_book, title, score_header):
    """An evaluation table is read with one info saying so, at its first cell, and no header or money rule:
    its title is a title even without 绩效 (labels.is_title …mutmut_7), the title alone tells what it is
    (tables._describe_form …mutmut_7), and without a title the info stands at the table's corner (…mutmut_37)."""
    report, _ = check(write_book, evaluation_table(title, score_header))
    assert [
        (cell, severity) for cell, severity, message in findings(report, "S10") if "评价指标表" in message
    ] == [("A1", "info")]
    assert findings(report, "S01") == [] and findings(report, "C08") == []
