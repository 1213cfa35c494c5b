"""The Excel test harness on real files: .xlsx → client payload → xw.Book(json=...) → actions → replayed .xlsx."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings as xw
from excel_harness import UnknownActionError, payload_from_xlsx, replay_actions
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName

SHEET = "绩效指标"
MARKS = f"={SHEET}!$A$3:$D$3,{SHEET}!$A$5:$D$5"

OpenBook = Callable[..., xw.Book]


@pytest.fixture
def xlsx(tmp_path: Path) -> Path:
    """A small 绩效目标表-like workbook: merged title, numbers, a date, names, a note, a second sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = "2026年项目支出绩效目标表"
    ws.merge_cells("A1:D1")
    ws.append(["一级指标", "二级指标", "三级指标", "指标值"])
    ws.append(["产出指标", "数量指标", "排查整治次数", 4])
    ws.append(["产出指标", "时效指标", "完成时间", dt.datetime(2026, 12, 31)])
    ws.append(["效益指标", "满意度指标", "群众满意度", 0.9])
    ws["C3"].comment = Comment("已有批注", "审核人")
    wb.defined_names["项目金额"] = DefinedName("项目金额", attr_text=f"{SHEET}!$D$3")
    wb.defined_names["_pg_marks"] = DefinedName("_pg_marks", attr_text=MARKS[1:], hidden=True)
    ws.defined_names["本表指标"] = DefinedName("本表指标", attr_text=f"{SHEET}!$C$3:$C$5")
    wb.create_sheet("说明")["A1"] = "填表说明"
    path = tmp_path / "绩效目标.xlsx"
    wb.save(path)
    return path


@pytest.fixture
def open_book() -> Iterator[OpenBook]:
    """Open payloads as remote-engine books and close them after the test."""
    books: list[xw.Book] = []

    def open_(payload: dict) -> xw.Book:
        book = xw.Book(json=payload)
        books.append(book)
        return book

    yield open_
    for book in books:
        book.close()


def _openpyxl_values(path: Path, sheet: str, bounds: str) -> list[list[Any]]:
    ws = openpyxl.load_workbook(path, data_only=True)[sheet]
    return [[cell.value for cell in row] for row in ws[bounds]]


# --------------------------------------------------------------------------- payload


def test_used_range_reads_what_openpyxl_sees(xlsx: Path, open_book: OpenBook) -> None:
    book = open_book(payload_from_xlsx(xlsx))
    used = book.sheets[0].used_range
    assert used.address == "$A$1:$D$5"
    assert used.value == _openpyxl_values(xlsx, SHEET, "A1:D5")
    assert used.value[0] == ["2026年项目支出绩效目标表", None, None, None]  # merged non-anchors are empty
    assert used.value[2][3] == 4 and isinstance(used.value[2][3], int)  # ints stay ints (COM gives 4.0)
    assert used.value[3][3] == dt.datetime(2026, 12, 31)
    assert book.sheets[1].name == "说明" and book.sheets[1]["A1"].value == "填表说明"


def test_payload_shape_follows_the_office_js_client(xlsx: Path) -> None:
    payload = payload_from_xlsx(xlsx, active_sheet="说明", selection="B2")
    assert payload["client"] == "Office.js" and payload["version"] == xw.__version__
    assert payload["book"] == {
        "name": "绩效目标.xlsx",
        "active_sheet_index": 1,
        "selection": "B2",
        "calculation": "Automatic",
    }
    sheet = payload["sheets"][0]
    assert sheet["values"][3][3] == "2026-12-31T00:00:00.000Z"
    assert sheet["values"][0][1] == ""
    assert sheet["notes"] == [{"address": "C3"}] and sheet["notes_supported"] is True
    assert sheet["used_range_address"] == "A1:D5"
    assert sheet["visibility"] == "Visible" and sheet["pictures"] == [] and sheet["tables"] == []


def test_names_come_back_with_their_formula(xlsx: Path, open_book: OpenBook) -> None:
    book = open_book(payload_from_xlsx(xlsx))
    assert [name.name for name in book.names] == ["项目金额", "_pg_marks", f"{SHEET}!本表指标"]
    marks = book.names["_pg_marks"]  # a hidden name is readable like any other
    assert marks.refers_to == MARKS
    with pytest.raises(ValueError, match="single range"):
        marks.refers_to_range  # noqa: B018  (multi-area names have no single range)
    assert book.sheets[0].range("项目金额").value == 4
    assert book.sheets[0].names[0].refers_to == f"={SHEET}!$C$3:$C$5"


