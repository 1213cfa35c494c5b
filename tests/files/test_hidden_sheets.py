"""Hidden sheets are not checked unless asked for, and every one skipped is said (info S10): in the check, the
command line, annotated copies and the Excel handlers (xlwings' remote engine, real .xlsx payloads)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import openpyxl
import pytest
import xlwings as xw
from bad_files import HIDDEN_ODS_STYLE, ods_table, seed_table, write_ods
from cli_process import run_cli as cli
from conftest import ONE_SHEET
from excel_harness import payload_from_xlsx, replay_actions, run_handler

from perfgoals_xl.core.check import HIDDEN_RULE
from perfgoals_xl.core.marks import MARKER, RESULTS_SHEET
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.excel.handlers import check_active_sheet, check_all_sheets
from perfgoals_xl.files.write import annotate, plan_for
from perfgoals_xl.pipeline import check_file, check_workbook
from perfgoals_xl.templates.fill import fill, load_specs

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


def sheets_with_findings(result: subprocess.CompletedProcess[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in json.loads(result.stdout)["files"][0]["findings"]:
        found.setdefault(finding["sheet"], set()).add(finding["rule"])
    return found


@pytest.mark.slow
def test_cli_skips_hidden_sheets_and_says_so_without_show_info(book, tmp_path):
    text = cli("check", str(book), home=tmp_path).stdout
    assert f"提示 S10 {HIDDEN}!A1  {skipped_message()}" in text
    found = sheets_with_findings(cli("check", str(book), "--format", "json", home=tmp_path))
    assert found[HIDDEN] == {HIDDEN_RULE}


@pytest.mark.slow
def test_cli_include_hidden(book, tmp_path):
    found = sheets_with_findings(
        cli("check", str(book), "--include-hidden", "--format", "json", home=tmp_path)
    )
    assert "V05" in found[HIDDEN] and HIDDEN_RULE not in found[HIDDEN]


@pytest.mark.slow
def test_settings_file_include_hidden_and_the_flag_that_beats_it(book, tmp_path):
    (book.parent / "perfgoals.toml").write_text("include_hidden = true\n", encoding="utf-8")
    found = sheets_with_findings(cli("check", str(book), "--format", "json", home=tmp_path))
    assert "V05" in found[HIDDEN]
    found = sheets_with_findings(
        cli("check", str(book), "--no-include-hidden", "--format", "json", home=tmp_path)
    )
    assert found[HIDDEN] == {HIDDEN_RULE}


@pytest.mark.slow
def test_cli_totals_skips_hidden_sheets_unless_asked(book, tmp_path):
    default = cli("totals", str(book), home=tmp_path)
    assert f"{HIDDEN}!" not in default.stdout and skipped_message() in default.stderr
    included = cli("totals", str(book), "--include-hidden", home=tmp_path)
    assert f"{HIDDEN}!B12" in included.stdout and HIDDEN not in included.stderr


# --- annotated copies ----------------------------------------------------------------------------------------


def annotated(src: Path, dst: Path, settings: Settings | None = None) -> openpyxl.Workbook:
    workbook, result = check_workbook(src, settings)
    return openpyxl.load_workbook(annotate(src, dst, plan_for(workbook, result), workbook.grids))


def result_links(wb: openpyxl.Workbook) -> dict[tuple[str, str, str], str | None]:
    """(rule, sheet, cell) of each results row → the hyperlink's location (None: plain text)."""
    rows = wb[RESULTS_SHEET].iter_rows(min_row=3)
    return {
        (row[2].value, row[3].value, row[4].value): row[4].hyperlink.location if row[4].hyperlink else None
        for row in rows
    }


def marker_ranges(ws) -> list[str]:
    return [
        str(cf.sqref)
        for cf in ws.conditional_formatting
        if any(MARKER in f for r in cf.rules for f in r.formula)
    ]


def test_annotated_copy_lists_the_skipped_sheet_without_a_link(book, tmp_path):
    wb = annotated(book, tmp_path / "out.xlsx")
    links = result_links(wb)
    assert links[(HIDDEN_RULE, HIDDEN, "A1")] is None
    assert links[("V05", VISIBLE, "E68")] == f"'{VISIBLE}'!E68"
    assert wb[HIDDEN].sheet_state == "hidden" and marker_ranges(wb[HIDDEN]) == []


def test_annotated_copy_with_hidden_sheets_checked_links_only_visible_cells(book, tmp_path):
    wb = annotated(book, tmp_path / "out.xlsx", Settings(include_hidden=True))
    links = result_links(wb)
    assert links[("V05", HIDDEN, "E68")] is None and links[("V05", VISIBLE, "E68")] is not None
    assert marker_ranges(wb[HIDDEN])  # marked like the visible sheet, still hidden
    assert wb[HIDDEN].sheet_state == "hidden"


