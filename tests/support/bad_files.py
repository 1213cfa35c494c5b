"""Builders of unusual, broken and hostile workbook files for tests/test_bad_input.py.

Every builder writes a real file. The packages are written by hand (zipfile + XML text, BIFF12 records for
.xlsb, xlwt for .xls, msoffcrypto-tool for encryption), so a test controls every byte: declared sizes that
lie, a DOCTYPE in a part, a cell at XFD1048576. Huge sheets are streamed, never built in memory.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from conftest import build_examples

from perfgoals_xl.core.grid import address, column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"

Rows = Sequence[Sequence[object]]

# A billion-laughs DOCTYPE (ten levels of ten) and an external entity, for any XML part.
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)
EXTERNAL = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def seed_table() -> tuple[list[list[object]], list[str]]:
    """The first project table of the seed (金融处非专项): rows (title on row 3) and merges."""
    spec = build_examples.three_sheets_spec(build_examples.parse_seed(build_examples.SEED_PATH))[0]
    return [list(row) for row in spec.rows], list(spec.merges)


# --- .xlsx / .xlsm -------------------------------------------------------------------------------------------


def cell_xml(row: int, col: int, value: object) -> str:
    ref = address(row, col)
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def rows_xml(rows: Rows, first_row: int = 1) -> str:
    out = []
    for offset, row in enumerate(rows):
        cells = "".join(cell_xml(first_row + offset, col, value) for col, value in enumerate(row, 1))
        if cells:
            out.append(f'<row r="{first_row + offset}">{cells}</row>')
    return "".join(out)


def sheet_xml(
    rows: Rows = (), merges: Sequence[str] = (), *, data: str | None = None, doctype: str = "", tail: str = ""
) -> str:
    """A worksheet part: `rows` written as cells (or `data`, raw sheetData content), merges, a prolog."""
    merged = (
        f'<mergeCells count="{len(merges)}">'
        + "".join(f'<mergeCell ref="{ref}"/>' for ref in merges)
        + "</mergeCells>"
        if merges
        else ""
    )
    content = rows_xml(rows) if data is None else data
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}<worksheet xmlns="{MAIN}">'
        f"<sheetData>{content}</sheetData>{merged}{tail}</worksheet>"
    )


def workbook_xml(names: Sequence[str], doctype: str = "") -> str:
    sheets = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, 1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{sheets}</sheets></workbook>'
    )


def shared_strings_xml(strings: Sequence[str], doctype: str = "", unique_count: int | None = None) -> str:
    count = len(strings) if unique_count is None else unique_count
    items = "".join(f"<si><t>{text}</t></si>" for text in strings)  # raw: callers may pass entities
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
        f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{count}">{items}</sst>'
    )


def write_xlsx(
    path: Path,
    sheets: dict[str, str | bytes],
    *,
    workbook: str | None = None,
    shared_strings: str | None = None,
    extra: Iterable[tuple[str, bytes | str]] = (),
    macros: bytes | None = None,
) -> Path:
    """A package of these worksheet parts (name → XML), with the workbook, relationships and content types."""
    names = list(sheets)
    n = len(names)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
        for i in range(1, n + 1)
    )
    if shared_strings is not None:
        overrides += (
            '<Override PartName="/xl/sharedStrings.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
    vba = '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>' if macros else ""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{vba}'
        f'<Override PartName="/xl/workbook.xml" ContentType="{XLSM_MAIN if macros else XLSX_MAIN}"/>'
        f"{overrides}</Types>"
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    if shared_strings is not None:
        rels += f'<Relationship Id="rId{n + 1}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    if macros:
        rels += (
            f'<Relationship Id="rId{n + 2}" Type="http://schemas.microsoft.com/office/2006/relationships/'
            'vbaProject" Target="vbaProject.bin"/>'
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", content_types)
        package.writestr("_rels/.rels", root_rels)
        package.writestr("xl/workbook.xml", workbook if workbook is not None else workbook_xml(names))
        package.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">{rels}</Relationships>',
        )
        for i, name in enumerate(names, 1):
            package.writestr(f"xl/worksheets/sheet{i}.xml", sheets[name])
        if shared_strings is not None:
            package.writestr("xl/sharedStrings.xml", shared_strings)
        if macros:
            package.writestr("xl/vbaProject.bin", macros)
        for name, content in extra:
            package.writestr(name, content)
    return path


def write_table_xlsx(path: Path, sheet: str = "绩效目标表") -> Path:
    """A plain .xlsx holding the seed's first project table (a good file to check beside bad ones)."""
    rows, merges = seed_table()
    return write_xlsx(path, {sheet: sheet_xml(rows, merges)})


def write_tall_xlsx(path: Path, last_row: int, column: int = 1, sheet: str = "明细") -> Path:
    """The seed table on top, then one number per row in `column` down to `last_row` (streamed)."""
    letter = column_letter(column)
    return _write_seed_and_rows(path, sheet, last_row, lambda row: f'<c r="{letter}{row}"><v>{row}</v></c>')


