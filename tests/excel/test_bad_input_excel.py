"""Bad input in Excel: a malformed client payload, or a sheet without a table, ends in a Chinese alert from the
ribbon's dispatch (through xlwings' remote engine), never in a traceback."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path

import bad_files as bf
import pytest
import xlwings as xw
from conftest import THREE_SHEETS
from excel_harness import payload_from_xlsx

from perfgoals_xl.excel import ribbon

BUTTONS = ("pg_check_sheet", "pg_check_all", "pg_clear", "pg_totals")
CJK = re.compile(r"[\u4e00-\u9fff]")
NO_TABLE = "没有找到绩效目标表"


@pytest.fixture(autouse=True)
def logs_in_tmp(tmp_path, monkeypatch):
    """The error log of these tests goes to a temporary home folder."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "localappdata"))


def click(payload: dict, button_id: str) -> tuple[object, list[str]]:
    """dispatch(button_id) on a fresh remote-engine book made from `payload`; the outcome and the alerts."""
    book = xw.Book(json=copy.deepcopy(payload))
    try:
        outcome = ribbon.dispatch(button_id, book=book)
        alerts = [action["args"][0] for action in book.json()["actions"] if action["func"] == "alert"]
    finally:
        book.close()
    return outcome, alerts


def payload(path: Path) -> dict:
    """The client payload of a file written by hand (saved through openpyxl first: the harness reads the
    workbook's calculation properties, which the hand-written package leaves out)."""
    from openpyxl import load_workbook
    from openpyxl.workbook.properties import CalcProperties

    book = load_workbook(path)
    book.calculation = CalcProperties()
    book.save(path)
    return payload_from_xlsx(path)


def chinese_alert(alerts: list[str]) -> str:
    assert alerts, "every click ends with an alert"
    text = alerts[-1]
    assert CJK.search(text) and "Traceback" not in text, text
    return text


def _set(path: tuple, value: object) -> Callable[[dict], None]:
    def mutate(payload: dict) -> None:
        target = payload
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


MALFORMED: dict[str, Callable[[dict], None]] = {
    "values null": _set(("sheets", 0, "values"), None),
    "ragged rows": _set(("sheets", 0, "values"), [[1, 2, 3], [4], []]),
    "objects in cells": _set(("sheets", 0, "values"), [[{"a": 1}, [1, 2]], ["项目名称"]]),
    "no values": _set(("sheets", 0, "values"), [[]]),
    "no sheets": _set(("sheets",), []),
    "active sheet out of range": _set(("book", "active_sheet_index"), 99),
    "names not names": _set(("names",), [{"name": 1}]),
    "no book": lambda payload: payload.pop("book"),
    "selection off the sheet": _set(("book", "selection"), "ZZZZ99999999"),
    "error values and control characters": lambda payload: payload["sheets"][0]["values"][11].__setitem__(
        slice(1, 3), ["#DIV/0!", "项目\x1b[31m类别\x07"]
    ),
    "a 32,767-character cell": lambda payload: payload["sheets"][0]["values"][13].__setitem__(
        1, "长" * 32_767
    ),
}


CHECKED = "校验完成："
TOTALLED = "计算合计完成："
NOTHING_TO_CLEAR = "没有需要清除的校验标记。"
UNREADABLE_CELLS = "工作表“金融处非专项”的单元格内容无法读取"
NO_ACTIVE = "找不到当前工作表"
NAMES = "名称（公式 › 名称管理器）无法读取"
NO_BOOK = "没有传来工作簿本身的信息"
INTERNAL = "未能完成，出现了意外错误"

# variant → the alert of each button (pg_check_sheet, pg_check_all, pg_clear, pg_totals): a fragment it starts
# with or holds. The payload's first sheet is 金融处非专项; its B12 is the 项目类别 of the first table.
EXPECTED: dict[str, tuple[str, str, str, str]] = {
    "values null": (UNREADABLE_CELLS, UNREADABLE_CELLS, NOTHING_TO_CLEAR, UNREADABLE_CELLS),
    "ragged rows": (f"工作表“金融处非专项”中{NO_TABLE}", CHECKED, NOTHING_TO_CLEAR, TOTALLED),
    "objects in cells": (UNREADABLE_CELLS, UNREADABLE_CELLS, NOTHING_TO_CLEAR, UNREADABLE_CELLS),
    "no values": (f"工作表“金融处非专项”中{NO_TABLE}", CHECKED, NOTHING_TO_CLEAR, TOTALLED),
    "no sheets": (NO_ACTIVE, f"全部工作表中{NO_TABLE}", NOTHING_TO_CLEAR, f"工作簿中{NO_TABLE}"),
    "active sheet out of range": (NO_ACTIVE, CHECKED, NOTHING_TO_CLEAR, TOTALLED),
    "names not names": (NAMES, NAMES, NAMES, NAMES),
    "no book": (NO_ACTIVE, NO_BOOK, NOTHING_TO_CLEAR, NO_BOOK),
    "selection off the sheet": (CHECKED, CHECKED, NOTHING_TO_CLEAR, TOTALLED),
    "error values and control characters": (
        "“金融处非专项”B12：金额“#DIV/0!”无法识别为数字",
        "“金融处非专项”B12：金额“#DIV/0!”无法识别为数字",
        NOTHING_TO_CLEAR,
        TOTALLED,
    ),
    "a 32,767-character cell": (CHECKED, CHECKED, NOTHING_TO_CLEAR, TOTALLED),
}


