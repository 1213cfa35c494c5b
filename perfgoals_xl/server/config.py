"""What the bureau server runs with: address, workers, limits, tokens and the rule settings, from a server
settings file (`perfgoals-server.toml`), the environment (`PERFGOALS_TOKENS`) and the command line.

Every mistake is a `ServerConfigError` whose Chinese message names the file and the key."""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from perfgoals_xl.core.config import load_settings
from perfgoals_xl.core.errors import PerfgoalsError
from perfgoals_xl.core.settings import Settings

TOKENS_ENV = "PERFGOALS_TOKENS"  # comma-separated; wins over the file's `tokens`
MIN_TOKEN_LENGTH = 16
LOCALHOST = "127.0.0.1"


class ServerConfigError(PerfgoalsError):
    """A server setting that cannot be used; `message` is Chinese and names the file or key."""


class ServerConfig(BaseModel):
    """The keys of perfgoals-server.toml (all optional); see docs/server.md."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    host: str = LOCALHOST  # only this machine, unless told otherwise (a reverse proxy in front)
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=2, ge=1, le=64)  # processes that run the checks
    tokens: tuple[str, ...] = ()
    max_body_mb: float = Field(default=20, gt=0, le=200)  # a larger request gets 413
    timeout_seconds: float = Field(default=30, gt=0, le=600)  # a longer check gets 504 and is stopped
    max_pending: int = Field(default=64, ge=1, le=10_000)  # requests waiting for a worker; beyond: 503
    rules: Path | None = None  # the rule settings (a perfgoals.toml) for every check
    log_file: Path | None = None  # else stderr; rotated at log_max_mb, log_backups kept
    log_max_mb: float = Field(default=5, gt=0, le=1000)
    log_backups: int = Field(default=3, ge=0, le=100)
    log_details: bool = False  # also log exception messages (they may quote cell contents)

    @property
    def max_body_bytes(self) -> int:
        return int(self.max_body_mb * 1024 * 1024)


KEY_NAMES = {
    "host": "监听地址",
    "port": "端口",
    "workers": "工作进程数",
    "tokens": "令牌",
    "max_body_mb": "请求大小上限（MB）",
    "timeout_seconds": "单次请求时限（秒）",
    "max_pending": "排队请求上限",
    "rules": "校验规则设置文件",
    "log_file": "日志文件",
    "log_max_mb": "日志文件大小上限（MB）",
    "log_backups": "保留的旧日志个数",
    "log_details": "日志是否记录错误详情",
}


def load_server_config(
    path: Path | None = None, overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None
) -> ServerConfig:
    """The file's keys, then `PERFGOALS_TOKENS`, then the command line's (None = not given); tokens checked."""
    environ = os.environ if environ is None else environ
    data: dict[str, Any] = _read_file(path) if path is not None else {}
    origin = f"服务器设置文件“{path}”" if path is not None else "服务器设置"
    if environ.get(TOKENS_ENV, "").strip():
        data["tokens"] = [t.strip() for t in environ[TOKENS_ENV].split(",") if t.strip()]
        origin_tokens = f"环境变量 {TOKENS_ENV}"
    else:
        origin_tokens = origin
    data.update({key: value for key, value in (overrides or {}).items() if value is not None})
    if path is not None and isinstance(data.get("rules"), str) and not Path(data["rules"]).is_absolute():
        data["rules"] = str(path.parent / data["rules"])  # relative to the settings file
    try:
        config = ServerConfig.model_validate(data)
    except ValidationError as exc:
        raise ServerConfigError(f"{origin}有误：{explain(exc)}") from None
    _check_tokens(config.tokens, origin_tokens)
    return config


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError:
        raise ServerConfigError(f"服务器设置文件“{path}”不存在") from None
    except OSError as exc:
        raise ServerConfigError(f"服务器设置文件“{path}”无法读取：{exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ServerConfigError(f"服务器设置文件“{path}”不是有效的 TOML：{exc}") from None


def _check_tokens(tokens: tuple[str, ...], origin: str) -> None:
    if not tokens:
        raise ServerConfigError(
            f"没有配置访问令牌：请在环境变量 {TOKENS_ENV} 中（多个用逗号分隔）或服务器设置文件的 tokens 中"
            "给出至少一个令牌（可用 perfgoals-xl serve --new-token 生成）。"
        )
    for number, token in enumerate(tokens, 1):
        if len(token) < MIN_TOKEN_LENGTH or not token.isascii() or not token.isprintable() or " " in token:
            raise ServerConfigError(
                f"{origin}中的第 {number} 个令牌无效：令牌须为至少 {MIN_TOKEN_LENGTH} 个字符的 ASCII 文本，"
                "不含空格（可用 perfgoals-xl serve --new-token 生成）。"
            )


def explain(error: ValidationError) -> str:
    """The first problem of a pydantic error, in Chinese, with the key."""
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"]) or "（整体）"
    name = KEY_NAMES.get(str(first["loc"][0]), "") if first["loc"] else ""
    label = f"{key}（{name}）" if name else key
    kind, ctx = first["type"], first.get("ctx") or {}
    if kind == "extra_forbidden":
        return f"不认识的设置项 {key}；可用的设置项：{'、'.join(ServerConfig.model_fields)}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = next(iter(ctx.values()), "")
        words = {"greater_than_equal": "不小于", "less_than_equal": "不大于", "greater_than": "大于"}
        return f"{label} 应{words.get(kind, '小于')} {bound}，当前为 {first.get('input')!r}"
    return f"{label} 的值 {first.get('input')!r} 不可用（应为{_expected(kind)}）"


def _expected(kind: str) -> str:
    for prefix, word in (("int", "整数"), ("float", "数字"), ("bool", "true 或 false"), ("string", "文本")):
        if kind.startswith(prefix):
            return word
    return {"tuple_type": "文本列表", "list_type": "列表", "path_type": "文件路径"}.get(kind, "有效的值")


def rule_settings(config: ServerConfig) -> Settings:
    """The rule settings every check runs with: the `rules` file, else ~/perfgoals.toml, else the defaults.

    Never a file next to a workbook: the server has no workbook path, and names none a client sends."""
    return load_settings(None, config=config.rules)[0]


def new_token() -> str:
    """A fresh random token (URL-safe, 43 characters)."""
    return secrets.token_urlsafe(32)
