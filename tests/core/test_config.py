"""Where settings come from (perfgoals.toml, pyproject.toml, home, --config, the command line) and their errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_process import run_cli as run
from conftest import THREE_SHEETS

from perfgoals_xl.core import config as config_module
from perfgoals_xl.core.config import ConfigError, clear_cache, load_settings
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.pipeline import check_files

pytestmark = pytest.mark.usefixtures("isolated_home")  # an empty home, no cached lookups


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def book(folder: Path, name: str = "a.xlsx") -> Path:
    """The three-sheet sample copied into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(THREE_SHEETS, folder / name))


def rules_found(result: subprocess.CompletedProcess[str]) -> set[str]:
    report = json.loads(result.stdout)
    return {f["rule"] for file in report["files"] for f in file["findings"]}


# --- where the settings come from ---------------------------------------------------------------------------


def test_no_file_anywhere_gives_the_defaults(tmp_path):
    settings, path = load_settings(book(tmp_path / "报送"))
    assert settings == Settings() and path is None


def test_next_to_workbook_beats_parent_beats_home(tmp_path, isolated_home):
    workbook = book(tmp_path / "报送" / "乡镇")
    home_file = write(isolated_home / "perfgoals.toml", 'profile = "legacy-2015"\n')
    assert load_settings(workbook) == (Settings(profile="legacy-2015"), home_file)
    clear_cache()
    parent = write(tmp_path / "报送" / "perfgoals.toml", 'profile = "mof-2021"\n')
    assert load_settings(workbook) == (Settings(profile="mof-2021"), parent)
    clear_cache()
    near = write(tmp_path / "报送" / "乡镇" / "perfgoals.toml", "strict = true\n")
    settings, path = load_settings(workbook)
    assert path == near and settings == Settings(strict=True)  # the closest file wins; no merging


def test_perfgoals_toml_beats_pyproject_in_the_same_folder(tmp_path):
    workbook = book(tmp_path)
    write(tmp_path / "pyproject.toml", '[tool.perfgoals]\nprofile = "legacy-2015"\n')
    own = write(tmp_path / "perfgoals.toml", 'profile = "mof-2021"\n')
    assert load_settings(workbook) == (Settings(profile="mof-2021"), own)


def test_pyproject_table_is_used_and_one_without_it_is_skipped(tmp_path):
    workbook = book(tmp_path / "项目" / "子目录")
    write(tmp_path / "项目" / "子目录" / "pyproject.toml", '[project]\nname = "x"\n')
    parent = write(
        tmp_path / "项目" / "pyproject.toml",
        '[project]\nname = "y"\n\n[tool.perfgoals]\nselect = ["V"]\n\n[tool.perfgoals.thresholds]\n'
        "satisfaction_floor = 85\n",
    )
    settings, path = load_settings(workbook)
    assert path == parent
    assert settings.select == ("V",) and settings.thresholds.satisfaction_floor == 85


def test_explicit_config_replaces_the_lookup(tmp_path):
    workbook = book(tmp_path / "报送")
    write(tmp_path / "报送" / "perfgoals.toml", 'profile = "mof-2021"\n')
    shared = write(tmp_path / "共用" / "设置.toml", 'profile = "legacy-2015"\n')
    assert load_settings(workbook, config=shared) == (Settings(profile="legacy-2015"), shared)
    pyproject = write(tmp_path / "共用" / "pyproject.toml", '[tool.perfgoals]\nignore = ["V11"]\n')
    assert load_settings(workbook, config=pyproject)[0] == Settings(ignore=("V11",))


