"""Sheets and look-ups shared by the reader's edge tests (tests/core/test_reader_edges*.py)."""

from __future__ import annotations

from typing import Any

from sheet_cases import targets  # noqa: F401  (the edge tests take it from here)

from perfgoals_xl.core.render import to_json
from perfgoals_xl.core.report import Report
from perfgoals_xl.pipeline import check_file

Row = list[Any]


def check(write_book, rows: list[Row], merges: list[str] = ()) -> tuple[dict, list]:
    """The JSON report of one sheet (its files[0] entry) and the tables read."""
    path = write_book({"表": (rows, list(merges))})
    result = check_file(path)
    report = to_json(Report([result]))["files"][0]
    assert report["error"] is None, report["error"]
    return report, result.tables


def findings(report: dict, rule: str) -> list[tuple[str, str, str]]:
    return [(f["cell"], f["severity"], f["message"]) for f in report["findings"] if f["rule"] == rule]


def project_head(*extra: Row) -> list[Row]:
    """The seed's project head, `extra` rows after 本年度绩效目标, and one indicator row."""
    return [
        ["2026年项目支出绩效目标表"],
        ["金额单位：万元"],
        ["项目名称", "农村公路养护"],
        ["年度本级预算金额", 10, "项目类别", "一般性项目"],
        ["项目支出实施期", "2026年"],
        ["本年度绩效目标", "2026年完成农村公路养护120公里，群众满意度90%以上"],
        *extra,
        ["本年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "度量单位", "指标值类型", "备注"],
        [None, "产出指标", "数量指标", "养护里程", 120, "公里", "≥"],
    ]


def dv04(lines: list[Row], first: Row | None = None) -> list[Row]:
    """DV04 浙江 临海: `指标类型 | 指标名称 | 指标值 | 指标描述`, 指标名称 holding 二级 names (`lines`, two rows
    of the seed's by default); `first` replaces the head's first row."""
    lines = lines or [
        ["产出指标", "数量指标", "375万平方米", "完成全市375万平方米的绿地养护"],
        ["效益指标", "社会效益指标", "100%", "绿化覆盖率"],
    ]
    return [
        first or ["项目名称:", "绿化养护经费", "项目编号:"],
        ["项目属性:", "延续", "项目期限:", "全年"],
        ["项目绩效目标", "绩效目标总体描述", "完成全市375万平方米绿地养护，绿化覆盖率100%"],
        ["指标类型", "指标名称", "指标值", "指标描述"],
        *lines,
    ]
