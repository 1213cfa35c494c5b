"""Text stays text through xlwings: every button that writes cells (校验本表/全部, 计算合计, 新建…表, 规范为标准模板,
规则说明, 设置) hands Excel each string behind the quote prefix, so a sheet name or 三级 name such as `=1+1`,
`+cmd|' /C calc'!A0` or `=HYPERLINK(…)` is never parsed as a formula. The replay parses entries as Excel does
(tests/support/excel_harness.py), so a string written bare would come back as a formula here."""

from __future__ import annotations

import re

import openpyxl
import pytest
from excel_harness import run_handler
from payloads import PAYLOADS, SHEET_PAYLOAD, assert_payloads_are_text, formulas, payload_workbook

from perfgoals_xl.core.marks import RESULT_HEADER, RESULTS_SHEET
from perfgoals_xl.excel import app, ribbon
from perfgoals_xl.excel.buttons import new_template_sheet, normalize_active_table
from perfgoals_xl.excel.handlers import check_active_sheet, check_all_sheets
from perfgoals_xl.excel.results import hyperlink_formula
from perfgoals_xl.excel.totals import fill_totals

OUR_LINK = re.compile(r'=HYPERLINK\("#\'(?:[^\'"]|\'\'|"")+\'![A-Z]{1,3}[0-9]+","[A-Z]{1,3}[0-9]+"\)')


def assert_entries_typed(actions: list[dict]) -> None:
    """Every string written is behind the quote prefix, or is a link of ours inside the workbook."""
    written = [v for a in actions if a["func"] == "setValues" for row in a["values"] for v in row]
    assert written
    for value in written:
        if isinstance(value, str) and value:
            assert value.startswith("'") or OUR_LINK.fullmatch(value), value


@pytest.fixture
def book(tmp_path):
    return payload_workbook(tmp_path / "报送.xlsx")


@pytest.mark.parametrize("handler", [check_all_sheets, check_active_sheet])
def test_results_sheet_writes_the_sheet_name_as_text(handler, book, tmp_path):
    out = tmp_path / "out.xlsx"
    outcome, actions, _ = run_handler(book, handler, out)
    assert_entries_typed(actions)
    ws = openpyxl.load_workbook(out)[RESULTS_SHEET]
    sheet_col, link_col = RESULT_HEADER.index("工作表") + 1, RESULT_HEADER.index("单元格") + 1
    rows = list(ws.iter_rows(min_row=3, max_row=2 + len(outcome.plan.results)))
    assert rows and all(row[sheet_col - 1].value == SHEET_PAYLOAD for row in rows)
    assert all(row[sheet_col - 1].data_type == "s" and row[sheet_col - 1].quotePrefix for row in rows)
    links = [row[link_col - 1].value for row in rows]
    assert links == [hyperlink_formula(SHEET_PAYLOAD, f.cell) for f in outcome.plan.results]
    assert formulas(out) == [
        f"{RESULTS_SHEET}!{row[link_col - 1].coordinate} {row[link_col - 1].value}" for row in rows
    ]
    assert_payloads_are_text(out, prefixed=False, skip=RESULTS_SHEET)  # the unit's cells: untouched


def test_the_link_formula_quotes_the_sheet_name():
    assert hyperlink_formula("a'b\"c", "C7") == '=HYPERLINK("#\'a\'\'b""c\'!C7","C7")'
    assert OUR_LINK.fullmatch(hyperlink_formula("=cmd|' /C calc'!A0", "C7"))


def test_normalize_writes_the_units_text_as_text(book, tmp_path):
    out = tmp_path / "out.xlsx"
    _, actions, alerts = run_handler(book, normalize_active_table, out)
    assert "原表未改动" in alerts[0]["args"][0]
    assert_entries_typed(actions)
    assert formulas(out) == []
    new = openpyxl.load_workbook(out)[f"{SHEET_PAYLOAD}_标准"]
    names = {
        c.value: (c.data_type, c.quotePrefix) for row in new.iter_rows() for c in row if c.value in PAYLOADS
    }
    assert set(names) == set(PAYLOADS[:7])  # the first table's names (the one at the selection)
    assert set(names.values()) == {("s", True)}


@pytest.mark.parametrize("kind", ["project", "department"])
def test_new_sheets_write_text_as_text(kind, book, tmp_path):
    out = tmp_path / "out.xlsx"
    _, actions, _ = run_handler(book, lambda b: new_template_sheet(b, kind), out)
    assert_entries_typed(actions)
    assert formulas(out) == []


def test_totals_notes_and_marks_write_no_formula(book, tmp_path):
    wb = openpyxl.load_workbook(book)
    wb[SHEET_PAYLOAD]["B64"] = None  # the department's 资金总额: 计算合计 fills it, with a note
    wb.save(book)
    out = tmp_path / "out.xlsx"
    _, actions, _ = run_handler(book, fill_totals, out)
    assert_entries_typed(actions)
    assert formulas(out, skip=RESULTS_SHEET) == []
    assert openpyxl.load_workbook(out)[SHEET_PAYLOAD]["B64"].value == 949.134
    notes = [
        c.comment.text
        for ws in openpyxl.load_workbook(out)
        for row in ws.iter_rows()
        for c in row
        if c.comment
    ]
    assert any("由“计算合计”填入" in note for note in notes)  # notes are text by nature; none is a formula


@pytest.mark.parametrize("handler", [ribbon.rules_sheet, ribbon.settings])
def test_rules_and_settings_sheets_write_text_as_text(handler, book, tmp_path):
    out = tmp_path / "out.xlsx"
    _, actions, _ = run_handler(book, handler, out)
    assert_entries_typed(actions)
    assert formulas(out) == []


def test_settings_sheet_keeps_a_path_and_values_as_text(book, tmp_path, monkeypatch):
    folder = tmp_path / "=1+1"
    folder.mkdir()
    (folder / "perfgoals.toml").write_text("[thresholds]\nsatisfaction_floor = 85\n", encoding="utf-8")
    monkeypatch.setattr(app, "book_path", lambda _book: folder / "表.xlsx")
    out = tmp_path / "out.xlsx"
    run_handler(book, ribbon.settings, out)
    ws = openpyxl.load_workbook(out)[ribbon.SETTINGS_SHEET]
    assert str(folder / "perfgoals.toml") in ws["A1"].value
    row = next(r for r in ws.iter_rows() if r[0].value == "thresholds.satisfaction_floor")
    assert [(c.value, c.data_type) for c in row] == [
        ("thresholds.satisfaction_floor", "s"),
        ("85", "s"),  # as written in perfgoals.toml, not turned into a number by Excel
        ("80", "s"),
    ]
