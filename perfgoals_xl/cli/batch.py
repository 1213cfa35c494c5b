"""The batch that `check` and `report` share: workbooks found (folders searched), settings resolved per file,
each file checked (with a progress bar), and annotated copies written on the way."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from perfgoals_xl.cli import EXIT_FAILED, EXIT_FOUND, EXIT_OK
from perfgoals_xl.core.config import ConfigError, load_settings
from perfgoals_xl.core.provenance import SettingsInForce, resolve
from perfgoals_xl.core.report import FileReport, Report
from perfgoals_xl.core.settings import PROFILES
from perfgoals_xl.files.find import file_key, find_workbooks
from perfgoals_xl.files.read import Workbook
from perfgoals_xl.pipeline import AfterCheck, check_files, default_jobs

PROGRESS_MIN_FILES = 5
INCLUDE_HIDDEN_HELP = "也校验隐藏和深度隐藏的工作表（默认跳过，报告中以提示 S10 列出）。"
ISOLATED_HELP = "不查找任何设置文件（perfgoals.toml、pyproject.toml、~/perfgoals.toml），只用默认设置、--config 和命令行参数。"
ISOLATED_HINT = "报告已按它校验；如不应采用，请加 --isolated 重新校验"
NO_WORKBOOKS = "没有找到可校验的工作簿文件（.xlsx/.xlsm/.xls/.xlsb/.ods）。"


def settings_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that choose the settings (the same on check, report and diff)."""
    for option in reversed(
        [
            click.option(
                "--profile",
                type=click.Choice(list(PROFILES)),
                default=None,
                help="指标框架口径（覆盖配置文件）。",
            ),
            click.option(
                "--select",
                multiple=True,
                metavar="CODES",
                help="只启用这些规则或类别，逗号分隔、可重复，如 V05,H。",
            ),
            click.option(
                "--ignore", multiple=True, metavar="CODES", help="不启用这些规则或类别，逗号分隔、可重复。"
            ),
            click.option("--strict/--no-strict", default=None, help="实践类（P）规则的警告按错误报告。"),
            click.option("--include-hidden/--no-include-hidden", default=None, help=INCLUDE_HIDDEN_HELP),
            click.option(
                "--config",
                "config",
                type=click.Path(path_type=Path, dir_okay=False),
                default=None,
                help="使用此配置文件，不再查找 perfgoals.toml / pyproject.toml。",
            ),
            click.option("--isolated", is_flag=True, help=ISOLATED_HELP),
        ]
    ):
        command = option(command)
    return command


def jobs_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """-j/--jobs N: worker processes for the batch (check and report)."""
    return click.option(
        "-j",
        "--jobs",
        type=click.IntRange(1, 64),
        default=None,
        metavar="N",
        help="同时校验的进程数；默认 50 个文件及以上时为 CPU 核数，否则为 1。结果及其顺序与单进程相同；"
        "某个文件出错、卡住（超过 10 分钟）或使进程崩溃，只影响该文件。",
    )(command)


def annotate_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--annotate OUT_DIR and --force (check and report)."""
    command = click.option("--force", is_flag=True, help="覆盖已存在的输出文件和标注副本。")(command)
    return click.option(
        "--annotate",
        "annotate_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        metavar="OUT_DIR",
        help="把标注副本（问题行标色、批注、“校验结果”工作表）写入此文件夹，文件名加“_校验”；原文件不改动。",
    )(command)


Resolved = SettingsInForce | ConfigError  # a file's settings, or why its settings file cannot be used


@dataclass
class Batch:
    """What a batch did: each file checked (in order), its settings, the copies written and what failed."""

    files: list[Path]
    settings: list[Resolved]
    results: list[FileReport]
    written: dict[int, Path] = field(default_factory=dict)  # index of the file → its annotated copy
    failures: list[str] = field(default_factory=list)  # copies that could not be written, said in Chinese

    @property
    def exit_code(self) -> int:
        return EXIT_FAILED if self.failures else exit_code(self.results)


def resolve_settings(
    files: list[Path],
    config: Path | None,
    overrides: dict[str, Any],
    *,
    isolated: bool = False,
    trees: list[Path] | None = None,
) -> list[Resolved]:
    """Each file's settings in force (its nearest perfgoals.toml, the flags winning; none with `isolated`), a
    settings file found inside `trees` (the folders checked) compared with those above it. A bad `--config` or
    flag ends the command (exit 2); a bad settings file found by the lookup is that file's ConfigError (its
    workbooks get a `settings` error, the others are checked). Both kinds of message, and each warning about a
    settings file that loosened the check, are said on stderr once."""
    try:
        load_settings(None, config, overrides, isolated=True)  # --config and the flags: wrong for every file
    except ConfigError as exc:
        click.echo(exc.message, err=True)
        sys.exit(EXIT_FAILED)
    trees = trees if trees is not None else [path.parent for path in files]
    found: list[Resolved] = []
    for path in files:
        try:
            found.append(resolve(path, config=config, overrides=overrides, isolated=isolated, trees=trees))
        except ConfigError as exc:
            found.append(exc)
    said: set[str] = set()
    for entry in found:
        loosened = isinstance(entry, SettingsInForce)
        for message in entry.warnings if loosened else [entry.message]:
            if message not in said:
                said.add(message)
                click.echo(f"警告：{message}；{ISOLATED_HINT}" if loosened else message, err=True)
    return found


def settings_by_path(files: list[Path], settings: list[Resolved]) -> Callable[[Path], SettingsInForce]:
    """For pipeline.check_files: each file's settings; a file whose settings file is broken raises its
    ConfigError, which becomes that file's `settings` error."""
    by_path = dict(zip(files, settings, strict=True))

    def settings_for(path: Path) -> SettingsInForce:
        entry = by_path[path]
        if isinstance(entry, ConfigError):
            raise entry
        return entry

    return settings_for


