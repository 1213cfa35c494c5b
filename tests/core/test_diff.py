"""The diff of two submissions on the sample: exactly the edits made, matched across a rename and a row
inserted above the indicator block; and the matchers on their own."""

from __future__ import annotations

import pytest
from conftest import THREE_SHEETS
from resubmission import RENAMED, write_resubmission

from perfgoals_xl.core.diff import diff_reports
from perfgoals_xl.core.diff_render import render_text, to_json
from perfgoals_xl.core.match import FUZZY_PAIRS, match_indicators, pair_files, similarity
from perfgoals_xl.core.models import HeaderItem, Indicator, Loc, Table, make_field
from perfgoals_xl.core.report import FileReport
from perfgoals_xl.pipeline import check_file


@pytest.fixture(scope="module")
def sample_diff(tmp_path_factory):
    new = write_resubmission(tmp_path_factory.mktemp("new") / "resubmitted.xlsx")
    return to_json(diff_reports([check_file(THREE_SHEETS)], [check_file(new)], "old", "new"))


def _changes(document, name):
    (table,) = [t for t in document["tables"] if t["name"] == name]
    return table, [(c["field"], c["old"], c["new"], c["old_cell"], c["new_cell"]) for c in table["changes"]]


def test_every_table_is_matched_also_the_renamed_one(sample_diff):
    assert [(t["kind"], t["name"], t["status"]) for t in sample_diff["tables"]] == [
        ("project", "金融处非专项", "matched"),
        ("project", RENAMED, "matched"),
        ("department", "株洲市渌口区人民政府办公室", "matched"),
    ]
    table, changes = _changes(sample_diff, RENAMED)
    assert table["old_name"] == "援助泸溪资金"
    assert changes == [
        ("table_name", "援助泸溪资金", RENAMED, "B11", "B11"),
        ("value", 98, 70, "E22", "E22"),
    ]


def test_the_edited_project_reports_its_budget_and_fields_not_the_inserted_row(sample_diff):
    _, changes = _changes(sample_diff, "金融处非专项")
    edits = [c for c in changes if c[0] != "identity"]
    assert edits == [
        ("budget", 10, 12, "B12", "B12"),
        ("header", None, "其他", "D12", "D12"),
        ("operator", "=", "≤", "G23", "G24"),  # one row lower: the inserted row
    ]
    (identity,) = [c for c in changes if c[0] == "identity"]
    assert "10" in identity[1] and "12" in identity[2]


def test_department_sums_follow_the_budget(sample_diff):
    _, changes = _changes(sample_diff, "株洲市渌口区人民政府办公室")
    assert [c[:3] for c in changes if c[0] == "header"] == [
        ("header", 909.134, 907.134),
        ("header", 40, 42),
    ]
    assert {c[0] for c in changes} == {"header", "identity"}


def test_findings_fixed_new_and_remaining_are_exactly_the_edits(sample_diff):
    findings = sample_diff["findings"]
    assert [(f["rule"], f["sheet"], f["cell"]) for f in findings["fixed"]] == [
        ("S01", "金融处非专项", "D12"),
        ("V07", "金融处非专项", "G23"),
    ]
    assert [(f["rule"], f["sheet"], f["cell"]) for f in findings["new"]] == [("V06", "援助泸溪资金", "E22")]
    remaining = {(f["rule"], f["cell"]) for f in findings["remaining"] if f["sheet"] == "金融处非专项"}
    assert ("H07", "D18") in remaining and ("H08", "D24") in remaining  # moved down a row, still the same
    assert set(findings["new"][0]) == {"rule", "severity", "sheet", "cell", "row", "message", "file"}


def test_the_same_file_twice_has_no_change():
    report = check_file(THREE_SHEETS)
    document = to_json(diff_reports([report], [check_file(THREE_SHEETS)], "a", "b"))
    assert all(t["status"] == "matched" and t["changes"] == [] for t in document["tables"])
    assert document["findings"]["fixed"] == document["findings"]["new"] == []
    assert len(document["findings"]["remaining"]) == len(report.findings)
    assert "内容无变化" in render_text(diff_reports([report], [report], "a", "b"))


def test_tables_of_another_file_are_added_and_removed():
    report = check_file(THREE_SHEETS)
    document = to_json(diff_reports([report], [FileReport(path="empty.xlsx")], "a", "b"))
    assert [t["status"] for t in document["tables"]] == ["removed"] * 3
    assert len(document["findings"]["fixed"]) == len(report.findings)


def _indicator(row: int, level2: str, name: str, value: float) -> Indicator:
    return Indicator(
        row=row,
        level1=make_field("产出指标", "产出指标", row, 2),
        level2=make_field(level2, level2, row, 3),
        name=make_field(name, name, row, 4),
        value=make_field(value, str(value), row, 5),
    )


def test_indicators_match_by_name_then_moved_then_alike():
    old = [
        _indicator(1, "数量指标", "培训人数", 10),
        _indicator(2, "质量指标", "培训合格率", 90),
        _indicator(3, "时效指标", "完成及时率", 100),
    ]
    new = [
        _indicator(5, "数量指标", "新增项目", 1),
        _indicator(6, "时效指标", "培训合格率", 90),  # moved to another 二级
        _indicator(7, "数量指标", "培训人数", 12),
        _indicator(8, "时效指标", "按期完成及时率", 100),  # renamed a little
    ]
    assert match_indicators(old, new) == [(None, 0), (1, 1), (0, 2), (2, 3)]


def test_matching_stays_bounded_on_huge_blocks():
    """Beyond FUZZY_PAIRS comparisons only exact keys pair: no quadratic time on a 12,000-row block."""
    size = 12_000
    assert size * size > FUZZY_PAIRS
    old = [_indicator(i, "数量指标", f"指标{i}", i) for i in range(size)]
    new = [_indicator(i, "数量指标", f"指标{i}甲", i) for i in range(size)]
    pairs = match_indicators(old, new)
    assert len(pairs) == 2 * size and all(o is None or n is None for o, n in pairs)


def test_files_pair_by_tables_then_by_name():
    def report(path, *names):
        label = make_field("项目名称", "项目名称", 1, 1)
        tables = [
            Table(
                kind="project",
                sheet="s",
                top=1,
                left=1,
                bottom=2,
                right=2,
                header={
                    "项目名称": HeaderItem(
                        label=label, value=make_field(name, name, 1, 2), value_at=Loc(1, 2)
                    )
                },
            )
            for name in names
        ]
        return FileReport(path=path, tables=tables)

    old = [report("甲单位.xlsx", "道路维修"), report("乙单位.xlsx", "学校修缮"), report("丙.xlsx")]
    new = [report("乙单位(修改).xlsx", "道路维修"), report("丙.xlsx"), report("甲.xlsx", "其他项目")]
    assert pair_files(old, new) == [(0, 0), (1, None), (2, 1), (None, 2)]  # 乙单位 is gone
    assert similarity("援助泸溪资金", "援助 泸溪资金") == 1.0
