"""Every rule's cases (tests/rule_cases/<ID>.toml) written as real workbooks and checked end to end."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from rule_harness import workbook

from perfgoals_xl.core.rules import RULES
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.pipeline import check_file

CASES_DIR = Path(__file__).parents[1] / "rule_cases"


def _cases():
    for path in sorted(CASES_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            case.setdefault("layout", data.get("layout", "project"))
            yield pytest.param(data["rules"], case, id=f"{path.stem}: {case['name']}")


def _expected(entry: str) -> tuple[str, str | None, str | None]:
    rule, _, rest = entry.partition("@")
    cell, _, severity = rest.partition(":")
    return rule, cell or None, severity or None


def _with_formulas(path, formulas):
    """Cells written as formulas without cached results, as a tool that does not calculate saves them."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    for cell, formula in formulas.items():
        book.worksheets[0][cell] = formula
    book.save(path)


@pytest.mark.parametrize(("rules", "case"), list(_cases()))
def test_rule_case(rules, case, write_book):
    path = write_book(workbook(case))
    if "formulas" in case:
        _with_formulas(path, case["formulas"])
    result = check_file(path, Settings(**case.get("settings", {})))
    assert result.error is None, result.error
    found = [f for f in result.findings if f.rule in rules]
    unmatched = list(found)
    for rule, cell, severity in (_expected(e) for e in case["expect"]):
        match = next(
            (
                f
                for f in unmatched
                if f.rule == rule and cell in (None, f.cell) and severity in (None, f.severity)
            ),
            None,
        )
        assert match is not None, f"expected {rule}@{cell}:{severity}, found {found}"
        unmatched.remove(match)
    assert not unmatched, f"unexpected findings: {unmatched}"


def test_every_registered_rule_has_firing_and_silent_cases():
    covered: dict[str, set[bool]] = {}
    for param in _cases():
        rules, case = param.values
        for rule_id in rules:
            covered.setdefault(rule_id, set()).add(any(e.startswith(rule_id) for e in case["expect"]))
    missing = {rule_id for rule_id in RULES if covered.get(rule_id) != {True, False}}
    assert not missing, f"rules without both firing and silent cases: {sorted(missing)}"
