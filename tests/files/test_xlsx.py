"""The file host: annotated copies and clearing them, read back from real files with openpyxl."""

from __future__ import annotations

import hashlib
import posixpath
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import bad_files
import openpyxl
import pytest
import xlwings
from conftest import ONE_SHEET, THREE_SHEETS
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.cell_range import CellRange

from perfgoals_xl.core.grid import Grid, address
from perfgoals_xl.core.marks import (
    FILL_COLORS,
    MARKER,
    NOTE_PREFIX,
    RESULT_HEADER,
    RESULTS_SHEET,
    Note,
    is_registry_name,
    link_target,
    parse_refers_to,
)
from perfgoals_xl.files.read import read_workbook
from perfgoals_xl.files.write import WriteError, annotate, clear, plan_for, save, style
from perfgoals_xl.pipeline import check_workbook

CHECKED_AT = datetime(2026, 3, 1, 9, 30)
SAMPLES = [ONE_SHEET, THREE_SHEETS]
XLSM_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def annotated(src: Path, dst: Path, **kwargs: Any) -> Path:
    workbook, result = check_workbook(src)
    assert workbook is not None and result.error is None, result.error
    return annotate(src, dst, plan_for(workbook, result, checked_at=CHECKED_AT), workbook.grids, **kwargs)


def argb(color: str) -> str:
    return "FF" + color.lstrip("#").upper()


def marker_rules(path: Path) -> list[tuple[str, str, list[str]]]:
    """(sheet, fill colour, ranges) of every conditional-format rule carrying our marker."""
    book = openpyxl.load_workbook(path)
    found = []
    for ws in book.worksheets:
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                if any(MARKER in f for f in rule.formula):
                    fill = rule.dxf.fill  # solid for an error, dotted for a warning (a grey print keeps it)
                    severity = next(s for s, c in FILL_COLORS.items() if argb(c) == fill.bgColor.rgb)
                    assert fill == style.marker_fill(type(fill), severity)
                    found.append((ws.title, fill.bgColor.rgb, sorted(str(r) for r in cf.sqref.ranges)))
    return found


def marks(path: Path) -> dict[str, Any]:
    """Everything of ours in a file, comparable between two files (the summary line's file name aside)."""
    book = openpyxl.load_workbook(path)
    notes = {
        (ws.title, cell.coordinate): cell.comment.text
        for ws in book.worksheets
        for cell in ws._cells.values()
        if cell.comment is not None and cell.comment.text.startswith(NOTE_PREFIX)
    }
    names = {
        name: (definition.attr_text, definition.hidden)
        for name, definition in book.defined_names.items()
        if is_registry_name(name)
    }
    results = [list(r) for r in book[RESULTS_SHEET].iter_rows(min_row=2, values_only=True)]
    links = [c.hyperlink.location for c in book[RESULTS_SHEET]["E"][2:]]
    return {"rules": marker_rules(path), "notes": notes, "names": names, "results": results, "links": links}


def snapshot(path: Path) -> dict[str, Any]:
    """Cell by cell: value, fill, font, border, alignment, number format, note; merges; the user's CF rules."""
    book = openpyxl.load_workbook(path)
    sheets = {}
    for ws in book.worksheets:
        cells = {
            cell.coordinate: (
                cell.value,
                repr(cell.fill),
                repr(cell.font),
                repr(cell.border),
                repr(cell.alignment),
                cell.number_format,
                (cell.comment.text, cell.comment.author) if cell.comment else None,
            )
            for row in ws.iter_rows(min_row=1, max_row=ws.max_row + 2, max_col=ws.max_column + 2)
            for cell in row
        }
        rules = [
            (str(cf.sqref), rule.type, rule.operator, rule.formula, repr(rule.dxf), rule.priority)
            for cf in ws.conditional_formatting
            for rule in cf.rules
        ]
        names = {name: d.attr_text for name, d in ws.defined_names.items()}
        sheets[ws.title] = (cells, sorted(str(m) for m in ws.merged_cells.ranges), rules, names)
    names = {name: (d.attr_text, d.hidden) for name, d in book.defined_names.items()}
    return {
        "sheets": sheets,
        "order": book.sheetnames,
        "names": names,
        "dxfs": len(book._differential_styles.styles),
    }


