"""Where the settings come from: perfgoals.toml / pyproject.toml next to the workbook, the home folder, the CLI.

Lookup (like ruff): the workbook's folder, then each parent folder; the closest folder holding a
`perfgoals.toml` or a `pyproject.toml` with a `[tool.perfgoals]` table wins (in one folder perfgoals.toml wins).
Nothing found → `~/perfgoals.toml`, else the defaults. `--config FILE` replaces the lookup; command-line
overrides are applied last. Every mistake is a `ConfigError` with a Chinese message naming the file and key.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from perfgoals_xl.core.errors import PerfgoalsError
from perfgoals_xl.core.rules import RULES
from perfgoals_xl.core.settings import Settings

CONFIG_NAME = "perfgoals.toml"
PYPROJECT_NAME = "pyproject.toml"
FAMILIES = ("H", "V", "C", "S")
OVERRIDE_KEYS = ("profile", "select", "ignore", "strict", "severity", "include_hidden")
CLI_ORIGIN = "命令行参数有误"


class ConfigError(PerfgoalsError):
    """A settings file or command-line setting that cannot be used; `message` is Chinese and names the file."""


# folder → the closest config file at or above it (home fallback excluded); file → (stat key, settings).
_found: dict[Path, Path | None] = {}
_parsed: dict[Path, tuple[tuple[int, int], Settings | None]] = {}


def clear_cache() -> None:
    """Forget looked-up and parsed files (a long-running host calls this before each check run)."""
    _found.clear()
    _parsed.clear()


def load_settings(
    workbook: Path | None,
    config: Path | None = None,
    overrides: dict[str, Any] | None = None,
    *,
    isolated: bool = False,
) -> tuple[Settings, Path | None]:
    """The settings for this workbook and the file they came from (None = defaults), overrides applied.

    `workbook` None (an unsaved workbook) skips the folder lookup: only `~/perfgoals.toml` is considered.
    `isolated` (`--isolated`) looks up no file at all: the defaults, `config` and the overrides only.
    `overrides` keys: profile, select, ignore, strict, severity, include_hidden; None means "not given".
    """
    if config is not None:
        path: Path | None = config.absolute()
        if not path.is_file():
            raise ConfigError(f"配置文件“{path}”不存在")
    else:
        path = None if isolated else discover(workbook)
    settings = _read_required(path) if path is not None else Settings()
    if overrides:
        settings = apply_overrides(settings, overrides)
    return settings, path


def discover(folder_or_workbook: Path | None) -> Path | None:
    """The settings file a lookup from here finds: the closest one at or above it, else `~/perfgoals.toml`."""
    path = find_config(folder_or_workbook) if folder_or_workbook is not None else None
    if path is None:
        home = home_config()
        path = home if home.is_file() else None
    return path


def home_config() -> Path:
    """`~/perfgoals.toml`: the user's own settings, used when no folder above a workbook has any."""
    return Path.home() / CONFIG_NAME


def find_config(workbook: Path) -> Path | None:
    """The closest perfgoals.toml (or pyproject.toml with [tool.perfgoals]) at or above the workbook's folder."""
    start = workbook if workbook.is_dir() else workbook.parent
    start = start.resolve()
    visited: list[Path] = []
    result: Path | None = None
    for folder in (start, *start.parents):
        if folder in _found:
            result = _found[folder]
            break
        visited.append(folder)
        result = _config_in(folder)
        if result is not None:
            break
    for folder in visited:
        _found[folder] = result
    return result


def _config_in(folder: Path) -> Path | None:
    """The folder's perfgoals.toml, else its pyproject.toml when that has [tool.perfgoals]; unreadable = none."""
    try:
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
        has_pyproject = (folder / PYPROJECT_NAME).is_file()
    except OSError:  # a parent folder we may not look into (network shares)
        return None
    if has_pyproject and _read(folder / PYPROJECT_NAME) is not None:
        return folder / PYPROJECT_NAME
    return None


def _read_required(path: Path) -> Settings:
    """The settings of a file that must hold them (a pyproject.toml without [tool.perfgoals] is an error)."""
    settings = _read(path)
    if settings is None:
        raise ConfigError(f"配置文件“{path}”中没有 [tool.perfgoals] 节")
    return settings


