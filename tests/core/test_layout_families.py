"""One test per layout family seen in the real tables of ../shared/corpus/real/, each written twice.

Each table copies the shape of the corpus file named in its docstring (not every word): once as a clerk's workbook
has it (titles and header values merged across, 一级/二级 and the 绩效指标 label column merged down, multi-column
header cells merged) and once with no merge at all (labels only in their first row). Asserted through the JSON
report only: every indicator row read with its 一级/二级/三级/value/unit as far as the layout carries them,
`unread_rows == []`, and the family's key findings.
"""

from __future__ import annotations

import io
import json
from collections import Counter

import pytest
from sheet_cases import Sheet, found, only_table, ref, targets

from perfgoals_xl.core.render import to_json, write_json
from perfgoals_xl.core.report import Report
from perfgoals_xl.pipeline import check_file


@pytest.fixture(params=[True, False], ids=["merged", "unmerged"])
def merged(request) -> bool:
    """True: the clerk's merges are written; False: the same values with no merge at all."""
    return request.param


def report(path) -> dict:
    """The JSON report of one file (its files[0] entry), as the CLI streams it; the streamed text must be
    exactly what dumping the whole document at once writes."""
    whole = Report([check_file(path)])
    stream = io.StringIO()
    write_json(whole, stream)
    assert stream.getvalue() == json.dumps(to_json(whole), ensure_ascii=False, indent=2) + "\n"
    return json.loads(stream.getvalue())["files"][0]


# ── a. flat list without 一级/二级 (DV02 重庆 巴南一品街道 部门整体) ──────────────────────────────────────


def flat_list(weights: tuple[int, ...]) -> tuple[Sheet, list[int]]:
    """DV02's 整体绩效目标表 with these 指标权重; returns the sheet and its indicator rows."""
    sheet = Sheet()
    w = iter(weights)
    rows = sheet.lines(1, [
        ["2022年部门(单位)整体绩效目标表"],
        ["单位:万元"],
        ["部门(单位)名称", "重庆市巴南区人民政府一品街道办事处", "区级支出预算总量", 3724.39],
        ["当年整体绩效目标", "对辖区125公里农村公路开展养护维修；免疫密度100%；服务对象满意度95%以上"],
        ["绩效指标", "指标名称", "指标权重", "计量单位", "指标性质", "指标值"],
        [None, "预算执行率", next(w), "%", "=", 100],
        [None, "预决算及时编制率", next(w), "%", "=", 100],
        [None, "农村公路养护里程", next(w), "公里", "≥", 125],
        [None, "开展各种文艺活动场次", next(w), "场", None, 20],
        [None, "饲养动物免疫率", next(w), "%", "≥", 95],
        [None, "服务对象满意度", next(w), "%", "≥", 95],
    ])  # fmt: skip
    sheet.merge("A1:F1", "A2:F2", "B4:F4", "A5:A11")
    return sheet, rows[5:]


FLAT_READ = [
    (None, None, "预算执行率", "=", 100, "%"),
    (None, None, "预决算及时编制率", "=", 100, "%"),
    (None, None, "农村公路养护里程", "≥", 125, "公里"),
    (None, None, "开展各种文艺活动场次", None, 20, "场"),
    (None, None, "饲养动物免疫率", "≥", 95, "%"),
    (None, None, "服务对象满意度", "≥", 95, "%"),
]


def test_flat_list_without_hierarchy(write_book, merged):
    """DV02: `指标名称 | 指标权重 | 计量单位 | 指标性质 | 指标值`, no 一级/二级 columns: every row read, no
    hierarchy finding (the template has none), V01 for the numeric row whose 指标性质 is empty."""
    sheet, rows = flat_list((20, 20, 20, 20, 10, 10))
    rep = report(sheet.write(write_book, merged))
    table = only_table(rep)
    assert table["kind"] == "department"
    assert targets(table) == FLAT_READ
    assert table["unread_rows"] == []
    assert [f for f in rep["findings"] if f["rule"] in ("H01", "H02", "H04", "H09")] == []
    assert [(f["row"], f["severity"]) for f in found(rep, "V01")] == [(rows[3], "error")]


