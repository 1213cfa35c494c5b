"""`report` and `diff` as a user runs them: real processes and files, exit codes, the JSON contract, the
input left byte-for-byte as it was, and no workbook ever overwritten by a page or a diff."""

from __future__ import annotations

import json
import re
import shutil
from functools import partial
from pathlib import Path

import pytest
from cli_process import run_cli
from conftest import EXAMPLES, ONE_SHEET, THREE_SHEETS
from resubmission import RENAMED, write_resubmission

pytestmark = pytest.mark.slow


run = partial(run_cli, timeout=180)  # the reports of many files take longer


def embedded(page: Path) -> dict:
    text = page.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="pg-data">(.*?)</script>', text, re.S)
    assert match, "the page carries its data"
    return json.loads(match[1])


def test_report_embeds_the_check_report_and_leaves_the_inputs_alone(tmp_path):
    before = {path.name: path.read_bytes() for path in EXAMPLES.glob("*.xlsx")}
    page = tmp_path / "报告.html"
    result = run("report", str(EXAMPLES), "-o", str(page))
    assert result.returncode == 1, result.stderr  # errors found, as `check`
    assert "已写出报告" in result.stdout
    data = embedded(page)
    checked = json.loads(run("check", str(EXAMPLES), "--format", "json").stdout)
    assert data["report"]["summary"] == checked["summary"]
    for ours, theirs in zip(data["report"]["files"], checked["files"], strict=True):
        assert {key: ours[key] for key in theirs} == theirs  # the JSON report, with additions only
        assert ours["unit"] == "株洲市渌口区人民政府办公室" and ours["annotated"] is None
    assert {rule["id"] for rule in data["catalog"]} >= {"H05", "V07", "S10"}
    assert "设置：默认设置（未找到设置文件）；口径 hunan-2026；全部规则" in data["meta"]  # and where from
    html = page.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing to fetch
    assert {path.name: path.read_bytes() for path in EXAMPLES.glob("*.xlsx")} == before


def test_report_with_previous_counts_what_was_fixed(tmp_path):
    old, new = tmp_path / "上次", tmp_path / "本次"
    old.mkdir(), new.mkdir()
    shutil.copy(THREE_SHEETS, old / "渌口区.xlsx")
    write_resubmission(new / "渌口区（修改）.xlsx")
    page = tmp_path / "r.html"
    result = run("report", str(new), "-o", str(page), "--previous", str(old))
    assert result.returncode == 1, result.stderr
    (entry,) = embedded(page)["report"]["files"]
    previous = entry["previous"]
    assert previous["path"].endswith("渌口区.xlsx")
    assert [(f["rule"], f["cell"]) for f in previous["fixed"]] == [("S01", "D12"), ("V07", "G23")]
    assert previous["new"] == 1


def test_report_refuses_to_write_anything_but_a_page(tmp_path):
    target = tmp_path / "a.xlsx"
    shutil.copy(ONE_SHEET, target)
    before = target.read_bytes()
    result = run("report", str(target), "-o", str(target))
    assert result.returncode == 2 and ".html" in result.stderr
    assert target.read_bytes() == before
    gone = run("report", str(ONE_SHEET), "-o", str(tmp_path / "r.html"), "--previous", str(tmp_path / "无"))
    assert gone.returncode == 2 and "找不到上次报送" in gone.stderr
    created = run("report", str(ONE_SHEET), "-o", str(tmp_path / "新文件夹" / "r.html"))  # as every output
    assert created.returncode == 1 and (tmp_path / "新文件夹" / "r.html").is_file()


def test_diff_json_exit_codes_and_text(tmp_path):
    new = write_resubmission(tmp_path / "resubmitted.xlsx")
    result = run("diff", str(THREE_SHEETS), str(new), "--format", "json")
    assert result.returncode == 1, result.stderr  # NEW still has errors
    document = json.loads(result.stdout)
    assert set(document) >= {"version", "old", "new", "tables", "findings"} and document["version"] == 1
    assert set(document["tables"][0]) >= {"kind", "name", "status", "changes"}
    assert set(document["tables"][0]["changes"][0]) >= {"field", "old", "new", "old_cell", "new_cell"}
    assert [t["name"] for t in document["tables"]][1] == RENAMED
    assert {len(document["findings"][k]) for k in ("fixed", "new")} == {2, 1}
    text = run("diff", str(THREE_SHEETS), str(new))
    assert text.returncode == 1
    assert "已修复的问题（2 条）" in text.stdout and "新出现的问题（1 条）" in text.stdout
    assert "预算金额：10 → 12（B12 → B12）" in text.stdout


def test_diff_exit_0_without_errors_and_2_when_unreadable(tmp_path):
    # the settings flags work as for check: with only V13 selected the sample has no error
    assert run("diff", str(THREE_SHEETS), str(ONE_SHEET), "--select", "V13").returncode == 0
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a workbook")
    result = run("diff", str(THREE_SHEETS), str(broken))
    assert result.returncode == 2 and "坏.xlsx" in result.stderr and "Traceback" not in result.stderr


def test_diff_of_folders_pairs_files_and_never_writes_over_a_workbook(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    shutil.copy(THREE_SHEETS, old / "甲.xlsx")
    shutil.copy(ONE_SHEET, old / "乙.xlsx")
    write_resubmission(new / "甲（第二次）.xlsx")
    shutil.copy(ONE_SHEET, new / "乙.xlsx")
    document = json.loads(run("diff", str(old), str(new), "--format", "json").stdout)
    pairs = {(Path(p["old"]).name, Path(p["new"]).name) for p in document["files"]}
    assert pairs == {("甲.xlsx", "甲（第二次）.xlsx"), ("乙.xlsx", "乙.xlsx")}
    assert all(t["status"] == "matched" for t in document["tables"])
    target = new / "乙.xlsx"
    before = target.read_bytes()
    refused = run("diff", str(old), str(new), "-o", str(target))
    assert refused.returncode == 2 and target.read_bytes() == before
    assert run("diff", str(old), str(new), "--format", "html").returncode == 2  # html needs -o
