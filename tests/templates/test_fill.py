"""Standard templates and `fill`: a spec filled into the template reads back as the same spec."""

from __future__ import annotations

import json
import string

import openpyxl
import pytest
from cli_process import run_cli as run
from conftest import EXAMPLES, ONE_SHEET, THREE_SHEETS, build_examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfgoals_xl.core.specs import (
    BudgetSpec,
    DepartmentSpec,
    IndicatorSpec,
    ProjectSpec,
    TaskSpec,
    spec_from_table,
)
from perfgoals_xl.core.vocab import HIERARCHY
from perfgoals_xl.pipeline import check_file
from perfgoals_xl.templates.fill import TEMPLATE_FILES, fill, template_path
from perfgoals_xl.templates.layout import NAMES

STRUCTURAL = ("H09", "S02", "C08")  # what a filled standard template never shows when its source did not


def read_back(wb, path):
    wb.save(path)
    result = check_file(path)
    assert result.error is None, result.error
    (table,) = result.tables
    return table, result


def test_committed_templates_are_up_to_date(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_templates", EXAMPLES.parent / "build_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path in module.build(tmp_path):
        assert path.read_bytes() == (EXAMPLES.parent / path.name).read_bytes(), f"rebuild {path.name}"
    assert build_examples.save_deterministic  # the templates are saved the same byte-stable way
    book = openpyxl.load_workbook(EXAMPLES.parent / "project_template.xlsx")  # facts, whatever the builder
    assert book.sheetnames == ["项目支出绩效目标表", "_lists"]
    assert {"pg_project_name", "pg_budget"} <= set(book.defined_names)


def test_templates_are_print_ready_with_entry_help_and_names():
    for kind in TEMPLATE_FILES:
        wb = openpyxl.load_workbook(template_path(kind))
        ws = wb.worksheets[0]
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) and ws.page_setup.fitToWidth == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows
        prompts = {dv.promptTitle for dv in ws.data_validations.dataValidation}
        assert {
            "绩效目标：一级指标",
            "绩效目标：二级指标",
            "绩效目标：指标值类型",
            "绩效目标：度量单位",
        } <= prompts
        level2 = next(
            dv for dv in ws.data_validations.dataValidation if dv.promptTitle == "绩效目标：二级指标"
        )
        assert level2.formula1.startswith("INDIRECT(")
        for level1 in HIERARCHY:
            assert level1 in wb.defined_names  # the dependent 二级 lists
        assert NAMES["indicators"] in wb.defined_names and NAMES["title"] in wb.defined_names
        assert ws["A1"].font.name == "宋体" and ws.cell(row=5, column=1).font.name == "仿宋"


def test_seed_tables_round_trip_and_lose_their_structural_defects(tmp_path):
    for index, table in enumerate(check_file(THREE_SHEETS).tables):
        spec = spec_from_table(table)
        back, result = read_back(fill(spec), tmp_path / f"{index}.xlsx")
        assert spec_from_table(back) == spec
        said_by_source = {"C08"} if table.amount_unit is None else set()  # 部门整体 states no 金额单位
        assert {f.rule for f in result.findings if f.rule in STRUCTURAL} == said_by_source
        assert not [f for f in result.findings if f.rule == "S01" and "缺少" in f.message]


