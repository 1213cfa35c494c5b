"""Read workbook files into Grids with python-calamine, refusing broken or hostile files with a Chinese message.

Only this module opens files for reading; openpyxl is never imported here (it is slow to import and only
needed when something is written).

python-calamine runs in this process and some inputs make it abort the whole process (a Rust allocation
failure is not an exception): a sheet whose cells span to XFD1048576 (it allocates the full rectangle), an
.xlsx `<sst uniqueCount="4000000000">` (it reserves that many strings), an .ods row repeated a million times.
So before calamine sees a file, `_precheck` reads the package itself, cheaply and with hard bounds:

- the file's signature: zip package (.xlsx/.xlsm/.xlsb/.ods), OLE compound file (.xls, or an encrypted
  OOXML package, or a Word/PowerPoint file), anything else is not a workbook;
- zip packages: number of members, declared unpacked sizes and compression ratio; every part calamine
  parses is inflated once (stream, 256 KiB at a time) so a size that lies fails the CRC check; XML parts must
  not declare a DOCTYPE or entities (billion laughs, external entities); the extent of the cells of every
  sheet (worksheet XML, .xlsb records, .ods rows and repeats) and the shared-strings count are bounded;
- .xls: the OLE directory (encrypted? a Word document?) and the BIFF cell records of every sheet.

While it walks the parts anyway, the precheck also notes what calamine does not report: error values,
formulas saved without a result, and which numeric cells carry a percent number format (.xlsx/.xlsm:
`xl/styles.xml`'s cell formats, matched against each cell's `s`; .ods: `office:value-type="percentage"`),
at most MAX_PERCENT_CELLS of them per workbook. .xls/.xlsb formats are not read: their cells show no percent.

Limits (MAX_*) are far above any real 绩效目标表 (a few hundred rows, a dozen columns) and far below what
hurts (a 2,000,000-cell sheet reads in about 2 s and 0.3 GB). A file over a limit is refused with code
`too_large` and a message that names the sheet and the far cell, so the user knows what to delete.
"""

from __future__ import annotations

import html
import re
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from math import isfinite
from pathlib import Path
from typing import IO

from perfgoals_xl.core.grid import (
    Grid,
    MergedRange,
    Visibility,
    address,
    column_index,
    column_letter,
    is_percent_format,
)
from perfgoals_xl.core.models import CellNotice

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")

MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # a real 绩效目标表 package is a few hundred kB
MAX_COMPRESSION_RATIO = 200  # a sheet of text compresses ~10×; zip bombs compress ~1000×
MAX_PARSED_BYTES = 256 * 1024 * 1024  # the parts calamine parses (sheets, strings, styles), unpacked
MAX_MEMBERS = 10_000  # parts in a zip package (a workbook of 200 sheets has ~220)
MAX_SHEET_CELLS = 2_000_000  # rows × columns of a sheet's used rectangle (calamine allocates all of it)
MAX_BOOK_CELLS = 5_000_000  # the same, summed over the sheets of a workbook
MAX_XLS_BYTES = 256 * 1024 * 1024  # an .xls is read into memory to walk its OLE directory
MAX_PERCENT_CELLS = 200_000  # percent-formatted numeric cells recorded per workbook; beyond, no more are
MAX_CELL_FORMATS = 200_000  # cell formats (<xf> of <cellXfs>) read from styles.xml; Excel allows ~64,000
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 256 * 1024


class ReadError(Exception):
    """A workbook that cannot be read; `message` is Chinese and names the file."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Workbook:
    path: Path
    grids: list[Grid]
    # Cells of the grids whose value the file does not hold (only .xlsx/.xlsm tell); they read as empty.
    notices: tuple[CellNotice, ...] = ()


def read_workbook(path: Path) -> Workbook:
    """All sheets of a workbook as Grids, or a ReadError that says why not."""
    scan = _precheck(path)
    import python_calamine as calamine

    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
        try:
            states = {sheet.name: _visibility(sheet.visible) for sheet in book.sheets_metadata}
            grids = [
                _sheet_grid(path, book, name, scan, states.get(name, "visible")) for name in book.sheet_names
            ]
        finally:
            book.close()
    except ReadError:
        raise
    except calamine.PasswordError as exc:
        raise _encrypted(path) from exc
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError, ValueError, OSError) as exc:
        raise _corrupt(path, short_reason(exc)) from exc
    except MemoryError as exc:
        raise ReadError(
            "too_large", f"文件“{path.name}”读取时内存不足（内容过大），已放弃读取；其余文件照常校验。"
        ) from exc
    except BaseException as exc:  # a Rust panic in calamine arrives as pyo3's PanicException
        if type(exc).__name__ != "PanicException":
            raise
        raise _corrupt(path, short_reason(exc)) from exc
    notices = tuple(n for n in scan.notices if any(g.sheet == n.sheet for g in grids))
    return Workbook(path=path, grids=grids, notices=notices)


def _visibility(state: object) -> Visibility:
    """python-calamine's SheetVisibleEnum (Visible, Hidden, VeryHidden) as Excel's word for it."""
    name = str(state).rsplit(".", 1)[-1]
    return "hidden" if name == "Hidden" else "veryHidden" if name == "VeryHidden" else "visible"


def _sheet_grid(path: Path, book: object, name: str, scan: _Scan, visibility: Visibility) -> Grid:
    sheet = book.get_sheet_by_name(name)  # type: ignore[attr-defined]
    start = sheet.start
    if start is None:
        return Grid(sheet=name, rows=[], visibility=visibility)
    # A second line of defence (the precheck bounds every format it can walk): refuse before converting.
    if sheet.height * sheet.width > MAX_SHEET_CELLS:
        top, left = start[0] + 1, start[1] + 1
        raise _sheet_too_large(path, name, (top, left, top + sheet.height - 1, left + sheet.width - 1))
    rows = [
        [
            None
            if v == ""
            else _clean(v)
            if v.__class__ is str and not v.isprintable()
            else "#NUM!"  # `<v>inf</v>`, `<v>NaN</v>`, `<v>1e400</v>`: no Excel number, and no reader expects one
            if v.__class__ is float and not isfinite(v)
            else v
            for v in line
        ]
        for line in sheet.to_python(skip_empty_area=True)
    ]
    origin = (start[0] + 1, start[1] + 1)
    for (row, col), text in scan.errors.get(name, {}).items():
        r, c = row - origin[0], col - origin[1]
        if 0 <= r < len(rows) and 0 <= c < len(rows[r]) and rows[r][c] is None:
            rows[r][c] = text  # "#REF!" as Excel shows it (calamine reads error cells as empty)
    merges = _merges(path, name, sheet.merged_cell_ranges or [], origin, rows)
    percent = frozenset(scan.percent.get(name, ()))
    return Grid(sheet=name, rows=rows, origin=origin, merges=merges, percent=percent, visibility=visibility)


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})


def _clean(text: str) -> str:
    """Control characters out of a cell's text (an escape sequence must not reach a terminal, a stray BEL
    must not split a label); Word's manual line break (VT) and a form feed become line breaks."""
    return _CONTROL.sub("", text.translate(_LINE_BREAKS))


