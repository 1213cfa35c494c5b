"""What one call of a ribbon button does on the server, inside a worker process: the payload an xlwings client
sent (VBA `RunServerPython` or Office.js `runPython`) checked, `xw.Book(json=payload)` built, the button's
handler of perfgoals_xl.excel run on it, and `{"actions": [...]}` returned — or a Chinese message.

Nothing here is shared between calls: each builds its own book and drops it. No path from the payload is
opened (the rule settings are passed in; the book's name is only a name)."""

from __future__ import annotations

import json
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from perfgoals_xl.core.settings import Settings
from perfgoals_xl.excel.app import ALERT_TITLE, Outcome
from perfgoals_xl.excel.ribbon import LABELS


@dataclass(frozen=True)
class Script:
    """A button the server runs: its URL name, its ribbon id and the handler."""

    name: str
    button: str
    run: Callable[[Any, Settings], Outcome]

    @property
    def label(self) -> str:
        return LABELS[self.button]


def _check_sheet(book: Any, settings: Settings) -> Outcome:
    from perfgoals_xl.excel.handlers import check_active_sheet

    return check_active_sheet(book, settings)


def _check_all(book: Any, settings: Settings) -> Outcome:
    from perfgoals_xl.excel.handlers import check_all_sheets

    return check_all_sheets(book, settings)


def _clear_marks(book: Any, _settings: Settings) -> Outcome:
    from perfgoals_xl.excel.handlers import clear_marks

    return clear_marks(book)


def _compute_totals(book: Any, settings: Settings) -> Outcome:
    from perfgoals_xl.excel.totals import fill_totals

    return fill_totals(book, settings)


SCRIPTS: dict[str, Script] = {
    script.name: script
    for script in (
        Script("check_sheet", "pg_check_sheet", _check_sheet),
        Script("check_all", "pg_check_all", _check_all),
        Script("clear_marks", "pg_clear", _clear_marks),
        Script("compute_totals", "pg_totals", _compute_totals),
    )
}


# --- the payload --------------------------------------------------------------------------------------------

Cell = str | int | float | bool | None