def test_every_malformed_payload_has_its_expected_alerts():
    assert set(EXPECTED) == set(MALFORMED)


@pytest.fixture(scope="module")
def sample_payload() -> dict:
    return payload_from_xlsx(THREE_SHEETS)


@pytest.mark.parametrize("button_id", BUTTONS)
@pytest.mark.parametrize("variant", list(MALFORMED))
def test_a_malformed_payload_gives_its_own_chinese_alert(sample_payload, variant, button_id):
    """Each malformed payload ends in the alert that says what is wrong with it — never the internal-error
    alert of ribbon.dispatch's catch-all."""
    payload = copy.deepcopy(sample_payload)
    MALFORMED[variant](payload)
    _, alerts = click(payload, button_id)
    text = chinese_alert(alerts)
    assert INTERNAL not in text, text
    assert EXPECTED[variant][BUTTONS.index(button_id)] in text, text


@pytest.mark.parametrize("button_id", ["pg_check_sheet", "pg_check_all", "pg_totals"])
def test_a_sheet_without_a_table_says_so(tmp_path, button_id):
    path = bf.write_xlsx(tmp_path / "说明.xlsx", {"说明": bf.sheet_xml([["本表无内容"], [None, "合计", 12]])})
    outcome, alerts = click(payload(path), button_id)
    assert NO_TABLE in chinese_alert(alerts)
    assert INTERNAL not in alerts[-1]
    assert outcome is not None and NO_TABLE in outcome.message


@pytest.mark.parametrize("button_id", ["pg_check_sheet", "pg_check_all", "pg_totals", "pg_clear"])
def test_an_empty_workbook_says_so(tmp_path, button_id):
    from openpyxl import Workbook

    path = tmp_path / "空.xlsx"
    Workbook().save(path)
    _, alerts = click(payload_from_xlsx(path), button_id)
    text = chinese_alert(alerts)
    assert INTERNAL not in text
    if button_id != "pg_clear":
        assert NO_TABLE in text


def test_error_values_from_excel_are_named_by_cell(tmp_path):
    """Excel sends "#DIV/0!"; the file check reports C08 金额“#DIV/0!”无法识别为数字（B12）, Excel should too."""
    rows, merges = bf.seed_table()
    rows[11][1] = "#DIV/0!"
    path = bf.write_xlsx(tmp_path / "错误值.xlsx", {"项目表": bf.sheet_xml(rows, merges)})
    outcome, alerts = click(payload(path), "pg_check_sheet")
    chinese_alert(alerts)
    assert any(f.cell == "B12" and "#DIV/0!" in f.message for f in outcome.plan.results)


def test_a_table_with_merges_across_its_boundary_is_checked(tmp_path):
    rows, merges = bf.seed_table()
    path = bf.write_xlsx(
        tmp_path / "跨表合并.xlsx",
        {"跨表": bf.sheet_xml([*rows, [], *rows[2:]], [*merges, "A24:H30", "B20:C28", "D25:D60"])},
    )
    _, alerts = click(payload(path), "pg_check_all")
    assert chinese_alert(alerts).startswith("校验完成")


def test_the_log_holds_the_traceback_the_user_never_sees(sample_payload, tmp_path, monkeypatch):
    """A fault of ours (here: a handler that raises) is the one case for the internal-error alert."""
    from perfgoals_xl.excel import handlers

    def broken(book, settings=None):
        raise RuntimeError("a fault of ours")

    monkeypatch.setattr(handlers, "check_all_sheets", broken)
    _, alerts = click(copy.deepcopy(sample_payload), "pg_check_all")
    text = chinese_alert(alerts)
    assert INTERNAL in text and "日志" in text and "RuntimeError: a fault of ours" in text
    log = Path(tmp_path / "home" / ".perfgoals" / "logs" / "perfgoals.log")
    assert "Traceback" in log.read_text(encoding="utf-8")
    assert "a fault of ours" in log.read_text(encoding="utf-8")
