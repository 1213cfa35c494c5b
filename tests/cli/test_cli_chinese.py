"""The command line speaks Chinese: every help page and click's own messages (Usage, Options, Missing option,
Invalid value, [required], Show this message and exit), descriptions whole (no "..."), wrapped with a CJK
character counted as two columns — as a user sees them, from real processes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from perfgoals_xl.core.textwidth import CLOSING, OPENING, text_width, wrap

COMMANDS = [
    ["check"],
    ["clear"],
    ["rules"],
    ["demo"],
    ["totals"],
    ["fill"],
    ["schema"],
    ["report"],
    ["diff"],
    ["serve"],
    ["addin"],
    ["addin", "build"],
    ["addin", "install"],
]
ENGLISH = re.compile(
    r"Usage|Options|Commands|Show this|Show the|\[required\]|default:|Error|Missing|Invalid|Try '|No such|, version"
)
WIDTH = 80


SCRIPT = Path(sys.executable).with_name("perfgoals-xl")  # as a user types it (python -m names itself so)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        env={**os.environ, "COLUMNS": str(WIDTH)},
    )


@pytest.mark.parametrize("command", [[], *COMMANDS], ids=lambda c: " ".join(c) or "perfgoals-xl")
def test_every_help_page_is_chinese_and_fits_the_terminal(command):
    result = run(*command, "--help")
    assert result.returncode == 0, result.stderr
    page = result.stdout
    assert page.startswith(f"用法：perfgoals-xl {' '.join(command)}".rstrip() + " [选项]")
    assert "选项：" in page and "-h, --help  " in page and "显示此帮助并退出。" in page
    assert not ENGLISH.search(page), ENGLISH.search(page)
    for line in page.splitlines():
        assert text_width(line) <= WIDTH, line  # a CJK character counts two columns
        assert not line.lstrip()[:1] or line.lstrip()[0] not in "，。、；：）》”", line


def test_required_and_default_are_said_in_chinese():
    fill = run("fill", "--help").stdout
    assert "[必填]" in fill
    build = run("addin", "build", "--help").stdout
    assert "[默认：dist/perfgoals.xlam]" in build.replace("\n", "").replace(" ", "") or "默认：" in build


def test_the_command_list_gives_each_first_sentence_whole():
    page = run("--help").stdout
    listing = page[page.index("命令：") :]
    joined = re.sub(r"\n\s{10}", "", listing).replace(" ", "")  # a description's wrapped lines, joined
    assert "..." not in listing
    for name, sentence in {
        "clear": "清除本工具加在工作簿中的标记（问题行标色、批注、“校验结果”工作表、记录标记的隐藏名称），另存为 OUT。",
        "demo": "校验随附的示例工作簿（株洲市渌口区人民政府办公室 2026 年绩效目标表），打印报告，"
        "并把标注后的单表示例写入当前文件夹下的 perfgoals-demo/。",
        "serve": "启动单位的校验服务器：没有 Python 的电脑上的 Excel 通过加载项把工作表发到这里校验。",
    }.items():
        assert f"\n{name}{sentence.replace(' ', '')}\n" in joined, (name, joined)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fill", "x.yaml"], "错误：缺少选项 '--template'。可选：project、department"),
        (
            ["check", "--format", "xml", "a.xlsx"],
            "错误：'--format' 的取值无效：'xml' 不是可选值（'text', 'json'）。",
        ),
        (["check"], "错误：缺少参数 'PATHS...'。"),
        (["chek"], "错误：没有命令 'chek'。（是否想输入：'check', 'schema'？）"),
        (["check", "-j", "0", "a.xlsx"], "错误：'-j' / '--jobs' 的取值无效：0 不在范围 1<=x<=64 内。"),
        (["diff", "a.xlsx"], "错误：缺少参数 'NEW'。"),
        (["rules", "extra"], "错误：多余的参数（extra）"),
    ],
)
def test_usage_errors_are_chinese(args, message):
    result = run(*args)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("用法：perfgoals-xl ") and lines[1].startswith("运行“perfgoals-xl")
    assert lines[-1] == message
    assert not ENGLISH.search(result.stderr)


def test_the_version_is_chinese():
    assert run("--version").stdout.strip() == "perfgoals-xl，版本 0.1.0"


# --- the wrapping ------------------------------------------------------------------------------------------------

TEXT = (
    "设置按文件查找：工作簿所在文件夹及其上级文件夹中最近的 perfgoals.toml（或含 [tool.perfgoals] 的 "
    "pyproject.toml），都没有时用 ~/perfgoals.toml；命令行参数优先。加 --annotate OUT_DIR 时写出 "
    "OUT_DIR/<文件名>_校验.xlsx，共 1,000 个文件。"
)


@pytest.mark.parametrize("width", [12, 20, 37, 60, 78])
def test_wrapping_counts_a_cjk_character_as_two_columns(width):
    lines = wrap(TEXT, width)
    assert all(text_width(line) <= width for line in lines), lines
    assert "".join(lines).replace(" ", "") == TEXT.replace(" ", "")  # nothing lost, nothing added
    assert not any(line[0] in CLOSING for line in lines[1:] if line)  # no line starts with ， 。 ）
    assert not any(line[-1] in OPENING for line in lines if line)  # none ends with （ 《 “
    assert all(" " not in (line[0], line[-1]) for line in lines if line)
    if width >= len("pyproject.toml),"):  # Latin words that fit a line stay whole
        assert "1,000" in "\n".join(lines) and "pyproject.toml）" in "\n".join(lines)


def test_a_chinese_line_is_half_as_long_as_a_latin_one():
    assert [text_width(line) for line in wrap("汉" * 30, 20)] == [20, 20, 20]
    assert [len(line) for line in wrap("a" * 30, 20)] == [20, 10]