# --- the marks on the samples -----------------------------------------------------------------------------


@pytest.mark.parametrize("src", SAMPLES, ids=lambda p: p.stem)
def test_annotated_sample_shows_every_finding(src: Path, tmp_path: Path) -> None:
    before = digest(src)
    workbook, result = check_workbook(src)
    out = annotated(src, tmp_path / "out.xlsx")
    assert digest(src) == before
    book = openpyxl.load_workbook(out)
    grids = {grid.sheet: grid for grid in workbook.grids}
    marked = [f for f in result.findings if f.severity != "info"]
    assert marked and any(f.severity == "error" for f in marked)

    # every error/warning row is filled across its table's columns, in the colour of its worst finding
    rules = marker_rules(out)
    error_rows = {(f.sheet, f.row) for f in marked if f.severity == "error"}
    assert len(rules) == len({(f.sheet, f.severity) for f in marked})  # one rule per sheet and severity
    for finding in marked:
        table = next(
            t for t in result.tables if t.sheet == finding.sheet and t.top <= finding.row <= t.bottom
        )
        worst = "error" if (finding.sheet, finding.row) in error_rows else "warning"
        covering = [
            (color, rng)
            for sheet, color, ranges in rules
            if sheet == finding.sheet
            for rng in ranges
            if CellRange(rng).min_row <= finding.row <= CellRange(rng).max_row
        ]
        assert len(covering) == 1, finding
        color, rng = covering[0]
        assert color == argb(FILL_COLORS[worst])
        span = CellRange(rng)
        assert (span.min_col, span.max_col) == (table.left, table.right)

    # every finding has a note at its cell (the top-left cell of a merged range)
    for finding in marked:
        row, col = grids[finding.sheet].anchor(finding.row, finding.col)
        comment = book[finding.sheet].cell(row=row, column=col).comment
        assert comment is not None and comment.text.startswith(NOTE_PREFIX), finding
        assert f"{finding.rule}：{finding.message}" in comment.text
        assert comment.author == style.NOTE_AUTHOR

    # the results sheet: the summary line, the header, one linked row per finding (infos included)
    ws = book[RESULTS_SHEET]
    assert book.sheetnames[-1] == RESULTS_SHEET and book.active.title == book.sheetnames[0]
    summary = ws["A1"].value
    for text in (
        "校验时间：2026-03-01 09:30",
        f"文件：{src.name}",
        f"表：{len(result.tables)} 张",
        f"错误：{result.count('error')} 条",
        f"警告：{result.count('warning')} 条",
    ):
        assert text in summary
    assert "A1:F1" in {str(m) for m in ws.merged_cells.ranges}
    assert tuple(c.value for c in ws[2]) == RESULT_HEADER and all(c.font.b for c in ws[2])
    rows = list(ws.iter_rows(min_row=3))
    assert len(rows) == len(result.findings)
    listed = {(r[2].value, r[3].value, r[4].value, r[5].value): r for r in rows}
    for finding in result.findings:
        row = listed[(finding.rule, finding.sheet, finding.cell, finding.message)]
        assert row[4].hyperlink.location == link_target(finding.sheet, finding.cell)[1:]
        assert row[4].hyperlink.target is None  # internal: no relationship to an outside file
        tinted = row[0].fill.fgColor.rgb if row[0].fill.fill_type == "solid" else None
        assert tinted == style.ROW_TINTS.get(finding.severity)
    assert ws.freeze_panes == "A3" and ws["F3"].alignment.wrap_text
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage

    # the registry: hidden names that parse back to exactly the marked areas and the noted cells
    names = {n: d for n, d in book.defined_names.items() if is_registry_name(n)}
    assert names and all(d.hidden for d in names.values())
    areas = {
        a for n, d in names.items() if n.startswith("_pg_marks") for a in parse_refers_to("=" + d.attr_text)
    }
    assert areas == {(sheet, rng) for sheet, _, ranges in rules for rng in ranges}
    noted = {
        a for n, d in names.items() if n.startswith("_pg_notes") for a in parse_refers_to("=" + d.attr_text)
    }
    assert noted == {
        (ws_.title, f"{c.coordinate}:{c.coordinate}")
        for ws_ in book.worksheets
        for c in ws_._cells.values()
        if c.comment is not None
    }


