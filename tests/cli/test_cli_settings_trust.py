"""Issue 17 as a reviewer meets it: a `perfgoals.toml` sent in beside a unit's workbook that switches every rule
off is named on stderr and in the report, and `--isolated` checks the workbook as if it were not there."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from cli_process import run_cli as run
from conftest import ONE_SHEET

from perfgoals_xl.core.marks import RESULTS_SHEET
from perfgoals_xl.core.rules import RULES
from perfgoals_xl.pipeline import check_file

pytestmark = pytest.mark.slow


@pytest.fixture
def submitted(tmp_path: Path) -> tuple[Path, Path, Path]:
    """报送/单位/表.xlsx with a perfgoals.toml beside it that ignores every family; (home, workbook, settings)."""
    home = tmp_path / "home"
    home.mkdir()
    unit = tmp_path / "报送" / "单位"
    unit.mkdir(parents=True)
    workbook = Path(shutil.copy(ONE_SHEET, unit / "表.xlsx"))
    config = unit / "perfgoals.toml"
    config.write_text('ignore = ["H", "V", "C", "S"]\n', encoding="utf-8")
    return home, workbook, config


def test_the_silencing_file_is_named_in_the_report_and_on_stderr(submitted):
    home, workbook, config = submitted
    warning = f"报送文件夹中的设置文件“{config}”关闭了 {len(RULES)} 条规则（全部规则）"
    result = run("check", str(workbook), home=home)
    assert result.returncode == 0 and "未发现错误或警告" in result.stdout  # what the unit wanted …
    lines = result.stdout.splitlines()
    assert (
        lines[0] == f"设置：配置文件“{config}”；口径 hunan-2026；不启用 H、V、C、S"
    )  # … but said in the open
    assert lines[-1] == f"注意：{warning}。"
    assert result.stderr == f"警告：{warning}；报告已按它校验；如不应采用，请加 --isolated 重新校验\n"

    from_folder = run("check", str(workbook.parents[1]), home=home)  # the whole 报送 folder: the same
    assert from_folder.stderr == result.stderr


def test_isolated_gives_the_samples_errors(submitted):
    home, workbook, _ = submitted
    result = run("check", str(workbook), "--isolated", "--format", "json", home=home)
    assert result.returncode == 1 and result.stderr == ""
    report = json.loads(result.stdout)
    expected = [(f.rule, f.cell) for f in check_file(ONE_SHEET).findings]
    assert [(f["rule"], f["cell"]) for f in report["files"][0]["findings"]] == expected
    settings = report["settings"]
    assert settings["isolated"] is True and settings["sources"] == [] and settings["warnings"] == []
    assert settings["origin"] == "defaults" and settings["ignore"] == []


def test_json_names_the_file_and_what_it_switched_off(submitted):
    home, workbook, config = submitted
    report = json.loads(run("check", str(workbook), "--format", "json", home=home).stdout)
    settings = report["files"][0]["settings"]
    assert settings["sources"] == [str(config)] and settings["ignore"] == ["H", "V", "C", "S"]
    assert settings["warnings"] == [f"报送文件夹中的设置文件“{config}”关闭了 {len(RULES)} 条规则（全部规则）"]
    assert report["settings"] == {**settings, "uniform": True}


def test_the_annotated_copy_says_it_in_the_results_summary(submitted, tmp_path):
    home, workbook, config = submitted
    out = tmp_path / "标注"
    result = run("check", str(workbook), "--annotate", str(out), home=home)
    assert result.returncode == 0, result.stderr
    summary = openpyxl.load_workbook(out / "表_校验.xlsx")[RESULTS_SHEET]["A1"].value
    assert f"设置：配置文件“{config}”；口径 hunan-2026；不启用 H、V、C、S" in summary
    assert f"注意：报送文件夹中的设置文件“{config}”关闭了 {len(RULES)} 条规则（全部规则）。" in summary


def test_the_reviewers_own_settings_above_the_folder_are_no_warning(submitted, tmp_path):
    home, _, config = submitted
    config.unlink()
    (tmp_path / "perfgoals.toml").write_text('ignore = ["V11"]\n', encoding="utf-8")
    result = run("check", str(tmp_path / "报送"), home=home)
    assert result.stderr == "" and "注意：" not in result.stdout
    assert result.stdout.startswith(
        f"设置：配置文件“{tmp_path / 'perfgoals.toml'}”；口径 hunan-2026；不启用 V11"
    )


def test_totals_names_a_loosened_tolerance_and_takes_isolated(submitted):
    home, workbook, config = submitted
    config.write_text("[thresholds]\nmoney_tolerance = 1000000\n", encoding="utf-8")
    result = run("totals", str(workbook), home=home)
    assert "放宽了阈值（money_tolerance 0.005 → 1000000）" in result.stderr and "--isolated" in result.stderr
    isolated = run("totals", str(workbook), "--isolated", home=home)
    assert isolated.stderr == ""


def test_the_web_report_says_it_and_takes_isolated(submitted, tmp_path):
    home, workbook, config = submitted
    page = tmp_path / "报告.html"
    result = run("report", str(workbook.parents[1]), "-o", str(page), home=home)
    assert result.returncode == 0 and "--isolated" in result.stderr
    meta = _embedded(page)["meta"]
    assert f"设置：配置文件“{config}”；口径 hunan-2026；不启用 H、V、C、S" in meta
    assert f"注意：报送文件夹中的设置文件“{config}”关闭了 {len(RULES)} 条规则（全部规则）。" in meta
    isolated = run("report", str(workbook.parents[1]), "-o", str(page), "--isolated", "--force", home=home)
    assert isolated.returncode == 1 and isolated.stderr == ""
    assert (
        "设置：默认设置（--isolated：不查找设置文件）；口径 hunan-2026；全部规则" in _embedded(page)["meta"]
    )


def test_diff_takes_isolated(submitted):
    home, workbook, _ = submitted
    result = run("diff", str(workbook), str(workbook), "--isolated", "--format", "json", home=home)
    assert result.returncode == 1 and result.stderr == ""  # the sample's errors, as checked without the file
    assert json.loads(result.stdout)["findings"]["remaining"]


def _embedded(page: Path) -> dict:
    text = page.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="pg-data">(.*?)</script>', text, re.S)
    assert match, "the page carries its data"
    return json.loads(match[1])
