"""The reader on the layout variants of docs/reference/templates.md, each written as a real .xlsx."""

from __future__ import annotations

import pytest

from perfgoals_xl.core.reader import read_tables
from perfgoals_xl.files.read import read_workbook


def _read(path):
    return [table for grid in read_workbook(path).grids for table in read_tables(grid)]


def _targets(table):
    return [
        (i.name.text if i.name else None, i.operator.value if i.operator else None,
         i.value.value if i.value else None, i.unit.value if i.unit else None)
        for i in table.indicators if i.is_filled
    ]  # fmt: skip


def test_header_label_synonyms(write_book):
    """Hunan 2023 city form: 项目支出名称, 预算数（万元）, 项目期限, 年度目标, 主管部门."""
    path = write_book({"项目": [
        ["2023年项目支出绩效目标申报表"],
        ["项目支出名称", "乡村道路养护"],
        ["预算部门", "区交通运输局", "预算数（万元）", 250],
        ["项目期限", "2023年1月-2023年12月"],
        ["年度目标", "完成农村公路养护120公里"],
        ["一级指标", "二级指标", "三级指标", "指标值", "度量单位", "指标值类型"],
        ["产出指标", "数量指标", "养护里程", 120, "公里", "≥"],
    ]})  # fmt: skip
    (table,) = _read(path)
    assert (table.name, table.budget) == ("乡村道路养护", 250)
    assert set(table.header) == {"项目名称", "主管部门", "年度预算金额", "实施期", "本年度绩效目标"}
    assert table.amount_unit.value == "万元" and table.amount_unit.cell == "C3"


def test_unit_type_value_column_order(write_book):
    """Chongqing: 一级 | 二级 | 三级 | 计量单位 | 指标性质 | 指标值."""
    path = write_book({"项目": [
        ["项目绩效目标表"],
        ["项目名称", "社区服务"],
        ["一级指标", "二级指标", "三级指标", "计量单位", "指标性质", "指标值"],
        ["产出指标", "数量指标", "服务人次", "人次", "≥", 500],
        ["满意度指标", "服务对象满意度指标", "居民满意度", "%", "≥", 90],
    ]})  # fmt: skip
    (table,) = _read(path)
    assert table.blocks[0].columns == {
        "level1": 1,
        "level2": 2,
        "name": 3,
        "unit": 4,
        "operator": 5,
        "value": 6,
    }
    assert _targets(table) == [("服务人次", "≥", 500, "人次"), ("居民满意度", "≥", 90, "%")]


@pytest.mark.parametrize(
    ("written", "operator", "number", "unit"),
    [
        ("≥50村", "≥", 50, "村"),
        (">=98%", "≥", 98, "%"),
        ("≤500万/月", "≤", 500, "万/月"),
        ("=95百分比", "=", 95, "%"),
        ("250万", None, 250, "万"),
        ("<=400元/亩", "≤", 400, "元/亩"),
        ("不低于 90 %", "≥", 90, "%"),
        ("＞＝１，２００人", "≥", 1200, "人"),
        ("达到预期目标", None, "达到预期目标", None),
        ("2025年12月", None, "2025年12月", None),
    ],
)
def test_value_with_embedded_operator_and_unit(write_book, written, operator, number, unit):
    """Hunan 2018 / Anhui / Gansu forms: one 指标值 cell holds operator, number and unit."""
    path = write_book({"项目": [
        ["项目支出绩效目标表"],
        ["项目名称", "示例"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "指标", written],
    ]})  # fmt: skip
    (table,) = _read(path)
    indicator = table.indicators[0]
    assert _targets(table) == [("指标", operator, number, unit)]
    if operator:
        assert indicator.operator.cell == "D4" and indicator.operator.text
    if unit:
        assert indicator.unit.cell == "D4"


def test_merged_labels_carried_down_over_several_rows(write_book):
    rows = [
        ["项目支出绩效目标表"],
        ["项目名称", "示例"],
        ["一级指标", "二级指标", "三级指标", "指标值", "度量单位", "指标值类型"],
        ["产出指标", "数量指标", "培训人数", 100, "人", "≥"],
        [None, None, "培训场次", 4, "场", "≥"],
        [None, "质量指标", "合格率", 95, "%", "≥"],
        [None, None, "达标率", 90, "%", "≥"],
        ["效益指标", "社会效益指标", "受益群众", 300, "人", "≥"],
    ]
    path = write_book({"项目": (rows, ["A4:A7", "B4:B5", "B6:B7"])})
    (table,) = _read(path)
    levels = [(i.row, i.level1.value, i.level1.cell, i.level2.value, i.level2.cell) for i in table.indicators]
    assert levels == [
        (4, "产出指标", "A4", "数量指标", "B4"),
        (5, "产出指标", "A4", "数量指标", "B4"),
        (6, "产出指标", "A4", "质量指标", "B6"),
        (7, "产出指标", "A4", "质量指标", "B6"),
        (8, "效益指标", "A8", "社会效益指标", "B8"),
    ]


