"""The `perfgoals-xl` command line: check saved workbooks, and a demo on the bundled sample."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from perfgoals_xl import __version__
from perfgoals_xl.check import FileResult, check_files
from perfgoals_xl.config import ConfigError, load_settings
from perfgoals_xl.files import find_workbooks
from perfgoals_xl.report import render_text, summary, to_json
from perfgoals_xl.settings import PROFILES, Settings

PROGRESS_MIN_FILES = 5
EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def sample_workbooks() -> list[Path]:
    """The bundled sample workbooks (inside the installed wheel, or in a source checkout)."""
    package = Path(__file__).resolve().parent
    for folder in (package / "_bundled" / "examples", package.parent / "workbook_templates" / "examples"):
        found = sorted(folder.glob("*.xlsx"))
        if found:
            return found
    return []


def _run_check(
    paths: list[Path], progress: bool | None, settings: Callable[[Path], Settings] | None = None
) -> list[FileResult]:
    show = progress if progress is not None else len(paths) >= PROGRESS_MIN_FILES and sys.stderr.isatty()
    if not show:
        return check_files(paths, settings)
    from rich.progress import Progress

    with Progress(transient=True, console=None) as bar:
        task = bar.add_task("正在校验", total=len(paths))
        return check_files(paths, settings, progress=lambda _path: bar.advance(task))


def _codes(values: tuple[str, ...]) -> tuple[str, ...] | None:
    """`--select V05,H --select c04` → ("V05", "H", "C04"); None when the option was not given."""
    if not values:
        return None
    codes = (code.strip().upper() for value in values for code in value.replace("，", ",").split(","))
    return tuple(dict.fromkeys(code for code in codes if code))


def _overrides(
    profile: str | None, select: tuple[str, ...], ignore: tuple[str, ...], strict: bool | None
) -> dict[str, Any]:
    return {"profile": profile, "select": _codes(select), "ignore": _codes(ignore), "strict": strict}


def _exit_code(results: list[FileResult]) -> int:
    if any(r.error for r in results):
        return EXIT_UNREADABLE
    return EXIT_ERRORS if summary(results)["errors"] else EXIT_OK


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="perfgoals-xl")
def main() -> None:
    """校验绩效目标表（项目支出、部门整体支出）。"""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", help="报告格式。")
@click.option("--show-info", is_flag=True, help="文本报告中也列出提示（info）。")
@click.option("--progress/--no-progress", default=None, help="显示进度条（默认：文件较多且在终端中时显示）。")
@click.option(
    "--profile", type=click.Choice(list(PROFILES)), default=None, help="指标框架口径（覆盖配置文件）。"
)
@click.option(
    "--select", multiple=True, metavar="CODES", help="只启用这些规则或类别，逗号分隔、可重复，如 V05,H。"
)
@click.option("--ignore", multiple=True, metavar="CODES", help="不启用这些规则或类别，逗号分隔、可重复。")
@click.option("--strict/--no-strict", default=None, help="实践类（P）规则的警告按错误报告。")
@click.option(
    "--config",
    "config",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="使用此配置文件，不再查找 perfgoals.toml / pyproject.toml。",
)
def check(
    paths: tuple[Path, ...],
    output: str,
    show_info: bool,
    progress: bool | None,
    profile: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    strict: bool | None,
    config: Path | None,
) -> None:
    """校验工作簿文件或文件夹（递归查找 .xlsx/.xlsm/.xls/.xlsb/.ods）。

    设置按文件查找：工作簿所在文件夹及其上级文件夹中最近的 perfgoals.toml（或含 [tool.perfgoals] 的
    pyproject.toml），都没有时用 ~/perfgoals.toml；命令行参数优先。

    退出码：0 无错误；1 至少一条错误；2 有文件无法读取（其余文件照常校验）或配置有误。
    """
    files = find_workbooks(list(paths))
    if not files:
        click.echo("没有找到可校验的工作簿文件（.xlsx/.xlsm/.xls/.xlsb/.ods）。", err=True)
        sys.exit(EXIT_UNREADABLE)
    overrides = _overrides(profile, select, ignore, strict)
    try:
        resolved = {path: load_settings(path, config, overrides)[0] for path in files}
    except ConfigError as exc:
        click.echo(exc.message, err=True)
        sys.exit(EXIT_UNREADABLE)
    results = _run_check(files, progress, resolved.__getitem__)
    if output == "json":
        click.echo(json.dumps(to_json(results), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(results, show_info=show_info))
    sys.exit(_exit_code(results))


@main.command()
@click.option(
    "--format", "output", type=click.Choice(["text", "markdown"]), default="text", help="输出格式。"
)
def rules(output: str) -> None:
    """列出全部规则：编号、严重程度、说明、错误示例和正确示例（markdown 即 docs/rules.md）。"""
    from perfgoals_xl.catalog import render_catalog

    click.echo(render_catalog(output))


@main.command()
@click.option("--show-info", is_flag=True, help="也列出提示（info）。")
def demo(show_info: bool) -> None:
    """校验随附的示例工作簿（株洲市渌口区人民政府办公室 2026 年绩效目标表）并打印报告。"""
    samples = sample_workbooks()
    if not samples:
        click.echo("找不到随附的示例工作簿，请重新安装 perfgoals-xl。", err=True)
        sys.exit(EXIT_UNREADABLE)
    click.echo("示例：株洲市渌口区人民政府办公室 2026 年绩效目标表（两张项目表、一张部门整体表）\n")
    click.echo(render_text(check_files(samples), show_info=show_info))
