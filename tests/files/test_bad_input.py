"""Bad input: no file, however broken, unusual or hostile, crashes the tool, hangs it or changes the input.

Each case is a real file written into a folder whose name has Chinese characters, spaces and `&`. A file that
cannot be checked ends in a Chinese message naming it (and the sheet and cell where known) with exit code 2,
while the other files of the same run are still checked; an unusual but readable file is simply checked.
Cases that would take the process down without the guards of perfgoals_xl/files.py (calamine aborts on a
cell at XFD1048576, a huge shared-strings count, a million repeated .ods rows) run the command line in a
child process under a memory limit (RLIMIT_AS) and a timeout. Every input's hash is the same afterwards.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import resource
import subprocess
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import bad_files as bf
import pytest
from cli_process import run_cli as run_process
from conftest import THREE_SHEETS

from perfgoals_xl.files.errors import ReadError
from perfgoals_xl.files.precheck.limits import MAX_SHEET_CELLS
from perfgoals_xl.files.read import read_workbook
from perfgoals_xl.pipeline import check_file

CHILD_MEMORY = 1536 << 20  # bytes of address space for a child run: far below what the bombs would take
CHILD_TIMEOUT = 120  # seconds; every case finishes in a few
FOLDER = "报送 文件 & 附件"


@dataclass(frozen=True)
class Case:
    """One file: how it is built and what the check must say (code None: readable, tables expected)."""

    name: str
    build: Callable[[Path], Path]
    code: str | None
    words: tuple[str, ...] = ()
    dangerous: bool = False  # would crash or exhaust the process without the precheck: child process only


def _text(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def _seed_with(edits: dict[tuple[int, int], object]) -> tuple[list[list[object]], list[str]]:
    rows, merges = bf.seed_table()
    for (row, col), value in edits.items():
        while len(rows) < row:
            rows.append([])
        line = rows[row - 1]
        while len(line) < col:
            line.append(None)
        line[col - 1] = value
    return rows, merges


def _seed_xlsx(path: Path, edits: dict[tuple[int, int], object] | None = None, sheet: str = "项目表") -> Path:
    rows, merges = _seed_with(edits or {})
    return bf.write_xlsx(path, {sheet: bf.sheet_xml(rows, merges)})


def _formulas(path: Path) -> Path:
    """Formulas saved without results, as openpyxl (and other tools that do not calculate) write them."""
    rows, merges = bf.seed_table()
    body = bf.sheet_xml(rows, merges)
    body = body.replace('<c r="B12"><v>10</v></c>', '<c r="B12"><f>4+6</f><v></v></c>')
    body = body.replace('<c r="E16"><v>4</v></c>', '<c r="E16"><f>2*2</f></c>')
    body = body.replace('<c r="E17"><v>4</v></c>', '<c r="E17" t="str"><f>""</f><v></v></c>')  # a real ""
    return bf.write_xlsx(path, {"公式": body})


def _errors(path: Path) -> Path:
    rows, merges = bf.seed_table()
    body = bf.sheet_xml(rows, merges)
    body = body.replace('<c r="B12"><v>10</v></c>', '<c r="B12" t="e"><f>10/0</f><v>#DIV/0!</v></c>')
    body = body.replace('<c r="E16"><v>4</v></c>', '<c r="E16" t="e"><v>#REF!</v></c>')
    return bf.write_xlsx(path, {"错误值": body})


def _empty_workbook(path: Path) -> Path:
    from openpyxl import Workbook

    Workbook().save(path)
    return path


def _xlsm(path: Path) -> Path:
    import xlwings

    with zipfile.ZipFile(Path(xlwings.__file__).parent / "addin" / "xlwings.xlam") as addin:
        vba = addin.read("xl/vbaProject.bin")
    rows, merges = bf.seed_table()
    return bf.write_xlsx(path, {"宏表": bf.sheet_xml(rows, merges)}, macros=vba)


def _xls(path: Path) -> Path:
    return bf.write_xls(path, {"旧格式": bf.seed_table()})


def _xlsb(path: Path) -> Path:
    rows, _ = bf.seed_table()
    return bf.write_xlsb(path, {"二进制": bf.xlsb_sheet(bf.grid_cells(rows))})


def _ods(path: Path) -> Path:
    rows, _ = bf.seed_table()
    return bf.write_ods(path, bf.ods_table("开放格式", rows))


def _cut_off(path: Path) -> Path:
    """The table ends in the middle of its indicator block (rows 19 on are gone, a merge hangs over)."""
    rows, merges = bf.seed_table()
    return bf.write_xlsx(path, {"截断": bf.sheet_xml(rows[:18], merges)})


def _crossing_merges(path: Path) -> Path:
    """Two tables one under the other, with merges reaching from the first into the second's title."""
    rows, merges = bf.seed_table()
    second = [list(row) for row in rows[2:]]
    crossing = ["A24:H30", "B20:C28", "D25:D60"]
    return bf.write_xlsx(path, {"跨表合并": bf.sheet_xml([*rows, [], *second], merges + crossing)})