class SheetData(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str = Field(min_length=1, max_length=31)
    values: list[list[Cell]]


class BookData(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    active_sheet_index: int = Field(ge=0)
    selection: str | None = None


class Payload(BaseModel):
    """The part of an xlwings client's payload the handlers rely on; the rest is passed on as sent."""

    model_config = ConfigDict(extra="allow")
    client: Literal["VBA", "Office.js"]
    version: str
    book: BookData
    names: list[dict[str, Any]] = []
    sheets: list[SheetData] = Field(min_length=1)


class BadPayload(Exception):
    """A payload that cannot be a workbook; `message` is Chinese and names the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_payload(body: bytes) -> dict[str, Any]:
    """The JSON body as the dict xlwings takes; BadPayload naming what is wrong."""
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadPayload("请求内容不是 UTF-8 编码的 JSON。") from None
    except json.JSONDecodeError as exc:
        raise BadPayload(
            f"请求内容不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）。"
        ) from None
    if not isinstance(data, dict):
        raise BadPayload("请求内容应为 JSON 对象（xlwings 客户端发送的工作簿数据）。")
    try:
        payload = Payload.model_validate(data)
    except ValidationError as exc:
        raise BadPayload(f"工作簿数据有误：{_explain(exc)}") from None
    _check_shape(payload)
    return data


def _explain(error: ValidationError) -> str:
    first = error.errors()[0]
    where = _location(first["loc"])
    kind = first["type"]
    if kind == "missing":
        return f"缺少 {where}。"
    if kind == "literal_error":
        return f"{where} 应为 VBA 或 Office.js，收到 {str(first.get('input'))[:40]!r}。"
    if kind == "too_short":
        return f"{where} 不能为空。"
    if kind in ("string_too_long", "string_too_short"):
        return f"{where} 应为 1 到 31 个字符的工作表名称。"
    if kind == "greater_than_equal":
        return f"{where} 不能为负数。"
    return f"{where} 的类型不对（{first['msg']}）。"


def _location(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in ("str", "int", "float", "bool", "none"):
            break  # the union member pydantic tried last, not a field
        else:
            text += f".{part}" if text else str(part)
    return text or "（整体）"


def _check_shape(payload: Payload) -> None:
    count = len(payload.sheets)
    if payload.book.active_sheet_index >= count:
        raise BadPayload(
            f"工作簿数据有误：book.active_sheet_index 为 {payload.book.active_sheet_index}，"
            f"但只有 {count} 张工作表。"
        )
    for sheet in payload.sheets:
        widths = {len(row) for row in sheet.values}
        if len(widths) > 1:
            raise BadPayload(f"工作簿数据有误：工作表“{sheet.name}”的 values 各行单元格数不同。")


def warm_up() -> None:
    """A worker's first task: import what the handlers need, so the first click is as quick as the rest."""
    import xlwings  # noqa: F401

    import perfgoals_xl.core.rules
    import perfgoals_xl.excel.handlers
    import perfgoals_xl.excel.totals  # noqa: F401


# --- one call -----------------------------------------------------------------------------------------------


@dataclass
class Reply:
    """What the worker sends back: the HTTP status, the body, and what the log may say (no cell contents)."""

    status: int
    body: dict[str, Any]
    client: str = "-"
    sheets: int = 0
    error: str | None = None  # for the log: the exception type and where it happened
    details: list[str] = field(default_factory=list)  # the exception message, logged only if asked


def run_script(name: str, body: bytes, settings: Settings) -> Reply:
    """Run the script `name` on the payload `body`; never raises."""
    import xlwings as xw

    script = SCRIPTS[name]
    try:
        data = parse_payload(body)
    except BadPayload as exc:
        return Reply(422, {"detail": exc.message})
    client, sheets = data["client"], len(data["sheets"])
    if client == "VBA" and data["version"] != xw.__version__:
        return Reply(
            422,
            {
                "detail": f"加载项的 xlwings 版本为 {str(data['version'])[:20]}，服务器为 {xw.__version__}，"
                "两者必须一致：请管理员用 perfgoals-xl addin build --server 重新生成加载项后再安装。"
            },
            client,
            sheets,
        )
    try:
        book = xw.Book(json=data)
    except Exception as exc:
        return Reply(
            422,
            {"detail": "工作簿数据无法读取，请确认加载项版本与服务器一致。"},
            client,
            sheets,
            *_error(exc),
        )
    try:
        script.run(book, settings)
        return Reply(200, book.json(), client, sheets)
    except Exception as exc:
        return Reply(200, {"actions": [failure_alert(script.label)]}, client, sheets, *_error(exc))
    finally:
        book.close()


def failure_alert(label: str) -> dict[str, Any]:
    """An xlwings `alert` action telling the clerk the button failed (the partial actions are dropped)."""
    message = (
        f"“{label}”未能完成：服务器处理时出现了意外错误，工作簿没有被修改。\n\n"
        "请稍后再试一次；如果仍然出错，请把工作簿和出错时间告诉管理员（服务器日志中有详细信息）。"
    )
    return {
        "func": "alert",
        "args": [message, ALERT_TITLE, "ok", "critical", ""],
        "values": None,
        "sheet_position": None,
        "start_row": None,
        "start_column": None,
        "row_count": None,
        "column_count": None,
    }


def _error(exc: BaseException) -> tuple[str, list[str]]:
    """The exception type and its frames (file:line in function) — never its message, which may quote cells —
    plus the message apart, for a log that asks for details."""
    frames = traceback.extract_tb(exc.__traceback__)[-6:]
    where = " ← ".join(f"{os.path.basename(f.filename)}:{f.lineno} {f.name}" for f in reversed(frames))
    return f"{type(exc).__name__} at {where}", [str(exc)[:500]]
