"""The ribbon: customUI.xml and the dispatcher agree with perfgoals_xl.excel.ribbon, and every button's handler runs
through xlwings' remote engine on the sample workbooks (actions replayed onto the .xlsx and checked)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import openpyxl
import pytest
import xlwings as xw
from conftest import ONE_SHEET, ROOT, THREE_SHEETS
from excel_harness import payload_from_xlsx, replay_actions

from perfgoals_xl.core.marks import RESULTS_SHEET, is_registry_name
from perfgoals_xl.core.rules import RULES
from perfgoals_xl.excel import app, ribbon
from perfgoals_xl.pipeline import check_file

VBA = ROOT / "vba"
NS = {"ui": "http://schemas.microsoft.com/office/2006/01/customui"}
CALLBACK = "RibbonPerfgoals.OnAction"
GROUPS = {
    "校验": ["校验本表", "校验全部", "清除标记"],
    "合计": ["计算合计"],
    "模板": ["新建项目表", "新建部门表", "规范为标准模板"],
    "帮助": ["规则说明", "设置"],
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def custom_ui() -> ET.Element:
    return ET.parse(VBA / "customUI.xml").getroot()


def buttons() -> list[ET.Element]:
    return custom_ui().findall(".//ui:button", NS)


# --- customUI.xml and the dispatcher ------------------------------------------------------------------------


def test_button_ids_equal_the_handlers():
    assert {b.get("id") for b in buttons()} == set(ribbon.HANDLERS)


def test_ids_unique_with_one_prefix_and_one_callback():
    ids = [element.get("id") for element in custom_ui().iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("pg_") for i in ids), ids
    assert {b.get("onAction") for b in buttons()} == {CALLBACK}
    module, sub = CALLBACK.split(".")
    bas = (VBA / f"{module}.bas").read_text(encoding="ascii")
    assert f'Attribute VB_Name = "{module}"' in bas and f"Sub {sub}(control As IRibbonControl)" in bas


def test_tab_groups_and_chinese_labels():
    (tab,) = custom_ui().findall(".//ui:tab", NS)
    assert tab.get("label") == "绩效目标"
    groups = {
        group.get("label"): [b.get("label") for b in group.findall("ui:button", NS)]
        for group in tab.findall("ui:group", NS)
    }
    assert groups == GROUPS
    for button in buttons():
        for attribute in ("label", "screentip", "supertip"):
            assert CJK.search(button.get(attribute) or ""), (button.get("id"), attribute)
        assert button.get("imageMso"), button.get("id")
    assert {b.get("id"): b.get("label") for b in buttons()} == ribbon.LABELS


def test_icons_are_listed_in_the_readme():
    readme = (VBA / "README.md").read_text(encoding="utf-8")
    assert "Office 2016+ icon gallery" in readme
    for button in buttons():
        assert f"`{button.get('imageMso')}`" in readme


def test_dispatcher_is_ascii_and_exactly_the_one_callback():
    raw = (VBA / "RibbonPerfgoals.bas").read_bytes()
    assert raw.isascii()
    lines = raw.decode().replace("\r\n", "\n").strip().split("\n")
    assert lines[:2] == ['Attribute VB_Name = "RibbonPerfgoals"', "Option Explicit"]
    assert [line for line in lines if line.startswith("Public ")] == [
        "Public Sub OnAction(control As IRibbonControl)"
    ]
    start = lines.index("Public Sub OnAction(control As IRibbonControl)")
    assert lines[start + 1 : start + 4] == [
        "    If Not ReadyForPython() Then Exit Sub",
        """    RunPython "import perfgoals_xl.excel.ribbon as r; r.dispatch('" & control.ID & "')\"""",
        "End Sub",
    ]


# --- every handler through the remote engine ------------------------------------------------------------------


def run(path, button_id, out, active_sheet=0):
    """dispatch(button_id) on a remote-engine book made from `path`; the actions replayed into `out`."""
    book = xw.Book(json=payload_from_xlsx(path, active_sheet=active_sheet))
    try:
        outcome = ribbon.dispatch(button_id, book=book)
        actions = book.json()["actions"]
    finally:
        book.close()
    alerts = replay_actions(path, actions, out)
    return outcome, actions, alerts


