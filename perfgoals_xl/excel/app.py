"""The Excel application the handlers run in: desktop Excel through COM, or a book built by xlwings' remote
engine; screen updating and the status bar while we work; where the book lives."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from perfgoals_xl.core.marks import Plan


def on_com(book: Any) -> bool:
    return book.app.engine.name == "excel"


def remote_client(book: Any) -> str | None:
    """The xlwings client that sent a remote engine's book ("VBA" or "Office.js"); None on desktop Excel."""
    if on_com(book):
        return None
    payload = book.api
    return payload.get("client") if isinstance(payload, dict) else None


def can_add_notes(book: Any) -> bool:
    """Desktop Excel, or an Office.js client whose Excel has notes (ExcelApi 1.18); the VBA client has none."""
    if on_com(book):
        return True
    sheets = book.api.get("sheets", []) if remote_client(book) == "Office.js" else []
    return bool(sheets) and all("notes" in s and s.get("notes_supported") is not False for s in sheets)


@contextmanager
def quiet(book: Any, status: str) -> Iterator[None]:
    """Desktop Excel: screen updating off and a status-bar text while we work, both restored afterwards."""
    if not on_com(book):
        yield
        return
    app = book.app
    updating = app.screen_updating
    app.screen_updating = False
    app.status_bar = status
    try:
        yield
    finally:
        app.screen_updating = updating
        app.status_bar = False  # hands the status bar back to Excel


def book_path(book: Any) -> Path | None:
    """The saved workbook's path (for perfgoals.toml lookup), None for an unsaved or remote book and for a book
    on OneDrive/SharePoint, whose FullName is a URL."""
    try:
        name = str(book.fullname)
    except Exception:  # a remote payload without its book part: no folder to look in
        return None
    if is_url(name):
        return None
    try:
        path = Path(name)
        return path if path.is_absolute() and path.exists() else None
    except (OSError, ValueError):  # a name no file system can hold
        return None


def is_url(name: str) -> bool:
    """A workbook name that is a web address (OneDrive, SharePoint: `https://…/报送.xlsx`)."""
    return "://" in name


def set_column_width(book: Any, sheet: Any, col: int, chars: float) -> None:
    """Column `col` `chars` characters wide: desktop Excel counts characters, the remote engine points (×7)."""
    sheet.range((1, col)).column_width = chars if on_com(book) else chars * POINTS_PER_CHAR


POINTS_PER_CHAR = 7


def after_last_visible(book: Any) -> Any:
    """Where a new sheet of ours goes: after the last visible sheet (a hidden or very hidden last sheet would
    hide it from view); the last sheet when the host cannot say."""
    from perfgoals_xl.excel.read import sheet_visibility

    sheets = list(book.sheets)
    return next((s for s in reversed(sheets) if sheet_visibility(s) == "visible"), sheets[-1])


@contextmanager
def no_dialogs(book: Any) -> Iterator[None]:
    """Desktop Excel: DisplayAlerts off (a name left in the book would otherwise raise a modal dialog)."""
    if not on_com(book):
        yield
        return
    app = book.app
    shown = app.display_alerts
    app.display_alerts = False
    try:
        yield
    finally:
        app.display_alerts = shown


ALERT_TITLE = "绩效目标校验"  # the title of every alert we show


@dataclass(frozen=True)
class Outcome:
    """What a handler did, for its alert and for tests."""

    message: str
    plan: Plan | None = None
    cleared: int = 0


def alert(book: Any, message: str) -> None:
    """Show a message box with our title (the closing word of every button)."""
    book.app.alert(message, title=ALERT_TITLE)