def test_selection_active_sheet_and_notes(xlsx: Path, open_book: OpenBook) -> None:
    book = open_book(payload_from_xlsx(xlsx, active_sheet=0, selection="C4:D5"))
    assert book.sheets.active.name == SHEET
    assert book.app.selection.address == "$C$4:$D$5"
    sheet = book.sheets[0]
    assert sheet["C3"].note is not None and sheet["C4"].note is None
    with pytest.raises(NotImplementedError):
        sheet["C3"].note.text  # noqa: B018  (note text is never sent)


def test_vba_client_payload(xlsx: Path, open_book: OpenBook) -> None:
    payload = payload_from_xlsx(xlsx, client="VBA")
    assert "notes" not in payload["sheets"][0] and "refers_to" not in payload["names"][0]
    assert payload["names"][1] == {
        "name": "_pg_marks",
        "sheet_index": 0,
        "address": "A3:D3,A5:D5",
        "book_scope": True,
        "scope_sheet_name": None,
        "scope_sheet_index": None,
    }
    book = open_book(payload)
    assert book.sheets[0].used_range.value == _openpyxl_values(xlsx, SHEET, "A1:D5")
    with pytest.raises(NotImplementedError, match=r"Office\.js"):
        book.sheets[0]["B3"].add_note("x")
    with pytest.raises(ValueError):
        book.names["_pg_marks"].refers_to  # noqa: B018  (VBA sends no formula, only "A3:D3,A5:D5")


def test_remote_engine_limits(xlsx: Path, open_book: OpenBook) -> None:
    book = open_book(payload_from_xlsx(xlsx))
    sheet = book.sheets[0]
    with pytest.raises(ValueError):
        sheet.range("A3:D3,A5:D5")
    for read in (lambda: sheet["A3"].color, lambda: sheet["A3"].font.bold, lambda: sheet["A1"].merge_cells):
        with pytest.raises(NotImplementedError):
            read()
    with pytest.raises(NotImplementedError), book.app.properties(screen_updating=False):
        pass
    with pytest.raises(NotImplementedError):
        book.app.status_bar = "正在校验…"


# --------------------------------------------------------------------------- actions and replay


def _mark_and_report(book: xw.Book) -> None:
    """What a checker run does: fills, notes, a results sheet with links, a marks name, a selection."""
    sheet = book.sheets[SHEET]
    sheet["A3:D3"].color = (255, 199, 206)
    sheet["A5:D5"].color = "#FFEB9C"
    sheet["C4"].add_note("【绩效校验】三级指标不能为空")
    sheet["C3"].note.text = "【绩效校验】已修改"
    sheet["C4"].note.delete()
    sheet["C5"].add_note("【绩效校验】满意度应为百分比")
    book.names["_pg_marks"].delete()
    book.names.add("_pg_marks", MARKS)
    results = book.sheets.add("校验结果", after=sheet)
    results["A1"].value = [["规则", "单元格", "说明"], ["V01", "D5", "满意度应为百分比"]]
    results["A1:C1"].font.bold = True
    results["B2"].add_hyperlink(f"#'{SHEET}'!D5", "D5", "跳到 D5")
    results["A1:C2"].borders.set("outside", line_style="continuous", weight="thin")
    results["C:C"].column_width = 120
    sheet["D3:D5"].conditional_formats.add_custom('=$D3=""', fill_color="#ffc7ce")
    sheet["D4"].number_format = "yyyy-mm-dd"
    sheet["D5"].select()
    book.app.alert("校验完成：2 行有问题", title="绩效目标", buttons="ok", mode="info")


def test_actions_emitted_by_a_checker_run(xlsx: Path, open_book: OpenBook) -> None:
    book = open_book(payload_from_xlsx(xlsx))
    _mark_and_report(book)
    actions = book.json()["actions"]
    assert [a["func"] for a in actions] == [
        "setRangeColor",
        "setRangeColor",
        "addNote",
        "setNoteText",
        "deleteNote",
        "addNote",
        "nameDelete",
        "namesAdd",
        "addSheet",
        "setValues",
        "setFontProperty",
        "addHyperlink",
        *["setBorderProperty"] * 8,  # 4 edges x (weight, line_style)
        "setColumnWidth",
        "addConditionalFormat",
        "setNumberFormat",
        "rangeSelect",
        "alert",
    ]
    by_func = {a["func"]: a for a in reversed(actions)}  # the first action of each kind
    assert actions[0]["args"] == ["#ffc7ce"]
    assert by_func["addNote"]["args"] == ["$C$4", "【绩效校验】三级指标不能为空"]
    assert by_func["setNoteText"]["args"] == ["$C$3", "【绩效校验】已修改"]
    assert by_func["namesAdd"]["args"] == ["_pg_marks", MARKS]
    assert by_func["addSheet"]["args"] == [1, "校验结果"]
    assert by_func["addHyperlink"]["args"] == [f"#'{SHEET}'!D5", "D5", "跳到 D5"]
    assert by_func["setColumnWidth"]["args"] == [120] and by_func["setColumnWidth"]["row_count"] == 1_048_576
    select = by_func["rangeSelect"]
    assert (select["sheet_position"], select["start_row"], select["start_column"]) == (0, 4, 3)
    assert by_func["alert"]["args"] == ["校验完成：2 行有问题", "绩效目标", "ok", "info", ""]


