"""Removing our marks from a workbook: marker rules, our notes, the 校验结果 sheet, the registry names and the
totals 计算合计 wrote — nothing of the user's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfgoals_xl.core.marks import (
    FILL_COLORS,
    MARKER,
    NOTE_PREFIX,
    NOTES_NAME,
    RESULT_HEADER,
    RESULTS_SHEET,
    area_cells,
    is_registry_name,
    is_results_header,
    is_value_name,
    parse_refers_to,
    still_written,
    written_values,
)
from perfgoals_xl.files.write.save import activate_first_visible
from perfgoals_xl.files.write.style import LEGACY_FILLS, fill, marker_fill

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook
    from openpyxl.worksheet.worksheet import Worksheet


@dataclass(frozen=True)
class ClearReport:
    """What `clear` removed from `source`; `path` is the written file, None when there was nothing to remove."""

    source: Path
    path: Path | None
    rules: int = 0
    notes: int = 0
    sheets: int = 0
    names: int = 0
    values: int = 0  # totals 计算合计 wrote into empty cells (recorded in `_pg_values_*`), emptied again

    @property
    def total(self) -> int:
        return self.rules + self.notes + self.sheets + self.names + self.values

    @property
    def message(self) -> str:
        if self.path is None:
            return f"文件“{self.source.name}”中没有绩效校验标记，无需清除，未写出新文件。"
        parts = [
            f"标色规则 {self.rules} 条",
            f"批注 {self.notes} 条",
            f"“{RESULTS_SHEET}”工作表 {self.sheets} 张",
            f"标记名称 {self.names} 个",
        ]
        if self.values:
            parts.append(f"计算填入的合计 {self.values} 个")
        return f"已清除“{self.source.name}”中的绩效校验标记（{'、'.join(parts)}），另存为“{self.path}”。"


def remove_marks(book: OpenpyxlWorkbook, keep_values: bool = False) -> ClearReport:
    """Remove every mark of ours from the workbook in memory; counts of what went.

    Like the Excel host's 清除标记, this includes the totals 计算合计 wrote into empty cells (`_pg_values_*`),
    unless `keep_values` (a new check keeps them, and their names, for a later clear).
    """
    from openpyxl.cell.cell import MergedCell

    recorded: list[tuple[str, str]] = []  # cells listed in _pg_notes_* names
    ours: dict[str, str] = {}  # every registry name → refers_to
    names = 0
    scopes: list[Any] = [book.defined_names, *(ws.defined_names for ws in book.worksheets)]
    for scope in scopes:
        for name in [n for n in scope if is_registry_name(n) and not (keep_values and is_value_name(n))]:
            ours[name] = "=" + (scope[name].attr_text or "")
            if name.startswith(NOTES_NAME):
                recorded.extend(parse_refers_to(ours[name]))
            del scope[name]
            names += 1

    values = 0
    for sheet, ref, written in written_values(ours):
        for ws, row, col in _area_cells(book, [(sheet, ref)]):
            cell = ws._cells.get((row, col))
            if cell is not None and not isinstance(cell, MergedCell) and still_written(cell.value, written):
                cell.value = None  # a total 计算合计 wrote, not retyped since
                values += 1

    sheets = 0
    active = book.active
    for ws in [ws for ws in book.worksheets if _is_results_sheet(ws)]:
        book.remove(ws)
        sheets += 1
    if sheets and (active is None or active not in book._sheets):
        activate_first_visible(book)

    rules = sum(_remove_rules(ws) for ws in book.worksheets)
    if rules:
        _prune_marker_styles(book)

    notes = 0
    for ws, row, col in _area_cells(book, recorded):
        cell = ws._cells.get((row, col))
        if cell is not None and _is_our_note(cell.comment):
            cell.comment = None
            notes += 1
    for ws in book.worksheets:
        for cell in list(ws._cells.values()):
            if _is_our_note(cell.comment):
                cell.comment = None
                notes += 1
        _drop_empty_vml(book, ws)
    return ClearReport(
        source=Path(), path=None, rules=rules, notes=notes, sheets=sheets, names=names, values=values
    )


def _area_cells(book: OpenpyxlWorkbook, areas: list[tuple[str, str]]) -> Iterator[tuple[Worksheet, int, int]]:
    for sheet, ref in areas:
        if sheet in book.sheetnames and hasattr(book[sheet], "_cells"):
            top, left, bottom, right = area_cells(ref)
            for row in range(top, bottom + 1):
                for col in range(left, right + 1):
                    yield book[sheet], row, col


def _is_our_note(comment: Any) -> bool:
    return comment is not None and str(comment.text or "").startswith(NOTE_PREFIX)


def _is_results_sheet(ws: Worksheet) -> bool:
    """Our 校验结果 sheet (also 校验结果(2) … when the user had a sheet of that name): its header row is ours."""
    if not ws.title.startswith(RESULTS_SHEET):
        return False
    header = [getattr(ws._cells.get((2, col)), "value", None) for col in range(1, len(RESULT_HEADER) + 1)]
    return is_results_header(header)


def _remove_rules(ws: Worksheet) -> int:
    """Delete the conditional-format rules whose formula carries MARKER; the user's rules stay as they are."""
    removed = 0
    formats = ws.conditional_formatting
    for key in list(formats._cf_rules):
        rules = formats._cf_rules[key]
        kept = [rule for rule in rules if not any(MARKER in str(f) for f in rule.formula or ())]
        removed += len(rules) - len(kept)
        if not kept:
            del formats._cf_rules[key]
        elif len(kept) != len(rules):
            formats._cf_rules[key] = kept
    return removed


def _marker_styles() -> list[Any]:
    from openpyxl.styles import PatternFill
    from openpyxl.styles.differential import DifferentialStyle

    current = [DifferentialStyle(fill=marker_fill(PatternFill, severity)) for severity in FILL_COLORS]
    return current + [DifferentialStyle(fill=fill(PatternFill, color)) for color in LEGACY_FILLS.values()]


def _prune_marker_styles(book: OpenpyxlWorkbook) -> None:
    """Drop our fill styles from the end of the workbook's dxf list when no rule uses them any more.

    Only trailing entries go, so the index of every other differential style stays what it was.
    """
    ours = _marker_styles()
    used = [rule.dxf for ws in book.worksheets for cf in ws.conditional_formatting for rule in cf.rules]
    styles = book._differential_styles.styles
    while styles and styles[-1] in ours and styles[-1] not in used:
        styles.pop()


def _drop_empty_vml(book: OpenpyxlWorkbook, ws: Worksheet) -> None:
    """In an .xlsm openpyxl keeps the sheet's old VML drawing; without notes left it would point at nothing."""
    if ws._comments or ws.legacy_drawing is None or book.vba_archive is None:
        return
    try:
        vml = book.vba_archive.read(ws.legacy_drawing).decode("utf-8", "replace")
    except KeyError:
        ws.legacy_drawing = None
        return
    shapes = len(re.findall(r"<(?:\w+:)?shape[\s>]", vml))
    if shapes == vml.count('ObjectType="Note"') or "commentsDrawing" in ws.legacy_drawing:
        ws.legacy_drawing = None  # only notes were drawn there, or openpyxl's own drawing (not kept on save)
