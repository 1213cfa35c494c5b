"""The bureau server: one FastAPI app in front (auth, size limit, queue, log) and a pool of worker processes
behind it that run the ribbon's handlers (perfgoals_xl.server.scripts) with a time limit each.

    GET  /health                                 200 {"status": "ok"}, no token needed
    POST /xlwings/custom-scripts-call/{name}     an xlwings client's payload → {"actions": [...]}

Errors are `{"detail": "<Chinese>"}` (the Office.js client shows `detail`); the VBA client shows the body as it
is, so it gets the message as plain text. A check that runs past the time limit is stopped (its process is
ended and replaced) and answered 504."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import multiprocessing
import time
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pebble import ProcessPool
from starlette.exceptions import HTTPException as StarletteHTTPException

from perfgoals_xl import __version__
from perfgoals_xl.server.config import ServerConfig, rule_settings
from perfgoals_xl.server.logs import LOGGER, request_line
from perfgoals_xl.server.scripts import SCRIPTS, Reply, run_script, warm_up

CALL_PATH = "/xlwings/custom-scripts-call/{name}"
VBA_AGENT = "VBA-Web"  # the User-Agent of xlwings' VBA client (VBA-Web)


def create_app(config: ServerConfig) -> FastAPI:
    """The app for this configuration; its worker pool starts and stops with the app."""
    settings = rule_settings(config)
    digests = [_digest(token) for token in config.tokens]
    pending = _Counter()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # spawn (not fork): the same on Linux and Windows, and no copy of the event loop's state
        pool = ProcessPool(
            max_workers=config.workers, context=multiprocessing.get_context("spawn"), initializer=warm_up
        )
        app.state.pool = pool
        LOGGER.info(
            "perfgoals-xl %s serving on %s:%s with %d workers",
            __version__,
            config.host,
            config.port,
            config.workers,
        )
        try:
            yield
        finally:
            pool.stop()
            pool.join(timeout=10)

    app = FastAPI(title="perfgoals-xl", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.post(CALL_PATH)
    async def call(name: str, request: Request) -> Response:
        started, request_id = time.perf_counter(), uuid.uuid4().hex[:8]

        def answer(reply: Reply, size: int = 0) -> Response:
            LOGGER.info(request_line(request_id, name, reply, size, time.perf_counter() - started))
            if reply.error:
                LOGGER.error("%s %s%s", request_id, reply.error, _details(config, reply))
            return _respond(request, reply)

        if not authorized(request.headers.get("authorization"), digests):
            return answer(
                Reply(401, {"detail": "访问令牌无效或缺失：请向管理员索取令牌，填入加载项设置表的 AUTH。"})
            )
        script = SCRIPTS.get(name)
        if script is None:
            known = "、".join(SCRIPTS)
            return answer(Reply(404, {"detail": f"服务器没有“{name[:40]}”这项功能（可用：{known}）。"}))
        body = await read_limited(request, config.max_body_bytes)
        if body is None:
            return answer(Reply(413, {"detail": too_large(config)}))
        if pending.value >= config.max_pending:
            return answer(
                Reply(503, {"detail": "服务器正忙（排队的请求已满），请稍候再点一次按钮。"}), len(body)
            )
        with pending:
            future = request.app.state.pool.schedule(
                run_script, args=(name, body, settings), timeout=config.timeout_seconds
            )
            try:
                reply = await asyncio.wrap_future(future)
            except FutureTimeout:
                reply = Reply(504, {"detail": too_slow(script.label, config)})
            except Exception as exc:  # the worker process died (memory, a crash): it is replaced
                reply = Reply(
                    500,
                    {"detail": f"“{script.label}”未能完成：服务器的工作进程意外退出，请稍后再试。"},
                    error=f"worker: {type(exc).__name__}",
                )
        return answer(reply, len(body))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: "没有这个地址。", 405: "这个地址不支持该请求方法。"}
        message = messages.get(exc.status_code, f"请求无法处理（HTTP {exc.status_code}）。")
        return _respond(request, Reply(exc.status_code, {"detail": message}))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, _exc: RequestValidationError) -> Response:
        return _respond(request, Reply(422, {"detail": "请求格式不正确。"}))

    return app


# --- pieces ---------------------------------------------------------------------------------------------------


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def authorized(header: str | None, digests: list[bytes]) -> bool:
    """The Authorization header (the token, optionally after `Bearer `) matches one of the tokens.

    Constant time: fixed-length digests compared with hmac.compare_digest, and every token is compared."""
    if not header:
        return False
    token = header.removeprefix("Bearer ").strip()
    given = _digest(token)
    found = False
    for digest in digests:
        found |= hmac.compare_digest(given, digest)
    return found


async def read_limited(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it is longer than `limit` bytes (announced or streamed)."""
    announced = request.headers.get("content-length")
    if announced is not None and announced.isdigit() and int(announced) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def too_large(config: ServerConfig) -> str:
    return (
        f"工作簿数据超过服务器的上限 {config.max_body_mb:g} MB，未处理。请删除表格以外多余的内容，"
        "或把绩效目标表复制到新的工作簿中再校验。"
    )


def too_slow(label: str, config: ServerConfig) -> str:
    return (
        f"“{label}”超过 {config.timeout_seconds:g} 秒仍未完成，服务器已停止处理，工作簿没有被修改。"
        "请稍后再试；工作簿很大时，可先删除表格以外多余的内容。"
    )


def _respond(request: Request, reply: Reply) -> Response:
    if reply.status == 200:
        return JSONResponse(reply.body)
    message = str(reply.body.get("detail", ""))
    if request.headers.get("user-agent", "").startswith(VBA_AGENT):
        return PlainTextResponse(message, status_code=reply.status)  # shown as it is in a message box
    return JSONResponse({"detail": message}, status_code=reply.status)


def _details(config: ServerConfig, reply: Reply) -> str:
    return f" | {' | '.join(reply.details)}" if config.log_details and reply.details else ""


class _Counter:
    """Requests waiting or running in this process (the event loop is single-threaded)."""

    def __init__(self) -> None:
        self.value = 0

    def __enter__(self) -> None:
        self.value += 1

    def __exit__(self, *_exc: Any) -> None:
        self.value -= 1