def write_long_block_xlsx(path: Path, last_row: int, sheet: str = "绩效目标表") -> Path:
    """The seed table's indicator block continued down to `last_row` (a block pasted far too long): rows with
    name, value and unit but no 指标值类型 (each one a V01 warning), under the block's last 二级."""
    return _write_seed_and_rows(
        path,
        sheet,
        last_row,
        lambda row: (
            f'<c r="D{row}" t="inlineStr"><is><t>排查整治第{row}处</t></is></c>'
            f'<c r="E{row}"><v>{row % 97 + 1}</v></c><c r="F{row}" t="inlineStr"><is><t>处</t></is></c>'
        ),
    )


def write_filled_down_xlsx(path: Path, last_row: int, sheet: str = "绩效目标表") -> Path:
    """The seed table, its last 三级指标 filled down to `last_row` (a fill-down run to the sheet's end): each
    such row a name without a value. The repeated text is one shared string, as Excel saves it."""
    return _write_seed_and_rows(
        path, sheet, last_row, lambda row: f'<c r="D{row}" t="s"><v>0</v></c>', strings=["群众满意度"]
    )


def _write_seed_and_rows(
    path: Path, sheet: str, last_row: int, cells: Callable[[int], str], strings: Sequence[str] = ()
) -> Path:
    """The seed table on top, then a row of `cells(row)` on each row below it down to `last_row` (streamed)."""
    rows, merges = seed_table()
    head = sheet_xml(rows, merges).split("</sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        _package_frame(package, [sheet], shared_strings=bool(strings))
        if strings:
            package.writestr("xl/sharedStrings.xml", shared_strings_xml(strings))
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            stream.write(head[0].encode())
            start, batch = len(rows) + 1, []
            for row in range(start, last_row + 1):
                batch.append(f'<row r="{row}">{cells(row)}</row>')
                if len(batch) == 50_000:
                    stream.write("".join(batch).encode())
                    batch = []
            stream.write(("".join(batch) + "</sheetData>" + head[1]).encode())
    return path


def _package_frame(package: zipfile.ZipFile, names: Sequence[str], shared_strings: bool = False) -> None:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
        for i in range(1, len(names) + 1)
    )
    if shared_strings:
        overrides += (
            '<Override PartName="/xl/sharedStrings.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
    package.writestr(
        "[Content_Types].xml",
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{XLSX_MAIN}"/>{overrides}</Types>',
    )
    package.writestr(
        "_rels/.rels",
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
        f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    )
    package.writestr("xl/workbook.xml", workbook_xml(names))
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(names) + 1)
    )
    if shared_strings:
        rels += (
            f'<Relationship Id="rId{len(names) + 1}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    package.writestr(
        "xl/_rels/workbook.xml.rels",
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">{rels}</Relationships>',
    )


