"""The report rendered: the JSON contract (version 1) and a readable Chinese text report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from perfgoals_xl.core.check import HIDDEN_RULE
from perfgoals_xl.core.models import KIND_TITLES, SEVERITY_NAMES, Field, Indicator, Table
from perfgoals_xl.core.provenance import SettingsInForce, settings_line
from perfgoals_xl.core.report import FileReport, Finding, Report
from perfgoals_xl.core.settings import Thresholds

JSON_VERSION = 1


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else value


def _label(field: Field | None) -> str | None:
    if field is None:
        return None
    return str(field.value) if field.value is not None else field.text


def _indicator_json(indicator: Indicator) -> dict[str, Any]:
    value = indicator.value
    return {
        "row": indicator.row,
        "level1": _label(indicator.level1),
        "level2": _label(indicator.level2),
        "name": indicator.name.text if indicator.name else None,
        "operator": indicator.operator.value if indicator.operator else None,
        "value": None
        if value is None
        else _number(value.value)
        if isinstance(value.value, float)
        else value.value,
        "unit": indicator.unit.value if indicator.unit else None,
    }


def _table_json(table: Table, lazy: bool = False) -> dict[str, Any]:
    return {
        "sheet": table.sheet,
        "kind": table.kind,
        "title": table.title.text if table.title else None,
        "range": table.range,
        "name": table.name,
        "budget": _number(table.budget),
        "amount_unit": table.amount_unit.value if table.amount_unit else None,
        "indicators": (_indicator_json(i) for i in table.indicators if i.is_filled)
        if lazy
        else [_indicator_json(i) for i in table.indicators if i.is_filled],
        "unread_rows": list(table.unread_rows),  # an addition to version 1: rows not understood (S10)
        "omitted": dict(table.omitted),  # an addition to version 1: findings per rule beyond the cap
    }


def summary_json(report: Report) -> dict[str, int]:
    total = report.summary
    return {
        "files": total.files,
        "tables": total.tables,
        "errors": total.errors,
        "warnings": total.warnings,
        "infos": total.infos,
        "unreadable": total.unreadable,  # an addition to version 1: files that could not be checked
    }


def finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "sheet": finding.sheet,
        "cell": finding.cell,
        "row": finding.row,
        "message": finding.message,
    }


def file_json(
    result: FileReport, annotated: Path | bool | None = False, lazy: bool = False
) -> dict[str, Any]:
    """One file's entry; `annotated` (a path or None) adds the annotated copy's key (`--annotate`); `lazy` makes
    the long lists generators for `write_json`."""
    error = result.error
    tables = (_table_json(t, lazy) for t in result.tables)
    findings = (finding_json(f) for f in result.findings)
    entry: dict[str, Any] = {
        "path": result.path,
        "error": {"code": error.code, "message": error.message} if error else None,
        "tables": tables if lazy else list(tables),
        "findings": findings if lazy else list(findings),
        "settings": settings_json(result.settings),  # an addition to version 1: what it was checked with
    }
    if annotated is not False:
        entry["annotated"] = str(annotated) if annotated is not None else None
    return entry


def settings_json(in_force: SettingsInForce | None) -> dict[str, Any] | None:
    """The settings in force and where they came from (an addition to version 1)."""
    if in_force is None:
        return None
    settings = in_force.settings
    defaults = Thresholds()
    return {
        "sources": [str(in_force.source)] if in_force.source else [],
        "origin": in_force.origin,
        "isolated": in_force.isolated,
        "profile": settings.profile,
        "select": list(settings.select),
        "ignore": list(settings.ignore),
        "severity": dict(settings.severity),
        "strict": settings.strict,
        "include_hidden": settings.include_hidden,
        "max_findings_per_rule": settings.max_findings_per_rule,
        "thresholds": {  # only those that differ from the defaults
            name: _plain(getattr(settings.thresholds, name))
            for name in Thresholds.model_fields
            if getattr(settings.thresholds, name) != getattr(defaults, name)
        },
        "overrides": {key: _plain(value) for key, value in in_force.overrides},
        "warnings": in_force.warnings,
    }


def run_settings_json(report: Report) -> dict[str, Any] | None:
    """The run's settings: those of every file when they are the same (`uniform`); otherwise the sources and
    warnings of all, the other keys null — each file's own `settings` says what it was checked with."""
    distinct = [settings_json(s) for s in report.settings]
    if not distinct:
        return None
    if len(distinct) == 1:
        return {**distinct[0], "uniform": True}
    mixed: dict[str, Any] = dict.fromkeys(distinct[0])
    mixed["sources"] = list(dict.fromkeys(p for d in distinct for p in d["sources"]))
    mixed["warnings"] = list(dict.fromkeys(w for d in distinct for w in d["warnings"]))
    mixed["isolated"] = any(d["isolated"] for d in distinct)
    return {**mixed, "uniform": False}


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def to_json(report: Report) -> dict[str, Any]:
    """The `--format json` document; its keys are a contract other tools depend on."""
    return {
        "version": JSON_VERSION,
        "settings": run_settings_json(report),  # an addition to version 1
        "files": [file_json(r) for r in report.files],
        "summary": summary_json(report),
    }


