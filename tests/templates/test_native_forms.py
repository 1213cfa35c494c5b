"""The native twins as drawn into the forms: on every indicator row of the templates and of `fill` outputs,
portable (functions every spreadsheet has, ≤ 255 characters, relative to their row), named in the input
messages, and left alone by `clear` — an annotated copy keeps them. (test_native.py evaluates them.)"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from openpyxl.formula.translate import Translator

from perfgoals_xl.core.catalog import NO_TWIN, SUMMARIES
from perfgoals_xl.core.grid import column_index
from perfgoals_xl.core.marks import MARKER
from perfgoals_xl.core.rules import RULES
from perfgoals_xl.core.specs import IndicatorSpec, ProjectSpec
from perfgoals_xl.core.twins import (
    HELP_TITLE,
    HELPER_NAMES,
    MAX_FORMULA,
    TAG,
    is_twin_formula,
    layout_from_table,
    native_checks,
    twin_rules,
)
from perfgoals_xl.files.write import annotate, clear, plan_for
from perfgoals_xl.pipeline import check_workbook
from perfgoals_xl.templates.fill import TEMPLATE_FILES, fill, template_path
from perfgoals_xl.templates.native import form_layout

# what Excel 2010+, WPS and LibreOffice all evaluate (no LET, LAMBDA, XLOOKUP, FILTER, dynamic arrays)
PORTABLE = {
    "AND", "OR", "NOT", "IF", "IFERROR", "ISNUMBER", "ISERROR", "ISTEXT", "EXACT", "FIND", "SEARCH", "TRIM",
    "LEFT", "INT", "ABS", "SUM", "COUNT", "COUNTA", "SUMPRODUCT", "MATCH", "OFFSET", "LOOKUP", "CELL", "ROW",
    "NA", "INDIRECT",
}  # fmt: skip
FUNCTION = re.compile(r"([A-Z][A-Z0-9.]*)\(")
PROJECT_ONLY, DEPARTMENT_ONLY = {"C01"}, {"C04", "C05"}


def twin_rules_drawn(ws) -> list[tuple[str, str, str]]:
    """(sqref, formula, fill colour) of every twin on the sheet."""
    return [
        (str(cf.sqref), rule.formula[0], rule.dxf.fill.bgColor.rgb)
        for cf in ws.conditional_formatting
        for rule in cf.rules
        if any(is_twin_formula(f) for f in rule.formula)
    ]


def formulas(wb) -> list[str]:
    ws = wb.worksheets[0]
    texts = [formula for _, formula, _ in twin_rules_drawn(ws)]
    texts += [dv.formula1 for dv in ws.data_validations.dataValidation if dv.formula1]
    return texts + [d.attr_text for d in ws.defined_names.values()]


DEFECTS = [  # a filled form with a defect for many twins (and rows inserted under one 二级)
    IndicatorSpec(level1="产出指标", level2="数量指标", name="建议采纳数", value=0.5, unit="条", operator="≥"),
    IndicatorSpec(level1="产出指标", level2="数量指标", name="培训人数", value=95, operator="≥"),
    IndicatorSpec(level1="产出指标", level2="质量指标", name="合格率", value=120, unit="%", operator="≥"),
    IndicatorSpec(level1="满意度指标", level2="服务对象满意度指标", name="群众满意度", value=90, unit="%", operator="≤"),
    IndicatorSpec(level1="成本指标", level2="经济成本指标", name="工作经费", value=12, unit="万元", operator="≥"),
]  # fmt: skip


def defective_form(path: Path) -> Path:
    spec = ProjectSpec(
        name="金融处置", amount_unit="万元", budget=10, period="2026年", goal="完成", indicators=DEFECTS
    )
    fill(spec).save(path)
    return path


@pytest.mark.parametrize("kind", list(TEMPLATE_FILES))
def test_the_templates_carry_every_twin_over_every_indicator_row(kind):
    ws = openpyxl.load_workbook(template_path(kind)).worksheets[0]
    layout = form_layout(ws)
    drawn = twin_rules_drawn(ws)
    rules = {re.search(rf'"{TAG}(\w+)"', formula)[1] for _, formula, _ in drawn}
    assert rules == set(twin_rules()) - (DEPARTMENT_ONLY if kind == "project" else PROJECT_ONLY)
    rows = {ref for ref, _, _ in drawn if ":" in ref}
    assert all(ref.endswith(f"{layout.first}:{ref[0]}{layout.last}") for ref in rows), rows
    single = {ref for ref, _, _ in drawn if ":" not in ref}
    assert single == ({"B5"} if kind == "project" else {"B12"})  # 年度预算 / 资金总额
    assert len(drawn) == len(native_checks(layout))
    colors = {rgb for _, _, rgb in drawn}
    assert colors == {"FFFFC7CE", "FFFFEB9C"}  # light red, light yellow


@pytest.mark.parametrize("kind", list(TEMPLATE_FILES))
def test_the_twins_use_only_portable_functions_short_formulas_and_no_marker(kind):
    wb = openpyxl.load_workbook(template_path(kind))
    for text in formulas(wb):
        assert set(FUNCTION.findall(text)) <= PORTABLE, text
        assert MARKER not in text
    for _, formula, _ in twin_rules_drawn(wb.worksheets[0]):
        assert len(formula) <= MAX_FORMULA and formula.startswith(f'AND(ISTEXT("{TAG}')


def relative_rows(formula: str) -> set[int]:
    """The row numbers of the formula's references that are relative (no $ before the row)."""
    code = re.sub(r'"[^"]*"', '""', formula)  # not the texts (表内检查V04)
    return {int(row) for dollar, row in re.findall(r"\$?[A-Z]{1,3}(\$?)(\d+)", code) if not dollar}


