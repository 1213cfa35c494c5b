"""The Excel host (xlwings): read sheets in one bulk read each, draw marks in batches, clear exactly ours.

The same code runs on desktop Excel (COM, from the ribbon) and on xlwings' remote engine (a book built from a
client payload — how the tests drive it on Linux). Branches only desktop Excel can run are behind `on_com`
and kept small: union addresses, hidden names, screen updating and the status bar.
No value of the user's table is ever written: only conditional formats, notes, our names and 校验结果.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from perfgoals_xl.core.check import check_grids, hidden_note, skipped_sheets
from perfgoals_xl.core.config import ConfigError, load_settings
from perfgoals_xl.core.errors import PerfgoalsError
from perfgoals_xl.core.grid import CellValue, Grid, Visibility, address, is_percent_format
from perfgoals_xl.core.marks import (
    FILL_COLORS,
    MARKER,
    MARKER_FORMULAS,
    NOTE_PREFIX,
    NOTES_NAME,
    RESULT_HEADER,
    RESULTS_SHEET,
    SEVERITY_NAMES,
    VALUES_NAME,
    WRITTEN_NAME,
    Note,
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
    union_addresses,
    value_names,
    written_values,
)
from perfgoals_xl.core.reader import read_tables
from perfgoals_xl.core.rules.registry import number_text
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.files.precheck.limits import MAX_SHEET_CELLS

ALERT_TITLE = "绩效目标校验"
RESULT_WIDTHS = (6, 6, 6, 14, 8, 80)  # characters; the remote engine takes points (×7)


@dataclass(frozen=True)
class Outcome:
    """What a handler did, for its alert and for tests."""

    message: str
    plan: Plan | None = None
    cleared: int = 0


# --- reading -------------------------------------------------------------------------------------------------


class SheetTooLarge(PerfgoalsError):
    """A used range too large to read safely; `message` is Chinese and names the sheet."""


MAX_PERCENT_CANDIDATES = 5_000  # cells per sheet whose number format desktop Excel is asked for


def read_grid(sheet: Any) -> Grid:
    """The sheet's used range in one read; its origin may lie below or right of A1 (COM's UsedRange).

    Desktop Excel also tells which numbers are shown as percentages (a few format reads, see
    `_percent_cells`) and the sheet's visibility; the remote engine cannot read number formats."""
    used = sheet.used_range
    rows, cols = used.shape
    if rows * cols > MAX_SHEET_CELLS:  # formatting down to row 1,048,576 makes COM's UsedRange huge
        raise SheetTooLarge(
            f"工作表“{sheet.name}”的已用区域为 {used.address.replace('$', '')}（{rows * cols:,} 个单元格），"
            f"超出安全上限 {MAX_SHEET_CELLS:,} 个；请删除表格以外多余的内容和格式后再校验。"
        )
    values = used.options(ndim=2, err_to_str=True).value or []  # #DIV/0! stays visible, as in a file
    rows = [[_cell(value) for value in row] for row in values]
    origin = (used.row, used.column)
    percent = _percent_cells(sheet, percent_candidates(rows, origin)) if on_com(sheet.book) else frozenset()
    return Grid(
        sheet=sheet.name, rows=rows, origin=origin, percent=percent, visibility=sheet_visibility(sheet)
    )


def percent_candidates(
    rows: list[list[CellValue]], origin: tuple[int, int], limit: int = MAX_PERCENT_CANDIDATES
) -> list[tuple[int, int]]:
    """The cells (row, col) whose number format is worth reading: a number other than 0 and at most 10 in
    size (a percent-formatted cell holds 0.95, 1.0 or 1.2, not 95). The first `limit`, row by row."""
    found: list[tuple[int, int]] = []
    for offset, line in enumerate(rows):
        for col_offset, value in enumerate(line):
            if isinstance(value, int | float) and not isinstance(value, bool) and 0 < abs(value) <= 10:
                found.append((origin[0] + offset, origin[1] + col_offset))
                if len(found) >= limit:
                    return found
    return found


def _percent_cells(sheet: Any, candidates: list[tuple[int, int]]) -> frozenset[tuple[int, int]]:
    """Desktop Excel: the candidates whose number format shows a percentage.

    Formats cannot be read in bulk, so each column's candidates are first asked for together: Excel gives
    their one format when they share it (None when they differ), and only then cell by cell."""
    by_col: dict[int, list[int]] = {}
    for row, col in candidates:
        by_col.setdefault(col, []).append(row)
    found: set[tuple[int, int]] = set()
    for col, rows in by_col.items():
        shared = sheet.range((rows[0], col), (rows[-1], col)).number_format
        if isinstance(shared, str):
            if is_percent_format(shared):
                found.update((row, col) for row in rows)
            continue
        for row in rows:
            code = sheet.range((row, col)).number_format
            if isinstance(code, str) and is_percent_format(code):
                found.add((row, col))
    return frozenset(found)


