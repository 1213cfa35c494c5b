"""S rules: the table's structure, header fields and text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from difflib import SequenceMatcher

from perfgoals_xl.core.models import ANNUAL, MEDIUM_TERM, YEAR, HeaderItem, Indicator, Loc, Table
from perfgoals_xl.core.reader.labels import FUNDING_SOURCES, match_header_label
from perfgoals_xl.core.reader.pairs import is_signature
from perfgoals_xl.core.rules.registry import Hit, noted, rule
from perfgoals_xl.core.semantics import canonical, filled, name_text, number_text
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.core.vocab import clean, half_width

PROJECT_REQUIRED = ("项目名称", "年度预算金额", "实施期", "本年度绩效目标")


def _top_left(table: Table) -> Loc:
    return table.title.at if table.title else Loc(row=table.top, col=table.left)


@rule("S01", "error", "项目表表头要素须完整", source="F88, MOF24", kinds=("project",))
def s01_project_header(table: Table, settings: Settings) -> Iterator[Hit]:
    """项目表须有 项目名称、年度预算金额（大于 0）、实施期、本年度绩效目标（缺少或空白为错误；没有实施期栏目、
    但标题写明年度的，按标题年度理解并给出警告）；
    表头中其他写了标签的栏目（项目类别、主管部门、实施单位、项目负责人、立项依据、项目编号……）也应填写，
    空白或选项都未勾选为警告（资金来源的空白行按 0 理解，签字盖章栏不计）。

    原因：财政部审核绩效目标先看形式完整性；表头要素缺失的表会被退回。
    错误示例：“项目类别”一栏空白；没有“本年度绩效目标”。
    正确示例：项目类别“一般性项目”，本年度绩效目标写明产出、数量和时限。
    """
    yield from noted(table, "S01")
    for label in PROJECT_REQUIRED:
        item = table.header.get(label)
        source = table.year_source
        if item is None and label == "实施期" and source is not None:
            at = source.at  # a form without the field: the title's year is the period, said as a guess
            yield Hit(at, f"表头没有“实施期”，按标题年度 {table.year} 年理解", "warning")
        elif item is None:
            at = _top_left(table)
            yield Hit(at, f"表头缺少“{label}”")
        elif item.value is None:
            yield Hit(item.value_at, f"“{item.label.text}”未填写")
    budget = table.header.get("年度预算金额")
    if (
        budget is not None
        and budget.value is not None
        and isinstance(budget.value.value, float)
        and budget.value.value <= 0
    ):
        yield Hit(budget.value.at, f"年度预算金额应大于 0，当前为“{budget.value.text}”")
    for key, item in table.header.items():
        if key in PROJECT_REQUIRED or is_signature(item) or _is_source_line(table, item):
            continue
        if item.value is None:
            yield Hit(item.value_at, f"“{item.label.text}”未填写", "warning")
        elif _unticked(item.value.text):
            yield Hit(item.value.at, f"“{item.label.text}”的选项都未勾选", "warning")


_BOXES = re.compile(r"[□☐]")
_TICKS = re.compile(r"[☑√■✓✔☒▇]")


def _unticked(text: str) -> bool:
    """`新增□ 延续□ 往年备选□`: a row of check boxes with none ticked."""
    return bool(_BOXES.search(text)) and not _TICKS.search(text)


def _is_source_line(table: Table, item: HeaderItem) -> bool:
    """A 资金情况 source line (其他资金, 2、政府性基金): blank means 0, not a gap."""
    return any(line.item.label.at == item.label.at for group in table.funding for line in group.lines) or (
        item.label.value in FUNDING_SOURCES
    )


@rule("S02", "error", "部门整体表要素须完整", source="F88, HN-16", kinds=("department",))
def s02_department_parts(table: Table, settings: Settings) -> Iterator[Hit]:
    """部门整体表须有 部门名称、年度履职目标、至少一项年度主要任务（任务名称和主要内容）、预算情况和绩效指标。

    原因：部门整体支出绩效目标随预算一并报送，缺项的表无法审核。
    错误示例：没有“年度主要任务”，或任务只写了名称没有主要内容。
    正确示例：年度主要任务“起草材料”——主要内容写明起草哪些文稿。
    """
    at = _top_left(table)
    for label in ("部门名称", "年度履职目标"):
        item = table.header.get(label)
        if item is None:
            yield Hit(at, f"部门整体表缺少“{label}”")
        elif item.value is None:
            yield Hit(item.value_at, f"“{item.label.text}”未填写")
    complete = [t for t in table.tasks if t.name is not None and t.content is not None]
    if not complete:
        yield Hit(at, "部门整体表缺少年度主要任务（任务名称和主要内容）")
    for task in table.tasks:
        if task.name is None or task.content is None:
            missing = "任务名称" if task.name is None else "主要内容"
            where = (task.content or task.name).at
            yield Hit(where, f"年度主要任务第 {task.row} 行缺少{missing}")
    if "资金总额" not in table.budget_block:
        total = table.header.get("年度预算金额")  # a 预算总量 alone in the header (重庆 整体绩效目标表)
        where = total.value.at if total is not None and total.value is not None else at
        only = "只有预算总额，" if where is not at else ""
        yield Hit(where, f"部门整体表{only}缺少预算情况（资金总额、按收入性质分、按支出性质分）")
    if not table.blocks:
        yield Hit(at, "部门整体表缺少绩效指标")


@rule("S03", "warning", "年度须一致", evidence="P")
def s03_years_agree(table: Table, settings: Settings) -> Iterator[Hit]:
    """标题年度应在实施期之内（如标题“2026年…”，实施期“2026年”或“2025-2027年”）。

    原因：年度不一致多是套用上年表格后漏改。
    错误示例：标题“2026年项目支出绩效目标表”，实施期“2025年”。
    正确示例：标题“2026年…”，实施期“2026年”。
    """
    year = table.year
    period = table.header.get("实施期")
    if year is None or period is None or period.value is None:
        return
    years = [int(y) for y in YEAR.findall(period.value.text)]
    if years and not min(years) <= year <= max(years):
        yield Hit(
            period.value.at,
            f"实施期“{period.value.text}”与标题年度 {year} 年不一致",
        )


NUMBER_NOT_YEAR = re.compile(r"\d+(?:\.\d+)?")


@rule("S04", "warning", "年度绩效目标应具体、可衡量", source="F101, G-CITY", reads=("goal_min_chars",))
def s04_specific_goal(table: Table, settings: Settings) -> Iterator[Hit]:
    """本年度绩效目标要说清做什么、做多少、何时完成：没有任何数字（年份不算）的，不论长短都给出警告
    （一大段套话同样无法衡量）；只是重复项目名称的也警告。设置 goal_min_chars 可只对短于该字数的目标警告。

    原因：笼统的目标无法分解为指标，也无法评价。
    错误示例：“按相关要求开展金融领域处置非法集资工作”；“保证2026支援泸溪县”。
    正确示例：“2026年12月底前开展非法集资排查整治4次、宣传活动4场，群众满意度达到90%以上”。
    """
    item = table.header.get("本年度绩效目标")
    if item is None or item.value is None:
        return
    text = clean(item.value.text)
    numbers = NUMBER_NOT_YEAR.findall(YEAR.sub("", text))
    limit = settings.thresholds.goal_min_chars
    short = limit == 0 or len(text) < limit
    restates = (
        table.name is not None and clean(table.name) in text and len(text) <= len(clean(table.name)) + 6
    )
    if (short and not numbers) or restates:
        why = "只是重复项目名称" if restates else "没有量化内容"
        yield Hit(
            item.value.at,
            f"本年度绩效目标“{item.value.text}”{why}，应写明做什么、做多少、何时完成",
        )


STOP_BIGRAMS = {
    "开展",
    "工作",
    "相关",
    "情况",
    "完成",
    "及时",
    "提高",
    "群众",
    "服务",
    "管理",
    "指标",
    "项目",
    "建设",
    "保障",
}


NOT_HAN = re.compile(r"[^\u4e00-\u9fff]")


def _bigrams(text: str) -> set[str]:
    text = NOT_HAN.sub("", text)
    return {text[i : i + 2] for i in range(len(text) - 1)} - STOP_BIGRAMS


def _counted_twice(a: Indicator, b: Indicator) -> bool:
    """The same activity and target under two different 二级 (宣传 4 次 under 质量 and again under 社会效益);
    parallel items of one 二级 (two roads of 2 km each) are a list, and rates share ≥ 95 % too often."""
    different = canonical(a.level2) != canonical(b.level2) or canonical(a.level1) != canonical(b.level1)
    return different and canonical(a.unit) != "%" and _same_target(a, b)


def _same_target(a: Indicator, b: Indicator) -> bool:
    return (canonical(a.operator), a.number, canonical(a.unit)) == (
        canonical(b.operator),
        b.number,
        canonical(b.unit),
    )


@rule("S05", "warning", "三级指标不应重复", evidence="P")
def s05_duplicate_indicators(table: Table, settings: Settings) -> Iterator[Hit]:
    """同一表内三级指标不应重复：名称相同或几乎相同，或同一项活动（名称有共同的词、目标值也相同）在两个
    不同的二级指标下被计了两次。

    原因：同一产出重复计入，会让指标显得更多，考核时也会重复计分。
    错误示例：质量指标“宣传预警 ≥ 4 次”，社会效益“开展……宣传 ≥ 4 次”。
    正确示例：宣传只在数量指标下计一次，效益指标写宣传带来的效果。
    """
    # 中期 and 年度 blocks (88号) repeat names by design: compare names within one block
    blocks: dict[int, _NameIndex] = {}
    for indicator in filled(table):
        if indicator.name is None:
            continue
        earlier = blocks.setdefault(indicator.block, _NameIndex()).twin(indicator)
        if earlier is not None:
            yield Hit(
                indicator.name.at,
                f"三级指标“{indicator.name.text}”与第 {earlier.row} 行“{earlier.name.text}”重复",
            )


class _NameIndex:
    """Earlier 三级 names, indexed by their two-character words so a 12,000-row block stays linear."""

    COMMON = 64  # a word shared by more rows than this tells nothing about duplicates
    CANDIDATES = 8

    def __init__(self) -> None:
        self.indicators: list[Indicator] = []
        self.names: list[str] = []
        self.exact: dict[str, Indicator] = {}
        self.postings: dict[str, list[int]] = {}  # a word's rows, kept up to COMMON + 1 (then never read)

    def twin(self, indicator: Indicator) -> Indicator | None:
        """An earlier row with the same or nearly the same name, or a shared word and the same target;
        then remembers this row too."""
        name = clean(indicator.name.text)
        grams = _bigrams(name)
        earlier = self.exact.get(name) or self._similar(indicator, name, grams)
        self.exact.setdefault(name, indicator)
        for gram in grams:
            postings = self.postings.setdefault(gram, [])
            if len(postings) <= self.COMMON:
                postings.append(len(self.names))
        self.indicators.append(indicator)
        self.names.append(name)
        return earlier

    def _similar(self, indicator: Indicator, name: str, grams: set[str]) -> Indicator | None:
        shared: dict[int, int] = {}
        for gram in grams:
            postings = self.postings.get(gram, ())
            if len(postings) <= self.COMMON:
                for position in postings:
                    shared[position] = shared.get(position, 0) + 1
        matcher = None
        for position in sorted(shared, key=lambda p: (-shared[p], p))[: self.CANDIDATES]:
            earlier, other = self.indicators[position], self.names[position]
            if indicator.number is not None and _counted_twice(indicator, earlier):
                return earlier
            if 2 * min(len(name), len(other)) < 0.85 * (len(name) + len(other)):
                continue  # lengths alone rule out a ratio of 0.85
            if matcher is None:  # b is the side SequenceMatcher indexes: index it once, when first needed
                matcher = SequenceMatcher(None, b=name)
            matcher.set_seq1(other)
            if matcher.quick_ratio() >= 0.85 and matcher.ratio() >= 0.85:
                return earlier
        return None


def _unbalanced(text: str) -> bool:
    return text.count("《") != text.count("》") or text.count("（") + text.count("(") != text.count(
        "）"
    ) + text.count(")")


@rule("S06", "info", "表头/名称截断需识别", evidence="P")
def s06_truncated_labels(table: Table, settings: Settings) -> Iterator[Hit]:
    """导出时被截断的表头按前缀识别（“项目支出实施”→项目支出实施期，“本年度绩效目”→本年度绩效目标）；
    名称中书名号、括号不成对，提示可能被截断。

    原因：单元格过窄时导出文本会被截断；识别后仍可校验，但应在原表中补全。
    错误示例：表头“年度本级预算”；三级指标“起草《政府工作报告》等各类文”。
    正确示例：表头“年度本级预算金额”。
    """
    for item in table.header.values():
        if not item.known:
            continue  # a label outside the vocabulary is read as written
        found = match_header_label(item.label.text)
        if (
            found is not None and found.truncated
        ):  # a prefix of a spelling, not a full synonym (项目期, 绩效金额)
            yield Hit(
                item.label.at,
                f"表头“{item.label.text}”按“{item.label.value}”识别，可能被截断",
            )
    for indicator in table.indicators:
        if indicator.name is not None and (_unbalanced(indicator.name.text) or _cut_short(indicator)):
            yield Hit(indicator.name.at, f"三级指标“{indicator.name.text}”可能被截断")


CJK = re.compile(r"[\u4e00-\u9fff]")


def _cut_short(indicator: Indicator) -> bool:
    """The name's last words continue in the row's explanation (`…各类文` / `…各类文稿起草字`): cut on export."""
    name = clean(indicator.name.text)
    tail = name[-3:]
    for other in (clean(f.text) for f in (indicator.explanation, indicator.remark) if f is not None):
        at = other.find(tail)
        if len(name) >= 6 and name not in other and at >= 0 and CJK.match(other[at + 3 : at + 4]):
            return True
    return False


@rule("S07", "warning", "完成时限应在实施期内", evidence="P")
def s07_deadline_in_period(table: Table, settings: Settings) -> Iterator[Hit]:
    """时效指标或完成时间里写的年份应落在实施期内。

    原因：完成时间超出实施期，说明目标或实施期填错了。
    错误示例：实施期“2026年”，时效指标“完成时间 ≤ 2027年6月”。
    正确示例：实施期“2026年”，完成时间“2026年12月底前”。
    """
    period = table.header.get("实施期")
    if period is None or period.value is None:
        return
    years = [int(y) for y in YEAR.findall(period.value.text)]
    if not years:
        return
    for indicator in filled(table):
        if canonical(indicator.level2) != "时效指标" and "完成时间" not in name_text(indicator):
            continue
        value = indicator.value
        if value is None or not isinstance(value.value, str):
            continue
        for year in (int(y) for y in YEAR.findall(value.text)):
            if not min(years) <= year <= max(years):
                yield Hit(value.at, f"完成时限“{value.text}”不在实施期“{period.value.text}”内")
                break


@rule("S08", "warning", "中期与年度目标应区分", source="F88")
def s08_medium_term(table: Table, settings: Settings) -> Iterator[Hit]:
    """跨年度项目：中期资金总额不应小于年度资金总额；中期指标与年度指标完全相同、或中期目标与年度目标
    文字相同（几乎相同）时给出警告。

    原因：中期目标是整个实施期的目标，照抄年度目标说明没有分年度测算。
    错误示例：中期资金总额 100 万元，年度资金总额 120 万元。
    正确示例：中期资金总额 300 万元，年度资金总额 100 万元，年度指标是中期指标的分解。
    """
    medium, annual = table.item_value("中期资金总额"), table.item_value("年度预算金额")
    if isinstance(medium, float) and isinstance(annual, float) and medium < annual:
        item = table.header["中期资金总额"]
        yield Hit(
            item.value.at,
            f"中期资金总额 {number_text(medium)} 小于年度资金总额 {number_text(annual)}",
        )
    pair = _medium_and_annual(table)
    if pair is not None and _same_targets(table, *pair):
        second = table.blocks[pair[1]]
        at = Loc(row=second.header_row, col=second.columns.get("level1", table.left))
        yield Hit(at, "中期与年度绩效指标完全相同，应分别设定")
    yield from _same_goals(table)


def _same_targets(table: Table, medium: int, annual: int) -> bool:
    """The two blocks set the same targets: side by side, every row filled in both reads alike (two at
    least); stacked, the two sets of (name, value) are equal."""
    rows: dict[int, dict[int, tuple[str, str]]] = {}
    for indicator in filled(table):
        if indicator.block in (medium, annual):
            target = (
                name_text(indicator),
                half_width(clean(indicator.value.text)) if indicator.value else "",
            )
            rows.setdefault(indicator.row, {})[indicator.block] = target
    side_by_side = table.blocks[medium].header_row == table.blocks[annual].header_row
    if side_by_side:
        both = [pair for pair in rows.values() if len(pair) == 2]
        return len(both) >= 2 and all(pair[medium] == pair[annual] for pair in both)
    sets = [{pair[block] for pair in rows.values() if block in pair} for block in (medium, annual)]
    return bool(sets[0]) and sets[0] == sets[1]


def _medium_and_annual(table: Table) -> tuple[int, int] | None:
    """The 中期 and the 年度 block (column groups or stacked blocks); county columns are no such pair."""
    periods = [block.period for block in table.blocks]
    if MEDIUM_TERM in periods and ANNUAL in periods:
        return periods.index(MEDIUM_TERM), periods.index(ANNUAL)
    if len(periods) >= 2 and periods[:2] == [None, None]:
        return 0, 1  # two stacked blocks without a period word: 中期 first, as in 88号
    return None


def _same_goals(table: Table) -> Iterator[Hit]:
    """中期目标 and 年度目标 written (nearly) alike (docs/reference/rules.md §3.5, S08)."""
    medium, annual = table.header.get("中期绩效目标"), table.header.get("本年度绩效目标")
    if medium is None or annual is None or medium.value is None or annual.value is None:
        return
    a, b = clean(medium.value.text), clean(annual.value.text)
    if a and SequenceMatcher(None, a, b).ratio() >= GOALS_ALIKE:
        at = annual.value.at
        how = "相同" if a == b else "大部分相同"
        yield Hit(at, f"中期目标与年度目标{how}，年度目标应是中期目标的分年度分解")


GOALS_ALIKE = 0.75  # a year's goal that copies three quarters of the 中期 goal has not been broken down


@rule("S09", "warning", "公式须有计算结果", evidence="P")
def s09_formulas_without_results(table: Table, settings: Settings) -> Iterator[Hit]:
    """表中的公式在文件里没有计算结果（文件由不计算公式的程序生成或导出），这些单元格只能按空白校验。

    原因：金额、合计常是公式；没有结果就无法核对，校验结论可能不完整。
    错误示例：B12 为“=SUM(C12:F12)”，但文件中没有它的值（由导出工具直接写出）。
    正确示例：用 Excel 或 WPS 打开、保存后再校验，B12 有计算结果 949.134。
    """
    for formula in table.formulas_without_results:
        yield Hit(
            formula.at,
            f"公式“={formula.text}”在文件中没有计算结果，已按空白校验；请用 Excel 或 WPS 打开、保存后再校验",
        )


@rule("S10", "warning", "表格内容须能完整识别", evidence="P")
def s10_unread_content(table: Table, settings: Settings) -> Iterator[Hit]:
    """表格范围内每个非空行都应能读作表头、指标、合计或表注；读不懂的行不参与校验，逐行指出。
    标签列里写了非层级文字、看似表格却读不出内容的区域、按评价指标表读取的表，也在此说明。

    原因：读不懂的行如果悄悄跳过，校验结果会显得“没有问题”，而那一行其实没有校验。
    错误示例：指标区中间夹着一行“以上指标由各股室共同完成”，写在一级指标列。
    正确示例：说明文字写在表格下方，以“注：”开头。
    """
    if table.unreadable:
        at = table.title.at if table.title else Loc(row=table.top, col=table.left)
        yield Hit(at, f"此处像是绩效目标表，但未能读取：{table.unreadable}")
    yield from noted(table, "S10")
