"""Check workbook files: read (files/) → the core check → one FileReport per file; a bad file never stops
the others. The orchestration above both the core and the file layer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from perfgoals_xl.core.check import check_grids, hidden_note, skipped_sheets, unreadable_note
from perfgoals_xl.core.report import FileError, FileReport
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.files.errors import ReadError
from perfgoals_xl.files.read import Workbook, read_workbook


def check_file(path: Path, settings: Settings | None = None) -> FileReport:
    """One workbook file checked; unreadable files and files without a table come back with `error` set."""
    return check_workbook(path, settings)[1]


def check_workbook(path: Path, settings: Settings | None = None) -> tuple[Workbook | None, FileReport]:
    """Like check_file, also returning the Grids read (hosts need them to draw marks); None if unreadable."""
    try:
        workbook = read_workbook(path)
    except ReadError as exc:
        return None, FileReport(path=str(path), error=FileError(code=exc.code, message=exc.message))
    tables, findings = check_grids(workbook.grids, settings, workbook.notices)
    if not tables:
        skipped = skipped_sheets(workbook.grids, settings)
        looked = [grid for grid in workbook.grids if all(grid is not other for other in skipped)]
        sheets = "、".join(f"“{grid.sheet}”" for grid in looked) or ("（无）" if skipped else "（无工作表）")
        message = (
            f"文件“{path.name}”中没有找到绩效目标表（已查看工作表：{sheets}{hidden_note(skipped)}）"
            f"{unreadable_note(looked)}。"
        )
        return workbook, FileReport(path=str(path), error=FileError(code="no_table", message=message))
    return workbook, FileReport(path=str(path), tables=tables, findings=findings)


AfterCheck = Callable[[int, "Workbook | None", FileReport], None]


def check_files(
    paths: list[Path],
    settings: Settings | Callable[[Path], Settings] | None = None,
    *,
    after: AfterCheck | None = None,
    progress: Callable[[Path], None] | None = None,
) -> list[FileReport]:
    """Check each file — the one batch loop. `settings` is one Settings for all or a function giving each file
    its own; `after(index, workbook, report)` runs while the file's Grids are at hand (annotated copies);
    a fault of ours in one file becomes that file's `internal` error, never the batch's end."""
    reports = []
    for index, path in enumerate(paths):
        try:
            workbook, report = check_workbook(path, settings(path) if callable(settings) else settings)
        except Exception as exc:  # the other files must still be checked
            workbook, report = None, internal_error(path, exc)
        if after is not None:
            after(index, workbook, report)
        reports.append(report)
        if progress is not None:
            progress(path)
    return reports


def internal_error(path: Path, exc: BaseException) -> FileReport:
    """The result of a file whose check failed through a fault of ours (code `internal`)."""
    message = (
        f"校验文件“{path.name}”时程序出错（{type(exc).__name__}: {str(exc)[:120]}），"
        "该文件未能校验；其余文件照常校验。请把此文件和这条消息反馈给维护人员。"
    )
    return FileReport(path=str(path), error=FileError(code="internal", message=message))