_COM_VISIBILITY: dict[int, Visibility] = {-1: "visible", 0: "hidden", 2: "veryHidden"}  # XlSheetVisibility
_REMOTE_VISIBILITY: dict[str, Visibility] = {
    "Visible": "visible",
    "Hidden": "hidden",
    "VeryHidden": "veryHidden",
}


def sheet_visibility(sheet: Any) -> Visibility:
    """The sheet's visibility where the host can tell, else "visible".

    Desktop Excel: `Worksheet.Visible`. The remote engine: the payload's `visibility`, which only the Office.js
    client sends (xlwings' `sheet.visible` raises KeyError with a VBA client's payload, and its bool cannot
    tell very hidden from hidden)."""
    try:
        if on_com(sheet.book):
            return _COM_VISIBILITY.get(int(sheet.api.Visible), "visible")
        payload = sheet.api
        state = payload.get("visibility") if isinstance(payload, dict) else None
        return _REMOTE_VISIBILITY.get(state, "visible") if isinstance(state, str) else "visible"
    except Exception:  # a host that cannot say: the sheet is treated as visible (it is checked)
        return "visible"


def _cell(value: Any) -> CellValue:
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)  # COM gives 4.0 where the remote engine gives 4; the reader prefers one form
    return value


def is_results_sheet(sheet: Any) -> bool:
    """Our 校验结果 sheet (its header row is ours); a user's own sheet of that name is left alone."""
    if not sheet.name.startswith(RESULTS_SHEET):
        return False
    header = sheet.range((2, 1), (2, len(RESULT_HEADER))).options(ndim=1).value or []
    return is_results_header(list(header))


def user_sheets(book: Any) -> list[Any]:
    """The sheets to check: all but our 校验结果."""
    return [sheet for sheet in book.sheets if not is_results_sheet(sheet)]


# --- handlers: what the ribbon buttons 校验本表 / 校验全部 / 清除标记 run ----------------------------------------


def check_active_sheet(book: Any, settings: Settings | None = None) -> Outcome:
    """校验本表: check the active sheet, mark it, list the findings in 校验结果, go to the first error.

    The active sheet is checked even if hidden (the user is looking at it)."""
    sheet = book.sheets.active
    if is_results_sheet(sheet):
        return _alert(book, Outcome("当前是“校验结果”表，请先切换到要校验的工作表。"))
    return _check(book, [sheet], settings, scope=f"工作表“{sheet.name}”", include_hidden=True)


def check_all_sheets(book: Any, settings: Settings | None = None) -> Outcome:
    """校验全部: every sheet, with the cross-sheet rules (C06); hidden sheets only with `include_hidden`
    (each one skipped is listed in 校验结果 as an info S10)."""
    return _check(book, user_sheets(book), settings, scope="全部工作表")


def clear_marks(book: Any) -> Outcome:
    """清除标记: remove our fills, notes, 校验结果 and registry names — nothing else."""
    with quiet(book, "正在清除校验标记…"):
        cleared = _clear(book)
    message = f"已清除 {cleared} 处校验标记。" if cleared else "没有需要清除的校验标记。"
    return _alert(book, Outcome(message, cleared=cleared))


def _settings(book: Any, settings: Settings | None) -> Settings:
    """The settings given, else those of the workbook's folder (perfgoals.toml …); ConfigError if broken."""
    return settings if settings is not None else load_settings(book_path(book))[0]


def _check(
    book: Any, sheets: list[Any], settings: Settings | None, scope: str, include_hidden: bool | None = None
) -> Outcome:
    try:
        settings = _settings(book, settings)
        include = settings.include_hidden if include_hidden is None else include_hidden
        with quiet(book, "正在校验绩效目标表…"):
            _clear(book, keep_values=True)  # a check after 计算合计 keeps the totals it wrote
            grids = read_grids(sheets, include)
            tables, findings = check_grids(grids, settings, include_hidden=include)
            plan = (
                plan_marks(
                    tables,
                    findings,
                    source=book.name,
                    checked_at=datetime.now(),
                    hidden_sheets=[g.sheet for g in grids if g.visibility != "visible"],
                )
                if tables
                else None
            )
            if plan is not None:
                draw(book, plan)
    except (ConfigError, SheetTooLarge) as exc:
        return _alert(book, Outcome(exc.message))
    if plan is None:
        note = hidden_note(skipped_sheets(grids, settings, include))
        return _alert(
            book, Outcome(f"{scope}中没有找到绩效目标表（项目支出或部门整体支出绩效目标表）{note}。")
        )
    return _alert(book, Outcome(_summary_message(plan), plan=plan), goto=plan)


