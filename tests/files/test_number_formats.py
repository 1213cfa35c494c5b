"""Percent number formats and sheet visibility as every host reads them into the Grid.

Real files: .xlsx written by openpyxl and by hand (every byte of styles.xml and the sheet under control),
.ods written by hand; the Excel layer through xlwings' remote engine (tests/excel_harness.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwings as xw
from bad_files import (
    HIDDEN_ODS_STYLE,
    MAIN,
    _package_frame,
    shared_strings_xml,
    sheet_xml,
    write_ods,
    write_xlsx,
)
from excel_harness import payload_from_xlsx

from perfgoals_xl.core.grid import is_percent_format
from perfgoals_xl.excel.read import percent_candidates, read_grid
from perfgoals_xl.files.precheck.limits import MAX_PERCENT_CELLS
from perfgoals_xl.files.read import read_workbook


@pytest.mark.parametrize(
    ("code", "percent"),
    [
        ("0%", True),
        ("0.00%", True),
        ("0.0%;[Red]-0.0%", True),
        ("#,##0.0%", True),
        ("[>=0.5]0%;0.0", True),
        ("[$-804]0.0%", True),
        ('"完成"0%', True),
        ('0%"以上"', True),
        ("0%;-0%;0%;@", True),
        ("General", False),
        ("0.00", False),
        ("@", False),
        ('"%"0', False),  # a quoted percent sign is text: the number is not scaled
        ('0.0"%"', False),
        ("0\\%", False),  # an escaped percent sign, likewise
        ("0_%", False),  # a space the width of %
        ("0*%", False),  # % as the fill character
        ("[Red]0.00", False),
        ("0;-0;0;@%", False),  # a % in the text section only
        ('@"%"', False),
    ],
)
def test_is_percent_format(code, percent):
    assert is_percent_format(code) is percent


def _openpyxl_book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    for ref, value, code in [
        ("E8", 0.95, "0%"),
        ("E9", 0.5, "0.00%"),
        ("E10", 0.95, "General"),
        ("E11", 12, "0.0%;[Red]-0.0%"),
        ("E12", "95%", "0%"),  # text that looks like a percentage: not a number
        ("F8", 1, '"%"0'),  # a quoted % shows "%1": no percentage
    ]:
        ws[ref] = value
        ws[ref].number_format = code
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = 0.5
    hidden["A1"].number_format = "0%"
    hidden.sheet_state = "hidden"
    very = wb.create_sheet("深度隐藏")
    very["A1"] = "x"
    very.sheet_state = "veryHidden"
    wb.save(path)
    return path


def test_percent_cells_of_an_xlsx_written_by_openpyxl(tmp_path):
    grids = {grid.sheet: grid for grid in read_workbook(_openpyxl_book(tmp_path / "p.xlsx")).grids}
    grid = grids["表"]
    assert grid.percent == {(8, 5), (9, 5), (11, 5)}
    assert grid.value(8, 5) == 0.95 and grid.value(11, 5) == 12  # the values themselves are unchanged
    assert grids["隐藏"].percent == {(1, 1)}


def test_visibility_of_each_sheet(tmp_path):
    grids = read_workbook(_openpyxl_book(tmp_path / "p.xlsx")).grids
    assert [(g.sheet, g.visibility) for g in grids] == [
        ("表", "visible"),
        ("隐藏", "hidden"),
        ("深度隐藏", "veryHidden"),
    ]


STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{MAIN}">'
    '<numFmts count="4"><numFmt numFmtId="164" formatCode="0.0%"/>'
    '<numFmt numFmtId="165" formatCode="&quot;%&quot;0"/>'
    "<numFmt numFmtId='166' formatCode='0\\%'/>"
    '<numFmt numFmtId="167" formatCode="[&gt;=1]0%;0.00"/></numFmts>'
    # cell *style* formats and differential formats are not what a cell's `s` points to
    '<cellStyleXfs count="2"><xf numFmtId="0"/><xf numFmtId="9"/></cellStyleXfs>'
    '<cellXfs count="7"><xf numFmtId="0" xfId="1"/><xf numFmtId="9" applyNumberFormat="1"/>'
    '<xf numFmtId="164"><alignment horizontal="center"/></xf><xf numFmtId="165"/><xf numFmtId="166"/>'
    '<xf numFmtId="10"/><xf numFmtId="167"/></cellXfs>'
    '<dxfs count="1"><dxf><numFmt numFmtId="9" formatCode="0%"/></dxf></dxfs>'
    "</styleSheet>"
)


def test_percent_cells_of_a_hand_written_xlsx(tmp_path):
    data = (
        '<row r="1"><c r="A1" s="1"><v>0.95</v></c><c r="B1" s="1" t="n"><v>0.5</v></c>'
        '<c r="C1" s="2"><f>A1/2</f><v>0.475</v></c><c r="D1" s="5"><v>0.1234</v></c>'
        '<c r="E1" s="6"><v>1.2</v></c></row>'
        '<row r="2"><c r="A2" s="1" t="s"><v>0</v></c><c r="B2" s="1" t="str"><f>"95%"</f><v>95%</v></c>'
        '<c r="C2" s="1" t="b"><v>1</v></c><c r="D2" s="1" t="e"><v>#DIV/0!</v></c>'
        '<c r="E2" s="1" t="inlineStr"><is><t>0.5</t></is></c><c r="F2" s="1"/></row>'
        '<row r="3"><c r="A3" s="3"><v>1</v></c><c r="B3" s="4"><v>1</v></c><c r="C3" s="0"><v>0.9</v></c>'
        '<c r="D3"><v>0.9</v></c><c r="E3" s="11"><v>0.9</v></c></row>'
        # another writer: attributes in another order and single quotes
        "<row r='4'><c s='1' r='B4'><v>0.25</v></c></row>"
    )
    path = write_xlsx(
        tmp_path / "hand.xlsx",
        {"表": sheet_xml(data=data)},
        shared_strings=shared_strings_xml(["95%"]),
        extra=[("xl/styles.xml", STYLES)],
    )
    (grid,) = read_workbook(path).grids
    assert grid.percent == {(1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (4, 2)}
    assert grid.value(2, 1) == "95%" and grid.value(1, 3) == 0.475


def test_a_book_without_styles_has_no_percent_cells(tmp_path):
    path = write_xlsx(tmp_path / "plain.xlsx", {"表": sheet_xml([[0.95, "95%"]])})
    (grid,) = read_workbook(path).grids
    assert grid.percent == frozenset() and grid.visibility == "visible"


def test_a_million_percent_cells_are_recorded_up_to_the_cap(tmp_path):
    """A sheet of 1,000,000 percent-formatted numbers is read; only MAX_PERCENT_CELLS of them are kept."""
    path = tmp_path / "million.xlsx"
    styles = f'<styleSheet xmlns="{MAIN}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="9"/></cellXfs></styleSheet>'
    head, tail = sheet_xml(data="|").split("|")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        _package_frame(package, ["表"])
        package.writestr("xl/styles.xml", styles)
        with package.open("xl/worksheets/sheet1.xml", "w") as stream:
            stream.write(head.encode())
            for start in range(1, 1_000_001, 50_000):
                cells = (
                    f'<row r="{row}"><c r="A{row}" s="1"><v>0.5</v></c></row>'
                    for row in range(start, start + 50_000)
                )
                stream.write("".join(cells).encode())
            stream.write(tail.encode())
    (grid,) = read_workbook(path).grids
    assert len(grid.rows) == 1_000_000
    assert len(grid.percent) == MAX_PERCENT_CELLS
    assert (1, 1) in grid.percent and (MAX_PERCENT_CELLS, 1) in grid.percent
    assert (MAX_PERCENT_CELLS + 1, 1) not in grid.percent


def test_ods_percentage_cells_and_hidden_tables(tmp_path):
    percent = '<table:table-cell office:value-type="percentage" office:value="{}"><text:p>%</text:p></table:table-cell>'
    number = (
        '<table:table-cell office:value-type="float" office:value="{}"><text:p>n</text:p></table:table-cell>'
    )
    tables = (
        '<table:table table:name="表">'
        f"<table:table-row><table:table-cell/>{percent.format(0.95)}{number.format(0.95)}</table:table-row>"
        '<table:table-row table:number-rows-repeated="2">'
        '<table:table-cell office:value-type="percentage" office:value="0.5" table:number-columns-repeated="2">'
        "<text:p>50%</text:p></table:table-cell></table:table-row>"
        '<table:table-row><table:table-cell office:value-type="string"><text:p>95%</text:p></table:table-cell>'
        "</table:table-row></table:table>"
        f'<table:table table:name="藏" table:style-name="{HIDDEN_ODS_STYLE}"><table:table-row>{percent.format(0.8)}'
        "</table:table-row></table:table>"
    )
    grids = read_workbook(write_ods(tmp_path / "p.ods", tables, hidden_style=True)).grids
    assert [(g.sheet, g.visibility) for g in grids] == [("表", "visible"), ("藏", "hidden")]
    assert grids[0].percent == {(1, 2), (2, 1), (2, 2), (3, 1), (3, 2)}
    assert grids[0].value(1, 2) == 0.95 and grids[0].value(2, 2) == 0.5
    assert grids[1].percent == {(1, 1)}


def test_percent_candidates_are_small_nonzero_numbers():
    rows = [[0.95, 95, 0, "0.5", True], [None, -1.2, 10, 10.5, 1]]
    assert percent_candidates(rows, (3, 2)) == [(3, 2), (4, 3), (4, 4), (4, 6)]
    assert percent_candidates(rows, (1, 1), limit=2) == [(1, 1), (2, 2)]


@pytest.mark.parametrize("client", ["Office.js", "VBA"])
def test_excel_remote_engine_reads_visibility_where_the_client_sends_it(tmp_path, client):
    """The remote engine cannot read number formats (no percent cells); visibility only from Office.js."""
    book = xw.Book(json=payload_from_xlsx(_openpyxl_book(tmp_path / "p.xlsx"), client=client))
    try:
        grids = [read_grid(sheet) for sheet in book.sheets]
    finally:
        book.close()
    expected = ["visible", "hidden", "veryHidden"] if client == "Office.js" else ["visible"] * 3
    assert [g.visibility for g in grids] == expected
    assert all(g.percent == frozenset() for g in grids)
    assert grids[0].value(8, 5) == 0.95
