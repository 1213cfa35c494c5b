"""Copies are bounded like reads: openpyxl builds an object per cell, so a workbook past MAX_OPENPYXL_CELLS is
not loaded to write an annotated copy or clear marks — a Chinese message says why, the check's report stands."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import THREE_SHEETS

from perfgoals_xl.files.write import WriteError, annotate, clear, plan_for, save
from perfgoals_xl.pipeline import check_workbook


def cells_of(path: Path) -> int:
    workbook, _ = check_workbook(path)
    return sum(1 for grid in workbook.grids for line in grid.rows for value in line if value is not None)


@pytest.mark.parametrize("room", [0, 1])
def test_an_annotated_copy_past_the_cell_bound_is_refused_in_chinese(tmp_path, monkeypatch, room):
    source = tmp_path / "报送.xlsx"
    shutil.copyfile(THREE_SHEETS, source)
    cells = cells_of(source)
    monkeypatch.setattr(save, "MAX_OPENPYXL_CELLS", cells - 1 if not room else 10 * cells)
    workbook, result = check_workbook(source)
    target = tmp_path / "报送_校验.xlsx"
    if room:
        assert annotate(source, target, plan_for(workbook, result), workbook.grids).is_file()
        return
    with pytest.raises(WriteError) as refused:
        annotate(source, target, plan_for(workbook, result), workbook.grids)
    assert "报送.xlsx" in refused.value.message and "上限" in refused.value.message
    said = int(re.search(r"共有约 ([\d,]+) 个单元格", refused.value.message)[1].replace(",", ""))
    assert said >= cells  # the cells openpyxl would build: the values and the empty styled cells
    assert not target.exists()
    with pytest.raises(WriteError):
        clear(source, tmp_path / "清除.xlsx")


def test_a_copy_built_from_an_xls_is_bounded_too(tmp_path, monkeypatch):
    import bad_files as bf

    import perfgoals_xl.files.write as write

    source = bf.write_xls(tmp_path / "报送.xls", {"表": bf.seed_table()})
    cells = cells_of(source)
    workbook, result = check_workbook(source)
    monkeypatch.setattr(write, "MAX_OPENPYXL_CELLS", cells - 1)
    with pytest.raises(WriteError) as refused:
        annotate(source, tmp_path / "报送_校验.xlsx", plan_for(workbook, result), workbook.grids)
    assert f"共有 {cells:,} 个非空单元格" in refused.value.message
    monkeypatch.setattr(write, "MAX_OPENPYXL_CELLS", cells)
    assert annotate(source, tmp_path / "报送_校验.xlsx", plan_for(workbook, result), workbook.grids).is_file()
