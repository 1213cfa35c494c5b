"""Reading files: good ones become Grids in one pass, bad ones a ReadError with a Chinese message."""

from __future__ import annotations

import zipfile

import pytest
from conftest import THREE_SHEETS

from perfgoals_xl.files.errors import ReadError
from perfgoals_xl.files.find import find_workbooks
from perfgoals_xl.files.read import read_workbook
from perfgoals_xl.pipeline import check_file


def test_grid_keeps_origin_and_merges(write_book):
    path = write_book({"表": ([[], [], [None, None, "项目名称", "甲"]], ["C3:C4"])})
    (grid,) = read_workbook(path).grids
    assert grid.origin == (3, 3)
    assert grid.value(3, 3) == "项目名称" and grid.value(3, 4) == "甲"
    assert [m.ref for m in grid.merges] == ["C3:C4"]
    assert grid.shown(4, 3) == "项目名称" and grid.value(4, 3) is None


def test_empty_sheet_is_an_empty_grid(write_book):
    path = write_book({"空": [], "表": [["项目名称", "甲"]]})
    grids = read_workbook(path).grids
    assert [(g.sheet, len(g.rows)) for g in grids] == [("空", 0), ("表", 1)]


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        (b"", "empty_file", "空文件"),
        (b"hello, I am text", "not_workbook", "不是 Excel 工作簿"),
        (THREE_SHEETS.read_bytes()[:3000], "corrupt", "损坏"),
    ],
)
def test_bad_files_get_a_chinese_message_naming_the_file(tmp_path, content, code, words):
    path = tmp_path / "报表 & 附件.xlsx"
    path.write_bytes(content)
    with pytest.raises(ReadError) as caught:
        read_workbook(path)
    assert caught.value.code == code
    assert words in caught.value.message and "报表 & 附件.xlsx" in caught.value.message


def test_zip_bomb_is_refused_before_reading(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/workbook.xml", "<workbook/>")
        package.writestr("xl/worksheets/sheet1.xml", b"\0" * (600 << 20))
    with pytest.raises(ReadError) as caught:
        read_workbook(path)
    assert caught.value.code == "too_large"


def test_workbook_without_a_table(write_book):
    path = write_book({"说明": [["这里没有绩效目标表"]]})
    result = check_file(path)
    assert result.error.code == "no_table"
    assert "“说明”" in result.error.message and path.name in result.error.message


def test_find_workbooks_skips_lock_files_and_other_types(tmp_path):
    for name in ("a.xlsx", "b.XLS", "c.ods", "~$a.xlsx", "d.csv", "sub/e.xlsb"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in find_workbooks([tmp_path])] == ["a.xlsx", "b.XLS", "c.ods", "e.xlsb"]