def write_json(report: Report, stream: TextIO, annotated: dict[int, Path | None] | None = None) -> None:
    """The same document as `json.dumps(to_json(report), ensure_ascii=False, indent=2)`, written a file at a time
    and an indicator at a time: a 200,000-row block never lives as one string or one dict in memory."""
    files = (
        file_json(result, annotated.get(index) if annotated is not None else False, lazy=True)
        for index, result in enumerate(report.files)
    )
    document = {
        "version": JSON_VERSION,
        "settings": run_settings_json(report),
        "files": files,
        "summary": summary_json(report),
    }
    for chunk in iter_json(document):
        stream.write(chunk)
    stream.write("\n")


_END = object()
INDENT = "  "


def iter_json(value: Any, level: int = 0) -> Iterator[str]:
    """JSON text of `value` in pieces, exactly as json.dumps(value, ensure_ascii=False, indent=2) would write it;
    generators are written as lists without being materialised."""
    if isinstance(value, dict):
        if not value:
            yield "{}"
            return
        inner = INDENT * (level + 1)
        separator = "{\n"
        for key, item in value.items():
            yield f"{separator}{inner}{json.dumps(key, ensure_ascii=False)}: "
            yield from iter_json(item, level + 1)
            separator = ",\n"
        yield f"\n{INDENT * level}}}"
    elif isinstance(value, list | tuple | Iterator):
        items = iter(value)
        item = next(items, _END)
        if item is _END:
            yield "[]"
            return
        inner = INDENT * (level + 1)
        separator = "[\n"
        while item is not _END:
            yield f"{separator}{inner}"
            yield from iter_json(item, level + 1)
            separator = ",\n"
            item = next(items, _END)
        yield f"\n{INDENT * level}]"
    else:
        yield json.dumps(value, ensure_ascii=False)


def _table_line(index: int, table: Table) -> str:
    name = f"「{table.name}」" if table.name else ""
    budget = ""
    if table.budget is not None:
        unit = table.amount_unit.value if table.amount_unit else "（未注明金额单位）"
        budget = f"，预算 {_number(table.budget)} {unit}"
    count = sum(1 for i in table.indicators if i.is_filled)
    return f"  表{index} {KIND_TITLES[table.kind]}{name}  {table.sheet}!{table.range}{budget}，三级指标 {count} 条"


def render_text(report: Report, show_info: bool = False) -> str:
    """The report a person reads: the settings in force, per file its tables, then errors and warnings with
    cell and message; the totals, and a warning for each settings file in the checked tree that loosened it."""
    uniform = len(report.settings) == 1
    lines: list[str] = [settings_line(report.settings[0]), ""] if uniform else []
    for result in report.files:
        lines.append(f"文件：{result.path}")
        if result.settings is not None and not uniform:  # settings differ between folders: each says its own
            lines.append(f"  {settings_line(result.settings)}")
        if result.error:
            lines.append(f"  无法校验：{result.error.message}")
            lines.append("")
            continue
        lines.extend(_table_line(i, t) for i, t in enumerate(result.tables, 1))
        # a hidden sheet that was not checked is said even without --show-info: nobody should miss it
        shown = [f for f in result.findings if show_info or f.severity != "info" or f.rule == HIDDEN_RULE]
        lines.extend(
            f"  {SEVERITY_NAMES[f.severity]} {f.rule} {f.sheet}!{f.cell}  {f.message}" for f in shown
        )
        if not shown or (not show_info and all(f.severity == "info" for f in shown)):
            lines.append("  未发现错误或警告。")
        hidden = len(result.findings) - len(shown)
        if hidden:
            lines.append(f"  （另有 {hidden} 条提示，加 --show-info 查看）")
        lines.append("")
    total = report.summary
    unreadable = f"，{total.unreadable} 个无法读取" if total.unreadable else ""
    lines.append(
        f"合计：{total.files} 个文件{unreadable}，{total.tables} 张表；"
        f"错误 {total.errors} 条，警告 {total.warnings} 条，提示 {total.infos} 条。"
    )
    lines.extend(f"注意：{warning}。" for warning in report.warnings)
    return "\n".join(line.translate(CONTROLS) for line in lines)


# C0 controls and DEL from a sheet name or cell must not reach the terminal (an ESC could restyle it); a line
# break inside a label (`项目\n名称`) reads as the space it stands for
CONTROLS = {code: "?" for code in (*range(0x20), 0x7F) if code != 0x09} | {0x0A: " ", 0x0D: " "}
