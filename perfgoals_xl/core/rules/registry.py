"""The rule registry: every rule is a function registered with id, severity and Chinese title.

A rule yields `Hit`s (a cell and a message); the engine turns them into Findings. Rules see models only —
they never import xlwings or openpyxl.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from perfgoals_xl.core.models import Loc, Severity, Table
from perfgoals_xl.core.settings import Settings


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
]  # docs/reference/rules.md §0: seen in a public text, known official rule, observed practice


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str  # Chinese, one line
    check: TableCheck | WorkbookCheck
    scope: Literal["table", "workbook"] = "table"
    evidence: Evidence = "K"
    source: str = ""  # the documents of docs/reference/rules.md §1 it rests on
    reads: tuple[str, ...] = ()  # the settings (thresholds) it uses
    kinds: tuple[str, ...] = ("project", "department")  # the tables it applies to

    @property
    def family(self) -> str:
        return self.id[0]

    @property
    def location(self) -> str:
        """Where the rule lives: `perfgoals_xl/core/rules/values.py: v01_operator_known` (its tests:
        tests/rule_cases/V01.toml)."""
        module = self.check.__module__.replace(".", "/")
        return f"{module}.py: {self.check.__name__}"

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.check) or ""


RULES: dict[str, Rule] = {}
FAMILIES = ("H", "V", "C", "S")  # 层级与归类, 指标值, 金额与勾稽, 结构与表头


def rule_key(rule_id: str) -> tuple[int, str, int]:
    """H01 < H11 < V01 < C01 < S10: family in catalog order, then the number."""
    family, number = rule_id[:1], rule_id[1:]
    order = FAMILIES.index(family) if family in FAMILIES else len(FAMILIES)
    return (order, family, int(number) if number.isdigit() else 0)


def catalog_order() -> None:
    """Put RULES in catalog order, in place (every surface lists them so)."""
    ordered = sorted(RULES.items(), key=lambda item: rule_key(item[0]))
    RULES.clear()
    RULES.update(ordered)


def rule(
    rule_id: str,
    severity: Severity,
    title: str,
    *,
    evidence: Evidence = "K",
    source: str = "",
    reads: tuple[str, ...] = (),
    scope: Literal["table", "workbook"] = "table",
    kinds: tuple[str, ...] = ("project", "department"),
) -> Callable[[Callable], Callable]:
    """Register a check under `rule_id`; its docstring says what it checks, why, one bad and one good example."""

    def register(check: Callable) -> Callable:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} registered twice")
        RULES[rule_id] = Rule(rule_id, severity, title, check, scope, evidence, source, reads, kinds)
        return check

    return register


def noted(table: Table, rule_id: str) -> Iterator[Hit]:
    """What the reader said about the table's layout that this rule reports (a shifted hierarchy, a row it
    could not place …)."""
    for note in table.notes:
        if note.rule == rule_id:
            yield Hit(note.at, note.message, note.severity)