def read_grids(sheets: list[Any], include_hidden: bool) -> list[Grid]:
    """A Grid per sheet; a hidden sheet that will not be checked is not read (an empty Grid names it)."""
    grids = []
    for sheet in sheets:
        visibility = "visible" if include_hidden else sheet_visibility(sheet)
        if visibility == "visible":
            grids.append(read_grid(sheet))
        else:
            grids.append(Grid(sheet=sheet.name, rows=[], visibility=visibility))
    return grids


def _summary_message(plan: Plan) -> str:
    errors, warnings = plan.count("error"), plan.count("warning")
    if not errors and not warnings:
        return f"校验完成，未发现错误或警告（提示 {plan.count('info')} 条，见“{RESULTS_SHEET}”表）。"
    first = plan.first_error
    where = (
        f"第一处{SEVERITY_NAMES[first.severity]}在“{first.sheet}”{first.cell}：{first.message}"
        if first
        else ""
    )
    return f"校验完成：错误 {errors} 条，警告 {warnings} 条，详见“{RESULTS_SHEET}”表。\n{where}"


def _alert(book: Any, outcome: Outcome, goto: Plan | None = None) -> Outcome:
    """The closing alert, after putting the cursor on the first error of a visible sheet."""
    visible = {sheet.name for sheet in book.sheets if sheet_visibility(sheet) == "visible"} if goto else set()
    first = next(
        (f for f in (goto.results if goto else []) if f.severity != "info" and f.sheet in visible), None
    )
    if first is not None and first.severity == "warning" and goto.first_error is not None:
        first = goto.first_error if goto.first_error.sheet in visible else first
    if first is not None:
        sheet = book.sheets[first.sheet]
        sheet.activate()  # on desktop Excel a range can only be selected on the active sheet
        sheet.range(first.cell).select()
    book.app.alert(outcome.message, title=ALERT_TITLE)
    return outcome


def fill_totals(book: Any, settings: Settings | None = None) -> Outcome:
    """计算合计: write computed totals into empty total cells (with a note saying how), never over a number the
    user typed; a total that disagrees is reported as its C finding and marked like any other."""
    from perfgoals_xl.core.rules import check_tables
    from perfgoals_xl.core.totals import identities

    try:
        settings = _settings(book, settings)
        selected = tuple(r for r in TOTAL_RULES if settings.enabled(r))  # the user's own ignores still hold
        settings = settings.model_copy(update={"select": selected or ("C0",), "ignore": settings.ignore})
        with quiet(book, "正在计算合计…"):
            _clear(book, keep_values=True)
            grids = read_grids(user_sheets(book), settings.include_hidden)  # hidden ones as 校验全部 does
            tables = [t for g in grids for t in read_tables(g)]
            if tables:
                fillable, conflicts = _agreed(identities(tables), settings.thresholds.money_tolerance)
                filled = _write_totals(book, fillable)
                findings = [f for f in check_tables(tables, settings) if f.severity != "info"]
                plan = plan_marks(
                    tables,
                    findings,
                    source=book.name,
                    checked_at=datetime.now(),
                    hidden_sheets=[g.sheet for g in grids if g.visibility != "visible"],
                )
                draw(book, plan)
                written = sorted(
                    (i.sheet, i.left.cell.address, round(i.right_sum, 6))
                    for i in fillable
                    if _key(i) in filled
                )
                for name, refers_to in value_names(written, start=_next_value_index(book)).items():
                    _add_name(book, name, refers_to)
                _draw_notes(
                    book, replace(plan, notes=[_total_note(i) for i in fillable if _key(i) in filled])
                )
    except (ConfigError, SheetTooLarge) as exc:
        return _alert(book, Outcome(exc.message))
    if not tables:
        return _alert(book, Outcome("工作簿中没有找到绩效目标表，无法计算合计。"))
    written = "、".join(f"{i.sheet}!{i.left.cell.address} {i.left.label}" for i in fillable) or "无"
    message = (
        f"计算合计完成：填入 {len(filled)} 个空白合计（{written}）；{len(findings)} 处合计不一致，已标出。"
    )
    for (sheet_name, cell), sums in conflicts.items():
        message += f"\n{sheet_name}!{cell} 未填：各项之和不一致（{' ≠ '.join(sums)}），请先核对分项。"
    return _alert(book, Outcome(message, plan=plan), goto=plan)


