"""The file host: draw a Plan of marks into a copy of a workbook file, and clear our marks from a file.

- `annotate` writes an annotated COPY: conditional-format fills (marker formula), notes, the 校验结果 sheet and
  the hidden `_pg_*` names of marks.py; everything else of the user's workbook is kept as openpyxl keeps it.
  .xlsm keeps its macros; .xls/.xlsb/.ods, which openpyxl cannot open, become an .xlsx copy built from the
  Grids that were checked (values, merges, sheet names).
- `clear` writes a copy without our marks: the marker CF rules, notes starting with NOTE_PREFIX, the results
  sheet and the registry names — nothing of the user's.

The source file is only ever read (its bytes, once); output goes to a temporary file in the output folder
and is moved into place, so a half-written file never appears. openpyxl is imported inside the functions
that write, never at import time: `perfgoals-xl check` without --annotate does not load it.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from perfgoals_xl.core.grid import Grid
from perfgoals_xl.core.marks import Plan, plan_marks
from perfgoals_xl.files.precheck.limits import MAX_OPENPYXL_CELLS
from perfgoals_xl.files.write.clear import ClearReport, remove_marks
from perfgoals_xl.files.write.copy import from_grids, renamed
from perfgoals_xl.files.write.draw import draw
from perfgoals_xl.files.write.save import (
    WriteError,
    load_file,
    output_path,
    prepare_output,
    save_file,
    save_page,
    save_text,
    save_workbook,
)
from perfgoals_xl.files.write.style import ANNOTATED_SUFFIX, OPENPYXL_SUFFIXES

__all__ = [
    "ClearReport",
    "WriteError",
    "annotate",
    "annotated_name",
    "clear",
    "cleared_name",
    "output_suffix",
    "plan_for",
    "prepare_output",
    "save_page",
    "save_text",
    "save_workbook",
]

if TYPE_CHECKING:
    from perfgoals_xl.core.report import FileReport
    from perfgoals_xl.files.read import Workbook


# --- public ----------------------------------------------------------------------------------------------------


def output_suffix(src: Path) -> str:
    """The suffix an annotated or cleared copy of `src` gets: .xlsm stays .xlsm, everything else is .xlsx."""
    return ".xlsm" if src.suffix.lower() == ".xlsm" else ".xlsx"


def annotated_name(src: Path) -> str:
    """`报送表.xls` → `报送表_校验.xlsx`."""
    return f"{src.stem}{ANNOTATED_SUFFIX}{output_suffix(src)}"


def cleared_name(src: Path) -> str:
    """`报送表_校验.xlsx` → `报送表.xlsx`: the name the file had before it was annotated."""
    return f"{src.stem.removesuffix(ANNOTATED_SUFFIX) or src.stem}{output_suffix(src)}"


def plan_for(workbook: Workbook, result: FileReport, *, checked_at: datetime | None = None) -> Plan:
    """The marks for one checked file: notes anchored to merged ranges' top-left cells via its Grids."""
    grids = {grid.sheet: grid for grid in workbook.grids}

    def anchor(sheet: str, row: int, col: int) -> tuple[int, int]:
        grid = grids.get(sheet)
        return grid.anchor(row, col) if grid is not None else (row, col)

    return plan_marks(
        result.tables,
        result.findings,
        source=workbook.path.name,
        checked_at=checked_at or datetime.now(),
        anchor=anchor,
        hidden_sheets=[grid.sheet for grid in workbook.grids if grid.visibility != "visible"],
        settings=result.settings,
    )


def annotate(src: Path, dst: Path, plan: Plan, grids: list[Grid], *, force: bool = False) -> Path:
    """Write `src` with the marks of `plan` to `dst` (suffix adjusted, see output_suffix); returns the path.

    Marks of an earlier check in `src` are removed first, so annotating an annotated file gives the same
    marks as annotating the original. A user's note on an offending cell is kept (the finding is still listed
    in the results sheet). `grids` are only used for formats openpyxl cannot open (.xls/.xlsb/.ods).
    """
    src, dst = Path(src), Path(dst)
    dst = output_path(src, dst.with_suffix(output_suffix(src)), force)
    if src.suffix.lower() in OPENPYXL_SUFFIXES:
        book = load_file(src, "写出标注副本")
    else:
        _refuse_too_many_cells(src, grids)
        book, titles = from_grids(grids)
        plan = renamed(plan, titles)
    remove_marks(book, keep_values=True)  # a check after 计算合计 keeps the totals it wrote
    draw(book, plan)
    save_file(book, dst)
    return dst


def _refuse_too_many_cells(src: Path, grids: list[Grid]) -> None:
    """The copy of an .xls/.xlsb/.ods is built cell by cell in openpyxl: bounded as load_file bounds a load."""
    cells = sum(1 for grid in grids for line in grid.rows for value in line if value is not None)
    if cells > MAX_OPENPYXL_CELLS:
        raise WriteError(
            f"文件“{src.name}”共有 {cells:,} 个非空单元格，超出写出副本的上限 {MAX_OPENPYXL_CELLS:,}，"
            "未能写出标注副本。校验结果仍在报告中；如需标注，请删除表格以外多余的行后再试。"
        )


def clear(src: Path, dst: Path, *, force: bool = False) -> ClearReport:
    """Write `src` without our marks to `dst`; when `src` has none, nothing is written (report.path is None)."""
    src, dst = Path(src), Path(dst)
    if src.suffix.lower() not in OPENPYXL_SUFFIXES:
        raise WriteError(
            f"文件“{src.name}”不是 .xlsx/.xlsm 文件：只有这两种文件会带有校验标记"
            "（.xls/.xlsb/.ods 的标注副本都另存为 .xlsx）。"
        )
    dst = output_path(src, dst.with_suffix(output_suffix(src)), force)
    book = load_file(src, "清除标记")
    removed = remove_marks(book)
    if not removed.total:
        return dataclasses.replace(removed, source=src)
    save_file(book, dst)
    return dataclasses.replace(removed, source=src, path=dst)
