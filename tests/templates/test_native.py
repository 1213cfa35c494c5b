"""The native twins evaluated for real: each case of twin_cases.toml is filled into the standard form, LibreOffice
headless computes every twin (its formula written as a cell formula at every cell it covers, in a test copy),
and the checker reads the same file. The twin and its rule agree on the examples, and a twin never fires
where its rule stays silent."""

from __future__ import annotations

import tomllib
from pathlib import Path

import openpyxl
import pytest
from lo_harness import fired_twins, recalculated

from perfgoals_xl.core.grid import parse_address
from perfgoals_xl.core.specs import BudgetSpec, DepartmentSpec, IndicatorSpec, ProjectSpec, TaskSpec
from perfgoals_xl.core.totals import identities
from perfgoals_xl.core.twins import CONDITIONS, HELPER_NAMES, twin_rules
from perfgoals_xl.core.vocab import HIERARCHY
from perfgoals_xl.pipeline import check_file
from perfgoals_xl.templates.fill import fill, template_path
from perfgoals_xl.templates.native import form_layout

# starts LibreOffice; one run serves the whole module, so its tests stay on one worker (pytest -n auto)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("libreoffice")]

CASES = tomllib.loads((Path(__file__).parent / "twin_cases.toml").read_text(encoding="utf-8"))["cases"]
LEVEL1 = {
    level2: level1 for level1, level2s in HIERARCHY.items() for level2 in level2s if level1 != "产出指标"
}
LEVEL1 |= {level2: "产出指标" for level2 in HIERARCHY["产出指标"] if level2 != "成本指标"}
PROJECT = "金融风险防范化解工作"
CELL_TWINS = {c.rule for c in CONDITIONS if c.cell}


def case_id(case: dict) -> str:
    return f"{case['rule']}-{case['kind']}-{CASES.index(case)}"


def _indicator(row: list) -> IndicatorSpec:
    level2, name, value, unit, operator = (None if x == "" else x for x in row)
    return IndicatorSpec(
        level1=LEVEL1[level2], level2=level2, name=name or "", value=value, unit=unit, operator=operator
    )


def build_case(case: dict, path: Path) -> Path:
    """The case filled into the standard form and saved (numbers percent-formatted when asked)."""
    indicators = [_indicator(row) for row in case.get("rows", [])]
    if case.get("form") == "department":
        amounts = case.get("amounts", {"total": 50, "general_public": 50, "basic": 30, "project": 20})
        spec = DepartmentSpec(
            year=2026,
            department="区人民政府办公室",
            duties="做好政务服务、综合协调和督查督办工作，全年办文办会按期完成率达到98%以上",
            tasks=[TaskSpec(name="综合协调", content="全年组织协调会议24次以上")],
            budget=BudgetSpec(**amounts),
            indicators=indicators,
        )
    else:
        spec = ProjectSpec(
            year=2026,
            unit_name="区人民政府办公室",
            name=PROJECT,
            budget=case.get("budget", 50),
            category="专项业务类",
            period="2026年",
            goal="2026年12月底前完成排查整治4次，群众满意度达到90%以上",
            indicators=indicators,
        )
    wb = fill(spec)
    if case.get("percent"):
        layout = form_layout(wb.worksheets[0])
        for row in range(layout.first, layout.last + 1):
            cell = wb.worksheets[0].cell(row=row, column=layout.columns["value"])
            if isinstance(cell.value, float | int):
                cell.number_format = "0%"
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    """case id → (fired twins {(rule, cell): severities}, findings, tables), one LibreOffice run for all."""
    work = tmp_path_factory.mktemp("twins")
    paths = [build_case(case, work / f"{case_id(case)}.xlsx") for case in CASES]
    fired = fired_twins(paths, work)
    results = {}
    for case, path, twins in zip(CASES, paths, fired, strict=True):
        report = check_file(path)
        assert report.error is None
        results[case_id(case)] = (twins, report.findings, report.tables)
    return results


def _twin_rows(twins: dict, rule: str) -> set[int]:
    return {parse_address(cell)[0] for (fired, cell) in twins if fired == rule}


def _rule_rows(findings: list, rule: str) -> set[int]:
    return {f.row for f in findings if f.rule == rule}


