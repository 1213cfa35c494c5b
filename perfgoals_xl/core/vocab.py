"""The canonical vocabulary of 绩效目标表 (docs/reference/rules.md §2) and the normalisers that map what people write onto it."""

from __future__ import annotations

import re

# 一级指标 → the 二级指标 allowed under it (docs/reference/rules.md §2.1: 101号 framework plus the legacy rows still in use).
HIERARCHY: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标"),
    "满意度指标": ("服务对象满意度指标",),
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
}
LEVEL1 = tuple(HIERARCHY)
LEVEL2 = tuple(dict.fromkeys(name for names in HIERARCHY.values() for name in names))

_LEVEL1_SYNONYMS = {
    "产出": "产出指标",
    "效益": "效益指标",
    "满意度": "满意度指标",
    "成本": "成本指标",
    "项目完成指标": "产出指标",
    "项目效益指标": "效益指标",
    "效果指标": "效益指标",
    "预期产出指标": "产出指标",
    "预期效果指标": "效益指标",
    "预期效益指标": "效益指标",
}
# a 一级 column that holds one word above the real 一级 names (中央转移支付 forms: 实施效果指标 → 产出/效益)
UMBRELLA_LEVEL1 = ("实施效果指标", "绩效指标", "项目绩效指标", "年度绩效指标", "本年度绩效指标")
_LEVEL2_SYNONYMS = {
    "环境效益指标": "生态效益指标",
    "生态环境效益指标": "生态效益指标",
    "满意度指标": "服务对象满意度指标",
    "社会公众或服务对象满意度指标": "服务对象满意度指标",
    "社会公众满意度指标": "服务对象满意度指标",
    "服务对象或受益者满意度指标": "服务对象满意度指标",
    "受益对象满意度指标": "服务对象满意度指标",
    "受益群众满意度指标": "服务对象满意度指标",
    "生态成本指标": "生态环境成本指标",
}

_ANNOTATION = re.compile(r"[（(][^（）()]*[）)]$")  # 数量指标（必填硬性指标）
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def clean(text: object) -> str:
    """Cell text with whitespace and line breaks removed (labels are written `产出 指标`, `本年度\\n绩效指标`)."""
    return "".join(str(text).split()) if text is not None else ""  # split() takes the whitespace \s takes


def half_width(text: str) -> str:
    """Full-width ASCII (０-９ ＞ ＝ ％ ，) to its half-width twin."""
    return text.translate(_FULL_WIDTH)


def _strip_annotation(label: str) -> str:
    return _ANNOTATION.sub("", label)


def canonical_level1(text: object) -> str | None:
    """`满意度` → 满意度指标; None when the text is not a 一级指标 name."""
    label = _strip_annotation(clean(text))
    if label in HIERARCHY:
        return label
    return _LEVEL1_SYNONYMS.get(label)


def canonical_level2(text: object) -> str | None:
    """`经济效益` → 经济效益指标, `服务对象满意度` → 服务对象满意度指标; None when not a 二级指标 name."""
    label = _strip_annotation(clean(text))
    if not label:
        return None
    if label in _LEVEL2_SYNONYMS:
        return _LEVEL2_SYNONYMS[label]
    if label in LEVEL2:
        return label
    with_suffix = label + "指标"
    if with_suffix in LEVEL2:
        return with_suffix
    return _LEVEL2_SYNONYMS.get(with_suffix)


def is_level_name(text: object) -> bool:
    """True for any 一级 or 二级 name (used to spot labels in the wrong column)."""
    return canonical_level1(text) is not None or canonical_level2(text) is not None


# 指标值类型 (docs/reference/rules.md §2.3). Longest spellings first so `大于等于` wins over `大于`.
_OPERATOR_SPELLINGS: dict[str, str] = {
    "大于等于": "≥", "不低于": "≥", "不少于": "≥", "不小于": "≥", ">=": "≥", "≧": "≥", "≥": "≥",
    "小于等于": "≤", "不高于": "≤", "不超过": "≤", "不多于": "≤", "不大于": "≤", "<=": "≤", "≦": "≤", "≤": "≤",
    "等于": "=", "==": "=", "═": "=", "=": "=",
    "大于": ">", "高于": ">", "超过": ">", ">": ">",
    "小于": "<", "低于": "<", "<": "<",
    "定性": "定性",
}  # fmt: skip
_OPERATOR_ORDER = sorted(_OPERATOR_SPELLINGS, key=len, reverse=True)
DECLARED_KINDS = ("定量", "定性")


def canonical_operator(text: object) -> str | None:
    """The whole cell as an operator: `>=` → ≥, `不低于` → ≥, `定性` → 定性; None if it is not one."""
    label = half_width(clean(text))
    return _OPERATOR_SPELLINGS.get(label)


def leading_operator(text: str) -> tuple[str, str] | None:
    """(canonical operator, spelling) when the text starts with one (`≥50村`, `不低于95%`)."""
    for spelling in _OPERATOR_ORDER:
        if text.startswith(spelling):
            return _OPERATOR_SPELLINGS[spelling], spelling
    return None


# 度量单位 (docs/reference/rules.md §2.5)
_UNIT_SYNONYMS = {"百分比": "%", "百分率": "%", "％": "%", "㎡": "平方米", "m²": "平方米", "m2": "平方米"}
NO_UNIT = ("无", "/", "-", "—", "——")
MONEY_UNITS = ("元", "万元", "亿元", "千元")
COUNT_UNITS = (
    "人", "人次", "个", "次", "条", "件", "篇", "场", "户", "村", "辆", "台", "套", "批次", "份", "株",
    "单", "家", "所", "期", "门", "项", "名", "座", "处", "本", "册", "期次", "批", "起",
)  # fmt: skip


TIME_UNITS = ("年", "月", "天", "日", "工作日", "小时", "周", "季度", "个月", "分钟")
MEASURE_UNITS = (
    "%",
    "万字",
    "平方米",
    "亩",
    "万亩",
    "公顷",
    "公里",
    "千米",
    "米",
    "万立方米",
    "立方米",
    "吨",
    "万人",
    "M",
)


def is_known_unit(unit: str | None) -> bool:
    """A unit from docs/reference/rules.md §2.5 (counts, money, rates, time, physical), e.g. for a unit written in a name."""
    return bool(unit) and (unit in COUNT_UNITS + TIME_UNITS + MEASURE_UNITS or is_money_unit(unit))


def canonical_unit(text: object) -> str | None:
    """`百分比` → %, `无` → None (no unit), else the unit as written without spaces."""
    unit = clean(text)
    if not unit or unit in NO_UNIT:
        return None
    return _UNIT_SYNONYMS.get(unit, unit)


def is_money_unit(unit: str | None) -> bool:
    """元, 万元, 元/人, 万元/月 …"""
    return bool(unit) and unit.split("/")[0] in (*MONEY_UNITS, "万")


def is_count_unit(unit: str | None) -> bool:
    return unit in COUNT_UNITS
