"""The command line in Chinese: click's own messages (Usage, Options, Missing option, Invalid value, [required],
Show this message and exit …) through click's gettext hooks, and help text wrapped with a CJK character counted
as two columns, never cut with "...".

click looks each of its strings up with `gettext` (bound as `_` and `ngettext` in its modules); `install()`
binds those to this module's catalog. `ChineseGroup` is the command group of `perfgoals-xl`: every command
added to it (and to its subgroups) formats its help with `ChineseHelpFormatter`. Nothing here is imported
beyond click and the standard library: `perfgoals-xl check` starts as fast as before.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

from perfgoals_xl.core.textwidth import text_width, wrap

# click's msgids (click 8.1–8.3) → Chinese; `{…}` and `%(…)s` placeholders are kept as click fills them
CATALOG = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示此帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带取值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个取值。",
    "Invalid start character for option ({option})": "选项的开头字符无效（{option}）",
    "Aborted!": "已中止。",
    "required": "必填",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": "提示：命令 {name!r} 已弃用。"
    "{extra_message}",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的是/否值，可用：{states}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 无法执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "Value must be an iterable.": "取值应为多个值。",
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不询问，直接执行。",
    "Repeat for confirmation": "再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入无效",
    "Press any key to continue...": "按任意键继续…",
    "unknown error": "未知错误",
}
# ngettext: (singular, plural) msgid → one Chinese form (Chinese has no plural)
PLURALS = {
    (
        "Got unexpected extra argument ({args})",
        "Got unexpected extra arguments ({args})",
    ): "多余的参数（{args}）",
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): "选项 {name!r} "
    "需要取值。",
    (
        "Takes {nargs} values but 1 was given.",
        "Takes {nargs} values but {len} were given.",
    ): "需要 {nargs} 个取值，但给了 {len} 个。",
    (
        "{value!r} is not {choice}.",
        "{value!r} is not one of {choices}.",
    ): "{value!r} 不是可选值（{choices}）。",
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."): (
        "{value!r} 不符合格式 {formats}。"
    ),
    (
        "Did you mean {possibility}?",
        "(Did you mean one of: {possibilities}?)",
    ): "（是否想输入：{possibilities}？）",
    (
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ): "需要 {len_type} 个取值，但给了 {len_value} 个。",
}
# click ≥ 8.2 shows a group's help, as this error, when it is run without arguments
NO_ARGS_IS_HELP: Any = getattr(click.exceptions, "NoArgsIsHelpError", ())
# the modules of click that look strings up (each binds `_` and/or `ngettext` at its import)
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils")


def gettext(message: str) -> str:
    return CATALOG.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    chinese = PLURALS.get((singular, plural))
    if chinese is not None:
        return chinese
    return singular if count == 1 else plural


def install() -> None:
    """Bind click's message lookups to the Chinese catalog (once per process; idempotent)."""
    for name in CLICK_MODULES:
        module = sys.modules.get(f"click.{name}")
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


class ChineseHelpFormatter(click.HelpFormatter):
    """click's help layout with Chinese headings and CJK-aware wrapping (a CJK character is two columns)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        prefix = gettext("Usage:") if prefix is None else prefix
        head = f"{prefix:>{self.current_indent}}{prog}"
        lines = wrap(args, max(self.width - text_width(head) - 1, 20)) if args else []
        indent = " " * (text_width(head) + 1)
        self.write(head + (f" {lines[0]}" if lines else "") + "\n")
        for line in lines[1:]:
            self.write(f"{indent}{line}\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for paragraph in _paragraphs(text):
            if paragraph is None:
                self.write("\n")
                continue
            for line in wrap(paragraph, self.width - self.current_indent):
                self.write(f"{indent}{line}\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((text_width(term) for term, _ in rows), default=0), col_max) + col_spacing
        for term, definition in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not definition:
                self.write("\n")
                continue
            if text_width(term) <= first_col - col_spacing:
                self.write(" " * (first_col - text_width(term)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(definition, max(self.width - first_col - self.current_indent, 10))
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(" " * (first_col + self.current_indent) + line + "\n")


def _paragraphs(text: str) -> Iterable[str | None]:
    """Paragraphs with None between two of them; the lines of one paragraph are joined (without a space
    between two Chinese characters)."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    for index, paragraph in enumerate(paragraphs):
        if index:
            yield None
        yield _join([line.strip() for line in paragraph.splitlines() if line.strip()])


def _join(lines: list[str]) -> str:
    """Source lines of one paragraph as one line: a space between them unless both sides are Chinese."""
    text = lines[0]
    for line in lines[1:]:
        chinese = text_width(text[-1]) == 2 and text_width(line[0]) == 2
        text += line if chinese else f" {line}"
    return text


class ChineseContext(click.Context):
    formatter_class = ChineseHelpFormatter


def localize(command: click.Command) -> click.Command:
    """`command` (and a group's subcommands) formats its help in Chinese."""
    command.context_class = ChineseContext
    command.options_metavar = "[选项]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "命令 [参数]..."
        for sub in command.commands.values():
            localize(sub)
    return command


def short_help(command: click.Command) -> str:
    """A command's line in its group's list: the first sentence of its help, whole (wrapped, never "...")."""
    if command.short_help:
        return command.short_help
    first = (command.help or "").strip().split("\n\n")[0]
    sentence = _join([line.strip() for line in first.splitlines() if line.strip()]) if first else ""
    end = sentence.find("。")
    return sentence[: end + 1] if end >= 0 else sentence


class ChineseGroup(click.Group):
    """A group whose commands speak Chinese: click's messages (installed when it runs), Chinese help layout."""

    context_class = ChineseContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        localize(self)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(localize(cmd), name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            (name, short_help(command))
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if rows:
            with formatter.section(gettext("Commands")):
                formatter.write_dl(rows)

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _tidy_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _tidy_errors():
            return super().invoke(ctx)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        install()
        return super().main(*args, **kwargs)


@contextmanager
def _tidy_errors() -> Iterator[None]:
    """A usage error's message with Chinese punctuation: click joins its pieces with English full stops and
    lists choices one per line (`缺少选项 '--template'. 可选：\n\tproject,\n\tdepartment`)."""
    try:
        yield
    except NO_ARGS_IS_HELP:
        raise  # its message is the help page itself
    except click.UsageError as exc:
        raise click.UsageError(tidy(exc.format_message()), exc.ctx) from None


def tidy(message: str) -> str:
    """`缺少选项 '--template'. 可选：\n\tproject,\n\tdepartment` → `缺少选项 '--template'。可选：project、department`."""
    message = message.replace(",\n\t", "、").replace("：\n\t", "：")
    message = re.sub(r"(?<=['\w\]])\.(?=\s|$)", "。", message)
    return re.sub(r"。\s+", "。", message).strip()
