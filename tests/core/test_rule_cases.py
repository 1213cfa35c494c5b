"""Every rule's cases (tests/rule_cases/<ID>.toml) written as real workbooks and checked end to end.

An `expect` entry is `"RULE@CELL:severity"` (cell and severity optional; the cell may be a role, `V05@value+1`,
see rule_harness) or a table `{ hit = "RULE@CELL:severity", says = ["fragment", …] }` whose finding's message
must contain every fragment (the value, the unit, the cell text it names) and, with `lacks = ["…"]`, none of
those (a hint that must not be given on this side of a bound). A case may also carry
`doc = "bad"`/`"good"` (it builds the rule docstring's 错误示例/正确示例) and `reaches = "text"`: the line of
perfgoals_xl/core that holds that text (a guard's comment) must run while the case is checked.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from rule_harness import cell_of, workbook

from perfgoals_xl.core.rules import RULES, applies
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.pipeline import check_file

CASES_DIR = Path(__file__).parents[1] / "rule_cases"
CORE = Path(__file__).parents[2] / "perfgoals_xl" / "core"


def _cases():
    for path in sorted(CASES_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            case.setdefault("layout", data.get("layout", "project"))
            yield pytest.param(data["rules"], case, id=f"{path.stem}: {case['name']}")


def _entry(entry: str | dict) -> tuple[str, list[str]]:
    return (entry, []) if isinstance(entry, str) else (entry["hit"], list(entry.get("says", [])))


def _expected(case: dict, entry: str | dict) -> tuple[str, str | None, str | None, list[str], list[str]]:
    hit, says = _entry(entry)
    lacks = [] if isinstance(entry, str) else list(entry.get("lacks", []))
    rule, _, rest = hit.partition("@")
    where, _, severity = rest.partition(":")
    return rule, cell_of(case, where) if where else None, severity or None, says, lacks


def _with_formulas(path, formulas):
    """Cells written as formulas without cached results, as a tool that does not calculate saves them."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    for cell, formula in formulas.items():
        book.worksheets[0][cell] = formula
    book.save(path)