def test_indicator_rows_inserted_under_their_level2_and_placeholders_kept(tmp_path):
    spec = ProjectSpec(
        year=2026,
        name="示例项目",
        budget=20,
        indicators=[
            IndicatorSpec(
                level1="产出指标", level2="数量指标", name="培训人数", operator="≥", value=100, unit="人"
            ),
            IndicatorSpec(
                level1="产出指标", level2="数量指标", name="培训场次", operator="≥", value=4, unit="场"
            ),
            IndicatorSpec(
                level1="产出指标", level2="数量指标", name="发放资料", operator="≥", value=500, unit="份"
            ),
            IndicatorSpec(
                level1="效益指标",
                level2="可持续影响指标",
                name="长效机制建立",
                operator="定性",
                value="达到预期目标",
            ),
        ],
    )
    wb = fill(spec)
    ws = wb.worksheets[0]
    table, _ = read_back(wb, tmp_path / "out.xlsx")
    slots = [(i.level1.value, i.level2.value, i.name.text if i.name else None) for i in table.indicators]
    assert slots[:5] == [
        ("产出指标", "数量指标", "培训人数"),
        ("产出指标", "数量指标", "培训场次"),
        ("产出指标", "数量指标", "发放资料"),
        ("产出指标", "质量指标", None),
        ("产出指标", "时效指标", None),
    ]
    assert slots[8] == ("效益指标", "可持续影响指标", "长效机制建立")  # after 生态效益, inside its 一级 run
    merges = {str(m) for m in ws.merged_cells.ranges}
    first = table.blocks[0].first_row
    assert f"C{first}:C{first + 2}" in merges  # the 二级 run of three rows
    assert f"A{first - 1}:A{table.indicators[-1].row}" in merges  # 本年度绩效指标 down the whole block


def test_department_tasks_grow_and_budget_follows(tmp_path):
    spec = DepartmentSpec(
        year=2026,
        amount_unit="万元",
        department="区财政局",
        duties="管理全区财政收支",
        tasks=[TaskSpec(name=f"任务{i}", content=f"内容{i}") for i in range(5)],
        budget=BudgetSpec(total=100, general_public=100, basic=60, project=40),
        indicators=[
            IndicatorSpec(
                level1="产出指标", level2="数量指标", name="预算编制", operator="≥", value=12, unit="个"
            )
        ],
    )
    table, result = read_back(fill(spec), tmp_path / "dept.xlsx")
    assert [t.name.text for t in table.tasks] == [f"任务{i}" for i in range(5)]
    assert spec_from_table(table) == spec
    assert not [f for f in result.findings if f.rule in ("C04", "C05", *STRUCTURAL)]


def test_a_restyled_template_is_filled_through_its_names(tmp_path):
    """A province moves the header down two rows and reorders nothing else: names still find the cells."""
    wb = openpyxl.load_workbook(template_path("project"))
    from perfgoals_xl.templates.fill import shift_rows

    shift_rows(wb.worksheets[0], 2, 2)
    wb.worksheets[0]["A2"] = "（省财政厅样式）"
    restyled = tmp_path / "省模板.xlsx"
    wb.save(restyled)
    spec = ProjectSpec(year=2026, name="甲", budget=5, period="2026年", goal="完成x")
    table, _ = read_back(fill(spec, restyled), tmp_path / "filled.xlsx")
    assert (table.name, table.budget, table.header["实施期"].value.text) == ("甲", 5, "2026年")


chinese = st.text(alphabet="培训宣传排查整治道路养护群众服务资金项目建设完成率合格", min_size=2, max_size=12)
pairs = [(l1, l2) for l1, l2s in HIERARCHY.items() for l2 in l2s]
numbers = st.integers(min_value=0, max_value=10_000).map(float)


@st.composite
def indicators(draw, explanation: bool):
    level1, level2 = draw(st.sampled_from(pairs))
    qualitative = draw(st.booleans())
    return IndicatorSpec(
        level1=level1,
        level2=level2,
        name=draw(chinese),
        operator="定性" if qualitative else draw(st.sampled_from(["≥", "≤", "=", ">", "<"])),
        value=draw(chinese) if qualitative else draw(numbers),
        unit=None if qualitative else draw(st.sampled_from(["%", "人", "次", "万元", "公里"])),
        explanation=draw(st.none() | chinese) if explanation else None,
        remark=draw(st.none() | chinese),
    )