def lie_about_sizes(path: Path, member: str, declared: int) -> Path:
    """Rewrite the local header and central directory so `member` claims `declared` unpacked bytes."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as package:
        info = package.getinfo(member)
    # local header: uncompressed size at +22
    struct.pack_into("<I", data, info.header_offset + 22, declared)
    # central directory entry (uncompressed size at +24): found by its name
    name = member.encode()
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + length] == name:
            struct.pack_into("<I", data, central + 24, declared)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))
    return path


# --- .xlsb (BIFF12 records, written by hand) ------------------------------------------------------------------


def _record(kind: int, payload: bytes = b"") -> bytes:
    out = bytearray()
    for number in (kind, len(payload)):
        while True:
            byte, number = number & 0x7F, number >> 7
            out.append(byte | (0x80 if number else 0))
            if not number:
                break
    return bytes(out) + payload


def _wide(text: str) -> bytes:
    raw = text.encode("utf-16-le")
    return struct.pack("<I", len(raw) // 2) + raw


def xlsb_sheet(
    cells: dict[tuple[int, int], object], dimension: tuple[int, int, int, int] | None = None
) -> bytes:
    """A worksheet .bin: `cells` maps 0-based (row, col) to a str/number/bool; BrtWsDim as given or computed."""
    if dimension is None:
        rows, cols = [r for r, _ in cells] or [0], [c for _, c in cells] or [0]
        dimension = (min(rows), max(rows), min(cols), max(cols))
    out = _record(0x81) + _record(0x94, struct.pack("<4I", *dimension)) + _record(0x91)
    by_row: dict[int, list[tuple[int, object]]] = {}
    for (row, col), value in sorted(cells.items()):
        by_row.setdefault(row, []).append((col, value))
    for row, values in by_row.items():
        out += _record(0x00, struct.pack("<IIHBBBI", row, 0, 300, 0, 0, 0, 0))
        for col, value in values:
            head = struct.pack("<II", col, 0)
            if isinstance(value, str):
                out += _record(0x06, head + _wide(value))
            elif isinstance(value, bool):
                out += _record(0x04, head + bytes([value]))
            else:
                out += _record(0x05, head + struct.pack("<d", float(value)))
    return out + _record(0x92) + _record(0x82)


def write_xlsb(path: Path, sheets: dict[str, bytes]) -> Path:
    names = list(sheets)
    book = _record(0x83) + _record(0x8F)
    for i, name in enumerate(names, 1):
        book += _record(0x9C, struct.pack("<II", 0, i) + _wide(f"rId{i}") + _wide(name))
    book += _record(0x90) + _record(0x84)
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.'
        'macroEnabled.main"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.bin" ContentType="application/vnd.ms-excel.worksheet"/>'
            for i in range(1, len(names) + 1)
        )
        + "</Types>"
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.bin"/>'
        for i in range(1, len(names) + 1)
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", content_types)
        package.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.bin"/></Relationships>',
        )
        package.writestr("xl/workbook.bin", book)
        package.writestr(
            "xl/_rels/workbook.bin.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">{rels}</Relationships>',
        )
        for i, name in enumerate(names, 1):
            package.writestr(f"xl/worksheets/sheet{i}.bin", sheets[name])
    return path


def grid_cells(rows: Rows) -> dict[tuple[int, int], object]:
    return {(r, c): v for r, row in enumerate(rows) for c, v in enumerate(row) if v is not None}


# --- .ods (content.xml written by hand) ------------------------------------------------------------------------


def ods_table(name: str, rows: Rows) -> str:
    out = []
    for row in rows:
        cells = []
        for value in row:
            if value is None:
                cells.append("<table:table-cell/>")
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cells.append(
                    f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>"
                )
            else:
                cells.append(
                    f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
                    "</table:table-cell>"
                )
        # LibreOffice pads every row to the last column and the sheet to the last row with repeats
        cells.append('<table:table-cell table:number-columns-repeated="16376"/>')
        out.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
    out.append(
        '<table:table-row table:number-rows-repeated="1048500">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    return f"<table:table table:name={quoteattr(name)}>{''.join(out)}</table:table>"


HIDDEN_ODS_STYLE = "hide"  # `table:style-name="hide"` hides a table of write_ods(..., hidden_style=True)


def write_ods(path: Path, tables: str, doctype: str = "", hidden_style: bool = False) -> Path:
    """An .ods of these `<table:table>`s; `hidden_style` adds the table style HIDDEN_ODS_STYLE
    (`table:display="false"`, how LibreOffice stores a hidden sheet)."""
    styles = (
        '<office:automatic-styles><style:style style:name="hide" style:family="table">'
        '<style:table-properties table:display="false"/></style:style></office:automatic-styles>'
        if hidden_style
        else ""
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"{styles}<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest'
        ' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        package.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


# --- .xls (xlwt) ----------------------------------------------------------------------------------------------


def write_xls(
    path: Path, sheets: dict[str, tuple[Rows, Sequence[str]]], far: tuple[int, int] | None = None
) -> Path:
    """A BIFF8 .xls of these rows and merges; `far` adds a number at that 0-based (row, col) of each sheet."""
    import xlwt
    from openpyxl.utils import range_boundaries

    book = xlwt.Workbook(encoding="utf-8")
    for name, (rows, merges) in sheets.items():
        sheet = book.add_sheet(name)
        anchors = {}
        for ref in merges:
            left, top, right, bottom = range_boundaries(ref)
            anchors[(top - 1, left - 1)] = (bottom - 1, right - 1)
        for (row, col), value in grid_cells(rows).items():
            if (row, col) in anchors:
                bottom, right = anchors.pop((row, col))
                sheet.write_merge(row, bottom, col, right, value)
            else:
                sheet.write(row, col, value)
        for (row, col), (bottom, right) in anchors.items():
            sheet.merge(row, bottom, col, right)
        if far is not None:
            sheet.write(far[0], far[1], 1)
    book.save(str(path))
    return path


def mark_xls_encrypted(path: Path) -> Path:
    """Turn the workbook globals' PASSWORD record (xlwt writes one, 2 bytes) into a FILEPASS record."""
    data = bytearray(path.read_bytes())
    at = data.find(b"\x13\x00\x02\x00\x00\x00")  # PASSWORD, length 2, no password
    assert at > 0, "xlwt wrote no PASSWORD record"
    data[at : at + 2] = b"\x2f\x00"
    path.write_bytes(bytes(data))
    return path


# --- other hostile or foreign files ---------------------------------------------------------------------------


def write_docx(path: Path) -> Path:
    """A minimal Word document (what a renamed .docx looks like inside)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        package.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
            '2006/main"><w:body><w:p><w:r><w:t>绩效目标表</w:t></w:r></w:p></w:body></w:document>',
        )
    return path


def encrypt(source: Path, target: Path, password: str = "绩效2026") -> Path:
    """A really encrypted workbook (ECMA-376 agile encryption, as Excel's 用密码进行加密 writes it)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with source.open("rb") as plain, target.open("wb") as out:
        OOXMLFile(plain).encrypt(password, out)
    return target
