"""Issue 13's hardening of the Excel layer: a OneDrive/SharePoint book (a URL for a name), very hidden sheets,
where our new sheets go, DisplayAlerts while a form is copied in, and column widths on either host.

The remote-engine tests drive the real handlers (tests/support/excel_harness.py). Desktop Excel's COM paths
cannot run on Linux: they are driven with `Desktop`, a recording stand-in for the few members of Excel's object
model those paths touch (each test says which), and listed in vba/README.md's Windows checklist."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
import xlwings as xw
from conftest import ONE_SHEET, THREE_SHEETS
from excel_harness import payload_from_xlsx, replay_actions, run_handler

from perfgoals_xl.core.check import LISTS_SHEET
from perfgoals_xl.core.marks import RESULTS_SHEET
from perfgoals_xl.excel import app, buttons, ribbon
from perfgoals_xl.excel.handlers import check_active_sheet, check_all_sheets
from perfgoals_xl.excel.read import sheet_visibility
from perfgoals_xl.templates.fill import empty_template

ONEDRIVE = "https://d.docs.live.net/3f2a9c/文档/株洲 2026 绩效目标.xlsx"


@pytest.fixture(autouse=True)
def logs_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "localappdata"))


def url_book(path: Path) -> Any:
    payload = payload_from_xlsx(path)
    payload["book"]["name"] = ONEDRIVE
    return xw.Book(json=payload)


# --- a book on OneDrive / SharePoint ------------------------------------------------------------------------


def test_a_url_named_book_has_no_folder_and_is_checked(tmp_path):
    book = url_book(ONE_SHEET)
    try:
        assert book.fullname == ONEDRIVE and app.book_path(book) is None
        outcome = check_active_sheet(book)
        actions = book.json()["actions"]
    finally:
        book.close()
    alerts = replay_actions(ONE_SHEET, actions, tmp_path / "out.xlsx")
    assert outcome.plan is not None and outcome.plan.results
    assert alerts[-1]["args"][0].startswith("校验完成")


def test_settings_on_a_url_named_book_say_it_is_online(tmp_path):
    book = url_book(ONE_SHEET)
    try:
        outcome = ribbon.dispatch("pg_settings", book=book)
    finally:
        book.close()
    assert (
        "OneDrive" in outcome.message
        and "尚未保存" not in outcome.message
        and "未能完成" not in outcome.message
    )


@pytest.mark.parametrize("name", ["https://contoso.sharepoint.com/sites/财政/报送.xlsx", "C:报送.xlsx", "\0"])
def test_book_path_never_raises(name):
    assert app.book_path(SimpleNamespace(fullname=name)) is None


# --- very hidden sheets and where our sheets go ---------------------------------------------------------------


def with_hidden_last_sheets(path: Path, out: Path) -> Path:
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("隐藏").sheet_state = "hidden"
    wb.create_sheet("深度隐藏").sheet_state = "veryHidden"
    wb.save(out)
    return out


def test_results_go_after_the_last_visible_sheet(tmp_path):
    source = with_hidden_last_sheets(THREE_SHEETS, tmp_path / "hidden.xlsx")
    out = tmp_path / "out.xlsx"
    run_handler(source, check_all_sheets, out)  # the Office.js client sends each sheet's visibility
    names = openpyxl.load_workbook(out).sheetnames
    assert names == ["金融处非专项", "援助泸溪资金", "部门整体", RESULTS_SHEET, "隐藏", "深度隐藏"]


def test_rules_sheet_goes_after_the_last_visible_sheet(tmp_path):
    source = with_hidden_last_sheets(ONE_SHEET, tmp_path / "hidden.xlsx")
    out = tmp_path / "out.xlsx"
    run_handler(source, ribbon.rules_sheet, out)
    names = openpyxl.load_workbook(out).sheetnames
    assert names.index(ribbon.RULES_SHEET) == names.index("隐藏") - 1


class Api(SimpleNamespace):
    """A COM object's members as plain attributes."""


def desktop_sheet(book: Any, name: str, visible: int) -> Any:
    """A worksheet as desktop Excel's COM gives it: `api.Visible` is an XlSheetVisibility number."""
    return SimpleNamespace(name=name, book=book, api=Api(Visible=visible))


