"""Rules over Table models. Importing this package registers every rule."""

from __future__ import annotations

import re

from perfgoals_xl.core.models import Severity, Table
from perfgoals_xl.core.report import Finding
from perfgoals_xl.core.rules import content, hierarchy, money, structure, targets, values  # noqa: F401  (registers them)
from perfgoals_xl.core.rules.registry import RULES, Hit, Rule, catalog_order
from perfgoals_xl.core.settings import Settings

catalog_order()  # H, V, C, S, each by number, whichever module registered a rule first


def check_tables(tables: list[Table], settings: Settings | None = None) -> list[Finding]:
    """Run every rule over the tables of one workbook; findings in sheet order, then row and column."""
    settings = settings or Settings()
    findings: list[Finding] = []
    for current in RULES.values():
        if not settings.enabled(current.id):
            continue
        mine = [t for t in tables if applies(current, t)]
        if current.scope == "workbook":
            for table, hit in current.check(mine, settings):  # type: ignore[call-arg,arg-type]
                findings.append(_finding(current, table, hit, settings))
        else:
            for table in mine:
                findings.extend(
                    _finding(current, table, hit, settings) for hit in current.check(table, settings)
                )  # type: ignore[call-arg,arg-type]
    sheets = list(dict.fromkeys(t.sheet for t in tables))
    unique = dict.fromkeys(findings)  # column groups sharing a cell (区域目标值) report it once
    return sorted(unique, key=lambda f: (sheets.index(f.sheet), f.row, f.col, f.rule))


READER_RULE = "S10"


def applies(current: Rule, table: Table) -> bool:
    """A table that could not be read is only reported (S10); an evaluation table (目标值/分值) is not a
    target table, so its header and money rules do not apply."""
    if table.unreadable:
        return current.id == READER_RULE
    if table.form == "evaluation":  # nor need it cover 产出/效益/满意度
        return (current.family in ("H", "V") and current.id != "H04") or current.id == READER_RULE
    return True


def severity_of(current: Rule, hit: Hit, settings: Settings) -> Severity:
    """The hit's own severity, then the user's override, then `strict` for practice rules; hints stay hints."""
    severity = hit.severity or current.severity
    if severity == "info":
        return severity
    if current.id in settings.severity:
        return settings.severity[current.id]
    if settings.strict and current.evidence == "P":
        return "error"
    return severity


MAX_QUOTE = 40
_QUOTE = re.compile(rf"“([^”]{{{MAX_QUOTE + 1},}})”")


def short_quotes(message: str) -> str:
    """Quoted cell text longer than MAX_QUOTE characters is cut with “…”: a message stays readable."""
    return _QUOTE.sub(lambda m: f"“{m.group(1)[:MAX_QUOTE]}…”", message)


def _finding(current: Rule, table: Table, hit: Hit, settings: Settings) -> Finding:
    return Finding(
        rule=current.id,
        severity=severity_of(current, hit, settings),
        sheet=table.sheet,
        row=hit.at.row,
        col=hit.at.col,
        message=short_quotes(hit.message),
    )


__all__ = ["RULES", "Hit", "Rule", "check_tables"]
