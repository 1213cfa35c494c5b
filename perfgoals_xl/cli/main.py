"""The `perfgoals-xl` command line: check saved workbooks (and write annotated copies), clear our marks from a
file, and a demo on the bundled sample; `report` and `diff` live in cli/report.py."""

from __future__ import annotations

import dataclasses
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import click

from perfgoals_xl import __version__
from perfgoals_xl.cli import EXIT_FAILED
from perfgoals_xl.cli.addin import addin_group
from perfgoals_xl.cli.batch import annotate_options, jobs_option, overrides, run_batch, settings_options
from perfgoals_xl.cli.chinese import ChineseGroup
from perfgoals_xl.cli.commands import COMMANDS
from perfgoals_xl.cli.report import COMMANDS as REPORT_COMMANDS
from perfgoals_xl.cli.serve import serve
from perfgoals_xl.core.provenance import SettingsInForce
from perfgoals_xl.core.render import render_text, write_json
from perfgoals_xl.core.report import Report
from perfgoals_xl.pipeline import check_workbook
from perfgoals_xl.resources import resource_dirs

DEMO_FOLDER = "perfgoals-demo"


class EchoStream(io.StringIO):
    """A text stream that hands what is written to click.echo in pieces of about 64 KB (click knows the
    console's encoding; the whole report never sits in memory as one string)."""

    PIECE = 1 << 16

    def write(self, text: str) -> int:
        written = super().write(text)
        if self.tell() >= self.PIECE:
            self.flush()
        return written

    def flush(self) -> None:
        click.echo(self.getvalue(), nl=False)
        self.seek(0)
        self.truncate()

    def __exit__(self, *exc: object) -> None:
        self.flush()
        super().__exit__(*exc)


def sample_workbooks() -> list[Path]:
    """The bundled sample workbooks (inside the installed wheel, or in a source checkout)."""
    for folder in resource_dirs("examples", "workbook_templates/examples"):
        found = sorted(folder.glob("*.xlsx"))
        if found:
            return found
    return []


@click.group(cls=ChineseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, prog_name="perfgoals-xl", message="%(prog)s，版本 %(version)s", help="显示版本并退出。"
)
def main() -> None:
    """校验绩效目标表（项目支出、部门整体支出）。"""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="报告格式。")
@click.option(
    "-o",
    "--output",
    "--output-file",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="把报告写入此文件（.txt、.json 或无扩展名），不打印到屏幕。",
)
@click.option("--show-info", is_flag=True, help="文本报告中也列出提示（info）。")
@click.option("--progress/--no-progress", default=None, help="显示进度条（默认：文件较多且在终端中时显示）。")
@jobs_option
@settings_options
@annotate_options
def check(
    paths: tuple[Path, ...],
    fmt: str,
    out: Path | None,
    show_info: bool,
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
    """校验工作簿文件或文件夹（递归查找 .xlsx/.xlsm/.xls/.xlsb/.ods）。

    设置按文件查找：工作簿所在文件夹及其上级文件夹中最近的 perfgoals.toml（或含 [tool.perfgoals] 的
    pyproject.toml），都没有时用 ~/perfgoals.toml；命令行参数优先。报告开头列出所用的设置及其来源；
    被校验的文件夹中的设置文件关闭了规则、调低了严重程度或放宽了阈值时，在标准错误输出和报告末尾警告。
    加 --isolated 不查找任何设置文件（只用默认设置、--config 和命令行参数），适合审核报送的文件。

    隐藏和深度隐藏的工作表默认不校验，报告中以提示 S10 列出；加 --include-hidden 也校验它们。

    加 --annotate OUT_DIR 时，为每个找到绩效目标表的文件写出标注副本：OUT_DIR/<文件名>_校验.xlsx
    （.xlsm 仍为 .xlsm；.xls/.xlsb/.ods 另存为 .xlsx），文件夹参数下的子文件夹结构保留。

    退出码：0 无错误；1 至少一条错误；2 有文件无法读取或标注副本无法写出（其余文件照常处理）或配置有误。
    """
    if out is not None:
        _report_out_ready(out, force)  # before checking: a report that cannot be written is said at once
    batch = run_batch(
        list(paths),
        overrides(profile, select, ignore, strict, include_hidden),
        config,
        isolated=isolated,
        annotate_dir=annotate_dir,
        force=force,
        progress=progress,
        jobs=jobs,
    )
    written = batch.written
    report = Report(batch.results)
    if fmt == "json":
        annotated = (
            {index: written.get(index) for index in range(len(batch.results))}
            if annotate_dir is not None
            else None
        )
        _report_out(out, force, lambda stream: write_json(report, stream, annotated))
    else:
        lines = [render_text(report, show_info=show_info)]
        if written:
            lines.append(
                f"\n已写出 {len(written)} 个标注副本（问题行标色、批注、“校验结果”工作表；原文件未改动）："
            )
            lines.extend(f"  {written[index]}" for index in sorted(written))
        _report_out(out, force, lambda stream: stream.write("\n".join(lines) + "\n"))
    if out is not None:
        summary = report.summary
        click.echo(
            f"已写出报告：{out}（{summary.files} 个文件，错误 {summary.errors} 条，警告 {summary.warnings} 条，"
            f"无法读取 {summary.unreadable} 个）"
        )
    for message in batch.failures:
        click.echo(f"未写出标注副本：{message}", err=True)
    sys.exit(batch.exit_code)


def _report_out_ready(out: Path, force: bool) -> None:
    from perfgoals_xl.files.write import WriteError, prepare_output
    from perfgoals_xl.files.write.save import TEXT_SUFFIXES

    try:
        prepare_output(out, force=force, suffixes=TEXT_SUFFIXES, what="文本或 JSON 报告")
    except WriteError as exc:
        click.echo(exc.message, err=True)
        sys.exit(EXIT_FAILED)


def _report_out(out: Path | None, force: bool, write: Callable[[TextIO], object]) -> None:
    """The report to `out` (a text file, never a workbook), else to stdout in pieces."""
    if out is None:
        with EchoStream() as stream:
            write(stream)
        return
    from perfgoals_xl.files.write import WriteError, save_text

    try:
        save_text(out, write, force=force, what="文本或 JSON 报告")
    except WriteError as exc:
        click.echo(exc.message, err=True)
        sys.exit(EXIT_FAILED)


@main.command()
@click.option(
    "--format", "output", type=click.Choice(["text", "markdown"]), default="text", help="输出格式。"
)
def rules(output: str) -> None:
    """列出全部规则：编号、严重程度、说明、错误示例和正确示例（markdown 即 docs/rules.md）。"""
    from perfgoals_xl.core.catalog import render_catalog

    click.echo(render_catalog(output))


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="清除标记后的文件；给出文件夹时写入其中，文件名去掉“_校验”（a_校验.xlsx → a.xlsx）。原文件不改动。",
)
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
def clear(file: Path, out: Path, force: bool) -> None:
    """清除本工具加在工作簿中的标记（问题行标色、批注、“校验结果”工作表、记录标记的隐藏名称），另存为 OUT。

    用户自己的填充色、条件格式、批注和名称都保留。退出码：0 成功（或文件中没有标记）；2 无法读取或写出。
    """
    from perfgoals_xl.files.write import WriteError, cleared_name
    from perfgoals_xl.files.write import clear as clear_marks

    target = out / cleared_name(file) if out.is_dir() else out
    try:
        report = clear_marks(file, target, force=force)
    except WriteError as exc:
        click.echo(exc.message, err=True)
        sys.exit(EXIT_FAILED)
    click.echo(report.message)