def checked_trees(paths: list[Path]) -> list[Path]:
    """The folders being checked: each folder given, and the folder of each file given."""
    return [path if path.is_dir() else path.parent for path in paths]


def run_batch(
    paths: list[Path],
    overrides: dict[str, Any],
    config: Path | None,
    *,
    annotate_dir: Path | None = None,
    force: bool = False,
    progress: bool | None = None,
    jobs: int | None = None,
    isolated: bool = False,
) -> Batch:
    """Find, check (and annotate) every workbook of `paths`; no workbook at all ends the command (exit 2)."""
    targets = annotate_targets(paths, annotate_dir) if annotate_dir is not None else None
    files = [source for source, _ in targets] if targets is not None else find_workbooks(paths)
    if not files:
        click.echo(NO_WORKBOOKS, err=True)
        sys.exit(EXIT_FAILED)
    settings = resolve_settings(files, config, overrides, isolated=isolated, trees=checked_trees(paths))
    batch = Batch(files=files, settings=settings, results=[])
    after = None
    if targets is not None:
        after = annotator([target for _, target in targets], force, batch.written, batch.failures)
    batch.results = run_check(files, progress, settings_by_path(files, settings), after, jobs)
    return batch


def run_check(
    paths: list[Path],
    progress: bool | None,
    settings: Callable[[Path], SettingsInForce] | None = None,
    after: AfterCheck | None = None,
    jobs: int | None = None,
) -> list[FileReport]:
    """pipeline.check_files in `jobs` processes (default: pipeline.default_jobs), with a progress bar on
    stderr for five or more files (or when asked)."""
    jobs = jobs if jobs is not None else default_jobs(len(paths))
    show = progress if progress is not None else len(paths) >= PROGRESS_MIN_FILES and sys.stderr.isatty()
    if not show:
        return check_files(paths, settings, after=after, jobs=jobs)
    from rich.console import Console
    from rich.progress import Progress

    # on stderr, like the decision above: `check --format json > r.json` stays clean JSON
    with Progress(transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task("正在校验", total=len(paths))
        return check_files(paths, settings, after=after, progress=lambda _path: bar.advance(task), jobs=jobs)


def codes(values: tuple[str, ...]) -> tuple[str, ...] | None:
    """`--select V05,H --select c04` → ("V05", "H", "C04"); None when the option was not given."""
    if not values:
        return None
    codes = (code.strip().upper() for value in values for code in value.replace("，", ",").split(","))
    return tuple(dict.fromkeys(code for code in codes if code))


def overrides(
    profile: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    strict: bool | None,
    include_hidden: bool | None = None,
) -> dict[str, Any]:
    return {
        "profile": profile,
        "select": codes(select),
        "ignore": codes(ignore),
        "strict": strict,
        "include_hidden": include_hidden,
    }


def exit_code(results: list[FileReport]) -> int:
    if any(r.error for r in results):
        return EXIT_FAILED
    return EXIT_FOUND if Report(results).summary.errors else EXIT_OK


def annotate_targets(paths: list[Path], out_dir: Path) -> list[tuple[Path, Path]]:
    """(workbook, annotated copy) for each workbook to check, keeping subfolders of folder arguments.

    Workbooks already inside OUT_DIR (the copies of an earlier run) are not searched out of folders.
    """
    from perfgoals_xl.files.write import annotated_name

    out = out_dir.resolve()
    pairs: list[tuple[Path, Path]] = []
    for argument in paths:
        if not argument.is_dir():
            pairs.append((argument, out_dir / annotated_name(argument)))
            continue
        for found in find_workbooks([argument]):
            if found.resolve().is_relative_to(out):
                continue
            pairs.append((found, out_dir / found.parent.relative_to(argument) / annotated_name(found)))
    used: set[str] = set()
    sources: set[str] = set()
    unique = []
    for source, target in pairs:
        if file_key(source) in sources:
            continue  # the same file given twice is checked once
        sources.add(file_key(source))
        candidate, number = target, 2
        while str(candidate).casefold() in used:  # a.xls and a.xlsx, or the same name from two folders
            candidate, number = target.with_name(f"{target.stem}({number}){target.suffix}"), number + 1
        used.add(str(candidate).casefold())
        unique.append((source, candidate))
    return unique


def annotator(targets: list[Path], force: bool, written: dict[int, Path], failures: list[str]) -> AfterCheck:
    """Write the annotated copy of each file that has tables; unreadable files and write failures are skipped."""
    from datetime import datetime

    from perfgoals_xl.files.write import WriteError, annotate, plan_for

    def after(index: int, workbook: Workbook | None, result: FileReport) -> None:
        if workbook is None or result.error is not None:
            return
        target = targets[index]
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            failures.append(f"无法创建输出文件夹“{target.parent}”（{exc.strerror or exc}）。")
            return
        try:
            plan = plan_for(workbook, result, checked_at=datetime.now())
            written[index] = annotate(workbook.path, target, plan, workbook.grids, force=force)
        except WriteError as exc:
            failures.append(exc.message)

    return after
