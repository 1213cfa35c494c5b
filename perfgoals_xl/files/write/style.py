"""How what we write looks and is named: the notes' author, the copy's suffix, the marks' fills, the 校验结果 sheet's
font, tints and widths."""

from __future__ import annotations

from typing import Any

from perfgoals_xl.core.marks import FILL_COLORS, WARNING_PATTERN
from perfgoals_xl.core.textwidth import text_width

NOTE_AUTHOR = "绩效校验"
ANNOTATED_SUFFIX = "_校验"  # a.xlsx → a_校验.xlsx
OPENPYXL_SUFFIXES = (".xlsx", ".xlsm")
ROW_TINTS = {"error": "FFFFE0E0", "warning": "FFFFFAD9"}  # the results sheet: lighter than the table fills
HEADER_FILL = "FFD9D9D9"
LINK_COLOR = "FF0563C1"
RESULT_WIDTHS = (6, 7, 7, 16, 9, 90)
RESULT_FONT, RESULT_SIZE = (
    "宋体",
    10,
)  # every cell of 校验结果 names its font (no Latin serif for bold or links)
LEGACY_FILLS = {
    "error": "#FF9F9F",
    "warning": "#FFF2A8",
}  # the marks' colours before issue 13 (still cleared)
_NOTE_WIDTH_PX = 320
_NOTE_CHARS_PER_LINE = 40  # display width units (a CJK character counts 2) per line at _NOTE_WIDTH_PX


def argb(color: str) -> str:
    return "FF" + color.lstrip("#").upper()


def fill(pattern_fill: Any, color: str) -> Any:
    return pattern_fill(fill_type="solid", fgColor=argb(color), bgColor=argb(color))  # dxf fills use bgColor


def marker_fill(pattern_fill: Any, severity: str) -> Any:
    """The fill of our mark for `severity`: solid for an error, dotted over the colour for a warning."""
    if severity != "warning":
        return fill(pattern_fill, FILL_COLORS[severity])
    pattern, dots = WARNING_PATTERN
    return pattern_fill(fill_type=pattern, fgColor=argb(dots), bgColor=argb(FILL_COLORS[severity]))


def display_width(text: str) -> int:
    """The columns of `text`'s widest line (a CJK character counts two)."""
    return max((text_width(line) for line in text.splitlines()), default=0)
