"""S05's index of earlier 三级 names is bounded so a 12,000-row block stays linear: a two-character word shared
by more than COMMON (64) earlier rows is no evidence, and only the CANDIDATES (8) earlier rows sharing most
words are compared. Each bound gets a case on it and one past it (the rows are too many for a TOML case)."""

from __future__ import annotations

import pytest
from rule_harness import cell_of, workbook

from perfgoals_xl.core.rules.structure import _NameIndex
from perfgoals_xl.pipeline import check_file

# what was handed out or used for 宣传: two-character words sharing no character with 宣传, 开展 or each other
WORDS = [
    "资料", "手册", "海报", "横幅", "标语", "短信", "视频", "广播", "讲座", "培训", "会议", "专栏", "网页", "微博", "橱窗", "挂图",
    "灯箱", "读本", "教材", "课件", "动漫", "歌曲", "小品", "相声", "快板", "评书", "电影", "日历", "扑克", "水杯", "雨伞", "纸巾",
    "围裙", "帽子", "背包", "钥匙", "笔记", "卡片", "磁贴", "口罩", "马甲", "鞋垫", "球拍", "跳绳", "风筝", "积木", "魔方", "棋盘",
    "乒乓", "羽毛", "泳池", "跑道", "沙坑", "单杠", "秋千", "滑梯", "公园", "社区", "村庄", "集市", "码头", "车站", "机场", "医院",
    "学校", "银行",
]  # fmt: skip
TWIN = ["效益指标", "社会效益指标", "开展宣传", 1, "次", "≥"]  # the same target as the first earlier row


def s05(write_book, earlier: int, twin_at: int = 0) -> tuple[list[tuple[str, str]], str]:
    """`earlier` rows 宣传<word> under 数量指标 (targets 1, 2, … 次, the row at `twin_at` is 1 次), then 开展宣传
    1 次 under 社会效益指标: the same activity counted twice, linked only by the word 宣传."""
    numbers = [n + 2 for n in range(earlier)]
    numbers[twin_at] = 1
    rows = [["产出指标", "数量指标", f"宣传{WORDS[n]}", numbers[n], "次", "≥"] for n in range(earlier)]
    case = {"name": "S05 bounds", "rows": [*rows, TWIN]}
    result = check_file(write_book(workbook(case)))
    assert result.error is None
    return [(f.cell, f.message) for f in result.findings if f.rule == "S05"], cell_of(case, f"name+{earlier}")


@pytest.mark.parametrize(("earlier", "fires"), [(_NameIndex.COMMON, True), (_NameIndex.COMMON + 1, False)])
def test_a_word_of_64_earlier_rows_still_links_65_does_not(write_book, earlier, fires):
    found, twin = s05(write_book, earlier)
    assert _NameIndex.COMMON == 64
    expected = [(twin, "三级指标“开展宣传”与第 8 行“宣传" + WORDS[0] + "”重复")] if fires else []
    assert found == expected


@pytest.mark.parametrize(
    ("twin_at", "fires"), [(_NameIndex.CANDIDATES - 1, True), (_NameIndex.CANDIDATES, False)]
)
def test_only_the_first_8_rows_sharing_a_word_are_compared(write_book, twin_at, fires):
    found, twin = s05(write_book, 20, twin_at)
    assert _NameIndex.CANDIDATES == 8
    assert [cell for cell, _ in found] == ([twin] if fires else [])
