"""The reader on the seed's own layouts: the bundled sample workbooks built from the seed text."""

from __future__ import annotations

import pytest
from conftest import ONE_SHEET, THREE_SHEETS

from perfgoals_xl.core.reader import read_tables
from perfgoals_xl.files.read import read_workbook

# seed line → sheet row offset per table, for the one-sheet and three-sheet workbooks
LAYOUTS = {
    "one": (ONE_SHEET, {"P1": ("绩效目标表", 0), "P2": ("绩效目标表", 0), "D": ("绩效目标表", 0)}),
    "three": (THREE_SHEETS, {"P1": ("金融处非专项", 0), "P2": ("援助泸溪资金", 24), "D": ("部门整体", 48)}),
}


def _tables(path):
    return [table for grid in read_workbook(path).grids for table in read_tables(grid)]


@pytest.fixture(params=sorted(LAYOUTS), scope="module")
def seed(request):
    path, where = LAYOUTS[request.param]
    tables = dict(zip(["P1", "P2", "D"], _tables(path), strict=True))
    return tables, where


def _row(where, table_id, line):
    return line - where[table_id][1]


def test_three_tables_with_names_budgets_units(seed):
    tables, where = seed
    summary = {
        key: (t.kind, t.sheet, t.name, t.budget, t.amount_unit and t.amount_unit.value)
        for key, t in tables.items()
    }
    assert summary == {
        "P1": ("project", where["P1"][0], "金融处非专项", 10, "万元"),
        "P2": ("project", where["P2"][0], "援助泸溪资金", 30, "万元"),
        "D": ("department", where["D"][0], "株洲市渌口区人民政府办公室", 949.134, None),
    }


def test_table_ranges_follow_the_seed_lines(seed):
    tables, where = seed
    assert [(t.top, t.bottom) for t in tables.values()] == [
        (_row(where, "P1", 3), _row(where, "P1", 25)),
        (_row(where, "P2", 27), _row(where, "P2", 49)),
        (_row(where, "D", 51), _row(where, "D", 76)),
    ]
    assert all(t.left == 1 and t.right == 8 for t in tables.values())


def test_truncated_header_labels_are_read(seed):
    tables, where = seed
    header = tables["P1"].header
    assert {k: (v.label.text, v.value.text if v.value else None) for k, v in header.items()} == {
        "项目名称": ("项目名称", "金融处非专项"),
        "年度预算金额": ("年度本级预算", "10"),
        "项目类别": ("项目类别", None),
        "实施期": ("项目支出实施", "2026年"),
        "本年度绩效目标": ("本年度绩效目", "按相关要求开展金融领域处置非法集资工作"),
    }
    assert header["项目类别"].value_at.address == f"D{_row(where, 'P1', 12)}"
    assert tables["P2"].header["项目类别"].value_at.address == f"E{_row(where, 'P2', 36)}"


def test_project_indicator_rows(seed):
    tables, where = seed
    rows = [
        (i.row, i.level1.value, i.level2.value, i.name.text if i.name else None,
         i.operator.value if i.operator else None, i.value.value if i.value else None, i.unit.value if i.unit else None)
        for i in tables["P1"].indicators
    ]  # fmt: skip
    r = lambda line: _row(where, "P1", line)  # noqa: E731
    assert rows == [
        (r(16), "产出指标", "数量指标", "排查整治", "≥", 4, "次"),
        (r(17), "产出指标", "质量指标", "宣传预警", "≥", 4, "次"),
        (r(18), "产出指标", "时效指标", "年内及时开展工作", "定性", "及时", None),
        (r(19), "效益指标", "经济效益指标", "企业逐步强大，税收增加", "定性", "增加", None),
        (r(20), "效益指标", "社会效益指标", "开展金融知识普及、发布非法集资风险提示，开展宣传", "≥", 4, "次"),
        (r(21), "效益指标", "生态效益指标", None, None, None, None),
        (r(22), "满意度指标", "服务对象满意度指标", "群众满意度", "≥", 95, "%"),
        (r(23), "成本指标", "经济成本指标", "金融处非专项", "=", 10, "万元"),
        (r(24), "成本指标", "社会成本指标", None, None, None, None),
        (r(25), "成本指标", "生态环境成本指标", None, None, None, None),
    ]


def test_merged_level1_is_carried_down_from_its_anchor(seed):
    tables, where = seed
    first_three = tables["P1"].indicators[:3]
    assert {i.level1.cell for i in first_three} == {f"B{_row(where, 'P1', 16)}"}
    assert first_three[0].level1.text == "产出指标"
    satisfaction = tables["P1"].indicators[6]
    assert (satisfaction.level1.text, satisfaction.level1.value) == ("满意度", "满意度指标")


def test_shifted_row_keeps_its_real_cell(seed):
    """seed:L49 — `生态环境成本指标` written in the label column A instead of the 二级 column C."""
    tables, where = seed
    shifted = tables["P2"].indicators[-1]
    assert shifted.row == _row(where, "P2", 49)
    assert shifted.level1.value == "成本指标"
    assert (shifted.level2.value, shifted.level2.cell) == ("生态环境成本指标", f"A{_row(where, 'P2', 49)}")
    assert tables["P2"].blocks[0].columns["level2"] == 3


def test_department_blocks(seed):
    tables, where = seed
    dept = tables["D"]
    r = lambda line: _row(where, "D", line)  # noqa: E731
    assert dept.header["部门名称"].value.cell == f"C{r(57)}"
    assert dept.header["年度履职目标"].value.text.startswith("1. 协助区人民政府领导审核")
    assert [(t.row, t.name.text) for t in dept.tasks] == [
        (r(60), "起草材料"),
        (r(61), "督促落实工作"),
        (r(62), "提出对策建议"),
    ]
    amounts = {k: (v.value.value if v.value else None) for k, v in dept.budget_block.items()}
    assert amounts == {
        "资金总额": 949.134, "一般公共预算": 949.134, "政府性基金预算": None, "财政专户管理资金": None,
        "其他资金": None, "基本支出": 909.134, "项目支出": 40,
    }  # fmt: skip
    assert dept.budget_block["资金总额"].value.cell == f"B{r(64)}"


def test_department_indicators_type_value_unit_order(seed):
    tables, where = seed
    dept = tables["D"]
    assert dept.blocks[0].columns == {
        "level1": 1, "level2": 2, "name": 3, "operator": 4, "value": 5, "unit": 6, "explanation": 7, "remark": 8,
    }  # fmt: skip
    by_row = {i.row + where["D"][1]: i for i in dept.indicators}
    assert (by_row[67].operator.value, by_row[67].value.value, by_row[67].unit.value) == ("≥", 3, "万字")
    assert by_row[67].name.text == "起草《政府工作报告》等各类文"
    assert by_row[68].value.value == 0.5
    assert by_row[71].value.value == "严格落实制度"
    assert by_row[74].level2.value == "社会效益指标" and by_row[74].name.text == "群众满意度"
    assert by_row[76].level1.value == "满意度指标" and not by_row[76].is_filled
    assert by_row[75].explanation.text == "2026年年初预算数"
