"""The command line as a user runs it: real processes, real files, exit codes and the JSON contract."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLES, ONE_SHEET, THREE_SHEETS

SCRIPT = Path(sys.executable).with_name("perfgoals-xl")


def run(*args: str, entry: str = "module") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "perfgoals_xl"] if entry == "module" else [str(SCRIPT)]
    return subprocess.run([*command, *args], capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_console_script_and_module_both_work():
    assert SCRIPT.exists() or shutil.which("perfgoals-xl")
    assert run("--version", entry="script").stdout == run("--version").stdout != ""


def test_demo_prints_the_sample_report():
    result = run("demo", entry="script")
    assert result.returncode == 0, result.stderr
    for text in (
        "金融处非专项",
        "援助泸溪资金",
        "株洲市渌口区人民政府办公室",
        "预算 10 万元",
        "预算 30 万元",
        "949.134",
    ):
        assert text in result.stdout
    assert "V05" in result.stdout and "0.5" in result.stdout


def test_json_contract_on_the_sample():
    result = run("check", str(THREE_SHEETS), "--format", "json")
    assert result.returncode == 1  # the seed has error-level findings
    report = json.loads(result.stdout)
    assert set(report) == {"version", "files", "summary"} and report["version"] == 1
    (file,) = report["files"]
    assert set(file) == {"path", "error", "tables", "findings"} and file["error"] is None
    tables = file["tables"]
    assert [(t["kind"], t["name"], t["budget"], t["amount_unit"]) for t in tables] == [
        ("project", "金融处非专项", 10, "万元"),
        ("project", "援助泸溪资金", 30, "万元"),
        ("department", "株洲市渌口区人民政府办公室", 949.134, None),
    ]
    for table in tables:
        assert set(table) == {
            "sheet",
            "kind",
            "title",
            "range",
            "name",
            "budget",
            "amount_unit",
            "indicators",
        }
        for indicator in table["indicators"]:
            assert set(indicator) == {"row", "level1", "level2", "name", "operator", "value", "unit"}
            assert indicator["operator"] in {"≥", "≤", "=", ">", "<", "定性", None}
    assert [len(t["indicators"]) for t in tables] == [7, 6, 8]
    assert tables[2]["indicators"][1] == {
        "row": 20, "level1": "成本指标", "level2": "社会成本指标", "name": "政府门户网站信息公开被市政府门户网站采纳数",
        "operator": "≥", "value": 0.5, "unit": "条",
    }  # fmt: skip
    v05 = [f for f in file["findings"] if f["rule"] == "V05"]
    assert v05 == [
        {"rule": "V05", "severity": "error", "sheet": "部门整体", "cell": "E20", "row": 20,
         "message": "计量单位为“条”，指标值应为整数，当前为“0.5”（E20）"},
    ]  # fmt: skip
    assert report["summary"]["files"] == 1 and report["summary"]["tables"] == 3
    assert report["summary"]["errors"] == sum(f["severity"] == "error" for f in file["findings"])


def test_one_sheet_cells_are_seed_lines():
    report = json.loads(run("check", str(ONE_SHEET), "--format", "json").stdout)
    findings = {(f["rule"], f["cell"]) for f in report["files"][0]["findings"] if f["severity"] != "info"}
    assert ("V05", "E68") in findings


def test_folder_is_searched_recursively_and_bad_files_do_not_stop_the_others(tmp_path):
    nested = tmp_path / "报送" / "乡镇"
    nested.mkdir(parents=True)
    shutil.copy(THREE_SHEETS, nested / "好表.xlsx")
    (tmp_path / "报送" / "坏表.xlsx").write_bytes(b"not a workbook at all")
    (tmp_path / "报送" / "说明.txt").write_text("ignored", encoding="utf-8")
    result = run("check", str(tmp_path / "报送"), "--format", "json")
    assert result.returncode == 2
    files = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    assert set(files) == {"好表.xlsx", "坏表.xlsx"}
    assert files["坏表.xlsx"]["error"]["code"] == "not_workbook"
    assert "坏表.xlsx" in files["坏表.xlsx"]["error"]["message"]
    assert len(files["好表.xlsx"]["tables"]) == 3


def test_text_report_names_unreadable_file_in_chinese(tmp_path):
    broken = tmp_path / "截断.xlsx"
    data = THREE_SHEETS.read_bytes()
    broken.write_bytes(data[: len(data) // 2])
    result = run("check", str(broken))
    assert result.returncode == 2
    assert "截断.xlsx" in result.stdout and "损坏" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


CLEAN_TABLE = [
    ["2026年项目支出绩效目标表"],
    ["金额单位：万元"],
    ["项目名称", "农村公路养护"],
    ["年度本级预算金额", 120, "项目类别", "一般性项目"],
    ["项目支出实施期", "2026年"],
    ["本年度绩效目标", "2026年12月底前完成农村公路养护120公里，路况优良率达到85%以上，群众满意度不低于90%"],
    ["一级指标", "二级指标", "三级指标", "指标值", "度量单位", "指标值类型"],
    ["产出指标", "数量指标", "养护里程", 120, "公里", "≥"],
    [None, "质量指标", "路况优良率", 85, "%", "≥"],
    [None, "时效指标", "养护完成时间", "2026年12月", None, "≤"],
    ["效益指标", "社会效益指标", "群众出行平均时间缩短", 10, "分钟", "≥"],
    ["满意度指标", "服务对象满意度指标", "沿线群众满意度", 90, "%", "≥"],
    ["成本指标", "经济成本指标", "养护工程费用", 120, "万元", "≤"],
]


def test_clean_table_exits_zero(write_book):
    path = write_book({"项目": CLEAN_TABLE})
    result = run("check", str(path))
    assert result.returncode == 0, result.stdout
    assert "未发现错误或警告" in result.stdout


def test_progress_bar_when_forced(tmp_path):
    for index in range(3):
        shutil.copy(THREE_SHEETS, tmp_path / f"{index}.xlsx")
    result = run("check", str(tmp_path), "--progress")
    assert result.returncode == 1
    assert "合计：3 个文件，9 张表" in result.stdout


def test_no_workbooks_found_is_a_clear_message(tmp_path):
    result = run("check", str(tmp_path))
    assert result.returncode == 2 and "没有找到可校验的工作簿" in result.stderr


@pytest.mark.parametrize("name", ["word.xlsx"])
def test_renamed_docx_is_refused(tmp_path, name):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
    report = json.loads(run("check", str(path), "--format", "json").stdout)
    assert report["files"][0]["error"]["code"] == "not_workbook"
    assert "Word" in report["files"][0]["error"]["message"]


def test_samples_are_bundled_in_the_package_data():
    assert sorted(p.name for p in EXAMPLES.glob("*.xlsx")) == [
        "seed_one_sheet.xlsx",
        "seed_three_sheets.xlsx",
    ]