def test_row_twins_are_relative_to_their_row_so_inserted_rows_inherit_them():
    """Each row twin reads its own row only through relative references: anchored one row lower (as Excel
    applies it to an inserted row), it reads that row."""
    ws = openpyxl.load_workbook(template_path("project")).worksheets[0]
    for ref, formula, _ in twin_rules_drawn(ws):
        if ":" in ref:
            first = ref.split(":")[0]
            row = int(first[1:])
            below = Translator(f"={formula}", origin=first).translate_formula(f"{first[0]}{row + 1}")
            assert relative_rows(formula) == {row} and relative_rows(below) == {row + 1}, formula


@pytest.mark.parametrize("kind", list(TEMPLATE_FILES))
def test_input_messages_name_the_twins_of_their_cells(kind):
    ws = openpyxl.load_workbook(template_path(kind)).worksheets[0]
    layout = form_layout(ws)
    prompts = {}
    for dv in ws.data_validations.dataValidation:
        assert len(dv.prompt or "") <= 255 and len(dv.promptTitle or "") <= 32  # Excel's limits
        for area in dv.sqref.ranges:
            prompts[area.min_col, area.min_row] = dv.prompt
    for check in native_checks(layout):
        top_left = check.ref.split(":")[0]
        prompt = prompts[column_index(top_left.rstrip("0123456789")), int(top_left.lstrip("ABCDEFGH"))]
        assert f"{HELP_TITLE}：" in prompt and check.rule in prompt and check.hint in prompt, prompt


def test_fill_draws_the_twins_over_the_rows_it_inserted(tmp_path):
    path = defective_form(tmp_path / "filled.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    layout = form_layout(ws)
    assert layout.last == 19  # one row inserted under 数量指标
    drawn = twin_rules_drawn(ws)
    assert sorted(ref for ref, _, _ in drawn) == sorted(c.ref for c in native_checks(layout))
    assert all(ref.endswith(str(layout.last)) for ref, _, _ in drawn if ":" in ref)
    assert {
        max(a.max_row for a in dv.sqref.ranges)
        for dv in ws.data_validations.dataValidation
        if "二级" in dv.promptTitle
    } == {19}
    assert set(ws.defined_names) == {
        HELPER_NAMES["rows"],
        HELPER_NAMES["cost_sum"],
    }  # sheet scope: copied with the sheet
    assert ws.defined_names[HELPER_NAMES["rows"]].attr_text.endswith("!$B$9:$H$19")
    assert "$C$9:$C$19" in ws.defined_names[HELPER_NAMES["cost_sum"]].attr_text


def form_parts(path: Path) -> tuple:
    """The twins, the validations (with their messages) and the sheet-scoped names of the form's sheet."""
    ws = openpyxl.load_workbook(path).worksheets[0]
    validations = [(str(d.sqref), d.type, d.formula1, d.prompt) for d in ws.data_validations.dataValidation]
    return twin_rules_drawn(ws), validations, {n: d.attr_text for n, d in ws.defined_names.items()}


def marker_rule_count(path: Path) -> int:
    ws = openpyxl.load_workbook(path).worksheets[0]
    return sum(MARKER in str(r.formula) for cf in ws.conditional_formatting for r in cf.rules)


def test_clear_leaves_the_twins_and_an_annotated_copy_keeps_them(tmp_path):
    src = defective_form(tmp_path / "form.xlsx")
    workbook, result = check_workbook(src)
    copy = annotate(src, tmp_path / "form_校验.xlsx", plan_for(workbook, result), workbook.grids)
    assert marker_rule_count(copy) >= 2 and form_parts(copy) == form_parts(src)  # our marks beside the twins
    report = clear(copy, tmp_path / "cleared.xlsx")
    assert report.rules >= 2 and marker_rule_count(report.path) == 0
    assert form_parts(report.path) == form_parts(src)  # the twins, messages and names are the form's


def test_every_rule_has_a_twin_or_a_reason_why_not():
    twins = set(twin_rules())
    reasons = [rule for ids in NO_TWIN.values() for rule in ids]
    assert sorted(twins | set(reasons)) == sorted(RULES) and len(reasons) == len(set(reasons))
    assert not twins & set(reasons) and set(SUMMARIES) == twins


@pytest.mark.parametrize("kind", [*TEMPLATE_FILES, "filled"])
def test_the_reader_finds_the_layout_the_names_give(kind, tmp_path):
    """A host without the filler's names (a copied sheet) reads the form's layout from the sheet: the same."""
    path = defective_form(tmp_path / "filled.xlsx") if kind == "filled" else template_path(kind)
    by_names = form_layout(openpyxl.load_workbook(path).worksheets[0])
    (table,) = check_workbook(path)[1].tables
    assert layout_from_table(table, (by_names.first, by_names.last)) == by_names