TOTAL_RULES = ("C01", "C03", "C04", "C05", "C06", "C07")


def _key(identity: Any) -> tuple[str, str]:
    return identity.sheet, identity.left.cell.address


def _agreed(found: list[Any], tolerance: float) -> tuple[list[Any], dict[tuple[str, str], list[str]]]:
    """Blank totals whose identities agree (资金总额 from sources and from uses); the others as conflicts."""
    by_cell: dict[tuple[str, str], list[Any]] = {}
    for identity in (i for i in found if i.fillable):
        by_cell.setdefault(_key(identity), []).append(identity)
    agreed, conflicts = [], {}
    for cell, group in by_cell.items():
        sums = [i.right_sum for i in group]
        if max(sums) - min(sums) <= tolerance:
            agreed.append(group[0])
        else:
            conflicts[cell] = [f"{i.formula_text()} = {number_text(i.right_sum)}" for i in group]
    return agreed, conflicts


def _next_value_index(book: Any) -> int:
    """Totals recorded by an earlier 计算合计 keep their names: number the new ones after them."""
    indices = [
        int(n.name.rsplit("_", 1)[-1]) for n in book.names if is_value_name(n.name) and n.name[-1].isdigit()
    ]
    return max(indices, default=0) + 1


def _write_totals(book: Any, fillable: list[Any]) -> set[tuple[str, str]]:
    """The sums, as values, into the empty total cells; returns the cells written."""
    filled = set()
    for identity in fillable:
        cell = book.sheets[identity.sheet].range(identity.left.cell.address)
        if on_com(book) and str(cell.formula or "").startswith("="):
            continue  # a formula that shows nothing is still the user's formula
        cell.value = round(identity.right_sum, 6)
        filled.add(_key(identity))
    return filled


def _total_note(identity: Any) -> Note:
    text = f"{NOTE_PREFIX}\n由“计算合计”填入：{identity.left.label} = {identity.formula_text()}（{identity.unit}）"
    return Note(identity.sheet, identity.left.cell.row, identity.left.cell.col, text)


# --- drawing ------------------------------------------------------------------------------------------------


def draw(book: Any, plan: Plan) -> None:
    """Fills, notes, the results sheet and the registry names, in as few calls as the host allows.

    The names are recorded first, so marks drawn before a failure half-way can still be cleared."""
    free = [
        n for n in plan.notes if book.sheets[n.sheet].range(n.cell).note is None
    ]  # never replace a user's
    to_draw = replace(plan, notes=free)
    for name, refers_to in registry_names(to_draw).items():
        _add_name(book, name, refers_to)
    _draw_fills(book, plan)
    _draw_notes(book, to_draw)
    _draw_results(book, plan)


def _draw_fills(book: Any, plan: Plan) -> None:
    groups: dict[tuple[str, str], list[str]] = {}
    for block in plan.blocks:
        groups.setdefault((block.sheet, block.severity), []).append(block.ref)
    for (sheet_name, severity), refs in groups.items():
        sheet = book.sheets[sheet_name]
        # desktop Excel colours many blocks per call through union addresses; the remote engine one per block
        for ref in union_addresses(refs) if on_com(book) else refs:
            rule = sheet.range(ref).conditional_formats.add_custom(
                MARKER_FORMULAS[severity], fill_color=FILL_COLORS[severity]
            )
            if on_com(book):
                rule.impl.api.SetLastPriority()  # xlwings puts new rules first: the user's own colours win


def _draw_notes(book: Any, plan: Plan) -> None:
    """Notes on cells that have none yet (a user's own note is never replaced)."""
    for note in plan.notes:
        cell = book.sheets[note.sheet].range(note.cell)
        if cell.note is not None:
            continue
        try:
            cell.add_note(note.text)
        except NotImplementedError:
            return  # a client without notes: fills and 校验结果 still show every finding
        if on_com(book):
            cell.note.api.Shape.TextFrame.AutoSize = True  # the whole message, not a clipped box


