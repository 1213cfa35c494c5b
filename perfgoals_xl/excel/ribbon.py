"""The Python side of the 绩效目标 ribbon tab: one handler per button, reached through `dispatch`.

Every button of vba/customUI.xml calls the VBA callback `RibbonPerfgoals.OnAction`, which runs
`import perfgoals_xl.excel.ribbon as r; r.dispatch('<button id>')` in a new Python process (xlwings RunPython).
`dispatch` finds the calling workbook, runs the button's handler and turns every exception into a Chinese
alert that names the log file holding the traceback — users never see Python.

A new Python process starts on every click, so this module imports only xlwings and the standard library;
each handler imports what it needs when it runs (no openpyxl, click or rich here; bench/ribbon_import.py
measures it). Buttons whose feature belongs to another module (合计, 模板) look their function up when
clicked and tell the user in Chinese when it is not there yet (`PENDING`, `pending_features`).

Handler contract: a handler takes the book, does its work and ends with its own alert (like the handlers in
perfgoals_xl.excel.handlers), returning an `Outcome` (or None).
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xlwings as xw

from perfgoals_xl import __version__
from perfgoals_xl.excel.app import ALERT_TITLE

if TYPE_CHECKING:
    from xlwings import Book

    from perfgoals_xl.excel.app import Outcome

RULES_SHEET = "规则说明"
RULES_HEADER = ("编号", "级别", "规则", "说明", "错误示例", "正确示例")
RULES_WIDTHS = (6, 6, 28, 60, 40, 40)  # characters
SETTINGS_SHEET = "设置"
SETTINGS_WIDTHS = (34, 60, 60)
LOG_NAME = "perfgoals.log"
LOG_MAX_BYTES = 1_000_000  # then the log moves to perfgoals.log.1 and a new one starts

# The button labels of vba/customUI.xml (a test keeps them equal), for messages.
LABELS = {
    "pg_check_sheet": "校验本表",
    "pg_check_all": "校验全部",
    "pg_clear": "清除标记",
    "pg_totals": "计算合计",
    "pg_new_project": "新建项目表",
    "pg_new_department": "新建部门表",
    "pg_normalize": "规范为标准模板",
    "pg_rules": "规则说明",
    "pg_settings": "设置",
}

Handler = Callable[["Book"], "Outcome | None"]


# --- dispatch -------------------------------------------------------------------------------------------------


def dispatch(button_id: str, book: Book | None = None) -> Outcome | None:
    """Run the handler of `button_id` on `book` (default: the workbook whose ribbon was clicked).

    Every exception becomes a Chinese alert naming the log file that holds the traceback; an unknown id
    (an add-in newer or older than the installed package) gets a Chinese alert too.
    """
    try:
        if book is None:
            book = xw.Book.caller()
    except Exception:
        log = write_log(button_id, None, traceback.format_exc())
        # No workbook to show an alert in: xlwings shows what the process wrote to stderr.
        sys.exit(
            "perfgoals：找不到调用的工作簿，请在 Excel 中打开并激活要处理的工作簿后再点按钮。"
            + _where_logged(log)
        )
    handler = HANDLERS.get(button_id)
    if handler is None:
        write_log(button_id, book, f"unknown button id {button_id!r}\n")
        _show(
            book,
            f"未知的按钮“{button_id}”：加载项与已安装的 perfgoals-xl 版本不一致。\n"
            "请联系维护人员重新生成并安装加载项（perfgoals-xl addin build，再 perfgoals-xl addin install），"
            "然后重启 Excel。",
        )
        return None
    try:
        from perfgoals_xl.core.config import clear_cache

        clear_cache()  # settings files may have changed since the last click (a resident UDF server)
        return handler(book)
    except Exception:
        log = write_log(button_id, book, traceback.format_exc())
        _show(book, error_message(button_id, sys.exc_info()[1], log))
        return None


def error_message(button_id: str, error: BaseException | None, log: Path | None) -> str:
    """The Chinese alert for an unexpected error: what failed, what to do, where the details are."""
    label = LABELS.get(button_id, button_id)
    detail = f"{type(error).__name__}: {error}" if error is not None else ""
    if len(detail) > 200:
        detail = detail[:200] + "…"
    return (
        f"“{label}”未能完成，出现了意外错误。\n\n"
        "请先保存工作簿，关闭后重新打开再试一次；如果仍然出错，请把日志文件和工作簿发给维护人员。\n"
        f"{_where_logged(log)}\n\n错误摘要：{detail}"
    )


def _where_logged(log: Path | None) -> str:
    return f"详细信息已写入日志文件：\n{log}" if log else f"日志文件 {log_file()} 无法写入。"


def _show(book: Book, message: str) -> None:
    try:
        book.app.alert(message, title=ALERT_TITLE, mode="critical")
    except Exception:
        write_log("alert", book, traceback.format_exc())
        sys.exit(message)  # no alert possible: xlwings shows what the process wrote to stderr


# --- the log file -----------------------------------------------------------------------------------------


def log_dir() -> Path:
    """%LOCALAPPDATA%/perfgoals/logs on Windows, ~/.perfgoals/logs elsewhere."""
    local = os.environ.get("LOCALAPPDATA")
    if sys.platform == "win32" and local:
        return Path(local) / "perfgoals" / "logs"
    return Path.home() / ".perfgoals" / "logs"


def log_file() -> Path:
    return log_dir() / LOG_NAME


def write_log(button_id: str, book: Book | None, details: str) -> Path | None:
    """Append one entry (time, button, workbook, traceback) to the log; its path, or None if it failed."""
    try:
        name = book.fullname if book is not None else "-"
    except Exception:
        name = "?"
    entry = (
        f"=== {datetime.now().isoformat(timespec='seconds')} perfgoals-xl {__version__} "
        f"xlwings {xw.__version__} Python {sys.version.split()[0]}\n"
        f"button: {button_id}\nworkbook: {name}\n{details.rstrip()}\n\n"
    )
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > LOG_MAX_BYTES:
            path.replace(path.with_name(LOG_NAME + ".1"))
        with path.open("a", encoding="utf-8") as stream:
            stream.write(entry)
    except OSError:
        return None
    return path


# --- handlers ---------------------------------------------------------------------------------------------


def check_sheet(book: Book) -> Outcome:
    """校验本表."""
    from perfgoals_xl.excel import handlers as excel

    return excel.check_active_sheet(book)


def check_all(book: Book) -> Outcome:
    """校验全部."""
    from perfgoals_xl.excel import handlers as excel

    return excel.check_all_sheets(book)


def clear(book: Book) -> Outcome:
    """清除标记."""
    from perfgoals_xl.excel import handlers as excel

    return excel.clear_marks(book)


def rules_sheet(book: Book) -> Outcome:
    """规则说明: add (or refresh) a sheet listing the catalog, one row per rule, in one bulk write."""
    from perfgoals_xl.excel.app import Outcome

    rows = rule_rows()
    sheet = _write_own_sheet(book, RULES_SHEET, rows, header_row=1, widths=RULES_WIDTHS)
    message = f"已在“{sheet.name}”表中列出全部 {len(rows) - 1} 条校验规则。"
    book.app.alert(message, title=ALERT_TITLE)
    return Outcome(message)


def _write_own_sheet(
    book: Book, name: str, rows: list[list[Any]], header_row: int, widths: tuple[int, ...]
) -> Any:
    """Write `rows` into our sheet `name` — emptied in place on a re-run (found by its header row), added after
    the last visible sheet otherwise (a user's sheet of that name is left alone) — in one bulk write, text as
    text."""
    from perfgoals_xl.core.cells import typed_rows
    from perfgoals_xl.excel.app import after_last_visible, set_column_width

    header = rows[header_row - 1]
    names = [sheet.name for sheet in book.sheets]
    ours = next(
        (s for s in book.sheets if s.name.startswith(name) and _has_header(s, header, header_row)), None
    )
    if ours is not None:
        sheet = ours
        sheet.clear()  # re-run: our sheet, emptied, keeps its place among the user's sheets
    else:
        wanted, number = name, 2
        while wanted in names:  # the user has a sheet of that name: leave it alone
            wanted, number = f"{name}{number}", number + 1
        sheet = book.sheets.add(wanted, after=after_last_visible(book))
    width = max(len(row) for row in rows)
    block = [row + [None] * (width - len(row)) for row in typed_rows(rows)]  # one rectangle
    sheet.range("A1").value = block  # text as text: an example such as `-5`, a path with `=`
    sheet.range((header_row, 1), (header_row, len(header))).font.bold = True
    for col, chars in enumerate(widths, 1):
        set_column_width(book, sheet, col, chars)
    sheet.activate()
    return sheet


def _has_header(sheet: Any, header: list[Any], row: int) -> bool:
    """Our sheet: its header row is ours."""
    found = sheet.range((row, 1), (row, len(header))).options(ndim=1).value or []
    return [str(value or "") for value in found] == [str(value) for value in header]


def rule_rows() -> list[list[str]]:
    """The header and one row per rule of the registry: 编号, 级别, 规则, 说明, 错误示例, 正确示例."""
    from perfgoals_xl.core.catalog import parse_doc
    from perfgoals_xl.core.models import SEVERITY_NAMES
    from perfgoals_xl.core.rules import RULES

    rows = [list(RULES_HEADER)]
    for rule in RULES.values():
        doc = parse_doc(rule.doc)
        rows.append([rule.id, SEVERITY_NAMES[rule.severity], rule.title, doc.summary, doc.bad, doc.good])
    return rows


def settings(book: Book) -> Outcome:
    """设置: a 设置 sheet listing each setting in force beside its default, where they come from and any warning
    (a settings file beside the workbook that switches rules off); an alert says the same in words."""
    from perfgoals_xl.core.config import ConfigError
    from perfgoals_xl.core.provenance import describe, settings_rows
    from perfgoals_xl.excel.app import Outcome, book_path
    from perfgoals_xl.excel.handlers import in_force_for

    path = book_path(book)
    try:
        in_force = in_force_for(book, None)
    except ConfigError as exc:
        message = f"{exc.message}\n\n请改正这个设置文件后再校验（说明见 docs/settings.md）。"
    else:
        sheet = _write_own_sheet(
            book, SETTINGS_SHEET, settings_rows(in_force), header_row=2, widths=SETTINGS_WIDTHS
        )
        message = describe(in_force) + f"\n\n各设置项的当前取值和默认值见“{sheet.name}”表。"
        if path is None:
            message += f"\n\n{_no_folder(book)}，只查找了用户主目录中的 perfgoals.toml。"
    book.app.alert(message, title=f"{ALERT_TITLE}：设置")
    return Outcome(message)


def _no_folder(book: Book) -> str:
    """Why no settings file beside the workbook was looked for."""
    from perfgoals_xl.excel.app import is_url

    try:
        online = is_url(str(book.fullname))
    except Exception:
        online = False
    return "工作簿保存在网络位置（OneDrive 或 SharePoint），没有本机文件夹" if online else "工作簿尚未保存"


def totals(book: Book) -> Outcome:
    """计算合计."""
    from perfgoals_xl.excel.totals import fill_totals

    return fill_totals(book)


def new_project(book: Book) -> Outcome:
    """新建项目表."""
    from perfgoals_xl.excel.buttons import new_template_sheet

    return new_template_sheet(book, "project")


def new_department(book: Book) -> Outcome:
    """新建部门表."""
    from perfgoals_xl.excel.buttons import new_template_sheet

    return new_template_sheet(book, "department")


def normalize(book: Book) -> Outcome:
    """规范为标准模板."""
    from perfgoals_xl.excel.buttons import normalize_active_table

    return normalize_active_table(book)


HANDLERS: dict[str, Handler] = {
    "pg_check_sheet": check_sheet,
    "pg_check_all": check_all,
    "pg_clear": clear,
    "pg_totals": totals,
    "pg_new_project": new_project,
    "pg_new_department": new_department,
    "pg_normalize": normalize,
    "pg_rules": rules_sheet,
    "pg_settings": settings,
}