def test_explicit_config_that_is_missing_or_has_no_table_is_an_error(tmp_path):
    workbook = book(tmp_path)
    with pytest.raises(ConfigError, match="不存在"):
        load_settings(workbook, config=tmp_path / "没有.toml")
    pyproject = write(tmp_path / "other" / "pyproject.toml", '[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"没有 \[tool\.perfgoals\] 节") as error:
        load_settings(workbook, config=pyproject)
    assert str(pyproject) in error.value.message


def test_unsaved_workbook_uses_home_only(tmp_path, isolated_home):
    assert load_settings(None) == (Settings(), None)
    home_file = write(isolated_home / "perfgoals.toml", "strict = true\n")
    assert load_settings(None) == (Settings(strict=True), home_file)


def test_command_line_beats_the_file(tmp_path):
    workbook = book(tmp_path)
    write(
        tmp_path / "perfgoals.toml",
        'profile = "mof-2021"\nstrict = true\nselect = ["V", "H"]\nignore = ["V11"]\n',
    )
    settings, _ = load_settings(workbook, overrides={"profile": "legacy-2015", "strict": False})
    assert settings.profile == "legacy-2015" and settings.strict is False
    assert settings.select == ("V", "H") and settings.ignore == ("V11",)
    settings, _ = load_settings(workbook, overrides={"select": ("V11",)})
    assert (
        settings.select == ("V11",) and settings.ignore == ()
    )  # an explicit selection drops the file's ignore
    assert settings.enabled("V11") and not settings.enabled("H01")
    settings, _ = load_settings(workbook, overrides={"ignore": ("H02",)})
    assert settings.select == ("V", "H") and settings.ignore == ("V11", "H02")
    settings, _ = load_settings(workbook, overrides={"profile": None, "select": None, "ignore": None})
    assert settings.profile == "mof-2021" and settings.ignore == ("V11",)  # None = option not given


def test_a_folder_is_parsed_once_for_many_workbooks(tmp_path, monkeypatch):
    calls: list[Path] = []
    parse = config_module._parse
    monkeypatch.setattr(config_module, "_parse", lambda path: calls.append(path) or parse(path))
    config = write(tmp_path / "perfgoals.toml", 'profile = "mof-2021"\n')
    for index in range(20):
        assert load_settings(tmp_path / "报送" / f"{index}.xlsx")[0].profile == "mof-2021"
    assert calls == [config]
    write(config, 'profile = "legacy-2015"\nstrict = true\n')  # edited while a host keeps running
    assert load_settings(tmp_path / "报送" / "0.xlsx")[0].profile == "legacy-2015"
    assert len(calls) == 2


def test_utf8_with_bom_is_read(tmp_path):
    (tmp_path / "perfgoals.toml").write_bytes('\ufeffprofile = "mof-2021"\n'.encode())
    assert load_settings(tmp_path / "a.xlsx")[0].profile == "mof-2021"


# --- errors -------------------------------------------------------------------------------------------------


def config_error(tmp_path: Path, text: str | bytes, name: str = "perfgoals.toml") -> str:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ConfigError) as error:
        load_settings(tmp_path / "a.xlsx")
    assert f"“{path}”" in error.value.message
    return error.value.message


def test_bad_value_names_the_file_and_the_key(tmp_path):
    message = config_error(tmp_path, "[thresholds]\nsatisfaction_floor = 120\n")
    path = tmp_path / "perfgoals.toml"
    assert message == (
        f"配置文件“{path}”有误：thresholds.satisfaction_floor 应为 0～100 之间的数（当前为 120）"
    )


def test_unknown_key_is_named_with_a_suggestion(tmp_path):
    message = config_error(tmp_path, 'profle = "mof-2021"\n')
    assert message.endswith("有误：未知的设置项“profle”（是否应为“profile”？）")
    message = config_error(tmp_path, "[thresholds]\nsatisfaction_flor = 85\n")
    assert "thresholds 中未知的设置项“satisfaction_flor”（是否应为“satisfaction_floor”？）" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'profile = "hunan-2025"\n',
            "profile 应为 “hunan-2026”、“mof-2021”、“legacy-2015” 之一（当前为“hunan-2025”）",
        ),
        ('strict = "yes please"\n', "strict 应为 true 或 false"),
        ('select = "V05"\n', 'select 应为列表，例如 ["V05", "H"]（当前为“V05”）'),
        ('[severity]\nV05 = "fatal"\n', "severity.V05 应为 “error”、“warning”、“info” 之一（当前为“fatal”）"),
        ("[thresholds]\ngoal_min_chars = 1.5\n", "thresholds.goal_min_chars 应为整数（当前为 1.5）"),
        ("[thresholds]\nmoney_tolerance = -1\n", "thresholds.money_tolerance 应不小于 0（当前为 -1）"),
        (
            "[thresholds]\nboilerplate_min_rows = 1\n",
            "thresholds.boilerplate_min_rows 应不小于 2（当前为 1）",
        ),
        ("thresholds = 5\n", "thresholds 应为表"),
        ("select = [1]\n", "select 第 1 项 应为加引号的文字"),
    ],
)
def test_bad_values_are_explained_in_chinese(tmp_path, text, expected):
    assert expected in config_error(tmp_path, text)


