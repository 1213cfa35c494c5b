"""The file host: draw a Plan of marks into a copy of a workbook file, and clear our marks from a file.

- `annotate` writes an annotated COPY: conditional-format fills (marker formula), notes, the 校验结果 sheet and
  the hidden `_pg_*` names of marks.py; everything else of the user's workbook is kept as openpyxl keeps it.
  .xlsm keeps its macros; .xls/.xlsb/.ods, which openpyxl cannot open, become an .xlsx copy built from the
  Grids that were checked (values, merges, sheet names).
- `clear` writes a copy without our marks: the marker CF rules, notes starting with NOTE_PREFIX, the results
  sheet and the registry names — nothing of the user's.

The source file is only ever read (its bytes, once); output goes to a temporary file in the output folder
and is moved into place, so a half-written file never appears. openpyxl is imported inside the functions
that write, never at import time: `perfgoals-xl check` without --annotate does not load it.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import tempfile
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from copy import copy
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfgoals_xl.core.grid import Grid, column_index, column_letter
from perfgoals_xl.core.marks import (
    FILL_COLORS,
    MARKER,
    MARKER_FORMULAS,
    NOTE_PREFIX,
    NOTES_NAME,
    RESULT_HEADER,
    RESULTS_SHEET,
    Plan,
    area_cells,
    is_registry_name,
    is_results_header,
    is_value_name,
    link_target,
    parse_refers_to,
    plan_marks,
    registry_names,
    result_rows,
    results_sheet_name,
    still_written,
    written_values,
)
from perfgoals_xl.files.errors import short_reason
from perfgoals_xl.files.precheck.limits import MAX_SHEET_CELLS

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook
    from openpyxl.worksheet.worksheet import Worksheet

    from perfgoals_xl.core.report import FileReport
    from perfgoals_xl.files.read import Workbook

NOTE_AUTHOR = "绩效校验"
ANNOTATED_SUFFIX = "_校验"  # a.xlsx → a_校验.xlsx
OPENPYXL_SUFFIXES = (".xlsx", ".xlsm")
ROW_TINTS = {"error": "FFFFE0E0", "warning": "FFFFFAD9"}  # the results sheet: lighter than the table fills
HEADER_FILL = "FFD9D9D9"
LINK_COLOR = "FF0563C1"
RESULT_WIDTHS = (6, 7, 7, 16, 9, 90)
_NOTE_WIDTH_PX = 320
_NOTE_CHARS_PER_LINE = 40  # display width units (a CJK character counts 2) per line at _NOTE_WIDTH_PX
_SHEET_TITLE_FORBIDDEN = str.maketrans({ch: "_" for ch in "[]:*?/\\"})


class WriteError(Exception):
    """A file that cannot be written (or read for writing); `message` is Chinese and names the file."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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


# --- public ----------------------------------------------------------------------------------------------------


def output_suffix(src: Path) -> str:
    """The suffix an annotated or cleared copy of `src` gets: .xlsm stays .xlsm, everything else is .xlsx."""
    return ".xlsm" if src.suffix.lower() == ".xlsm" else ".xlsx"


def annotated_name(src: Path) -> str:
    """`报送表.xls` → `报送表_校验.xlsx`."""
    return f"{src.stem}{ANNOTATED_SUFFIX}{output_suffix(src)}"


def plan_for(workbook: Workbook, result: FileReport, *, checked_at: datetime | None = None) -> Plan:
    """The marks for one checked file: notes anchored to merged ranges' top-left cells via its Grids."""
    grids = {grid.sheet: grid for grid in workbook.grids}

    def anchor(sheet: str, row: int, col: int) -> tuple[int, int]:
        grid = grids.get(sheet)
        return grid.anchor(row, col) if grid is not None else (row, col)

    return plan_marks(
        result.tables,
        result.findings,
        source=workbook.path.name,
        checked_at=checked_at or datetime.now(),
        anchor=anchor,
        hidden_sheets=[grid.sheet for grid in workbook.grids if grid.visibility != "visible"],
    )


