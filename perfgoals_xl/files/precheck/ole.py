"""OLE compound files: an .xls (its BIFF cell records bounded), an encrypted OOXML package, or a Word or
PowerPoint file renamed."""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from pathlib import Path

from perfgoals_xl.files.errors import ReadError, corrupt, encrypted, short_reason
from perfgoals_xl.files.precheck.limits import MAX_BOOK_CELLS, MAX_XLS_BYTES
from perfgoals_xl.files.precheck.scan import Box, check_box

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


ENCRYPTION_STREAMS = ("EncryptedPackage", "EncryptionInfo")  # an OOXML package behind a password


def is_encrypted_package(data: bytes) -> bool:
    """An OLE compound file holding a password-protected OOXML package (what an encrypted .xlsx is)."""
    try:
        return any(name in _Ole(data).entries for name in ENCRYPTION_STREAMS)
    except (ValueError, struct.error):
        return False


def check_ole(path: Path, size: int) -> None:
    if size > MAX_XLS_BYTES:
        raise ReadError(
            "too_large", f"文件“{path.name}”大于 {MAX_XLS_BYTES >> 20} MB，超出安全上限，已拒绝读取。"
        )
    data = path.read_bytes()
    try:
        ole = _Ole(data)
    except (ValueError, struct.error) as exc:
        raise corrupt(path, f"复合文档结构有误：{short_reason(exc)}") from exc
    streams = set(ole.entries)
    if any(name in streams for name in ENCRYPTION_STREAMS):
        raise encrypted(path)
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
        raise corrupt(path, f"复合文档结构有误：{short_reason(exc)}") from exc


def _scan_biff(path: Path, data: bytes) -> None:
    """Encryption (FILEPASS) and the used rectangle of every worksheet of a BIFF5/8 workbook stream."""
    names: dict[int, str] = {}
    boxes: list[tuple[str, Box]] = []
    box: Box | None = None
    pos, end = 0, len(data)
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", data, pos)
        body, pos = pos + 4, pos + 4 + length
        if pos > end:
            break
        if kind == 0x002F and not boxes:  # FILEPASS in the workbook globals
            raise encrypted(path)
        if kind == 0x0085 and length >= 8:  # BOUNDSHEET: where the sheet's BOF is, and its name
            names[struct.unpack_from("<I", data, body)[0]] = _biff_name(data, body + 6, length - 6)
        elif kind in (0x0809, 0x0409, 0x0209, 0x0009) and length >= 4:  # BOF
            if struct.unpack_from("<H", data, body + 2)[0] == 0x0010:  # a worksheet
                box = Box()
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
        check_box(path, sheet, found)
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