def test_several_problems_are_all_listed(tmp_path):
    message = config_error(tmp_path, 'profle = "x"\n[thresholds]\nsatisfaction_floor = -5\n')
    assert "未知的设置项“profle”" in message and "thresholds.satisfaction_floor" in message


def test_toml_syntax_error_names_the_file_and_line(tmp_path):
    message = config_error(tmp_path, 'profile = "mof-2021"\nselect = [V05]\n')
    assert "不是有效的 TOML" in message and "第 2 行" in message


def test_non_utf8_file_is_a_clear_error(tmp_path):
    message = config_error(tmp_path, '# 设置\nprofile = "mof-2021"\n'.encode("gbk"))
    assert "UTF-8" in message


def test_pyproject_errors_name_the_full_key_path(tmp_path):
    message = config_error(
        tmp_path, "[tool.perfgoals.thresholds]\nsatisfaction_floor = 120\n", name="pyproject.toml"
    )
    assert "tool.perfgoals.thresholds.satisfaction_floor 应为 0～100 之间的数（当前为 120）" in message


@pytest.mark.parametrize(
    ("text", "where", "code"),
    [
        ('select = ["V05", "X99"]\n', "select", "X99"),
        ('ignore = ["V5"]\n', "ignore", "V5"),
        ('[severity]\nZ01 = "warning"\n', "severity", "Z01"),
    ],
)
def test_unknown_rule_ids_are_named(tmp_path, text, where, code):
    message = config_error(tmp_path, text)
    assert f"{where} 中的“{code}”不是已知的规则编号或类别" in message and "H、V、C、S" in message


def test_lowercase_rule_id_gets_a_hint(tmp_path):
    assert "（是否应为“V05”？）" in config_error(tmp_path, 'select = ["v05"]\n')


def test_families_and_ids_are_accepted(tmp_path):
    write(
        tmp_path / "perfgoals.toml",
        'select = ["H", "V", "C", "S"]\nignore = ["V05"]\n[severity]\nV06 = "error"\n',
    )
    assert load_settings(tmp_path / "a.xlsx")[0].severity == {"V06": "error"}


