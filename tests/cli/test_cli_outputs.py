"""One convention for what the commands write (`-o/--output`, `--force`, folders created, the extension checked),
the progress bar on stderr, a file given twice, the summary's unreadable files, `clear` on an encrypted file and a
line break inside a label — real processes, real files."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys

import openpyxl
import pytest
from bad_files import encrypt
from cli_process import run_cli as run
from conftest import ONE_SHEET, THREE_SHEETS


def test_check_writes_its_report_to_a_file(tmp_path):
    out = tmp_path / "新文件夹" / "结果.json"
    result = run("check", str(THREE_SHEETS), "--format", "json", "-o", str(out))
    assert result.returncode == 1, result.stderr  # the sample's errors; the folder was created
    assert result.stdout.startswith("已写出报告：") and "错误 10 条" in result.stdout
    on_screen = json.loads(run("check", str(THREE_SHEETS), "--format", "json").stdout)
    assert json.loads(out.read_text(encoding="utf-8")) == on_screen

    text = tmp_path / "结果.txt"
    assert run("check", str(THREE_SHEETS), "--output-file", str(text)).returncode == 1
    assert "合计：1 个文件，3 张表" in text.read_text(encoding="utf-8")


def test_an_existing_report_is_kept_unless_force_and_said_before_checking(tmp_path):
    out = tmp_path / "结果.txt"
    out.write_text("上次的报告", encoding="utf-8")
    refused = run("check", str(tmp_path / "不存在的目录"), "-o", str(out))
    assert refused.returncode == 2 and "已存在" in refused.stderr and "--force" in refused.stderr
    assert "没有找到" not in refused.stderr  # refused before looking for workbooks
    assert out.read_text(encoding="utf-8") == "上次的报告"
    forced = run("check", str(ONE_SHEET), "-o", str(out), "--force")
    assert forced.returncode == 1 and out.read_text(encoding="utf-8").startswith("设置：")


@pytest.mark.parametrize(
    ("args", "suffix"),
    [
        (("check", str(ONE_SHEET), "-o"), ".txt"),
        (("diff", str(ONE_SHEET), str(ONE_SHEET), "-o"), ".txt"),
        (("report", str(ONE_SHEET), "-o"), ".html"),
        (("fill", "--template", "project", "不存在.yaml", "-o"), ".xlsx"),
    ],
)
def test_a_workbook_is_never_written_over_by_a_report_and_the_extension_is_checked(tmp_path, args, suffix):
    target = tmp_path / ("a.xlsx" if suffix != ".xlsx" else "a.txt")
    target.write_bytes(b"keep")
    result = run(*args, str(target), "--force")
    assert result.returncode == 2 and suffix in result.stderr and "Traceback" not in result.stderr
    assert target.read_bytes() == b"keep"


def test_diff_and_report_keep_an_existing_output_unless_force(tmp_path):
    for args, name in (
        (("diff", str(ONE_SHEET), str(ONE_SHEET)), "对比.txt"),
        (("report", str(ONE_SHEET)), "报告.html"),
    ):
        out = tmp_path / name
        out.write_text("旧", encoding="utf-8")
        refused = run(*args, "-o", str(out))
        assert refused.returncode == 2 and "已存在" in refused.stderr
        assert out.read_text(encoding="utf-8") == "旧"
        assert run(*args, "-o", str(out), "--force").returncode == 1  # the sample's errors
        assert out.read_text(encoding="utf-8") != "旧"


def test_fill_refuses_another_extension_before_reading_its_data(tmp_path):
    result = run(
        "fill", "--template", "project", str(tmp_path / "没有这个文件.yaml"), "-o", str(tmp_path / "x.txt")
    )
    assert result.returncode == 2 and ".xlsx" in result.stderr and "没有这个文件" not in result.stderr


def test_the_same_file_given_twice_is_checked_once(tmp_path):
    folder = tmp_path / "报送"
    folder.mkdir()
    copy = shutil.copy(ONE_SHEET, folder / "a.xlsx")
    result = run("check", str(copy), str(folder), str(folder / ".." / "报送" / "a.xlsx"), "--format", "json")
    document = json.loads(result.stdout)
    assert [f["path"] for f in document["files"]] == [str(copy)] and document["summary"]["files"] == 1
    annotated = run("check", str(copy), str(copy), "--annotate", str(tmp_path / "标注"))
    assert annotated.returncode == 1 and sorted(p.name for p in (tmp_path / "标注").iterdir()) == [
        "a_校验.xlsx"
    ]


def test_the_summary_counts_unreadable_files(tmp_path):
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    result = run("check", str(ONE_SHEET), str(broken), "--format", "json")
    assert result.returncode == 2
    summary = json.loads(result.stdout)["summary"]
    assert summary["files"] == 2 and summary["unreadable"] == 1
    text = run("check", str(ONE_SHEET), str(broken)).stdout
    assert "合计：2 个文件，1 个无法读取" in text


def test_the_progress_bar_draws_on_stderr_and_json_on_stdout_stays_clean(tmp_path):
    for index in range(5):
        shutil.copy(ONE_SHEET, tmp_path / f"{index}.xlsx")
    parent, child = pty.openpty()  # stderr is a terminal, stdout a pipe: `check … --format json > r.json`
    try:
        process = subprocess.run(
            [sys.executable, "-m", "perfgoals_xl", "check", str(tmp_path), "--format", "json"],
            stdout=subprocess.PIPE,
            stderr=child,
            timeout=120,
            env={**os.environ, "COLUMNS": "100", "TERM": "xterm"},
        )
        os.close(child)
        drawn = b""
        while True:
            try:
                chunk = os.read(parent, 65536)
            except OSError:  # the terminal closed
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(parent)
    assert json.loads(process.stdout)["summary"]["files"] == 5  # nothing but JSON on stdout
    assert "正在校验".encode() in drawn  # the bar went to the terminal on stderr


def test_clear_on_an_encrypted_file_says_it_has_a_password(tmp_path):
    locked = encrypt(ONE_SHEET, tmp_path / "加密_校验.xlsx")
    result = run("clear", str(locked), "-o", str(tmp_path / "out.xlsx"))
    assert result.returncode == 2 and "密码" in result.stderr and "加密_校验.xlsx" in result.stderr
    assert "openpyxl" not in result.stderr and not (tmp_path / "out.xlsx").exists()


def test_a_line_break_inside_a_label_prints_as_a_space(tmp_path):
    wb = openpyxl.load_workbook(ONE_SHEET)
    ws = wb.worksheets[0]
    assert ws["A12"].value == "年度本级预算"  # the seed's truncated label (S06)
    ws["A12"] = "年度本级\n预算"
    ws["A13"] = "项目支出\r\n实施"
    wb.save(tmp_path / "换行.xlsx")
    result = run("check", str(tmp_path / "换行.xlsx"), "--show-info")
    assert "表头“年度本级 预算”按“年度预算金额”识别，可能被截断" in result.stdout
    assert "表头“项目支出 实施”按“实施期”识别" in result.stdout  # a CR LF in the cell reads back as LF
