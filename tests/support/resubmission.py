"""The sample submitted again: the seed's three tables (one per sheet) with known edits, for the diff tests.

Two defects fixed (S01 项目类别 filled, V07 `=` → `≤` on the cost row), one introduced (V06: a satisfaction
target of 70 %), an empty row inserted above the first project's indicator block, that project's budget
changed (10 → 12, and the department's 基本支出/项目支出 with it, so its sums still hold), and the second
project renamed (援助泸溪资金 → 对口支援泸溪县资金).
"""

from __future__ import annotations

from pathlib import Path

from build_examples import SEED_PATH, parse_seed, three_sheets_spec, write_workbook
from openpyxl.worksheet.cell_range import CellRange

RENAMED = "对口支援泸溪县资金"
INSERTED_ROW = 15  # on sheet 金融处非专项: every row from here on moves down by one


def _shifted(ref: str, at: int) -> str:
    """A merge after a row is inserted at `at`: moved down when below, grown when it spans the row."""
    cells = CellRange(ref)
    if cells.min_row >= at:
        cells.shift(row_shift=1)
    elif cells.max_row >= at:
        cells.expand(down=1)
    return cells.coord


def write_resubmission(path: Path) -> Path:
    """Write the edited sample to `path` (an .xlsx)."""
    first, second, department = three_sheets_spec(parse_seed(SEED_PATH))
    first.rows[11][1] = 12  # 年度本级预算 10 → 12
    first.rows[11][3:4] = ["其他"]  # 项目类别 filled: S01 fixed
    first.rows[22][6] = "≤"  # the cost row's `=`: V07 fixed
    first.rows.insert(INSERTED_ROW - 1, [])
    first.merges = [_shifted(ref, INSERTED_ROW) for ref in first.merges]
    second.rows[10][1] = RENAMED
    second.rows[21][4] = 70  # 满意度 98 → 70: V06 introduced
    department.rows[16][6:8] = [907.134, 42]  # 基本支出 and 项目支出 follow the budget
    write_workbook(path, [first, second, department])
    return path