def test_info_findings_are_listed_but_not_marked(tmp_path: Path) -> None:
    _, result = check_workbook(ONE_SHEET)
    infos = [f for f in result.findings if f.severity == "info"]
    assert infos
    out = annotated(ONE_SHEET, tmp_path / "out.xlsx")
    results = marks(out)["results"]
    assert [r[1] for r in results[1:]][-len(infos) :] == ["提示"] * len(infos)  # infos last


@pytest.mark.parametrize("src", SAMPLES, ids=lambda p: p.stem)
def test_annotating_an_annotated_copy_gives_the_same_marks(src: Path, tmp_path: Path) -> None:
    once = annotated(src, tmp_path / "once.xlsx")
    twice = annotated(once, tmp_path / "twice.xlsx")
    first, second = marks(once), marks(twice)
    assert first["results"][1:] == second["results"][1:] and first["results"][0] == list(RESULT_HEADER)
    for key in ("rules", "notes", "names", "links"):
        assert first[key] == second[key], key
    book = openpyxl.load_workbook(twice)
    assert (
        book.sheetnames.count(RESULTS_SHEET) == 1
        and len(book.sheetnames) == len(openpyxl.load_workbook(src).sheetnames) + 1
    )
    assert snapshot(once)["dxfs"] == snapshot(twice)["dxfs"]


# --- clearing -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("src", SAMPLES, ids=lambda p: p.stem)
def test_clear_restores_the_original_cell_by_cell(src: Path, tmp_path: Path) -> None:
    out = annotated(src, tmp_path / "annotated.xlsx")
    before = digest(out)
    report = clear(out, tmp_path / "cleared.xlsx")
    assert digest(out) == before
    assert report.path == tmp_path / "cleared.xlsx" and report.sheets == 1 and report.rules >= 2
    assert report.notes == len(marks(out)["notes"]) and report.names == len(marks(out)["names"])
    assert "已清除" in report.message and "cleared.xlsx" in report.message
    assert snapshot(report.path) == snapshot(src)


def test_clear_on_a_file_without_marks_writes_nothing(tmp_path: Path) -> None:
    report = clear(ONE_SHEET, tmp_path / "cleared.xlsx")
    assert report.path is None and report.total == 0
    assert report.message == f"文件“{ONE_SHEET.name}”中没有绩效校验标记，无需清除，未写出新文件。"
    assert not (tmp_path / "cleared.xlsx").exists()


def users_workbook(tmp_path: Path) -> Path:
    """The one-sheet sample with the user's own fill, CF rule, notes (one on an offending cell) and names."""
    book = openpyxl.load_workbook(ONE_SHEET)
    ws = book.active
    ws["C68"].fill = PatternFill(fill_type="solid", fgColor="FF00B0F0")  # on an offending row
    ws["A1"].fill = PatternFill(fill_type="solid", fgColor="FF92D050")
    ws.conditional_formatting.add(
        "E60:E76", CellIsRule(operator="lessThan", formula=["1"], font=Font(color="FF0000FF"))
    )
    ws["E68"].comment = Comment("请核实：0.5 条？", "张三")  # where V05 would put its note
    ws["A2"].comment = Comment("填报说明", "张三")
    book.defined_names["项目金额"] = DefinedName("项目金额", attr_text="'绩效目标表'!$C$6")
    ws.defined_names["本表指标"] = DefinedName("本表指标", attr_text="'绩效目标表'!$C$15:$C$25")
    path = tmp_path / "用户.xlsx"
    book.save(path)
    return path


