"""The VBA side of perfgoals.xlam, after pyOpenVBA has written it: what it leaves off-spec made to the spec, the
project renamed, and the Chinese messages of the dispatcher spelled in ASCII.

- `tidy_project(vba_project_bin)`: the `dir` stream ends with its terminator (0x0010) and a Reserved u32,
  nothing after ([MS-OVBA] 2.3.4.2; pyOpenVBA appends 4 more zero bytes); the project is named `perfgoals` in
  the `dir` stream's PROJECTNAME record and the PROJECT stream's `Name=` line (the template's is `MyAddin`);
  every storage entry's starting sector is 0 ([MS-CFB] 2.6.3; pyOpenVBA writes ENDOFCHAIN).
- `vba_text(text)`: a VBA string expression for Chinese text — `ChrW(&H8BF7) & …` — because the VBA project's
  code page (1252) cannot hold Chinese, so the module source must stay ASCII.
"""

from __future__ import annotations

import re
import struct

from perfgoals_xl.core.errors import PerfgoalsError
from perfgoals_xl.excel.app import ALERT_TITLE

PROJECT_NAME = "perfgoals"
TEMPLATE_PROJECT_NAME = "MyAddin"
PROJECTNAME_ID = 0x0004
# the last module's terminator (0x002B, size 0), then the dir terminator (0x0010) and its Reserved u32 = 0
DIR_END = struct.pack("<HIHI", 0x002B, 0, 0x0010, 0)
EXTRA_ZEROS = b"\x00" * 4  # what pyOpenVBA writes after DIR_END
STORAGE, ROOT = 1, 5  # directory entry object types ([MS-CFB] 2.6.1)
ENTRY_SIZE, NO_SECTOR = 128, 0xFFFFFFFE
PARTS_PER_LINE, MAX_CONTINUATIONS, CONTINUATION_INDENT = 12, 24, " " * 12
MAX_DIRECTORY_SECTORS = 1024  # a vbaProject.bin has a handful; a cycle in the chain must not loop forever


# What the dispatcher says before Python runs (vba/*.bas: `__MSG_NO_WORKBOOK__` …)
MESSAGES = {
    "MSG_TITLE": ALERT_TITLE,
    "MSG_NO_WORKBOOK": "请先打开或新建一个工作簿，再点击“绩效目标”选项卡中的按钮。",
    "MSG_PROTECTED_VIEW": (
        "这个工作簿正处于受保护的视图中，不能校验或修改。\n"
        "请先点击窗口上方黄色提示栏中的“启用编辑”，再点击“绩效目标”选项卡中的按钮。"
    ),
}


class VbaProjectError(PerfgoalsError):
    """The built VBA project is not shaped as expected; the message is Chinese."""


def tidy_project(data: bytes, name: str = PROJECT_NAME) -> bytes:
    """vbaProject.bin with a spec-conformant `dir` stream, the project called `name` and storages at sector 0."""
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import compress, decompress

    cfb = CFB.from_bytes(data)
    directory = decompress(cfb.get_stream_in_storage("VBA", "dir"))
    directory = _renamed_dir(_without_extra_zeros(directory), name)
    cfb.write_stream_in_storage("VBA", "dir", compress(directory))
    cfb.write_stream("PROJECT", _renamed_project_stream(cfb.get_stream("PROJECT"), name))
    return storages_at_sector_zero(cfb.to_bytes())


def _without_extra_zeros(directory: bytes) -> bytes:
    if directory.endswith(DIR_END + EXTRA_ZEROS):
        return directory[: -len(EXTRA_ZEROS)]
    if directory.endswith(DIR_END):
        return directory
    raise VbaProjectError("加载项的 VBA 工程 dir 流结尾不是规定的结束记录，模板或 pyOpenVBA 可能已变化。")


