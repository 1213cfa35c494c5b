"""计算合计: write computed totals into empty total cells (with a note saying how); a typed total that
disagrees is marked as its C finding."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from perfgoals_xl.core.config import ConfigError
from perfgoals_xl.core.marks import NOTE_PREFIX, Note, is_value_name, value_names
from perfgoals_xl.core.reader import read_tables
from perfgoals_xl.core.semantics import number_text
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.excel.app import Outcome, on_com, quiet
from perfgoals_xl.excel.handlers import alert_outcome, book_plan, in_force_for, warnings_note
from perfgoals_xl.excel.marks import add_name, draw, draw_notes, erase_marks
from perfgoals_xl.excel.read import BookUnreadable, name_list, read_grids, user_sheets


def fill_totals(book: Any, settings: Settings | None = None) -> Outcome:
    """计算合计: write computed totals into empty total cells (with a note saying how), never over a number the
    user typed; a total that disagrees is reported as its C finding and marked like any other."""
    from perfgoals_xl.core.rules import check_tables
    from perfgoals_xl.core.totals import identities

    try:
        in_force = in_force_for(book, settings)
        settings = in_force.settings
        selected = tuple(r for r in TOTAL_RULES if settings.enabled(r))  # the user's own ignores still hold
        settings = settings.model_copy(update={"select": selected or ("C0",), "ignore": settings.ignore})
        with quiet(book, "正在计算合计…"):
            erase_marks(book, keep_values=True)
            grids = read_grids(user_sheets(book), settings.include_hidden)  # hidden ones as 校验全部 does
            tables = [t for g in grids for t in read_tables(g)]
            if tables:
                fillable, conflicts = _agreed(identities(tables), settings.thresholds.money_tolerance)
                filled = _write_totals(book, fillable)
                findings = [f for f in check_tables(tables, settings) if f.severity != "info"]
                plan = book_plan(book, grids, tables, findings, in_force)
                draw(book, plan)
                written = sorted(
                    (i.sheet, i.left.cell.address, round(i.right_sum, 6))
                    for i in fillable
                    if _key(i) in filled
                )
                for name, refers_to in value_names(written, start=_next_value_index(book)).items():
                    add_name(book, name, refers_to)
                draw_notes(book, replace(plan, notes=[_total_note(i) for i in fillable if _key(i) in filled]))
    except (ConfigError, BookUnreadable) as exc:
        return alert_outcome(book, Outcome(exc.message))
    if not tables:
        return alert_outcome(book, Outcome("工作簿中没有找到绩效目标表，无法计算合计。"))
    written = "、".join(f"{i.sheet}!{i.left.cell.address} {i.left.label}" for i in fillable) or "无"
    message = (
        f"计算合计完成：填入 {len(filled)} 个空白合计（{written}）；{len(findings)} 处合计不一致，已标出。"
    )
    for (sheet_name, cell), sums in conflicts.items():
        message += f"\n{sheet_name}!{cell} 未填：各项之和不一致（{' ≠ '.join(sums)}），请先核对分项。"
    return alert_outcome(book, Outcome(message + warnings_note(in_force), plan=plan), goto=plan)


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
        int(n.name.rsplit("_", 1)[-1])
        for n in name_list(book)
        if is_value_name(n.name) and n.name[-1].isdigit()
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
