"""Check workbook files: read (files/) → the core check → one FileReport per file; a bad file never stops
the others. The orchestration above both the core and the file layer."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from perfgoals_xl.core.check import check_grids, hidden_note, skipped_sheets, unreadable_note
from perfgoals_xl.core.config import ConfigError
from perfgoals_xl.core.provenance import SettingsInForce
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
OneSettings = Settings | SettingsInForce  # SettingsInForce: the report carries it too
SettingsFor = OneSettings | Callable[[Path], OneSettings] | None
Checked = tuple["Workbook | None", FileReport]

PARALLEL_MIN_FILES = 50  # below this, starting worker processes costs more than it saves
FILE_TIMEOUT_SECONDS = (
    600.0  # a worker still on one file after this is stopped; the file gets a `timeout` error
)


def default_jobs(file_count: int) -> int:
    """Worker processes for a batch when the user did not say: every core for 50 files or more, else one."""
    return (os.cpu_count() or 1) if file_count >= PARALLEL_MIN_FILES else 1


def check_files(
    paths: list[Path],
    settings: SettingsFor = None,
    *,
    after: AfterCheck | None = None,
    progress: Callable[[Path], None] | None = None,
    jobs: int = 1,
) -> list[FileReport]:
    """Check each file — the one batch loop. `settings` is one Settings (or SettingsInForce, which the report
    then carries) for all, or a function giving each file its own; a ConfigError it raises becomes that file's
    `settings` error. `after(index, workbook, report)` runs while the file's Grids are at hand (annotated
    copies); a fault of ours in one file becomes that file's `internal` error, never the batch's end. With
    `jobs` > 1 the files are checked in that many worker processes; the reports come back in the order of
    `paths`, the same as the serial run's."""
    each = [_settings_of(path, settings) for path in paths]
    todo = [
        (path, chosen)
        for path, chosen in zip(paths, each, strict=True)
        if not isinstance(chosen, ConfigError)
    ]
    plain = [chosen.settings if isinstance(chosen, SettingsInForce) else chosen for _, chosen in todo]
    todo_paths = [path for path, _ in todo]
    runs = (
        _in_workers(todo_paths, plain, jobs, after is not None)
        if jobs > 1 and len(todo_paths) > 1
        else _here(todo_paths, plain)
    )
    reports = []
    for index, (path, chosen) in enumerate(zip(paths, each, strict=True)):
        if isinstance(chosen, ConfigError):  # a broken settings file stops only the workbooks it applies to
            workbook, report = None, FileReport(str(path), FileError(code="settings", message=chosen.message))
        else:
            workbook, report = next(runs)
            report.settings = chosen if isinstance(chosen, SettingsInForce) else None
        if after is not None:
            after(index, workbook, report)
        reports.append(report)
        if progress is not None:
            progress(path)
    return reports


def _settings_of(path: Path, settings: SettingsFor) -> OneSettings | ConfigError | None:
    """The file's settings, or the ConfigError that says why its settings file cannot be used."""
    try:
        return settings(path) if callable(settings) else settings
    except ConfigError as exc:
        return exc


def _here(paths: list[Path], settings: list[Settings | None]) -> Iterator[Checked]:
    """The files checked one after another in this process, the cyclic GC paused while a file is checked (a
    check makes no garbage cycles worth its passes) and let run between files."""
    for path, chosen in zip(paths, settings, strict=True):
        gc.disable()
        try:
            checked = _check_one(path, chosen, keep_grids=True)
        finally:
            gc.enable()
        yield checked


def _check_one(path: Path, settings: Settings | None, keep_grids: bool) -> Checked:
    try:
        workbook, report = check_workbook(path, settings)
    except Exception as exc:  # the other files must still be checked
        return None, internal_error(path, exc)
    return (workbook if keep_grids else None), report


def _in_workers(
    paths: list[Path], settings: list[Settings | None], jobs: int, keep_grids: bool
) -> Iterator[Checked]:
    """The files checked in `jobs` worker processes, a few files per task (a task's round trip costs about
    what checking a small file does), a few tasks per worker in flight so memory stays bounded; yielded in
    order. pebble stops a task past its time limit and survives a worker's death; the files of such a task
    are then checked again one per task, so only the file at fault fails."""
    from collections import deque

    from pebble import ProcessPool

    size = max(1, min(CHUNK_FILES, -(-len(paths) // (jobs * 4))))
    items = list(zip(paths, settings, strict=True))
    with ProcessPool(max_workers=jobs) as pool:
        pending: deque = deque()
        for start in range(0, len(items), size):
            chunk = items[start : start + size]
            pending.append(
                (chunk, pool.schedule(_check_chunk, (chunk, keep_grids), timeout=FILE_TIMEOUT_SECONDS))
            )
            if len(pending) >= jobs * 4:
                yield from _chunk_outcome(pool, *pending.popleft(), keep_grids)
        while pending:
            yield from _chunk_outcome(pool, *pending.popleft(), keep_grids)


CHUNK_FILES = 16  # at most this many files per task


def _check_chunk(chunk: list[tuple[Path, Settings | None]], keep_grids: bool) -> list[Checked]:
    return [_check_one(path, chosen, keep_grids) for path, chosen in chunk]


def _chunk_outcome(
    pool: Any, chunk: list[tuple[Path, Settings | None]], future: Any, keep_grids: bool
) -> Iterator[Checked]:
    """A task's results; when its worker died or ran out of time, its files one per task again."""
    if len(chunk) == 1:
        yield _outcome(chunk[0][0], future)
        return
    try:
        yield from future.result()
        return
    except Exception:  # which file was at fault is found by checking them one by one
        pass
    singles = [
        (item[0], pool.schedule(_check_chunk, ([item], keep_grids), timeout=FILE_TIMEOUT_SECONDS))
        for item in chunk
    ]
    for path, single in singles:
        yield _outcome(path, single)


def _outcome(path: Path, future: Any) -> Checked:
    """A one-file task's result, or the error of the file whose worker died or ran out of time."""
    from concurrent.futures import TimeoutError as FutureTimeout

    from pebble import ProcessExpired

    try:
        return future.result()[0]
    except FutureTimeout:
        message = (
            f"校验文件“{path.name}”超过 {FILE_TIMEOUT_SECONDS:g} 秒仍未完成，已停止；其余文件照常校验。"
            "请把此文件反馈给维护人员。"
        )
        return None, FileReport(path=str(path), error=FileError(code="timeout", message=message))
    except ProcessExpired as exc:  # the worker process died (out of memory, a crash in a native library)
        return None, internal_error(path, exc)
    except Exception as exc:
        return None, internal_error(path, exc)


def internal_error(path: Path, exc: BaseException) -> FileReport:
    """The result of a file whose check failed through a fault of ours (code `internal`)."""
    message = (
        f"校验文件“{path.name}”时程序出错（{type(exc).__name__}: {str(exc)[:120]}），"
        "该文件未能校验；其余文件照常校验。请把此文件和这条消息反馈给维护人员。"
    )
    return FileReport(path=str(path), error=FileError(code="internal", message=message))