def test_replay_applies_the_actions(xlsx: Path, open_book: OpenBook, tmp_path: Path) -> None:
    book = open_book(payload_from_xlsx(xlsx))
    _mark_and_report(book)
    log: list[str] = []
    out = tmp_path / "out.xlsx"
    alerts = replay_actions(xlsx, book.json()["actions"], out, log=log)

    assert [a["args"][0] for a in alerts] == ["校验完成：2 行有问题"]
    assert log[0] == f'setRangeColor {SHEET}!A3:D3 ["#ffc7ce"]'
    wb = openpyxl.load_workbook(out)
    ws = wb[SHEET]
    assert {ws.cell(3, c).fill.fgColor.rgb for c in range(1, 5)} == {"FFFFC7CE"}
    assert ws["A5"].fill.fgColor.rgb == "FFFFEB9C" and ws["A4"].fill.fill_type is None
    assert ws["C3"].comment.text == "【绩效校验】已修改"
    assert ws["C4"].comment is None
    assert ws["C5"].comment.text == "【绩效校验】满意度应为百分比"
    assert wb.defined_names["_pg_marks"].attr_text == MARKS[1:]
    assert wb.sheetnames == [SHEET, "校验结果", "说明"]
    results = wb["校验结果"]
    assert [[c.value for c in row] for row in results["A1:C2"]] == [
        ["规则", "单元格", "说明"],
        ["V01", "D5", "满意度应为百分比"],
    ]
    assert results["A1"].font.bold and not results["A2"].font.bold
    assert (
        results["B2"].hyperlink.location == f"'{SHEET}'!D5" and results["B2"].hyperlink.tooltip == "跳到 D5"
    )
    assert results["A1"].border.top.style == "thin" and results["C2"].border.right.style == "thin"
    assert results["B1"].border.left.style is None
    assert results.column_dimensions["C"].width == pytest.approx(22.14)  # 120 pt ≈ 22 characters
    assert ws["D4"].number_format == "yyyy-mm-dd"
    [cf] = list(ws.conditional_formatting)
    assert str(cf.sqref) == "D3:D5" and cf.rules[0].formula == ['$D3=""']
    assert wb.active.title == SHEET and ws.sheet_view.selection[0].sqref == "D5"
    assert not results.sheet_view.tabSelected


def test_replay_values_dates_merges_and_visibility(xlsx: Path, open_book: OpenBook, tmp_path: Path) -> None:
    book = open_book(payload_from_xlsx(xlsx))
    sheet = book.sheets[0]
    sheet["A1:B1"].value = ["不应写入", "合并区内"]  # B1 is inside the merged title
    sheet["E3"].value = [[dt.date(2026, 6, 30)], [dt.datetime(2026, 6, 30, 8, 15)], [None]]
    sheet["E5"].clear_contents()
    sheet["A7:D7"].merge()
    book.sheets["说明"].visible = False
    book.sheets["说明"].name = "填表说明"
    out = tmp_path / "out.xlsx"
    replay_actions(xlsx, book.json()["actions"], out)

    wb = openpyxl.load_workbook(out)
    ws = wb[SHEET]
    assert ws["A1"].value == "不应写入" and ws["B1"].value is None
    assert ws["E3"].value == dt.datetime(2026, 6, 30) and ws["E3"].number_format == "yyyy-mm-dd"
    assert ws["E4"].value == dt.datetime(2026, 6, 30, 8, 15) and ws["E5"].value is None
    assert "A7:D7" in {str(r) for r in ws.merged_cells.ranges}
    assert wb["填表说明"].sheet_state == "hidden"


