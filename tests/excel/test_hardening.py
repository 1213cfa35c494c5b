"""Issue 13's hardening of the Excel layer: a OneDrive/SharePoint book (a URL for a name), very hidden sheets,
where our new sheets go, DisplayAlerts while a form is copied in, column widths on either host, and 校验结果 and
the marks as they print.

The remote-engine tests drive the real handlers (tests/support/excel_harness.py). Desktop Excel's COM paths
cannot run on Linux: they are driven with `Desktop`, a recording stand-in for the few members of Excel's object
model those paths touch (each test says which), and listed in vba/README.md's Windows checklist."""

from __future__ import annotations

from datetime import datetime
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
    form = empty_template("project").worksheets[0]
    try:
        buttons._write_sheet(book, form, book.sheets[0], "新表")
        actions = book.json()["actions"]
    finally:
        book.close()
    set_width = [a for a in actions if a["func"] == "setColumnWidth"]
    chars = form.column_dimensions["A"].width
    assert set_width and set_width[0]["args"][0] == chars * app.POINTS_PER_CHAR  # column A, in points


class _Width:
    def __init__(self, widths: dict[int, float], col: int) -> None:
        self._widths, self._col = widths, col

    @property
    def column_width(self) -> float:
        return self._widths[self._col]

    @column_width.setter
    def column_width(self, value: float) -> None:
        self._widths[self._col] = value


# --- 校验结果 as Excel prints it -------------------------------------------------------------------------------


def test_results_sheet_wraps_its_explanations_names_its_font_and_bolds_the_level(tmp_path):
    out = tmp_path / "out.xlsx"
    _, actions, _ = run_handler(THREE_SHEETS, check_all_sheets, out)
    ws = openpyxl.load_workbook(out)[RESULTS_SHEET]
    assert "A1:F1" in {str(m) for m in ws.merged_cells.ranges} and ws["A1"].alignment.wrap_text
    assert ws.row_dimensions[1].height and ws.row_dimensions[1].height > 15  # the summary wraps: row fitted
    last = ws.max_row
    assert all(ws.cell(row=r, column=6).alignment.wrap_text for r in range(3, last + 1))  # 说明 whole
    fonts = {(a["args"][0], a["args"][1]) for a in actions if a["func"] == "setFontProperty"}
    assert {("name", "宋体"), ("size", 10)} <= fonts
    levels = [(row[1].value, bool(row[1].font.b)) for row in ws.iter_rows(min_row=3)]
    assert all(bold == (level in ("错误", "警告")) for level, bold in levels)
    assert [level for level, _ in levels][:1] == ["错误"]  # errors first
    assert any(a["func"] == "setAutofit" and a["args"] == ["rows"] for a in actions)


def test_desktop_excel_sets_up_the_results_page():
    from perfgoals_xl.excel.results import _page_setup

    setup = SimpleNamespace()
    sheet = SimpleNamespace(api=SimpleNamespace(PageSetup=setup))
    plan = SimpleNamespace(source="财政&预算.xlsx", checked_at=datetime(2026, 12, 1, 9, 30))
    _page_setup(sheet, plan)
    assert (setup.PaperSize, setup.Orientation, setup.Zoom, setup.FitToPagesWide) == (9, 2, False, 1)
    assert setup.FitToPagesTall is False and setup.PrintTitleRows == "$2:$2"
    assert (
        setup.LeftHeader == "&9校验结果：财政&&预算.xlsx"
        and setup.RightHeader == "&9校验时间：2026-12-01 09:30"
    )
    assert setup.CenterFooter == "&9第 &P 页，共 &N 页"


def test_desktop_excel_dots_the_warning_rows():
    """The marks' conditional formats on desktop Excel: the warning's gets a 25 % grey pattern in dark gold."""
    from perfgoals_xl.core.marks import Block, Plan
    from perfgoals_xl.excel.marks import _draw_fills

    drawn: list[tuple[str, Any]] = []

    def add_custom(formula: str, fill_color: str) -> Any:
        api = SimpleNamespace(Interior=SimpleNamespace(), SetLastPriority=lambda: None)
        drawn.append((formula, api))
        return SimpleNamespace(impl=SimpleNamespace(api=api))

    sheet = SimpleNamespace(
        range=lambda ref: SimpleNamespace(conditional_formats=SimpleNamespace(add_custom=add_custom))
    )
    book = SimpleNamespace(app=SimpleNamespace(engine=SimpleNamespace(name="excel")), sheets={"表": sheet})
    blocks = [Block("表", 3, 3, 1, 8, "error"), Block("表", 5, 6, 1, 8, "warning")]
    _draw_fills(book, Plan(blocks=blocks, notes=[], results=[], summary=""))
    (error_formula, error), (warning_formula, warning) = drawn
    assert "error" in error_formula and not vars(error.Interior)
    assert "warning" in warning_formula
    assert warning.Interior.Pattern == -4124 and warning.Interior.PatternColor == 0x7F + (0x60 << 8)
