"""The host-independent core of a check: Grids in, the tables on them and what the rules find out.

Hidden and very hidden sheets are not checked unless asked; each one skipped is said (an info S10), and a
region that looks like a table but holds nothing readable is said where it is."""

from __future__ import annotations

from collections.abc import Iterable

from perfgoals_xl.core.grid import Grid
from perfgoals_xl.core.models import CellNotice, Table, make_field
from perfgoals_xl.core.reader import read_tables
from perfgoals_xl.core.report import Finding
from perfgoals_xl.core.rules import check_tables
from perfgoals_xl.core.settings import Settings

LISTS_SHEET = "_lists"  # the hidden sheet of our standard templates holding the 二级 drop-down lists


HIDDEN_RULE = "S10"  # 表格内容须能完整识别: here, a hidden sheet that was not checked
HIDDEN_WORDS = {"hidden": "隐藏工作表", "veryHidden": "深度隐藏工作表"}


def check_grids(
    grids: Iterable[Grid],
    settings: Settings | None = None,
    notices: Iterable[CellNotice] = (),
    *,
    include_hidden: bool | None = None,
) -> tuple[list[Table], list[Finding]]:
    """The tables on these sheets and what the rules find in them (the host-independent core).

    `notices` are cells whose value the file does not hold (formulas saved without results); each one inside
    a table is handed to that table, so rule S09 can name it.

    Hidden and very hidden sheets are not checked unless `include_hidden` (None: `settings.include_hidden`);
    each one skipped gets an info finding S10 on its A1, after the tables' findings (plain Findings: they
    need nothing from the rule registry)."""
    settings = settings or Settings()
    grids = list(grids)
    skipped = skipped_sheets(grids, settings, include_hidden)
    dropped = {id(grid) for grid in skipped}
    found = [table for grid in grids if id(grid) not in dropped for table in read_tables(grid)]
    tables = [table for table in found if not table.unreadable]
    for notice in notices:
        table = next((t for t in tables if t.sheet == notice.sheet and t.top <= notice.row <= t.bottom), None)
        if table is not None:
            table.formulas_without_results.append(make_field(None, notice.text, notice.row, notice.col))
    findings = check_tables(tables, settings) if tables else []
    unreadable = [t for t in found if t.unreadable]
    if (
        tables and unreadable and settings.enabled(HIDDEN_RULE)
    ):  # a region read as nothing is said where it is
        findings += check_tables(unreadable, settings)
    if settings.enabled(HIDDEN_RULE):
        findings += [hidden_sheet_finding(grid) for grid in skipped if grid.sheet != LISTS_SHEET]
    return tables, findings


def skipped_sheets(
    grids: Iterable[Grid], settings: Settings | None = None, include_hidden: bool | None = None
) -> list[Grid]:
    """The grids of hidden sheets that are not checked with these settings (none when hidden ones are)."""
    if include_hidden is None:
        include_hidden = (settings or Settings()).include_hidden
    return [] if include_hidden else [grid for grid in grids if grid.visibility != "visible"]


def hidden_sheet_finding(grid: Grid) -> Finding:
    """The info that says a hidden sheet was not checked and how to have it checked."""
    return Finding(
        rule=HIDDEN_RULE,
        severity="info",
        sheet=grid.sheet,
        row=1,
        col=1,
        message=f"工作表“{grid.sheet}”为{HIDDEN_WORDS.get(grid.visibility, '隐藏工作表')}，未校验；"
        "如需校验请使用 --include-hidden 或设置 include_hidden = true",
    )


def hidden_note(grids: Iterable[Grid]) -> str:
    """`；隐藏工作表“X”、“Y”未校验（…）` for a no-table message, or "" when no hidden sheet was skipped.

    The hidden `_lists` sheet of our standard templates (the 二级 drop-down lists) is not named."""
    names = "、".join(f"“{grid.sheet}”" for grid in grids if grid.sheet != LISTS_SHEET)
    if not names:
        return ""
    return f"；隐藏工作表{names}未校验（如需校验请使用 --include-hidden 或设置 include_hidden = true）"


def unreadable_note(grids: Iterable[Grid]) -> str:
    """`；工作表“X”A1 的“…绩效目标表”像是表格标题，但…` for regions that look like a table and hold nothing."""
    regions = [table for grid in grids for table in read_tables(grid) if table.unreadable]
    return "".join(
        f"；工作表“{t.sheet}”{t.title.cell if t.title else t.range}的“{t.title.text if t.title else ''}”"
        f"像是表格标题，但{t.unreadable}"
        for t in regions[:3]
    )