def _grouped(items):
    """fill writes indicators grouped by (一级, 二级) in the template's order; compare as sets per pair."""
    return sorted(items, key=lambda i: (i.level1, i.level2, i.name, str(i.value)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    items=st.lists(indicators(explanation=False), max_size=12),
    name=st.none() | chinese,
    budget=st.none() | numbers,
    unit=st.text(alphabet=string.ascii_uppercase, min_size=0, max_size=0) | st.just(""),
)
def test_generated_project_specs_round_trip(tmp_path, items, name, budget, unit):
    spec = ProjectSpec(year=2026, name=name, budget=budget, period="2026年", goal="完成", indicators=items)
    table, _ = read_back(fill(spec), tmp_path / "p.xlsx")
    back = spec_from_table(table)
    assert back.model_copy(update={"indicators": []}) == spec.model_copy(update={"indicators": []})
    assert _grouped(back.indicators) == _grouped(spec.indicators)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    items=st.lists(indicators(explanation=True), max_size=10),
    tasks=st.lists(st.builds(TaskSpec, name=chinese, content=chinese), min_size=1, max_size=6),
    amounts=st.lists(st.none() | numbers, min_size=7, max_size=7),
)
def test_generated_department_specs_round_trip(tmp_path, items, tasks, amounts):
    budget = BudgetSpec(**dict(zip(BudgetSpec.model_fields, amounts, strict=True)))
    spec = DepartmentSpec(
        year=2026, department="某局", duties="履职", tasks=tasks, budget=budget, indicators=items
    )
    table, _ = read_back(fill(spec), tmp_path / "d.xlsx")
    back = spec_from_table(table)
    assert back.model_copy(update={"indicators": []}) == spec.model_copy(update={"indicators": []})
    assert _grouped(back.indicators) == _grouped(spec.indicators)


@pytest.mark.slow
def test_cli_fill_from_yaml_json_and_a_workbook(tmp_path):
    data = {"table": {"kind": "project", "year": 2026, "name": "示例", "budget": 8, "indicators": [
        {"level1": "产出指标", "level2": "数量指标", "name": "培训人数", "operator": "≥", "value": 50, "unit": "人"}]}}  # fmt: skip
    (tmp_path / "a.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    import yaml

    (tmp_path / "a.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for source in ("a.json", "a.yaml"):
        out = tmp_path / f"{source}.xlsx"
        result = run("fill", "--template", "project", str(tmp_path / source), "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert check_file(out).tables[0].name == "示例"
    out = tmp_path / "from_book.xlsx"
    result = run("fill", "--template", "project", str(ONE_SHEET), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "from_book_2.xlsx" in result.stdout
    assert check_file(tmp_path / "from_book_2.xlsx").tables[0].name == "援助泸溪资金"
    again = run("fill", "--template", "project", str(ONE_SHEET), "-o", str(out))
    assert again.returncode == 2 and "已存在" in again.stderr


@pytest.mark.slow
def test_cli_fill_department_gets_project_spending_from_the_workbook(tmp_path):
    wb = openpyxl.load_workbook(THREE_SHEETS)
    wb["部门整体"]["H17"] = None  # blank 项目支出
    source = tmp_path / "blank.xlsx"
    wb.save(source)
    out = tmp_path / "dept.xlsx"
    assert run("fill", "--template", "department", str(source), "-o", str(out)).returncode == 0
    (table,) = check_file(out).tables
    assert table.budget_block["项目支出"].value.value == 40


@pytest.mark.slow
def test_cli_fill_bad_data_is_a_chinese_message(tmp_path):
    (tmp_path / "bad.json").write_text('{"table": {"kind": "project", "budget": "很多"}}', encoding="utf-8")
    result = run("fill", "--template", "project", str(tmp_path / "bad.json"), "-o", str(tmp_path / "o.xlsx"))
    assert result.returncode == 2 and "bad.json" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_cli_schema_is_json_schema():
    schema = json.loads(run("schema").stdout)
    assert (
        schema["title"] == "SpecFile"
        and "ProjectSpec" in schema["$defs"]
        and "DepartmentSpec" in schema["$defs"]
    )
