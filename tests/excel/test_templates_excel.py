"""The 模板 buttons through the remote engine: a fresh standard sheet, and the active table normalised."""

from __future__ import annotations

import openpyxl
from conftest import THREE_SHEETS
from excel_harness import run_handler
from templates import test_native_forms

from perfgoals_xl.core.grid import column_letter
from perfgoals_xl.core.marks import MARKER
from perfgoals_xl.core.specs import ProjectSpec, spec_from_table
from perfgoals_xl.core.twins import is_twin_formula
from perfgoals_xl.excel.buttons import new_template_sheet, normalize_active_table
from perfgoals_xl.excel.handlers import check_all_sheets, clear_marks
from perfgoals_xl.pipeline import check_file
from perfgoals_xl.templates.fill import fill, template_path

run = run_handler
DEFECTS = test_native_forms.DEFECTS


def test_new_project_sheet_is_the_standard_template(tmp_path):
    out = tmp_path / "out.xlsx"
    _, _, alerts = run(THREE_SHEETS, lambda b: new_template_sheet(b, "project"), out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[1] == "项目支出绩效目标表"  # after the active sheet
    ws = wb["项目支出绩效目标表"]
    assert ws["A1"].value == "2026年项目支出绩效目标表" and ws["A1"].font.b
    assert "A1:H1" in {str(m) for m in ws.merged_cells.ranges}
    assert "已新建“项目支出绩效目标表”" in alerts[0]["args"][0]
    original = openpyxl.load_workbook(THREE_SHEETS)
    for name in original.sheetnames:  # the user's sheets are not touched
        assert [[c.value for c in r] for r in wb[name].iter_rows()] == [
            [c.value for c in r] for r in original[name].iter_rows()
        ]
    tables = [t for t in check_file(out).tables if t.sheet == "项目支出绩效目标表"]
    assert len(tables) == 1 and len(tables[0].indicators) == 10  # the ten fixed 二级 rows


def test_new_department_sheet_twice_gets_a_unique_name(tmp_path):
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    run(THREE_SHEETS, lambda b: new_template_sheet(b, "department"), first)
    run(first, lambda b: new_template_sheet(b, "department"), second)
    assert "部门整体支出绩效目标表(2)" in openpyxl.load_workbook(second).sheetnames


def test_normalize_writes_the_active_table_into_a_new_sheet(tmp_path):
    out = tmp_path / "out.xlsx"
    _, _, alerts = run(THREE_SHEETS, normalize_active_table, out, active_sheet=1)
    assert "援助泸溪资金_标准" in openpyxl.load_workbook(out).sheetnames
    assert "原表未改动" in alerts[0]["args"][0]
    result = check_file(out)
    source = next(t for t in result.tables if t.sheet == "援助泸溪资金")
    normalised = next(t for t in result.tables if t.sheet == "援助泸溪资金_标准")
    assert spec_from_table(normalised) == spec_from_table(source)
    rules = {f.rule for f in result.findings if f.sheet == "援助泸溪资金_标准"}
    assert "H09" not in rules and "C08" not in rules  # the shifted row and missing unit are gone


def test_normalize_on_a_sheet_without_a_table(tmp_path, write_book):
    path = write_book({"说明": [["填报说明"]]})
    _, actions, alerts = run(path, normalize_active_table, tmp_path / "out.xlsx")
    assert alerts[0]["args"][0] == "工作表“说明”中没有找到绩效目标表，无法规范为标准模板。"
    assert {a["func"] for a in actions} == {"alert"}


# --- the native twins through the remote engine ----------------------------------------------------------------


def twin_cells(ws) -> dict[tuple[str, str], int]:
    """Each twin as its formula reads at each cell it covers (pieces of a range redrawn apart compare equal),
    with its priority rank among the twins of that cell (0 = on top)."""
    from openpyxl.formula.translate import Translator

    found: dict[str, list[tuple[int, str]]] = {}
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            if not is_twin_formula(rule.formula[0]):
                continue
            areas = sorted(cf.sqref.ranges, key=lambda a: (a.min_row, a.min_col))
            origin = areas[0].coord.split(":")[0]
            for area in areas:
                for row in range(area.min_row, area.max_row + 1):
                    for col in range(area.min_col, area.max_col + 1):
                        cell = f"{column_letter(col)}{row}"
                        text = Translator(f"={rule.formula[0]}", origin=origin).translate_formula(cell)
                        found.setdefault(cell, []).append(
                            (rule.priority, f"{text}|{rule.dxf.fill.bgColor.rgb}")
                        )
    return {
        (cell, text): rank for cell, rules in found.items() for rank, (_, text) in enumerate(sorted(rules))
    }


def test_a_new_sheet_through_the_remote_engine_carries_the_twins(tmp_path):
    """No sheet can be copied from a file there: the twins are drawn one by one, errors on top of warnings."""
    out = tmp_path / "out.xlsx"
    run(THREE_SHEETS, lambda b: new_template_sheet(b, "project"), out)
    new = openpyxl.load_workbook(out)["项目支出绩效目标表"]
    template = openpyxl.load_workbook(template_path("project")).worksheets[0]
    drawn, standard = twin_cells(new), twin_cells(template)
    assert set(drawn) == set(standard)
    on_top = {cell_text for cell_text, rank in drawn.items() if rank == 0}
    assert all("FFFFC7CE" in text for (cell, text) in on_top if cell in {"E9", "G9", "F9"})  # errors first
    assert set(new.defined_names) == {"pg_twin_rows", "pg_cost_sum"}
    assert new.defined_names["pg_cost_sum"].attr_text == template.defined_names["pg_cost_sum"].attr_text


def test_clear_through_the_remote_engine_gives_a_forms_twins_back(tmp_path):
    """The remote engine clears every rule of a marked row block; the form's twins there are drawn again."""
    form = tmp_path / "form.xlsx"
    spec = ProjectSpec(name="金融处置", budget=10, period="2026年", goal="完成", indicators=DEFECTS)
    fill(spec).save(form)
    checked, cleared = tmp_path / "checked.xlsx", tmp_path / "cleared.xlsx"
    run(form, check_all_sheets, checked)
    marked = openpyxl.load_workbook(checked).worksheets[0]
    assert any(MARKER in str(r.formula) for cf in marked.conditional_formatting for r in cf.rules)
    outcome, _, _ = run(checked, clear_marks, cleared)
    assert outcome.cleared > 0
    after = openpyxl.load_workbook(cleared).worksheets[0]
    assert not any(MARKER in str(r.formula) for cf in after.conditional_formatting for r in cf.rules)
    assert set(twin_cells(after)) == set(twin_cells(openpyxl.load_workbook(form).worksheets[0]))
