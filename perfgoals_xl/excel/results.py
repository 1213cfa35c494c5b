"""校验结果 through xlwings: one bulk write, links to each cell, every 说明 whole (wrapped, rows fitted), the
fonts named, the level word bold; on desktop Excel also the page setup (A4, one page wide at ≥ 90 %, the file
and the time in the header, page numbers in the footer), which xlwings' remote engine cannot set."""

from __future__ import annotations

from typing import Any

from perfgoals_xl.core.cells import typed_rows
from perfgoals_xl.core.grid import unique_sheet_name
from perfgoals_xl.core.marks import RESULTS_SHEET, Plan, link_target, result_rows
from perfgoals_xl.excel.app import after_last_visible, on_com, set_column_width
from perfgoals_xl.files.write.printing import fit_for_width, lines_needed, pixels, row_height

RESULT_WIDTHS = (6, 6, 6, 14, 8, 80)  # characters
RESULT_FONT, RESULT_SIZE = "宋体", 10
XL_PORTRAIT, XL_LANDSCAPE, XL_PAPER_A4 = 1, 2, 9


def draw_results(book: Any, plan: Plan) -> Any:
    """The 校验结果 sheet after the last visible sheet; returns it."""
    rows = typed_rows(result_rows(plan))  # text stays text: Excel parses what it is given as typed
    for finding, row in zip(plan.results, rows[2:], strict=True):
        if plan.has_link(finding):  # not to a hidden sheet: Excel cannot go there
            row[4] = hyperlink_formula(finding.sheet, finding.cell)
    width = len(rows[1])
    rows = [row + [None] * (width - len(row)) for row in rows]
    name = unique_sheet_name(RESULTS_SHEET, (s.name for s in book.sheets))
    sheet = book.sheets.add(name, after=after_last_visible(book))
    sheet.range("A1").value = rows
    last = len(rows)
    every = sheet.range((1, 1), (last, width))
    every.font.name = RESULT_FONT
    every.font.size = RESULT_SIZE
    sheet.range((2, 1), (2, width)).font.bold = True
    marked = sum(1 for f in plan.results if f.severity != "info")  # errors and warnings come first
    if marked:
        sheet.range((3, 2), (2 + marked, 2)).font.bold = True  # the level word: kept by a grey print
    for col, chars in enumerate(RESULT_WIDTHS, 1):
        set_column_width(book, sheet, col, chars)
    if last > 2:
        sheet.range((3, width), (last, width)).wrap_text = True  # 说明 whole
        sheet.range((3, 1), (last, width)).rows.autofit()
    _summary_line(book, sheet, plan, width)
    if on_com(book):
        _page_setup(sheet, plan)
    return sheet


def _summary_line(book: Any, sheet: Any, plan: Plan, width: int) -> None:
    """The summary across the sheet's width, wrapped, its row as tall as it needs (Excel does not fit merged
    cells)."""
    line = sheet.range((1, 1), (1, width))
    line.merge()
    line.wrap_text = True
    line.font.bold = True
    span = sum(pixels(chars) for chars in RESULT_WIDTHS)
    sheet.range("A1").row_height = row_height(lines_needed(plan.summary, span, RESULT_SIZE), RESULT_SIZE)


def _page_setup(sheet: Any, plan: Plan) -> None:
    """Desktop Excel: A4, one page wide (landscape when portrait would shrink below 90 %), the header row on
    every page, the file and the time in the header, `第 N 页，共 M 页` in the footer."""
    fit = fit_for_width(sum(pixels(chars) for chars in RESULT_WIDTHS))
    setup = sheet.api.PageSetup
    setup.PaperSize = XL_PAPER_A4
    setup.Orientation = XL_PORTRAIT if fit.orientation == "portrait" else XL_LANDSCAPE
    setup.Zoom = False
    setup.FitToPagesWide = 1
    setup.FitToPagesTall = False
    setup.PrintTitleRows = "$2:$2"
    setup.CenterHorizontally = True
    setup.LeftHeader = "&9" + f"校验结果：{plan.source}".replace("&", "&&")
    if plan.checked_at is not None:
        setup.RightHeader = f"&9校验时间：{plan.checked_at:%Y-%m-%d %H:%M}"
    setup.CenterFooter = "&9第 &P 页，共 &N 页"


def hyperlink_formula(sheet: str, cell: str) -> str:
    """The one formula we write on purpose: a link inside the workbook to `cell` of `sheet` (its name quoted,
    a `"` in it doubled inside the formula string); `cell` is an A1 address we computed."""
    target = link_target(sheet, cell).replace('"', '""')
    return f'=HYPERLINK("{target}","{cell}")'