def test_labels_with_inner_spaces_and_line_breaks(write_book):
    path = write_book({"项目": [
        ["2026年 项目支出 绩效目标表"],
        ["项目 名称", "示例"],
        ["年度本级\n预算金额", 12.5],
        ["本年度\n绩效指标", "一级\n指标", "二级 指标", "三级指标", "指标值", "度量 单位", "指标值\n类型"],
        [None, "产出 指标", "数量\n指标", "培训人数", 100, "人", "≥"],
        [None, "满意度", "服务对象 满意度", "满意度", 95, "%", "≥"],
    ]})  # fmt: skip
    (table,) = _read(path)
    assert (table.name, table.budget) == ("示例", 12.5)
    assert table.blocks[0].label_column == 1
    assert [(i.level1.value, i.level2.value) for i in table.indicators] == [
        ("产出指标", "数量指标"),
        ("满意度指标", "服务对象满意度指标"),
    ]


def test_yuan_table_with_thousands_separators(write_book):
    """Sichuan export: 金额单位 元, amounts written with separators or a 万 suffix."""
    path = write_book({"项目": [
        ["部门预算项目绩效目标申报表"],
        ["填报单位：某县教育局", None, None, "金额单位：元"],
        ["项目名称", "营养改善计划"],
        ["年度资金总额", "1,234,567.89"],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"],
        ["成本指标", "经济成本指标", "生均补助标准", "≤", 5, "元/人·天"],
    ]})  # fmt: skip
    (table,) = _read(path)
    assert table.amount_unit.value == "元" and table.amount_unit.cell == "D2"
    assert table.unit_name.value == "某县教育局"
    assert table.budget == 1234567.89


def test_department_budget_block_as_exported(write_book):
    """The text export puts 按支出性质分 in column F; the amounts are still read under their own labels."""
    rows = [
        ["2026年部门整体支出绩效目标表"],
        ["部门名称", None, "区财政局"],
        ["年度履职目标", None, "管理全区财政收支"],
        ["年度主要任务", "任务名称", "主要内容"],
        [None, "预算编制", "编制全区年度预算"],
        [None, "国库管理", "组织国库集中支付"],
        ["预算情况", "资金总额", "按收入性质分", None, None, "按支出性质分"],
        [
            None,
            1200.5,
            "一般公共预算",
            "政府性基金预算",
            "财政专户管理资金",
            "其他资金",
            "基本支出",
            "项目支出",
        ],
        [None, None, 1000.5, 200, None, None, "800.5", "400万"],
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值类型",
            "指标值",
            "度量单位",
            "指标值说明（指标解释）",
            "备注",
        ],
        ["产出指标", "数量指标", "预算编制数量", "≥", 12, "个", "部门预算编制数"],
    ]
    path = write_book({"部门": rows})
    (table,) = _read(path)
    assert table.kind == "department" and table.title.text == "2026年部门整体支出绩效目标表"
    assert [t.name.text for t in table.tasks] == ["预算编制", "国库管理"]
    amounts = {k: v.value.value if v.value else None for k, v in table.budget_block.items()}
    assert amounts == {
        "资金总额": 1200.5, "一般公共预算": 1000.5, "政府性基金预算": 200, "财政专户管理资金": None,
        "其他资金": None, "基本支出": 800.5, "项目支出": 400,
    }  # fmt: skip
    assert table.budget == 1200.5


def test_several_tables_without_titles_and_a_footer(write_book):
    rows = [
        ["项目名称", "甲项目"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "培训人数", "≥100人"],
        ["填表人：张三", None, "联系电话：12345"],
        [],
        ["项目名称", "乙项目"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "巡查次数", "≥12次"],
    ]
    path = write_book({"合表": rows})
    tables = _read(path)
    assert [(t.name, t.top, t.bottom, len(t.indicators), t.unread_rows) for t in tables] == [
        ("甲项目", 1, 4, 1, []),  # the footer row is the table's, read as a note
        ("乙项目", 6, 8, 1, []),
    ]


