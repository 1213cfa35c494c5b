"""Issue 13's printed look, read back from the files we write: row heights that fit wrapped text, every font named
with its size, money and count formats, one alignment rule for labels in both forms, marks that survive a
black-and-white printer, 校验结果 sorted with a page header and page numbers, one page wide at ≥ 90 %.

What LibreOffice makes of them on paper is tests/templates/test_printed_forms.py."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from conftest import THREE_SHEETS
from openpyxl.styles import Alignment, Font

from perfgoals_xl.core.marks import FILL_COLORS, RESULTS_SHEET, SEVERITY_ORDER, WARNING_PATTERN
from perfgoals_xl.core.specs import DepartmentSpec, IndicatorSpec, ProjectSpec, spec_from_table
from perfgoals_xl.files.read import read_workbook
from perfgoals_xl.files.write import annotate, plan_for
from perfgoals_xl.files.write.copy import from_grids
from perfgoals_xl.files.write.printing import (
    MIN_SCALE,
    fit_for_width,
    fit_row_heights,
    lines_needed,
    page_fit,
    pixels,
    row_height,
)
from perfgoals_xl.files.write.style import RESULT_WIDTHS
from perfgoals_xl.pipeline import check_file, check_workbook
from perfgoals_xl.templates.fill import fill, template_path
from perfgoals_xl.templates.layout import MONEY_FORMAT
from perfgoals_xl.templates.native import NAMES, budget_cells, named_cell

CHINESE_FONTS = {"宋体", "仿宋"}
CHECKED_AT = datetime(2026, 12, 1, 9, 30)


@pytest.fixture(scope="module")
def annotated_book(tmp_path_factory) -> Path:
    workbook, result = check_workbook(THREE_SHEETS)
    out = tmp_path_factory.mktemp("printing") / "seed_three_sheets_校验.xlsx"
    return annotate(THREE_SHEETS, out, plan_for(workbook, result, checked_at=CHECKED_AT), workbook.grids)


def forms() -> dict[str, openpyxl.Workbook]:
    """Every form we make: the two templates and both filled from the seed."""
    tables = {t.kind: t for t in check_file(THREE_SHEETS).tables}
    return {
        "project template": openpyxl.load_workbook(template_path("project")),
        "department template": openpyxl.load_workbook(template_path("department")),
        "filled project": fill(spec_from_table(tables["project"])),
        "filled department": fill(spec_from_table(tables["department"])),
    }


# --- row heights ---------------------------------------------------------------------------------------------


def test_a_line_holds_half_as_many_chinese_characters_as_latin_ones():
    width = pixels(20)  # a column 20 characters wide
    assert lines_needed("汉" * 10, width, 11) == 2  # ≈ 8.7 CJK characters a line at 11 pt, with the margin
    assert lines_needed("a" * 10, width, 11) == 1
    assert lines_needed("汉" * 8, width, 11) == 1
    assert lines_needed("第一行\n第二行", width, 11) == 2  # a line break is a line
    assert row_height(3, 11) > 3 * 11 and row_height(1, 11) < row_height(2, 11)


def test_every_wrapped_text_of_our_forms_fits_its_rows():
    """The estimate, by the nominal metrics of Excel (a column w characters wide is 7w + 5 pixels, a CJK
    character as wide as the font is tall): each cell's lines fit the rows it spans."""
    for name, wb in forms().items():
        ws = wb.worksheets[0]
        spans = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                    continue
                merged = spans.get((cell.row, cell.column))
                left, right = (merged.min_col, merged.max_col) if merged else (cell.column,) * 2
                bottom = merged.max_row if merged else cell.row
                width = sum(pixels(ws.column_dimensions[c].width) for c in _letters(left, right))
                chars_a_line = int((width - 7) / (cell.font.sz * 4 / 3))  # whole CJK characters
                lines = sum(-(-len(part) // chars_a_line) or 1 for part in cell.value.split("\n"))
                height = sum(ws.row_dimensions[r].height or 15 for r in range(cell.row, bottom + 1))
                assert height >= lines * cell.font.sz * 1.2, (name, cell.coordinate, cell.value[:20])


def _letters(left: int, right: int) -> list[str]:
    from openpyxl.utils import get_column_letter

    return [get_column_letter(c) for c in range(left, right + 1)]


def test_a_merged_text_grows_the_rows_it_spans_evenly():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.column_dimensions["A"].width = 10
    ws["A1"] = "长" * 60
    ws["A1"].alignment = Alignment(wrap_text=True)
    ws.merge_cells("A1:A3")
    fit_row_heights(ws)
    heights = [ws.row_dimensions[r].height for r in (1, 2, 3)]
    assert len(set(heights)) == 1 and sum(heights) >= row_height(lines_needed("长" * 60, pixels(10), 11), 11)


# --- fonts, formats, alignment -------------------------------------------------------------------------------


def test_every_cell_we_write_names_a_chinese_font_and_its_size(annotated_book, tmp_path):
    books = {name: wb.worksheets[0] for name, wb in forms().items()}
    books["校验结果"] = openpyxl.load_workbook(annotated_book)[RESULTS_SHEET]
    workbook = read_workbook(THREE_SHEETS)
    books["copy of an .xls"] = from_grids(workbook.grids)[0].worksheets[0]
    for name, ws in books.items():
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                assert cell.font.name in CHINESE_FONTS and cell.font.sz, (name, cell.coordinate)
    results = books["校验结果"]
    assert results["A1"].font.b and results["E3"].font.u == "single"  # bold and links: 宋体 too


def test_money_has_two_decimals_and_labels_one_rule_in_both_forms():
    label_looks = set()
    for name, wb in forms().items():
        ws = wb.worksheets[0]
        kind = "project" if "project" in name else "department"
        money = (
            [named_cell(wb, NAMES["budget"])[1:]]
            if kind == "project"
            else list(budget_cells(ws, named_cell(wb, NAMES["budget_block"])[1]).values())
        )
        for row, col in money:
            cell = ws.cell(row=row, column=col)
            assert cell.number_format == MONEY_FORMAT and cell.alignment.horizontal == "right", (
                name,
                row,
                col,
            )
        header = named_cell(wb, NAMES["indicators"])[1]
        for cell in ws[header]:  # the column headings: labels
            label_looks.add((cell.font.b, cell.font.name, cell.alignment.horizontal, cell.fill.fgColor.rgb))
        values = [c for c in ws[header] if c.value == "指标值"]
        for row in range(header + 1, header + 5):
            value_cell = ws.cell(row=row, column=values[0].column)
            assert value_cell.alignment.horizontal == "general"  # a number right, a word left
            assert value_cell.number_format == "General"  # 0.5 人 shows as 0.5 (V05), a count as typed
        level2 = next(c for c in ws[header] if c.value == "二级指标")
        assert ws.cell(row=header + 1, column=level2.column).alignment.horizontal == "center"
    assert label_looks == {(True, "仿宋", "center", "FFF2F2F2")}  # one rule for labels in both forms
    assert MONEY_FORMAT.startswith("#,##0.00")


def test_amounts_keep_their_decimals_when_shown():
    wb = fill(DepartmentSpec(department="区办", amount_unit="万元", budget={"total": 949.134, "basic": 40}))
    ws = wb.worksheets[0]
    cells = budget_cells(ws, named_cell(wb, NAMES["budget_block"])[1])
    assert (
        ws.cell(*cells["资金总额"]).value == 949.134
        and ws.cell(*cells["资金总额"]).number_format == MONEY_FORMAT
    )
    assert MONEY_FORMAT == "#,##0.00##"  # 949.134 prints 949.134, 40 prints 40.00


# --- marks on a black-and-white printer ----------------------------------------------------------------------


def grey(color: str) -> float:
    red, green, blue = (int(color.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return (0.299 * red + 0.587 * green + 0.114 * blue) / 255


def test_errors_and_warnings_print_as_two_greys_and_warnings_dotted(annotated_book):
    assert grey(FILL_COLORS["error"]) < 0.7 < grey(FILL_COLORS["warning"]) < 0.95
    assert grey(FILL_COLORS["warning"]) - grey(FILL_COLORS["error"]) > 0.2
    book = openpyxl.load_workbook(annotated_book)
    fills = {
        rule.formula[0]: rule.dxf.fill
        for ws in book.worksheets
        for cf in ws.conditional_formatting
        for rule in cf.rules
        if "perfgoals:" in rule.formula[0]
    }
    warning = next(f for formula, f in fills.items() if "warning" in formula)
    assert warning.fill_type == WARNING_PATTERN[0] and warning.fgColor.rgb == "FF7F6000"
    error = next(f for formula, f in fills.items() if "error" in formula)
    assert error.fill_type == "solid"


def test_the_level_word_is_bold_for_errors_and_warnings(annotated_book):
    ws = openpyxl.load_workbook(annotated_book)[RESULTS_SHEET]
    for row in ws.iter_rows(min_row=3):
        assert row[1].font.b == (row[1].value in ("错误", "警告")), row[0].value


# --- 校验结果: order, page header, page numbers, one page wide -------------------------------------------------


def test_results_list_errors_then_warnings_then_hints(annotated_book):
    ws = openpyxl.load_workbook(annotated_book)[RESULTS_SHEET]
    levels = [row[1] for row in ws.iter_rows(min_row=3, values_only=True)]
    ranks = [SEVERITY_ORDER[{"错误": "error", "警告": "warning", "提示": "info"}[level]] for level in levels]
    assert ranks == sorted(ranks) and levels[0] == "错误" and levels[-1] == "提示"
    assert [row[0] for row in ws.iter_rows(min_row=3, values_only=True)] == list(range(1, len(levels) + 1))
    assert ws["A3"].number_format == "0"  # 序号, a count: an integer


def test_a_setting_keeps_the_sheet_order(tmp_path):
    folder = tmp_path / "报送"
    folder.mkdir()
    (folder / "perfgoals.toml").write_text('results_order = "sheet"\n', encoding="utf-8")
    source = folder / "seed.xlsx"
    source.write_bytes(THREE_SHEETS.read_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "perfgoals_xl", "check", str(source), "--annotate", str(tmp_path / "标注")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    ws = openpyxl.load_workbook(tmp_path / "标注" / "seed_校验.xlsx")[RESULTS_SHEET]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    order = {sheet: index for index, sheet in enumerate(["金融处非专项", "援助泸溪资金", "部门整体"])}
    marked = [order[row[3]] for row in rows if row[1] != "提示"]
    assert marked == sorted(marked) and {row[1] for row in rows[: len(marked)]} == {"错误", "警告"}
    assert "校验结果按工作表顺序" in ws["A1"].value  # the summary line says the setting


def test_results_print_with_the_file_and_time_in_the_header_and_page_numbers(annotated_book):
    ws = openpyxl.load_workbook(annotated_book)[RESULTS_SHEET]
    assert ws.oddHeader.left.text == "校验结果：seed_three_sheets.xlsx"
    assert ws.oddHeader.right.text == "校验时间：2026-12-01 09:30"
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert ws.print_title_rows == "$2:$2" and ws.page_setup.paperSize == int(ws.PAPERSIZE_A4)
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    fit = fit_for_width(sum(pixels(w) for w in RESULT_WIDTHS))
    assert ws.page_setup.orientation == fit.orientation == "landscape" and fit.scale >= MIN_SCALE


def test_a_header_names_a_file_with_an_ampersand_as_text(tmp_path):
    source = tmp_path / "财政&预算.xlsx"
    source.write_bytes(THREE_SHEETS.read_bytes())
    workbook, result = check_workbook(source)
    out = annotate(source, tmp_path / "out.xlsx", plan_for(workbook, result), workbook.grids)
    assert openpyxl.load_workbook(out)[RESULTS_SHEET].oddHeader.left.text == "校验结果：财政&&预算.xlsx"


def test_forms_print_one_page_wide_at_ninety_percent_or_more():
    for name, wb in forms().items():
        ws = wb.worksheets[0]
        fit = page_fit(ws, ws.max_column)
        assert fit.scale >= MIN_SCALE, name
        assert ws.page_setup.orientation == fit.orientation == "portrait", name  # the forms fit upright
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage, name


def test_a_wide_sheet_turns_the_page_rather_than_shrink_below_ninety_percent():
    assert fit_for_width(pixels(95)).orientation == "portrait"
    wide = fit_for_width(pixels(130))
    assert wide.orientation == "landscape" and wide.scale >= MIN_SCALE


def test_a_filled_form_with_long_texts_still_fits(tmp_path):
    long = "围绕区委区政府中心工作，做好文稿起草、督查督办、政务信息、机要保密、后勤保障等工作。" * 6
    spec = ProjectSpec(
        name="很长的项目名称" * 5,
        amount_unit="万元",
        budget=12.5,
        goal=long,
        indicators=[
            IndicatorSpec(level1="产出指标", level2="数量指标", name=long[:60], operator="≥", value=3)
        ],
    )
    ws = fill(spec).worksheets[0]
    goal = named_cell(ws.parent, NAMES["goal"])
    width = sum(pixels(ws.column_dimensions[letter].width) for letter in "BCDEFGH")  # merged B:H
    assert ws.row_dimensions[goal[1]].height >= row_height(lines_needed(long, width, 11), 11) > 100
    assert ws.cell(*named_cell(ws.parent, NAMES["budget"])[1:]).font == Font(name="仿宋", size=11)