@pytest.mark.parametrize(("state", "expected"), [(-1, "visible"), (0, "hidden"), (2, "veryHidden")])
def test_only_xl_sheet_visible_is_visible_on_desktop(state, expected):
    book = SimpleNamespace(app=SimpleNamespace(engine=SimpleNamespace(name="excel")))
    assert sheet_visibility(desktop_sheet(book, "表", state)) == expected  # 2 is truthy, yet very hidden


# --- desktop Excel: the form copied in from a saved file ------------------------------------------------------


class Desktop:
    """Records what the COM path of 新建项目表 does: the sheets copied (with DisplayAlerts at that moment), the
    sheets hidden. Stands in for `xw.Book` on desktop Excel (app.engine.name == "excel")."""

    def __init__(self, sheets: list[tuple[str, int]], name: str = "报送.xlsx") -> None:
        self.name = name
        self.copied: list[tuple[str, str, str, bool]] = []  # (sheet, after, new name, display_alerts)
        self.app = SimpleNamespace(
            engine=SimpleNamespace(name="excel"),
            display_alerts=True,
            screen_updating=True,
            status_bar=None,
            books=SimpleNamespace(open=self._open),
            selection=None,
        )
        self.sheet_list = [desktop_sheet(self, n, v) for n, v in sheets]
        self.sheets = Sheets(self.sheet_list)

    def _open(self, path: str) -> Any:
        source = openpyxl.load_workbook(path)
        assert source.defined_names.get("pg_indicator_header") is None  # the filler's names were dropped
        book = self

        class SourceSheet:
            def __init__(self, name: str) -> None:
                self.name = name

            def copy(self, after: Any, name: str) -> None:
                book.copied.append((self.name, after.name, name, book.app.display_alerts))
                position = book.sheet_list.index(after) + 1
                book.sheet_list.insert(position, desktop_sheet(book, name, -1))

        names = source.sheetnames
        return SimpleNamespace(sheets=Sheets([SourceSheet(n) for n in names]), close=lambda: None)


class Sheets:
    def __init__(self, sheets: list[Any]) -> None:
        self._sheets = sheets

    def __iter__(self):
        return iter(self._sheets)

    def __len__(self) -> int:
        return len(self._sheets)

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, int):
            return self._sheets[key]
        return next(s for s in self._sheets if s.name == key)

    @property
    def active(self) -> Any:
        return self._sheets[0]


def test_the_form_is_copied_with_display_alerts_off_after_the_last_visible_sheet(monkeypatch):
    book = Desktop([("封面", -1), ("报送", -1), ("旧数据", 2)])  # a very hidden sheet last
    monkeypatch.setattr(buttons, "alert", lambda _book, _message: None)
    buttons.new_template_sheet(book, "project")
    (lists, form) = book.copied
    assert lists == (LISTS_SHEET, "报送", LISTS_SHEET, False)  # not after the very hidden 旧数据
    assert (
        form[0] == "项目支出绩效目标表" and form[1] == "封面" and form[3] is False
    )  # after the active sheet
    assert book.app.display_alerts is True and book.app.screen_updating is True  # given back
    assert book.sheets[LISTS_SHEET].visible is False


def test_column_widths_are_characters_on_desktop_and_points_on_the_remote_engine(tmp_path):
    widths: dict[int, float] = {}
    sheet = SimpleNamespace(range=lambda cell: _Width(widths, cell[1]))
    app.set_column_width(Desktop([("表", -1)]), sheet, 3, 12)
    assert widths == {3: 12}  # desktop Excel: ColumnWidth counts characters, no ×7 (the .xls fallback)

    book = xw.Book(json=payload_from_xlsx(ONE_SHEET))
    try:
        buttons._write_sheet(book, empty_template("project").worksheets[0], book.sheets[0], "新表")
        actions = book.json()["actions"]
    finally:
        book.close()
    set_width = [a for a in actions if a["func"] == "setColumnWidth"]
    assert set_width and set_width[0]["args"][0] == 14 * app.POINTS_PER_CHAR  # column A: 14 characters


class _Width:
    def __init__(self, widths: dict[int, float], col: int) -> None:
        self._widths, self._col = widths, col

    @property
    def column_width(self) -> float:
        return self._widths[self._col]

    @column_width.setter
    def column_width(self, value: float) -> None:
        self._widths[self._col] = value
