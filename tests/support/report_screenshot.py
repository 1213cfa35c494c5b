"""The README's picture of the report: `python tests/support/report_screenshot.py [docs/report.png]` runs
`perfgoals-xl report` on the sample folder and photographs the page in Debian's headless chromium (the first
file opened), as a reviewer sees it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(target: Path) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        page_path = Path(folder) / "报告.html"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "perfgoals_xl",
                "report",
                str(ROOT / "workbook_templates" / "examples"),
                "-o",
                str(page_path),
                "--annotate",
                str(Path(folder) / "标注"),
            ],
            check=False,
            capture_output=True,
        )
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"))
            page = browser.new_page(viewport={"width": 1100, "height": 820}, locale="zh-CN")
            page.goto(page_path.as_uri())
            page.locator("tr.file").first.click()
            page.screenshot(path=str(target))
            browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "report.png")
