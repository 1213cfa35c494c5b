"""Rules over Table models. Importing this package registers every rule."""

from __future__ import annotations

import re

from perfgoals_xl.models import Finding, Severity, Table
from perfgoals_xl.rules import hierarchy, money, structure, values  # noqa: F401  (registers the rules)
from perfgoals_xl.rules.registry import RULES, Hit, Rule
from perfgoals_xl.settings import Settings

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def check_tables(tables: list[Table], settings: Settings | None = None) -> list[Finding]:
    """Run every rule over the tables of one workbook; findings in sheet order, then row and column."""
    settings = settings or Settings()
    findings: list[Finding] = []
    for current in RULES.values():
        if not settings.enabled(current.id):
            continue
        if current.scope == "workbook":
            for table, hit in current.check(tables, settings):  # type: ignore[call-arg,arg-type]
                findings.append(_finding(current, table, hit, settings))
        else:
            for table in tables:
                findings.extend(
                    _finding(current, table, hit, settings) for hit in current.check(table, settings)
                )  # type: ignore[call-arg,arg-type]
    sheets = list(dict.fromkeys(t.sheet for t in tables))
    return sorted(findings, key=lambda f: (sheets.index(f.sheet), f.row, f.col, f.rule))


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
