"""Settings that change what the rules report: profile, rule selection, severities and thresholds.

Validated by pydantic: an unknown key or a bad value is an error that names the key. Where the settings come
from (perfgoals.toml, pyproject.toml, the command line) is `perfgoals_xl.core.config`'s job.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from perfgoals_xl.core.models import Severity

Profile = Literal["hunan-2026", "mof-2021", "legacy-2015"]
ResultsOrder = Literal["severity", "sheet"]
PROFILES: dict[str, str] = {
    "hunan-2026": "湖南 2026 一体化格式（种子表格式，默认）：接受 101号 框架或旧框架，但同一表内不得混用",
    "mof-2021": "财预〔2021〕101号 框架：成本指标为一级指标，满意度指标为一级指标",
    "legacy-2015": "财预〔2015〕88号 框架：成本指标为产出指标下的二级指标，允许可持续影响指标",
}

VAGUE_VALUES = (
    "及时", "增加", "巩固", "提升", "提高", "长期", "长远", "稳步提高", "应保尽保", "严格落实制度", "否", "是",
    "加强", "改善", "促进", "逐步提高", "进一步提高",
    # docs/reference/rules.md §3.5: also vague as a whole value
    "有效", "显著", "明显", "良好", "较好", "稳步", "不断", "持续改善", "巩固提高", "全年", "应改尽改",
)  # fmt: skip
VAGUE_NAME_WORDS = ("逐步", "进一步", "稳步", "不断", "大力", "切实")
VAGUE_NAME_STARTS = ("促进", "保障", "推动", "加强")


class Thresholds(BaseModel):
    """Numbers and word lists the rules compare against (docs/reference/rules.md marks them *(config)*)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    money_tolerance: float = Field(0.005, ge=0, description="金额等式允许的误差（按表的金额单位）")
    satisfaction_floor: float = Field(80, ge=0, le=100, description="满意度指标值低于此值为警告（V06）")
    satisfaction_warn_below: float = Field(
        85, ge=0, le=100, description="满意度指标值低于此值提示偏低（V06）"
    )
    goal_min_chars: int = Field(
        0,
        ge=0,
        description="无数字的本年度绩效目标少于此字数才警告；0 表示不论长短都警告（S04，docs/reference/rules.md §3.5）",
    )
    vague_values: tuple[str, ...] = Field(VAGUE_VALUES, description="作为整个指标值时视为模糊表述（V11）")
    vague_name_words: tuple[str, ...] = Field(VAGUE_NAME_WORDS, description="三级指标名称中的模糊词（V11）")
    vague_name_starts: tuple[str, ...] = Field(VAGUE_NAME_STARTS, description="三级指标名称的模糊开头（V11）")
    boilerplate_min_rows: int = Field(3, ge=2, description="同一指标解释重复出现的行数下限（V11）")


class Settings(BaseModel):
    """What a check is run with. Defaults follow the seed's Hunan 2026 layout."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    profile: Profile = "hunan-2026"
    select: tuple[str, ...] = ()  # rule ids or families (`H`, `V07`); empty = all
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = {}  # rule id → severity for its findings (info hints stay info)
    strict: bool = False  # practice rules ([P]) report errors instead of warnings
    include_hidden: bool = False  # also check hidden and very hidden sheets (skipped ones are named by S10)
    max_findings_per_rule: int = Field(
        50, ge=1, description="每张表每条规则最多逐条列出的问题数，其余合并为一条“另有 N 处”"
    )
    results_order: ResultsOrder = Field(
        "severity",
        description="“校验结果”表的排列：`severity` 先错误、再警告、后提示；`sheet` 按工作表顺序（提示仍在最后）",
    )
    thresholds: Thresholds = Thresholds()

    def enabled(self, rule_id: str) -> bool:
        """Ruff-like selection: a rule runs when selected (or nothing is selected) and not ignored."""
        selected = not self.select or any(rule_id.startswith(code) for code in self.select)
        return selected and not any(rule_id.startswith(code) for code in self.ignore)