@pytest.mark.parametrize(
    ("weights", "c09"),
    [((20, 20, 20, 20, 10, 10), []), ((20, 20, 20, 15, 10, 10), ["warning"])],
    ids=["100", "95"],
)
def test_flat_list_weights(write_book, merged, weights, c09):
    """DV02: 指标权重 summing to 100 pass; 95 is a C09 warning."""
    sheet, _ = flat_list(weights)
    rep = report(sheet.write(write_book, merged))
    assert [f["severity"] for f in found(rep, "C09")] == c09


# ── b. 指标类型 | 指标名称 holding the 二级 names (DV04 浙江 临海) ────────────────────────────────────────


def test_type_and_name_columns_holding_levels(write_book, merged):
    """DV04: `指标类型 | 指标名称 | 指标值 | 指标描述` where 指标名称 holds 二级 names and no 三级 exists:
    level1 from 指标类型, level2 from 指标名称, name None, and H08 for every row with a value."""
    sheet = Sheet()
    rows = sheet.lines(1, [
        ["项目名称:", "绿化养护经费", "项目编号:"],
        ["项目联系人:", "汤义青", "联系电话:", "13867656030"],
        ["项目属性:", "延续", "项目期限:", "全年"],
        ["项目绩效目标", "绩效目标总体描述", "完成全市375万平方米绿地养护，绿化覆盖率100%，市民满意率95%以上"],
        ["指标类型", "指标名称", "指标值", "指标描述"],
        ["产出指标", "数量指标", "375万平方米", "完成全市375万平方米的绿地养护、维护等"],
        [None, "质量指标", "100%", "达到绿化绿地全覆盖"],
        [None, "时效指标", "全年", "全年"],
        ["效益指标", "社会效益指标", "是", "满足市民生存环境的需求"],
        ["满意度指标", "服务对象满意度指标", "≥95%", "服务对象对于绿化养护的满意率应在95%以上"],
    ])[5:]  # fmt: skip
    sheet.merge("C4:D4")
    sheet.down(1, 6, 10, (1, 4))
    rep = report(sheet.write(write_book, merged))
    table = only_table(rep)
    assert targets(table) == [
        ("产出指标", "数量指标", None, None, 375, "万平方米"),
        ("产出指标", "质量指标", None, None, 100, "%"),
        ("产出指标", "时效指标", None, None, "全年", None),
        ("效益指标", "社会效益指标", None, None, "是", None),
        ("满意度指标", "服务对象满意度指标", None, "≥", 95, "%"),
    ]
    assert table["unread_rows"] == []
    assert sorted(f["row"] for f in found(rep, "H08")) == rows


# ── c. central transfer-payment form, hierarchy shifted one level (DV15 天津 宝坻) ───────────────────────