def test_users_own_marks_survive_annotate_and_clear(tmp_path: Path) -> None:
    src = users_workbook(tmp_path)
    out = annotated(src, tmp_path / "annotated.xlsx")
    book = openpyxl.load_workbook(out)
    ws = book["绩效目标表"]
    assert ws["E68"].comment.text == "请核实：0.5 条？" and ws["E68"].comment.author == "张三"
    assert ws["A2"].comment.text == "填报说明"
    assert ws["C68"].fill.fgColor.rgb == "FF00B0F0" and ws["A1"].fill.fgColor.rgb == "FF92D050"
    assert ws["D68"].comment.text.startswith(NOTE_PREFIX)  # the other findings of that row still get notes
    noted = {
        a
        for n, d in book.defined_names.items()
        if n.startswith("_pg_notes")
        for a in parse_refers_to("=" + d.attr_text)
    }
    assert ("绩效目标表", "E68:E68") not in noted and ("绩效目标表", "D68:D68") in noted
    assert any(r[2:5] == ["V05", "绩效目标表", "E68"] for r in marks(out)["results"])  # still listed
    user_rules = [
        r for cf in ws.conditional_formatting for r in cf.rules if not any(MARKER in f for f in r.formula)
    ]
    assert len(user_rules) == 1 and user_rules[0].priority < min(
        r.priority
        for cf in ws.conditional_formatting
        for r in cf.rules
        if any(MARKER in f for f in r.formula)
    )
    assert book.defined_names["项目金额"].attr_text == "'绩效目标表'!$C$6"
    assert ws.defined_names["本表指标"].attr_text == "'绩效目标表'!$C$15:$C$25"

    report = clear(out, tmp_path / "cleared.xlsx")
    assert snapshot(report.path) == snapshot(src)


def test_clear_removes_our_notes_even_when_the_registry_is_gone(tmp_path: Path) -> None:
    out = annotated(ONE_SHEET, tmp_path / "annotated.xlsx")
    book = openpyxl.load_workbook(out)
    for name in [n for n in book.defined_names if n.startswith("_pg_notes")]:
        del book.defined_names[name]
    book.save(tmp_path / "no-registry.xlsx")
    report = clear(tmp_path / "no-registry.xlsx", tmp_path / "cleared.xlsx")
    assert report.notes == len(marks(out)["notes"])
    assert snapshot(report.path) == snapshot(ONE_SHEET)


