"""Fixtures (a pytest plugin, see tests/conftest.py): a real headless Chromium (Debian's `chromium`, driven by Playwright with `executable_path`; no browser
download) that opens the pages from files, and records what a user would not see: console errors, uncaught
exceptions, dialogs and every request the page makes."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def chromium_path() -> str:
    """The browser: $PERFGOALS_CHROMIUM, else the first on PATH. Missing is a failure, not a skip: the
    browser tests are part of the suite (.ci/run installs Debian's chromium)."""
    found = os.environ.get("PERFGOALS_CHROMIUM") or next(filter(None, map(shutil.which, CANDIDATES)), None)
    if not found:
        pytest.fail(
            "没有找到 Chromium：请安装 Debian 的 chromium 包（apt-get install -y chromium），或设置 PERFGOALS_CHROMIUM。"
        )
    return found


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), headless=True)
        yield launched
        launched.close()


@dataclass
class Opened:
    """A page opened from a file, with what it said and asked for."""

    page: object
    url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        """Every request but the page itself (and data: URLs, which never leave it)."""
        return [url for url in self.requests if url != self.url and not url.startswith("data:")]


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_(path: Path, width: int = 1360, height: int = 1000) -> Opened:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page=page, url=path.resolve().as_uri())
        page.on("console", lambda m: opened.errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda exc: opened.errors.append(str(exc)))
        page.on("request", lambda request: opened.requests.append(request.url))
        page.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(opened.url)
        page.wait_for_selector("main")
        return opened

    yield open_
    for context in contexts:
        context.close()
