"""Zip packages (.xlsx .xlsm .xlsb .ods): members, sizes and ratios, every part calamine parses inflated once;
shared strings counted; the sheet names that messages quote."""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path
from typing import IO

from perfgoals_xl.files.errors import ReadError, corrupt, short_reason
from perfgoals_xl.files.precheck.limits import (
    CHUNK,
    MAX_BOOK_CELLS,
    MAX_COMPRESSION_RATIO,
    MAX_MEMBERS,
    MAX_PARSED_BYTES,
    MAX_UNPACKED_BYTES,
)
from perfgoals_xl.files.precheck.ods import scan_ods
from perfgoals_xl.files.precheck.scan import Scan, check_prolog, chunks, drain, xml_attr
from perfgoals_xl.files.precheck.sheet_xml import percent_cell_pattern, percent_styles, scan_xml_sheet
from perfgoals_xl.files.precheck.xlsb import records, scan_bin_sheet


def check_package(path: Path) -> Scan:
    try:
        with zipfile.ZipFile(path) as package:
            return _check_members(path, package)
    except zipfile.BadZipFile as exc:
        crc = re.match(r"Bad CRC-32 for file '(.*)'", str(exc))
        if crc:  # zipfile stops at the declared size: more data than declared fails the checksum
            raise corrupt(
                path, f"压缩包中“{crc.group(1)}”的内容与声明的大小或校验和不符，疑似压缩炸弹或文件损坏"
            ) from exc
        raise corrupt(path, "压缩包不完整，文件可能没有下载或复制完整") from exc
    except (OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        # zlib errors, unsupported compression, encrypted zip members, overflowing headers
        raise corrupt(path, f"压缩包无法解开：{short_reason(exc)}") from exc


def _check_members(path: Path, package: zipfile.ZipFile) -> Scan:
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
    scan = Scan()
    sheet_names = _sheet_names(path, package, names)
    styles = next((entry for entry in parsed if entry.filename == "xl/styles.xml"), None)
    if styles is not None:  # before the sheets (it usually comes after them in the package)
        with package.open(styles) as stream:
            scan.percent_cell = percent_cell_pattern(percent_styles(path, stream))
    total = 0
    for entry in parsed:
        name = entry.filename
        if entry is styles:
            continue
        sheet = sheet_names.get(name, name)
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            total += scan_xml_sheet(path, sheet, lambda entry=entry: package.open(entry), scan).cells
            continue
        with package.open(entry) as stream:
            if name.startswith("xl/worksheets/") and name.endswith(".bin"):
                total += scan_bin_sheet(path, sheet, stream).cells
            elif name == "content.xml":
                total += scan_ods(path, stream, scan)
            elif name == "xl/sharedStrings.xml":
                _scan_shared_strings(path, entry, stream)
            else:
                drain(path, name, stream)
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


_SST_COUNT = re.compile(rb"<(?:[\w.-]+:)?sst\b[^>]*?\buniqueCount\s*=\s*[\"']\s*([0-9]+)")


def _scan_shared_strings(path: Path, entry: zipfile.ZipInfo, stream: IO[bytes]) -> None:
    """calamine reserves room for `uniqueCount` strings up front: it must be possible in a part this size."""
    first, tail = True, b""
    for chunk in chunks(stream):
        check_prolog(path, entry.filename, tail + chunk)
        tail = chunk[-16:]
        if first:
            match = _SST_COUNT.search(chunk, 0, 4096)
            # a wrong count is harmless while small; a large one must fit the part (`<si/>` is 5 bytes)
            if match and int(match.group(1)) > max(entry.file_size // 5 + 16, 1_000_000):
                raise corrupt(path, f"共享字符串表声明了 {int(match.group(1)):,} 个字符串，与其大小不符")
        first = False


# Cell start tags as Excel, WPS and openpyxl write them: `<c r="B12"` first. A sheet where some cell does
# not look like this (no r, r not first, lower case, a namespace prefix) is walked tag by tag instead.

_SHEET_ENTRY = re.compile(rb"<(?:[\w.-]+:)?sheet\b([^>]*)>")
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)>")


def _sheet_names(path: Path, package: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Worksheet part → sheet name, for messages and for matching calamine's sheets (best effort)."""
    try:
        if "xl/workbook.xml" in names and "xl/_rels/workbook.xml.rels" in names:
            book = _small_part(path, package, "xl/workbook.xml")
            ids = {
                xml_attr(m.group(1), b"id"): xml_attr(m.group(1), b"name")
                for m in _SHEET_ENTRY.finditer(book)
            }
        elif "xl/workbook.bin" in names and "xl/_rels/workbook.bin.rels" in names:
            book = _small_part(path, package, "xl/workbook.bin")
            ids = {}
            for kind, start, size in records(book):
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
        rel, target = xml_attr(match.group(1), b"Id"), xml_attr(match.group(1), b"Target")
        if rel in ids and target and ids[rel]:
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            parts[part] = ids[rel]
    return parts


def _small_part(path: Path, package: zipfile.ZipFile, name: str) -> bytes:
    with package.open(name) as stream:
        data = stream.read(4 << 20)
    if not name.endswith(".bin"):
        check_prolog(path, name, data[:CHUNK])
    return data


def _wide_string(data: bytes, start: int, end: int) -> tuple[str | None, int]:
    if start + 4 > end:
        return None, end
    count = struct.unpack_from("<I", data, start)[0]
    stop = start + 4 + 2 * count
    if stop > end:
        return None, end
    return data[start + 4 : stop].decode("utf-16-le", "replace"), stop
