"""Layout changes that do not change what a table says must not change what the checker finds.

Each real table of tests/corpus/real and each sheet of the bundled samples is checked as written, then changed
the way clerks and exports change layouts (tests/support/layout_changes.py: moved, labels wrapped, colons
swapped, a 填报人 footer, padded text, a cover sheet, numbers as text, percentages as formatted numbers, a
blank row in the block, blank rows in the head, an empty column, 一级/二级 filled down or merged, full-width
digits in the values, the block header repeated at a page break, another table above or beside it).
The findings must be the same, each at the cell its original moved to. Found with these: a footer read as an
indicator row (tree layout) or as a header item left blank; a label filled down reported on every row; a
年度 column group after an empty column read as a table of its own; a repeated header that cut the 一级/二级
carry-down (H09 「没有一级指标」, H02 misplacements); a full-width date taken as a number mixed with text (V14).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from functools import cache
from pathlib import Path

import layout_changes as lc
import pytest
from corpus_score import read_tsv, table_files

from perfgoals_xl.pipeline import check_file

EXAMPLES = Path(__file__).resolve().parents[2] / "workbook_templates" / "examples"
WORKBOOK_RULES = {"C06", "S10"}  # sums across the tables of a book; hidden sheets: not about one table


@cache
def originals() -> dict[str, lc.Rows]:
    found = {key: read_tsv(path)[1] for key, path in table_files().items()}
    for path in sorted(EXAMPLES.glob("*.xlsx")):
        for sheet, rows in lc.sheet_rows(path).items():
            found[f"{path.stem}-{sheet}"] = rows
    return found


KEYS = list(originals())
CHANGES = [*lc.SIMPLE, *lc.GUIDED, "stacked", "beside"]


def _check(sheet: lc.Sheet, path: Path) -> tuple[int, list]:
    result = check_file(lc.write(sheet, path))
    assert result.error is None, result.error
    return len(result.tables), [f for f in result.findings if f.rule not in WORKBOOK_RULES]


def _moved(findings: list, sheet: lc.Sheet, cells: bool) -> Counter[tuple]:
    return Counter(
        (f.rule, f.severity, sheet.row_map(f.row), *((sheet.col_map(f.col),) if cells else ()))
        for f in findings
    )


def _as_is(findings: list, cells: bool) -> Counter[tuple]:
    return Counter((f.rule, f.severity, f.row, *((f.col,) if cells else ())) for f in findings)


@cache
def _folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="layout_changes_"))


@cache
def _blocks(key: str) -> list:
    """The original's indicator blocks, read once per process (collection asks for them per change)."""
    return lc.blocks(originals()[key], _folder())


@cache
def _original(key: str) -> tuple[int, list]:
    """The original's tables and findings, checked once per process."""
    return _check(lc.Sheet(originals()[key]), _folder() / f"original_{KEYS.index(key)}.xlsx")


def _changed(change: str, key: str) -> tuple[lc.Sheet | None, int]:
    """The changed sheet and how many tables it holds beside the original's (another table's, for stacked
    and beside)."""
    rows = originals()[key]
    if change in lc.SIMPLE:
        return lc.SIMPLE[change](rows), 0
    if change in lc.GUIDED:
        return lc.GUIDED[change](rows, _blocks(key)), 0
    other = KEYS[(KEYS.index(key) + 1) % len(KEYS)]
    place = lc.stacked if change == "stacked" else lc.beside
    return place(rows, originals()[other]), _original(other)[0]


CASES = [
    (key, change)
    for key in KEYS
    for change in CHANGES
    if change not in lc.GUIDED or lc.GUIDED[change](originals()[key], _blocks(key)) is not None
]


@pytest.mark.parametrize(("key", "change"), CASES)
def test_a_layout_change_finds_the_same(key: str, change: str, tmp_path: Path):
    tables, findings = _original(key)
    sheet, others = _changed(change, key)
    assert sheet is not None
    changed_tables, changed = _check(sheet, tmp_path / "changed.xlsx")
    if change == "stacked":
        changed = [f for f in changed if f.row > sheet.row_map(0)]
    elif change == "beside":
        changed = [f for f in changed if f.col > sheet.col_map(0)]
    cells = change != "blank_column_after_names"  # a label's blank value cell is the empty column then
    want, got = _moved(findings, sheet, cells), _as_is(changed, cells)
    assert changed_tables == tables + others
    assert (got - want, want - got) == (Counter(), Counter()), "(new, lost) findings"


def test_the_guided_changes_apply_to_most_tables():
    """A change that follows the indicator block applies wherever the reader finds one with levels: most
    originals (fragments without a block and flat lists are the exceptions)."""
    applied = Counter(change for _, change in CASES if change in lc.GUIDED)
    assert set(applied) == set(lc.GUIDED)
    assert min(applied[change] for change in lc.GUIDED if change not in LESS_OFTEN) >= len(KEYS) * 2 // 3, (
        applied
    )
    assert min(applied[change] for change in LESS_OFTEN) >= len(KEYS) // 3, applied


LESS_OFTEN = {"spaced_title", "two_row_header"}  # tables with a title; blocks of one column group
