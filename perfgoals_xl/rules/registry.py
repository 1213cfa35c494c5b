"""The rule registry: every rule is a function registered with id, severity and Chinese title.

A rule yields `Hit`s (a cell and a message); the engine turns them into Findings. Rules see models only —
they never import xlwings or openpyxl.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from perfgoals_xl.models import Field, Indicator, Loc, Severity, Table
from perfgoals_xl.settings import Settings


@dataclass(frozen=True)
class Hit:
    """What a rule found: where, what (Chinese), and a severity when it differs from the rule's own."""

    at: Loc
    message: str
    severity: Severity | None = None


TableCheck = Callable[[Table, Settings], Iterable[Hit]]
WorkbookCheck = Callable[[list[Table], Settings], Iterable[tuple[Table, Hit]]]


Evidence = Literal[
    "V", "K", "P"
]  # rules.md §0: seen in a public text, known official rule, observed practice


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str  # Chinese, one line
    check: TableCheck | WorkbookCheck
    scope: Literal["table", "workbook"] = "table"
    evidence: Evidence = "K"
    source: str = ""  # the documents of rules.md §1 it rests on
    reads: tuple[str, ...] = ()  # the settings (thresholds) it uses

    @property
    def family(self) -> str:
        return self.id[0]

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.check) or ""


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    severity: Severity,
    title: str,
    *,
    evidence: Evidence = "K",
    source: str = "",
    reads: tuple[str, ...] = (),
    scope: Literal["table", "workbook"] = "table",
) -> Callable[[Callable], Callable]:
    """Register a check under `rule_id`; its docstring says what it checks, why, one bad and one good example."""

    def register(check: Callable) -> Callable:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} registered twice")
        RULES[rule_id] = Rule(rule_id, severity, title, check, scope, evidence, source, reads)
        return check

    return register


def filled(table: Table) -> Iterator[Indicator]:
    """Indicator rows that have a 三级 name or a value."""
    return (indicator for indicator in table.indicators if indicator.is_filled)


def distinct_labels(table: Table, level: Literal["level1", "level2"]) -> Iterator[Field]:
    """Each 一级/二级 label cell once, though carried down over many rows."""
    seen: set[Loc] = set()
    for indicator in table.indicators:
        label = getattr(indicator, level)
        if label is not None and label.at not in seen:
            seen.add(label.at)
            yield label


def column_cell(table: Table, indicator: Indicator, role: str) -> Loc:
    """The cell of `role` on the indicator's row (falls back to the value or name column)."""
    columns = table.blocks[indicator.block].columns
    for candidate in (role, "value", "name"):
        if candidate in columns:
            return Loc(row=indicator.row, col=columns[candidate])
    return Loc(row=indicator.row, col=table.left)


def number_text(value: float) -> str:
    """949.134 → `949.134`, 10.0 → `10`."""
    return f"{value:.10g}"