def _control_characters(path: Path) -> Path:
    return _seed_xlsx(
        path, {(16, 4): "排查\x1b[31m整治\x07", (17, 4): "宣传_x0007_预警", (14, 2): "开展\x0b工作"}
    )


def _long_strings(path: Path) -> Path:
    return _seed_xlsx(path, {(14, 2): "长" * 32_767, (16, 4): "x" * 32_767, (17, 4): "指标" * 16_000})


def _sixteen_thousand_columns(path: Path) -> Path:
    rows, merges = bf.seed_table()
    wide = [*rows, [], [f"列{i}" for i in range(1, 16_385)]]
    return bf.write_xlsx(path, {"宽表": bf.sheet_xml(wide, merges)})


def _hostile_sheet(path: Path, doctype: str, entity: str) -> Path:
    rows, merges = bf.seed_table()
    body = bf.sheet_xml(rows, merges, doctype=doctype).replace("金融处非专项</t>", f"{entity}</t>", 1)
    return bf.write_xlsx(path, {"表1": body})


def _hostile_strings(path: Path, doctype: str, entity: str) -> Path:
    data = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return bf.write_xlsx(
        path,
        {"表1": bf.sheet_xml(data=data)},
        shared_strings=bf.shared_strings_xml([entity], doctype=doctype),
    )


def _hostile_workbook(path: Path, doctype: str, entity: str) -> Path:
    rows, merges = bf.seed_table()
    book = bf.workbook_xml(["表1"], doctype=doctype).replace('name="表1"', f'name="{entity}"')
    return bf.write_xlsx(path, {"表1": bf.sheet_xml(rows, merges)}, workbook=book)


def _zip_bomb(path: Path) -> Path:
    """Honest sizes: a sheet that inflates 1000-fold to 100 MB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        bf._package_frame(package, ["表1"])
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            stream.write(bf.sheet_xml().split("<sheetData>")[0].encode() + b"<sheetData>")
            block = b" " * (1 << 20)
            for _ in range(100):
                stream.write(block)
            stream.write(b"</sheetData></worksheet>")
    return path


def _lying_zip_bomb(path: Path) -> Path:
    """The sheet says 2 kB; it inflates to 200 MB of cells."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        bf._package_frame(package, ["表1"])
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            stream.write(bf.sheet_xml().split("<sheetData>")[0].encode() + b"<sheetData>")
            row = b'<row r="1">' + b'<c r="A1"><v>1</v></c>' * 10_000 + b"</row>"
            for _ in range(1000):
                stream.write(row)
            stream.write(b"</sheetData></worksheet>")
    return bf.lie_about_sizes(path, "xl/worksheets/sheet1.xml", 2048)


