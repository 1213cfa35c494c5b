"""docs/reference/rules.md §4: the seed's known defects are all found, with the listed severities, and nothing else is.

Cells are given as seed lines (the one-sheet sample's rows); the three-sheet sample shifts them per sheet.
"""

from __future__ import annotations

import pytest
from conftest import ONE_SHEET, THREE_SHEETS

from perfgoals_xl.pipeline import check_file

# (severity, rule, column, seed line) — docs/reference/rules.md §4, "Errors" and "Warnings"
CATALOG_DEFECTS = {
    ("error", "H04", "C", 76),  # 服务对象满意度 empty
    ("error", "H05", "C", 74),  # 群众满意度 under 社会效益
    ("error", "H06", "C", 67),  # 3 万字 under 经济成本
    ("error", "H06", "C", 68),  # 0.5 条 under 社会成本
    ("error", "H06", "C", 69),  # 1 年 under 生态环境成本
    ("error", "H06", "C", 75),  # 成本总额 under 生态效益
    ("error", "H09", "A", 49),  # 生态环境成本指标 shifted into column A
    ("error", "V05", "E", 68),  # 0.5 条
    ("error", "V07", "D", 67),  # ≥ on 经济成本
    ("error", "V07", "D", 68),  # ≥ on 社会成本
    ("warning", "H07", "D", 17),  # 宣传预警 4 次 under 质量
    ("warning", "H07", "C", 72),  # 督查完成量 % under 时效
    ("warning", "H08", "D", 23),  # 三级 = project name
    ("warning", "H11", "D", 20),  # 宣传 4 次 under 社会效益
    ("warning", "V07", "G", 23),  # = on a money cost
    ("warning", "V08", "F", 42),  # 及时开展… 1 年
    ("warning", "V08", "F", 69),  # 资金拨付进度 1 年
    ("warning", "V08", "F", 72),  # 完成量 %
    ("warning", "V11", "E", 18),  # 及时
    ("warning", "V11", "D", 19),  # 企业逐步强大
    ("warning", "V11", "E", 19),  # 增加
    ("warning", "V11", "E", 44),  # 巩固
    ("warning", "C08", "A", 51),  # department table has no 金额单位
    ("warning", "S01", "D", 12),  # 项目类别 blank
    ("warning", "S01", "E", 36),  # 项目类别 blank
    ("warning", "S04", "B", 14),  # vague goal
    ("warning", "S04", "B", 38),  # vague goal
    ("warning", "S05", "D", 20),  # 宣传 counted twice (L17 and L20)
}
# docs/reference/rules.md §2.4 lists `严格落实制度` among the vague 定性 values; §4's V11 list omits seed:L71. We follow §2.4.
VOCABULARY_DEFECTS = {("warning", "V11", "E", 71)}
# docs/reference/rules.md §3.5 (which wins where it differs from §4): a rate under 数量指标 is H07 — seed:L70 压减行政办公经费 ≥ 2 %.
CLARIFICATION_DEFECTS = {("warning", "H07", "C", 70)}
EXPECTED = CATALOG_DEFECTS | VOCABULARY_DEFECTS | CLARIFICATION_DEFECTS
PASSING_RULES = (
    "C01",
    "C04",
    "C05",
    "C06",
    "C11",
    "V06",
)  # docs/reference/rules.md §4 "passing checks worth a test"
SHEET_OFFSETS = {"绩效目标表": 0, "金融处非专项": 0, "援助泸溪资金": 24, "部门整体": 48}


def _as_seed_lines(path):
    result = check_file(path)
    assert result.error is None
    return result, {
        (f.severity, f.rule, f.cell.rstrip("0123456789"), f.row + SHEET_OFFSETS[f.sheet])
        for f in result.findings
        if f.severity != "info"
    }


@pytest.mark.parametrize("path", [ONE_SHEET, THREE_SHEETS], ids=["one sheet", "three sheets"])
def test_seed_defects_are_exactly_the_catalog(path):
    _, found = _as_seed_lines(path)
    assert found - EXPECTED == set(), "reported but not in docs/reference/rules.md §4"
    assert EXPECTED - found == set(), "in docs/reference/rules.md §4 but not reported"


@pytest.mark.parametrize("path", [ONE_SHEET, THREE_SHEETS], ids=["one sheet", "three sheets"])
def test_passing_checks_stay_silent(path):
    result, _ = _as_seed_lines(path)
    assert [f for f in result.findings if f.rule in PASSING_RULES] == []


def test_normalisation_hints_are_infos():
    result = check_file(ONE_SHEET)
    infos = {(f.rule, f.cell) for f in result.findings if f.severity == "info"}
    assert {("H01", "B22"), ("H01", "B46"), ("H02", "C19"), ("H02", "B76")} <= infos
    assert {("S06", "A12"), ("S06", "A13"), ("S06", "A14")} <= infos  # truncated header labels


def test_messages_say_what_is_right_and_leave_the_cell_to_the_report():
    result = check_file(ONE_SHEET)
    v07 = next(f for f in result.findings if f.rule == "V07" and f.cell == "D67")
    assert v07.message == "成本指标应使用“≤”，当前为“≥”"
    h05 = next(f for f in result.findings if f.rule == "H05")
    assert "群众满意度" in h05.message and "满意度指标" in h05.message and h05.cell == "C74"
    assert not [f for f in result.findings if f.cell in f.message], "a message repeats its own cell"
