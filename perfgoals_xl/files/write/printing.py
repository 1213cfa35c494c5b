"""How the sheets we make print (the forms, filled forms, 校验结果): rows tall enough for their wrapped text, one
page wide at no less than 90 % (landscape where portrait would shrink more), a page header and page numbers.

Excel never fits the height of a row with merged cells, and LibreOffice prints what it is told: the heights are
estimated from each cell's text, font size and the width of its (merged) columns, with a margin. A column
`w` characters wide is `7w + 5` pixels (Excel's default font, 96 dpi); a CJK character of an `s`-point font is
`s × 4/3` pixels wide, a Latin one about half that (core/textwidth.py counts them 2 and 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from perfgoals_xl.core.grid import column_letter
from perfgoals_xl.core.textwidth import line_count, text_width

DEFAULT_WIDTH = 8.43  # characters: a column without a width of its own
DEFAULT_SIZE = 11.0  # points: a font that names no size
CELL_PADDING_PX = 7  # the cell's inner margins and grid line, left and right together
WIDTH_MARGIN = 0.92  # estimate a line to hold a little less than it does
LINE_SPACING = 1.32  # a wrapped line of an s-point font takes about 1.32 s points
ROW_PADDING = 4.0  # points above and below the text
MAX_ROW_HEIGHT = 409.0  # Excel's limit
DEFAULT_ROW_HEIGHT = 15.0  # a row without a height of its own
MIN_SCALE = 0.9  # below this a print is hard to read: turn the page instead

# A4 (mm → inches) and the margins we set (inches)
A4 = (210 / 25.4, 297 / 25.4)
SIDE_MARGIN = 0.5
PIXELS_PER_INCH = 96


def pixels(chars: float) -> float:
    """A column `chars` characters wide, in pixels."""
    return chars * 7 + 5


def column_pixels(ws: Any, first: int, last: int) -> float:
    """The width in pixels of columns first..last of an openpyxl sheet (hidden ones count nothing)."""
    total = 0.0
    for col in range(first, last + 1):
        dimension = ws.column_dimensions.get(column_letter(col))
        width = dimension.width if dimension is not None and dimension.width else DEFAULT_WIDTH
        hidden = dimension is not None and dimension.hidden
        total += 0 if hidden else pixels(width)
    return total


def lines_needed(text: str, width_px: float, size: float) -> int:
    """How many lines `text` wraps to in a cell `width_px` pixels wide, in an `size`-point font."""
    half_width_px = size * 4 / 3 / 2  # a CJK character is two of these
    columns = max(int((width_px - CELL_PADDING_PX) * WIDTH_MARGIN / half_width_px), 2)
    if "\n" not in text and text_width(text) <= columns:
        return 1  # most cells: no need to wrap
    return line_count(text, columns)


def row_height(lines: int, size: float) -> float:
    """Points for `lines` lines of an `size`-point font (tenths, rounded up)."""
    return min(math.ceil((lines * size * LINE_SPACING + ROW_PADDING) * 10) / 10, MAX_ROW_HEIGHT)


def fit_row_heights(ws: Any, first_row: int = 1, min_height: float | None = None) -> None:
    """Each row from `first_row` on as tall as its tallest wrapped text needs (at least `min_height`); a text
    merged over several rows shares out what it needs over them. Rows without wrapped text keep their height."""
    spans = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
    needs: dict[int, float] = {}
    tall: list[tuple[int, int, float]] = []  # merged over rows: (top, bottom, height needed)
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            if not isinstance(cell.value, str) or not cell.alignment.wrap_text or not cell.value.strip():
                continue  # one line of text: the row's height (at least the default) holds it
            merged = spans.get((cell.row, cell.column))
            left, right = (merged.min_col, merged.max_col) if merged else (cell.column, cell.column)
            bottom = merged.max_row if merged else cell.row
            size = float(cell.font.sz or DEFAULT_SIZE)
            height = row_height(lines_needed(cell.value, column_pixels(ws, left, right), size), size)
            if bottom > cell.row:
                tall.append((cell.row, bottom, height))
            else:
                needs[cell.row] = max(needs.get(cell.row, 0.0), height)
    for row, height in needs.items():
        ws.row_dimensions[row].height = max(height, min_height or 0.0)
    for top, bottom, height in tall:
        rows = range(top, bottom + 1)
        have = sum(ws.row_dimensions[r].height or DEFAULT_ROW_HEIGHT for r in rows)
        if have < height:  # the rows of a merged text grow evenly
            extra = (height - have) / len(rows)
            for r in rows:
                grown = (ws.row_dimensions[r].height or DEFAULT_ROW_HEIGHT) + extra
                ws.row_dimensions[r].height = math.ceil(grown * 10) / 10  # rounded up: never short


# --- one page wide ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageFit:
    orientation: str  # "portrait" or "landscape"
    scale: float  # what fitting one page wide shrinks the print to (1.0: not at all)


def page_fit(ws: Any, last_col: int) -> PageFit:
    """Portrait when one page wide keeps ≥ 90 % there, else landscape (a form that needs the width)."""
    return fit_for_width(column_pixels(ws, 1, last_col))


def fit_for_width(needed: float) -> PageFit:
    """The orientation and scale for columns `needed` pixels wide on A4 between our side margins."""
    scale = 1.0
    for orientation in ("portrait", "landscape"):
        paper = A4[0] if orientation == "portrait" else A4[1]
        printable = (paper - 2 * SIDE_MARGIN) * PIXELS_PER_INCH
        scale = min(1.0, printable / needed) if needed else 1.0
        if scale >= MIN_SCALE:
            return PageFit(orientation, scale)
    return PageFit("landscape", scale)


def print_one_page_wide(ws: Any, last_col: int, title_rows: str | None = None) -> PageFit:
    """A4, one page wide and as many pages tall as needed, centred, at ≥ 90 % where the columns allow."""
    fit = page_fit(ws, last_col)
    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = fit.orientation
    setup.fitToWidth, setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN
    if title_rows:
        ws.print_title_rows = title_rows
    return fit


def page_header(ws: Any, left: str, right: str) -> None:
    """A header with `left` and `right` texts (`&` written as `&&`) and a centred `第 N 页，共 M 页` footer."""
    for header in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
        header.left.text = _header_text(left)
        header.right.text = _header_text(right)
        header.left.size = header.right.size = 9
        header.left.font = header.right.font = "宋体,常规"
    for footer in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
        footer.center.text = "第 &P 页，共 &N 页"
        footer.center.size = 9
        footer.center.font = "宋体,常规"


MAX_HEADER_TEXT = 100  # Excel allows 255 characters for the whole header, codes included


def _header_text(text: str) -> str:
    text = text if len(text) <= MAX_HEADER_TEXT else text[: MAX_HEADER_TEXT - 1] + "…"
    return text.replace("&", "&&")
