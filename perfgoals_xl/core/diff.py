"""What changed between two submissions (OLD → NEW): tables added, removed or matched (with what changed in
their header, budget, indicator rows and money identities), and the findings fixed, new and still there.

Findings are compared by rule and by what they are about (the indicator, the header item, the cell's place
after the nearest such anchor), never by row number: a line inserted above moves every row below it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Literal

from perfgoals_xl.core.changes import Change, header_items, table_changes, text_of
from perfgoals_xl.core.match import Pair, match_indicators, match_tables, normal, pair_files
from perfgoals_xl.core.models import KIND_TITLES, Loc, Table
from perfgoals_xl.core.report import FileReport, Finding
from perfgoals_xl.core.semantics import number_text
from perfgoals_xl.core.totals import identities

Status = Literal["matched", "added", "removed"]


@dataclass(slots=True)
class TableDiff:
    """A table of OLD and/or NEW: matched (with its changes), added or removed."""

    status: Status
    old: Table | None
    new: Table | None
    old_file: str | None
    new_file: str | None
    changes: list[Change] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return (self.new or self.old).kind  # type: ignore[union-attr]

    @property
    def name(self) -> str | None:
        return (self.new or self.old).name  # type: ignore[union-attr]


@dataclass(frozen=True, slots=True)
class Located:
    """A finding and the file it was found in."""

    file: str
    finding: Finding


@dataclass(slots=True)
class FindingChanges:
    fixed: list[Located] = field(default_factory=list)  # in OLD, gone in NEW
    new: list[Located] = field(default_factory=list)  # in NEW only
    remaining: list[Located] = field(default_factory=list)  # in both (NEW's finding)


@dataclass(slots=True)
class FilePair:
    """Two files compared (either side None when a file has no counterpart)."""

    old: FileReport | None
    new: FileReport | None


@dataclass(slots=True)
class Diff:
    old: str
    new: str
    files: list[FilePair]
    tables: list[TableDiff]
    findings: FindingChanges

    @property
    def unreadable(self) -> list[FileReport]:
        """Files of either side that could not be read (a file without any table is no reading failure)."""
        reports = [r for pair in self.files for r in (pair.old, pair.new) if r is not None]
        return [r for r in reports if r.error is not None and r.error.code != "no_table"]


def diff_reports(
    old: list[FileReport], new: list[FileReport], old_label: str, new_label: str, tolerance: float = 0.005
) -> Diff:
    """OLD's files against NEW's: files paired by their tables, then by name; each pair compared."""
    pairs = [
        FilePair(old[o] if o is not None else None, new[n] if n is not None else None)
        for o, n in pair_files(old, new)
    ]
    result = Diff(old=old_label, new=new_label, files=pairs, tables=[], findings=FindingChanges())
    for pair in pairs:
        tables, findings = compare_files(pair.old, pair.new, tolerance)
        result.tables += tables
        result.findings.fixed += findings.fixed
        result.findings.new += findings.new
        result.findings.remaining += findings.remaining
    return result


def compare_files(
    old: FileReport | None, new: FileReport | None, tolerance: float = 0.005
) -> tuple[list[TableDiff], FindingChanges]:
    """One file against its earlier submission (either may be missing); amounts equal within `tolerance`."""
    old_tables = old.tables if old is not None else []
    new_tables = new.tables if new is not None else []
    old_path, new_path = (old.path if old else None), (new.path if new else None)
    table_pairs = match_tables(old_tables, new_tables)
    diffs: list[TableDiff] = []
    old_anchors: dict[int, Anchors] = {}
    new_anchors: dict[int, Anchors] = {}
    for number, (o, n) in enumerate(table_pairs):
        a = old_tables[o] if o is not None else None
        b = new_tables[n] if n is not None else None
        indicator_pairs = match_indicators(a.indicators, b.indicators) if a and b else []
        if a is not None:
            old_anchors[id(a)] = Anchors(a, number, indicator_pairs, side=0)
        if b is not None:
            new_anchors[id(b)] = Anchors(b, number, indicator_pairs, side=1)
        status: Status = "matched" if a and b else "added" if b else "removed"
        diff = TableDiff(status, a, b, old_path if a else None, new_path if b else None)
        if a is not None and b is not None:
            diff.changes = table_changes(a, b, indicator_pairs)
        diffs.append(diff)
    _identity_changes(old_tables, new_tables, diffs, tolerance)
    findings = compare_findings(
        [(f, _anchor_of(f, old_tables, old_anchors)) for f in (old.findings if old else [])],
        [(f, _anchor_of(f, new_tables, new_anchors)) for f in (new.findings if new else [])],
        old_path or "",
        new_path or "",
    )
    return diffs, findings


# ── money identities (计算合计) ────────────────────────────────────────────────────────────────────────


def _identity_changes(old: list[Table], new: list[Table], diffs: list[TableDiff], tolerance: float) -> None:
    """A budget identity whose sides or verdict changed, added to the change list of its (NEW) table."""

    def keyed(tables: list[Table]) -> dict[Hashable, tuple[str, str, Loc | None, str]]:
        seen: dict[Hashable, int] = defaultdict(int)
        found = {}
        for identity in identities(tables):
            base = (identity.rule, normal(identity.left.label))  # not the title: it names the relation
            seen[base] += 1
            verdict = identity.holds(tolerance)
            state = "相符" if verdict else "不符" if verdict is False else "未填写"
            text = (
                f"{identity.left.label} {number_text(identity.left.value) if identity.left.value is not None else '（空）'}"
                f" {identity.relation} {identity.formula_text()}（{state}）"
            )
            found[(*base, seen[base])] = (text, identity.sheet, identity.left.cell, identity.title)
        return found

    before, after = keyed(old), keyed(new)
    for key in dict.fromkeys([*before, *after]):
        a, b = before.get(key), after.get(key)
        if a is not None and b is not None and a[0] == b[0]:
            continue
        holder = _table_at(diffs, b, "new") or _table_at(diffs, a, "old")
        if holder is not None:
            title = (b or a)[3]  # type: ignore[index]
            holder.changes.append(
                Change(
                    "identity",
                    f"金额关系“{title}”",
                    a[0] if a else None,
                    b[0] if b else None,
                    a[2].address if a and a[2] else None,
                    b[2].address if b and b[2] else None,
                )
            )


def _table_at(
    diffs: list[TableDiff], found: tuple[str, str, Loc | None, str] | None, side: str
) -> TableDiff | None:
    if found is None or found[2] is None:
        return None
    sheet, at = found[1], found[2]
    for diff in diffs:
        table = diff.new if side == "new" else diff.old
        if table is not None and table.sheet == sheet and table.top <= at.row <= table.bottom:
            return diff
    return None


# ── findings: fixed, new, still there ────────────────────────────────────────────────────────────────


class Anchors:
    """What each row of a table is about, the same on both sides for matched things: the indicator (by its
    pair), the header item (by label), the title; any other row by the nearest anchor above it."""

    def __init__(self, table: Table, number: int, indicator_pairs: list[Pair], side: int) -> None:
        self.table, self.number = table, number
        rows: dict[int, Hashable] = {}
        if table.title is not None:
            rows[table.title.at.row] = "title"
        for label, item in header_items(table).items():
            rows.setdefault(item.label.at.row, ("item", normal(label)))
        for task in table.tasks:
            rows.setdefault(task.row, ("task", normal(str(text_of(task.name) or ""))))
        for index, pair in enumerate(indicator_pairs):
            mine = pair[side]
            if mine is not None:
                matched = pair[0] is not None and pair[1] is not None
                rows[table.indicators[mine].row] = ("indicator", index if matched else (side, mine))
        if not indicator_pairs:  # a table without a counterpart: its rows anchor nowhere else
            for mine, indicator in enumerate(table.indicators):
                rows[indicator.row] = ("indicator", (side, mine))
        self.rows = dict(sorted(rows.items()))

    def of(self, finding: Finding) -> Hashable:
        if finding.row in self.rows:
            return (self.number, self.rows[finding.row], finding.col - self.table.left)
        above = [row for row in self.rows if row < finding.row]
        base = self.rows[above[-1]] if above else "top"
        offset = finding.row - (above[-1] if above else self.table.top)
        return (self.number, base, offset, finding.col - self.table.left)


_DIGITS = re.compile(r"\d+")


def _anchor_of(finding: Finding, tables: list[Table], anchors: dict[int, Anchors]) -> Hashable:
    for table in tables:
        inside = table.top <= finding.row <= table.bottom and table.left <= finding.col <= table.right
        if table.sheet == finding.sheet and inside:
            return anchors[id(table)].of(finding)
    return ("sheet", finding.sheet, _DIGITS.sub("#", finding.message))  # outside every table


def compare_findings(
    old: list[tuple[Finding, Hashable]], new: list[tuple[Finding, Hashable]], old_path: str, new_path: str
) -> FindingChanges:
    """Findings paired by (rule, anchor): OLD's without a partner were fixed, NEW's without one are new."""
    waiting: dict[Hashable, list[Finding]] = defaultdict(list)
    for finding, anchor in old:
        waiting[(finding.rule, anchor)].append(finding)
    result = FindingChanges()
    for finding, anchor in new:
        partners = waiting.get((finding.rule, anchor))
        if partners:
            partners.pop(0)
            result.remaining.append(Located(new_path, finding))
        else:
            result.new.append(Located(new_path, finding))
    left = {id(f) for partners in waiting.values() for f in partners}
    result.fixed = [Located(old_path, f) for f, _ in old if id(f) in left]
    return result


def table_title(diff: TableDiff) -> str:
    """`项目支出绩效目标表「金融处非专项」` for text and pages."""
    name = f"「{diff.name}」" if diff.name else "（未填名称）"
    return f"{KIND_TITLES.get(diff.kind, diff.kind)}{name}"