def _far_cell(path: Path, column: str = "XFD") -> Path:
    rows, merges = bf.seed_table()
    far = f'<row r="1048576"><c r="{column}1048576"><v>1</v></c></row>'
    return bf.write_xlsx(path, {"远处": bf.sheet_xml(data=bf.rows_xml(rows) + far, merges=merges)})


def _far_cell_without_refs(path: Path) -> Path:
    """No `r` on the cells: 16,385 of them in one row run past the last column."""
    data = "<row>" + "<c><v>1</v></c>" * 16_385 + "</row>"
    return bf.write_xlsx(path, {"无坐标": bf.sheet_xml(data=data)})


def _huge_string_count(path: Path) -> Path:
    data = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    strings = bf.shared_strings_xml(["项目名称"], unique_count=4_000_000_000)
    return bf.write_xlsx(path, {"表1": bf.sheet_xml(data=data)}, shared_strings=strings)


def _whole_sheet_merge(path: Path) -> Path:
    rows, merges = bf.seed_table()
    return bf.write_xlsx(path, {"整表合并": bf.sheet_xml(rows, [*merges, "J1:XFD1048576"])})


def _dimension_only(path: Path) -> Path:
    rows, merges = bf.seed_table()
    body = bf.sheet_xml(rows, merges).replace("<sheetData>", '<dimension ref="A1:XFD1048576"/><sheetData>')
    return bf.write_xlsx(path, {"维度": body})


def _xlsb_far(path: Path) -> Path:
    rows, _ = bf.seed_table()
    cells = {**bf.grid_cells(rows), (1_048_575, 16_383): 1}
    return bf.write_xlsb(path, {"远处": bf.xlsb_sheet(cells, dimension=(0, 30, 0, 8))})  # the dimension lies


def _ods_repeats(path: Path) -> Path:
    row = '<table:table-cell office:value-type="string" table:number-columns-repeated="16384"><text:p>x</text:p>'
    body = f'<table:table table:name="重复"><table:table-row table:number-rows-repeated="100000">{row}'
    return bf.write_ods(path, body + "</table:table-cell></table:table-row></table:table>")


def _xls_far(path: Path) -> Path:
    return bf.write_xls(path, {"远处": bf.seed_table()}, far=(65_535, 255))