def test_unknown_rule_id_on_the_command_line(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_settings(tmp_path / "a.xlsx", overrides={"select": ("V05", "Q1")})
    assert error.value.message.startswith("命令行参数有误：--select 中的“Q1”不是已知的规则编号或类别")


# --- checking with settings ---------------------------------------------------------------------------------


def test_check_files_takes_settings_per_file(tmp_path):
    first, second = book(tmp_path / "甲"), book(tmp_path / "乙")
    per_file = {first: Settings(select=("V05",)), second: Settings(ignore=("V05",))}
    results = check_files([first, second], per_file.__getitem__)
    assert {f.rule for f in results[0].findings} == {"V05"}
    assert "V05" not in {f.rule for f in results[1].findings} and results[1].findings
    assert check_files([first], Settings(select=("V05",)))[0].findings == results[0].findings


def test_strict_turns_practice_warnings_into_errors(tmp_path):
    workbook = book(tmp_path)
    (lenient,) = check_files([workbook], Settings())
    (strict,) = check_files([workbook], Settings(strict=True))
    assert strict.count("error") > lenient.count("error")


@pytest.mark.slow
def test_cli_select_and_ignore(tmp_path, isolated_home):
    workbook = book(tmp_path)
    everything = rules_found(run("check", str(workbook), "--format", "json", home=isolated_home))
    assert "V05" in everything and len(everything) > 3
    selected = run("check", str(workbook), "--format", "json", "--select", "V05", home=isolated_home)
    assert selected.returncode == 1 and rules_found(selected) == {"V05"}
    ignored = run("check", str(workbook), "--format", "json", "--ignore", "v05,H02", home=isolated_home)
    assert rules_found(ignored) == everything - {"V05", "H02"}


@pytest.mark.slow
def test_cli_profile_is_accepted_and_beats_the_file(tmp_path, isolated_home):
    workbook = book(tmp_path)
    write(tmp_path / "perfgoals.toml", 'profile = "legacy-2015"\n')
    from_file = run("check", str(workbook), "--format", "json", home=isolated_home)
    assert "H03" in rules_found(from_file)  # the seed uses the 101号 framework
    overridden = run("check", str(workbook), "--format", "json", "--profile", "mof-2021", home=isolated_home)
    assert overridden.returncode == 1 and "H03" not in rules_found(overridden)


@pytest.mark.slow
def test_cli_resolves_settings_per_folder(tmp_path, isolated_home):
    book(tmp_path / "甲")
    book(tmp_path / "乙")
    write(tmp_path / "甲" / "perfgoals.toml", 'select = ["V05"]\n')
    write(tmp_path / "乙" / "perfgoals.toml", 'ignore = ["V05"]\n')
    report = json.loads(run("check", str(tmp_path), "--format", "json", home=isolated_home).stdout)
    found = {Path(f["path"]).parent.name: {x["rule"] for x in f["findings"]} for f in report["files"]}
    assert found["甲"] == {"V05"} and "V05" not in found["乙"] and found["乙"]


@pytest.mark.slow
def test_cli_config_option_and_select_over_file_ignore(tmp_path, isolated_home):
    workbook = book(tmp_path / "报送")
    shared = write(tmp_path / "共用.toml", 'ignore = ["V05"]\n')
    result = run("check", str(workbook), "--format", "json", "--config", str(shared), home=isolated_home)
    assert "V05" not in rules_found(result)
    result = run(
        "check",
        str(workbook),
        "--format",
        "json",
        "--config",
        str(shared),
        "--select",
        "V05",
        home=isolated_home,
    )
    assert rules_found(result) == {"V05"}


@pytest.mark.slow
def test_cli_bad_config_is_exit_2_with_the_message_on_stderr(tmp_path, isolated_home):
    workbook = book(tmp_path)
    config = write(tmp_path / "perfgoals.toml", "[thresholds]\nsatisfaction_floor = 120\n")
    expected = f"配置文件“{config}”有误：thresholds.satisfaction_floor 应为 0～100 之间的数"
    result = run("check", str(workbook), home=isolated_home)
    assert result.returncode == 2 and expected in result.stderr and "Traceback" not in result.stderr
    assert f"无法校验：{expected}" in result.stdout  # the workbook it applies to says why it was not checked
    given = run("check", str(workbook), "--config", str(config), home=isolated_home)
    assert (
        given.returncode == 2 and given.stdout == "" and expected in given.stderr
    )  # --config: wrong for all


@pytest.mark.slow
def test_cli_a_broken_settings_file_stops_only_its_own_folder(tmp_path, isolated_home):
    book(tmp_path / "甲")
    book(tmp_path / "乙")
    write(tmp_path / "乙" / "perfgoals.toml", 'profile = "x"\n')
    result = run("check", str(tmp_path), "--format", "json", home=isolated_home)
    assert result.returncode == 2 and "profile" in result.stderr
    files = {Path(f["path"]).parent.name: f for f in json.loads(result.stdout)["files"]}
    assert files["甲"]["error"] is None and files["甲"]["findings"]
    assert files["乙"]["error"]["code"] == "settings" and "profile" in files["乙"]["error"]["message"]
    assert files["乙"]["settings"] is None


@pytest.mark.slow
def test_cli_unknown_rule_is_exit_2(tmp_path, isolated_home):
    result = run("check", str(book(tmp_path)), "--select", "V99", home=isolated_home)
    assert (
        result.returncode == 2 and "--select 中的“V99”" in result.stderr and "Traceback" not in result.stderr
    )