def _read(path: Path) -> Settings | None:
    """Parse and validate one file, cached by modification time and size (None: pyproject without the table)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件“{path}”：{exc.strerror or exc}") from None
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _parsed.get(path)
    if cached is None or cached[0] != key:
        cached = (key, _parse(path))
        _parsed[path] = cached
    return cached[1]


MAX_CONFIG_BYTES = 1_000_000  # a settings file is a few lines; anything this large is not one


def _parse(path: Path) -> Settings | None:
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"配置文件“{path}”过大（超过 1 MB），不像是设置文件，未读取")
        text = path.read_bytes().decode("utf-8-sig")  # Notepad saves UTF-8 with a BOM
    except UnicodeDecodeError:
        raise ConfigError(f"配置文件“{path}”应使用 UTF-8 编码保存（当前不是 UTF-8，可能是 GBK）") from None
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件“{path}”：{exc.strerror or exc}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件“{path}”不是有效的 TOML：{_toml_error(str(exc))}") from None
    prefix = ""
    if path.name == PYPROJECT_NAME:
        tool = document.get("tool")
        if not isinstance(tool, dict) or "perfgoals" not in tool:
            return None
        document, prefix = tool["perfgoals"], "tool.perfgoals"
        if not isinstance(document, dict):
            raise ConfigError(f"配置文件“{path}”有误：tool.perfgoals 应为表（[tool.perfgoals]）")
    return validate(document, f"配置文件“{path}”有误", prefix)


def _toml_error(message: str) -> str:
    where = re.search(r"\(at line (\d+), column (\d+)\)", message)
    detail = re.sub(r"\s*\(at [^)]*\)$", "", message)
    if where:
        return f"第 {where[1]} 行第 {where[2]} 列附近有语法错误（{detail}）"
    return f"文件末尾附近有语法错误（{detail}）"


def validate(data: dict[str, Any], origin: str, prefix: str = "") -> Settings:
    """Settings from a parsed table; `origin` starts the error message (e.g. `配置文件“…”有误`)."""
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems = [_explain(error, prefix) for error in exc.errors()]
        raise ConfigError(f"{origin}：{'；'.join(problems)}") from None
    problems = unknown_rule_ids(settings, prefix)
    if problems:
        raise ConfigError(f"{origin}：{'；'.join(problems)}")
    return settings


def valid_codes() -> set[str]:
    """Rule ids and families usable in select / ignore / severity."""
    return set(RULES) | set(FAMILIES) | {rule_id[0] for rule_id in RULES}


def unknown_rule_ids(settings: Settings, prefix: str = "") -> list[str]:
    """Chinese problems for codes in select / ignore / severity that are not rule ids or families."""
    entries = [(_key_path(prefix, "select"), code) for code in settings.select]
    entries += [(_key_path(prefix, "ignore"), code) for code in settings.ignore]
    entries += [(_key_path(prefix, "severity"), code) for code in settings.severity]
    return _unknown_codes(entries)


def _unknown_codes(entries: list[tuple[str, str]]) -> list[str]:
    """`(where, code)` pairs → a problem for each code that is neither a rule id nor a family."""
    codes = valid_codes()
    families = "、".join(sorted({code for code in codes if len(code) == 1}, key=_family_order))
    return [
        f"{where} 中的“{code}”不是已知的规则编号或类别{_suggest(code, codes)}"
        f"（类别：{families}；规则编号见 perfgoals-xl rules）"
        for where, code in entries
        if code not in codes
    ]


def _family_order(family: str) -> tuple[int, str]:
    return (FAMILIES.index(family) if family in FAMILIES else len(FAMILIES), family)


def _suggest(word: str, choices: set[str]) -> str:
    if word.upper() in choices:
        return f"（是否应为“{word.upper()}”？）"
    close = difflib.get_close_matches(word, sorted(choices), n=1)
    return f"（是否应为“{close[0]}”？）" if close else ""


def _key_path(prefix: str, *parts: str | int) -> str:
    text = prefix
    for part in parts:
        if isinstance(part, int):
            text += f" 第 {part + 1} 项"
        else:
            text = f"{text}.{part}" if text else str(part)
    return text


def _explain(error: Any, prefix: str) -> str:
    """One pydantic error as short Chinese: `thresholds.satisfaction_floor 应为 0～100 之间的数（当前为 120）`."""
    loc = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        parent, name = loc[:-1], str(loc[-1])
        hint = _suggest_key(parent, name)
        where = f"{_key_path(prefix, *parent)} 中" if parent or prefix else ""
        return f"{where}未知的设置项“{name}”{hint}"
    path = _key_path(prefix, *loc)
    current = f"（当前为{_show(value)}）"
    if kind == "literal_error":
        choices = "、".join(f"“{choice}”" for choice in re.findall(r"'([^']*)'", ctx.get("expected", "")))
        return f"{path} 应为 {choices} 之一{current}"
    if kind in {"less_than_equal", "greater_than_equal", "less_than", "greater_than"}:
        return f"{path} {_bounds(loc, ctx)}{current}"
    messages = {
        "float_type": "应为数",
        "float_parsing": "应为数",
        "int_type": "应为整数",
        "int_parsing": "应为整数",
        "int_from_float": "应为整数",
        "bool_type": "应为 true 或 false",
        "bool_parsing": "应为 true 或 false",
        "string_type": "应为加引号的文字",
        "tuple_type": '应为列表，例如 ["V05", "H"]',
        "list_type": '应为列表，例如 ["V05", "H"]',
        "dict_type": '应为表，例如 [severity] 下写 V05 = "warning"',
        "model_type": "应为表，例如 [thresholds]",
        "model_attributes_type": "应为表，例如 [thresholds]",
    }
    if kind in messages:
        return f"{path} {messages[kind]}{current}"
    return f"{path} 取值无效{current}（{error.get('msg', kind)}）"


def _suggest_key(parent: tuple[Any, ...], name: str) -> str:
    model = _model_at(parent)
    if model is None:
        return ""
    close = difflib.get_close_matches(name, list(model.model_fields), n=1)
    return f"（是否应为“{close[0]}”？）" if close else ""


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] = Settings
    for part in loc:
        field = model.model_fields.get(str(part))
        annotation = field.annotation if field else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def _bounds(loc: tuple[Any, ...], ctx: dict[str, Any]) -> str:
    """The field's whole allowed range when it has two bounds (`应为 0～100 之间的数`), else the broken one."""
    limits: dict[str, Any] = {}
    model = _model_at(loc[:-1])
    field = model.model_fields.get(str(loc[-1])) if model else None
    for item in field.metadata if field else ():
        for name in ("ge", "le", "gt", "lt"):
            if getattr(item, name, None) is not None:
                limits[name] = getattr(item, name)
    limits = limits or ctx
    low, high = limits.get("ge", limits.get("gt")), limits.get("le", limits.get("lt"))
    if low is not None and high is not None:
        return f"应为 {_number(low)}～{_number(high)} 之间的数"
    words = {"ge": "应不小于", "le": "应不大于", "gt": "应大于", "lt": "应小于"}
    name, limit = next(iter(limits.items()))
    return f"{words.get(name, '超出范围：')} {_number(limit)}"


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, bool):
        return " true" if value else " false"
    if isinstance(value, int | float):
        return f" {_number(value)}"
    if isinstance(value, dict):
        return "一个表"
    if isinstance(value, list | tuple):
        return "一个列表"
    return f" {value!r}"


