"""Reading a workbook for writing and writing it safely: a temporary file in the output folder, moved into
place; the source is only ever read. Also the report pages (.html only) and text reports.

Every output of every command follows one convention (`prepare_output`): the suffix is checked, an existing
file is kept unless `force`, and a missing output folder is created."""

from __future__ import annotations

import io
import os
import re
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from perfgoals_xl.core.errors import PerfgoalsError
from perfgoals_xl.core.grid import column_index
from perfgoals_xl.files.errors import short_reason
from perfgoals_xl.files.precheck.limits import MAX_OPENPYXL_CELLS, OLE_MAGIC
from perfgoals_xl.files.precheck.ole import is_encrypted_package

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook


class WriteError(PerfgoalsError):
    """A file that cannot be written (or read for writing); `message` is Chinese and names the file."""


TEXT_SUFFIXES = (".txt", ".json", ".md", ".csv", "")  # a report in words: never a workbook's suffix


def prepare_output(
    dst: Path, *, force: bool, suffixes: tuple[str, ...], what: str, src: Path | None = None
) -> Path:
    """`dst` ready to be written: its suffix one of `suffixes` (`what` says which kind of file), not `src`
    itself, not a folder, not an existing file unless `force`; its folder created when missing."""
    if dst.suffix.lower() not in suffixes:
        shown = "、".join(s for s in suffixes if s) or "（无扩展名）"
        raise WriteError(f"输出文件“{dst}”的扩展名应为 {shown}（{what}）。")
    if src is not None and dst.exists() and (dst.resolve() == src.resolve() or os.path.samefile(dst, src)):
        raise WriteError(f"输出文件“{dst}”就是原文件；原文件不会被改写，请另选输出位置。")
    if dst.is_dir():
        raise WriteError(f"输出位置“{dst}”是一个文件夹，不是文件。")
    if dst.exists() and not force:
        raise WriteError(f"输出文件“{dst}”已存在，未覆盖（加 --force 可覆盖）。")
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"无法创建输出文件夹“{dst.parent}”（{_reason(exc)}）。") from exc
    return dst


def save_workbook(book: OpenpyxlWorkbook, dst: Path, *, force: bool = False) -> Path:
    """Save a workbook we made (a filled template) atomically as .xlsx; an existing `dst` needs `force`."""
    prepare_output(dst, force=force, suffixes=(".xlsx",), what="Excel 工作簿")
    save_file(book, dst)
    return dst


def output_path(src: Path, dst: Path, force: bool) -> Path:
    """Where an annotated or cleared copy of `src` goes (its suffix already chosen)."""
    if not src.is_file():
        raise WriteError(f"找不到文件“{src}”。")
    return prepare_output(dst, force=force, suffixes=(".xlsx", ".xlsm"), what="Excel 工作簿", src=src)


def load_file(src: Path, action: str) -> OpenpyxlWorkbook:
    """The workbook from the bytes of `src` (read once; the file is never opened for writing)."""
    import openpyxl

    try:
        data = src.read_bytes()
    except OSError as exc:
        raise WriteError(f"无法读取文件“{src.name}”，未能{action}（{_reason(exc)}）。") from exc
    if data.startswith(OLE_MAGIC) and is_encrypted_package(data):
        raise WriteError(
            f"文件“{src.name}”设有打开密码（已加密），未能{action}。"
            "请在 Excel 中取消密码（文件 › 信息 › 保护工作簿 › 用密码进行加密，清空密码）后另存，再试。"
        )
    _refuse_huge_merges(src, data, action)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "extension not supported" and the like: the copy is a copy
            return openpyxl.load_workbook(io.BytesIO(data), keep_vba=src.suffix.lower() == ".xlsm")
    except Exception as exc:  # openpyxl raises many kinds on foreign or damaged packages
        raise WriteError(
            f"文件“{src.name}”无法用 openpyxl 打开（{short_reason(exc)}），未能{action}。"
            "请在 Excel 中另存为 .xlsx 后再试。"
        ) from exc


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?"')


