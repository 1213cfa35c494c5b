"""Drawing a Plan of marks into an openpyxl workbook: conditional-format fills, notes, the 校验结果 sheet and
the registry names."""

from __future__ import annotations

import dataclasses
from copy import copy
from typing import TYPE_CHECKING, Any

from perfgoals_xl.core.grid import column_letter, unique_sheet_name
from perfgoals_xl.core.marks import (
    MARKER_FORMULAS,
    RESULT_HEADER,
    RESULTS_SHEET,
    Plan,
    link_target,
    registry_names,
    result_rows,
)
from perfgoals_xl.files.write.cells import put, set_value
from perfgoals_xl.files.write.printing import fit_row_heights, page_header, print_one_page_wide
from perfgoals_xl.files.write.style import (
    _NOTE_CHARS_PER_LINE,
    _NOTE_WIDTH_PX,
    HEADER_FILL,
    LINK_COLOR,
    NOTE_AUTHOR,
    RESULT_FONT,
    RESULT_SIZE,
    RESULT_WIDTHS,
    ROW_TINTS,
    display_width,
    marker_fill,
)

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook


def draw(book: OpenpyxlWorkbook, plan: Plan) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    _draw_fills(book, plan)
    drawn = _draw_notes(book, plan)
    _draw_results(book, plan)
    for name, formula in registry_names(dataclasses.replace(plan, notes=drawn)).items():
        book.defined_names[name] = DefinedName(name, attr_text=formula.removeprefix("="), hidden=True)


def _draw_fills(book: OpenpyxlWorkbook, plan: Plan) -> None:
    """One marker rule per sheet and severity, over all of its blocks (a multi-range sqref)."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    refs: dict[tuple[str, str], list[str]] = {}
    for block in plan.blocks:
        if block.sheet in book.sheetnames:
            refs.setdefault((block.sheet, block.severity), []).append(block.ref)
    for (sheet, severity), ranges in refs.items():
        ws = book[sheet]
        existing = [rule.priority or 0 for cf in ws.conditional_formatting for rule in cf.rules]
        rule = FormulaRule(
            formula=[MARKER_FORMULAS[severity].removeprefix("=")], fill=marker_fill(PatternFill, severity)
        )
        rule.priority = max(existing, default=0) + 1  # after the user's rules: theirs keep precedence
        ws.conditional_formatting.add(" ".join(ranges), rule)


def _draw_notes(book: OpenpyxlWorkbook, plan: Plan) -> list[Any]:
    """Notes at their cells, except where the user already has a note; returns the notes drawn."""
    from openpyxl.cell.cell import MergedCell
    from openpyxl.comments import Comment

    drawn = []
    for note in plan.notes:
        if note.sheet not in book.sheetnames:
            continue
        ws = book[note.sheet]
        cell = ws.cell(row=note.row, column=note.col)
        if isinstance(cell, MergedCell):
            merged = next((m for m in ws.merged_cells.ranges if (note.row, note.col) in _cells_of(m)), None)
            cell = ws.cell(row=merged.min_row, column=merged.min_col) if merged else cell
        if isinstance(cell, MergedCell):
            continue  # overlapping merges (a damaged file): no cell can hold the note; 校验结果 still lists it
        if cell.comment is not None:
            continue  # never replace the user's note
        lines = sum(
            max(1, -(-display_width(line) // _NOTE_CHARS_PER_LINE)) for line in note.text.splitlines()
        )
        cell.comment = Comment(note.text, NOTE_AUTHOR, height=min(18 * lines + 12, 400), width=_NOTE_WIDTH_PX)
        drawn.append(dataclasses.replace(note, row=cell.row, col=cell.column))
    return drawn


def _cells_of(merged: Any) -> set[tuple[int, int]]:
    return set(merged.cells)


def _draw_results(book: OpenpyxlWorkbook, plan: Plan) -> None:
    """The 校验结果 sheet: summary, header, one linked row per finding (errors first, unless the settings say
    sheet order); every font named; rows as tall as their 说明; prints on A4 one page wide with the file and the
    time in the page header and page numbers in the footer."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    ws = book.create_sheet(
        unique_sheet_name(RESULTS_SHEET, book.sheetnames)
    )  # a user's 校验结果 is left alone
    rows = result_rows(plan)
    width = len(RESULT_HEADER)
    last_col = column_letter(width)
    body = Font(name=RESULT_FONT, size=RESULT_SIZE)
    bold = Font(name=RESULT_FONT, size=RESULT_SIZE, bold=True)

    put(ws, 1, 1, rows[0][0])
    ws.merge_cells(f"A1:{last_col}1")
    ws["A1"].font = bold
    ws["A1"].alignment = Alignment(wrap_text=True, vertical="center")

    for col, label in enumerate(rows[1], 1):
        put(ws, 2, col, label)
    thin = Side(style="thin", color="FF808080")
    for cell in ws[2]:
        cell.font = bold
        cell.fill = PatternFill(fill_type="solid", fgColor=HEADER_FILL)
        cell.border = Border(bottom=thin)
        cell.alignment = Alignment(horizontal="center", vertical="center")

    _draw_finding_rows(ws, plan, rows[2:], body, bold)
    for col, col_width in enumerate(RESULT_WIDTHS, 1):
        ws.column_dimensions[column_letter(col)].width = col_width
    ws.freeze_panes = "A3"
    if plan.results:
        ws.auto_filter.ref = f"A2:{last_col}{ws.max_row}"
    fit_row_heights(ws)  # the summary line and every 说明 whole, however long
    print_one_page_wide(ws, width, title_rows="2:2")
    when = f"校验时间：{plan.checked_at:%Y-%m-%d %H:%M}" if plan.checked_at else ""
    page_header(ws, f"校验结果：{plan.source}" if plan.source else RESULTS_SHEET, when)


