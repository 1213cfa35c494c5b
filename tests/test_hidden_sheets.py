"""Hidden sheets are not checked unless asked for, and every one skipped is said (info S10): in the check and
on the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import ONE_SHEET

from perfgoals_xl.check import HIDDEN_RULE, check_file, check_workbook
from perfgoals_xl.fill import fill, load_specs
from perfgoals_xl.settings import Settings

VISIBLE, HIDDEN = "绩效目标表", "隐藏副本"  # ONE_SHEET's sheet, and its copy


def with_hidden_copy(path: Path, state: str = "hidden", source: Path = ONE_SHEET) -> Path:
    """The one-sheet sample plus a copy of its sheet (same tables, same defects) in this state."""
    wb = openpyxl.load_workbook(source)
    copy = wb.copy_worksheet(wb.worksheets[0])
    copy.title = HIDDEN
    copy.sheet_state = state
    wb.save(path)
    return path


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return with_hidden_copy(tmp_path / "带隐藏表.xlsx")


def skipped_message(sheet: str = HIDDEN, words: str = "隐藏工作表") -> str:
    return f"工作表“{sheet}”为{words}，未校验；如需校验请使用 --include-hidden 或设置 include_hidden = true"


# --- the check -------------------------------------------------------------------------------------------------


def test_hidden_sheet_is_skipped_and_named_after_the_findings(book):
    result = check_file(book)
    assert {t.sheet for t in result.tables} == {VISIBLE}
    assert result.findings[:-1] == check_file(ONE_SHEET).findings  # as if the copy were not there
    s10 = result.findings[-1]
    assert (s10.rule, s10.severity, s10.sheet, s10.cell) == (HIDDEN_RULE, "info", HIDDEN, "A1")
    assert s10.message == skipped_message()


def test_include_hidden_checks_the_hidden_sheet(book):
    result = check_file(book, Settings(include_hidden=True))
    assert {t.sheet for t in result.tables} == {VISIBLE, HIDDEN}
    assert not [f for f in result.findings if f.rule == HIDDEN_RULE]
    on_copy = {(f.rule, f.cell) for f in result.findings if f.sheet == HIDDEN}
    assert ("V05", "E68") in on_copy  # the seed's 0.5 条, found on the copy too


def test_a_very_hidden_sheet_is_named_as_such(tmp_path):
    result = check_file(with_hidden_copy(tmp_path / "深.xlsx", state="veryHidden"))
    assert result.findings[-1].message == skipped_message(words="深度隐藏工作表")


def test_rule_selection_applies_to_the_notice(book):
    assert not [f for f in check_file(book, Settings(ignore=("S",))).findings if f.rule == HIDDEN_RULE]
    assert [f.rule for f in check_file(book, Settings(select=("S10",))).findings] == [HIDDEN_RULE]


def test_no_table_message_names_the_hidden_sheets(tmp_path):
    wb = openpyxl.load_workbook(ONE_SHEET)
    wb.worksheets[0].sheet_state = "hidden"
    wb.create_sheet("说明", 0)["A1"] = "填报说明"
    path = tmp_path / "只有隐藏表.xlsx"
    wb.save(path)
    result = check_file(path)
    assert result.error.code == "no_table"
    assert result.error.message == (
        "文件“只有隐藏表.xlsx”中没有找到绩效目标表（已查看工作表：“说明”；隐藏工作表“绩效目标表”未校验"
        "（如需校验请使用 --include-hidden 或设置 include_hidden = true））。"
    )
    assert check_file(path, Settings(include_hidden=True)).error is None


def test_the_lists_sheet_of_our_templates_is_not_named(tmp_path):
    """A filled standard template carries a hidden `_lists` sheet (the 二级 drop-downs): no notice for it."""
    path = tmp_path / "标准表.xlsx"
    fill(load_specs(ONE_SHEET, "project")[0]).save(path)
    workbook, result = check_workbook(path)
    assert "hidden" in {grid.visibility for grid in workbook.grids}
    assert result.error is None and not [f for f in result.findings if f.rule == HIDDEN_RULE]


# --- the command line ----------------------------------------------------------------------------------------


def cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "USERPROFILE": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "perfgoals_xl", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=env,
    )


def sheets_with_findings(result: subprocess.CompletedProcess[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in json.loads(result.stdout)["files"][0]["findings"]:
        found.setdefault(finding["sheet"], set()).add(finding["rule"])
    return found


def test_cli_skips_hidden_sheets_and_says_so_without_show_info(book, tmp_path):
    text = cli("check", str(book), home=tmp_path).stdout
    assert f"提示 S10 {HIDDEN}!A1  {skipped_message()}" in text
    found = sheets_with_findings(cli("check", str(book), "--format", "json", home=tmp_path))
    assert found[HIDDEN] == {HIDDEN_RULE}


def test_cli_include_hidden(book, tmp_path):
    found = sheets_with_findings(
        cli("check", str(book), "--include-hidden", "--format", "json", home=tmp_path)
    )
    assert "V05" in found[HIDDEN] and HIDDEN_RULE not in found[HIDDEN]


def test_settings_file_include_hidden_and_the_flag_that_beats_it(book, tmp_path):
    (book.parent / "perfgoals.toml").write_text("include_hidden = true\n", encoding="utf-8")
    found = sheets_with_findings(cli("check", str(book), "--format", "json", home=tmp_path))
    assert "V05" in found[HIDDEN]
    found = sheets_with_findings(
        cli("check", str(book), "--no-include-hidden", "--format", "json", home=tmp_path)
    )
    assert found[HIDDEN] == {HIDDEN_RULE}


def test_cli_totals_skips_hidden_sheets_unless_asked(book, tmp_path):
    default = cli("totals", str(book), home=tmp_path)
    assert f"{HIDDEN}!" not in default.stdout and skipped_message() in default.stderr
    included = cli("totals", str(book), "--include-hidden", home=tmp_path)
    assert f"{HIDDEN}!B12" in included.stdout and HIDDEN not in included.stderr