def _renamed_dir(directory: bytes, name: str) -> bytes:
    old = TEMPLATE_PROJECT_NAME.encode("ascii")
    record = struct.pack("<HI", PROJECTNAME_ID, len(old)) + old
    if directory.count(record) != 1:
        raise VbaProjectError(f"加载项的 VBA 工程中没有找到工程名“{TEMPLATE_PROJECT_NAME}”，模板可能已变化。")
    new = name.encode("ascii")
    return directory.replace(record, struct.pack("<HI", PROJECTNAME_ID, len(new)) + new)


def _renamed_project_stream(stream: bytes, name: str) -> bytes:
    line = re.compile(rb'^Name="' + re.escape(TEMPLATE_PROJECT_NAME.encode("ascii")) + rb'"\r$', re.M)
    if len(line.findall(stream)) != 1:
        raise VbaProjectError(
            f"加载项的 PROJECT 流中没有找到 Name=“{TEMPLATE_PROJECT_NAME}”，模板可能已变化。"
        )
    return line.sub(b'Name="' + name.encode("ascii") + b'"\r', stream)


def storages_at_sector_zero(data: bytes) -> bytes:
    """Every storage entry (not the root, whose start is the mini stream's) gets starting sector 0."""
    out = bytearray(data)
    sector_size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    fat = _fat(data, sector_size)
    sector = struct.unpack_from("<I", data, 0x30)[0]
    for _ in range(MAX_DIRECTORY_SECTORS):
        if sector >= NO_SECTOR - 1 or sector >= len(fat):
            break
        base = (sector + 1) * sector_size
        for offset in range(base, base + sector_size, ENTRY_SIZE):
            if out[offset + 66] == STORAGE:
                struct.pack_into("<I", out, offset + 116, 0)
        sector = fat[sector]
    return bytes(out)


def _fat(data: bytes, sector_size: int) -> list[int]:
    """The FAT from the header's 109 DIFAT slots (a vbaProject.bin never needs DIFAT sectors)."""
    if struct.unpack_from("<I", data, 0x48)[0] != 0:
        raise VbaProjectError("加载项的 VBA 工程过大（需要 DIFAT 扇区），无法整理。")
    fat: list[int] = []
    for slot in struct.unpack_from("<109I", data, 0x4C):
        if slot >= NO_SECTOR - 1:
            break
        start = (slot + 1) * sector_size
        fat.extend(struct.unpack_from(f"<{sector_size // 4}I", data, start))
    return fat


# --- Chinese text in an ASCII module ------------------------------------------------------------------------


def vba_text(text: str) -> str:
    """A VBA expression for `text`: ASCII runs as string literals, every other character as ChrW(&HXXXX), broken
    over continued lines (a VBA line holds at most 1023 characters, a statement at most 24 continuations)."""
    parts: list[str] = []
    run = ""
    for char in text:
        if " " <= char <= "~":
            run += char.replace('"', '""')
            continue
        if run:
            parts.append(f'"{run}"')
            run = ""
        parts.append("vbLf" if char == "\n" else f"ChrW(&H{ord(char):04X})")
    if run or not parts:
        parts.append(f'"{run}"')
    lines = [" & ".join(parts[i : i + PARTS_PER_LINE]) for i in range(0, len(parts), PARTS_PER_LINE)]
    if len(lines) > MAX_CONTINUATIONS + 1:
        raise VbaProjectError(f"提示文字过长，VBA 的一条语句放不下：{text[:20]}…")
    return (" & _\n" + CONTINUATION_INDENT).join(lines)


def with_messages(source: str, messages: dict[str, str] | None = None) -> str:
    """Each `__MSG_KEY__` of a module's source replaced by vba_text(messages["MSG_KEY"]); all must be known."""
    messages = MESSAGES if messages is None else messages
    unknown = set(re.findall(r"__(MSG_[A-Z_]+)__", source)) - set(messages)
    if unknown:
        raise VbaProjectError(f"VBA 模块中有未知的提示占位符：{'、'.join(sorted(unknown))}。")
    for key, text in messages.items():
        source = source.replace(f"__{key}__", vba_text(text))
    return source