CASES = [
    # not a workbook at all
    Case(
        "不是工作簿.xlsx",
        lambda p: _text(p, "这是一段文字，不是表格。".encode()),
        "not_workbook",
        ("不是 Excel 工作簿",),
    ),
    Case("截断.xlsx", lambda p: _text(p, THREE_SHEETS.read_bytes()[:3000]), "corrupt", ("损坏",)),
    Case(
        "网页另存.xls",
        lambda p: _text(p, "<html><body><table><tr><td>项目名称</td></tr></table></body></html>".encode()),
        "not_workbook",
        ("网页或 XML 格式", "另存为 .xlsx"),
    ),
    Case("零字节.xlsx", lambda p: _text(p, b""), "empty_file", ("空文件",)),
    Case("改名的文档.xlsx", bf.write_docx, "not_workbook", ("Word 文档",)),
    Case("加密.xlsx", lambda p: bf.encrypt(_seed_xlsx(p.with_suffix(".plain")), p), "encrypted", ("密码",)),
    Case("加密.xls", lambda p: bf.mark_xls_encrypted(_xls(p)), "encrypted", ("密码",)),
    Case("空工作簿.xlsx", _empty_workbook, "no_table", ("没有找到绩效目标表", "“Sheet”")),
    Case(
        "没有表.xlsx",
        lambda p: bf.write_xlsx(p, {"说明": bf.sheet_xml([["本表无内容"]])}),
        "no_table",
        ("“说明”",),
    ),
    # hostile XML: refused before any parser sees it
    Case(
        "实体膨胀-工作簿.xlsx",
        lambda p: _hostile_workbook(p, bf.LAUGHS, "&lol9;"),
        "corrupt",
        ("DOCTYPE", "xl/workbook.xml"),
    ),
    Case(
        "实体膨胀-工作表.xlsx",
        lambda p: _hostile_sheet(p, bf.LAUGHS, "&lol9;"),
        "corrupt",
        ("DOCTYPE", "工作表“表1”"),
    ),
    Case(
        "实体膨胀-字符串.xlsx",
        lambda p: _hostile_strings(p, bf.LAUGHS, "&lol9;"),
        "corrupt",
        ("DOCTYPE", "sharedStrings"),
    ),
    Case(
        "外部实体-工作簿.xlsx",
        lambda p: _hostile_workbook(p, bf.EXTERNAL, "&xxe;"),
        "corrupt",
        ("外部实体", "xl/workbook.xml"),
    ),
    Case(
        "外部实体-工作表.xlsx",
        lambda p: _hostile_sheet(p, bf.EXTERNAL, "&xxe;"),
        "corrupt",
        ("外部实体", "工作表“表1”"),
    ),
    Case(
        "外部实体-字符串.xlsx",
        lambda p: _hostile_strings(p, bf.EXTERNAL, "&xxe;"),
        "corrupt",
        ("外部实体", "sharedStrings"),
    ),
    Case(
        "实体膨胀-长序言.xlsx",
        lambda p: _hostile_sheet(p, "<!--" + " " * 300_000 + "-->" + bf.LAUGHS, "&lol9;"),
        "corrupt",
        ("DOCTYPE", "工作表“表1”"),
    ),
    Case(
        "实体膨胀.ods",
        lambda p: bf.write_ods(p, bf.ods_table("表", bf.seed_table()[0]), doctype=bf.LAUGHS),
        "corrupt",
        ("DOCTYPE", "content.xml"),
    ),
    # bombs and huge extents: each would abort or exhaust the process without the precheck
    Case("压缩炸弹.xlsx", _zip_bomb, "too_large", ("压缩炸弹",), dangerous=True),
    Case(
        "压缩炸弹-谎报大小.xlsx",
        _lying_zip_bomb,
        "corrupt",
        ("xl/worksheets/sheet1.xml", "压缩炸弹"),
        dangerous=True,
    ),
    Case(
        "千万格.xlsx",
        lambda p: bf.write_tall_xlsx(p, 1_000_000, column=11),
        "too_large",
        ("“明细”", "第 1,000,000 行", "K1000000", "11 列"),
        dangerous=True,
    ),
    Case("最远单元格.xlsx", _far_cell, "too_large", ("“远处”", "XFD1048576"), dangerous=True),
    Case(
        "小写坐标.xlsx", lambda p: _far_cell(p, "xfd"), "too_large", ("“远处”", "XFD1048576"), dangerous=True
    ),
    Case("无坐标.xlsx", _far_cell_without_refs, "corrupt", ("“无坐标”", "16,385 列"), dangerous=True),
    Case("共享字符串数.xlsx", _huge_string_count, "corrupt", ("4,000,000,000",), dangerous=True),
    Case("最远单元格.xlsb", _xlsb_far, "too_large", ("“远处”", "XFD1048576"), dangerous=True),
    Case("重复行.ods", _ods_repeats, "too_large", ("“重复”", "第 100,000 行"), dangerous=True),
    Case("最远单元格.xls", _xls_far, "too_large", ("“远处”", "IV65536"), dangerous=True),
    Case("整表合并.xlsx", _whole_sheet_merge, None, dangerous=True),
    Case("维度到XFD.xlsx", _dimension_only, None, dangerous=True),
    # unusual but readable: checked like any workbook
    Case("旧格式.xls", _xls, None),
    Case("二进制.xlsb", _xlsb, None),
    Case("开放格式.ods", _ods, None),
    Case("带宏.xlsm", _xlsm, None),
    Case("公式未计算.xlsx", _formulas, None),
    Case("错误值.xlsx", _errors, None),
    Case("全角数字.xlsx", lambda p: _seed_xlsx(p, {(12, 2): "１，２３４.５", (16, 5): "４"}), None),
    Case("截断的表.xlsx", _cut_off, None),
    Case("跨表合并.xlsx", _crossing_merges, None),
    Case("控制字符.xlsx", _control_characters, None),
    Case("超长文字.xlsx", _long_strings, None),
    Case("16384列.xlsx", _sixteen_thousand_columns, None),
]
BY_NAME = {case.name: case for case in CASES}
GOOD = "正常 & 完整.xlsx"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Every case written once into a folder named with Chinese, spaces and `&`; their hashes."""
    folder = tmp_path_factory.mktemp("bad") / FOLDER
    folder.mkdir()
    scratch = tmp_path_factory.mktemp("scratch")
    for case in CASES:
        path = case.build(scratch / case.name)
        path.rename(folder / case.name)
    _seed_xlsx(folder / GOOD)
    return folder, {path.name: sha256(path) for path in folder.iterdir()}


def unchanged(folder: Path, hashes: dict[str, str]) -> None:
    assert {path.name: sha256(path) for path in folder.iterdir()} == hashes


def run_cli(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """The command line in a child process with a memory limit and a timeout."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))

    started = time.monotonic()
    result = run_process(*args, timeout=CHILD_TIMEOUT, preexec_fn=limit)
    return result, time.monotonic() - started