def _guard_line(text: str) -> tuple[str, int]:
    """The file and line of perfgoals_xl/core holding `text` (exactly one)."""
    found = [
        (str(path), number)
        for path in sorted(CORE.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if text in line
    ]
    assert len(found) == 1, f"`reaches = {text!r}` must name one line of perfgoals_xl/core, found {found}"
    return found[0]


def _check(path: Path, settings: Settings, reaches: str | None):
    """check_file, recording whether the line named by `reaches` ran."""
    if reaches is None:
        return check_file(path, settings), True
    filename, line = _guard_line(reaches)
    ran = []

    def tracer(frame, event, _arg):
        if frame.f_code.co_filename != filename:
            return None
        if event == "line" and frame.f_lineno == line:
            ran.append(line)
        return tracer

    sys.settrace(tracer)
    try:
        result = check_file(path, settings)
    finally:
        sys.settrace(None)
    return result, bool(ran)


@pytest.mark.parametrize(("rules", "case"), list(_cases()))
def test_rule_case(rules, case, write_book):
    path = write_book(workbook(case))
    if "formulas" in case:
        _with_formulas(path, case["formulas"])
    settings = Settings(**case.get("settings", {}))
    result, reached = _check(path, settings, case.get("reaches"))
    assert result.error is None, result.error
    assert reached, f"the case never runs the line of `reaches = {case['reaches']!r}`"
    found = [f for f in result.findings if f.rule in rules]
    unmatched = list(found)
    for rule, cell, severity, says, lacks in (_expected(case, e) for e in case["expect"]):
        match = next(
            (
                f
                for f in unmatched
                if f.rule == rule
                and cell in (None, f.cell)
                and severity in (None, f.severity)
                and all(part in f.message for part in says)
                and not any(part in f.message for part in lacks)
            ),
            None,
        )
        assert match is not None, (
            f"expected {rule}@{cell}:{severity} saying {says}{f' but not {lacks}' if lacks else ''}, found {found}"
        )
        unmatched.remove(match)
    assert not unmatched, f"unexpected findings: {unmatched}"
    _no_hit_twice(rules, result.tables, settings)


def _no_hit_twice(rules: list[str], tables, settings: Settings) -> None:
    """A rule says each thing once per table (the report merges exact repeats, so a doubled check would hide
    there); the same hit in two tables (two sheets, same cell) is two findings."""
    for rule_id in rules:
        current = RULES[rule_id]
        mine = [t for t in tables if applies(current, t)]
        if current.scope == "workbook":
            hits = [(id(table), hit) for table, hit in current.check(mine, settings)]
        else:
            hits = [(id(table), hit) for table in mine for hit in current.check(table, settings)]
        twice = [hit for (_, hit), n in Counter(hits).items() if n > 1]
        assert not twice, f"{rule_id} reports the same hit more than once: {twice}"


def test_every_registered_rule_has_firing_and_silent_cases():
    covered: dict[str, set[bool]] = {}
    for param in _cases():
        rules, case = param.values
        for rule_id in rules:
            fires = any(_entry(e)[0].startswith(rule_id) for e in case["expect"])
            covered.setdefault(rule_id, set()).add(fires)
    missing = {rule_id for rule_id in RULES if covered.get(rule_id) != {True, False}}
    assert not missing, f"rules without both firing and silent cases: {sorted(missing)}"


def test_every_expected_finding_names_what_it_found():
    """Messages are part of the contract: each expected finding asserts fragments of its message."""
    bare = [
        f"{param.id}: {_entry(e)[0]}"
        for param in _cases()
        for e in param.values[1]["expect"]
        if not _entry(e)[1]
    ]
    assert not bare, "expected findings without `says`:\n" + "\n".join(bare)


# --- the docstring's examples are cases ---------------------------------------------------------------------


def _example(rule_id: str, kind: str) -> str:
    label = {"bad": "错误示例", "good": "正确示例"}[kind]
    line = next((ln for ln in RULES[rule_id].doc.splitlines() if ln.startswith(f"{label}：")), None)
    assert line is not None, f"{rule_id}: the docstring has no {label} line"
    return line


def _texts(case: dict) -> set[str]:
    """What the case writes: cell texts of its rows, header labels and values, formulas, other tables'
    headers (numbers as written)."""
    tables = [case, *case.get("extra_tables", [])]
    cells = [text for table in tables for pair in table.get("header", {}).items() for text in pair]
    cells += [c for row in case.get("rows", []) for c in row]
    cells += [c for item in case.get("breakdown", []) for c in item]
    cells += [*case.get("budget", {}).values(), *(c for task in case.get("tasks", []) for c in task)]
    cells += [*case.get("extra_header", {}).values(), *case.get("formulas", {}).values()]
    cells += [*case.get("omit", []), case.get("amount_unit"), case.get("title")]
    return {f"{c:g}" if isinstance(c, float) else str(c) for c in cells if c not in (None, "")}


def _builds(case: dict, example: str) -> bool:
    """The case writes a text of the example line: a cell text found in it, or a text it quotes (“约”)."""
    shown = re.sub(r"\s", "", example)
    texts = {re.sub(r"\s", "", text) for text in _texts(case)}
    quoted = re.findall(r"“([^”]+)”", shown)
    return any(len(t) >= 2 and t in shown for t in texts) or any(q in t for q in quoted for t in texts)


def _doc_cases(rule_id: str, kind: str) -> list[dict]:
    return [
        case
        for param in _cases()
        for case in [param.values[1]]
        if rule_id in param.values[0] and case.get("doc") == kind
    ]


@pytest.mark.parametrize("kind", ["bad", "good"])
@pytest.mark.parametrize("rule_id", list(RULES))
def test_the_docstring_example_is_a_case(rule_id, kind):
    """One case per rule builds its 错误示例 (and fires) and one its 正确示例 (and stays silent)."""
    cases = _doc_cases(rule_id, kind)
    assert len(cases) == 1, f"{rule_id}: {len(cases)} cases marked doc = {kind!r}, want one"
    case, example = cases[0], _example(rule_id, kind)
    fires = any(_entry(e)[0].startswith(rule_id) for e in case["expect"])
    assert fires == (kind == "bad"), (
        f"{rule_id}: the doc = {kind!r} case must {'fire' if kind == 'bad' else 'stay silent'}"
    )
    assert _builds(case, example), f"{rule_id}: the doc = {kind!r} case writes nothing of {example!r}"
