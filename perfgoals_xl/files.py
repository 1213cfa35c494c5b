"""Read workbook files into Grids with python-calamine, refusing broken or hostile files with a Chinese message.

Only this module opens files for reading; openpyxl is never imported here (it is slow to import and only
needed when something is written).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from perfgoals_xl.grid import Grid, MergedRange

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")

MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # a real 绩效目标表 package is a few hundred kB
MAX_COMPRESSION_RATIO = 200  # a sheet of text compresses ~10×; zip bombs compress ~1000×
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


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


def read_workbook(path: Path) -> Workbook:
    """All sheets of a workbook as Grids, or a ReadError that says why not."""
    _precheck(path)
    import python_calamine as calamine

    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
        try:
            grids = [_sheet_grid(book, name) for name in book.sheet_names]
        finally:
            book.close()
    except calamine.PasswordError as exc:
        raise _encrypted(path) from exc
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError, ValueError, OSError) as exc:
        raise ReadError(
            "corrupt", f"文件“{path.name}”已损坏或不是有效的工作簿，无法读取（{_short(exc)}）。"
        ) from exc
    return Workbook(path=path, grids=grids)


def _sheet_grid(book: object, name: str) -> Grid:
    sheet = book.get_sheet_by_name(name)  # type: ignore[attr-defined]
    start = sheet.start
    if start is None:
        return Grid(sheet=name, rows=[])
    rows = [[None if v == "" else v for v in line] for line in sheet.to_python(skip_empty_area=True)]
    merges = [
        MergedRange(top=r0 + 1, left=c0 + 1, bottom=r1 + 1, right=c1 + 1)
        for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])
    ]
    return Grid(sheet=name, rows=rows, origin=(start[0] + 1, start[1] + 1), merges=merges)


def _precheck(path: Path) -> None:
    """Refuse what calamine should never see: missing, empty, encrypted, foreign or bomb-like files."""
    if not path.is_file():
        raise ReadError("not_found", f"找不到文件“{path}”。")
    if path.stat().st_size == 0:
        raise ReadError("empty_file", f"文件“{path.name}”是空文件（0 字节），不是工作簿。")
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    if head.startswith(_OLE_MAGIC):
        if _ENCRYPTED_STREAM in head:
            raise _encrypted(path)
        return  # a legacy .xls: calamine reads it
    if head.startswith(b"PK"):
        _check_package(path)
        return
    raise ReadError("not_workbook", f"文件“{path.name}”不是 Excel 工作簿（无法识别的文件格式）。")


def _check_package(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError("corrupt", f"文件“{path.name}”已损坏（压缩包不完整），无法读取。") from exc
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


def _encrypted(path: Path) -> ReadError:
    return ReadError(
        "encrypted", f"文件“{path.name}”设有打开密码（已加密），请在 Excel 中取消密码后另存再校验。"
    )


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


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