def expect(case: Case, entry: dict) -> None:
    """A JSON file entry says what the case must say."""
    name = Path(entry["path"]).name
    if case.code is None:
        assert entry["error"] is None, entry["error"]
        assert entry["tables"], name
        return
    assert entry["error"] is not None, name
    assert entry["error"]["code"] == case.code, entry["error"]
    message = entry["error"]["message"]
    assert name in message, message
    for word in case.words:
        assert word in message, (word, message)


# --- one run over everything ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_one_run_over_every_case_checks_the_good_files_and_names_each_bad_one(corpus):
    folder, hashes = corpus
    result, elapsed = run_cli("check", str(folder), "--format", "json")
    assert result.returncode == 2, result.stderr
    assert elapsed < 60, elapsed
    files = {Path(entry["path"]).name: entry for entry in json.loads(result.stdout)["files"]}
    assert set(files) == set(hashes)
    for name, entry in files.items():
        expect(BY_NAME.get(name, Case(name, _seed_xlsx, None)), entry)
    unchanged(folder, hashes)


@pytest.mark.slow
def test_the_text_report_gives_each_message_in_chinese(corpus):
    folder, hashes = corpus
    result, _ = run_cli("check", str(folder))
    assert result.returncode == 2, result.stderr
    for case in CASES:
        assert f"文件：{folder / case.name}" in result.stdout
    assert result.stdout.count("无法校验：") == sum(case.code is not None for case in CASES)
    assert (
        "\x1b" not in result.stdout and "\x07" not in result.stdout
    )  # control characters never reach a terminal
    unchanged(folder, hashes)


# --- each dangerous case alone, beside a good file, in a limited child ------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", [case.name for case in CASES if case.dangerous])
def test_dangerous_case_in_a_limited_child(corpus, name):
    folder, hashes = corpus
    result, elapsed = run_cli("check", str(folder / name), str(folder / GOOD), "--format", "json")
    case = BY_NAME[name]
    assert result.returncode == 2 if case.code else result.returncode in (0, 1), result.stderr
    assert elapsed < 30, elapsed
    bad, good = json.loads(result.stdout)["files"]
    expect(case, bad)
    assert good["error"] is None and good["tables"]
    unchanged(folder, hashes)


# --- the safe cases in process: the message, and where known the sheet and cell -------------------------------


@pytest.mark.parametrize("name", [case.name for case in CASES if case.code and not case.dangerous])
def test_unreadable_case_in_process(corpus, name):
    folder, hashes = corpus
    case = BY_NAME[name]
    result = check_file(folder / name)
    expect(
        case,
        {"path": str(folder / name), "error": dataclasses.asdict(result.error) if result.error else None},
    )
    if case.code != "no_table":
        with pytest.raises(ReadError):
            read_workbook(folder / name)
    unchanged(folder, hashes)