def test_replay_parses_values_as_excel_does_when_typed(
    xlsx: Path, open_book: OpenBook, tmp_path: Path
) -> None:
    """Office.js `range.values` and COM `Range.Value` read an entry as typed: `=`, `+`, `-`, `@` start a formula,
    numeric text is a number; behind an apostrophe (the quote prefix) the rest is kept as text."""
    book = open_book(payload_from_xlsx(xlsx))
    entries = ["=1+1", "+1+1", "-A1", "@SUM(1,1)", "2026", "-5", "'=1+1", "'2026", "''x", "文字"]
    book.sheets[0]["A8"].value = [entries]
    out = tmp_path / "out.xlsx"
    replay_actions(xlsx, book.json()["actions"], out)

    row = openpyxl.load_workbook(out)[SHEET][8]
    assert [(c.value, c.data_type) for c in row[:6]] == [
        ("=1+1", "f"),
        ("=+1+1", "f"),
        ("=-A1", "f"),
        ("=@SUM(1,1)", "f"),
        (2026, "n"),
        (-5, "n"),
    ]
    assert [(c.value, c.data_type, c.quotePrefix) for c in row[6:10]] == [
        ("=1+1", "s", True),
        ("2026", "s", True),
        ("'x", "s", True),
        ("文字", "s", False),
    ]


def test_replay_conditional_format_clear(xlsx: Path, open_book: OpenBook, tmp_path: Path) -> None:
    book = open_book(payload_from_xlsx(xlsx))
    sheet = book.sheets[0]
    sheet["A3:D5"].conditional_formats.add_cell_value("less_than", 1, fill_color="#ffeb9c")
    sheet["A4:D4"].conditional_formats.clear()
    out = tmp_path / "out.xlsx"
    replay_actions(xlsx, book.json()["actions"], out)

    [cf] = list(openpyxl.load_workbook(out)[SHEET].conditional_formatting)
    assert str(cf.sqref) == "A3:D3 A5:D5"
    assert cf.rules[0].operator == "lessThan" and cf.rules[0].formula == ["1"]


def test_unknown_action_raises(xlsx: Path, open_book: OpenBook, tmp_path: Path) -> None:
    with pytest.raises(UnknownActionError, match="frobnicate"):
        replay_actions(xlsx, [{"func": "frobnicate", "args": []}], tmp_path / "out.xlsx")
    book = open_book(payload_from_xlsx(xlsx))
    book.sheets[0]["A1:D5"].group(by="rows")  # a real action the replay does not model (rangeGroup)
    with pytest.raises(UnknownActionError, match="rangeGroup"):
        replay_actions(xlsx, book.json()["actions"], tmp_path / "out.xlsx")


def test_replay_refuses_what_excel_refuses(xlsx: Path, tmp_path: Path) -> None:
    duplicate_note = {"func": "addNote", "args": ["$C$3", "x"], "sheet_position": 0}
    with pytest.raises(ValueError, match="already exists"):
        replay_actions(xlsx, [duplicate_note], tmp_path / "out.xlsx")
    duplicate_name = {"func": "namesAdd", "args": ["_pg_marks", MARKS], "sheet_position": None}
    with pytest.raises(ValueError, match="already exists"):
        replay_actions(xlsx, [duplicate_name], tmp_path / "out.xlsx")


def test_replay_updates_the_marks_name_in_place(xlsx: Path, open_book: OpenBook, tmp_path: Path) -> None:
    book = open_book(payload_from_xlsx(xlsx))
    book.names["_pg_marks"].refers_to = f"={SHEET}!$A$4:$D$4"  # keeps the name, so it stays hidden
    book.sheets[0].name = "指标"  # Excel rewrites the references in names
    assert [a["func"] for a in book.json()["actions"]] == ["setNameRefersTo", "setSheetName"]
    out = tmp_path / "out.xlsx"
    replay_actions(xlsx, book.json()["actions"], out)

    wb = openpyxl.load_workbook(out)
    marks = wb.defined_names["_pg_marks"]
    assert marks.attr_text == "指标!$A$4:$D$4" and marks.hidden
    assert wb["指标"].defined_names["本表指标"].attr_text == "指标!$C$3:$C$5"


def test_replay_rerun_replaces_the_results_sheet(xlsx: Path, open_book: OpenBook, tmp_path: Path) -> None:
    first = tmp_path / "first.xlsx"
    book = open_book(payload_from_xlsx(xlsx))
    book.sheets.add("校验结果", after=book.sheets[0])["A1"].value = "旧结果"
    replay_actions(xlsx, book.json()["actions"], first)

    book = open_book(payload_from_xlsx(first))
    book.sheets["校验结果"].delete()
    results = book.sheets.add("校验结果", after=book.sheets[0])
    results["A1"].value = "新结果"
    results.activate()
    second = tmp_path / "second.xlsx"
    replay_actions(first, book.json()["actions"], second)

    wb = openpyxl.load_workbook(second)
    assert wb.sheetnames == [SHEET, "校验结果", "说明"]
    assert wb["校验结果"]["A1"].value == "新结果" and wb.active.title == "校验结果"