def test_hierarchy_shifted_one_level(write_book, merged):
    """DV15: the 一级 column holds 实施效果指标 and the 二级 column 产出指标/效益指标: indicators read with
    level1 产出指标/效益指标; H01 warning at the 实施效果指标 cell; no H02 error."""
    sheet = Sheet()
    sheet.lines(1, [
        ["天津市农业绿色发展专项(畜禽粪污资源化利用整县推进项目)2022年中央预算内投资计划绩效目标表"],
        ["(天津市宝坻区畜禽粪污资源化利用整区推进项目)"],
        ["专项名称", "农业绿色发展专项 (畜禽粪污资源化利用整县推进项目)"],
        ["下达地方或单位", "宝坻区人民政府"],
        ["下达中央预算内投资(万元)", 2350],
        ["总体目标", "完成1个整区推进项目建设，畜禽粪污综合利用率达到90%以上"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
        [None, "实施效果指标", "产出指标", "建设项目个数(含续建)", "1个"],
        [None, None, None, "竣工验收合格率", "100%"],
        [None, None, "效益指标", "完工项目县畜禽粪污综合利用率", "≥90%"],
        [None, None, None, "完工项目县规模养殖场粪污处理设施装备配套率", "≥95%"],
    ])  # fmt: skip
    sheet.merge("A1:E1", "A2:E2", "B3:E3", "B4:E4", "B5:E5", "B6:E6")
    sheet.down(1, 7, 11, (1, 5))
    sheet.down(2, 8, 11, (1, 5), parents=(1,))
    sheet.down(3, 8, 11, (1, 5), parents=(1, 2))
    rep = report(sheet.write(write_book, merged))
    table = only_table(rep)
    assert targets(table) == [
        ("产出指标", None, "建设项目个数(含续建)", None, 1, "个"),
        ("产出指标", None, "竣工验收合格率", None, 100, "%"),
        ("效益指标", None, "完工项目县畜禽粪污综合利用率", "≥", 90, "%"),
        ("效益指标", None, "完工项目县规模养殖场粪污处理设施装备配套率", "≥", 95, "%"),
    ]
    assert table["unread_rows"] == []
    assert [(f["cell"], f["severity"]) for f in found(rep, "H01")] == [("B8", "warning")]
    assert found(rep, "H02", "error") == []


# ── d. 中期 ‖ 年度 indicator column groups side by side (DV13 东莞 展览馆) ──────────────────────────────────

MID_YEAR_READ = [
    ("产出指标", "数量指标", "物管服务面积", "≥", 26000, "平方米"),
    ("产出指标", "质量指标", "物业管理保障工作合格率", "≥", 95, "%"),
    ("产出指标", "质量指标", "物业管理各项任务完成达标率", "≥", 95, "%"),
    ("效益指标", "社会效益指标", "场馆年开放天数", "≥", 300, "天"),
    ("满意度指标", "服务对象满意度指标", "观众满意度", "≥", 90, "%"),
]


def test_mid_term_and_annual_column_groups(write_book, merged):
    """DV13: `一级 | 二级 | 三级 | 实施周期指标值 | 二级 | 三级 | 当年度指标值`, both groups identical: each
    indicator read once per group; S08 warning (中期 = 年度), no S05 across the groups."""
    sheet = Sheet()
    sheet.lines(1, [
        ["东莞市财政项目支出绩效目标表"],
        ["（2022年度）"],
        ["预算单位：东莞展览馆"],
        ["项目名称", "物业管理费支出", None, None, "本年度申请市财政预算资金(万元)", None, None, 282.92],
        ["总体目标", "实施周期总目标(2022年--2024年)", None, None, None, "年度目标"],
        [None, "2022—2024年维护建筑面积2.6万平方米的场馆正常运转，观众满意度90%以上", None, None, None,
         "2022年维护建筑面积2.6万平方米的场馆，全年开放300天以上"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "实施周期指标值", "二级指标", "三级指标", "当年度指标值"],
        [None, "产出指标", "数量指标", "物管服务面积", "≥26000平方米", "数量指标", "物管服务面积", "≥26000平方米"],
        [None, None, "质量指标", "物业管理保障工作合格率", "≥95%", "质量指标", "物业管理保障工作合格率", "≥95%"],
        [None, None, None, "物业管理各项任务完成达标率", "≥95%", None, "物业管理各项任务完成达标率", "≥95%"],
        [None, "效益指标", "社会效益指标", "场馆年开放天数", "≥300天", "社会效益指标", "场馆年开放天数", "≥300天"],
        [None, "满意度指标", "服务对象满意度指标", "观众满意度", "≥90%", "服务对象满意度指标", "观众满意度", "≥90%"],
    ])  # fmt: skip
    sheet.merge("A1:H1", "A2:H2", "A3:H3", "B4:D4", "E4:G4", "A5:A6", "B5:E5", "F5:H5", "B6:E6", "F6:H6")
    sheet.down(1, 7, 12, (1, 8))
    sheet.down(2, 8, 12, (1, 8), parents=(1,))
    sheet.down(3, 8, 12, (1, 8), parents=(1, 2))
    sheet.down(6, 8, 12, (1, 8), parents=(1, 2))
    rep = report(sheet.write(write_book, merged))
    table = only_table(rep)
    assert Counter(targets(table)) == {target: 2 for target in MID_YEAR_READ}
    assert table["unread_rows"] == []
    assert [f["severity"] for f in found(rep, "S08")] == ["warning"]
    assert found(rep, "S05") == []


# ── e. one target column per county (DV21 / DV22 福建 龙岩 专项转移支付) ─────────────────────────────────


def test_one_value_column_per_county(write_book, merged):
    """DV21/DV22: 区域目标值 merged over three columns with the counties named in a second header row: three
    values per indicator row; the county row is header, not unread; no S08."""
    sheet = Sheet()
    rows = sheet.lines(1, [
        ["专项转移支付绩效目标表"],
        ["（2025年度）"],
        ["部门(单位)名称", "龙岩市民族与宗教事务局", None, None, "部门预算编码", 230001],
        ["项目名称", "民族发展专项资金", None, None, "补助区域", "县(区)"],
        ["资金情况(万元)", "资金总额:", 55],
        [None, "其中:财政拨款", 55],
        [None, "其他资金"],
        ["总体目标", "扶持民族村发展项目6个，资金使用合规率95%以上，受益群众满意度90%以上"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标解释", "区域目标值"],
        [None, None, None, None, None, "新罗区", "上杭县", "漳平市"],
        [None, "产出指标", "数量指标", "扶持民族村发展项目数量", "反映扶持项目数量", "≥3个", "≥2个", "≥1个"],
        [None, None, "质量指标", "项目资金使用合规率", "反映资金使用合规情况", "≥95%", "≥95%", "≥95%"],
        [None, "效益指标", "社会效益指标", "民族村群众受益覆盖率", "反映受益覆盖情况", "≥90%", "≥90%", "≥90%"],
        [None, "满意度指标", "服务对象满意度指标", "受益群众满意度", "反映群众满意程度", "≥90%", "≥90%", "≥90%"],
    ])[10:]  # fmt: skip
    sheet.merge("A1:H1", "A2:H2", "B3:D3", "F3:H3", "B4:D4", "F4:H4", "A5:A7", "C5:H5", "C6:H6", "C7:H7")
    sheet.merge("B8:H8", "F9:H9", "B9:B10", "C9:C10", "D9:D10", "E9:E10")
    sheet.down(1, 9, 14, (1, 8))
    sheet.down(2, 11, 14, (1, 8), parents=(1,))
    sheet.down(3, 11, 14, (1, 8), parents=(1, 2))
    rep = report(sheet.write(write_book, merged))
    table = only_table(rep)
    expected = {
        rows[0]: ("产出指标", "数量指标", "扶持民族村发展项目数量", [3, 2, 1], "个"),
        rows[1]: ("产出指标", "质量指标", "项目资金使用合规率", [95, 95, 95], "%"),
        rows[2]: ("效益指标", "社会效益指标", "民族村群众受益覆盖率", [90, 90, 90], "%"),
        rows[3]: ("满意度指标", "服务对象满意度指标", "受益群众满意度", [90, 90, 90], "%"),
    }
    assert sorted({i["row"] for i in table["indicators"]}) == rows
    for row, (level1, level2, name, values, unit) in expected.items():
        read = [i for i in table["indicators"] if i["row"] == row]
        assert {(i["level1"], i["level2"], i["name"], i["operator"], i["unit"]) for i in read} == {
            (level1, level2, name, "≥", unit)
        }
        assert sorted(i["value"] for i in read) == sorted(values)
    assert table["unread_rows"] == []
    assert found(rep, "S08") == []


# ── f. indented tree, one level per column (DV10 宁夏 石嘴山 批复表) ────────────────────────────────────


def test_indented_tree(write_book, merged):
    """DV10: `项目 | … | 指标值 | 绩效金额`; organisation, project (绩效金额 3000000, 单位:元), 一级, 二级
    (with `(必填硬性指标)`) and 三级 rows each one column further right: levels read from the vocabulary."""
    sheet = Sheet()
    rows = sheet.lines(1, [
        ["石嘴山市疾病预防控制中心2020年项目绩效目标批复表"],
        ["单位:元"],
        ["项目", None, None, None, None, "指标值", "绩效金额"],
        ["石嘴山市疾病预防控制中心"],
        [None, "狂犬、乙肝、流感等疫苗及美沙酮药物", None, None, None, None, 3000000],
        [None, None, "产出指标"],
        [None, None, None, "成本指标(必填硬性指标)"],
        [None, None, None, None, "按照物价部门定价标准采购", "100%"],
        [None, None, None, "数量指标(必填硬性指标)"],
        [None, None, None, None, "疫苗接种人次", "50000人次"],
        [None, None, None, "时效指标(必填)"],
        [None, None, None, None, "疫苗提供及时率", "100%"],
        [None, None, "满意度指标"],
        [None, None, None, "服务对象满意度指标(必填)"],
        [None, None, None, None, "服务对象满意度", "95%"],
        [None, None, "效益指标"],
        [None, None, None, "社会效益指标(必填)"],
        [None, None, None, None, "满足辖区居民对常用疫苗的需求", "100%"],
    ])  # fmt: skip
    sheet.merge("A1:G1", "A2:G2", "A3:E3", "A4:E4", "B5:E5")
    for row in rows[5:]:  # each label merged right up to the 指标值 column
        col = min(c for c in range(1, 6) if sheet.get(row, c) is not None)
        if col < 5:
            sheet.merge(ref(row, col, row, 5))
    rep = report(sheet.write(write_book, merged))
    table = only_table(rep)
    assert (table["name"], table["budget"], table["amount_unit"]) == (
        "狂犬、乙肝、流感等疫苗及美沙酮药物",
        3000000,
        "元",
    )
    assert targets(table) == [
        ("产出指标", "成本指标", "按照物价部门定价标准采购", None, 100, "%"),
        ("产出指标", "数量指标", "疫苗接种人次", None, 50000, "人次"),
        ("产出指标", "时效指标", "疫苗提供及时率", None, 100, "%"),
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", None, 95, "%"),
        ("效益指标", "社会效益指标", "满足辖区居民对常用疫苗的需求", None, 100, "%"),
    ]
    assert table["unread_rows"] == []


# ── g. 一体化 export, one row per indicator, several projects (docs/reference/templates.md §4 Sichuan county 2023) ──────

EXPORT_PROJECTS = [
    ("学生营养改善计划", 120000, [
        ["产出指标", "数量指标", "受助学生人数", "≥", 500, "人", 30, "正向"],
        [None, "质量指标", "补助资金发放准确率", "=", 100, "%", 30, "正向"],
        ["效益指标", "社会效益指标", "学生营养状况改善率", "≥", 90, "%", 20, "正向"],
        ["满意度指标", "服务对象满意度指标", "学生家长满意度", "≥", 90, "%", 20, "正向"],
    ]),
    ("校舍维修改造", 80000, [
        ["产出指标", "数量指标", "维修校舍面积", "≥", 1200, "平方米", 30, "正向"],
        [None, "质量指标", "工程验收合格率", "=", 100, "%", 30, "正向"],
        ["效益指标", "社会效益指标", "校舍安全隐患消除率", "≥", 95, "%", 20, "正向"],
        ["满意度指标", "服务对象满意度指标", "师生满意度", "≥", 90, "%", 20, "正向"],
    ]),
]  # fmt: skip


def test_one_row_per_indicator_export(write_book, merged):
    """Sichuan county 2023 export: `单位名称 | 项目名称 | 预算数 | 年度目标 | 一级 | … | 权重 | 指标方向性`,
    金额单位：元 above, two projects of four rows: two tables with their own names, budgets and indicators."""
    sheet = Sheet()
    sheet.lines(1, [
        ["2023年部门预算项目绩效目标申报表"],
        ["金额单位：元"],
        ["单位名称", "项目名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
         "度量单位", "权重", "指标方向性"],
    ])  # fmt: skip
    top = 4
    for index, (name, budget, indicators) in enumerate(EXPORT_PROJECTS):
        goal = f"完成{name}，{indicators[0][2]}达到{indicators[0][4]}{indicators[0][5]}"
        unit = "某县教育局" if index == 0 else None
        sheet.lines(
            top, [[unit, name, budget, goal, *indicators[0]], *([None] * 4 + row for row in indicators[1:])]
        )
        top += len(indicators)
    last = top - 1
    sheet.merge("A1:L1", "A2:L2")
    sheet.down(1, 4, last, (1, 12))
    for col in (2, 3, 4):
        sheet.down(col, 4, last, (1, 12))
    sheet.down(5, 4, last, (1, 12), parents=(2,))
    sheet.down(6, 4, last, (1, 12), parents=(2, 5))
    rep = report(sheet.write(write_book, merged))
    assert rep["error"] is None
    tables = rep["tables"]
    assert [(t["kind"], t["name"], t["budget"], t["amount_unit"]) for t in tables] == [
        ("project", "学生营养改善计划", 120000, "元"),
        ("project", "校舍维修改造", 80000, "元"),
    ]
    for table, (_, _, indicators) in zip(tables, EXPORT_PROJECTS, strict=True):
        level1 = None
        expected = []
        for row in indicators:
            level1 = row[0] or level1
            expected.append((level1, row[1], row[2], row[3], row[4], row[5]))
        assert targets(table) == expected
        assert table["unread_rows"] == []
    assert found(rep, "C09") == []


# ── h. 长期 / 年度 value columns (Hunan 2021-2024 项目绩效目标表, docs/reference/templates.md §3) ────────────────────────

LONG_YEAR = [
    ("产出指标", "数量指标", "服务老人人次", ("≥", 30000, "人次"), ("≥", 10000, "人次")),
    ("产出指标", "质量指标", "服务合格率", ("≥", 98, "%"), ("≥", 95, "%")),
    ("产出指标", "时效指标", "服务响应及时率", ("≥", 98, "%"), ("≥", 95, "%")),
    ("效益指标", "社会效益指标", "居家养老服务覆盖率", ("≥", 60, "%"), ("≥", 40, "%")),
    ("满意度指标", "服务对象满意度指标", "服务老人满意度", ("≥", 95, "%"), ("≥", 90, "%")),
]


def test_long_term_and_annual_value_columns(write_book, merged):
    """`一级 | 二级 | 三级 | 长期指标值 | 年度指标值`: the annual value of each row is read, nothing is unread."""
    sheet = Sheet()

    def text(target):
        op, value, unit = target
        return f"{op}{value}{unit}"

    first = [None, None]
    lines = []
    for level1, level2, name, long_term, annual in LONG_YEAR:
        lines.append([level1 if level1 != first[0] else None, level2 if level2 != first[1] else None, name,
                      text(long_term), text(annual)])  # fmt: skip
        first = [level1, level2]
    rows = sheet.lines(1, [
        ["项目绩效目标表"],
        ["金额单位：万元"],
        ["项目名称", "社区居家养老服务中心运营"],
        ["资金总额", 60],
        ["项目绩效目标", "长期目标", "三年内服务老人30000人次，居家养老服务覆盖率达到60%"],
        [None, "年度目标", "全年服务老人10000人次，居家养老服务覆盖率达到40%"],
        ["一级指标", "二级指标", "三级指标", "长期指标值", "年度指标值", "备注"],
        *lines,
    ])[7:]  # fmt: skip
    sheet.merge("A1:F1", "A2:F2", "B3:F3", "B4:F4", "A5:A6", "C5:F5", "C6:F6")
    sheet.down(1, 8, rows[-1], (1, 6))
    sheet.down(2, 8, rows[-1], (1, 6), parents=(1,))
    rep = report(sheet.write(write_book, merged))
    table = only_table(rep)
    for row, (level1, level2, name, _, annual) in zip(rows, LONG_YEAR, strict=True):
        read = {
            (i["level1"], i["level2"], i["name"], i["operator"], i["value"], i["unit"])
            for i in table["indicators"]
            if i["row"] == row
        }
        assert (level1, level2, name, *annual) in read
    assert table["unread_rows"] == []


# ── i. graded standards 优/良/中/差 beside 指标值 ────────────────────────────────────────────────────────


def test_graded_standards_are_not_values(write_book, merged):
    """`一级 | 二级 | 三级 | 指标值 | 评分标准` with 评分标准 over four columns and a second header row
    `优 | 良 | 中 | 差`: values come from 指标值 only; the grade row is header, not unread."""
    sheet = Sheet()
    sheet.lines(1, [
        ["项目支出绩效目标表"],
        ["金额单位：万元"],
        ["项目名称", "农村饮水安全巡检"],
        ["年度预算金额", 20],
        ["年度绩效目标", "全年巡检120个村，水质检测合格率95%以上，村民满意度90%以上"],
        ["一级指标", "二级指标", "三级指标", "指标值", "评分标准"],
        [None, None, None, None, "优", "良", "中", "差"],
        ["产出指标", "数量指标", "巡检村数", "≥120个", "≥120个", "100-119个", "80-99个", "<80个"],
        [None, "质量指标", "水质检测合格率", "≥95%", "≥95%", "90%-95%", "85%-90%", "<85%"],
        ["效益指标", "社会效益指标", "农村饮水安全覆盖率", "≥98%", "≥98%", "95%-98%", "90%-95%", "<90%"],
        ["满意度指标", "服务对象满意度指标", "村民满意度", "≥90%", "≥90%", "85%-90%", "80%-85%", "<80%"],
        ["成本指标", "经济成本指标", "巡检经费", "≤20万元", "≤20万元", "20-22万元", "22-25万元", ">25万元"],
    ])  # fmt: skip
    sheet.merge("A1:H1", "A2:H2", "B3:H3", "B4:H4", "B5:H5", "E6:H6", "A6:A7", "B6:B7", "C6:C7", "D6:D7")
    sheet.down(1, 8, 12, (1, 8))
    rep = report(sheet.write(write_book, merged))
    table = only_table(rep)
    assert targets(table) == [
        ("产出指标", "数量指标", "巡检村数", "≥", 120, "个"),
        ("产出指标", "质量指标", "水质检测合格率", "≥", 95, "%"),
        ("效益指标", "社会效益指标", "农村饮水安全覆盖率", "≥", 98, "%"),
        ("满意度指标", "服务对象满意度指标", "村民满意度", "≥", 90, "%"),
        ("成本指标", "经济成本指标", "巡检经费", "≤", 20, "万元"),
    ]
    assert table["unread_rows"] == []


# ── j. an evaluation table (DV23 河北 宁晋 评价指标表) ───────────────────────────────────────────────────


def test_evaluation_table_is_refused_or_flagged(write_book, merged):
    """DV23 is a 绩效评价指标表 (目标值 and 分值), not a 目标表: either no table (`no_table`, in Chinese) or a
    table read with an info finding that says it is an evaluation table. Never a crash."""
    sheet = Sheet()
    sheet.lines(1, [
        ["2019年度宁晋县高中助学金项目绩效评价指标表"],
        ["评价指标", "评价内容", "指标名称", "指标说明", "目标值", "分值", "备注"],
        ["项目年度绩效目标(定量指标)", "制度指标", "规章制度建立与否", None, None, 20],
        [None, "产出数量指标", "享受资助人数", "达到预计值", 2100, 10],
        [None, None, "资金支出率", "达到目标值", "95%", 10],
        [None, "质量指标", "建档立卡学生全面覆盖", None, "100%", 10],
        [None, None, "资助对象满意度", "达到目标值", "95%以上", 10],
        [None, "时效指标", "及时发放率", "达到目标值", "100%", 20],
        [None, "成本指标", "资助标准达标率", None, "100%", 20],
        ["总分", None, None, None, None, 100],
    ])  # fmt: skip
    sheet.merge("A1:G1", "A3:A9", "B4:B5", "B6:B7")
    rep = report(sheet.write(write_book, merged))
    error = rep["error"]
    if error is not None:
        assert error["code"] == "no_table"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    else:
        assert rep["tables"]
        assert [f for f in rep["findings"] if f["severity"] == "info" and "评价" in f["message"]] != []