@main.command()
@click.option("--show-info", is_flag=True, help="也列出提示（info）。")
def demo(show_info: bool) -> None:
    """校验随附的示例工作簿（株洲市渌口区人民政府办公室 2026 年绩效目标表），打印报告，
    并把标注后的单表示例写入当前文件夹下的 perfgoals-demo/。"""
    samples = sample_workbooks()
    if not samples:
        click.echo("找不到随附的示例工作簿，请重新安装 perfgoals-xl。", err=True)
        sys.exit(EXIT_FAILED)
    click.echo("示例：株洲市渌口区人民政府办公室 2026 年绩效目标表（两张项目表、一张部门整体表）\n")
    checked = [check_workbook(path) for path in samples]
    for _, result in checked:
        result.settings = SettingsInForce()  # the demo looks up no settings file: the defaults, said so
    shown = [dataclasses.replace(result, path=Path(result.path).name) for _, result in checked]
    click.echo(render_text(Report(shown), show_info=show_info))

    workbook, result = next(
        (pair for pair in checked if pair[0] is not None and pair[0].path.name == "seed_one_sheet.xlsx"),
        checked[0],
    )
    if workbook is None or result.error is not None:
        return
    from datetime import datetime

    from perfgoals_xl.files.write import WriteError, annotate, annotated_name, plan_for

    folder = Path(DEMO_FOLDER)
    try:
        folder.mkdir(exist_ok=True)
        written = annotate(
            workbook.path,
            folder / annotated_name(workbook.path),
            plan_for(workbook, result, checked_at=datetime.now()),
            workbook.grids,
            force=True,  # the demo's own output from an earlier run
        )
    except (WriteError, OSError) as exc:
        message = (
            exc.message
            if isinstance(exc, WriteError)
            else f"无法创建文件夹“{folder}”（{exc.strerror or exc}）。"
        )
        click.echo(f"\n未能写出标注后的示例：{message}", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(
        f"\n已把标注后的单表示例写入当前文件夹下的 {written.as_posix()}（原示例文件未改动）："
        "用 Excel、WPS 或 LibreOffice 打开，可看到标色的问题行、单元格批注和“校验结果”工作表。"
    )


main.add_command(addin_group)
main.add_command(serve)
for _command in (*COMMANDS, *REPORT_COMMANDS):
    main.add_command(_command)
