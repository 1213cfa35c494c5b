"""What a 绩效目标表 says, without where it says it: the input of `perfgoals-xl fill` and of the templates.

A spec is written by people (JSON or YAML; `perfgoals-xl schema` prints its JSON Schema) or made from a table
the reader found in any layout (`spec_from_table`), which is how a provincial variant becomes the standard one.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from perfgoals_xl.core.models import Field as ModelField
from perfgoals_xl.core.models import Indicator, Table, year_in
from perfgoals_xl.core.vocab import canonical_unit

Operator = Literal["≥", "≤", "=", ">", "<", "定性"]
AmountUnit = Literal["万元", "元"] | None
AMOUNT_UNIT_HELP = "金额单位：万元或元；不填时表中的金额单位留空（不替来源假定万元）"


class IndicatorSpec(BaseModel):
    """One 三级指标 under its 一级/二级 (canonical names)."""

    model_config = ConfigDict(extra="forbid")
    level1: str = Field(description="一级指标，如 产出指标")
    level2: str = Field(description="二级指标，如 数量指标")
    name: str = Field(description="三级指标名称")
    operator: Operator | None = Field(None, description="指标值类型：≥ ≤ = > < 定性")
    value: float | str | None = Field(None, description="指标值：定量为数字，定性为文字")
    unit: str | None = Field(None, description="度量单位；定性指标留空")
    explanation: str | None = Field(None, description="指标值说明（指标解释）")
    remark: str | None = Field(None, description="备注")


class ProjectSpec(BaseModel):
    """项目支出绩效目标表."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["project"] = "project"
    year: int | None = Field(None, description="年度，用于标题“2026年项目支出绩效目标表”")
    unit_name: str | None = Field(None, description="填报单位")
    amount_unit: AmountUnit = Field(None, description=AMOUNT_UNIT_HELP)
    name: str | None = Field(None, description="项目名称")
    budget: float | None = Field(None, description="年度本级预算金额")
    category: str | None = Field(None, description="项目类别")
    period: str | None = Field(None, description="项目支出实施期，如“2026年”")
    goal: str | None = Field(None, description="本年度绩效目标")
    indicators: list[IndicatorSpec] = []


class TaskSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="任务名称")
    content: str | None = Field(None, description="主要内容")


class BudgetSpec(BaseModel):
    """预算情况 (金额按 amount_unit)."""

    model_config = ConfigDict(extra="forbid")
    total: float | None = Field(None, description="资金总额")
    general_public: float | None = Field(None, description="一般公共预算")
    government_fund: float | None = Field(None, description="政府性基金预算")
    special_account: float | None = Field(None, description="财政专户管理资金")
    other: float | None = Field(None, description="其他资金")
    basic: float | None = Field(None, description="基本支出")
    project: float | None = Field(None, description="项目支出")


BUDGET_FIELDS = {
    "total": "资金总额",
    "general_public": "一般公共预算",
    "government_fund": "政府性基金预算",
    "special_account": "财政专户管理资金",
    "other": "其他资金",
    "basic": "基本支出",
    "project": "项目支出",
}


class DepartmentSpec(BaseModel):
    """部门整体支出绩效目标表."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["department"] = "department"
    year: int | None = None
    region: str | None = Field(None, description="标题下的地区行，如“湖南省株洲市”")
    unit_name: str | None = Field(None, description="填报单位")
    amount_unit: AmountUnit = Field(None, description=AMOUNT_UNIT_HELP)
    department: str | None = Field(None, description="部门名称")
    duties: str | None = Field(None, description="年度履职目标")
    tasks: list[TaskSpec] = []
    budget: BudgetSpec = BudgetSpec()
    indicators: list[IndicatorSpec] = []


Spec = Annotated[ProjectSpec | DepartmentSpec, Field(discriminator="kind")]


class SpecFile(BaseModel):
    """A JSON/YAML file for `perfgoals-xl fill`: one table (project or department)."""

    table: Spec


def spec_from_table(table: Table) -> ProjectSpec | DepartmentSpec:
    """Normalise a table read in any layout: canonical labels, operator split from value, unit in its column."""
    indicators = [_indicator(i) for i in table.indicators if i.is_filled]
    year = int(found) if table.title and (found := year_in(table.title)) else None
    amount_unit = table.amount_unit.value if table.amount_unit else None  # never one the table did not state
    unit_name = str(table.unit_name.value) if table.unit_name and table.unit_name.value else None
    if table.kind == "department":
        return DepartmentSpec(
            year=year,
            region=region_line(table),
            unit_name=unit_name,
            amount_unit=amount_unit,
            department=_text(table, "部门名称"),
            duties=_text(table, "年度履职目标"),
            tasks=[
                TaskSpec(name=t.name.text, content=t.content.text if t.content else None)
                for t in table.tasks
                if t.name
            ],
            budget=BudgetSpec(**{key: _amount(table, label) for key, label in BUDGET_FIELDS.items()}),
            indicators=indicators,
        )
    budget = table.item_value("年度预算金额")
    return ProjectSpec(
        year=year,
        unit_name=unit_name,
        amount_unit=amount_unit,
        name=_text(table, "项目名称"),
        budget=budget if isinstance(budget, float) else None,
        category=_text(table, "项目类别"),
        period=_text(table, "实施期"),
        goal=_text(table, "本年度绩效目标"),
        indicators=indicators,
    )


def region_line(table: Table) -> str | None:
    """The line under a department table's title that names its region (`湖南省株洲市 株洲市渌口区人民政府办公室`):
    a header item on the title's next rows with a label the vocabulary does not know, no value and no colon."""
    if table.title is None:
        return None
    title_row = table.title.at.row
    for item in sorted(table.header.values(), key=lambda i: i.label.at.row):
        text = item.label.text.strip()
        near = title_row < item.label.at.row <= title_row + 2
        if near and not item.known and item.value is None and text and not re.search("[:：]", text):
            return text
    return None


def _text(table: Table, label: str) -> str | None:
    item = table.header.get(label)
    return item.value.text if item and item.value else None


def _amount(table: Table, label: str) -> float | None:
    item = table.budget_block.get(label)
    return item.value.value if item and item.value and isinstance(item.value.value, float) else None


def _indicator(indicator: Indicator) -> IndicatorSpec:
    operator = indicator.operator.value if indicator.operator else None
    if operator is None and indicator.declared == "定性":
        operator = "定性"
    value = indicator.value.value if indicator.value else None
    unit = indicator.unit.value if indicator.unit else None
    return IndicatorSpec(
        level1=_label(indicator.level1) or "",
        level2=_label(indicator.level2) or "",
        name=indicator.name.text if indicator.name else "",
        operator=operator,
        value=value,
        unit=canonical_unit(unit) if unit else None,
        explanation=indicator.explanation.text if indicator.explanation else None,
        remark=indicator.remark.text if indicator.remark else None,
    )


def _label(field: ModelField | None) -> str | None:
    if field is None:
        return None
    return str(field.value) if field.value is not None else field.text
