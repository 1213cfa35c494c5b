"""Profiles, severities, thresholds and selection change the findings on the sample as docs/settings.md says."""

from __future__ import annotations

from conftest import ONE_SHEET

from perfgoals_xl.core.settings import Settings, Thresholds
from perfgoals_xl.pipeline import check_file


def found(settings: Settings) -> set[tuple[str, str, str]]:
    return {(f.rule, f.cell, f.severity) for f in check_file(ONE_SHEET, settings).findings}


def test_default_profile_accepts_the_seed_framework():
    assert not [f for f in found(Settings()) if f[0] == "H03"]


def test_legacy_profile_wants_cost_under_output():
    legacy = {f for f in found(Settings(profile="legacy-2015")) if f[0] == "H03"}
    assert ("H03", "B23", "warning") in legacy and ("H03", "A67", "warning") in legacy  # 成本指标 as 一级


def test_severity_override_changes_errors_but_not_hints():
    base, overridden = found(Settings()), found(Settings(severity={"V07": "warning", "H01": "error"}))
    assert ("V07", "D67", "error") in base and ("V07", "D67", "warning") in overridden
    assert ("H01", "B22", "info") in overridden  # a normalisation hint stays a hint


def test_thresholds_move_the_satisfaction_warning():
    assert not [f for f in found(Settings()) if f[0] == "V06"]
    raised = found(Settings(thresholds=Thresholds(satisfaction_warn_below=96)))
    assert ("V06", "E22", "warning") in raised and not [f for f in raised if f[:2] == ("V06", "E46")]


def test_goal_length_threshold():
    assert not [f for f in found(Settings(thresholds=Thresholds(goal_min_chars=5))) if f[0] == "S04"]


def test_ignore_a_family_and_select_one_rule():
    assert not [f for f in found(Settings(ignore=("H",))) if f[0].startswith("H")]
    assert {f[0] for f in found(Settings(select=("V05",)))} == {"V05"}


def test_strict_makes_practice_warnings_errors():
    strict = found(Settings(strict=True))
    assert ("H08", "D23", "error") in strict  # H08 is a [P] rule
    assert ("H07", "D17", "warning") in strict  # H07 rests on 101号 ([K]): unchanged


def test_findings_beyond_the_cap_are_counted_and_said_once(write_book):
    """60 rows without an operator column value: 50 V01 findings listed, the other 10 in one finding and in
    the table's `omitted`; a cap of 5 from the settings lists 5 and counts 55."""
    from rule_harness import project_rows

    rows = [["产出指标", "数量指标", f"排查整治{i}", 4, "次", ""] for i in range(60)]
    path = write_book({"表": project_rows({"rows": rows})})
    for cap, listed in ((50, 50), (5, 5)):
        result = check_file(path, Settings(max_findings_per_rule=cap))
        v01 = [f for f in result.findings if f.rule == "V01"]
        assert len(v01) == listed + 1
        summary = [f for f in v01 if "另有" in f.message]
        assert len(summary) == 1 and f"另有 {60 - listed} 处" in summary[0].message
        assert summary[0].cell == f"G{8 + listed}"  # the first cell not listed
        assert result.tables[0].omitted["V01"] == 60 - listed
