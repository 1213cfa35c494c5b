"""Build the example workbooks in ``workbook_templates/examples/`` from the 渌口区 2026 seed export.

The seed (``seed/lukou_2026.txt``) is a tab-separated text export of three budget performance tables
(two project tables and one department table).  Line N of the seed is called "seed line N"; blank cells
in the export are merged cells in the original workbook.  This script rebuilds real ``.xlsx`` files
from it, keeping every defect of the original (truncated labels, the shifted line 49, 0.5 条, ...)
so that the checker has realistic material to work on.

Run ``python workbook_templates/build_examples.py [--out DIR]``.  The helpers ``SheetSpec``,
``write_workbook``, ``parse_seed`` and ``build`` are importable for tests.
"""

import argparse
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

SCRIPT_DIR = Path(__file__).resolve().parent
SEED_PATH = SCRIPT_DIR / "seed" / "lukou_2026.txt"
DEFAULT_OUT_DIR = SCRIPT_DIR / "examples"

ONE_SHEET_FILE = "seed_one_sheet.xlsx"
THREE_SHEETS_FILE = "seed_three_sheets.xlsx"
ONE_SHEET_NAME = "绩效目标表"

# Fixed document timestamps so that rebuilding yields the same workbook.
FIXED_TIMESTAMP = datetime(2026, 1, 1)
_ZIP_DATE_TIME = (2026, 1, 1, 0, 0, 0)

_FIRST_COLUMN_WIDTH = 16.0
_COLUMN_WIDTH = 14.0
_MIN_COLUMNS = 8  # the tables span A:H
_LINE_HEIGHT = 15.0  # points per wrapped text line

_NUMBER_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_THIN = Side(style="thin")
_GRID_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TEXT_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
_NUMBER_ALIGNMENT = Alignment(vertical="center")


@dataclass
class SheetSpec:
    """One worksheet: ``rows[i][k]`` goes to row i+1, column k+1; ``merges`` are A1-style ranges."""

    name: str
    rows: list[list[object]]
    merges: list[str]


@dataclass(frozen=True)
class _Table:
    """One table of the seed: its seed lines, target sheet and merges (in seed line numbers)."""

    sheet_name: str
    first_line: int  # title line; earlier rows of the sheet stay empty
    last_line: int
    offset: int  # sheet row = seed line - offset
    merges: tuple[str, ...]


_TABLES = (
    _Table(
        sheet_name="金融处非专项",
        first_line=3,
        last_line=25,
        offset=0,
        merges=(
            "A3:H3",
            "A7:H7",
            "A9:H9",
            "B11:H11",
            "D12:H12",
            "B13:H13",
            "B14:H14",
            "A15:A25",
            "B16:B18",
            "B19:B21",
            # B22 is a single-row group: no merge.
            "B23:B25",
        ),
    ),
    _Table(
        sheet_name="援助泸溪资金",
        first_line=27,
        last_line=49,
        offset=24,
        merges=(
            "A27:H27",
            "A31:H31",
            "A33:H33",
            "B35:H35",
            "B36:C36",
            "E36:H36",
            "B37:H37",
            "B38:H38",
            # Seed line 49 is a real defect: its label sits in column A.  Keep it, do not merge A49.
            "A39:A48",
            "B40:B42",
            "B43:B45",
            "B47:B48",
        ),
    ),
    _Table(
        sheet_name="部门整体",
        first_line=51,
        last_line=76,
        offset=48,
        merges=(
            "A51:H51",
            "A53:H53",
            "A57:B57",
            "C57:H57",
            "A58:B58",
            "C58:H58",
            "A59:A62",
            "C59:H59",
            "C60:H60",
            "C61:H61",
            "C62:H62",
            "A63:A65",
            "B64:B65",
            "C63:F63",
            "G63:H63",
            "A67:A69",
            "A70:A72",
            "A73:A75",
            # A76 is a single-row group: no merge.
        ),
    ),
)


