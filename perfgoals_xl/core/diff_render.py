"""The diff rendered: its JSON (version 1, findings in the check report's shape) and a Chinese text report."""

from __future__ import annotations

from typing import Any

from perfgoals_xl.core.diff import Change, Diff, Located, TableDiff, table_title
from perfgoals_xl.core.models import KIND_TITLES, SEVERITY_NAMES
from perfgoals_xl.core.render import CONTROLS, finding_json
from perfgoals_xl.core.semantics import number_text

DIFF_VERSION = 1
STATUS_NAMES = {"matched": "已对应", "added": "新增", "removed": "已删除"}
REMAINING_SHOWN = 20  # the text lists every fixed and new finding, the remaining ones up to this many
FINDING_GROUPS = (("fixed", "已修复"), ("new", "新出现"), ("remaining", "仍存在"))


def _value(value: str | float | None) -> str | float | int | None:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def change_json(change: Change) -> dict[str, Any]:
    return {
        "field": change.field,
        "label": change.label,  # an addition: what changed, in Chinese
        "old": _value(change.old),
        "new": _value(change.new),
        "old_cell": change.old_cell,
        "new_cell": change.new_cell,
    }


def table_json(diff: TableDiff) -> dict[str, Any]:
    return {
        "kind": diff.kind,
        "name": diff.name,
        "status": diff.status,
        "changes": [change_json(c) for c in diff.changes],
        # additions: where each side's table is
        "old_name": diff.old.name if diff.old else None,
        "old_file": diff.old_file,
        "new_file": diff.new_file,
        "old_sheet": diff.old.sheet if diff.old else None,
        "new_sheet": diff.new.sheet if diff.new else None,
        "old_range": diff.old.range if diff.old else None,
        "new_range": diff.new.range if diff.new else None,
    }


def located_json(located: Located) -> dict[str, Any]:
    return {**finding_json(located.finding), "file": located.file}  # `file`: an addition to the shape


def to_json(diff: Diff) -> dict[str, Any]:
    """The `diff --format json` document."""
    findings = diff.findings
    return {
        "version": DIFF_VERSION,
        "old": diff.old,
        "new": diff.new,
        "tables": [table_json(t) for t in diff.tables],
        "findings": {name: [located_json(f) for f in getattr(findings, name)] for name, _ in FINDING_GROUPS},
        # additions: the files compared, and those that could not be read
        "files": [
            {"old": pair.old.path if pair.old else None, "new": pair.new.path if pair.new else None}
            for pair in diff.files
        ],
        "errors": [
            {"path": r.path, "code": r.error.code, "message": r.error.message}
            for r in diff.unreadable
            if r.error is not None
        ],
        "summary": summary_json(diff),
    }


def summary_json(diff: Diff) -> dict[str, int]:
    statuses = [t.status for t in diff.tables]
    findings = diff.findings
    return {
        "matched": statuses.count("matched"),
        "added": statuses.count("added"),
        "removed": statuses.count("removed"),
        "changes": sum(len(t.changes) for t in diff.tables),
        "fixed": len(findings.fixed),
        "new": len(findings.new),
        "remaining": len(findings.remaining),
        "new_errors": sum(1 for f in (*findings.new, *findings.remaining) if f.finding.severity == "error"),
    }


def shown(value: str | float | None) -> str:
    if value is None:
        return "（无）"
    if isinstance(value, float):
        return number_text(value)
    return f"“{value}”"


def change_text(change: Change) -> str:
    if change.field == "indicator":
        text = change.new if change.new is not None else change.old
        cell = change.new_cell or change.old_cell
        return f"{change.label}：{text}（{cell}）"
    cells = " → ".join(c or "—" for c in (change.old_cell, change.new_cell))
    return f"{change.label}：{shown(change.old)} → {shown(change.new)}（{cells}）"


def _finding_line(located: Located) -> str:
    f = located.finding
    return f"  {SEVERITY_NAMES[f.severity]} {f.rule} {f.sheet}!{f.cell}  {f.message}"


def render_text(diff: Diff, show_info: bool = False) -> str:
    """What a reviewer reads: per table its status and changes, then the findings fixed, new and remaining."""
    lines = [f"比较：{diff.old} → {diff.new}", ""]
    for report in diff.unreadable:
        lines.append(f"无法读取：{report.error.message if report.error else report.path}")
    for table in diff.tables:
        where = table.new_file or table.old_file
        lines.append(f"{table_title(table)}：{STATUS_NAMES[table.status]}（{where}）")
        lines.extend(f"  {change_text(c)}" for c in table.changes)
        if table.status == "matched" and not table.changes:
            lines.append("  内容无变化。")
    if not diff.tables:
        lines.append(f"两边都没有找到{'或'.join(KIND_TITLES.values())}。")
    lines.append("")
    findings = diff.findings
    for name, title in FINDING_GROUPS:
        group = [f for f in getattr(findings, name) if show_info or f.finding.severity != "info"]
        lines.append(f"{title}的问题（{len(group)} 条）：")
        lines.extend(_finding_line(f) for f in group[:REMAINING_SHOWN] if name == "remaining")
        lines.extend(_finding_line(f) for f in group if name != "remaining")
        if name == "remaining" and len(group) > REMAINING_SHOWN:
            lines.append(f"  ……另有 {len(group) - REMAINING_SHOWN} 条（--format json 或 html 列出全部）")
        lines.append("")
    total = summary_json(diff)
    lines.append(
        f"合计：对应 {total['matched']} 张表，新增 {total['added']} 张，删除 {total['removed']} 张，"
        f"改动 {total['changes']} 处；问题已修复 {total['fixed']} 条，新出现 {total['new']} 条，"
        f"仍存在 {total['remaining']} 条（含提示）。"
    )
    return "\n".join(line.translate(CONTROLS) for line in lines)