@pytest.mark.parametrize("name", ["旧格式.xls", "二进制.xlsb", "开放格式.ods", "带宏.xlsm"])
def test_other_formats_read_the_same_table(corpus, name):
    folder, _ = corpus
    reference = check_file(folder / GOOD)
    result = check_file(folder / name)
    assert result.error is None
    assert [(t.kind, t.name, t.budget, t.range) for t in result.tables] == [
        (t.kind, t.name, t.budget, t.range) for t in reference.tables
    ]
    assert [(f.rule, f.cell) for f in result.findings] == [(f.rule, f.cell) for f in reference.findings]


def findings_at(result, cell: str) -> list[tuple[str, str]]:
    return [(f.rule, f.message) for f in result.findings if f.cell == cell]


def test_formulas_without_results_are_named_by_sheet_and_cell(corpus):
    folder, _ = corpus
    workbook = read_workbook(folder / "公式未计算.xlsx")
    assert [(n.sheet, n.cell, n.text) for n in workbook.notices] == [
        ("公式", "B12", "4+6"),
        ("公式", "E16", "2*2"),
    ]
    # The rules see an empty cell there, and S09 says why, at the cell.
    result = check_file(folder / "公式未计算.xlsx")
    at_b12, at_e16 = findings_at(result, "B12"), findings_at(result, "E16")
    assert ("S01", "“年度本级预算”未填写") in at_b12 and ("V02", "定量指标缺少指标值") in at_e16
    assert [m for r, m in at_b12 if r == "S09"] == [
        "公式“=4+6”在文件中没有计算结果，已按空白校验；请用 Excel 或 WPS 打开、保存后再校验"
    ]
    assert [r for r, _ in at_e16 if r == "S09"] == ["S09"]


def test_error_values_are_read_as_excel_shows_them(corpus):
    folder, _ = corpus
    (grid,) = read_workbook(folder / "错误值.xlsx").grids
    assert grid.value(12, 2) == "#DIV/0!" and grid.value(16, 5) == "#REF!"
    result = check_file(folder / "错误值.xlsx")
    assert ("C08", "金额“#DIV/0!”无法识别为数字") in findings_at(result, "B12")
    assert ("V13", "定量指标的指标值应为数字，当前为“#REF!”") in findings_at(result, "E16")


def test_full_width_digits_and_commas_are_numbers(corpus):
    folder, _ = corpus
    result = check_file(folder / "全角数字.xlsx")
    (table,) = result.tables
    assert table.budget == 1234.5
    assert table.indicators[0].number == 4


def test_control_characters_are_dropped_from_cell_text(corpus):
    folder, _ = corpus
    (grid,) = read_workbook(folder / "控制字符.xlsx").grids
    assert grid.value(16, 4) == "排查[31m整治"
    assert grid.value(17, 4) == "宣传预警"  # `_x0007_` is a BEL that calamine decodes
    assert grid.value(14, 2) == "开展\n工作"  # Word's manual line break (VT) is a line break
    assert check_file(folder / "控制字符.xlsx").tables


def test_wide_long_cut_and_crossing_tables_are_checked(corpus):
    folder, _ = corpus
    for name in ("16384列.xlsx", "超长文字.xlsx", "截断的表.xlsx", "跨表合并.xlsx", "整表合并.xlsx"):
        started = time.monotonic()
        result = check_file(folder / name)
        assert result.error is None and result.tables, name
        assert time.monotonic() - started < 10, name
        workbook = read_workbook(folder / name)
        for finding in result.findings:
            grid = next(g for g in workbook.grids if g.sheet == finding.sheet)
            assert grid.first_row <= finding.row <= grid.last_row, (name, finding)
            assert grid.first_col <= finding.col <= grid.last_col, (name, finding)


