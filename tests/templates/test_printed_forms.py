"""Each kind of workbook we make, printed by LibreOffice headless to PDF and read back with pdftotext: no row
overprints its neighbours (the test catches a row made too short), the forms fit one A4 page wide upright at no
less than 90 %, and 校验结果 repeats its header row and prints the file, the time and page numbers.

LibreOffice sizes the columns with Carlito, metric-compatible with Calibri (the workbooks' default font, which
sets what a column width means): the pages are those Excel would print (.ci/run installs the fonts)."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from conftest import THREE_SHEETS
from print_harness import crossed_rows, read_pdf, to_pdf

from perfgoals_xl.core.specs import spec_from_table
from perfgoals_xl.pipeline import check_file, check_workbook
from perfgoals_xl.templates.fill import fill, template_path

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("libreoffice")]

KINDS = ("project_template", "department_template", "filled_project", "filled_department", "annotated")
A4_PORTRAIT = (595.3, 841.9)


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, tuple[Path, object]]:
    """kind → (workbook, what LibreOffice printed), all in one soffice run."""
    from perfgoals_xl.files.write import annotate, plan_for

    work = tmp_path_factory.mktemp("printed")
    books = {
        "project_template": work / "project_template.xlsx",
        "department_template": work / "department_template.xlsx",
    }
    for kind, path in books.items():
        path.write_bytes(template_path(kind.split("_")[0]).read_bytes())
    tables = {t.kind: t for t in check_file(THREE_SHEETS).tables}
    for kind in ("project", "department"):
        books[f"filled_{kind}"] = work / f"filled_{kind}.xlsx"
        fill(spec_from_table(tables[kind])).save(books[f"filled_{kind}"])
    workbook, result = check_workbook(THREE_SHEETS)
    books["annotated"] = annotate(
        THREE_SHEETS, work / "annotated.xlsx", plan_for(workbook, result), workbook.grids
    )
    pdfs = to_pdf(list(books.values()), work / "pdf")
    return {kind: (books[kind], read_pdf(pdf)) for kind, pdf in zip(books, pdfs, strict=True)}


@pytest.mark.parametrize("kind", KINDS)
def test_no_row_overprints_its_neighbours(printed, kind):
    workbook, pdf = printed[kind]
    assert pdf.words, "LibreOffice printed nothing"
    crossed = crossed_rows(pdf, workbook)
    assert not crossed, [(a.text, b.text) for a, b in crossed[:5]]


def test_the_check_sees_a_row_too_short(tmp_path):
    """The same department form with its rows at Excel's default 15 pt: wrapped labels overprint."""
    wb = openpyxl.load_workbook(template_path("department"))
    ws = wb.worksheets[0]
    for row in range(2, ws.max_row + 1):
        ws.row_dimensions[row].height = 15
    short = tmp_path / "short.xlsx"
    wb.save(short)
    (pdf,) = to_pdf([short], tmp_path / "pdf")
    assert crossed_rows(read_pdf(pdf), short)


@pytest.mark.parametrize("kind", KINDS[:4])
def test_forms_print_one_upright_a4_page_wide_at_ninety_percent_or_more(printed, tmp_path, kind):
    workbook, pdf = printed[kind]
    assert all(_close(size, A4_PORTRAIT) for size in pdf.pages)
    first, last = "一级指标", "备注"  # the indicator header row, repeated on every page
    headings = {word.page for word in pdf.find(first)}
    assert headings and headings == {word.page for word in pdf.find(last)}  # the whole row on each page
    if kind.endswith("template"):
        assert len(pdf.pages) == 1
    unscaled = _at_full_size(workbook, tmp_path)
    fitted, full = pdf.find("三级指标")[0], unscaled.find("三级指标")[0]
    assert 0.9 <= fitted.height / full.height <= 1.0


def _at_full_size(workbook: Path, tmp_path: Path):
    """The same workbook printed at 100 %, one page wide or not."""
    wb = openpyxl.load_workbook(workbook)
    for ws in wb.worksheets:
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.page_setup.scale = 100
    copy = tmp_path / f"full_{workbook.name}"
    wb.save(copy)
    (pdf,) = to_pdf([copy], tmp_path / "full")
    return read_pdf(pdf)


def test_results_pages_carry_the_file_the_time_page_numbers_and_the_header_row(printed):
    _, pdf = printed["annotated"]
    pages = {}
    for word in pdf.words:
        pages.setdefault(word.page, []).append(word.text)
    results = [number for number, texts in pages.items() if "校验结果：seed_three_sheets.xlsx" in texts]
    assert results, "no page of 校验结果"
    total = len(pdf.pages)
    for number in results:
        text = " ".join(pages[number])
        assert "校验时间：" in text and re.search(rf"第 {number} 页，共 {total} 页", text), text[-200:]
        assert {"序号", "级别", "规则", "说明"} <= set(pages[number])  # the header row on every page
    width, height = pdf.pages[results[0] - 1]
    assert width > height  # 校验结果 is printed landscape


def _close(size: tuple[float, float], expected: tuple[float, float]) -> bool:
    return all(abs(a - b) < 2 for a, b in zip(size, expected, strict=True))
