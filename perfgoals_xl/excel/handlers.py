"""What the ribbon buttons 校验本表 / 校验全部 / 清除标记 run: check, mark, list, alert — on desktop Excel (COM) and
on xlwings' remote engine alike. No value of the user's table is ever written."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from perfgoals_xl.core.check import check_grids, hidden_note, skipped_sheets
from perfgoals_xl.core.config import ConfigError
from perfgoals_xl.core.grid import Grid
from perfgoals_xl.core.marks import RESULTS_SHEET, Plan, plan_marks
from perfgoals_xl.core.models import SEVERITY_NAMES, Table
from perfgoals_xl.core.provenance import BOOK_FOLDER, SettingsInForce, resolve
from perfgoals_xl.core.report import Finding
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.excel import app
from perfgoals_xl.excel.app import Outcome, alert, quiet
from perfgoals_xl.excel.marks import draw, erase_marks
from perfgoals_xl.excel.read import (
    BookUnreadable,
    active_sheet,
    book_name,
    is_results_sheet,
    read_grids,
    sheet_visibility,
    user_sheets,
)


def check_active_sheet(book: Any, settings: Settings | None = None) -> Outcome:
    """校验本表: check the active sheet, mark it, list the findings in 校验结果, go to the first error.

    The active sheet is checked even if hidden (the user is looking at it)."""
    try:
        sheet = active_sheet(book)
    except BookUnreadable as exc:
        return alert_outcome(book, Outcome(exc.message))
    if is_results_sheet(sheet):
        return alert_outcome(book, Outcome("当前是“校验结果”表，请先切换到要校验的工作表。"))
    return _check(book, [sheet], settings, scope=f"工作表“{sheet.name}”", include_hidden=True)


def check_all_sheets(book: Any, settings: Settings | None = None) -> Outcome:
    """校验全部: every sheet, with the cross-sheet rules (C06); hidden sheets only with `include_hidden`
    (each one skipped is listed in 校验结果 as an info S10)."""
    return _check(book, user_sheets(book), settings, scope="全部工作表")


def clear_marks(book: Any) -> Outcome:
    """清除标记: remove our fills, notes, 校验结果 and registry names — nothing else."""
    try:
        with quiet(book, "正在清除校验标记…"):
            cleared = erase_marks(book)
    except BookUnreadable as exc:
        return alert_outcome(book, Outcome(exc.message))
    message = f"已清除 {cleared} 处校验标记。" if cleared else "没有需要清除的校验标记。"
    return alert_outcome(book, Outcome(message, cleared=cleared))


def in_force_for(book: Any, settings: Settings | None) -> SettingsInForce:
    """The settings given, else those of the workbook's folder (perfgoals.toml …) — a settings file beside the
    workbook that switches rules off or loosens them is said (a warning); ConfigError if broken."""
    if settings is not None:
        return SettingsInForce(settings)
    path = app.book_path(book)
    return resolve(path, trees=[path.parent] if path else [], where=BOOK_FOLDER)


def warnings_note(in_force: SettingsInForce) -> str:
    """The closing alert's `注意：…` lines about the settings, or ""."""
    return "".join(f"\n\n注意：{warning}。" for warning in in_force.warnings)


def _check(
    book: Any, sheets: list[Any], settings: Settings | None, scope: str, include_hidden: bool | None = None
) -> Outcome:
    try:
        in_force = in_force_for(book, settings)
        settings = in_force.settings
        include = settings.include_hidden if include_hidden is None else include_hidden
        with quiet(book, "正在校验绩效目标表…"):
            erase_marks(book, keep_values=True)  # a check after 计算合计 keeps the totals it wrote
            grids = read_grids(sheets, include)
            tables, findings = check_grids(grids, settings, include_hidden=include)
            plan = book_plan(book, grids, tables, findings, in_force) if tables else None
            if plan is not None:
                draw(book, plan)
    except (ConfigError, BookUnreadable) as exc:
        return alert_outcome(book, Outcome(exc.message))
    if plan is None:
        note = hidden_note(skipped_sheets(grids, settings, include))
        message = f"{scope}中没有找到绩效目标表（项目支出或部门整体支出绩效目标表）{note}。"
        return alert_outcome(book, Outcome(message + warnings_note(in_force)))
    return alert_outcome(
        book, Outcome(_summary_message(plan) + warnings_note(in_force), plan=plan), goto=plan
    )


def book_plan(
    book: Any, grids: list[Grid], tables: list[Table], findings: list[Finding], in_force: SettingsInForce
) -> Plan:
    """The marks of a check of this book now: its name, the time, the sheets it read that are hidden, and
    the settings in force (said on the 校验结果 sheet)."""
    return plan_marks(
        tables,
        findings,
        source=book_name(book),
        checked_at=datetime.now(),
        hidden_sheets=[g.sheet for g in grids if g.visibility != "visible"],
        settings=in_force,
    )


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


def alert_outcome(book: Any, outcome: Outcome, goto: Plan | None = None) -> Outcome:
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
    alert(book, outcome.message)
    return outcome
