"""The report model: what a check found, file by file — rendered second (text, JSON, the 校验结果 sheet, notes,
alerts, the web page), in the spirit of frictionless' Report. Severities are counted here and only here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from perfgoals_xl.core.grid import address
from perfgoals_xl.core.models import Severity, Table, fast_pickle

if TYPE_CHECKING:  # provenance reads settings files, which name rules, which report Findings
    from perfgoals_xl.core.provenance import SettingsInForce

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@fast_pickle
@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found, at one cell. The message says what is wrong; the cell is the report's to show."""

    rule: str
    severity: Severity
    sheet: str
    row: int
    col: int
    message: str

    @property
    def cell(self) -> str:
        return address(self.row, self.col)


def count(findings: Iterable[Finding], severity: Severity) -> int:
    """How many findings have this severity: the one place severities are counted."""
    return sum(1 for f in findings if f.severity == severity)


@fast_pickle
@dataclass(frozen=True, slots=True)
class FileError:
    """Why a file could not be checked: a code (not_found, corrupt, no_table, internal …) and a Chinese
    message naming the file."""

    code: str
    message: str


@dataclass(slots=True)
class FileReport:
    """One workbook file: the tables read and the findings, or the error that kept it from being checked; and
    the settings it was checked with (None: not said, e.g. its settings file could not be read)."""

    path: str
    error: FileError | None = None
    tables: list[Table] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    settings: SettingsInForce | None = None

    def count(self, severity: Severity) -> int:
        return count(self.findings, severity)


@fast_pickle
@dataclass(frozen=True, slots=True)
class Summary:
    files: int
    tables: int
    errors: int
    warnings: int
    infos: int
    unreadable: int  # files that could not be checked (their `error` says why)

    @classmethod
    def of(cls, files: list[FileReport]) -> Summary:
        findings = [f for report in files for f in report.findings]
        return cls(
            files=len(files),
            tables=sum(len(r.tables) for r in files),
            errors=count(findings, "error"),
            warnings=count(findings, "warning"),
            infos=count(findings, "info"),
            unreadable=sum(1 for r in files if r.error is not None and r.error.code != "no_table"),
        )


@dataclass(slots=True)
class Report:
    """A check of one or more files."""

    files: list[FileReport]

    @property
    def summary(self) -> Summary:
        return Summary.of(self.files)

    @property
    def settings(self) -> list[SettingsInForce]:
        """The distinct settings the files were checked with, in the order first used."""
        distinct: list[SettingsInForce] = []
        for report in self.files:
            if report.settings is not None and report.settings not in distinct:  # equal, not hashable
                distinct.append(report.settings)
        return distinct

    @property
    def warnings(self) -> list[str]:
        """Every settings warning once (a settings file in the checked tree that loosened the check)."""
        return list(dict.fromkeys(w for s in self.settings for w in s.warnings))
