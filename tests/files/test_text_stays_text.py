"""Text stays text in every file we write: annotated copies (of .xlsx and of .xls, built from the grids), the
校验结果 sheet and its links — whatever a submitted cell or sheet name starts with (=, +, -, @, DDE, HYPERLINK)."""

from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest
from bad_files import write_xls
from payloads import PAYLOADS, SHEET_PAYLOAD, assert_payloads_are_text, formulas, payload_workbook

from perfgoals_xl.core.cells import reads_as_formula, typed_entry, typed_rows
from perfgoals_xl.core.marks import RESULT_HEADER, RESULTS_SHEET
from perfgoals_xl.files.write import annotate, plan_for
from perfgoals_xl.pipeline import check_workbook


@pytest.mark.parametrize("text", [*PAYLOADS, "\t=1+1", "\r=1+1", "\n=1+1"])
def test_formula_leads_are_recognised(text):
    assert reads_as_formula(text)
    assert typed_entry(text) == "'" + text


@pytest.mark.parametrize("text", ["排查整治", "≥95%", "1+1", " =1+1", "（=1）", ""])
def test_ordinary_text_does_not_read_as_a_formula(text):
    assert not reads_as_formula(text)


def test_typed_entries_put_every_string_behind_the_quote_prefix():
    assert typed_rows([["序号", 1, 2.5, None, "", "'x"]]) == [["'序号", 1, 2.5, None, "", "''x"]]


def _annotated(src, tmp_path):
    workbook, result = check_workbook(src)
    assert workbook is not None and result.error is None
    plan = plan_for(workbook, result, checked_at=datetime(2026, 12, 1, 9, 30))
    (tmp_path / "out").mkdir(exist_ok=True)
    return annotate(src, tmp_path / "out" / "copy.xlsx", plan, workbook.grids), result


def _results_rows(path):
    book = openpyxl.load_workbook(path)
    ws = book[RESULTS_SHEET]
    return ws, [row for row in ws.iter_rows(min_row=3) if row[0].value is not None]


def test_annotated_copy_keeps_the_units_text_and_writes_ours_as_text(tmp_path):
    src = payload_workbook(tmp_path / "报送.xlsx")
    before = src.read_bytes()
    copy, result = _annotated(src, tmp_path)
    assert src.read_bytes() == before
    assert_payloads_are_text(copy, prefixed=False)  # the unit's own cells, kept as they were
    _, rows = _results_rows(copy)
    sheet_col = RESULT_HEADER.index("工作表")
    assert len(rows) == len(result.findings)
    for row in rows:
        sheet = row[sheet_col]
        assert (sheet.value, sheet.data_type, sheet.quotePrefix) == (SHEET_PAYLOAD, "s", True)


def test_results_links_stay_inside_the_workbook(tmp_path):
    src = payload_workbook(tmp_path / "报送.xlsx", sheet="x'!A1\"#www.example.com")
    copy, _ = _annotated(src, tmp_path)
    ws, rows = _results_rows(copy)
    link_col = RESULT_HEADER.index("单元格")
    for row in rows:
        link = row[link_col].hyperlink
        assert link.target is None and link.id is None  # no external relationship
        assert link.location == f"'x''!A1\"#www.example.com'!{row[link_col].value}"
    assert not ws._rels or all(rel.TargetMode != "External" for rel in ws._rels)


def test_copy_of_an_xls_writes_its_text_as_text(tmp_path):
    source = openpyxl.load_workbook(payload_workbook(tmp_path / "报送.xlsx"))
    ws = source.worksheets[0]
    rows = [[cell.value for cell in row] for row in ws.iter_rows()]
    merges = [str(m) for m in ws.merged_cells.ranges]
    src = write_xls(tmp_path / "报送.xls", {SHEET_PAYLOAD: (rows, merges)})
    copy, _ = _annotated(src, tmp_path)
    assert copy.suffix == ".xlsx"
    assert_payloads_are_text(copy)  # written by us from the grids: quote-prefixed


def test_no_formula_in_an_annotated_sample(tmp_path):
    """The annotated copy of the plain sample holds no formula either (our marks live in formats and names)."""
    copy, _ = _annotated(payload_workbook(tmp_path / "报送.xlsx", sheet="绩效目标表"), tmp_path)
    assert formulas(copy) == []