def test_every_twin_has_bad_and_good_cases():
    for rule in twin_rules():
        kinds = {case["kind"] for case in CASES if case["rule"] == rule}
        assert kinds == {"bad", "good"}, rule


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] == "bad"], ids=case_id)
def test_a_bad_example_fires_the_twin_and_the_rule(evaluated, case):
    twins, findings, _ = evaluated[case_id(case)]
    rule = case["rule"]
    assert _twin_rows(twins, rule), f"the twin of {rule} stayed silent; fired: {sorted(twins)}"
    assert _rule_rows(findings, rule), f"{rule} did not fire: {[(f.rule, f.cell) for f in findings]}"
    if rule not in CELL_TWINS:  # the same row is marked by both
        assert _twin_rows(twins, rule) & _rule_rows(findings, rule)


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] == "good"], ids=case_id)
def test_a_good_example_leaves_both_silent(evaluated, case):
    twins, findings, _ = evaluated[case_id(case)]
    rule = case["rule"]
    assert not _twin_rows(twins, rule)
    assert not _rule_rows(findings, rule), [f.message for f in findings if f.rule == rule]


def test_a_twin_never_fires_where_its_rule_is_silent(evaluated):
    """On every case, for every twin: what the form colours, the checker reports (on the same row)."""
    false_alarms = []
    for key, (twins, findings, _) in evaluated.items():
        for rule in twin_rules():
            rows, found = _twin_rows(twins, rule), _rule_rows(findings, rule)
            if (rule in CELL_TWINS and rows and not found) or (rule not in CELL_TWINS and rows - found):
                false_alarms.append((key, rule, sorted(rows - found)))
    assert false_alarms == []


def test_the_helper_sums_equal_the_checkers_totals(evaluated):
    """pg_cost_sum = C01's Σ 经济成本; pg_sources_sum / pg_uses_sum = the parts of C04 / C05."""
    names = {
        "C01": HELPER_NAMES["cost_sum"],
        "C04": HELPER_NAMES["sources_sum"],
        "C05": HELPER_NAMES["uses_sum"],
    }
    compared = 0
    for twins, _, tables in evaluated.values():
        for identity in identities(tables):
            if identity.rule in names and ("=", names[identity.rule]) in twins:
                (value,) = twins[("=", names[identity.rule])]
                assert float(value) == pytest.approx(identity.right_sum), identity.title
                compared += 1
    assert compared >= 6


def test_rows_inserted_by_fill_carry_the_twins(evaluated):
    """Two rows under one 二级 (the form has one): the inserted row is checked like the first."""
    case = next(c for c in CASES if c["rule"] == "S05" and c["kind"] == "bad")
    twins, findings, _ = evaluated[case_id(case)]
    assert _twin_rows(twins, "S05") == _rule_rows(findings, "S05") == {10}


def test_the_dependent_level2_list_resolves_in_libreoffice(tmp_path):
    """The 二级 drop-down's list (INDIRECT of the 一级 at or above the row) is the 一级's own list on every
    row, merged 一级 cells included — evaluated as a cell formula, as LibreOffice and Excel evaluate it."""
    from openpyxl.formula.translate import Translator

    paths, expected = [], []
    for kind in ("project", "department"):
        wb = openpyxl.load_workbook(template_path(kind))
        ws = wb.worksheets[0]
        layout = form_layout(ws)
        (dv,) = [dv for dv in ws.data_validations.dataValidation if dv.promptTitle == "绩效目标：二级指标"]
        (area,) = dv.sqref.ranges
        origin, letter = area.coord.split(":")[0], area.coord.rstrip("0123456789:")[:1]
        rows = []
        for row in range(layout.first, layout.last + 1):
            formula = Translator(f"={dv.formula1}", origin=origin).translate_formula(f"{letter}{row}")
            ws.cell(row=row, column=30, value=f'=INDEX({formula[1:]},1)&"|"&ROWS({formula[1:]})')
            rows.append(row)
        level1 = None
        for row in rows:
            level1 = ws.cell(row=row, column=layout.columns["level1"]).value or level1
            expected.append((kind, row, f"{HIERARCHY[level1][0]}|{len(HIERARCHY[level1])}"))
        paths.append(tmp_path / f"{kind}.xlsx")
        wb.save(paths[-1])
    books = dict(zip(("project", "department"), recalculated(paths, tmp_path), strict=True))
    got = [(kind, row, books[kind].worksheets[0].cell(row=row, column=30).value) for kind, row, _ in expected]
    assert got == expected
