"""`report`: a batch as one web page for the reviewer; `diff`: what changed between two submissions."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import click

from perfgoals_xl.cli import EXIT_FAILED, EXIT_FOUND, EXIT_OK
from perfgoals_xl.cli.batch import (
    NO_WORKBOOKS,
    annotate_options,
    checked_trees,
    jobs_option,
    overrides,
    resolve_settings,
    run_batch,
    run_check,
    settings_by_path,
    settings_options,
)
from perfgoals_xl.core.diff import Diff, compare_files, diff_reports
from perfgoals_xl.core.diff_render import render_text, to_json
from perfgoals_xl.core.match import pair_files
from perfgoals_xl.core.provenance import SettingsInForce
from perfgoals_xl.core.report import FileReport, Report
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.files.find import find_workbooks
from perfgoals_xl.files.write.save import PAGE_SUFFIXES, TEXT_SUFFIXES
from perfgoals_xl.web.data import Previous, diff_data, report_data
from perfgoals_xl.web.page import render_page

PAGE_WHAT = "网页报告，不会覆盖工作簿或其他文件"


def _link(target: Path, page: Path) -> str:
    """A link from the page to `target`: relative (the folder can be moved or e-mailed as a whole), URL-encoded."""
    try:
        relative = Path(os.path.relpath(target.resolve(), page.resolve().parent))
    except ValueError:  # another drive on Windows
        return target.resolve().as_uri()
    return quote(relative.as_posix(), safe="/")


def _write_page(text: str, out: Path, force: bool) -> None:
    from perfgoals_xl.files.write import WriteError, save_page

    try:
        save_page(text, out, force=force)
    except WriteError as exc:
        click.echo(exc.message, err=True)
        sys.exit(EXIT_FAILED)


def _output_ready(out: Path, force: bool, suffixes: tuple[str, ...], what: str) -> None:
    """Said before any checking: an output that cannot be written (suffix, existing without --force)."""
    from perfgoals_xl.files.write import WriteError, prepare_output

    try:
        prepare_output(out, force=force, suffixes=suffixes, what=what)
    except WriteError as exc:
        click.echo(exc.message, err=True)
        sys.exit(EXIT_FAILED)


def _check_side(
    path: Path, options: dict, config: Path | None, isolated: bool
) -> tuple[list[FileReport], list[SettingsInForce]]:
    """One side of a comparison checked: a workbook, or every workbook of a folder (with the settings of those
    whose settings file could be read)."""
    files = find_workbooks([path])
    if not files:
        click.echo(f"“{path}”中{NO_WORKBOOKS.removeprefix('没有找到')}", err=True)
        sys.exit(EXIT_FAILED)
    settings = resolve_settings(files, config, options, isolated=isolated, trees=checked_trees([path]))
    reports = run_check(files, None, settings_by_path(files, settings))
    return reports, [s for s in settings if isinstance(s, SettingsInForce)]


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", "out", required=True, type=click.Path(path_type=Path), help="报告页面文件（.html）。"
)
@click.option(
    "--previous",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    help="上次报送的文件夹（或文件）：按表名和文件名对应，每个文件列出已修复、新出现的问题。",
)
@click.option("--progress/--no-progress", default=None, help="显示进度条（默认：文件较多且在终端中时显示）。")
@jobs_option
@settings_options
@annotate_options
def report(
    paths: tuple[Path, ...],
    out: Path,
    previous: Path | None,
    progress: bool | None,
    jobs: int | None,
    profile: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    strict: bool | None,
    include_hidden: bool | None,
    config: Path | None,
    isolated: bool,
    annotate_dir: Path | None,
    force: bool,
) -> None:
    """校验文件或文件夹，把结果写成一个网页（单个 .html 文件，离线可用，可直接发送）。

    页面上有汇总数字、各规则问题数和各单位错误数的图表、可排序筛选的文件列表（点击一行查看问题）和规则目录；
    加 --annotate 时每个文件链接到其标注副本；加 --previous 时列出与上次报送相比已修复的问题。

    退出码与 check 相同：0 无错误；1 至少一条错误；2 有文件无法读取、标注副本或报告无法写出，或配置有误。
    """
    _output_ready(out, force, PAGE_SUFFIXES, PAGE_WHAT)
    if previous is not None and not previous.exists():
        click.echo(f"找不到上次报送的文件夹或文件“{previous}”。", err=True)
        sys.exit(EXIT_FAILED)
    checked_at = datetime.now()
    options = overrides(profile, select, ignore, strict, include_hidden)
    batch = run_batch(
        list(paths),
        options,
        config,
        annotate_dir=annotate_dir,
        force=force,
        progress=progress,
        jobs=jobs,
        isolated=isolated,
    )
    earlier = None
    if previous is not None:
        before = _check_side(previous, options, config, isolated)[0]
        earlier = [None] * len(batch.results)
        for o, n in pair_files(before, batch.results):
            if o is not None and n is not None:
                changes = compare_files(before[o], batch.results[n])[1]
                earlier[n] = Previous(before[o].path, changes)
    annotated = None
    if annotate_dir is not None:
        annotated = [
            _link(batch.written[i], out) if i in batch.written else None for i in range(len(batch.files))
        ]
    data = report_data(
        Report(batch.results),
        checked_at=checked_at,
        settings=Report(batch.results).settings,
        folders=[path.parent.name or str(path.parent) for path in batch.files],
        annotated=annotated,
        previous=earlier,
    )
    _write_page(render_page(data), out, force)
    summary = Report(batch.results).summary
    click.echo(
        f"已写出报告：{out}（{summary.files} 个文件，{summary.tables} 张表；"
        f"错误 {summary.errors} 条，警告 {summary.warnings} 条，无法读取 {summary.unreadable} 个）"
    )
    if batch.written:
        click.echo(f"已写出 {len(batch.written)} 个标注副本到 {annotate_dir}（原文件未改动）。")
    for message in batch.failures:
        click.echo(f"未写出标注副本：{message}", err=True)
    sys.exit(batch.exit_code)


def _diff_exit(diff: Diff, new: list[FileReport]) -> int:
    if diff.unreadable:
        return EXIT_FAILED
    return EXIT_FOUND if Report(new).summary.errors else EXIT_OK


@click.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--format", "output", type=click.Choice(["text", "json", "html"]), default="text", help="输出格式。"
)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path),
    default=None,
    help="写入此文件（html 必须给出，.html）。",
)
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
@click.option("--show-info", is_flag=True, help="文本中也列出提示（info）。")
@settings_options
def diff_command(
    old: Path,
    new: Path,
    output: str,
    out: Path | None,
    force: bool,
    show_info: bool,
    profile: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    strict: bool | None,
    include_hidden: bool | None,
    config: Path | None,
    isolated: bool,
) -> None:
    """比较两次报送：OLD 和 NEW 为工作簿或文件夹（文件夹中的文件按表名和种类、再按文件名对应）。

    列出新增、删除和对应的表，对应的表中改动的表头项、预算、指标行（名称、类型、指标值、单位、层级）和金额关系；
    问题分为已修复、新出现、仍存在（按规则和所在指标对应，不按行号，插入行不影响）。

    退出码：0 NEW 中没有错误；1 NEW 中有错误；2 有文件无法读取或配置有误。
    """
    if output == "html" and out is None:
        click.echo("--format html 需要用 -o 指定输出的 .html 文件。", err=True)
        sys.exit(EXIT_FAILED)
    if out is not None:
        html = output == "html"
        _output_ready(
            out,
            force,
            PAGE_SUFFIXES if html else TEXT_SUFFIXES,
            PAGE_WHAT if html else "对比结果的文本或 JSON",
        )
    checked_at = datetime.now()
    options = overrides(profile, select, ignore, strict, include_hidden)
    before = _check_side(old, options, config, isolated)[0]
    after, settings = _check_side(new, options, config, isolated)
    tolerance = (
        settings[0].settings.thresholds.money_tolerance if settings else Settings().thresholds.money_tolerance
    )
    result = diff_reports(before, after, str(old), str(new), tolerance)
    if output == "html":
        _write_page(render_page(diff_data(result, checked_at=checked_at, settings=settings)), out, force)  # type: ignore[arg-type]
        click.echo(f"已写出对比页面：{out}")
    else:
        text = (
            json.dumps(to_json(result), ensure_ascii=False, indent=2)
            if output == "json"
            else render_text(result, show_info=show_info)
        )
        if out is None:
            click.echo(text)
        else:
            _write_text(text, out, force)
    for report in result.unreadable:
        if report.error is not None:
            click.echo(report.error.message, err=True)
    sys.exit(_diff_exit(result, after))


def _write_text(text: str, out: Path, force: bool) -> None:
    """The text or JSON written to `out`; never over a workbook."""
    from perfgoals_xl.files.write import WriteError, save_text

    try:
        save_text(out, text + "\n", force=force, what="对比结果的文本或 JSON")
    except WriteError as exc:
        click.echo(exc.message, err=True)
        sys.exit(EXIT_FAILED)


COMMANDS = (report, diff_command)
