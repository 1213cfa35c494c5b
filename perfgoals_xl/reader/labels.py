"""Header labels of 绩效目标表 and their synonyms (templates.md §5), matched exactly or, when a narrow cell
truncated them on export, by prefix (`项目支出实施` → 项目支出实施期)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from perfgoals_xl.vocab import clean

# canonical header label → spellings seen in real tables
HEADER_LABELS: dict[str, tuple[str, ...]] = {
    "项目名称": ("项目名称", "项目支出名称", "专项名称", "二级项目名称", "项目(专项)名称", "支出项目名称"),
    "年度预算金额": (
        "年度预算金额", "年度本级预算金额", "年度资金总额", "项目金额", "预算数", "项目预算金额",
        "预算申报数", "当年度金额", "年度预算资金总额", "年度预算安排", "本年度预算金额",
    ),
    "实施期": (
        "实施期", "项目支出实施期", "项目期", "项目期限", "项目起止时间", "专项起止时间", "实施期限",
    ),
    "本年度绩效目标": (
        "本年度绩效目标", "年度目标", "年度绩效目标", "当年绩效目标", "年度总体目标", "项目年度目标",
        "当年度目标", "年度绩效总目标", "年度总体绩效目标",
    ),
    "项目类别": ("项目类别", "项目类型"),
    "项目属性": ("项目属性",),
    "主管部门": (
        "主管部门", "主管部门及代码", "主管部门及其编码", "项目主管部门", "主管预算部门", "预算部门", "预算单位",
    ),
    "实施单位": ("实施单位", "项目实施单位", "项目执行单位", "具体实施单位", "项目单位", "用款单位"),
    "部门名称": ("部门名称", "部门(单位)名称", "单位名称"),
    "年度履职目标": ("年度履职目标", "部门职责", "部门(单位)职责", "部门职能职责概述"),
    "财政拨款": ("财政拨款", "财政拨款资金", "财政资金", "财政拨款小计"),
    "其他资金": ("其他资金", "其他收入"),
    "自筹资金": ("自筹资金", "自有资金", "单位自筹"),
    "上年结转": ("上年结转", "上年结转资金"),
    "中期资金总额": ("中期资金总额", "中期预算资金总额"),
    "预算执行率权重": ("预算执行率权重", "预算执行率权重(%)"),
    "项目概况": ("项目概况", "项目概述"),
    "实施计划": ("实施计划", "项目实施计划", "实施进度计划"),
}  # fmt: skip
START_LABELS = ("项目名称", "部门名称")
# header amounts (converted to the table's 金额单位 when written with a unit: `200万`)
AMOUNT_LABELS = ("年度预算金额", "财政拨款", "其他资金", "自筹资金", "上年结转", "中期资金总额")
NUMBER_LABELS = ("预算执行率权重",)
FUNDING_SOURCES = ("财政拨款", "其他资金", "自筹资金", "上年结转")
NARRATIVE_LABELS = ("本年度绩效目标", "项目概况", "实施计划")
DEPARTMENT_LABELS = ("部门名称", "年度履职目标")

# roles of the columns of an indicator block
INDICATOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标", "指标内容", "三级指标内容", "指标名称", "三级指标名称"),
    "value": (
        "指标值", "目标值", "指标值及单位", "年度指标值", "当年度指标值", "指标目标值", "当年预期实现值",
        "年度目标值", "预期指标值", "绩效指标值",
    ),
    "unit": ("度量单位", "计量单位", "单位"),
    "operator": ("指标值类型", "指标性质", "计算符号"),
    "explanation": ("指标值说明", "指标解释", "指标值说明(指标解释)", "绩效标准", "指标标准或依据"),
    "remark": ("备注",),
    "weight": ("权重", "权重(%)"),
    "direction": ("指标方向性", "指标方向"),
}  # fmt: skip
_EXPECTED_VALUE = re.compile(r"^预期\d{4}年实现值$")

# 预算情况 block of a department table (templates.md §1.3); unknown extra source columns are additive
BUDGET_SOURCES = ("一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "其他资金")
BUDGET_USES = ("基本支出", "项目支出")
BUDGET_LABELS = ("资金总额", *BUDGET_SOURCES, *BUDGET_USES)

TITLE = re.compile(r"绩效目标(?:申报|批复)?表|整体绩效目标$")
DEPARTMENT_TITLE = re.compile(r"部门整体|整体支出|部门\(单位\)整体|整体绩效")
UNIT_NAME = re.compile(r"(?:填报单位|编制单位|申报单位)(?:\(盖章\))?[:：](?P<name>[^:：]*?)(?=金额单位|$)")
AMOUNT_UNIT = re.compile(r"(?:金额)?单位[:：]?(?P<unit>万元|元)(?![\u4e00-\u9fff])")
LABEL_AMOUNT_UNIT = re.compile(r"\((?P<unit>万元|元)\)$")
TOTAL_LABELS = ("合计", "总计", "小计", "合计金额", "金额合计")
FOOTER = re.compile(
    r"^(?:填表人|填报人|联系电话|审核人|单位负责人|财务负责人|填报说明|填表说明|注[:：]|说明[:：])"
)


@dataclass(frozen=True)
class LabelMatch:
    canonical: str
    truncated: bool = False


def label_key(text: object) -> str:
    """Text as a label: no whitespace, half-width brackets, no `*` mark, no `其中：` prefix, no trailing colon."""
    if isinstance(text, str):
        return _label_key(text)
    return clean(text) if isinstance(text, int | float) and not isinstance(text, bool) else ""


@lru_cache(maxsize=16384)
def _label_key(text: str) -> str:
    key = clean(text).replace("（", "(").replace("）", ")").lstrip("*＊")
    key = _SUBITEM.sub("", key)
    return key.rstrip(":：")


_SUBITEM = re.compile(r"^(?:其中|\(\d+\)|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、)[:：]?")


def _build_lookup(labels: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {
        label_key(spelling): canonical for canonical, spellings in labels.items() for spelling in spellings
    }


_HEADER_LOOKUP = _build_lookup(HEADER_LABELS)
_COLUMN_LOOKUP = _build_lookup(INDICATOR_COLUMNS)
MIN_PREFIX = 4


def match_header_label(text: object) -> LabelMatch | None:
    """A header label, exact or truncated by export (`年度本级预算` is a prefix of 年度本级预算金额)."""
    return _match_header_label(text) if isinstance(text, str) else None


@lru_cache(maxsize=8192)
def _match_header_label(text: str) -> LabelMatch | None:
    key = LABEL_AMOUNT_UNIT.sub("", label_key(text))
    if not key or len(key) > 16:
        return None
    if key in _HEADER_LOOKUP:
        return LabelMatch(_HEADER_LOOKUP[key])
    if len(key) >= MIN_PREFIX:
        found = {canonical for spelling, canonical in _HEADER_LOOKUP.items() if spelling.startswith(key)}
        if len(found) == 1:
            return LabelMatch(found.pop(), truncated=True)
    return None


def match_column_role(text: object) -> str | None:
    """The role of an indicator-block header cell (`指标性质` → operator)."""
    return _match_column_role(text) if isinstance(text, str) else None


@lru_cache(maxsize=8192)
def _match_column_role(text: str) -> str | None:
    key = label_key(text)
    if key in _COLUMN_LOOKUP:
        return _COLUMN_LOOKUP[key]
    if _EXPECTED_VALUE.match(key):
        return "value"
    bare = re.sub(r"\(.*\)$", "", key)
    return _COLUMN_LOOKUP.get(bare)


def is_title(text: object) -> bool:
    key = label_key(text)
    return 0 < len(key) <= 60 and bool(TITLE.search(key))