def _draw_results(book: Any, plan: Plan) -> None:
    """校验结果: one bulk write; the 单元格 column links to each cell with HYPERLINK formulas (not to a cell on
    a hidden sheet)."""
    rows = result_rows(plan)
    for finding, row in zip(plan.results, rows[2:], strict=True):
        if not plan.has_link(finding):
            continue  # a hidden sheet: Excel cannot go there
        sheet_name, cell = str(row[3]), str(row[4])
        target = link_target(sheet_name, cell).replace(
            '"', '""'
        )  # a " in a sheet name, inside a formula string
        row[4] = f'=HYPERLINK("{target}","{cell}")'
    width = len(rows[1])
    rows = [row + [None] * (width - len(row)) for row in rows]
    name = results_sheet_name({s.name for s in book.sheets})
    sheet = book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
    sheet.range("A1").value = rows
    sheet.range((2, 1), (2, width)).font.bold = True
    scale = 1 if on_com(book) else 7
    for col, chars in enumerate(RESULT_WIDTHS, 1):
        sheet.range((1, col)).column_width = chars * scale


def _add_name(book: Any, name: str, refers_to: str) -> None:
    if on_com(book):
        book.api.Names.Add(Name=name, RefersTo=refers_to, Visible=False)  # hidden from Name Manager
    else:
        book.names.add(name, refers_to)


# --- clearing -----------------------------------------------------------------------------------------------


def _clear(book: Any, keep_values: bool = False) -> int:
    """Remove what the registry names say we added, the results sheet and the names; count the areas.

    `keep_values`: a new check keeps the totals 计算合计 wrote (and their names, for a later 清除标记)."""
    cleared = 0
    ours = [n for n in book.names if is_registry_name(n.name) and not (keep_values and is_value_name(n.name))]
    sheets = {s.name for s in book.sheets}
    for sheet_name, cell, value in written_values({n.name: n.refers_to for n in ours}):
        target = book.sheets[sheet_name].range(cell) if sheet_name in sheets else None
        if target is not None and still_written(target.value, value):
            target.clear_contents()  # a total we computed into an empty cell, not retyped since
            if target.note is not None and (not on_com(book) or target.note.text.startswith(NOTE_PREFIX)):
                target.note.delete()
            cleared += 1
    if on_com(book):
        cleared += sum(_clear_com_rules(sheet) for sheet in book.sheets)
    for name in ours:
        base = name.name.split("!")[-1]
        if not base.startswith((VALUES_NAME, WRITTEN_NAME)):
            for sheet_name, ref in parse_refers_to(name.refers_to):
                if sheet_name in sheets:
                    sheet = book.sheets[sheet_name]
                    if base.startswith(NOTES_NAME):
                        cleared += _clear_notes(book, sheet, ref)
                    elif not on_com(book):
                        sheet.range(ref).conditional_formats.clear()  # the remote engine cannot list rules
                        cleared += 1
        name.delete()
    for sheet in [s for s in book.sheets if is_results_sheet(s)]:
        sheet.delete()
        cleared += 1
    return cleared


def _clear_com_rules(sheet: Any) -> int:
    """Desktop Excel: every rule of ours on the sheet, wherever the user copied marked rows to."""
    ours = [rule for rule in sheet.cells.conditional_formats if MARKER in (rule.formula or "")]
    for rule in reversed(ours):
        rule.delete()
    return len(ours)


def _clear_notes(book: Any, sheet: Any, ref: str) -> int:
    top, left, bottom, right = area_cells(ref)
    cleared = 0
    for row in range(top, bottom + 1):
        for col in range(left, right + 1):
            cell = sheet.range(address(row, col))
            note = cell.note
            if note is None:
                continue
            if on_com(book) and not (note.text or "").startswith(NOTE_PREFIX):
                continue  # desktop Excel can read the text: a note that is not ours stays
            note.delete()
            cleared += 1
    return cleared


# --- host details ---------------------------------------------------------------------------------------------


def on_com(book: Any) -> bool:
    return book.app.engine.name == "excel"


@contextmanager
def quiet(book: Any, status: str) -> Iterator[None]:
    """Desktop Excel: screen updating off and a status-bar text while we work, both restored afterwards."""
    if not on_com(book):
        yield
        return
    app = book.app
    updating = app.screen_updating
    app.screen_updating = False
    app.status_bar = status
    try:
        yield
    finally:
        app.screen_updating = updating
        app.status_bar = False  # hands the status bar back to Excel


def book_path(book: Any) -> Path | None:
    """The saved workbook's path (for perfgoals.toml lookup), None for an unsaved or remote book."""
    path = Path(book.fullname)
    return path if path.is_absolute() and path.exists() else None
