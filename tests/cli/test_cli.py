"""The command line as a user runs it: real processes, real files, exit codes and the JSON contract."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLES, ONE_SHEET, THREE_SHEETS

SCRIPT = Path(sys.executable).with_name("perfgoals-xl")


def run(*args: str, entry: str = "module", cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "perfgoals_xl"] if entry == "module" else [str(SCRIPT)]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=cwd
    )


@pytest.mark.slow
def test_console_script_and_module_both_work():
    assert SCRIPT.exists() or shutil.which("perfgoals-xl")
    assert run("--version", entry="script").stdout == run("--version").stdout != ""


@pytest.mark.slow
def test_demo_prints_the_sample_report(tmp_path):
    result = run("demo", entry="script", cwd=tmp_path)
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


@pytest.mark.slow
def test_json_contract_on_the_sample():
    result = run("check", str(THREE_SHEETS), "--format", "json")
    assert result.returncode == 1  # the seed has error-level findings
    report = json.loads(result.stdout)
    assert set(report) == {"version", "settings", "files", "summary"} and report["version"] == 1
    assert report["settings"]["profile"] == "hunan-2026" and report["settings"]["uniform"] is True
    (file,) = report["files"]
    assert set(file) == {"path", "error", "tables", "findings", "settings"} and file["error"] is None
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
            "unread_rows",  # an addition to version 1: every row of the seed is understood
            "omitted",  # an addition to version 1: no rule has more findings than the cap here
        }
        assert table["unread_rows"] == [] and table["omitted"] == {}
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
         "message": "计量单位为“条”，指标值应为整数，当前为“0.5”"},
    ]  # fmt: skip
    assert report["summary"]["files"] == 1 and report["summary"]["tables"] == 3
    assert report["summary"]["errors"] == sum(f["severity"] == "error" for f in file["findings"])


@pytest.mark.slow
def test_one_sheet_cells_are_seed_lines():
    report = json.loads(run("check", str(ONE_SHEET), "--format", "json").stdout)
    findings = {(f["rule"], f["cell"]) for f in report["files"][0]["findings"] if f["severity"] != "info"}
    assert ("V05", "E68") in findings


@pytest.mark.slow
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


@pytest.mark.slow
def test_jobs_give_the_serial_report_and_annotated_copies(tmp_path):
    folder = tmp_path / "报送"
    folder.mkdir()
    for index in range(6):
        shutil.copy(THREE_SHEETS if index % 2 else ONE_SHEET, folder / f"{index}号.xlsx")
    (folder / "坏表.xlsx").write_bytes(b"not a workbook at all")
    serial = run("check", str(folder), "--format", "json", "--jobs", "1")
    parallel = run("check", str(folder), "--format", "json", "-j", "2", "--annotate", str(tmp_path / "标注"))
    assert parallel.returncode == serial.returncode == 2
    serial_files, parallel_files = json.loads(serial.stdout)["files"], json.loads(parallel.stdout)["files"]
    assert [{**f, "annotated": None} for f in parallel_files] == [
        {**f, "annotated": None} for f in serial_files
    ]
    copies = sorted(Path(f["annotated"]).name for f in parallel_files if f["annotated"])
    assert copies == [f"{index}号_校验.xlsx" for index in range(6)]
    refused = run("check", str(folder), "--jobs", "0")
    assert refused.returncode == 2 and "--jobs" in refused.stderr


@pytest.mark.slow
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


@pytest.mark.slow
def test_clean_table_exits_zero(write_book):
    path = write_book({"项目": CLEAN_TABLE})
    result = run("check", str(path))
    assert result.returncode == 0, result.stdout
    assert "未发现错误或警告" in result.stdout


@pytest.mark.slow
def test_progress_bar_when_forced(tmp_path):
    for index in range(3):
        shutil.copy(THREE_SHEETS, tmp_path / f"{index}.xlsx")
    result = run("check", str(tmp_path), "--progress")
    assert result.returncode == 1
    assert "合计：3 个文件，9 张表" in result.stdout


@pytest.mark.slow
def test_no_workbooks_found_is_a_clear_message(tmp_path):
    result = run("check", str(tmp_path))
    assert result.returncode == 2 and "没有找到可校验的工作簿" in result.stderr


@pytest.mark.slow
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


# --- annotated copies and clearing ------------------------------------------------------------------------


@pytest.mark.slow
def test_annotate_writes_a_copy_per_file_keeping_subfolders(tmp_path):
    for folder in ("甲", "乙"):
        (tmp_path / "报送" / folder).mkdir(parents=True)
        shutil.copy(ONE_SHEET, tmp_path / "报送" / folder / "表.xlsx")
    (tmp_path / "报送" / "坏表.xlsx").write_bytes(b"not a workbook at all")
    before = (tmp_path / "报送" / "甲" / "表.xlsx").read_bytes()
    result = run("check", "报送", "--annotate", "标注", cwd=tmp_path)
    assert result.returncode == 2  # the unreadable file; the others are annotated all the same
    copies = sorted(p.relative_to(tmp_path / "标注").as_posix() for p in (tmp_path / "标注").rglob("*.xlsx"))
    assert copies == ["乙/表_校验.xlsx", "甲/表_校验.xlsx"]
    assert "已写出 2 个标注副本" in result.stdout
    for copy in copies:
        assert f"  {Path('标注', copy)}" in result.stdout
    assert (tmp_path / "报送" / "甲" / "表.xlsx").read_bytes() == before

    again = run("check", "报送", "--annotate", "报送/标注", cwd=tmp_path)  # output inside the checked folder
    assert again.returncode == 2 and "已写出 2 个标注副本" in again.stdout
    rerun = run("check", "报送", "--annotate", "报送/标注", "--format", "json", cwd=tmp_path)
    assert len(json.loads(rerun.stdout)["files"]) == 3  # the copies of the first run are not checked


@pytest.mark.slow
def test_annotate_json_names_each_copy_and_keeps_exit_codes(tmp_path):
    src = tmp_path / "a.xlsx"
    shutil.copy(THREE_SHEETS, src)
    result = run("check", str(src), str(ONE_SHEET), "--annotate", str(tmp_path / "out"), "--format", "json")
    assert result.returncode == 1, result.stderr  # errors found, every copy written
    files = json.loads(result.stdout)["files"]
    assert [f["annotated"] for f in files] == [
        str(tmp_path / "out" / "a_校验.xlsx"),
        str(tmp_path / "out" / "seed_one_sheet_校验.xlsx"),
    ]
    assert set(files[0]) == {"path", "error", "tables", "findings", "settings", "annotated"}
    assert all(Path(f["annotated"]).is_file() for f in files)
    assert result.stderr == ""

    refused = run("check", str(src), "--annotate", str(tmp_path / "out"), "--format", "json")
    assert refused.returncode == 2
    assert json.loads(refused.stdout)["files"][0]["annotated"] is None
    assert "a_校验.xlsx" in refused.stderr and "已存在" in refused.stderr and "--force" in refused.stderr
    forced = run("check", str(src), "--annotate", str(tmp_path / "out"), "--force")
    assert forced.returncode == 1 and str(tmp_path / "out" / "a_校验.xlsx") in forced.stdout


@pytest.mark.slow
def test_annotate_write_failure_does_not_stop_the_other_files(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "seed_one_sheet_校验.xlsx").write_bytes(b"someone else's file")
    result = run("check", str(ONE_SHEET), str(THREE_SHEETS), "--annotate", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "未写出标注副本" in result.stderr and "seed_one_sheet_校验.xlsx" in result.stderr
    assert (tmp_path / "out" / "seed_one_sheet_校验.xlsx").read_bytes() == b"someone else's file"
    assert (tmp_path / "out" / "seed_three_sheets_校验.xlsx").is_file()
    assert "已写出 1 个标注副本" in result.stdout


@pytest.mark.slow
def test_same_names_from_two_places_do_not_collide(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(ONE_SHEET, tmp_path / folder / "表.xlsx")
    result = run("check", "a/表.xlsx", "b/表.xlsx", "--annotate", "out", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["表_校验(2).xlsx", "表_校验.xlsx"]


@pytest.mark.slow
def test_files_without_tables_are_not_annotated(write_book, tmp_path):
    empty = write_book({"说明": [["这里没有绩效目标表"]]}, name="说明.xlsx")
    result = run("check", str(empty), "--annotate", str(tmp_path / "out"))
    assert result.returncode == 2 and not (tmp_path / "out").exists()


@pytest.mark.slow
def test_clear_command(tmp_path):
    run("check", str(ONE_SHEET), "--annotate", str(tmp_path))
    annotated = tmp_path / "seed_one_sheet_校验.xlsx"
    result = run("clear", str(annotated), "-o", str(tmp_path / "清除.xlsx"))
    assert result.returncode == 0, result.stderr
    assert "已清除" in result.stdout and "清除.xlsx" in result.stdout
    assert re.search(r"标色规则 2 条、批注 \d+ 条、“校验结果”工作表 1 张、标记名称 2 个", result.stdout)
    assert (tmp_path / "清除.xlsx").is_file()

    refused = run("clear", str(annotated), "-o", str(tmp_path / "清除.xlsx"))
    assert refused.returncode == 2 and "已存在" in refused.stderr and "Traceback" not in refused.stderr
    assert run("clear", str(annotated), "-o", str(tmp_path / "清除.xlsx"), "--force").returncode == 0

    nothing = run("clear", str(tmp_path / "清除.xlsx"), "-o", str(tmp_path / "again.xlsx"))
    assert nothing.returncode == 0 and "没有绩效校验标记" in nothing.stdout
    assert not (tmp_path / "again.xlsx").exists()

    (tmp_path / "folder").mkdir()
    into = run("clear", str(annotated), "-o", str(tmp_path / "folder"))  # a folder: the name before _校验
    assert into.returncode == 0 and (tmp_path / "folder" / "seed_one_sheet.xlsx").is_file()
    missing = run("clear", str(tmp_path / "nope.xlsx"), "-o", str(tmp_path / "x.xlsx"))
    assert missing.returncode == 2 and "找不到文件" in missing.stderr


@pytest.mark.slow
def test_demo_writes_the_annotated_sample_into_a_folder(tmp_path):
    result = run("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = tmp_path / "perfgoals-demo" / "seed_one_sheet_校验.xlsx"
    assert written.is_file()
    assert "perfgoals-demo/seed_one_sheet_校验.xlsx" in result.stdout.splitlines()[-1]
    files = [line for line in result.stdout.splitlines() if line.startswith("文件：")]
    assert files == ["文件：seed_one_sheet.xlsx", "文件：seed_three_sheets.xlsx"]
    assert "site-packages" not in result.stdout
    assert run("demo", cwd=tmp_path).returncode == 0  # the demo's own output is replaced


def test_a_fault_of_ours_in_one_file_does_not_stop_the_batch(tmp_path, monkeypatch):
    """In process: a reader bug on one file becomes that file's `internal` error; the others are checked."""
    from click.testing import CliRunner

    from perfgoals_xl import pipeline
    from perfgoals_xl.cli import main as cli

    shutil.copy(THREE_SHEETS, tmp_path / "a.xlsx")
    shutil.copy(THREE_SHEETS, tmp_path / "b.xlsx")
    real = pipeline.check_workbook

    def flaky(path, settings=None):
        if path.name == "a.xlsx":
            raise RuntimeError("boom")
        return real(path, settings)

    monkeypatch.setattr(pipeline, "check_workbook", flaky)
    result = CliRunner().invoke(cli.main, ["check", str(tmp_path), "--format", "json"])
    files = {Path(f["path"]).name: f for f in json.loads(result.output)["files"]}
    assert result.exit_code == 2 and files["a.xlsx"]["error"]["code"] == "internal"
    assert "a.xlsx" in files["a.xlsx"]["error"]["message"] and len(files["b.xlsx"]["tables"]) == 3


@pytest.mark.slow
def test_fill_never_writes_over_its_data_file(tmp_path):
    data = tmp_path / "a.xlsx"
    shutil.copy(THREE_SHEETS, data)
    before = data.read_bytes()
    result = run("fill", "--template", "project", str(data), "-o", str(data), "--force")
    assert result.returncode == 2 and "就是数据文件" in result.stderr
    assert data.read_bytes() == before