def annotate(src: Path, dst: Path, plan: Plan, grids: list[Grid], *, force: bool = False) -> Path:
    """Write `src` with the marks of `plan` to `dst` (suffix adjusted, see output_suffix); returns the path.

    Marks of an earlier check in `src` are removed first, so annotating an annotated file gives the same
    marks as annotating the original. A user's note on an offending cell is kept (the finding is still listed
    in the results sheet). `grids` are only used for formats openpyxl cannot open (.xls/.xlsb/.ods).
    """
    src, dst = Path(src), Path(dst)
    dst = _target(src, dst.with_suffix(output_suffix(src)), force)
    if src.suffix.lower() in OPENPYXL_SUFFIXES:
        book = _load(src, "写出标注副本")
    else:
        book, titles = _from_grids(grids)
        plan = _renamed(plan, titles)
    _remove_marks(book, keep_values=True)  # a check after 计算合计 keeps the totals it wrote
    _draw(book, plan)
    _save(book, dst)
    return dst


def clear(src: Path, dst: Path, *, force: bool = False) -> ClearReport:
    """Write `src` without our marks to `dst`; when `src` has none, nothing is written (report.path is None)."""
    src, dst = Path(src), Path(dst)
    if src.suffix.lower() not in OPENPYXL_SUFFIXES:
        raise WriteError(
            f"文件“{src.name}”不是 .xlsx/.xlsm 文件：只有这两种文件会带有校验标记"
            "（.xls/.xlsb/.ods 的标注副本都另存为 .xlsx）。"
        )
    dst = _target(src, dst.with_suffix(output_suffix(src)), force)
    book = _load(src, "清除标记")
    removed = _remove_marks(book)
    if not removed.total:
        return dataclasses.replace(removed, source=src)
    _save(book, dst)
    return dataclasses.replace(removed, source=src, path=dst)


# --- reading and writing files -----------------------------------------------------------------------------


def save_workbook(book: OpenpyxlWorkbook, dst: Path, *, force: bool = False) -> Path:
    """Save a workbook we made (a filled template) atomically; an existing `dst` needs `force`."""
    if not dst.parent.is_dir():
        raise WriteError(f"输出文件夹“{dst.parent}”不存在，无法写出“{dst.name}”。")
    if dst.exists() and not force:
        raise WriteError(f"输出文件“{dst}”已存在，未覆盖（加 --force 可覆盖）。")
    _save(book, dst)
    return dst


def _target(src: Path, dst: Path, force: bool) -> Path:
    if not src.is_file():
        raise WriteError(f"找不到文件“{src}”。")
    if not dst.parent.is_dir():
        raise WriteError(f"输出文件夹“{dst.parent}”不存在，无法写出“{dst.name}”。")
    if dst.exists():
        if dst.resolve() == src.resolve() or os.path.samefile(dst, src):
            raise WriteError(f"输出文件“{dst}”就是原文件；原文件不会被改写，请另选输出位置。")
        if dst.is_dir():
            raise WriteError(f"输出位置“{dst}”是一个文件夹，不是文件。")
        if not force:
            raise WriteError(f"输出文件“{dst}”已存在，未覆盖（加 --force 可覆盖）。")
    return dst


def _load(src: Path, action: str) -> OpenpyxlWorkbook:
    """The workbook from the bytes of `src` (read once; the file is never opened for writing)."""
    import openpyxl

    try:
        data = src.read_bytes()
    except OSError as exc:
        raise WriteError(f"无法读取文件“{src.name}”，未能{action}（{_reason(exc)}）。") from exc
    _refuse_huge_merges(src, data, action)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "extension not supported" and the like: the copy is a copy
            return openpyxl.load_workbook(io.BytesIO(data), keep_vba=src.suffix.lower() == ".xlsm")
    except Exception as exc:  # openpyxl raises many kinds on foreign or damaged packages
        raise WriteError(
            f"文件“{src.name}”无法用 openpyxl 打开（{short_reason(exc)}），未能{action}。"
            "请在 Excel 中另存为 .xlsx 后再试。"
        ) from exc


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?"')


