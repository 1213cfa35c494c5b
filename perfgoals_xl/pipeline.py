"""Check workbook files: read → tables → rules, one FileResult per file; a bad file never stops the others."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel

from perfgoals_xl.core.grid import Grid
from perfgoals_xl.core.models import Finding, Table, make_field
from perfgoals_xl.core.reader import read_tables
from perfgoals_xl.core.rules import check_tables
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.files.read import CellNotice, ReadError, Workbook, read_workbook
from perfgoals_xl.templates.layout import LISTS_SHEET


class FileError(BaseModel):
    code: str
    message: str  # Chinese, names the file


class FileResult(BaseModel):
    path: str
    error: FileError | None = None
    tables: list[Table] = []
    findings: list[Finding] = []

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


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
    if tables and settings.enabled(HIDDEN_RULE):  # a region read as nothing is said where it is
        findings += check_tables([t for t in found if t.unreadable], settings)
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


def check_file(path: Path, settings: Settings | None = None) -> FileResult:
    """One workbook file checked; unreadable files and files without a table come back with `error` set."""
    return check_workbook(path, settings)[1]


def check_workbook(path: Path, settings: Settings | None = None) -> tuple[Workbook | None, FileResult]:
    """Like check_file, also returning the Grids read (hosts need them to draw marks); None if unreadable."""
    try:
        workbook = read_workbook(path)
    except ReadError as exc:
        return None, FileResult(path=str(path), error=FileError(code=exc.code, message=exc.message))
    tables, findings = check_grids(workbook.grids, settings, workbook.notices)
    if not tables:
        skipped = skipped_sheets(workbook.grids, settings)
        looked = [grid for grid in workbook.grids if all(grid is not other for other in skipped)]
        sheets = "、".join(f"“{grid.sheet}”" for grid in looked) or ("（无）" if skipped else "（无工作表）")
        message = (
            f"文件“{path.name}”中没有找到绩效目标表（已查看工作表：{sheets}{hidden_note(skipped)}）"
            f"{unreadable_note(looked)}。"
        )
        return workbook, FileResult(path=str(path), error=FileError(code="no_table", message=message))
    return workbook, FileResult(path=str(path), tables=tables, findings=findings)


def check_files(
    paths: list[Path],
    settings: Settings | Callable[[Path], Settings] | None = None,
    progress: Callable[[Path], None] | None = None,
) -> list[FileResult]:
    """Check each file; `settings` is one Settings for all, or a function giving each file its own."""
    results = []
    for path in paths:
        results.append(_checked_anyway(path, settings(path) if callable(settings) else settings))
        if progress is not None:
            progress(path)
    return results


def _checked_anyway(path: Path, settings: Settings | None) -> FileResult:
    """check_file, except that a fault of ours in one file becomes that file's error, not the batch's end."""
    try:
        return check_file(path, settings)
    except Exception as exc:  # the other files must still be checked
        return internal_error(path, exc)


def internal_error(path: Path, exc: BaseException) -> FileResult:
    """The result of a file whose check failed through a fault of ours (code `internal`)."""
    message = (
        f"校验文件“{path.name}”时程序出错（{type(exc).__name__}: {str(exc)[:120]}），"
        "该文件未能校验；其余文件照常校验。请把此文件和这条消息反馈给维护人员。"
    )
    return FileResult(path=str(path), error=FileError(code="internal", message=message))
