"""The hostile-file precheck: what python-calamine must never see, refused with a Chinese message.

Only this module opens files for reading; openpyxl is never imported here (it is slow to import and only
needed when something is written).

python-calamine runs in this process and some inputs make it abort the whole process (a Rust allocation
failure is not an exception): a sheet whose cells span to XFD1048576 (it allocates the full rectangle), an
.xlsx `<sst uniqueCount="4000000000">` (it reserves that many strings), an .ods row repeated a million times.
So before calamine sees a file, `precheck` reads the package itself, cheaply and with hard bounds:

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

from pathlib import Path

from perfgoals_xl.files.errors import ReadError
from perfgoals_xl.files.precheck.limits import OLE_MAGIC
from perfgoals_xl.files.precheck.ole import check_ole
from perfgoals_xl.files.precheck.package import check_package
from perfgoals_xl.files.precheck.scan import Scan


def precheck(path: Path) -> Scan:
    """Refuse what calamine should never see: missing, empty, encrypted, foreign, hostile or huge files."""
    if not path.is_file():
        raise ReadError("not_found", f"找不到文件“{path}”。")
    size = path.stat().st_size
    if size == 0:
        raise ReadError("empty_file", f"文件“{path.name}”是空文件（0 字节），不是工作簿。")
    with path.open("rb") as handle:
        head = handle.read(1024)
    if head.startswith(OLE_MAGIC):
        check_ole(path, size)
        return Scan()
    if head.startswith(b"PK"):
        return check_package(path)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<") and (b"<html" in text or b"<table" in text or b"spreadsheet" in text):
        # what many systems export as ".xls": a web page or an Excel 2003 XML spreadsheet
        raise ReadError(
            "not_workbook",
            f"文件“{path.name}”是网页或 XML 格式的表格（扩展名虽是 {path.suffix}），不是 Excel 工作簿；"
            "请在 Excel 或 WPS 中打开，另存为 .xlsx 后再校验。",
        )
    raise ReadError("not_workbook", f"文件“{path.name}”不是 Excel 工作簿（无法识别的文件格式）。")