def parse_seed(path: Path | str) -> list[list[object]]:
    """Parse a tab-separated seed export into one list of cells per line (index 0 = line 1).

    Cells are stripped of surrounding whitespace; empty cells become ``None`` and trailing empty
    cells are dropped; plain decimal numbers become ``int`` or ``float``; all other text is kept.
    """
    text = Path(path).read_text(encoding="utf-8-sig")
    if text.endswith("\n"):
        text = text[:-1]  # a terminating newline does not start another line
    return [_parse_line(line.removesuffix("\r")) for line in text.split("\n")]


def _parse_line(line: str) -> list[object]:
    """Split one seed line on tabs and convert its cells."""
    cells = [_parse_cell(raw) for raw in line.split("\t")]
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def _parse_cell(raw: str) -> object:
    """Convert one raw cell: ``None`` for empty, a number for plain decimals, else the stripped text."""
    value = raw.strip()
    if not value:
        return None
    if _NUMBER_RE.fullmatch(value):
        return float(value) if "." in value else int(value)
    return value


def write_workbook(path: Path, sheets: Sequence[SheetSpec]) -> None:
    """Write ``sheets`` to an ``.xlsx`` file at ``path`` atomically and deterministically.

    Every merge must cover only empty cells apart from its top-left anchor, and merges must not
    overlap; otherwise ``ValueError`` is raised before anything is written.
    """
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    names = [spec.name for spec in sheets]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate sheet names: {names}")
    for spec in sheets:
        _check_merges(spec)

    wb = Workbook()
    wb.remove(wb.active)
    for spec in sheets:
        _fill_sheet(wb.create_sheet(spec.name), spec)
    save_deterministic(wb, Path(path))


def save_deterministic(wb: Workbook, path: Path) -> None:
    """Save an openpyxl workbook atomically with fixed timestamps, so a rebuild is byte-identical."""
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    # Workbook.save() stamps "modified" with the current time, so drive the writer directly.
    buffer = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    _atomic_write(path, _normalised_zip(buffer.getvalue()))


def _cell_value(rows: Sequence[Sequence[object]], row: int, col: int) -> object:
    """Return the value at 1-based ``row``/``col`` or ``None`` when outside the data."""
    if row > len(rows) or col > len(rows[row - 1]):
        return None
    return rows[row - 1][col - 1]


def _check_merges(spec: SheetSpec) -> None:
    """Fail loudly if a merge would swallow a non-empty cell or overlap another merge."""
    covered: dict[tuple[int, int], str] = {}
    for ref in spec.merges:
        rng = CellRange(ref)
        if rng.size["rows"] * rng.size["columns"] < 2:
            raise ValueError(f"{spec.name}!{ref}: a merge needs at least two cells")
        for row, col in rng.cells:
            if (row, col) in covered:
                raise ValueError(f"{spec.name}!{ref} overlaps {covered[row, col]}")
            covered[row, col] = ref
            if (row, col) == (rng.min_row, rng.min_col):
                continue
            value = _cell_value(spec.rows, row, col)
            if value is not None and value != "":
                coord = f"{get_column_letter(col)}{row}"
                raise ValueError(f"{spec.name}!{ref}: non-anchor cell {coord} is not empty ({value!r})")