@pytest.fixture(autouse=True)
def logs_in_tmp(tmp_path, monkeypatch):
    """Keep the error log of these tests out of the real home folder."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "localappdata"))
    return tmp_path


def no_error_alert(alerts):
    assert alerts, "every handler ends with an alert"
    assert not any("未能完成" in alert["args"][0] for alert in alerts), alerts


def test_check_sheet_marks_the_active_sheet(tmp_path):
    out = tmp_path / "out.xlsx"
    outcome, _, alerts = run(THREE_SHEETS, "pg_check_sheet", out, active_sheet=2)
    no_error_alert(alerts)
    assert alerts[-1]["args"][0].startswith("校验完成")
    wb = openpyxl.load_workbook(out)
    rows = list(wb[RESULTS_SHEET].iter_rows(min_row=3, values_only=True))
    assert rows and {row[3] for row in rows} == {"部门整体"}
    assert len(rows) == len(outcome.plan.results)


def test_check_all_lists_every_finding(tmp_path):
    out = tmp_path / "out.xlsx"
    _, _, alerts = run(THREE_SHEETS, "pg_check_all", out)
    no_error_alert(alerts)
    wb = openpyxl.load_workbook(out)
    rows = list(wb[RESULTS_SHEET].iter_rows(min_row=3, values_only=True))
    assert len(rows) == len(check_file(THREE_SHEETS).findings)
    assert {row[3] for row in rows} == {"金融处非专项", "援助泸溪资金", "部门整体"}


def test_clear_removes_what_check_added(tmp_path):
    checked, cleared = tmp_path / "checked.xlsx", tmp_path / "cleared.xlsx"
    run(ONE_SHEET, "pg_check_all", checked)
    outcome, _, alerts = run(checked, "pg_clear", cleared)
    no_error_alert(alerts)
    assert outcome.cleared > 0 and alerts[-1]["args"][0].startswith("已清除")
    wb, original = openpyxl.load_workbook(cleared), openpyxl.load_workbook(ONE_SHEET)
    assert wb.sheetnames == original.sheetnames
    assert [n for n in wb.defined_names if is_registry_name(n)] == []
    assert not any(cell.comment for row in wb.active.iter_rows() for cell in row)


def test_rules_sheet_lists_the_catalog_and_is_replaced_on_rerun(tmp_path):
    once, twice = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    outcome, actions, alerts = run(THREE_SHEETS, "pg_rules", once)
    no_error_alert(alerts)
    assert sum(a["func"] == "setValues" for a in actions) == 1  # one bulk write
    wb = openpyxl.load_workbook(once)
    assert wb.sheetnames[-1] == ribbon.RULES_SHEET
    rows = list(wb[ribbon.RULES_SHEET].iter_rows(values_only=True))
    assert len(rows) == len(RULES) + 1
    assert list(rows[0]) == ["编号", "级别", "规则", "说明", "错误示例", "正确示例"]
    assert [row[0] for row in rows[1:]] == list(RULES)
    h01 = RULES["H01"]
    assert rows[1][:3] == (
        "H01",
        {"error": "错误", "warning": "警告", "info": "提示"}[h01.severity],
        h01.title,
    )
    assert all(row[3] for row in rows[1:]), "every rule has a 说明"
    assert f"{len(RULES)} 条" in outcome.message

    run(once, "pg_rules", twice)
    again = openpyxl.load_workbook(twice)
    assert again.sheetnames == wb.sheetnames  # replaced in place, not added twice
    assert list(again[ribbon.RULES_SHEET].iter_rows(values_only=True)) == rows


def test_rules_sheet_is_not_checked_as_a_table(tmp_path):
    with_rules, checked = tmp_path / "rules.xlsx", tmp_path / "checked.xlsx"
    run(THREE_SHEETS, "pg_rules", with_rules)
    outcome, _, _ = run(with_rules, "pg_check_all", checked)
    assert ribbon.RULES_SHEET not in {finding.sheet for finding in outcome.plan.results}
    assert len(outcome.plan.results) == len(check_file(THREE_SHEETS).findings)


def test_settings_sheet_and_alert_name_the_source(tmp_path, monkeypatch):
    out = tmp_path / "out.xlsx"
    _, actions, alerts = run(THREE_SHEETS, "pg_settings", out)
    assert {a["func"] for a in actions} >= {"addSheet", "setValues", "alert"}
    text = alerts[-1]["args"][0]
    assert "默认设置" in text and "口径：hunan-2026" in text and "“设置”表" in text
    ws = openpyxl.load_workbook(out)[ribbon.SETTINGS_SHEET]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][0].startswith("设置：默认设置") and rows[1] == ["设置项", "当前取值", "默认值"]
    assert ["profile", '"hunan-2026"', '"hunan-2026"'] in rows and [
        "thresholds.satisfaction_floor",
        "80",
        "80",
    ] in rows

    folder = tmp_path / "报送"
    folder.mkdir()
    (folder / "perfgoals.toml").write_text('profile = "mof-2021"\nignore = ["V11"]\n', encoding="utf-8")
    monkeypatch.setattr(app, "book_path", lambda book: folder / "株洲 2026.xlsx")
    again = tmp_path / "out2.xlsx"
    _, _, alerts = run(out, "pg_settings", again)
    text = alerts[-1]["args"][0]
    assert str(folder / "perfgoals.toml") in text and "口径：mof-2021" in text and "V11" in text
    warning = (
        f"工作簿所在文件夹中的设置文件“{folder / 'perfgoals.toml'}”关闭了 1 条规则（V11），"
        "把口径从 hunan-2026 改为 mof-2021"
    )
    assert f"注意：{warning}" in text
    wb = openpyxl.load_workbook(again)
    assert (
        wb.sheetnames.count(ribbon.SETTINGS_SHEET) == 1 and "设置2" not in wb.sheetnames
    )  # refreshed in place
    rows = [[c.value for c in row] for row in wb[ribbon.SETTINGS_SHEET].iter_rows()]
    assert ["ignore", '["V11"]', "[]"] in rows and rows[-1][:2] == ["注意", warning]


def test_settings_with_a_broken_file_gives_the_chinese_problem(tmp_path, monkeypatch):
    (tmp_path / "perfgoals.toml").write_text('profile = "x"\n', encoding="utf-8")
    monkeypatch.setattr(app, "book_path", lambda book: tmp_path / "book.xlsx")
    _, _, alerts = run(THREE_SHEETS, "pg_settings", tmp_path / "out.xlsx")
    text = alerts[-1]["args"][0]
    assert "perfgoals.toml" in text and "profile" in text and "未能完成" not in text


@pytest.mark.parametrize("button_id", ["pg_totals", "pg_new_project", "pg_new_department", "pg_normalize"])
def test_feature_buttons(button_id, tmp_path):
    """The buttons whose work lives in modules of their own (loaded on the click) run without an error alert."""
    _, _, alerts = run(ONE_SHEET, button_id, tmp_path / "out.xlsx")
    no_error_alert(alerts)
    assert alerts and "功能尚未提供" not in alerts[-1]["args"][0]


# --- errors -------------------------------------------------------------------------------------------------


def test_an_exception_becomes_a_chinese_alert_naming_the_log(tmp_path, monkeypatch):
    def boom(book):
        raise RuntimeError("boom in the handler")

    monkeypatch.setitem(ribbon.HANDLERS, "pg_check_all", boom)
    outcome, actions, alerts = run(THREE_SHEETS, "pg_check_all", tmp_path / "out.xlsx")
    assert outcome is None and {a["func"] for a in actions} == {"alert"}
    (alert,) = alerts
    text, title, _, mode = alert["args"][:4]
    log = ribbon.log_file()
    assert str(tmp_path) in str(log)
    assert text.startswith("“校验全部”未能完成") and str(log) in text and "Traceback" not in text
    assert title == ribbon.ALERT_TITLE and mode == "critical"
    logged = log.read_text(encoding="utf-8")
    assert "Traceback" in logged and "boom in the handler" in logged and "button: pg_check_all" in logged


def test_an_unwritable_log_is_said_too(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setattr(ribbon, "log_dir", lambda: blocker / "logs")

    def boom(book):
        raise KeyError("x")

    monkeypatch.setitem(ribbon.HANDLERS, "pg_rules", boom)
    _, _, alerts = run(THREE_SHEETS, "pg_rules", tmp_path / "out.xlsx")
    text = alerts[0]["args"][0]
    assert text.startswith("“规则说明”未能完成") and "无法写入" in text and "KeyError" in text


def test_unknown_button_gets_a_chinese_alert(tmp_path):
    outcome, _, alerts = run(THREE_SHEETS, "pg_nonexistent", tmp_path / "out.xlsx")
    assert outcome is None
    assert alerts[0]["args"][0].startswith("未知的按钮“pg_nonexistent”")


def test_without_a_calling_workbook_the_message_goes_to_stderr(monkeypatch):
    def no_caller():
        raise AttributeError("no Excel")

    monkeypatch.setattr(xw.Book, "caller", staticmethod(no_caller))
    with pytest.raises(SystemExit) as exit_info:
        ribbon.dispatch("pg_check_sheet")
    assert "找不到调用的工作簿" in str(exit_info.value.code) and str(ribbon.log_file()) in str(
        exit_info.value.code
    )
    assert "no Excel" in ribbon.log_file().read_text(encoding="utf-8")


def test_log_location(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    assert ribbon.log_file() == tmp_path / "localappdata" / "perfgoals" / "logs" / "perfgoals.log"
    monkeypatch.setattr(sys, "platform", "linux")
    assert ribbon.log_file() == tmp_path / "home" / ".perfgoals" / "logs" / "perfgoals.log"


# --- import weight ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_import_stays_light():
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_LICENSE_KEY"}  # as on a user's PC (COM)
    code = (
        "import json, sys; import perfgoals_xl.excel.ribbon; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('openpyxl', 'click', 'rich', 'python_calamine'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert json.loads(result.stdout) == []


def test_rules_button_keeps_a_users_own_sheet_of_that_name(tmp_path):
    own = tmp_path / "own.xlsx"
    wb = openpyxl.load_workbook(ONE_SHEET)
    wb.create_sheet("规则说明")["A1"] = "我单位的填报规则"
    wb.save(own)
    _, _, alerts = run(own, "pg_rules", tmp_path / "out.xlsx")
    out = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert out["规则说明"]["A1"].value == "我单位的填报规则" and "规则说明2" in out.sheetnames
    assert "“规则说明2”" in alerts[0]["args"][0]
