"""Rule cases kept as data: a few indicator rows in, the rule ids (and cells) expected out.

Each case is written as a real .xlsx in one of the layouts below and checked end to end.
"""

from __future__ import annotations

from typing import Any

PROJECT_HEADER = [
    "本年度绩效指标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "度量单位",
    "指标值类型",
    "备注",
]
DEPARTMENT_HEADER = [
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值类型",
    "指标值",
    "度量单位",
    "指标值说明（指标解释）",
    "备注",
]
EMBEDDED_HEADER = ["一级指标", "二级指标", "三级指标", "指标值"]
PROJECT_FIRST_ROW = 8  # first indicator row in the project layout (columns B..H)
DEPARTMENT_FIRST_ROW = 11


def project_rows(case: dict[str, Any]) -> list[list[Any]]:
    """Rows are [一级, 二级, 三级, 指标值, 度量单位, 指标值类型(, 备注)] from row 8, column B."""
    header = case.get("header", {})
    return [
        ["2026年项目支出绩效目标表"],
        [f"金额单位：{case.get('amount_unit', '万元')}"],
        ["项目名称", header.get("项目名称", "测试项目")],
        [
            "年度本级预算金额",
            header.get("年度本级预算金额", 10),
            "项目类别",
            header.get("项目类别", "一般性项目"),
        ],
        ["项目支出实施期", header.get("项目支出实施期", "2026年")],
        [
            "本年度绩效目标",
            header.get("本年度绩效目标", "2026年12月底前完成排查整治4次，群众满意度达到90%以上"),
        ],
        PROJECT_HEADER,
        *([None, *row] for row in case["rows"]),
    ]


def department_rows(case: dict[str, Any]) -> list[list[Any]]:
    """Rows are given in the project order and written type-value-unit from row 11, column A."""
    budget = case.get("budget", {"资金总额": 100, "一般公共预算": 100, "基本支出": 60, "项目支出": 40})
    sources = ["一般公共预算", "政府性基金预算", "财政专户管理资金", "其他资金", "基本支出", "项目支出"]
    return [
        ["2026年部门整体支出绩效目标表"],
        [f"金额单位：{case.get('amount_unit', '万元')}"],
        ["部门名称", None, "测试部门"],
        ["年度履职目标", None, "负责全区政务服务工作"],
        ["年度主要任务", "任务名称", "主要内容"],
        [None, "政务服务", "办理政务服务事项"],
        ["预算情况", "资金总额", "按收入性质分", None, None, None, "按支出性质分"],
        [None, budget.get("资金总额"), *sources],
        [None, None, *(budget.get(name) for name in sources)],
        DEPARTMENT_HEADER,
        *(
            [r[0], r[1], r[2], r[5] if len(r) > 5 else None, r[3], r[4] if len(r) > 4 else None]
            for r in case["rows"]
        ),
    ]


def embedded_rows(case: dict[str, Any]) -> list[list[Any]]:
    """Rows are [一级, 二级, 三级, 指标值 with operator and unit inside], from row 8, column A."""
    return [*project_rows({**case, "rows": []})[:6], EMBEDDED_HEADER, *case["rows"]]


LAYOUTS = {"project": project_rows, "department": department_rows, "embedded": embedded_rows}
