"""Command-line twins of the 合计 and 模板 buttons: `totals`, `fill` and `schema`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from perfgoals_xl.cli import EXIT_FAILED, EXIT_FOUND, EXIT_OK
from perfgoals_xl.core.check import HIDDEN_RULE
from perfgoals_xl.core.config import ConfigError
from perfgoals_xl.core.provenance import resolve
from perfgoals_xl.core.specs import SpecFile
from perfgoals_xl.core.totals import identities, render_text, to_json
from perfgoals_xl.pipeline import check_workbook
from perfgoals_xl.templates.fill import FillError, fill, load_specs


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", help="输出格式。")
@click.option(
    "--include-hidden/--no-include-hidden",
    default=None,
    help="也计算隐藏和深度隐藏工作表中的表（默认跳过，并在标准错误输出中列出）。",
)
@click.option("--isolated", is_flag=True, help="不查找任何设置文件（perfgoals.toml 等），只用默认设置。")
def totals(paths: tuple[Path, ...], output: str, include_hidden: bool | None, isolated: bool) -> None:
    """计算并核对合计：资金总额、按收入/支出性质分、项目支出与各项目表、资金来源、明细合计。

    每个等式列出左边、右边和差额。隐藏的工作表默认跳过（--include-hidden 也计算）。
    被核对的文件夹中的设置文件放宽了金额误差等设置时，在标准错误输出中警告（--isolated 不查找设置文件）。
    退出码：0 全部一致；1 有不一致；2 文件无法读取。
    """
    rows, code = [], EXIT_OK
    tolerance = 0.005
    trees = [path if path.is_dir() else path.parent for path in paths]
    warned: set[str] = set()
    for path in paths:
        try:
            in_force = resolve(
                path, overrides={"include_hidden": include_hidden}, isolated=isolated, trees=trees
            )
        except ConfigError as exc:
            click.echo(exc.message, err=True)
            sys.exit(EXIT_FAILED)
        for warning in set(in_force.warnings) - warned:
            click.echo(f"警告：{warning}；如不应采用，请加 --isolated 重新核对", err=True)
            warned.add(warning)
        settings = in_force.settings
        tolerance = settings.thresholds.money_tolerance
        _, result = check_workbook(path, settings)
        if result.error is not None:
            click.echo(result.error.message, err=True)
            code = EXIT_FAILED
            continue
        for finding in (f for f in result.findings if f.rule == HIDDEN_RULE):
            click.echo(f"{path.name}：{finding.message}", err=True)
        found = identities(result.tables)
        rows.append((str(path), found))
        if code == EXIT_OK and any(i.holds(tolerance) is False for i in found):
            code = EXIT_FOUND
    if output == "json":
        click.echo(json.dumps(to_json(rows, tolerance), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(rows, tolerance))
    sys.exit(code)


@click.command("fill")
@click.option(
    "--template", "kind", type=click.Choice(["project", "department"]), required=True, help="标准模板种类。"
)
@click.argument("data", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="输出的 .xlsx 文件（文件夹不存在时新建）。",
)
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
def fill_command(kind: str, data: Path, output: Path, force: bool) -> None:
    """把数据填入标准模板。DATA 为 JSON/YAML（见 perfgoals-xl schema）或任意格式的绩效目标表工作簿。

    工作簿中有多张同类表时，依次写出 OUT.xlsx、OUT_2.xlsx……
    """
    from perfgoals_xl.files.write import WriteError, prepare_output, save_workbook

    try:
        prepare_output(output, force=force, suffixes=(".xlsx",), what="Excel 工作簿")  # before reading DATA
        specs = [s for s in load_specs(data, kind) if s.kind == kind]
        if not specs:
            raise FillError(
                f"“{data.name}”中没有{'项目支出' if kind == 'project' else '部门整体支出'}绩效目标表的数据。"
            )
        written = []
        for index, spec in enumerate(specs, 1):
            target = output if index == 1 else output.with_name(f"{output.stem}_{index}{output.suffix}")
            if target.exists() and target.resolve() == data.resolve():
                raise FillError(f"输出文件“{target}”就是数据文件；原文件不会被改写，请另选输出位置。")
            save_workbook(fill(spec), target, force=force)
            written.append(target)
    except (FillError, WriteError) as exc:
        click.echo(exc.message, err=True)
        sys.exit(EXIT_FAILED)
    for target in written:
        click.echo(f"已写出：{target}")


@click.command()
def schema() -> None:
    """打印 fill 数据文件（JSON/YAML）的 JSON Schema。"""
    click.echo(json.dumps(SpecFile.model_json_schema(), ensure_ascii=False, indent=2))


COMMANDS = (totals, fill_command, schema)
