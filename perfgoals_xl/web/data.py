"""The data the pages draw: the check report's JSON (version 1) with per-file additions (unit, annotated copy,
what the previous submission had), the diff's JSON, the rule catalog, and the lines saying when and how."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from perfgoals_xl import __version__
from perfgoals_xl.core.catalog import catalog_entries
from perfgoals_xl.core.diff import Diff, FindingChanges
from perfgoals_xl.core.diff_render import located_json
from perfgoals_xl.core.diff_render import to_json as diff_json
from perfgoals_xl.core.provenance import SettingsInForce, settings_line
from perfgoals_xl.core.render import to_json
from perfgoals_xl.core.report import FileReport, Report

REPORT_TITLE = "绩效目标表校验报告"
DIFF_TITLE = "绩效目标表两次报送对比"
FOOTER = f"由 perfgoals-xl {__version__} 生成。本页面为单个离线文件，不访问网络，可直接用浏览器打开或通过邮件发送。"


@dataclass(frozen=True)
class Previous:
    """A file's earlier submission: its path and the findings fixed, new and still there."""

    path: str
    findings: FindingChanges


def unit_of(report: FileReport, folder: str) -> str:
    """Who submitted the file: its 填报单位, else the department table's 部门名称, else its folder."""
    for table in report.tables:
        if table.unit_name is not None and table.unit_name.value:
            return str(table.unit_name.value).strip()
    for table in report.tables:
        if table.kind == "department" and table.name:
            return table.name.strip()
    return folder


def settings_lines(settings: Sequence[SettingsInForce]) -> list[str]:
    """The settings in force and where they came from, one line per distinct combination (files may carry their
    own perfgoals.toml), then a 注意 line for each settings file in the checked tree that loosened the check."""
    lines = [settings_line(current) for current in settings]
    warnings = dict.fromkeys(w for current in settings for w in current.warnings)
    return lines + [f"注意：{warning}。" for warning in warnings]


def _meta(checked_at: datetime, settings: Sequence[SettingsInForce], extra: Sequence[str] = ()) -> list[str]:
    return [f"校验时间 {checked_at:%Y-%m-%d %H:%M}", *settings_lines(settings), *extra]


def report_data(
    report: Report,
    *,
    checked_at: datetime,
    settings: Sequence[SettingsInForce],
    folders: Sequence[str],
    annotated: Sequence[str | None] | None = None,
    previous: Sequence[Previous | None] | None = None,
) -> dict[str, Any]:
    """The report page's data: to_json(report) with `unit`, `annotated` and `previous` added to each file."""
    document = to_json(report)
    for index, (entry, result) in enumerate(zip(document["files"], report.files, strict=True)):
        entry["unit"] = unit_of(result, folders[index])
        entry["annotated"] = annotated[index] if annotated is not None else None
        earlier = previous[index] if previous is not None else None
        entry["previous"] = (
            None
            if earlier is None
            else {
                "path": earlier.path,
                "fixed": [located_json(f) for f in earlier.findings.fixed],
                "new": len(earlier.findings.new),
                "remaining": len(earlier.findings.remaining),
            }
        )
    return {
        "kind": "report",
        "title": REPORT_TITLE,
        "meta": _meta(checked_at, settings),
        "report": document,
        "catalog": catalog_entries(),
        "footer": FOOTER,
    }


def diff_data(diff: Diff, *, checked_at: datetime, settings: Sequence[SettingsInForce]) -> dict[str, Any]:
    """The diff page's data: the diff's JSON and the catalog."""
    document = diff_json(diff)
    return {
        "kind": "diff",
        "title": DIFF_TITLE,
        "meta": _meta(checked_at, settings, [f"原：{diff.old}", f"现：{diff.new}"]),
        "diff": document,
        "many_files": len(diff.files) > 1,
        "catalog": catalog_entries(),
        "footer": FOOTER,
    }