def test_unit_written_in_the_name(write_book):
    """Ningxia: the unit sits in the 三级 name `(亩)` and 指标值 is a bare number."""
    path = write_book({"项目": [
        ["项目支出绩效目标申报表"],
        ["项目名称", "高标准农田"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标（必填硬性指标）", "建设面积（亩）", 5000],
    ]})  # fmt: skip
    (table,) = _read(path)
    indicator = table.indicators[0]
    assert (indicator.level2.value, indicator.unit.value, indicator.unit.cell) == ("数量指标", "亩", "C4")


def test_several_sheets_and_sheets_without_tables(write_book):
    path = write_book({
        "说明": [["填报说明：请按要求填写"]],
        "表1": [["项目名称", "甲"], ["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "人数", "≥1人"]],
    })  # fmt: skip
    tables = _read(path)
    assert [(t.sheet, t.name) for t in tables] == [("表1", "甲")]


def test_a_place_in_brackets_is_not_a_unit(write_book):
    path = write_book({"项目": [
        ["项目支出绩效目标表"],
        ["项目名称", "示例"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["满意度指标", "服务对象满意度指标", "群众满意度（龙门镇）", "≥90%"],
        ["产出指标", "数量指标", "改造面积（平方米）", 300],
    ]})  # fmt: skip
    (table,) = _read(path)
    assert [i.unit.value for i in table.indicators] == ["%", "平方米"]


def test_a_header_without_an_indicator_block(write_book):
    """A table cut off before its 绩效指标: read with its header, no indicators, and checked without a crash."""
    path = write_book(
        {"项目": [["2026年项目支出绩效目标表"], ["项目名称", "示例"], ["年度本级预算金额", 10]]}
    )
    (table,) = _read(path)
    assert (table.name, table.budget, table.indicators, table.blocks) == ("示例", 10, [], [])
    from perfgoals_xl.pipeline import check_file

    h04 = [f for f in check_file(path).findings if f.rule == "H04"]
    assert [(f.cell, f.severity) for f in h04] == [("A1", "error")] and "没有绩效指标" in h04[0].message


def test_junk_below_a_blank_row_is_reported_not_read(write_book):
    """Blank rows do not end a block; a jotted word two rows below is neither an indicator nor dropped in
    silence: it is an unread row (rule S10)."""
    rows = [
        ["项目支出绩效目标表"],
        ["项目名称", "示例"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "培训人数", "≥100人"],
        [],
        ["随手记的备忘", None, None, None, None, None, None, None, None, None, None, None, "x"],
    ]
    (table,) = _read(write_book({"项目": rows}))
    assert (len(table.indicators), table.unread_rows) == (1, [6])


def test_a_two_row_indicator_header(write_book):
    """`绩效指标` spanning 一级 | 二级 | 三级 on the row below, 指标值 | 度量单位 | 指标值类型 merged over both
    rows: one header, both rows read, the 一级 carried on, nothing unread and no header item made of it."""
    rows = [
        ["2024年项目支出绩效目标表"],
        ["项目名称", "示例"],
        ["年度预算金额", 10],
        ["本年度绩效目标", "全年培训100人，满意度90%以上"],
        ["绩效指标", None, None, "指标值", "度量单位", "指标值类型"],
        ["一级指标", "二级指标", "三级指标"],
        ["产出指标", "数量指标", "培训人数", 100, "人", "≥"],
        [None, "质量指标", "培训合格率", 95, "%", "≥"],
        ["满意度指标", "服务对象满意度指标", "学员满意度", 90, "%", "≥"],
    ]
    merges = ["A5:C5", "D5:D6", "E5:E6", "F5:F6"]
    (table,) = _read(write_book({"项目": (rows, merges)}))
    assert [(b.header_row, b.columns) for b in table.blocks] == [
        (6, {"level1": 1, "level2": 2, "name": 3, "value": 4, "unit": 5, "operator": 6})
    ]
    assert _targets(table) == [
        ("培训人数", "≥", 100, "人"),
        ("培训合格率", "≥", 95, "%"),
        ("学员满意度", "≥", 90, "%"),
    ]
    assert [i.level1.value for i in table.indicators] == ["产出指标", "产出指标", "满意度指标"]
    assert table.unread_rows == [] and "绩效指标" not in table.header


def test_sub_captions_under_a_header_are_no_second_header(write_book):
    """`优 | 良 | 中 | 差` under 评分标准, with 一级 … 指标值 merged over both rows: the upper row is the header."""
    rows = [
        ["项目支出绩效目标表"],
        ["项目名称", "示例"],
        ["一级指标", "二级指标", "三级指标", "指标值", "评分标准"],
        [None, None, None, None, "优", "良", "中", "差"],
        ["产出指标", "数量指标", "巡检村数", "≥120个", "≥120个", "100-119个", "80-99个", "<80个"],
    ]
    merges = ["E3:H3", "A3:A4", "B3:B4", "C3:C4", "D3:D4"]
    (table,) = _read(write_book({"项目": (rows, merges)}))
    assert [b.header_row for b in table.blocks] == [3]
    assert _targets(table) == [("巡检村数", "≥", 120, "个")]


def test_more_label_spellings(write_book):
    """预算金额, 项目周期, 项目年度绩效目标 in the head; 具体指标 | 预期值 | 指标单位 | 符号 | 计算方法 as columns."""
    path = write_book({"项目": [
        ["2025年项目支出绩效目标表"],
        ["项目名称", "社区养老服务", "预算金额", 80],
        ["项目周期", "2025年1月-2025年12月"],
        ["项目年度绩效目标", "全年为300名老人提供上门服务"],
        ["一级指标", "二级指标", "具体指标", "符号", "预期值", "指标单位", "计算方法"],
        ["产出指标", "数量指标", "服务老人人数", "≥", 300, "人", "服务台账统计"],
    ]})  # fmt: skip
    (table,) = _read(path)
    assert (table.name, table.budget) == ("社区养老服务", 80)
    assert {"实施期", "本年度绩效目标"} <= set(table.header)
    assert _targets(table) == [("服务老人人数", "≥", 300, "人")]
    assert table.indicators[0].explanation.text == "服务台账统计"