def apply_overrides(settings: Settings, overrides: dict[str, Any]) -> Settings:
    """Command-line settings on top of the file's, like ruff.

    profile, strict and include_hidden replace; `select` replaces the file's select *and* ignore (an
    explicit selection is what the user wants to see); `ignore` is added to the ignore list; `severity`
    entries are merged.
    """
    unknown = set(overrides) - set(OVERRIDE_KEYS)
    if unknown:
        raise ValueError(f"unknown override keys: {sorted(unknown)}")
    data = settings.model_dump()
    if overrides.get("profile") is not None:
        data["profile"] = overrides["profile"]
    if overrides.get("strict") is not None:
        data["strict"] = overrides["strict"]
    if overrides.get("include_hidden") is not None:
        data["include_hidden"] = overrides["include_hidden"]
    if overrides.get("select") is not None:
        data["select"], data["ignore"] = tuple(overrides["select"]), ()
    if overrides.get("ignore"):
        data["ignore"] = tuple(dict.fromkeys((*data["ignore"], *overrides["ignore"])))
    if overrides.get("severity"):
        data["severity"] = {**data["severity"], **overrides["severity"]}
    try:
        result = Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{CLI_ORIGIN}：{'；'.join(_explain(e, '') for e in exc.errors())}") from None
    entries = [
        (f"--{option}", code) for option in ("select", "ignore") for code in overrides.get(option) or ()
    ]
    entries += [("severity", code) for code in overrides.get("severity") or {}]
    problems = _unknown_codes(entries)
    if problems:
        raise ConfigError(f"{CLI_ORIGIN}：{'；'.join(problems)}")
    return result


def toml_value(value: Any) -> str:
    """A value as it would be written in perfgoals.toml."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"
    return str(value)