def _merges(
    path: Path, name: str, ranges: list, origin: tuple[int, int], rows: list[list[object]]
) -> list[MergedRange]:
    """The merged ranges, bounded: Grid indexes every merged cell, so a merge over A1:XFD1048576 (or a
    million overlapping ones) would hang; when they cover too much they are clipped to the sheet's values."""
    found = []
    for (r0, c0), (r1, c1) in ranges:
        top, bottom = sorted((max(r0, 0) + 1, min(r1, EXCEL_ROWS - 1) + 1))
        left, right = sorted((max(c0, 0) + 1, min(c1, EXCEL_COLUMNS - 1) + 1))
        if (top, left) != (bottom, right):
            found.append((top, left, bottom, right))
    if _area(found) > MAX_SHEET_CELLS:
        last_row = origin[0] + len(rows) - 1
        last_col = origin[1] + max((len(r) for r in rows), default=0) - 1
        found = [
            (max(top, origin[0]), max(left, origin[1]), min(bottom, last_row), min(right, last_col))
            for top, left, bottom, right in found
        ]
        found = [(t, left, b, r) for t, left, b, r in found if t <= b and left <= r and (t, left) != (b, r)]
        if _area(found) > MAX_SHEET_CELLS:
            raise ReadError(
                "too_large",
                f"文件“{path.name}”的工作表“{name}”中合并单元格过多（合计超过 {MAX_SHEET_CELLS:,} 个单元格），"
                "超出安全上限，已拒绝读取。",
            )
    return [MergedRange(top=t, left=left, bottom=b, right=r) for t, left, b, r in found]


def _area(ranges: list[tuple[int, int, int, int]]) -> int:
    return sum((bottom - top + 1) * (right - left + 1) for top, left, bottom, right in ranges)


# --- the precheck ---------------------------------------------------------------------------------------------


@dataclass
class _Box:
    """The used rectangle of one sheet (1-based, inclusive), as calamine will allocate it."""

    top: int = 0
    left: int = 0
    bottom: int = 0
    right: int = 0

    def add(self, row: int, col: int, last_row: int | None = None, last_col: int | None = None) -> None:
        last_row, last_col = last_row or row, last_col or col
        if not self.top:
            self.top, self.left, self.bottom, self.right = row, col, last_row, last_col
            return
        self.top, self.left = min(self.top, row), min(self.left, col)
        self.bottom, self.right = max(self.bottom, last_row), max(self.right, last_col)

    @property
    def cells(self) -> int:
        return (self.bottom - self.top + 1) * (self.right - self.left + 1) if self.top else 0

    @property
    def bounds(self) -> tuple[int, int, int, int]:
        return self.top, self.left, self.bottom, self.right


@dataclass
class _Scan:
    """What the precheck learnt that the read needs: error values, formulas without results, percent cells."""

    errors: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)
    notices: list[CellNotice] = field(default_factory=list)
    # sheet → (row, col) of numeric cells shown as a percentage; MAX_PERCENT_CELLS in all
    percent: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    percent_count: int = 0
    # .xlsx/.xlsm: finds the cell tags whose style (`s`) is a percent format; None when no style is one
    percent_cell: re.Pattern[bytes] | None = None

    def add_percent(self, sheet: str, top: int, left: int, bottom: int, right: int) -> None:
        """Record the cells top..bottom × left..right, as long as the book's cap allows."""
        cells = self.percent.setdefault(sheet, set())
        for row in range(top, bottom + 1):
            for col in range(left, right + 1):
                if self.percent_count >= MAX_PERCENT_CELLS:
                    return
                cells.add((row, col))
                self.percent_count += 1


def _precheck(path: Path) -> _Scan:
    """Refuse what calamine should never see: missing, empty, encrypted, foreign, hostile or huge files."""
    if not path.is_file():
        raise ReadError("not_found", f"找不到文件“{path}”。")
    size = path.stat().st_size
    if size == 0:
        raise ReadError("empty_file", f"文件“{path.name}”是空文件（0 字节），不是工作簿。")
    with path.open("rb") as handle:
        head = handle.read(1024)
    if head.startswith(_OLE_MAGIC):
        _check_ole(path, size)
        return _Scan()
    if head.startswith(b"PK"):
        return _check_package(path)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<") and (b"<html" in text or b"<table" in text or b"spreadsheet" in text):
        # what many systems export as ".xls": a web page or an Excel 2003 XML spreadsheet
        raise ReadError(
            "not_workbook",
            f"文件“{path.name}”是网页或 XML 格式的表格（扩展名虽是 {path.suffix}），不是 Excel 工作簿；"
            "请在 Excel 或 WPS 中打开，另存为 .xlsx 后再校验。",
        )
    raise ReadError("not_workbook", f"文件“{path.name}”不是 Excel 工作簿（无法识别的文件格式）。")


