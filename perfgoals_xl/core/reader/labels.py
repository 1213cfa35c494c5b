"""Header labels of 绩效目标表 and their synonyms (docs/reference/templates.md §5), matched exactly or, when a narrow cell
truncated them on export, by prefix (`项目支出实施` → 项目支出实施期)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from perfgoals_xl.core.vocab import clean

# canonical header label → spellings seen in real tables
HEADER_LABELS: dict[str, tuple[str, ...]] = {
    "项目名称": ("项目名称", "项目支出名称", "专项名称", "二级项目名称", "项目(专项)名称", "支出项目名称"),
    "年度预算金额": (
        "年度预算金额", "年度本级预算金额", "年度资金总额", "项目金额", "预算数", "项目预算金额",
        "预算申报数", "当年度金额", "年度预算资金总额", "年度预算安排", "本年度预算金额", "年度资金申请总额",
        "下达资金总额", "本年度申请市财政预算资金", "项目申报金额", "区级支出预算总量", "支出预算总量",
        "下达中央预算内投资", "年度资金", "资金总额", "预算金额", "年度预算数", "本年预算", "本年预算数",
        "本年度预算",
    ),
    "实施期": (
        "实施期", "项目支出实施期", "项目期", "项目期限", "项目起止时间", "专项起止时间", "实施期限", "实施周期",
        "开始日期", "项目开始日期", "项目预计开始时间", "开始时间", "项目开始时间", "项目周期", "起止时间",
        "实施时间", "项目实施期",
    ),
    "本年度绩效目标": (
        "本年度绩效目标", "年度目标", "年度绩效目标", "当年绩效目标", "年度总体目标", "项目年度目标",
        "当年度目标", "年度绩效总目标", "年度总体绩效目标", "当年整体绩效目标", "项目当年绩效目标",
        "项目绩效目标", "绩效目标", "总体目标", "整体绩效目标", "年度整体绩效目标", "总体描述", "绩效目标总体描述",
        "项目年度绩效目标", "年度预期目标",
    ),
    "中期绩效目标": (
        "中期绩效目标", "中期目标", "实施周期总目标", "项目总目标", "中期滚动目标", "长期绩效目标", "长期目标",
        "实施期绩效目标", "实施期目标", "项目中期规划绩效目标", "项目中期目标", "实施期总目标",
    ),
    "项目类别": ("项目类别", "项目类型"),
    "项目属性": ("项目属性",),
    "主管部门": (
        "主管部门", "主管部门及代码", "主管部门及其编码", "项目主管部门", "主管预算部门", "预算部门", "预算单位",
    ),
    "实施单位": ("实施单位", "项目实施单位", "项目执行单位", "具体实施单位", "项目单位", "用款单位"),
    "项目负责人": ("项目负责人", "项目负责人及电话", "项目负责人及联系电话", "项目联系人", "项目责任人"),
    "部门名称": ("部门名称", "部门(单位)名称", "单位名称"),
    "年度履职目标": ("年度履职目标", "部门职责", "部门(单位)职责", "部门职能职责概述"),
    "中期资金总额": (
        "中期资金总额", "中期预算资金总额", "中期市财政预算", "项目资金总额", "实施期资金总额", "项目总投资",
    ),
    "财政拨款": ("财政拨款", "财政拨款资金", "财政资金", "财政拨款小计", "当年财政拨款"),
    "其他资金": ("其他资金", "其他收入"),
    "自筹资金": ("自筹资金", "自有资金", "单位自筹", "自有资金小计"),
    "上年结转": ("上年结转", "上年结转资金"),
    "预算执行率权重": ("预算执行率权重", "预算执行率权重(%)"),
    "项目概况": ("项目概况", "项目概述"),
    "实施计划": ("实施计划", "项目实施计划", "实施进度计划"),
    "立项依据": ("立项依据", "项目立项依据", "政策依据"),
}  # fmt: skip
START_LABELS = ("项目名称", "部门名称")
# header amounts (converted to the table's 金额单位 when written with a unit: `200万`)
AMOUNT_LABELS = ("年度预算金额", "财政拨款", "其他资金", "自筹资金", "上年结转", "中期资金总额")
FUNDING_TOTALS = ("年度预算金额", "中期资金总额")
NUMBER_LABELS = ("预算执行率权重",)
FUNDING_SOURCES = ("财政拨款", "其他资金", "自筹资金", "上年结转")
NARRATIVE_LABELS = ("本年度绩效目标", "项目概况", "实施计划")
DEPARTMENT_LABELS = ("部门名称", "年度履职目标")

# roles of the columns of an indicator block
INDICATOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标", "指标类型", "一级指标名称"),
    "level2": ("二级指标", "二级指标名称"),
    "name": ("三级指标", "指标内容", "三级指标内容", "指标名称", "三级指标名称", "具体指标"),
    "value": (
        "指标值", "目标值", "指标值及单位", "年度指标值", "当年度指标值", "指标目标值", "当年预期实现值",
        "年度目标值", "预期指标值", "绩效指标值", "预期值",
    ),
    "unit": ("度量单位", "计量单位", "单位", "指标单位"),
    "operator": ("指标值类型", "指标性质", "计算符号", "比较符号", "运算符", "符号", "指标值符号"),
    "explanation": (
        "指标值说明", "指标解释", "指标值说明(指标解释)", "绩效标准", "指标标准或依据", "指标值内容", "指标描述",
        "指标说明", "计算方法", "指标计算方法",
    ),
    "remark": ("备注",),
    "weight": ("权重", "权重(%)", "指标权重", "分值"),
    "direction": ("指标方向性", "指标方向"),
    # graded standards (优/良/中/差, 评(扣)分标准): read as the rows' text, never as target values
    "standard": ("评分标准", "评(扣)分标准", "评价标准", "评分规则", "扣分标准", "优", "良", "中", "差"),
    # 一体化 exports: one row per indicator, the project's own fields repeated on every row
    "project": ("项目名称", "项目支出名称", "二级项目名称"),
    "budget": ("预算数", "项目预算", "预算金额", "年度预算", "项目金额"),
    "goal": ("年度目标", "年度绩效目标", "绩效目标", "项目绩效目标"),
    "org": ("单位名称", "预算单位", "部门名称"),
    # the 批复表 tree (项目 | 指标值 | 绩效金额): levels by indentation, one column per level
    "item": ("项目",),
    "amount": ("绩效金额",),
}  # fmt: skip
EXPORT_ROLES = ("project", "budget", "goal", "org")
_VALUE_SUFFIX = re.compile(r"(?:指标值|目标值|实现值)$")
MEDIUM_WORDS = ("中期", "长期", "实施周期", "滚动", "实施期")

# 预算情况 block of a department table (docs/reference/templates.md §1.3); unknown extra source columns are additive
BUDGET_SOURCES = ("一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "其他资金")
BUDGET_USES = ("基本支出", "项目支出")
BUDGET_LABELS = ("资金总额", *BUDGET_SOURCES, *BUDGET_USES)

TITLE = re.compile(r"绩效目标(?:申报|批复)?表|整体绩效目标$|(?P<evaluation>绩效评价指标表|评价指标表)")
DEPARTMENT_TITLE = re.compile(r"部门整体|整体支出|部门\(单位\)整体|整体绩效")
UNIT_NAME = re.compile(r"(?:填报单位|编制单位|申报单位)(?:\(盖章\))?[:：](?P<name>[^:：]*?)(?=金额单位|$)")
AMOUNT_UNIT = re.compile(r"(?:金额)?单位[:：]?(?P<unit>万元|元)(?![\u4e00-\u9fff])")
LABEL_AMOUNT_UNIT = re.compile(r"\((?P<unit>万元|元)\)$")
TASKS_LABEL = "年度主要任务"
BUDGET_BLOCK_LABEL = "预算情况"
BUDGET_SPLITS = ("按收入性质分", "按支出性质分")
TOTAL_LABELS = ("合计", "总计", "小计", "合计金额", "金额合计", "总分")
FOOTER = re.compile(
    r"^(?:填表人|填报人|联系电话|审核人|单位负责人|财务负责人|填报说明|填表说明|注\d*[:：.、]|说明[:：]|"
    r"备注[:：]|经办人|上报时间|填报时间|填表时间|填报日期|填表日期|制表人|分管领导|单位领导)"
)


def is_footer(value: object) -> bool:
    """填表人：…, 联系电话：…, 填报日期：…, 注：…: a line under the table (or beside its title), not part of it."""
    return isinstance(value, str) and bool(FOOTER.match(clean(value)))


@dataclass(frozen=True)
class LabelMatch:
    canonical: str
    truncated: bool = False


def label_key(text: object) -> str:
    """Text as a label: no whitespace, half-width brackets, no `*` mark, no `其中：` prefix, no trailing colon."""
    if isinstance(text, str):
        return _label_key(text)
    return clean(text) if isinstance(text, int | float) and not isinstance(text, bool) else ""


@lru_cache(maxsize=2048)  # labels repeat; the cells of a long block must not fill it
def _label_key(text: str) -> str:
    key = clean(text).replace("（", "(").replace("）", ")").lstrip("*＊")
    key = _SUBITEM.sub("", key)
    return key.rstrip(":：")


_SUBITEM = re.compile(
    r"^(?:其中|\(\d+\)|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、|\d{1,2}[、．]|指标\d{1,2}[:：])[:：]?"
)


def _build_lookup(labels: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {
        label_key(spelling): canonical for canonical, spellings in labels.items() for spelling in spellings
    }


_HEADER_LOOKUP = _build_lookup(HEADER_LABELS)
_COLUMN_LOOKUP = _build_lookup(INDICATOR_COLUMNS)
MIN_PREFIX = 4


def _build_prefixes(lookup: dict[str, str]) -> dict[str, frozenset[str]]:
    """Every prefix (at least MIN_PREFIX long) of every spelling → the canonical labels it may be cut from."""
    found: dict[str, set[str]] = {}
    for spelling, canonical in lookup.items():
        for end in range(MIN_PREFIX, len(spelling)):
            found.setdefault(spelling[:end], set()).add(canonical)
    return {prefix: frozenset(names) for prefix, names in found.items()}


_HEADER_PREFIXES = _build_prefixes(_HEADER_LOOKUP)
MAX_ROLE_TEXT = 40
# a character every column heading of INDICATOR_COLUMNS holds (指标, 值, 单位, 性质, 备注, 权重, 标准, 项目 …)
_ROLE_HINT = re.compile(
    "[" + "".join(sorted({ch for s in _COLUMN_LOOKUP for ch in s[:2]} | set("值位"))) + "]"
)
_ANNOTATED = re.compile(r"\([^()]*\d{4}[^()]*\)$")  # 实施周期总目标(2022年--2024年), 中期目标(2024年—2024年)


def match_header_label(text: object) -> LabelMatch | None:
    """A header label, exact or truncated by export (`年度本级预算` is a prefix of 年度本级预算金额)."""
    return _match_header_label(text) if isinstance(text, str) else None


@lru_cache(maxsize=2048)
def _match_header_label(text: str) -> LabelMatch | None:
    key = _ANNOTATED.sub("", LABEL_AMOUNT_UNIT.sub("", label_key(text)))
    if not key or len(key) > 16:
        return None
    if key in _HEADER_LOOKUP:
        return LabelMatch(_HEADER_LOOKUP[key])
    found = _HEADER_PREFIXES.get(key)
    if found is not None and len(found) == 1:
        return LabelMatch(next(iter(found)), truncated=True)
    return None


def match_column_role(text: object) -> str | None:
    """The role of an indicator-block header cell (`指标性质` → operator)."""
    if not isinstance(text, str) or len(text) > MAX_ROLE_TEXT or not _ROLE_HINT.search(text):
        return None  # most cells of a block (names, values) cannot head a column: no need to look closer
    return _match_column_role(text)


@lru_cache(maxsize=2048)
def _match_column_role(text: str) -> str | None:
    key = label_key(text)
    if key in _COLUMN_LOOKUP:
        return _COLUMN_LOOKUP[key]
    bare = re.sub(r"\(.*\)$", "", key)
    if bare in _COLUMN_LOOKUP:
        return _COLUMN_LOOKUP[bare]
    if 0 < len(bare) <= 12 and _VALUE_SUFFIX.search(bare):
        return "value"  # 实施周期指标值, 区域目标值, 预期2022年实现值, 计划指标值(或计划水平)
    return None


def period_of(text: object) -> str | None:
    """中期 or 年度 when a value column's header says so (实施周期指标值, 当年度指标值), else None."""
    key = label_key(text)
    if any(word in key for word in MEDIUM_WORDS):
        return "中期"
    return "年度" if any(word in key for word in ("年度", "当年", "本年")) else None


def is_title(text: object) -> bool:
    """A table's title (…项目支出绩效目标表, …整体绩效目标); a header label (当年整体绩效目标) is not one."""
    if not isinstance(text, str) or ("绩" not in text and "评" not in text):
        return False  # every title names 绩效 or 评价
    key = label_key(text)
    return 0 < len(key) <= 60 and bool(TITLE.search(key)) and match_header_label(text) is None