def test_a_copy_built_from_an_ods_keeps_its_hidden_sheet_hidden(tmp_path):
    rows, _ = seed_table()
    hidden = ods_table("藏", [["备用"]]).replace(
        'table:name="藏"', f'table:name="藏" table:style-name="{HIDDEN_ODS_STYLE}"'
    )
    src = write_ods(tmp_path / "表.ods", ods_table("项目", rows) + hidden, hidden_style=True)
    wb = annotated(src, tmp_path / "表_校验.xlsx")
    assert wb["藏"].sheet_state == "hidden" and wb["项目"].sheet_state == "visible"
    assert result_links(wb)[(HIDDEN_RULE, "藏", "A1")] is None


# --- Excel (xlwings' remote engine) --------------------------------------------------------------------------


def test_check_all_skips_hidden_sheets_in_excel(book, tmp_path):
    out = tmp_path / "checked.xlsx"
    outcome, _, alerts = run_handler(book, check_all_sheets, out)
    assert outcome.plan.results[-1].rule == HIDDEN_RULE and outcome.plan.results[-1].sheet == HIDDEN
    assert sorted(outcome.plan.results, key=str) == sorted(check_file(book).findings, key=str)
    assert not [f for f in outcome.plan.results if f.sheet == HIDDEN and f.rule != HIDDEN_RULE]
    wb = openpyxl.load_workbook(out)
    assert (
        wb[HIDDEN].sheet_state == "hidden" and marker_ranges(wb[HIDDEN]) == [] and marker_ranges(wb[VISIBLE])
    )
    rows = {(r[2], r[3]): r[4] for r in wb[RESULTS_SHEET].iter_rows(min_row=3, values_only=True)}
    assert rows[(HIDDEN_RULE, HIDDEN)] == "A1"  # no HYPERLINK to a sheet Excel cannot show
    assert rows[("V05", VISIBLE)] == f"""=HYPERLINK("#'{VISIBLE}'!E68","E68")"""
    assert alerts[0]["args"][0].startswith("校验完成：错误")


def test_check_all_with_include_hidden_marks_it_but_links_only_visible_cells(book, tmp_path):
    out = tmp_path / "checked.xlsx"
    outcome, actions, _ = run_handler(book, lambda b: check_all_sheets(b, Settings(include_hidden=True)), out)
    assert not [f for f in outcome.plan.results if f.rule == HIDDEN_RULE]
    wb = openpyxl.load_workbook(out)
    assert marker_ranges(wb[HIDDEN]) and wb[HIDDEN].sheet_state == "hidden"
    for _, _, _, sheet, cell, _ in wb[RESULTS_SHEET].iter_rows(min_row=3, values_only=True):
        assert str(cell).startswith("=HYPERLINK(") == (sheet == VISIBLE)
    select = next(a for a in actions if a["func"] == "rangeSelect")  # the cursor stays on a visible sheet
    assert select["sheet_position"] == 0


def test_check_active_sheet_checks_it_even_when_hidden(book, tmp_path):
    outcome, _, _ = run_handler(book, check_active_sheet, tmp_path / "out.xlsx", active_sheet=1)
    assert {f.sheet for f in outcome.plan.results} == {HIDDEN}
    assert not [f for f in outcome.plan.results if f.rule == HIDDEN_RULE]


def test_excel_no_table_alert_names_the_hidden_sheet(tmp_path):
    wb = openpyxl.load_workbook(ONE_SHEET)
    wb.worksheets[0].sheet_state = "hidden"
    wb.create_sheet("说明", 0)["A1"] = "填报说明"
    path = tmp_path / "只有隐藏表.xlsx"
    wb.save(path)
    outcome, _, alerts = run_handler(path, check_all_sheets, tmp_path / "out.xlsx")
    assert outcome.plan is None
    assert alerts[0]["args"][0] == (
        "全部工作表中没有找到绩效目标表（项目支出或部门整体支出绩效目标表）；隐藏工作表“绩效目标表”未校验"
        "（如需校验请使用 --include-hidden 或设置 include_hidden = true）。"
    )


def test_a_vba_client_payload_without_visibility_checks_every_sheet(book, tmp_path):
    """xlwings' VBA client sends no sheet visibility (`sheet.visible` raises KeyError): unknown = visible."""
    remote = xw.Book(json=payload_from_xlsx(book, client="VBA"))
    try:
        outcome = check_all_sheets(remote)
        actions = remote.json()["actions"]
    finally:
        remote.close()
    assert {f.sheet for f in outcome.plan.results} == {VISIBLE, HIDDEN}
    assert not [f for f in outcome.plan.results if f.rule == HIDDEN_RULE]
    replay_actions(book, actions, tmp_path / "out.xlsx")