def _draw_finding_rows(ws: Any, plan: Plan, rows: list[list[object]], body: Any, bold: Any) -> None:
    """One row per finding from row 3, styled by a prototype per severity: the level word bold for an error
    or a warning (a black-and-white print keeps it), the row tinted, the cell a link to the finding's cell."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    width = len(RESULT_HEADER)
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    center = Alignment(horizontal="center", vertical="top")
    fills = {severity: PatternFill(fill_type="solid", fgColor=tint) for severity, tint in ROW_TINTS.items()}
    link_font = Font(name=RESULT_FONT, size=RESULT_SIZE, color=LINK_COLOR, underline="single")
    link_col, level_col = RESULT_HEADER.index("单元格") + 1, RESULT_HEADER.index("级别") + 1
    # one styled prototype row per severity; every finding row copies its styles (openpyxl hashes each new
    # style object, which made this sheet the slowest part of an annotated copy)
    prototypes: dict[str, list[Any]] = {}
    for line, (finding, row) in enumerate(zip(plan.results, rows, strict=True), start=3):
        cells = [ws.cell(row=line, column=col) for col in range(1, width + 1)]
        styles = prototypes.get(finding.severity)
        if styles is None:
            tint = fills.get(finding.severity)
            for col, cell in enumerate(cells, 1):
                cell.alignment = wrap if col == width else center if col == 1 else top
                cell.font = body
                if tint:
                    cell.fill = tint
            cells[0].number_format = "0"  # 序号 as an integer
            cells[link_col - 1].font = link_font
            if finding.severity != "info":
                cells[level_col - 1].font = bold
            prototypes[finding.severity] = [copy(cell._style) for cell in cells]
        else:
            for cell, style in zip(cells, styles, strict=True):
                cell._style = copy(style)
        for cell, value in zip(cells, row, strict=True):
            set_value(cell, value)  # after the shared styles: a sheet name or message `=…` stays text
        link = cells[link_col - 1]
        if plan.has_link(finding):
            link.hyperlink = Hyperlink(
                ref=link.coordinate, location=link_target(finding.sheet, finding.cell)[1:]
            )
        else:  # a hidden sheet: Excel cannot go there, so the cell is plain text like its neighbour
            link.font = copy(cells[link_col - 2].font)