def _refuse_huge_merges(src: Path, data: bytes, action: str) -> None:
    """openpyxl makes one object per merged cell: a merge over a whole sheet would take minutes and gigabytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
            for name in sheets:
                cells = 0
                for col1, row1, col2, row2 in _MERGE.findall(package.read(name)):
                    top, left = int(row1), column_index(col1.decode())
                    bottom, right = int(row2 or row1), column_index((col2 or col1).decode())
                    cells += (bottom - top + 1) * (right - left + 1)
                if cells > MAX_SHEET_CELLS:
                    raise WriteError(
                        f"文件“{src.name}”的“{name.rsplit('/', 1)[-1]}”合并单元格覆盖约 {cells:,} 个单元格，"
                        f"超出安全上限，未能{action}。请取消表格以外的大范围合并后再试。"
                    )
    except zipfile.BadZipFile:
        return  # openpyxl reports a damaged package below


def _save(book: OpenpyxlWorkbook, dst: Path) -> None:
    """Save to a temporary file beside `dst`, then move it into place."""
    try:
        handle, name = tempfile.mkstemp(dir=dst.parent, prefix=f".~{dst.stem}.", suffix=".tmp")
    except OSError as exc:
        raise WriteError(f"无法在文件夹“{dst.parent}”中写出“{dst.name}”（{_reason(exc)}）。") from exc
    os.close(handle)
    temp = Path(name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book.save(temp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, dst)
    except OSError as exc:
        raise WriteError(f"无法写出文件“{dst}”（{_reason(exc)}）。") from exc
    finally:
        temp.unlink(missing_ok=True)


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "没有写入权限"
    if isinstance(exc, FileNotFoundError):
        return "路径不存在"
    return exc.strerror or type(exc).__name__


# --- a copy built from Grids (.xls/.xlsb/.ods) -----------------------------------------------------------------


def _from_grids(grids: list[Grid]) -> tuple[OpenpyxlWorkbook, dict[str, str]]:
    """An openpyxl workbook holding the Grids' values and merges; also old → new sheet titles."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment

    book = Workbook()
    book.remove(book.active)
    titles: dict[str, str] = {}
    wrap = Alignment(wrap_text=True, vertical="center")
    for grid in grids or [Grid(sheet="Sheet1", rows=[])]:
        title = _sheet_title(grid.sheet, set(titles.values()))
        titles[grid.sheet] = title
        ws = book.create_sheet(title)
        widths: dict[int, int] = {}
        for offset, line in enumerate(grid.rows):
            for col_offset, value in enumerate(line):
                if value is None:
                    continue
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                row, col = grid.first_row + offset, grid.first_col + col_offset
                cell = ws.cell(row=row, column=col, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text such as "=95" stays text
                    cell.alignment = wrap
                if grid.merge_at(row, col) is None:
                    widths[col] = max(widths.get(col, 0), _display_width(str(value)))
        for merged in grid.merges:
            ws.merge_cells(merged.ref)
        for col, width in widths.items():
            ws.column_dimensions[column_letter(col)].width = min(max(width + 2, 8), 40)
        if grid.visibility != "visible" and any(other.visibility == "visible" for other in grids):
            ws.sheet_state = grid.visibility  # hidden as in the source (one sheet stays visible)
    _activate_first_visible(book)
    return book, titles


def _sheet_title(name: str, taken: set[str]) -> str:
    """A title Excel accepts (≤31 characters, none of []:*?/\\), unique in the workbook."""
    title = (name.translate(_SHEET_TITLE_FORBIDDEN).strip("'") or "Sheet")[:31]
    candidate, number = title, 2
    while candidate in taken:
        suffix = f"({number})"
        candidate, number = title[: 31 - len(suffix)] + suffix, number + 1
    return candidate


def _renamed(plan: Plan, titles: dict[str, str]) -> Plan:
    if all(old == new for old, new in titles.items()):
        return plan
    rename = lambda sheet: titles.get(sheet, sheet)  # noqa: E731
    return dataclasses.replace(
        plan,
        blocks=[dataclasses.replace(b, sheet=rename(b.sheet)) for b in plan.blocks],
        notes=[dataclasses.replace(n, sheet=rename(n.sheet)) for n in plan.notes],
        results=[dataclasses.replace(f, sheet=rename(f.sheet)) for f in plan.results],
        checked_sheets=[rename(s) for s in plan.checked_sheets],
        hidden_sheets=frozenset(rename(s) for s in plan.hidden_sheets),
    )


def _display_width(text: str) -> int:
    longest = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


# --- removing marks ----------------------------------------------------------------------------------------


def _remove_marks(book: OpenpyxlWorkbook, keep_values: bool = False) -> ClearReport:
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
        _activate_first_visible(book)

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
    """Our 校验结果 sheet (also 校验结果2 … when the user had a sheet of that name): its header row is ours."""
    if not ws.title.startswith(RESULTS_SHEET):
        return False
    header = [getattr(ws._cells.get((2, col)), "value", None) for col in range(1, len(RESULT_HEADER) + 1)]
    return is_results_header(header)


def _activate_first_visible(book: OpenpyxlWorkbook) -> None:
    for index, ws in enumerate(book._sheets):
        if ws.sheet_state == "visible":
            book.active = index
            for other in book._sheets:
                other.sheet_view.tabSelected = other is ws
            return


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

    return [DifferentialStyle(fill=_fill(PatternFill, color)) for color in FILL_COLORS.values()]


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


# --- drawing marks -----------------------------------------------------------------------------------------


def _fill(pattern_fill: Any, color: str) -> Any:
    argb = "FF" + color.lstrip("#").upper()
    return pattern_fill(fill_type="solid", fgColor=argb, bgColor=argb)  # dxf fills use bgColor


def _draw(book: OpenpyxlWorkbook, plan: Plan) -> None:
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
            formula=[MARKER_FORMULAS[severity].removeprefix("=")],
            fill=_fill(PatternFill, FILL_COLORS[severity]),
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
            max(1, -(-_display_width(line) // _NOTE_CHARS_PER_LINE)) for line in note.text.splitlines()
        )
        cell.comment = Comment(note.text, NOTE_AUTHOR, height=min(18 * lines + 12, 400), width=_NOTE_WIDTH_PX)
        drawn.append(dataclasses.replace(note, row=cell.row, col=cell.column))
    return drawn


def _cells_of(merged: Any) -> set[tuple[int, int]]:
    return set(merged.cells)


def _draw_results(book: OpenpyxlWorkbook, plan: Plan) -> None:
    """The 校验结果 sheet: summary, header, one linked row per finding; prints landscape on A4, fit to width."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.hyperlink import Hyperlink

    ws = book.create_sheet(results_sheet_name(set(book.sheetnames)))  # a user's 校验结果 is left alone
    rows = result_rows(plan)
    width = len(RESULT_HEADER)
    last_col = column_letter(width)

    ws.append(rows[0])
    ws.merge_cells(f"A1:{last_col}1")
    ws["A1"].font = Font(bold=True)
    ws["A1"].alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[1].height = 36

    ws.append(rows[1])
    thin = Side(style="thin", color="FF808080")
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill(fill_type="solid", fgColor=HEADER_FILL)
        cell.border = Border(bottom=thin)
        cell.alignment = Alignment(horizontal="center", vertical="center")

    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    center = Alignment(horizontal="center", vertical="top")
    fills = {severity: PatternFill(fill_type="solid", fgColor=tint) for severity, tint in ROW_TINTS.items()}
    link_font, bold = Font(color=LINK_COLOR, underline="single"), Font(bold=True)
    link_col, level_col = RESULT_HEADER.index("单元格") + 1, RESULT_HEADER.index("级别") + 1
    # one styled prototype row per severity; every finding row copies its styles (openpyxl hashes each new
    # style object, which made this sheet the slowest part of an annotated copy)
    prototypes: dict[str, list[Any]] = {}
    for line, (finding, row) in enumerate(zip(plan.results, rows[2:], strict=True), start=3):
        ws.append(row)
        cells = [ws.cell(row=line, column=col) for col in range(1, width + 1)]
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
        styles = prototypes.get(finding.severity)
        if styles is None:
            fill = fills.get(finding.severity)
            for col, cell in enumerate(cells, 1):
                cell.alignment = wrap if col == width else center if col == 1 else top
                if fill:
                    cell.fill = fill
            cells[link_col - 1].font = link_font
            if fill:
                cells[level_col - 1].font = bold
            prototypes[finding.severity] = [copy(cell._style) for cell in cells]
        else:
            for cell, style in zip(cells, styles, strict=True):
                cell._style = copy(style)
        link = cells[link_col - 1]
        if plan.has_link(finding):
            link.hyperlink = Hyperlink(
                ref=link.coordinate, location=link_target(finding.sheet, finding.cell)[1:]
            )
        else:  # a hidden sheet: Excel cannot go there, so the cell is plain text like its neighbour
            link.font = copy(cells[link_col - 2].font)

    for col, col_width in enumerate(RESULT_WIDTHS, 1):
        ws.column_dimensions[column_letter(col)].width = col_width
    ws.freeze_panes = "A3"
    if plan.results:
        ws.auto_filter.ref = f"A2:{last_col}{ws.max_row}"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
