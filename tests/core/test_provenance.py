"""Settings in the open: which settings are in force and where they came from, and a settings file inside the
checked tree that switches rules off, lowers severities or loosens thresholds is named (issue 17)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ONE_SHEET

from perfgoals_xl.core.config import MAX_CONFIG_BYTES, ConfigError, clear_cache
from perfgoals_xl.core.loosening import THRESHOLD_LOOSER, loosening, rule_list
from perfgoals_xl.core.provenance import (
    BOOK_FOLDER,
    CHECKED_TREE,
    SettingsInForce,
    describe,
    option_text,
    resolve,
    settings_line,
    settings_rows,
)
from perfgoals_xl.core.render import render_text, to_json
from perfgoals_xl.core.report import Report
from perfgoals_xl.core.rules import RULES
from perfgoals_xl.core.settings import PROFILES, Settings, Thresholds
from perfgoals_xl.pipeline import check_files

SILENCE_ALL = 'ignore = ["H", "V", "C", "S"]\n'


pytestmark = pytest.mark.usefixtures("isolated_home")  # an empty home, no cached lookups


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def book(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(ONE_SHEET, folder / "表.xlsx"))


# --- where the settings came from ----------------------------------------------------------------------------


def test_origin_of_each_kind_of_source(tmp_path, isolated_home):
    workbook = book(tmp_path / "报送" / "单位")
    assert resolve(workbook).origin == "defaults"
    home = write(isolated_home / "perfgoals.toml", 'ignore = ["V11"]\n')
    clear_cache()
    found = resolve(workbook)
    assert (found.origin, found.source) == ("home", home) and found.settings.ignore == ("V11",)
    beside = write(workbook.parent / "perfgoals.toml", 'ignore = ["C09"]\n')
    clear_cache()
    assert (resolve(workbook).origin, resolve(workbook).source) == ("found", beside)
    shared = write(tmp_path / "共用.toml", "strict = true\n")
    given = resolve(workbook, config=shared, overrides={"select": ("V05",)})
    assert (given.origin, given.source, given.overrides) == (
        "config",
        shared.absolute(),
        (("select", ("V05",)),),
    )


def test_isolated_ignores_every_discovered_file_but_keeps_config_and_flags(tmp_path, isolated_home):
    workbook = book(tmp_path / "报送")
    write(workbook.parent / "perfgoals.toml", SILENCE_ALL)
    write(isolated_home / "perfgoals.toml", SILENCE_ALL)
    alone = resolve(workbook, isolated=True, trees=[workbook.parent])
    assert alone.settings == Settings() and alone.source is None and alone.isolated and not alone.warnings
    shared = write(tmp_path / "共用.toml", 'ignore = ["V11"]\n')
    given = resolve(workbook, config=shared, overrides={"strict": True}, isolated=True)
    assert given.settings == Settings(ignore=("V11",), strict=True) and given.source == shared.absolute()


def test_a_file_beside_the_workbook_that_silences_everything_is_named(tmp_path):
    workbook = book(tmp_path / "报送" / "单位")
    config = write(workbook.parent / "perfgoals.toml", SILENCE_ALL)
    for tree in (workbook.parent, tmp_path / "报送"):  # the file's folder given, or a folder above it
        (warning,) = resolve(workbook, trees=[tree]).warnings
        assert warning == f"报送文件夹中的设置文件“{config}”关闭了 {len(RULES)} 条规则（全部规则）"


def test_a_file_outside_the_tree_is_the_reviewers_own_and_the_baseline(tmp_path):
    workbook = book(tmp_path / "审核" / "报送" / "单位")
    write(tmp_path / "审核" / "perfgoals.toml", 'ignore = ["V11"]\n')
    assert resolve(workbook, trees=[tmp_path / "审核" / "报送"]).warnings == []  # not in the checked tree
    beside = write(workbook.parent / "perfgoals.toml", 'ignore = ["V11", "C09"]\n')
    clear_cache()
    found = resolve(workbook, trees=[tmp_path / "审核" / "报送"])
    assert found.loosened is not None and found.loosened.rules_off == ("C09",)  # V11 was off already
    assert found.warnings == [f"报送文件夹中的设置文件“{beside}”关闭了 1 条规则（C09）"]
    assert resolve(workbook).warnings == []  # no tree given: nothing is "sent in"


def test_flags_apply_on_both_sides(tmp_path):
    workbook = book(tmp_path / "报送")
    write(workbook.parent / "perfgoals.toml", 'ignore = ["V05"]\n')
    chosen = resolve(workbook, overrides={"select": ("V05",)}, trees=[workbook.parent])
    assert chosen.settings.enabled("V05") and chosen.warnings == []  # --select wins over the file's ignore


def test_a_stricter_file_is_no_warning(tmp_path):
    workbook = book(tmp_path / "报送")
    write(workbook.parent / "perfgoals.toml", 'strict = true\n[severity]\nV06 = "error"\n')
    assert resolve(workbook, trees=[workbook.parent]).warnings == []


def test_lowered_severities_loosened_thresholds_profile_and_hidden_sheets():
    found = loosening(
        Path("/报送/perfgoals.toml"),
        Settings(
            profile="legacy-2015",
            severity={"V05": "info"},
            thresholds=Thresholds(
                money_tolerance=1000, satisfaction_floor=0, vague_values=("及时",), goal_min_chars=3
            ),
        ),
        Settings(strict=True, include_hidden=True),
        CHECKED_TREE,
    )
    assert found is not None
    assert ("V05", "error", "info") in found.lowered
    assert ("H08", "error", "warning") in found.lowered  # a practice rule, no longer strict
    assert "money_tolerance 0.005 → 1000" in found.thresholds
    assert "satisfaction_floor 80 → 0" in found.thresholds
    assert "goal_min_chars 0 → 3" in found.thresholds
    assert any(t.startswith("vague_values 删去 增加、巩固") for t in found.thresholds)
    assert found.profile == ("hunan-2026", "legacy-2015") and found.hidden_skipped
    message = found.message
    for part in (
        "调低了",
        "V05 错误→提示",
        "放宽了阈值",
        "把口径从 hunan-2026 改为 legacy-2015",
        "不再校验隐藏工作表",
    ):
        assert part in message
    assert loosening(Path("x"), Settings(), Settings(), CHECKED_TREE) is None


def test_listing_fewer_findings_per_rule_is_loosening():
    found = loosening(Path("x"), Settings(max_findings_per_rule=1), Settings(), CHECKED_TREE)
    assert found is not None and found.listed == (50, 1)
    assert "把每张表每条规则逐条列出（并标色、加批注）的问题数从 50 减为 1" in found.message
    assert loosening(Path("x"), Settings(max_findings_per_rule=80), Settings(), CHECKED_TREE) is None


def test_goal_min_chars_loosens_only_from_every_goal_towards_short_ones():
    def loosened(now: int, before: int) -> bool:
        return bool(
            loosening(
                Path("x"),
                Settings(thresholds=Thresholds(goal_min_chars=now)),
                Settings(thresholds=Thresholds(goal_min_chars=before)),
                CHECKED_TREE,
            )
        )

    assert loosened(5, 0) and loosened(5, 10)
    assert not loosened(0, 5) and not loosened(10, 5)


def test_every_threshold_says_how_it_loosens():
    assert set(THRESHOLD_LOOSER) == set(Thresholds.model_fields)


def test_rule_lists_name_whole_families():
    assert rule_list(tuple(RULES)) == "全部规则"
    h = tuple(r for r in RULES if r.startswith("H"))
    assert rule_list((*h, "V11")) == "H 类全部、V11"
    many = tuple(r for r in RULES if r.startswith("V"))[:-1]
    assert rule_list(many).endswith("等")


def test_a_huge_settings_file_is_refused(tmp_path):
    workbook = book(tmp_path / "报送")
    config = workbook.parent / "perfgoals.toml"
    config.write_bytes(b"# " + b"x" * MAX_CONFIG_BYTES + b"\n")
    with pytest.raises(ConfigError) as error:
        resolve(workbook)
    assert error.value.message == f"配置文件“{config}”过大（超过 1 MB），不像是设置文件，未读取"


# --- said in words -----------------------------------------------------------------------------------------


def test_settings_line_names_source_rules_and_flags(tmp_path):
    workbook = book(tmp_path / "报送")
    config = write(
        workbook.parent / "perfgoals.toml", 'ignore = ["V11"]\n[thresholds]\nsatisfaction_floor = 85\n'
    )
    line = settings_line(resolve(workbook, overrides={"strict": True, "select": None}))
    assert line == (
        f"设置：配置文件“{config}”；口径 hunan-2026；不启用 V11；严格模式；"
        "阈值 satisfaction_floor = 85（默认 80）；命令行参数 --strict"
    )
    assert settings_line(SettingsInForce()) == "设置：默认设置；口径 hunan-2026；全部规则"
    isolated = resolve(workbook, isolated=True)
    assert settings_line(isolated).startswith("设置：默认设置（--isolated：不查找设置文件）")


def test_option_text_is_as_typed():
    assert option_text("select", ("V05", "H")) == "--select V05,H"
    assert option_text("include_hidden", False) == "--no-include-hidden"
    assert option_text("profile", "mof-2021") == "--profile mof-2021"


def test_describe_defaults():
    text = describe(resolve(None))
    assert "默认设置" in text and "hunan-2026" in text and PROFILES["hunan-2026"] in text
    assert "启用全部规则" in text and "阈值均为默认值" in text


def test_describe_a_file_with_changes(tmp_path):
    path = write(
        tmp_path / "perfgoals.toml",
        'profile = "mof-2021"\nselect = ["V", "H"]\nignore = ["V11"]\nstrict = true\n'
        '[severity]\nV06 = "error"\n[thresholds]\nsatisfaction_floor = 85\n',
    )
    text = describe(resolve(tmp_path / "a.xlsx", trees=[tmp_path], where=BOOK_FOLDER))
    for part in (
        f"配置文件“{path}”",
        PROFILES["mof-2021"],
        "只启用：V、H",
        "不启用：V11",
        "V06 改为错误",
        "严格模式：开启",
        "satisfaction_floor = 85",
        "默认 80",
        f"注意：工作簿所在文件夹中的设置文件“{path}”关闭了",
    ):
        assert part in text
    pyproject = write(tmp_path / "p" / "pyproject.toml", "[tool.perfgoals]\n")
    assert "[tool.perfgoals]" in describe(resolve(pyproject.parent / "a.xlsx"))


def test_settings_rows_list_every_setting_beside_its_default(tmp_path):
    rows = settings_rows(SettingsInForce(Settings(ignore=("V11",))))
    assert rows[1] == ["设置项", "当前取值", "默认值"]
    names = [row[0] for row in rows[2:]]
    assert names[:8] == [
        "profile",
        "select",
        "ignore",
        "severity",
        "strict",
        "include_hidden",
        "max_findings_per_rule",
        "results_order",
    ]
    assert names[8:] == [f"thresholds.{name}" for name in Thresholds.model_fields]
    assert ["ignore", '["V11"]', "[]"] in rows


# --- every report says them ----------------------------------------------------------------------------------


def test_reports_say_the_settings_and_the_warning(tmp_path):
    workbook = book(tmp_path / "报送" / "单位")
    config = write(workbook.parent / "perfgoals.toml", SILENCE_ALL)
    in_force = resolve(workbook, trees=[tmp_path / "报送"])
    report = Report(check_files([workbook], in_force))
    assert report.files[0].findings == [] and report.files[0].settings == in_force
    text = render_text(report)
    assert text.splitlines()[0] == f"设置：配置文件“{config}”；口径 hunan-2026；不启用 H、V、C、S"
    assert (
        text.splitlines()[-1]
        == f"注意：报送文件夹中的设置文件“{config}”关闭了 {len(RULES)} 条规则（全部规则）。"
    )
    document = to_json(report)
    expected = {
        "sources": [str(config)],
        "origin": "found",
        "isolated": False,
        "profile": "hunan-2026",
        "select": [],
        "ignore": ["H", "V", "C", "S"],
        "severity": {},
        "strict": False,
        "include_hidden": False,
        "max_findings_per_rule": 50,
        "thresholds": {},
        "overrides": {},
        "warnings": in_force.warnings,
    }
    assert document["files"][0]["settings"] == expected
    assert document["settings"] == {**expected, "uniform": True}


def test_files_checked_with_different_settings_each_say_their_own(tmp_path):
    first, second = book(tmp_path / "甲"), book(tmp_path / "乙")
    write(second.parent / "perfgoals.toml", 'ignore = ["V11"]\n')
    trees = [tmp_path]
    report = Report(check_files([first, second], lambda path: resolve(path, trees=trees)))
    document = to_json(report)
    top = document["settings"]
    assert top["uniform"] is False and top["profile"] is None and top["ignore"] is None
    assert top["sources"] == [str(second.parent / "perfgoals.toml")] and len(top["warnings"]) == 1
    assert [f["settings"]["ignore"] for f in document["files"]] == [[], ["V11"]]
    text = render_text(report)
    assert not text.startswith("设置：")
    assert text.count("  设置：") == 2 and "不启用 V11" in text


def test_a_report_without_settings_keeps_its_shape(tmp_path):
    report = Report(check_files([book(tmp_path)], Settings()))
    document = to_json(report)
    assert document["settings"] is None and document["files"][0]["settings"] is None
    assert not render_text(report).startswith("设置：")
