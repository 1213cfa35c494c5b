"""The add-in's package (a zip of XML parts around the VBA project): the template's parts rewritten for our add-in
(ribbon and its relationship, the perfgoals.conf sheet), the VBA project tidied after pyOpenVBA, and the settings
sheet read back (tests, `addin install`)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

from perfgoals_xl.cli.addin_server import ServerFlavourError, append_conf_rows
from perfgoals_xl.cli.addin_vba import VbaProjectError, tidy_project
from perfgoals_xl.core.errors import PerfgoalsError

TEMPLATE_PROJECT, PROJECT = "myaddin", "perfgoals"
TEMPLATE_CONF, CONF = f"_{TEMPLATE_PROJECT}.conf", f"{PROJECT}.conf"
INTERPRETER_KEY = "Interpreter_Win"
CUSTOM_UI = "customUI/customUI.xml"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
CONTENT_TYPES = "[Content_Types].xml"
PACKAGE_RELS = "_rels/.rels"
VBA_PROJECT = "xl/vbaProject.bin"
ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
# customUI of the 2006/01 namespace (Office 2007) is found through this relationship type; the 2007 type is for
# the 2009/07 namespace (Office 2010). xlwings' own xlwings.xlam pairs them so.
UI_RELATIONSHIP = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
UI_RELATIONSHIP_2010 = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


class AddinError(PerfgoalsError):
    """A build or install step that cannot be done; the message is Chinese and says what to do."""


def rewrite_package(
    template: Path, out: Path, custom_ui: bytes, interpreter: str, conf: list[tuple[str, str]]
) -> None:
    """Copy the template entry by entry (same order, compression, dates), replacing the parts we change."""
    with zipfile.ZipFile(template) as source:
        names = source.namelist()
        if CUSTOM_UI not in names:
            raise AddinError(f"模板中没有 {CUSTOM_UI}，模板可能已变化。")
        workbook = source.read(WORKBOOK).decode("utf-8")
        sheet_part = _sheet_part(workbook, source.read(WORKBOOK_RELS), TEMPLATE_CONF)
        sheet = _set_interpreter(source.read(sheet_part).decode("utf-8"), interpreter)
        try:
            sheet = append_conf_rows(sheet, conf)
        except ServerFlavourError as exc:
            raise AddinError(str(exc)) from None
        replaced = {
            PACKAGE_RELS: _ui_relationship(source.read(PACKAGE_RELS)),
            CUSTOM_UI: custom_ui,
            WORKBOOK: _rename_conf_sheet(workbook).encode("utf-8"),
            sheet_part: sheet.encode("utf-8"),
        }
        with zipfile.ZipFile(out, "w") as target:
            for info in source.infolist():
                data = replaced.get(info.filename)
                target.writestr(info, source.read(info) if data is None else data)


def _ui_relationship(rels: bytes) -> bytes:
    """_rels/.rels with the customUI part found through the relationship type of its namespace."""
    old, new = UI_RELATIONSHIP_2010.encode(), UI_RELATIONSHIP.encode()
    if rels.count(old) + rels.count(new) != 1:
        raise AddinError(f"模板的 {PACKAGE_RELS} 中没有唯一的功能区（customUI）关系，模板可能已变化。")
    return rels.replace(old, new)


def _sheet_part(workbook: str, rels: bytes, sheet_name: str) -> str:
    """The package part (e.g. xl/worksheets/sheet1.xml) of the sheet called `sheet_name`."""
    root = ET.fromstring(workbook)
    for sheet in root.iterfind("m:sheets/m:sheet", NS):
        if sheet.get("name") == sheet_name:
            rel_id = sheet.get(f"{{{NS['r']}}}id")
            break
    else:
        raise AddinError(f"模板中没有工作表“{sheet_name}”，模板可能已变化。")
    for rel in ET.fromstring(rels).iterfind("rel:Relationship", NS):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise AddinError(f"模板中找不到工作表“{sheet_name}”的部件。")


def _rename_conf_sheet(workbook: str) -> str:
    old = f'<sheet name="{TEMPLATE_CONF}"'
    if workbook.count(old) != 1:
        raise AddinError(f"模板的 workbook.xml 中没有工作表“{TEMPLATE_CONF}”，模板可能已变化。")
    return workbook.replace(old, f'<sheet name="{CONF}"')


def _set_interpreter(sheet: str, interpreter: str) -> str:
    """B1 (the value of Interpreter_Win in A1) as an inline string; row 1's span hint grows to A:B."""
    row = re.search(r'<row r="1"[^>]*>(.*?)</row>', sheet, re.S)
    if row is None or '<c r="A1"' not in row[1] or '<c r="B1"' in row[1]:
        raise AddinError(
            "模板配置表的第 1 行与预期不同（应为 A1 = Interpreter_Win，B1 为空），模板可能已变化。"
        )
    style = re.search(r'<c r="A1"[^>]*?\ss="(\d+)"', row[1])
    style_attr = f' s="{style[1]}"' if style else ""
    cell = (
        f'<c r="B1"{style_attr} t="inlineStr"><is><t xml:space="preserve">{escape(interpreter)}</t></is></c>'
    )
    opening = re.sub(r'spans="[^"]*"', 'spans="1:2"', sheet[row.start() : row.start(1)])
    return sheet[: row.start()] + opening + row[1] + cell + sheet[row.end(1) :]


def tidy_vba_project(source: Path, target: Path) -> None:
    """The package copied entry by entry with its VBA project tidied (cli/addin_vba.py)."""
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(target, "w") as out:
        for info in package.infolist():
            data = package.read(info)
            if info.filename == VBA_PROJECT:
                try:
                    data = tidy_project(data)
                except VbaProjectError as exc:
                    raise AddinError(exc.message) from None
            out.writestr(info, data)


# --- reading a built add-in back (tests, install) -----------------------------------------------------------


def read_conf(xlam: Path) -> dict[str, str]:
    """The perfgoals.conf sheet of a built add-in as {key: value} (shared and inline strings resolved)."""
    with zipfile.ZipFile(xlam) as package:
        part = _sheet_part(package.read(WORKBOOK).decode("utf-8"), package.read(WORKBOOK_RELS), CONF)
        strings = []
        if "xl/sharedStrings.xml" in package.namelist():
            for item in ET.fromstring(package.read("xl/sharedStrings.xml")).iterfind("m:si", NS):
                strings.append("".join(t.text or "" for t in item.iter(f"{{{NS['m']}}}t")))
        sheet = ET.fromstring(package.read(part))
    cells: dict[str, str] = {}
    for cell in sheet.iter(f"{{{NS['m']}}}c"):
        kind, value = cell.get("t"), cell.find("m:v", NS)
        if kind == "inlineStr":
            text = "".join(t.text or "" for t in cell.iter(f"{{{NS['m']}}}t"))
        elif value is None:
            continue
        elif kind == "s":
            text = strings[int(value.text or 0)]
        elif kind == "b":
            text = "TRUE" if value.text == "1" else "FALSE"
        else:
            text = value.text or ""
        cells[cell.get("r", "")] = text
    conf = {}
    row = 1
    while f"A{row}" in cells:
        conf[cells[f"A{row}"]] = cells.get(f"B{row}", "")
        row += 1
    return conf
