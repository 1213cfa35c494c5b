"""Rules over Table models. Importing this package registers every rule."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from perfgoals_xl.core.models import Severity, Table
from perfgoals_xl.core.report import Finding
from perfgoals_xl.core.rules import content, hierarchy, money, structure, targets, values  # noqa: F401  (registers them)
from perfgoals_xl.core.rules.registry import RULES, Hit, Rule, catalog_order
from perfgoals_xl.core.settings import Settings

catalog_order()  # H, V, C, S, each by number, whichever module registered a rule first


def check_tables(tables: list[Table], settings: Settings | None = None) -> list[Finding]:
    """Run every rule over the tables of one workbook; findings in sheet order, then row and column.

    Each rule lists at most `settings.max_findings_per_rule` findings per table; the rest become one finding
    「同类问题另有 N 处」 at the first cell not listed, and the table's `omitted` says how many per rule."""
    settings = settings or Settings()
    findings: list[Finding] = []
    for current in RULES.values():
        if not settings.enabled(current.id):
            continue
        mine = [t for t in tables if applies(current, t)]
        if current.scope == "workbook":
            pairs = current.check(mine, settings)  # type: ignore[call-arg,arg-type]
        else:
            pairs = ((table, hit) for table in mine for hit in current.check(table, settings))  # type: ignore[call-arg,arg-type]
        findings.extend(_capped(current, pairs, settings))
    sheets = list(dict.fromkeys(t.sheet for t in tables))
    return sorted(findings, key=lambda f: (sheets.index(f.sheet), f.row, f.col, f.rule))


def _capped(current: Rule, pairs: Iterable[tuple[Table, Hit]], settings: Settings) -> Iterator[Finding]:
    """The rule's findings, each once (column groups sharing a cell, 区域目标值, report it once), at most
    max_findings_per_rule per table; the rest counted into the table's `omitted` and said in one finding."""
    cap = settings.max_findings_per_rule
    seen: dict[int, set[tuple[int, int, str]]] = {}  # per table: (row, col, message) of the findings listed
    first_omitted: dict[int, Finding] = {}
    owners: dict[int, Table] = {}
    for table, hit in pairs:
        key = (hit.at.row, hit.at.col, hit.message)
        listed = seen.setdefault(id(table), set())
        owners[id(table)] = table
        if key in listed:
            continue
        if len(listed) < cap:
            listed.add(key)
            yield _finding(current, table, hit, settings)
        else:  # past the cap a hit is only counted: 200,000 Findings built to be dropped cost seconds
            table.omitted[current.id] = table.omitted.get(current.id, 0) + 1
            if id(table) not in first_omitted:
                first_omitted[id(table)] = _finding(current, table, hit, settings)
    for key, first in first_omitted.items():
        count = owners[key].omitted[current.id]
        yield Finding(
            rule=current.id,
            severity=first.severity,
            sheet=first.sheet,
            row=first.row,
            col=first.col,
            message=f"同类问题另有 {count} 处（规则 {current.id}，只列出前 {cap} 处）；请按已列出的问题修改后重新校验",
        )


READER_RULE = "S10"


def applies(current: Rule, table: Table) -> bool:
    """A rule applies to the table kinds it names; a table that could not be read is only reported (S10); an
    evaluation table (目标值/分值) is not a target table, so its header and money rules do not apply."""
    if table.unreadable:
        return current.id == READER_RULE
    if table.kind not in current.kinds and current.scope == "table":
        return False
    if table.form == "evaluation":  # nor need it cover 产出/效益/满意度
        return (current.family in ("H", "V") and current.id != "H04") or current.id == READER_RULE
    return True


def severity_of(current: Rule, hit: Hit, settings: Settings) -> Severity:
    """The hit's own severity, then the user's override, then `strict` for practice rules; hints stay hints."""
    return adjusted_severity(current, settings, hit.severity or current.severity)


def adjusted_severity(current: Rule, settings: Settings, severity: Severity | None = None) -> Severity:
    """`severity` (default: the rule's own) as these settings report it (see severity_of)."""
    severity = severity or current.severity
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


__all__ = ["RULES", "Hit", "Rule", "adjusted_severity", "check_tables"]
