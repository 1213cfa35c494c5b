"""The report page of a large batch (issue 14: 2,000 files stay fast), each beside a baseline of the same run.

- `report_page`: building the page in Python (the report's JSON with its additions, the catalog, the HTML) for
  REPORT_FILES file results, against `json.dumps` of the check's JSON report of the same results (what
  `check --format json` prints).
- `report_browser`: the page opened in headless Chromium until its table is drawn, against the same data in a
  page whose script only parses it (the floor of any page that carries the data); the time of one filter
  (choosing a unit) is recorded beside it.

The file results are the small corpus checked once and repeated under other paths and units.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.corpus import Corpus
from bench.measures import Measure, Repeats, interleaved

REPORT_FILES = 2000
UNITS = 40
FLOOR_PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body><p id="n"></p>
<script type="application/json" id="pg-data">{data}</script>
<script>document.getElementById("n").dataset.shown = JSON.parse(
document.getElementById("pg-data").textContent).report.files.length;</script></body></html>"""


def _report(corpus: Corpus) -> Any:
    from perfgoals_xl.core.report import Report
    from perfgoals_xl.pipeline import check_files

    results = check_files(corpus.small)
    files = [
        dataclasses.replace(results[i % len(results)], path=f"报送/单位{i % UNITS:02d}/表{i:04d}.xlsx")
        for i in range(REPORT_FILES)
    ]
    return Report(files)


def _page_data(report: Any) -> dict[str, Any]:
    from perfgoals_xl.core.provenance import SettingsInForce
    from perfgoals_xl.web.data import report_data

    data = report_data(
        report,
        checked_at=datetime(2026, 12, 1),
        settings=[SettingsInForce(origin="defaults")],
        folders=[f"单位{i % UNITS:02d}" for i in range(len(report.files))],
    )
    for index, entry in enumerate(data["report"]["files"]):
        entry["unit"] = f"单位{index % UNITS:02d}"  # many units, as a real batch has
    return data


def report_page(corpus: Corpus, repeats: Repeats, scratch: Path) -> Measure:
    from perfgoals_xl.core.render import to_json
    from perfgoals_xl.web.page import render_page

    report = _report(corpus)
    ours, baseline = interleaved(
        repeats.timing,
        lambda: render_page(_page_data(report)),
        lambda: json.dumps(to_json(report), ensure_ascii=False, indent=2),
    )
    size = len(render_page(_page_data(report)).encode("utf-8"))
    return Measure(
        name="report_page",
        title=f"`report` page of {REPORT_FILES:,} files built (JSON, catalog, HTML), checking not included",
        baseline_title="`check --format json` text of the same results",
        unit="s",
        kind="ratio",
        target=2.0,
        ours=ours,
        baseline=baseline,
        details={"page_bytes": size},
    )


def report_browser(corpus: Corpus, repeats: Repeats, scratch: Path) -> Measure:
    from playwright.sync_api import sync_playwright

    from perfgoals_xl.web.page import embedded_json, render_page

    data = _page_data(_report(corpus))
    ours_page, floor_page = scratch / "report.html", scratch / "floor.html"
    ours_page.write_text(render_page(data), encoding="utf-8")
    floor_page.write_text(FLOOR_PAGE.format(data=embedded_json(data)), encoding="utf-8")
    filters: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"))
        page = browser.new_page(viewport={"width": 1360, "height": 1000})

        def load(path: Path) -> None:
            page.goto(path.as_uri())
            page.wait_for_selector("[data-shown]", state="attached")

        def load_and_filter() -> None:
            load(ours_page)
            start = time.perf_counter()
            page.select_option("select[name=unit]", "单位07")
            filters.append(time.perf_counter() - start)

        ours, baseline = interleaved(repeats.timing, lambda: load(ours_page), lambda: load(floor_page))
        for _ in range(repeats.timing):
            load_and_filter()
        browser.close()
    return Measure(
        name="report_browser",
        title=f"`report` page of {REPORT_FILES:,} files opened in headless Chromium until the table is drawn",
        baseline_title="a page with the same data that only parses it",
        unit="s",
        kind="ratio",
        target=3.0,
        ours=ours,
        baseline=baseline,
        details={"filter_seconds": filters, "filter_median": sorted(filters)[len(filters) // 2]},
    )
