"""tools/mutation.py scores a mutmut run per area; its arithmetic and its list of equivalent mutants are checked
here without running mutmut (README, "Mutation testing")."""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("mutation_tool", ROOT / "tools" / "mutation.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutation_tool"] = module
    spec.loader.exec_module(module)
    return module


mutation = _tool()
READER = "perfgoals_xl.core.reader.pairs.x__field__mutmut_"
RULES = "perfgoals_xl.core.rules.money.x__unit_mixup__mutmut_"


@pytest.fixture
def listed(tmp_path, monkeypatch):
    """An equivalents file of one entry: the rules' mutant 27."""
    path = tmp_path / "equivalent.toml"
    path.write_text(f'[[mutants]]\nname = "{RULES}27"\nreason = "why"\n', encoding="utf-8")
    monkeypatch.setattr(mutation, "EQUIVALENT", path)


def test_score_per_area_leaves_out_listed_equivalents_and_untried_mutants(listed, capsys):
    found = {
        **{f"{READER}{n}7": "killed" for n in range(8)},
        f"{READER}87": "survived",
        f"{READER}97": "timeout",
        f"{READER}3": "not checked",  # outside the sample
        f"{RULES}7": "killed",
        f"{RULES}17": "survived",
        f"{RULES}27": "no tests",  # listed: left out of the score
    }
    assert mutation.report(found, "7") is False  # rules: 1 of 2
    out = capsys.readouterr().out
    assert "reader: 90.0% killed (9 of 10; 0 equivalent" in out
    assert "rules: 50.0% killed (1 of 2; 1 equivalent" in out
    assert f"{RULES}17: survived" in out and f"{RULES}27" not in out.split("not listed as equivalent")[1]
    assert "13 of 14 mutants tried, the sample of --quick (numbers ending in 7), complete" in out


def test_a_stopped_run_has_no_score(listed, capsys):
    found = {f"{READER}{n}7": "killed" for n in range(9)} | {
        f"{READER}97": "not checked",
        f"{RULES}7": "killed",
    }
    assert mutation.report(found, "7") is False  # every tried mutant killed, but one of the sample not tried
    assert "INCOMPLETE: 1 not tried" in capsys.readouterr().out


def test_a_listed_equivalent_that_was_killed_is_named(listed, capsys):
    """An entry whose mutant a test killed is stale (the function changed, or the reason was wrong)."""
    found = {f"{READER}{n}7": "killed" for n in range(5)} | {f"{RULES}7": "killed", f"{RULES}27": "killed"}
    assert mutation.report(found, "7") is False
    out = capsys.readouterr().out
    assert f"1 mutants listed as equivalent were killed — check those entries:\n  {RULES}27" in out


def _function_exists(name: str) -> bool:
    """`perfgoals_xl.core.x.y.x__f__mutmut_*` or `…xǁClassǁmethod__mutmut_*` names a function of that module."""
    module, _, mangled = name.rpartition(".")
    function = re.sub(r"__mutmut_.*$", "", mangled.removeprefix("x"))
    function = function.split("ǁ")[-1] if "ǁ" in function else function.removeprefix("_")
    source = (ROOT / Path(*module.split("."))).with_suffix(".py").read_text(encoding="utf-8")
    return re.search(rf"^\s*def {re.escape(function)}\(", source, re.MULTILINE) is not None


def test_every_listed_equivalent_names_a_function_and_says_why():
    """A stale entry (its function renamed or gone) would excuse mutants of nothing; a bare one explains
    nothing."""
    entries = tomllib.loads((ROOT / "tools" / "mutation_equivalent.toml").read_text(encoding="utf-8"))[
        "mutants"
    ]
    assert entries
    for entry in entries:
        assert entry["name"].startswith(("perfgoals_xl.core.reader.", "perfgoals_xl.core.rules.")), entry
        assert _function_exists(entry["name"]), f"no such function: {entry['name']}"
        assert len(entry["reason"].split()) >= 8, f"say why {entry['name']} is equivalent"
