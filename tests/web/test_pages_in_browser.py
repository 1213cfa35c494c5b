"""The report and diff pages in a real headless Chromium: they load without a console error, show the counts of
the JSON report, filter, sort and open a row, link rules into the embedded catalog, print without controls,
stay fast on 2,000 files (rows built a page at a time), and never make a request."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from functools import partial
from pathlib import Path

import pytest
from cli_process import run_cli
from conftest import EXAMPLES, THREE_SHEETS
from playwright.sync_api import expect
from resubmission import write_resubmission

from perfgoals_xl.core.provenance import SettingsInForce
from perfgoals_xl.core.report import Report
from perfgoals_xl.pipeline import check_file
from perfgoals_xl.web.data import report_data
from perfgoals_xl.web.page import render_page

pytestmark = pytest.mark.slow


cli = partial(run_cli, timeout=180)  # the reports of many files take longer


def counts(page, keys):
    return {key: int(page.locator(f'[data-count="{key}"]').inner_text().replace(",", "")) for key in keys}


def shown(page) -> int:
    return int(page.locator("[data-shown]").get_attribute("data-shown"))


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    """`report` on the sample folder with annotated copies, and `check --format json` of the same."""
    folder = tmp_path_factory.mktemp("report")
    page = folder / "报告.html"
    made = cli("report", str(EXAMPLES), "-o", str(page), "--annotate", str(folder / "标注"))
    assert made.returncode == 1, made.stderr  # the sample has errors
    checked = cli("check", str(EXAMPLES), "--format", "json")
    return page, json.loads(checked.stdout)


def test_report_page_matches_the_json_report(open_page, sample_report, tmp_path):
    path, document = sample_report
    opened = open_page(path)
    page = opened.page
    summary = document["summary"]
    keys = ("files", "tables", "errors", "warnings", "infos", "unreadable")
    assert counts(page, keys) == {key: summary[key] for key in keys}
    assert page.locator("tr.file").count() == len(document["files"])
    assert page.locator("[data-chart=rules] svg g.bar").count() > 0
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000
    assert opened.errors == [] and opened.dialogs == []
    assert opened.foreign_requests() == []


def test_a_row_click_shows_its_findings_and_rules_link_into_the_catalog(open_page, sample_report):
    path, document = sample_report
    page = open_page(path).page
    first = page.locator("tr.file").first
    index = int(first.get_attribute("data-index"))
    first.click()
    assert first.get_attribute("aria-expanded") == "true"
    detail = page.locator("tr.detail")
    findings = document["files"][index]["findings"]
    assert detail.locator("table.findings tbody tr").count() == len(findings)
    messages = detail.locator("table.findings tbody tr td:last-child").all_inner_texts()
    assert sorted(messages) == sorted(f["message"] for f in findings)
    link = detail.locator("a.annotated")
    assert link.get_attribute("href").startswith("%E6%A0%87%E6%B3%A8/")  # 标注/…, relative to the page
    assert (path.parent / "标注").is_dir()
    rule = detail.locator("a.rule").first
    rule_id = rule.inner_text()
    rule.click()
    assert page.evaluate("location.hash") == f"#rule-{rule_id}"
    assert page.locator(f"#rule-{rule_id}").is_visible()
    first.click()
    assert page.locator("tr.detail").count() == 0


def test_filters_by_severity_rule_unit_and_search(open_page, sample_report):
    path, document = sample_report
    page = open_page(path).page
    files = document["files"]
    page.select_option("select[name=rule]", "H05")
    assert shown(page) == sum(1 for f in files if any(x["rule"] == "H05" for x in f["findings"]))
    page.locator("tr.file").first.click()
    rules = page.locator("tr.detail table.findings a.rule").all_inner_texts()
    assert rules and set(rules) == {"H05"}
    page.select_option("select[name=rule]", "")
    page.select_option("select[name=severity]", "clean")
    assert shown(page) == 0
    assert page.locator("tr.empty-row").inner_text() == "没有符合条件的文件。"
    page.select_option("select[name=severity]", "error")
    assert shown(page) == len(files)
    page.fill("input[type=search]", "seed_one")
    expect(page.locator("[data-shown]")).to_have_attribute(
        "data-shown", "1"
    )  # the search waits for typing to pause
    assert page.locator("tr.file td.path").inner_text().startswith("seed_one_sheet.xlsx")
    page.click("text=清除筛选")
    assert shown(page) == len(files)


def test_printing_shows_counts_and_table_without_controls(open_page, sample_report):
    path, _ = sample_report
    page = open_page(path).page
    page.emulate_media(media="print")
    assert page.locator("table.grid").is_visible()
    assert page.locator("[data-count=errors]").is_visible()
    for hidden in (".toolbar", ".charts", "#catalog"):
        assert not page.locator(hidden).is_visible()


def _many_files(tmp_path: Path, count: int) -> tuple[Path, list[str]]:
    """A report of `count` files (the sample's results under other names and units), as the CLI would write it."""
    results = [check_file(path) for path in sorted(EXAMPLES.glob("*.xlsx"))]
    files = [
        dataclasses.replace(results[i % len(results)], path=f"报送/单位{i % 40:02d}/表{i:04d}.xlsx")
        for i in range(count)
    ]
    data = report_data(
        Report(files),
        checked_at=datetime(2026, 12, 1, 9, 30),
        settings=[SettingsInForce()],
        folders=[f"单位{i % 40:02d}" for i in range(count)],
    )
    units = []
    for index, entry in enumerate(data["report"]["files"]):
        entry["unit"] = f"单位{index % 40:02d}"
        units.append(entry["unit"])
    page = tmp_path / "many.html"
    page.write_text(render_page(data), encoding="utf-8")
    return page, units


def test_two_thousand_files_render_a_page_of_rows_at_a_time(open_page, tmp_path):
    path, units = _many_files(tmp_path, 2000)
    opened = open_page(path)
    page = opened.page
    assert counts(page, ("files",)) == {"files": 2000}
    assert shown(page) == 2000
    assert page.locator("tr.file").count() == 100  # one page of rows, not 2,000
    page.select_option("select[name=unit]", "单位07")
    assert shown(page) == units.count("单位07") == 50
    page.click("th[data-key=name] button")
    names = page.locator("tr.file td.path").all_inner_texts()
    assert names == sorted(names)
    page.select_option("select[name=unit]", "")
    page.click("text=下一页")
    assert page.locator(".pager span").inner_text() == "第 2 / 20 页"
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("tr.file").count() == 2000  # printing lists every file that passes the filters
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("tr.file").count() == 100
    assert opened.errors == [] and opened.foreign_requests() == []


def test_text_from_a_workbook_never_becomes_markup(open_page, tmp_path, write_book):
    hostile = "</script><img src=x onerror=alert(1)><b>粗</b>"
    book = write_book(
        {
            "表": [
                ["2026年项目支出绩效目标表"],
                ["项目名称", hostile],
                ["年度预算金额", 10],
                ["一级指标", "二级指标", "三级指标", "指标值", "度量单位", "指标值类型"],
                ["产出指标", "数量指标", hostile, 4, "次", "≥"],
            ]
        },
        name="恶意.xlsx",
    )
    out = tmp_path / "page.html"
    assert cli("report", str(book), "-o", str(out)).returncode in (0, 1)
    opened = open_page(out)
    page = opened.page
    page.locator("tr.file").first.click()
    assert hostile in page.locator("tr.detail").inner_text()
    assert page.locator("img").count() == 0 and page.locator("tr.detail b").count() == 0
    assert opened.dialogs == [] and opened.errors == [] and opened.foreign_requests() == []


def test_diff_page_shows_the_changes_and_findings(open_page, tmp_path):
    new = write_resubmission(tmp_path / "resubmitted.xlsx")
    out = tmp_path / "对比.html"
    made = cli("diff", str(THREE_SHEETS), str(new), "--format", "html", "-o", str(out))
    assert made.returncode == 1, made.stderr  # NEW still has errors
    document = json.loads(cli("diff", str(THREE_SHEETS), str(new), "--format", "json").stdout)
    opened = open_page(out)
    page = opened.page
    keys = ("matched", "added", "removed", "changes", "fixed", "new", "remaining")
    assert counts(page, keys) == {key: document["summary"][key] for key in keys}
    assert page.locator(".tablecard").count() == len(document["tables"])
    assert page.locator("#findings-fixed tbody tr").count() == 2
    assert page.locator("#findings-new a.rule").all_inner_texts() == ["V06"]
    budget = page.locator("tr[data-field=budget]").first.inner_text()
    assert "10" in budget and "12" in budget
    page.screenshot(path=str(tmp_path / "diff.png"), full_page=True)
    assert opened.errors == [] and opened.dialogs == [] and opened.foreign_requests() == []


def test_settings_sent_in_are_shown_as_text_with_their_warning(open_page, tmp_path):
    """A settings file beside the workbooks, in a folder named like markup and with markup among its words, is
    named in the page's header as text (issue 17), and nothing of it becomes an element."""
    hostile = "</script><img src=x onerror=alert(1)>"
    folder = tmp_path / f"报送{hostile.replace('/', '')}"
    folder.mkdir()
    book = folder / "表.xlsx"
    book.write_bytes(THREE_SHEETS.read_bytes())
    config = folder / "perfgoals.toml"
    config.write_text(f'ignore = ["V"]\n[thresholds]\nvague_values = ["{hostile}"]\n', encoding="utf-8")
    out = tmp_path / "page.html"
    made = cli("report", str(folder), "-o", str(out))
    assert made.returncode == 1 and "关闭了 14 条规则（V 类全部）" in made.stderr
    opened = open_page(out)
    header = opened.page.locator("header.top").inner_text()
    assert f"配置文件“{config}”" in header and hostile in header
    assert f"注意：报送文件夹中的设置文件“{config}”关闭了 14 条规则（V 类全部）" in header
    assert opened.page.locator("img").count() == 0
    assert opened.dialogs == [] and opened.errors == [] and opened.foreign_requests() == []
