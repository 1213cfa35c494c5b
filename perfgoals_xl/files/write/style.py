"""How what we write looks and is named: the notes' author, the copy's suffix, the 校验结果 sheet's tints and widths."""

from __future__ import annotations

import unicodedata
from typing import Any

NOTE_AUTHOR = "绩效校验"
ANNOTATED_SUFFIX = "_校验"  # a.xlsx → a_校验.xlsx
OPENPYXL_SUFFIXES = (".xlsx", ".xlsm")
ROW_TINTS = {"error": "FFFFE0E0", "warning": "FFFFFAD9"}  # the results sheet: lighter than the table fills
HEADER_FILL = "FFD9D9D9"
LINK_COLOR = "FF0563C1"
RESULT_WIDTHS = (6, 7, 7, 16, 9, 90)
SUMMARY_CHARS_PER_LINE = (
    120  # display width units of the summary line across A1:F1 (bold, a little under 135)
)
_NOTE_WIDTH_PX = 320
_NOTE_CHARS_PER_LINE = 40  # display width units (a CJK character counts 2) per line at _NOTE_WIDTH_PX


def fill(pattern_fill: Any, color: str) -> Any:
    argb = "FF" + color.lstrip("#").upper()
    return pattern_fill(fill_type="solid", fgColor=argb, bgColor=argb)  # dxf fills use bgColor


def display_width(text: str) -> int:
    longest = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)
