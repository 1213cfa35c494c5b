"""Every handler the server runs works with both xlwings clients: Office.js and VBA (RunServerPython), whose
payload has no notes, no name formulas and no sheet visibility, and which runs only the actions its VBA has."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
import xlwings as xw
from conftest import ROOT, THREE_SHEETS
from excel_harness import run_handler

from perfgoals_xl.core.marks import MARKER, RESULTS_SHEET, is_registry_name
from perfgoals_xl.excel.handlers import check_active_sheet, check_all_sheets, clear_marks
from perfgoals_xl.excel.marks import DELETE_NAME_MACRO, NO_NOTES
from perfgoals_xl.excel.totals import fill_totals

CLIENTS = ("Office.js", "VBA")
VBA_SUB = re.compile(
    r"^(?:Public )?Sub (\w+)\(wb As Workbook, (?:action As Dictionary|\w+ As Variant)\)", re.M
)


def vba_client_actions() -> set[str]:
    """The actions the server flavour's VBA can run: xlwings' Remote.bas plus vba/RibbonPerfgoalsServer.bas."""
    remote = (Path(xw.__file__).parent / "addin" / "Remote.bas").read_text(encoding="utf-8")
    ours = (ROOT / "vba" / "RibbonPerfgoalsServer.bas").read_text(encoding="ascii")
    return set(VBA_SUB.findall(remote)) | set(VBA_SUB.findall(ours))


def run(path: Path, handler, out: Path, client: str) -> list[dict]:
    return run_handler(path, handler, out, client=client)[1]


def our_fills(ws) -> list[str]:
    return sorted(
        str(cf.sqref) for cf in ws.conditional_formatting for r in cf.rules if MARKER in r.formula[0]
    )


@pytest.fixture(scope="module")
def sessions(tmp_path_factory):
    """Per client: 计算合计, 校验全部, 校验本表, 清除标记 one after the other, each on the previous result."""
    wb = openpyxl.load_workbook(THREE_SHEETS)
    wb["部门整体"]["B16"] = None  # a blank 资金总额 for 计算合计 to fill
    start = tmp_path_factory.mktemp("start") / "blank_total.xlsx"
    wb.save(start)
    done = {}
    for client in CLIENTS:
        folder = tmp_path_factory.mktemp(client.replace(".", ""))
        steps, source = {}, start
        for name, handler in (
            ("totals", fill_totals),
            ("check_all", check_all_sheets),
            ("check_sheet", check_active_sheet),
            ("clear", clear_marks),
        ):
            out = folder / f"{name}.xlsx"
            steps[name] = (run(source, handler, out, client), out)
            source = out
        done[client] = steps
    return done


@pytest.mark.parametrize("client", CLIENTS)
def test_every_handler_runs_on_the_client(sessions, client):
    steps = sessions[client]
    assert set(steps) == {"totals", "check_all", "check_sheet", "clear"}
    for actions, _ in steps.values():
        assert actions[-1]["func"] == "alert"
        assert "意外错误" not in actions[-1]["args"][0]


def test_the_vba_client_gets_only_actions_its_vba_can_run(sessions):
    runnable = vba_client_actions()
    assert {"setValues", "alert", "addConditionalFormat", "setColumnWidth"} <= runnable
    for name, (actions, _) in sessions["VBA"].items():
        emitted = {a["func"] for a in actions}
        assert emitted <= runnable, (name, emitted - runnable)
        macros = {a["args"][0] for a in actions if a["func"] == "runMacro"}
        assert macros <= runnable, macros


def test_both_clients_mark_the_same_rows(sessions):
    vba = openpyxl.load_workbook(sessions["VBA"]["check_all"][1])
    office = openpyxl.load_workbook(sessions["Office.js"]["check_all"][1])
    for sheet in ("金融处非专项", "援助泸溪资金", "部门整体"):
        assert our_fills(vba[sheet]) == our_fills(office[sheet]) != []


def test_without_notes_the_results_sheet_says_so(sessions):
    vba = openpyxl.load_workbook(sessions["VBA"]["check_all"][1])
    office = openpyxl.load_workbook(sessions["Office.js"]["check_all"][1])
    assert NO_NOTES in vba[RESULTS_SHEET]["A1"].value
    assert NO_NOTES not in office[RESULTS_SHEET]["A1"].value
    assert not any(c.comment for ws in vba.worksheets for row in ws.iter_rows() for c in row)
    assert any(c.comment for ws in office.worksheets for row in ws.iter_rows() for c in row)
    assert vba[RESULTS_SHEET].max_row == office[RESULTS_SHEET].max_row  # every finding listed all the same


@pytest.mark.parametrize("client", CLIENTS)
def test_clear_removes_our_marks_and_names(sessions, client):
    wb = openpyxl.load_workbook(sessions[client]["clear"][1])
    assert RESULTS_SHEET not in wb.sheetnames
    assert all(our_fills(ws) == [] for ws in wb.worksheets)
    left = [n for n in wb.defined_names if is_registry_name(n)]
    if client == "Office.js":
        assert left == []
    else:  # the names recording the totals written stay with them (see the next test)
        assert left and all(n.startswith(("_pg_values", "_pg_written")) for n in left)
    actions = sessions[client]["clear"][0]
    assert any(a["func"] == "runMacro" and a["args"][0] == DELETE_NAME_MACRO for a in actions) == (
        client == "VBA"
    )


def test_the_vba_client_keeps_the_totals_it_cannot_tell_from_typed_ones(sessions):
    """计算合计 wrote totals into empty cells; clearing through the VBA client (which does not send the names
    recording what was written) keeps them rather than risk emptying a number the user typed since."""
    assert openpyxl.load_workbook(sessions["VBA"]["totals"][1])["部门整体"]["B16"].value == 949.134
    assert openpyxl.load_workbook(sessions["VBA"]["clear"][1])["部门整体"]["B16"].value == 949.134
    assert openpyxl.load_workbook(sessions["Office.js"]["totals"][1])["部门整体"]["B16"].value == 949.134
    assert openpyxl.load_workbook(sessions["Office.js"]["clear"][1])["部门整体"]["B16"].value is None
