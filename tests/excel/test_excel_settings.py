"""Settings in the open in Excel: 校验全部 and 计算合计 say in the 校验结果 summary line which settings were in force
and where they came from, and a settings file beside the workbook that switches rules off is named there and
in the closing alert."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from conftest import THREE_SHEETS
from excel_harness import run_handler

from perfgoals_xl.core.marks import RESULTS_SHEET
from perfgoals_xl.excel import app
from perfgoals_xl.excel.handlers import check_all_sheets
from perfgoals_xl.excel.totals import fill_totals

pytestmark = pytest.mark.usefixtures("isolated_home")  # an empty home, no cached lookups


def test_defaults_are_said_in_the_summary(tmp_path):
    out = tmp_path / "out.xlsx"
    _, _, alerts = run_handler(THREE_SHEETS, check_all_sheets, out)
    summary = openpyxl.load_workbook(out)[RESULTS_SHEET]["A1"].value
    assert summary.endswith("设置：默认设置（未找到设置文件）；口径 hunan-2026；全部规则")
    assert "注意" not in alerts[0]["args"][0]


@pytest.mark.parametrize("handler", [check_all_sheets, fill_totals])
def test_a_settings_file_beside_the_workbook_that_silences_rules_is_named(handler, tmp_path, monkeypatch):
    folder = tmp_path / "报送"
    folder.mkdir()
    book = shutil.copy(THREE_SHEETS, folder / "表.xlsx")
    config = folder / "perfgoals.toml"
    config.write_text('ignore = ["V", "C01"]\n', encoding="utf-8")
    monkeypatch.setattr(app, "book_path", lambda _book: folder / "表.xlsx")
    out = tmp_path / "out.xlsx"
    outcome, _, alerts = run_handler(book, handler, out)
    warning = f"工作簿所在文件夹中的设置文件“{config}”关闭了 15 条规则（V 类全部、C01）"
    summary = openpyxl.load_workbook(out)[RESULTS_SHEET]["A1"].value
    assert f"设置：配置文件“{config}”；口径 hunan-2026；不启用 V、C01" in summary
    assert summary.endswith(f"注意：{warning}。")
    assert alerts[-1]["args"][0].endswith(f"注意：{warning}。")
    assert not {f.rule for f in outcome.plan.results} & {"V05", "C01"}