def _fill_sheet(ws: Worksheet, spec: SheetSpec) -> None:
    """Write values, styles, merges, column widths and row heights of one sheet."""
    n_cols = max([_MIN_COLUMNS, *(len(row) for row in spec.rows)])
    widths = [_FIRST_COLUMN_WIDTH] + [_COLUMN_WIDTH] * (n_cols - 1)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width

    for r, row in enumerate(spec.rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # keep text such as "=" or "=x" from becoming a formula
                cell.alignment = _TEXT_ALIGNMENT
            else:
                cell.alignment = _NUMBER_ALIGNMENT
        if len(row) > 1:  # a table grid row (titles and captions are single-cell lines)
            for c in range(1, n_cols + 1):
                ws.cell(row=r, column=c).border = _GRID_BORDER

    for ref in spec.merges:
        ws.merge_cells(ref)
    _set_row_heights(ws, spec, widths)


def _display_width(text: str) -> int:
    """Approximate the width of ``text`` in Excel character units (CJK counts double)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _set_row_heights(ws: Worksheet, spec: SheetSpec, widths: Sequence[float]) -> None:
    """Give rows with long wrapped text enough height (Excel does not auto-fit merged cells)."""
    spans: dict[tuple[int, int], CellRange] = {}
    for ref in spec.merges:
        rng = CellRange(ref)
        spans[rng.min_row, rng.min_col] = rng
    for r, row in enumerate(spec.rows, start=1):
        lines = 1
        for c, value in enumerate(row, start=1):
            if not isinstance(value, str):
                continue
            rng = spans.get((r, c))
            if rng is not None and rng.max_row > rng.min_row:
                continue  # vertical merges already have several rows of room
            last_col = rng.max_col if rng is not None else c
            room = sum(widths[c - 1 : last_col]) - 1
            lines = max(lines, -(-_display_width(value) // max(int(room), 1)))
        if lines > 1:
            ws.row_dimensions[r].height = lines * _LINE_HEIGHT


def _normalised_zip(data: bytes) -> bytes:
    """Re-pack an xlsx archive with fixed entry timestamps so rebuilds are byte-identical."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info))
    return out.getvalue()


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file next to ``path`` and move it into place."""
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _shift_merge(ref: str, offset: int) -> str:
    """Convert a merge given in seed line numbers to sheet rows (row = line - offset)."""
    rng = CellRange(ref)
    rng.shift(row_shift=-offset)
    return rng.coord


def _fix_export_artefacts(seed: list[list[object]]) -> list[list[object]]:
    """Return a copy of the seed rows with the one deliberate deviation from the text applied.

    The text export puts 按支出性质分 in column F of seed line 63, while its sub-labels 基本支出 and
    项目支出 sit in G:H on line 64.  In the original workbook the label heads the G63:H63 merge (and
    按收入性质分 heads C63:F63), so it is moved from F63 to G63.  Everything else stays as exported.
    """
    rows = [list(row) for row in seed]
    if len(rows) < 76:
        raise ValueError(f"seed has {len(rows)} lines, expected 76")
    line63 = rows[62]
    if line63[2:] != ["按收入性质分", None, None, "按支出性质分"]:
        raise ValueError(f"unexpected seed line 63: {line63!r}")
    line63[5:] = [None, "按支出性质分"]
    return rows


def _table_sheet(seed: list[list[object]], table: _Table) -> SheetSpec:
    """Build the sheet for one table; rows before its title line stay empty."""
    leading = [[] for _ in range(table.first_line - table.offset - 1)]
    body = [list(row) for row in seed[table.first_line - 1 : table.last_line]]
    merges = [_shift_merge(ref, table.offset) for ref in table.merges]
    return SheetSpec(name=table.sheet_name, rows=leading + body, merges=merges)


def one_sheet_spec(seed: list[list[object]]) -> list[SheetSpec]:
    """All three tables on one sheet; sheet row N is seed line N."""
    rows = _fix_export_artefacts(seed)
    merges = [ref for table in _TABLES for ref in table.merges]
    return [SheetSpec(name=ONE_SHEET_NAME, rows=rows, merges=merges)]


def three_sheets_spec(seed: list[list[object]]) -> list[SheetSpec]:
    """One sheet per table, each with its title on row 3."""
    rows = _fix_export_artefacts(seed)
    return [_table_sheet(rows, table) for table in _TABLES]


def build(out_dir: Path) -> list[Path]:
    """Build both example workbooks into ``out_dir`` and return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    seed = parse_seed(SEED_PATH)
    outputs = [
        (out_dir / ONE_SHEET_FILE, one_sheet_spec(seed)),
        (out_dir / THREE_SHEETS_FILE, three_sheets_spec(seed)),
    ]
    for path, specs in outputs:
        write_workbook(path, specs)
    return [path for path, _ in outputs]


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT_DIR,
        metavar="DIR",
        help=f"output directory (default: {DEFAULT_OUT_DIR})",
    )
    args = parser.parse_args()
    for path in build(args.out):
        print(path)


if __name__ == "__main__":
    main()