def test_a_users_sheet_called_like_ours_is_kept(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(ONE_SHEET)
    book.create_sheet(RESULTS_SHEET)["A1"] = "我自己的记录"
    src = tmp_path / "own-results.xlsx"
    book.save(src)
    out = annotated(src, tmp_path / "annotated.xlsx")
    assert openpyxl.load_workbook(out).sheetnames == ["绩效目标表", RESULTS_SHEET, f"{RESULTS_SHEET}(2)"]
    report = clear(out, tmp_path / "cleared.xlsx")
    assert report.sheets == 1 and snapshot(report.path) == snapshot(src)


# --- refusals and errors ----------------------------------------------------------------------------------


def test_existing_output_is_not_overwritten_without_force(tmp_path: Path) -> None:
    dst = tmp_path / "out.xlsx"
    dst.write_bytes(b"keep me")
    with pytest.raises(WriteError, match="已存在") as caught:
        annotated(ONE_SHEET, dst)
    assert str(dst) in caught.value.message and "--force" in caught.value.message
    assert dst.read_bytes() == b"keep me"
    with pytest.raises(WriteError, match="已存在"):
        clear(annotated(ONE_SHEET, tmp_path / "a.xlsx"), dst)
    assert annotated(ONE_SHEET, dst, force=True) == dst and marker_rules(dst)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~")]  # no temporary file left behind


def test_the_source_is_never_the_output(tmp_path: Path) -> None:
    src = tmp_path / "表.xlsx"
    shutil.copy(ONE_SHEET, src)
    before = digest(src)
    with pytest.raises(WriteError, match="就是原文件"):
        annotated(src, src, force=True)
    out = annotated(src, tmp_path / "annotated.xlsx")
    with pytest.raises(WriteError, match="就是原文件"):
        clear(out, out, force=True)
    assert digest(src) == before


def test_a_missing_output_folder_is_created(tmp_path: Path) -> None:
    assert annotated(ONE_SHEET, tmp_path / "没有" / "更深" / "out.xlsx").is_file()


def test_an_output_folder_that_cannot_be_made_is_named(tmp_path: Path) -> None:
    (tmp_path / "文件").write_text("", encoding="utf-8")  # a file where the folder should be
    with pytest.raises(WriteError) as caught:
        annotated(ONE_SHEET, tmp_path / "文件" / "out.xlsx")
    assert "无法创建输出文件夹" in caught.value.message and "文件" in caught.value.message


def test_permission_denied_is_a_chinese_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(*_args: Any, **_kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(save.tempfile, "mkstemp", denied)
    with pytest.raises(WriteError) as caught:
        annotated(ONE_SHEET, tmp_path / "out.xlsx")
    assert "没有写入权限" in caught.value.message and "out.xlsx" in caught.value.message


def test_a_file_openpyxl_cannot_open_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "坏表.xlsx"
    with zipfile.ZipFile(broken, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.xml", "<not-a-workbook")
    with pytest.raises(WriteError) as caught:
        clear(broken, tmp_path / "out.xlsx")
    assert "坏表.xlsx" in caught.value.message and "openpyxl" in caught.value.message
    with pytest.raises(WriteError, match=r"不是 \.xlsx/\.xlsm"):
        clear(tmp_path / "表.ods", tmp_path / "out.xlsx")


# --- other formats -------------------------------------------------------------------------------------------


def make_xlsm(src: Path, dst: Path) -> bytes:
    """An .xlsm: the package of `src` plus the real VBA project of xlwings' add-in; returns the VBA bytes."""
    with zipfile.ZipFile(Path(xlwings.__file__).parent / "addin" / "xlwings.xlam") as addin:
        vba = addin.read("xl/vbaProject.bin")
    with zipfile.ZipFile(src) as package, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info in package.infolist():
            data = package.read(info)
            if info.filename == "[Content_Types].xml":
                text = data.decode()
                text = text.replace(XLSX_TYPE, XLSM_TYPE)
                text = text.replace(
                    "<Default ",
                    '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default ',
                    1,
                )
                data = text.encode()
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/'
                    b'vbaProject" Target="vbaProject.bin"/></Relationships>',
                )
            out.writestr(info, data)
        out.writestr("xl/vbaProject.bin", vba)
    return vba


def assert_package_is_whole(path: Path) -> None:
    """Every part a relationship points at is in the package (a dangling one makes Excel repair the file)."""
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        for rels in (n for n in names if n.endswith(".rels")):
            base = rels.split("_rels/")[0]  # xl/worksheets/_rels/sheet1.xml.rels → xl/worksheets/
            for target, mode in re.findall(
                r'Target="([^"]+)"(?: TargetMode="(\w+)")?', package.read(rels).decode()
            ):
                if mode == "External":
                    continue
                part = target[1:] if target.startswith("/") else posixpath.normpath(base + target)
                assert part in names, (rels, target)


def test_xlsm_keeps_its_macros(tmp_path: Path) -> None:
    src = tmp_path / "宏.xlsm"
    vba = make_xlsm(ONE_SHEET, src)
    before = digest(src)
    out = annotated(src, tmp_path / "宏_校验.xlsx")  # the suffix follows the source
    assert out == tmp_path / "宏_校验.xlsm" and digest(src) == before
    for path in (out, clear(out, tmp_path / "cleared.xlsm").path):
        with zipfile.ZipFile(path) as package:
            assert package.read("xl/vbaProject.bin") == vba
            assert XLSM_TYPE in package.read("[Content_Types].xml").decode()
            assert "vbaProject.bin" in package.read("xl/_rels/workbook.xml.rels").decode()
        assert_package_is_whole(path)
        _, result = check_workbook(path)
        assert result.error is None and len(result.tables) == 3
    assert marks(out)["notes"] and snapshot(tmp_path / "cleared.xlsm")["sheets"] == snapshot(src)["sheets"]


def write_ods(path: Path, grids: list[Grid]) -> Path:
    """A real OpenDocument spreadsheet of these values and merges, written by hand (no LibreOffice needed)."""
    tables = []
    for grid in grids:
        rows = []
        for row in range(1, grid.last_row + 1):
            cells = []
            for col in range(1, grid.last_col + 1):
                merged = grid.merge_at(row, col)
                if merged is not None and (merged.top, merged.left) != (row, col):
                    cells.append("<table:covered-table-cell/>")
                    continue
                span = (
                    f' table:number-columns-spanned="{merged.right - merged.left + 1}"'
                    f' table:number-rows-spanned="{merged.bottom - merged.top + 1}"'
                    if merged
                    else ""
                )
                value = grid.value(row, col)
                if value is None:
                    cells.append(f"<table:table-cell{span}/>")
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    cells.append(
                        f'<table:table-cell{span} office:value-type="float" office:value="{value}">'
                        f"<text:p>{value}</text:p></table:table-cell>"
                    )
                else:
                    text = "".join(f"<text:p>{escape(line)}</text:p>" for line in str(value).split("\n"))
                    cells.append(
                        f'<table:table-cell{span} office:value-type="string">{text}</table:table-cell>'
                    )
            rows.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
        tables.append(f"<table:table table:name={quoteattr(grid.sheet)}>{''.join(rows)}</table:table>")
    return bad_files.write_ods(path, "".join(tables))


def test_ods_is_annotated_as_an_xlsx_copy(tmp_path: Path) -> None:
    grids = read_workbook(THREE_SHEETS).grids
    renamed = [Grid(sheet=g.sheet.replace("资金", "资金/2026"), rows=g.rows, origin=g.origin) for g in grids]
    src = write_ods(tmp_path / "报送.ods", renamed)  # "/" is allowed in an .ods sheet name, not in Excel
    before = digest(src)
    workbook, result = check_workbook(src)
    assert result.error is None and len(result.tables) == 3
    out = annotate(
        src, tmp_path / "报送_校验.ods", plan_for(workbook, result, checked_at=CHECKED_AT), workbook.grids
    )
    assert out == tmp_path / "报送_校验.xlsx" and digest(src) == before
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["金融处非专项", "援助泸溪资金_2026", "部门整体", RESULTS_SHEET]
    for grid, ws in zip(workbook.grids, book.worksheets, strict=False):
        for row in range(grid.first_row, grid.last_row + 1):
            for col in range(grid.first_col, grid.last_col + 1):
                assert ws.cell(row=row, column=col).value == grid.value(row, col), address(row, col)
    found = marks(out)
    assert {sheet for sheet, _, _ in found["rules"]} == {"金融处非专项", "援助泸溪资金_2026", "部门整体"}
    assert ("援助泸溪资金_2026", "A25") in found["notes"]  # H09 on the shifted label
    assert "'援助泸溪资金_2026'!A25" in found["links"]
    assert len(found["results"]) == len(result.findings) + 1


def test_ods_copy_keeps_merges_from_the_grids(tmp_path: Path) -> None:
    grids = read_workbook(THREE_SHEETS).grids  # .xlsx Grids carry merges (calamine reads none from .ods)
    workbook, result = check_workbook(THREE_SHEETS)
    out = annotate(
        write_ods(tmp_path / "报送.ods", grids),
        tmp_path / "copy.xlsx",
        plan_for(workbook, result, checked_at=CHECKED_AT),
        grids,
    )
    book = openpyxl.load_workbook(out)
    for grid in grids:
        assert sorted(str(m) for m in book[grid.sheet].merged_cells.ranges) == sorted(
            m.ref for m in grid.merges
        )
        assert book[grid.sheet]["A3"].value == grid.value(3, 1)


# --- import cost -----------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_check_without_annotate_never_imports_openpyxl() -> None:
    code = (
        "import sys\n"
        "from perfgoals_xl.cli.main import main\n"
        "import perfgoals_xl.files.write\n"
        "assert 'openpyxl' not in sys.modules, 'import'\n"
        "try:\n"
        f"    main(['check', {str(ONE_SHEET)!r}, '--format', 'json'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 1, exc.code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'openpyxl'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_a_note_inside_a_merged_range_goes_to_its_top_left_cell(tmp_path: Path) -> None:
    workbook, result = check_workbook(ONE_SHEET)
    plan = plan_for(workbook, result, checked_at=CHECKED_AT)
    inside = Note(
        sheet="绩效目标表", row=12, col=6, text=f"{NOTE_PREFIX}\n警告 X01：合并单元格中间"
    )  # D12:H12
    out = annotate(ONE_SHEET, tmp_path / "out.xlsx", replace(plan, notes=[inside]), workbook.grids)
    book = openpyxl.load_workbook(out)
    assert book["绩效目标表"]["D12"].comment.text == inside.text
    (notes,) = [d.attr_text for n, d in book.defined_names.items() if n.startswith("_pg_notes")]
    assert parse_refers_to("=" + notes) == [("绩效目标表", "D12:D12")]


def test_clearing_when_the_results_sheet_was_active_selects_the_first_sheet(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(annotated(THREE_SHEETS, tmp_path / "annotated.xlsx"))
    for ws in book.worksheets:
        ws.sheet_view.tabSelected = ws.title == RESULTS_SHEET
    book.active = book[RESULTS_SHEET]  # the user looked at the results and saved
    book.save(tmp_path / "saved.xlsx")
    cleared = openpyxl.load_workbook(clear(tmp_path / "saved.xlsx", tmp_path / "cleared.xlsx").path)
    assert cleared.active.title == "金融处非专项" and cleared.active.sheet_view.tabSelected
    assert [ws.sheet_view.tabSelected for ws in cleared.worksheets] == [True, False, False]


def test_clear_empties_the_totals_that_were_computed_into_empty_cells(tmp_path: Path) -> None:
    """Like the Excel host: 计算合计 records the cells it filled in `_pg_values_*`; clearing empties them."""
    book = openpyxl.load_workbook(THREE_SHEETS)
    book["部门整体"]["B16"] = None
    original = tmp_path / "blank-total.xlsx"
    book.save(original)
    book["部门整体"]["B16"] = 949.134
    book["部门整体"]["B16"].comment = Comment(f"{NOTE_PREFIX}\n合计：一般公共预算 949.134", "绩效校验")
    book.defined_names["_pg_values_1"] = DefinedName(
        "_pg_values_1", attr_text="'部门整体'!$B$16", hidden=True
    )
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    report = clear(filled, tmp_path / "cleared.xlsx")
    assert (report.values, report.notes, report.names) == (1, 1, 1)
    assert "计算填入的合计 1 个" in report.message
    assert snapshot(report.path) == snapshot(original)