# --- zip packages: .xlsx .xlsm .xlsb .ods ------------------------------------------------------------------


def _check_package(path: Path) -> _Scan:
    try:
        with zipfile.ZipFile(path) as package:
            return _check_members(path, package)
    except zipfile.BadZipFile as exc:
        crc = re.match(r"Bad CRC-32 for file '(.*)'", str(exc))
        if crc:  # zipfile stops at the declared size: more data than declared fails the checksum
            raise _corrupt(
                path, f"压缩包中“{crc.group(1)}”的内容与声明的大小或校验和不符，疑似压缩炸弹或文件损坏"
            ) from exc
        raise _corrupt(path, "压缩包不完整，文件可能没有下载或复制完整") from exc
    except (OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        # zlib errors, unsupported compression, encrypted zip members, overflowing headers
        raise _corrupt(path, f"压缩包无法解开：{short_reason(exc)}") from exc


def _check_members(path: Path, package: zipfile.ZipFile) -> _Scan:
    entries = package.infolist()
    if len(entries) > MAX_MEMBERS:
        raise ReadError(
            "too_large", f"文件“{path.name}”的压缩包含 {len(entries):,} 个部件，超出安全上限，已拒绝读取。"
        )
    names = {entry.filename for entry in entries}
    if "word/document.xml" in names:
        raise ReadError("not_workbook", f"文件“{path.name}”是 Word 文档，不是 Excel 工作簿。")
    if "ppt/presentation.xml" in names:
        raise ReadError("not_workbook", f"文件“{path.name}”是 PowerPoint 演示文稿，不是 Excel 工作簿。")
    if not ({"xl/workbook.xml", "xl/workbook.bin", "content.xml"} & names):
        raise ReadError("not_workbook", f"文件“{path.name}”不是 Excel 工作簿（压缩包中没有工作簿内容）。")
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    if unpacked > MAX_UNPACKED_BYTES or (unpacked / packed > MAX_COMPRESSION_RATIO and unpacked > 50 << 20):
        raise ReadError(
            "too_large",
            f"文件“{path.name}”解压后约 {unpacked >> 20} MB，超出安全上限，疑似压缩炸弹，已拒绝读取。",
        )
    parsed = [entry for entry in entries if _parsed_by_calamine(entry.filename)]
    if sum(entry.file_size for entry in parsed) > MAX_PARSED_BYTES:
        raise ReadError(
            "too_large",
            f"文件“{path.name}”的表格内容解压后超过 {MAX_PARSED_BYTES >> 20} MB，超出安全上限，已拒绝读取。",
        )
    scan = _Scan()
    sheet_names = _sheet_names(path, package, names)
    styles = next((entry for entry in parsed if entry.filename == "xl/styles.xml"), None)
    if styles is not None:  # before the sheets (it usually comes after them in the package)
        with package.open(styles) as stream:
            scan.percent_cell = _percent_cell_pattern(_percent_styles(path, stream))
    total = 0
    for entry in parsed:
        name = entry.filename
        if entry is styles:
            continue
        sheet = sheet_names.get(name, name)
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            total += _scan_xml_sheet(path, sheet, lambda entry=entry: package.open(entry), scan).cells
            continue
        with package.open(entry) as stream:
            if name.startswith("xl/worksheets/") and name.endswith(".bin"):
                total += _scan_bin_sheet(path, sheet, stream).cells
            elif name == "content.xml":
                total += _scan_ods(path, stream, scan)
            elif name == "xl/sharedStrings.xml":
                _scan_shared_strings(path, entry, stream)
            else:
                _drain(path, name, stream)
    if total > MAX_BOOK_CELLS:
        raise ReadError(
            "too_large",
            f"文件“{path.name}”各工作表的数据区域合计 {total:,} 个单元格，超出安全上限 {MAX_BOOK_CELLS:,}，"
            "已拒绝读取；请删除多余的工作表或表格以外的内容后再校验。",
        )
    return scan


_PARSED = re.compile(
    r"\[Content_Types\]\.xml|_rels/\.rels|xl/(?:workbook\.(?:xml|bin)|_rels/workbook\.(?:xml|bin)\.rels"
    r"|sharedStrings\.(?:xml|bin)|styles\.(?:xml|bin)|worksheets/[^/]+\.(?:xml|bin))"
    r"|content\.xml|styles\.xml|META-INF/manifest\.xml",
)


def _parsed_by_calamine(name: str) -> bool:
    """The parts python-calamine reads for values and merges (pictures, themes, VBA and the like are not)."""
    return _PARSED.fullmatch(name) is not None


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk


_DOCTYPE = re.compile(rb"<!\s*(?i:doctype|entity)")


def _check_prolog(path: Path, part: str, chunk: bytes) -> None:
    """No DOCTYPE (and so no entity declaration) in an XML part: Excel never writes one, and a billion-laughs
    bomb or an external entity needs one. Checked in every piece of every part (`<!` is rare and quick to
    find), so neither a long prolog nor a DOCTYPE later in the part slips through."""
    if b"<!" in chunk and _DOCTYPE.search(chunk):
        raise _hostile_xml(path, part)


def _where(part: str) -> str:
    """A worksheet is named by its sheet name, any other part by its path in the package."""
    return f"部件“{part}”" if part.endswith((".xml", ".rels", ".bin")) else f"工作表“{part}”"


def _hostile_xml(path: Path, part: str) -> ReadError:
    return ReadError(
        "corrupt",
        f"文件“{path.name}”的{_where(part)}含有 XML 实体声明（DOCTYPE/ENTITY），Excel 不会生成这样的文件，"
        "可能是恶意构造的（实体膨胀或外部实体引用），已拒绝读取。",
    )


def _drain(path: Path, part: str, stream: IO[bytes]) -> None:
    """Inflate a part to its end (zipfile checks its size and CRC); an XML part must declare no DOCTYPE."""
    tail = b""
    for chunk in _chunks(stream):
        if not part.endswith(".bin"):
            _check_prolog(path, part, tail + chunk)  # the overlap keeps a `<!DOCTYPE` cut in two whole
            tail = chunk[-16:]


_SST_COUNT = re.compile(rb"<(?:[\w.-]+:)?sst\b[^>]*?\buniqueCount\s*=\s*[\"']\s*([0-9]+)")


def _scan_shared_strings(path: Path, entry: zipfile.ZipInfo, stream: IO[bytes]) -> None:
    """calamine reserves room for `uniqueCount` strings up front: it must be possible in a part this size."""
    first, tail = True, b""
    for chunk in _chunks(stream):
        _check_prolog(path, entry.filename, tail + chunk)
        tail = chunk[-16:]
        if first:
            match = _SST_COUNT.search(chunk, 0, 4096)
            # a wrong count is harmless while small; a large one must fit the part (`<si/>` is 5 bytes)
            if match and int(match.group(1)) > max(entry.file_size // 5 + 16, 1_000_000):
                raise _corrupt(path, f"共享字符串表声明了 {int(match.group(1)):,} 个字符串，与其大小不符")
        first = False


# Cell start tags as Excel, WPS and openpyxl write them: `<c r="B12"` first. A sheet where some cell does
# not look like this (no r, r not first, lower case, a namespace prefix) is walked tag by tag instead.
_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
_CELL_CANONICAL = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"([^>]*)>')
_FORMULA_CELL = re.compile(
    rb"<c\s([^>]*?)>\s*<f\b[^>]*?(?:/>|>([^<]*)</f>)\s*(?:<v\s*/>|<v>([^<]*)</v>)?\s*(?:<is>.*?</is>\s*)?</c>",
    re.DOTALL,
)
_ERROR_CELL = re.compile(rb"<c\s([^>/]*?\bt\s*=\s*[\"']e[\"'][^>/]*)>(.*?)</c>", re.DOTALL)
_ATTR_R = re.compile(rb"\br\s*=\s*[\"']([A-Za-z]+)([0-9]+)[\"']")
_ATTR_T = re.compile(rb"\bt\s*=\s*[\"']([A-Za-z]+)[\"']")
_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _tag_chunks(path: Path, part: str, stream: IO[bytes], keep: bytes = b"<") -> Iterator[bytes]:
    """The part in pieces that never split a tag (nor, with keep=b"</c>", a cell); no DOCTYPE in any."""
    carry = b""
    for chunk in _chunks(stream):
        data = carry + chunk
        _check_prolog(path, part, data)
        cut = data.rfind(keep)
        cut = cut + len(keep) if cut > 0 and keep != b"<" else cut
        if cut <= 0:
            cut = data.rfind(b"<")
        if cut <= 0:
            if len(data) > _MAX_TAG:
                raise _corrupt(path, f"{_where(part)}中有超长的 XML 标记")
            carry = data
            continue
        carry = data[cut:]
        yield data[:cut]
    if carry:
        yield carry


_MAX_TAG = 4 << 20


# --- percent formats: xl/styles.xml and the cells that use them ------------------------------------------------

_STYLE_TAG = re.compile(
    rb"<(/?)(?:[\w.-]+:)?(numFmts|numFmt|cellXfs|xf)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
)
_FORMAT_CODE = re.compile(rb"(?:^|\s)formatCode\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_BUILTIN_PERCENT = (9, 10)  # Excel's built-in 0% and 0.00%


def _percent_styles(path: Path, stream: IO[bytes]) -> list[int]:
    """The indices of the cell formats (`<xf>` of `<cellXfs>`, what a cell's `s` points to) showing percent.

    Custom number formats (`<numFmts>`) are judged by is_percent_format; built-in ids 9 and 10 are
    percentages. Only the first MAX_CELL_FORMATS cell formats are looked at (Excel itself allows ~64,000).
    """
    custom: dict[int, bool] = {}  # numFmtId → shows percent
    formats: list[int] = []  # numFmtId of each cell format, in order
    section = b""
    for data in _tag_chunks(path, "xl/styles.xml", stream):
        for closing, kind, attrs in _STYLE_TAG.findall(data):
            empty = attrs.endswith(b"/")
            if kind in (b"numFmts", b"cellXfs"):
                section = b"" if closing or empty else kind
            elif closing:
                continue
            elif kind == b"numFmt" and section == b"numFmts" and len(custom) < MAX_CELL_FORMATS:
                number, code = _attr(attrs, b"numFmtId"), _FORMAT_CODE.search(attrs)
                if number and number.strip().isdigit() and code:
                    text = html.unescape((code.group(1) or code.group(2) or b"").decode("utf-8", "replace"))
                    custom[int(number)] = is_percent_format(text)
            elif kind == b"xf" and section == b"cellXfs" and len(formats) < MAX_CELL_FORMATS:
                number = _attr(attrs, b"numFmtId")
                formats.append(int(number) if number and number.strip().isdigit() else 0)
    return [index for index, number in enumerate(formats) if custom.get(number, number in _BUILTIN_PERCENT)]


def _percent_cell_pattern(styles: list[int]) -> re.Pattern[bytes] | None:
    """A pattern for the cell tags whose `s` is one of these styles: (attributes, "/" when it holds nothing)."""
    if not styles:
        return None
    numbers = b"|".join(str(index).encode() for index in styles)
    return re.compile(
        rb"<(?:[\w.-]+:)?c\s([^>]*?(?<![\w.:-])s\s*=\s*[\"'](?:" + numbers + rb")[\"'][^>]*?)(/?)>"
    )


_NOT_NUMBERS = {b"s", b"str", b"inlineStr", b"b", b"e", b"d"}  # t="n" or no t: a number


def _percent_cells(sheet: str, data: bytes, pattern: re.Pattern[bytes], scan: _Scan) -> None:
    """Record this piece's numeric cells whose style is a percent format (cells without `r` are not)."""
    for attrs, empty in pattern.findall(data):
        if scan.percent_count >= MAX_PERCENT_CELLS:
            return
        if empty:
            continue
        kind, ref = _ATTR_T.search(attrs), _ATTR_R.search(attrs)
        if ref is None or (kind is not None and kind.group(1) in _NOT_NUMBERS):
            continue
        row, col = int(ref.group(2)), column_index(ref.group(1).decode())
        scan.add_percent(sheet, row, col, row, col)


# --- worksheets --------------------------------------------------------------------------------------------


def _scan_xml_sheet(path: Path, sheet: str, reopen: Callable[[], IO[bytes]], scan: _Scan) -> _Box:
    """The used rectangle of a worksheet part, its error values, formulas without results and percent cells."""
    box = _Box()
    tags = canonical = 0
    with reopen() as stream:
        for data in _tag_chunks(path, sheet, stream, keep=b"</c>"):
            found = _CELL_CANONICAL.findall(data)
            canonical += len(found)
            # every `<c` a canonical cell (the bulk of sheetData) spares the exact count of cell tags
            tags += len(found) if data.count(b"<c") == len(found) else len(_CELL_TAG.findall(data))
            _extend(box, [(letters, row) for letters, row, rest in found if not rest.endswith(b"/")])
            if b"<f" in data:
                _formulas(sheet, data, scan)
            if b'"e"' in data or b"'e'" in data:
                _errors(sheet, data, scan)
            if scan.percent_cell is not None and scan.percent_count < MAX_PERCENT_CELLS:
                _percent_cells(sheet, data, scan.percent_cell, scan)
    _check_box(path, sheet, box)
    if tags == canonical:
        return box
    if tags > MAX_SHEET_CELLS:  # walking each tag in Python is for the odd writer's small sheets only
        raise ReadError(
            "too_large",
            f"文件“{path.name}”的工作表“{sheet}”含 {tags:,} 个单元格标记，超出安全上限 {MAX_SHEET_CELLS:,}，"
            "已拒绝读取。",
        )
    with reopen() as stream:
        return _walk_xml_sheet(path, sheet, _tag_chunks(path, sheet, stream))


def _extend(box: _Box, found: list[tuple[bytes, bytes]]) -> None:
    if not found:
        return
    letters = {letter for letter, _ in found}
    widest = max(letters, key=lambda text: (len(text), text))
    narrowest = min(letters, key=lambda text: (len(text), text))
    rows = [int(row) for row in {row for _, row in found}]  # canonical: no leading zeros
    box.add(min(rows), column_index(narrowest.decode()), max(rows), column_index(widest.decode()))


_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)\b([^>]*?)(/?)>")


def _walk_xml_sheet(path: Path, sheet: str, pieces: Iterator[bytes]) -> _Box:
    """The used rectangle when some cells lack a canonical `r`: follow calamine's positions tag by tag.

    A cell without `r` is one right of the previous one; a row without `r` is one below the previous one.
    Cells that are closed at once (`<c .../>`) hold no value and are not counted.
    """
    box = _Box()
    row = col = 0
    for match in (m for data in pieces for m in _TAG.finditer(data)):
        closing, kind, attrs, empty = match.groups()
        if closing:
            continue
        ref = _ATTR_R.search(attrs) if kind == b"c" else re.search(rb"\br\s*=\s*[\"']([0-9]+)[\"']", attrs)
        if kind == b"row":
            row = int(ref.group(1)) if ref else row + 1
            col = 0
            continue
        if ref:
            col = column_index(ref.group(1).decode())
            row = int(ref.group(2)) or row
        else:
            col += 1
        if row > EXCEL_ROWS or col > EXCEL_COLUMNS:
            raise _sheet_too_large(path, sheet, (1, 1, max(row, 1), max(col, 1)))
        if not empty:
            box.add(max(row, 1), max(col, 1))
            _check_box(path, sheet, box)
    return box


def _formulas(sheet: str, data: bytes, scan: _Scan) -> None:
    for match in _FORMULA_CELL.finditer(data):
        attrs, formula, value = match.groups()
        kind = _ATTR_T.search(attrs)
        if value or (value is not None and kind and kind.group(1) == b"str"):
            continue  # a result is stored (an empty text result only with t="str")
        ref = _ATTR_R.search(attrs)
        if ref is None:
            continue
        text = html.unescape((formula or b"").decode("utf-8", "replace"))
        row, col = int(ref.group(2)), column_index(ref.group(1).decode())
        scan.notices.append(CellNotice(sheet, row, col, text))


def _errors(sheet: str, data: bytes, scan: _Scan) -> None:
    for match in _ERROR_CELL.finditer(data):
        attrs, inner = match.groups()
        ref, value = _ATTR_R.search(attrs), _VALUE.search(inner)
        if ref is None or value is None:
            continue
        text = html.unescape(value.group(1).decode("utf-8", "replace")).strip()[:40]
        if text:
            cells = scan.errors.setdefault(sheet, {})
            cells[(int(ref.group(2)), column_index(ref.group(1).decode()))] = text


def _check_box(path: Path, sheet: str, box: _Box) -> None:
    if box.bottom > EXCEL_ROWS or box.right > EXCEL_COLUMNS or box.cells > MAX_SHEET_CELLS:
        raise _sheet_too_large(path, sheet, box.bounds)


def _sheet_too_large(path: Path, sheet: str, bounds: tuple[int, int, int, int]) -> ReadError:
    top, left, bottom, right = bounds
    if bottom > EXCEL_ROWS or right > EXCEL_COLUMNS:
        return _corrupt(
            path, f"工作表“{sheet}”有单元格位于第 {bottom:,} 行、第 {right:,} 列，超出 Excel 的范围"
        )
    cells = (bottom - top + 1) * (right - left + 1)
    return ReadError(
        "too_large",
        f"文件“{path.name}”的工作表“{sheet}”数据区域为 {address(top, left)}:{address(bottom, right)}"
        f"（{bottom - top + 1:,} 行 × {right - left + 1:,} 列，共 {cells:,} 个单元格），超出安全上限 "
        f"{MAX_SHEET_CELLS:,} 个单元格，已拒绝读取；内容一直延伸到第 {bottom:,} 行、第 {column_letter(right)} 列，"
        "请删除表格以外的多余内容后再校验。",
    )


# --- .xlsb: BIFF12 records ---------------------------------------------------------------------------------

_XLSB_ROW = 0x00
_XLSB_CELLS = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 62}  # cells with a value (blanks, types 1 and 12, hold none)
_XLSB_SHORT_CELLS = {13, 14, 15, 16, 17, 18}  # short forms: the column follows the previous cell's


def _records(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(record type, payload start, payload size) of a BIFF12 stream; stops at a truncated record."""
    pos, end = 0, len(data)
    while pos < end:
        kind, pos = _varint(data, pos, 2)
        size, pos = _varint(data, pos, 4) if kind is not None else (None, pos)
        if kind is None or size is None or pos + size > end:
            return
        yield kind, pos, size
        pos += size


def _varint(data: bytes, pos: int, most: int) -> tuple[int | None, int]:
    """A BIFF12 7-bit varint of at most `most` bytes at `pos`: (value, next position); None if truncated."""
    value = shift = 0
    for _ in range(most):
        if pos >= len(data):
            return None, pos
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return value, pos


def _scan_bin_sheet(path: Path, sheet: str, stream: IO[bytes]) -> _Box:
    data = stream.read(MAX_PARSED_BYTES + 1)  # bounded by the declared sizes checked above
    box = _Box()
    row = col = 0
    for count, (kind, start, size) in enumerate(_records(data)):
        if count > 3 * MAX_SHEET_CELLS:
            raise ReadError(
                "too_large", f"文件“{path.name}”的工作表“{sheet}”记录过多，超出安全上限，已拒绝读取。"
            )
        if kind == _XLSB_ROW and size >= 4:
            row = struct.unpack_from("<I", data, start)[0] + 1
        elif kind in _XLSB_CELLS and size >= 4:
            col = struct.unpack_from("<I", data, start)[0] + 1
            box.add(max(row, 1), col)
        elif kind in _XLSB_SHORT_CELLS:
            col += 1
            box.add(max(row, 1), col)
        else:
            continue
        if box.bottom > EXCEL_ROWS or box.right > EXCEL_COLUMNS or box.cells > MAX_SHEET_CELLS:
            raise _sheet_too_large(path, sheet, box.bounds)
    return box


# --- .ods: content.xml -------------------------------------------------------------------------------------

_ODS_TAG = re.compile(
    rb"<(/?)(?:[\w.-]+:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>|<[A-Za-z]"
)
_ODS_ROWS = re.compile(rb"number-rows-repeated\s*=\s*[\"']\s*([0-9]+)")
_ODS_COLUMNS = re.compile(rb"number-columns-repeated\s*=\s*[\"']\s*([0-9]+)")
_ODS_NAME = re.compile(rb"\bname\s*=\s*[\"']([^\"']*)[\"']")
_ODS_VALUE = re.compile(rb"value-type\s*=")
_ODS_PERCENT = re.compile(rb"value-type\s*=\s*[\"']percentage[\"']")
_MAX_ODS_TAGS = 5 * MAX_SHEET_CELLS  # a cell is two or three tags (cell, paragraph)


def _scan_ods(path: Path, stream: IO[bytes], scan: _Scan) -> int:
    """The cells of every table of an OpenDocument spreadsheet, with row and column repeats applied.

    LibreOffice ends every sheet with empty cells repeated to column 1024 or 16384 and rows repeated to
    1048576; calamine skips those, so only cells with a value type or some content count. Cells of value
    type `percentage` (calamine reads 95% as 0.95) are recorded in `scan.percent`.
    """
    total = tags = 0
    sheet, box = "content.xml", _Box()
    row, col, row_repeat = 1, 1, 1
    pending: tuple[int, int] | None = None  # a cell whose content is not known yet: (column, repeat)

    def close_cell() -> None:
        nonlocal pending
        if pending is not None:
            first, repeat = pending
            box.add(row, first, row + row_repeat - 1, first + repeat - 1)
            _check_box(path, sheet, box)
        pending = None

    for data in _tag_chunks(path, "content.xml", stream):
        for match in _ODS_TAG.finditer(data):
            tags += 1
            if tags > _MAX_ODS_TAGS:
                raise ReadError(
                    "too_large", f"文件“{path.name}”的内容过多（超过 {_MAX_ODS_TAGS:,} 个标记），已拒绝读取。"
                )
            closing, kind, attrs, empty = match.groups()
            if kind is None:  # another element starting: the open cell has content
                close_cell()
                continue
            if closing:
                if kind in (b"table-cell", b"covered-table-cell"):
                    pending = None
                elif kind == b"table-row":
                    row, row_repeat = row + row_repeat, 1
                elif kind == b"table":
                    total += box.cells
                continue
            if kind == b"table":
                name = _ODS_NAME.search(attrs)
                sheet = html.unescape(name.group(1).decode("utf-8", "replace")) if name else "?"
                box, row, col, row_repeat = _Box(), 1, 1, 1
            elif kind == b"table-row":
                repeat = _ODS_ROWS.search(attrs)
                row_repeat, col = (max(1, int(repeat.group(1))) if repeat else 1), 1
                if empty:
                    row, row_repeat = row + row_repeat, 1
            else:
                repeat = _ODS_COLUMNS.search(attrs)
                columns = max(1, int(repeat.group(1))) if repeat else 1
                pending = (col, columns)
                if _ODS_VALUE.search(attrs):
                    close_cell()  # bounds the repeats before they are recorded as percent cells
                    if _ODS_PERCENT.search(attrs):
                        scan.add_percent(sheet, row, col, row + row_repeat - 1, col + columns - 1)
                elif empty:
                    pending = None
                col += columns
    return total


# --- OLE compound files: .xls, encrypted OOXML, Word/PowerPoint ------------------------------------------------

_FREE_SECTORS = 0xFFFFFFFA  # ids from here up are markers (free, end of chain, FAT, DIFAT)
# FORMULA, LABELSST, NUMBER, LABEL, BOOLERR, RK, RSTRING: cells with a value (BLANK and MULBLANK hold none)
_XLS_CELLS = {0x0006, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6}
_XLS_MULRK = 0x00BD


class _Ole:
    """Just enough of the compound file format to list streams and read one (every chain bounded)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        shift, mini_shift = struct.unpack_from("<HH", data, 30)
        if not 7 <= shift <= 16 or not 2 <= mini_shift < shift:
            raise ValueError("bad sector size")
        self.size, self.mini_size = 1 << shift, 1 << mini_shift
        n_fat, dir_start, _, self.cutoff, mini_start, _, difat_start, n_difat = struct.unpack_from(
            "<IIIIIIII", data, 44
        )
        per = self.size // 4
        difat = list(struct.unpack_from("<109I", data, 76))
        sector, seen = difat_start, 0
        while sector < _FREE_SECTORS and seen <= n_difat:
            block = self._sector(sector)
            difat.extend(struct.unpack_from(f"<{per - 1}I", block))
            sector = struct.unpack_from("<I", block, self.size - 4)[0]
            seen += 1
        self.fat: list[int] = []
        for sector in difat[: max(n_fat, 0)]:
            if sector >= _FREE_SECTORS:
                break
            self.fat.extend(struct.unpack_from(f"<{per}I", self._sector(sector)))
        self.sectors = len(data) // self.size  # no chain can be longer: a loop in the FAT ends there
        directory = self._chain(dir_start, self.fat, self._sector, self.sectors)
        self.entries: dict[str, tuple[int, int]] = {}
        self.root: tuple[int, int] = (0, 0)
        for offset in range(0, len(directory) - 127, 128):
            length, kind = struct.unpack_from("<HB", directory, offset + 64)
            if kind not in (2, 5) or not 2 <= length <= 64:
                continue
            name = directory[offset : offset + length - 2].decode("utf-16-le", "replace")
            start, size = struct.unpack_from("<II", directory, offset + 116)
            if kind == 5:
                self.root = (start, size)
            else:
                self.entries.setdefault(name, (start, size))
        self.mini_fat = list(self._ints(self._chain(mini_start, self.fat, self._sector, self.sectors)))

    @staticmethod
    def _ints(data: bytes) -> Iterator[int]:
        return (value for (value,) in struct.iter_unpack("<I", data[: len(data) // 4 * 4]))

    def _sector(self, sector: int) -> bytes:
        start = (sector + 1) * self.size
        if start + self.size > len(self.data):
            raise ValueError("sector beyond the end of the file")
        return self.data[start : start + self.size]

    @staticmethod
    def _chain(start: int, fat: list[int], read: Callable[[int], bytes], limit: int) -> bytes:
        parts, sector = [], start
        for _ in range(min(len(fat), limit) + 1):
            if sector >= _FREE_SECTORS or sector >= len(fat):
                break
            parts.append(read(sector))
            sector = fat[sector]
        return b"".join(parts)

    def stream(self, name: str) -> bytes:
        start, size = self.entries[name]
        if size < self.cutoff:
            mini = self._chain(self.root[0], self.fat, self._sector, self.sectors)[: self.root[1]]

            def read(sector: int) -> bytes:
                return mini[sector * self.mini_size : (sector + 1) * self.mini_size]

            return self._chain(start, self.mini_fat, read, len(mini) // self.mini_size)[:size]
        return self._chain(start, self.fat, self._sector, self.sectors)[:size]


def _check_ole(path: Path, size: int) -> None:
    if size > MAX_XLS_BYTES:
        raise ReadError(
            "too_large", f"文件“{path.name}”大于 {MAX_XLS_BYTES >> 20} MB，超出安全上限，已拒绝读取。"
        )
    data = path.read_bytes()
    try:
        ole = _Ole(data)
    except (ValueError, struct.error) as exc:
        raise _corrupt(path, f"复合文档结构有误：{short_reason(exc)}") from exc
    streams = set(ole.entries)
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise _encrypted(path)
    if "WordDocument" in streams:
        raise ReadError("not_workbook", f"文件“{path.name}”是 Word 文档，不是 Excel 工作簿。")
    if "PowerPoint Document" in streams:
        raise ReadError("not_workbook", f"文件“{path.name}”是 PowerPoint 演示文稿，不是 Excel 工作簿。")
    name = "Workbook" if "Workbook" in streams else "Book" if "Book" in streams else None
    if name is None:
        raise ReadError("not_workbook", f"文件“{path.name}”不是 Excel 工作簿（复合文档中没有工作簿内容）。")
    try:
        _scan_biff(path, ole.stream(name))
    except (ValueError, struct.error) as exc:
        raise _corrupt(path, f"复合文档结构有误：{short_reason(exc)}") from exc


def _scan_biff(path: Path, data: bytes) -> None:
    """Encryption (FILEPASS) and the used rectangle of every worksheet of a BIFF5/8 workbook stream."""
    names: dict[int, str] = {}
    boxes: list[tuple[str, _Box]] = []
    box: _Box | None = None
    pos, end = 0, len(data)
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", data, pos)
        body, pos = pos + 4, pos + 4 + length
        if pos > end:
            break
        if kind == 0x002F and not boxes:  # FILEPASS in the workbook globals
            raise _encrypted(path)
        if kind == 0x0085 and length >= 8:  # BOUNDSHEET: where the sheet's BOF is, and its name
            names[struct.unpack_from("<I", data, body)[0]] = _biff_name(data, body + 6, length - 6)
        elif kind in (0x0809, 0x0409, 0x0209, 0x0009) and length >= 4:  # BOF
            if struct.unpack_from("<H", data, body + 2)[0] == 0x0010:  # a worksheet
                box = _Box()
                boxes.append((names.get(body - 4, f"第 {len(boxes) + 1} 个工作表"), box))
            else:
                box = None
        elif kind == 0x000A:  # EOF
            box = None
        elif box is not None and kind in _XLS_CELLS and length >= 4:
            row, col = struct.unpack_from("<HH", data, body)
            box.add(row + 1, col + 1)
        elif box is not None and kind == _XLS_MULRK and length >= 6:
            row, first = struct.unpack_from("<HH", data, body)
            last = struct.unpack_from("<H", data, body + length - 2)[0]
            box.add(row + 1, first + 1, row + 1, max(first, last) + 1)
    total = 0
    for sheet, found in boxes:
        _check_box(path, sheet, found)
        total += found.cells
    if total > MAX_BOOK_CELLS:
        raise ReadError(
            "too_large",
            f"文件“{path.name}”各工作表的数据区域合计 {total:,} 个单元格，超出安全上限 {MAX_BOOK_CELLS:,}，"
            "已拒绝读取；请删除多余的工作表或表格以外的内容后再校验。",
        )


def _biff_name(data: bytes, start: int, available: int) -> str:
    if available < 2:
        return "?"
    count, flags = data[start], data[start + 1]
    raw = data[start + 2 : start + 2 + count * (2 if flags & 1 else 1)]
    return raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")


# --- sheet names for messages --------------------------------------------------------------------------------

_SHEET_ENTRY = re.compile(rb"<(?:[\w.-]+:)?sheet\b([^>]*)>")
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)>")


def _attr(attrs: bytes, name: bytes) -> str | None:
    match = re.search(rb"(?:^|\s)(?:[\w.-]+:)?" + name + rb"\s*=\s*[\"']([^\"']*)[\"']", attrs)
    return html.unescape(match.group(1).decode("utf-8", "replace")) if match else None


def _sheet_names(path: Path, package: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Worksheet part → sheet name, for messages and for matching calamine's sheets (best effort)."""
    try:
        if "xl/workbook.xml" in names and "xl/_rels/workbook.xml.rels" in names:
            book = _small_part(path, package, "xl/workbook.xml")
            ids = {_attr(m.group(1), b"id"): _attr(m.group(1), b"name") for m in _SHEET_ENTRY.finditer(book)}
        elif "xl/workbook.bin" in names and "xl/_rels/workbook.bin.rels" in names:
            book = _small_part(path, package, "xl/workbook.bin")
            ids = {}
            for kind, start, size in _records(book):
                if kind == 156 and size >= 12:  # BrtBundleSh: state, tab id, relationship id, name
                    rel, after = _wide_string(book, start + 8, start + size)
                    ids[rel] = _wide_string(book, after, start + size)[0]
        else:
            return {}
        rels = _small_part(
            path, package, "xl/_rels/workbook." + ("xml" if "xl/workbook.xml" in names else "bin") + ".rels"
        )
    except (KeyError, ValueError, struct.error):
        return {}
    parts = {}
    for match in _RELATIONSHIP.finditer(rels):
        rel, target = _attr(match.group(1), b"Id"), _attr(match.group(1), b"Target")
        if rel in ids and target and ids[rel]:
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            parts[part] = ids[rel]
    return parts


def _small_part(path: Path, package: zipfile.ZipFile, name: str) -> bytes:
    with package.open(name) as stream:
        data = stream.read(4 << 20)
    if not name.endswith(".bin"):
        _check_prolog(path, name, data[:_CHUNK])
    return data


def _wide_string(data: bytes, start: int, end: int) -> tuple[str | None, int]:
    if start + 4 > end:
        return None, end
    count = struct.unpack_from("<I", data, start)[0]
    stop = start + 4 + 2 * count
    if stop > end:
        return None, end
    return data[start + 4 : stop].decode("utf-16-le", "replace"), stop


# --- messages ---------------------------------------------------------------------------------------------


def _encrypted(path: Path) -> ReadError:
    return ReadError(
        "encrypted", f"文件“{path.name}”设有打开密码（已加密），请在 Excel 中取消密码后另存再校验。"
    )


def _corrupt(path: Path, detail: str) -> ReadError:
    return ReadError("corrupt", f"文件“{path.name}”已损坏或不是有效的工作簿，无法读取（{detail}）。")


def short_reason(exc: BaseException, limit: int = 120) -> str:
    """The first line of an exception's text (or its type), for a Chinese message's parentheses."""
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:limit]


def find_workbooks(paths: list[Path]) -> list[Path]:
    """Files as given, and the workbooks inside folders (recursively, sorted; Excel lock files skipped)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in WORKBOOK_SUFFIXES and not p.name.startswith("~$")
            )
        else:
            found.append(path)
    return found