def test_merges_over_the_whole_sheet_are_clipped_to_the_values(corpus):
    folder, _ = corpus
    (grid,) = read_workbook(folder / "整表合并.xlsx").grids
    assert sum((m.bottom - m.top + 1) * (m.right - m.left + 1) for m in grid.merges) <= MAX_SHEET_CELLS
    assert all(m.bottom <= grid.last_row and m.right <= grid.last_col for m in grid.merges)


def test_messages_stay_short_whatever_the_cell_holds(corpus):
    folder, _ = corpus
    result = check_file(folder / "超长文字.xlsx")
    assert max(len(f.message) for f in result.findings) <= 500


# Annotating writes with openpyxl; these two are checked by their own tests below.
NOT_ANNOTATABLE = {"整表合并.xlsx", "跨表合并.xlsx"}


@pytest.mark.slow
def test_annotated_copies_of_bad_input_leave_the_input_alone(corpus, tmp_path):
    folder, hashes = corpus
    files = [str(path) for path in sorted(folder.iterdir()) if path.name not in NOT_ANNOTATABLE]
    result, _ = run_cli("check", *files, "--annotate", str(tmp_path / "标注"), "--format", "json")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    document = json.loads(result.stdout)
    readable = {Path(e["path"]).name for e in document["files"] if e["error"] is None}
    written = {Path(e["path"]).name for e in document["files"] if e["annotated"]}
    assert written == readable - {"控制字符.xlsx"}  # raw control characters: openpyxl's XML parser refuses
    assert "未写出标注副本：文件“控制字符.xlsx”无法用 openpyxl 打开" in result.stderr
    unchanged(folder, hashes)


@pytest.mark.slow
def test_a_finding_inside_a_merge_is_annotated(corpus, tmp_path):
    folder, hashes = corpus
    result, _ = run_cli("check", str(folder / "跨表合并.xlsx"), "--annotate", str(tmp_path / "标注"))
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
    unchanged(folder, hashes)


@pytest.mark.slow
def test_a_merge_over_the_whole_sheet_is_refused_for_annotation(corpus, tmp_path):
    folder, hashes = corpus
    result, _ = run_cli("check", str(folder / "整表合并.xlsx"), "--annotate", str(tmp_path / "标注"))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    unchanged(folder, hashes)


# --- huge but legitimate: checked whole, in bounded memory, each rule's findings capped ------------------------

HUGE = {
    "二十万行指标.xlsx": (lambda p: bf.write_long_block_xlsx(p, 200_000), {"V01", "V07"}),
    "填充到底.xlsx": (lambda p: bf.write_filled_down_xlsx(p, 1_000_000), {"H05", "V02"}),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(HUGE))
def test_a_huge_block_is_checked_whole_with_each_rule_capped(tmp_path, name):
    """A 200,000-row block and a 三级 column filled down to row 1,000,000: read to the end in a child limited to
    CHILD_MEMORY, each rule listing 50 findings and saying how many more there are."""
    build, rules = HUGE[name]
    path = build(tmp_path / name)
    before = sha256(path)
    result, _ = run_cli("check", str(path), "--format", "json", "--show-info")
    assert result.returncode in (0, 1), result.stderr
    entry = json.loads(result.stdout)["files"][0]
    (table,) = entry["tables"]
    last = 200_000 if name.startswith("二十万") else 1_000_000
    assert table["range"].endswith(str(last)), table["range"]
    assert table["unread_rows"] == []
    for rule in rules:
        listed = [f for f in entry["findings"] if f["rule"] == rule]
        assert len(listed) == 51, (rule, len(listed))  # 50 listed and the one that says how many more
        assert table["omitted"][rule] >= last - 100, table["omitted"]
        assert f"同类问题另有 {table['omitted'][rule]} 处" in listed[-1]["message"]
    assert len(entry["findings"]) <= 51 * len(table["omitted"]) + 50
    assert sha256(path) == before