def _refuse_huge_merges(src: Path, data: bytes, action: str) -> None:
    """openpyxl makes an object of each cell and each merged cell: a merge over a whole sheet, or a block of
    millions of cells, would take minutes and gigabytes. Refused beyond MAX_OPENPYXL_CELLS."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
            total = 0
            for name in sheets:
                xml = package.read(name)
                merged = _merged_cells(xml)
                if merged > MAX_OPENPYXL_CELLS:
                    raise WriteError(
                        f"文件“{src.name}”的“{name.rsplit('/', 1)[-1]}”合并单元格覆盖约 {merged:,} 个单元格，"
                        f"超出安全上限，未能{action}。请取消表格以外的大范围合并后再试。"
                    )
                total += xml.count(b"<c ") + xml.count(b"<c>")
            if total > MAX_OPENPYXL_CELLS:
                raise WriteError(
                    f"文件“{src.name}”共有约 {total:,} 个单元格，超出写出副本的上限 {MAX_OPENPYXL_CELLS:,}"
                    f"（逐格载入所需内存过大），未能{action}。校验结果仍在报告中；"
                    "如需标注，请删除表格以外多余的行后再试。"
                )
    except zipfile.BadZipFile:
        return  # openpyxl reports a damaged package below


def _merged_cells(xml: bytes) -> int:
    cells = 0
    for col1, row1, col2, row2 in _MERGE.findall(xml):
        top, left = int(row1), column_index(col1.decode())
        bottom, right = int(row2 or row1), column_index((col2 or col1).decode())
        cells += (bottom - top + 1) * (right - left + 1)
    return cells


def save_file(book: OpenpyxlWorkbook, dst: Path) -> None:
    """Save to a temporary file beside `dst`, then move it into place."""

    def write(temp: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book.save(temp)

    _replace(dst, write)


PAGE_SUFFIXES = (".html", ".htm")


def save_page(text: str, dst: Path, *, force: bool = False) -> Path:
    """Write a web page (an .html report) atomically; any other suffix is refused, so no workbook is ever
    overwritten by a report; an existing page needs `force`."""
    prepare_output(dst, force=force, suffixes=PAGE_SUFFIXES, what="网页报告，不会覆盖工作簿或其他文件")
    _replace(dst, lambda temp: temp.write_text(text, encoding="utf-8", newline="\n"))
    return dst


def save_text(
    dst: Path, content: str | Callable[[TextIO], None], *, force: bool = False, what: str = "文本报告"
) -> Path:
    """Write a report in words (text or JSON; a string, or a function that writes to a stream) atomically;
    never over a workbook; an existing file needs `force`."""
    prepare_output(dst, force=force, suffixes=TEXT_SUFFIXES, what=what)

    def write(temp: Path) -> None:
        with temp.open("w", encoding="utf-8", newline="\n") as stream:
            if isinstance(content, str):
                stream.write(content)
            else:
                content(stream)

    _replace(dst, write)
    return dst


def _replace(dst: Path, write: Callable[[Path], None]) -> None:
    """`write` a temporary file beside `dst` (permissions as a new file gets), then move it into place."""
    try:
        handle, name = tempfile.mkstemp(dir=dst.parent, prefix=f".~{dst.stem}.", suffix=".tmp")
    except OSError as exc:
        raise WriteError(f"无法在文件夹“{dst.parent}”中写出“{dst.name}”（{_reason(exc)}）。") from exc
    os.close(handle)
    temp = Path(name)
    try:
        write(temp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, dst)
    except OSError as exc:
        raise WriteError(f"无法写出文件“{dst}”（{_reason(exc)}）。") from exc
    finally:
        temp.unlink(missing_ok=True)


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "没有写入权限"
    if isinstance(exc, FileNotFoundError):
        return "路径不存在"
    return exc.strerror or type(exc).__name__


def activate_first_visible(book: OpenpyxlWorkbook) -> None:
    for index, ws in enumerate(book._sheets):
        if ws.sheet_state == "visible":
            book.active = index
            for other in book._sheets:
                other.sheet_view.tabSelected = other is ws
            return
