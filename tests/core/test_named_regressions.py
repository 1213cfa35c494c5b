"""The nine regressions of issue 18 that once passed the whole suite, applied for real: each is a small source
patch to a copy of the package, and the cases that pin it must fail on that copy (and pass on the original).

A regression is the issue's wording, the patch (one exact text of a file of perfgoals_xl, replaced) and the
node ids of the tests that pin it. When the code moves and a patch no longer applies, the test says so: update
the patch to the code's new form of the same bug, never drop it. README, "Mutation testing", lists them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES = "tests/core/test_rule_cases.py::test_rule_case"


@dataclass(frozen=True)
class Regression:
    name: str  # the words
    path: str  # the file of the package the patch changes
    old: str  # exactly one occurrence in that file
    new: str
    pinned_by: tuple[str, ...]  # node ids of the tests that must fail

    def apply(self, root: Path) -> None:
        target = root / self.path
        text = target.read_text(encoding="utf-8")
        assert text.count(self.old) == 1, f"{self.name}: the patch no longer applies to {self.path}"
        target.write_text(text.replace(self.old, self.new), encoding="utf-8")


def case(rule: str, name: str) -> str:
    """The node id of a rule case of tests/rule_cases/<rule>.toml (pytest writes non-ASCII ids escaped)."""
    return f"{CASES}[{rule}: {name}]".encode("unicode_escape").decode("ascii")


TARGETS = "perfgoals_xl/core/rules/targets.py"
INDICATORS = "perfgoals_xl/core/reader/indicators.py"
STRUCTURE = "perfgoals_xl/core/rules/structure.py"
HIERARCHY = "perfgoals_xl/core/rules/hierarchy.py"

REGRESSIONS = [
    Regression(
        "the > case of V09 removed",
        TARGETS,
        'if op in ("≥", ">"):\n            yield Hit(operator.at, f"“{name}”是反向指标',
        'if op in ("≥",):\n            yield Hit(operator.at, f"“{name}”是反向指标',
        (case("V09", "差错率 > 5 %: > is as wrong as ≥"),),
    ),
    Regression(
        "V06's floor < → <=",
        TARGETS,
        "elif number < limits.satisfaction_floor:",
        "elif number <= limits.satisfaction_floor:",
        (case("V06", "boundaries of the floor (80) and of the warning (85), defaults"),),
    ),
    Regression(
        "C01's single-cost-row guard removed (a false error on two cost rows)",
        "perfgoals_xl/core/totals.py",
        'exact = len(rows) == 1 and canonical(rows[0].operator) == "="',
        'exact = canonical(rows[0].operator) == "="',
        (case("C01", "two cost rows written = under the budget: a sum, not one total (3 + 4 ≤ 10)"),),
    ),
    Regression(
        "an operator typed in the value cell overriding the operator column",
        INDICATORS,
        "                if operator is None:\n                    operator = embedded\n",
        "                if True:\n                    operator = embedded\n",
        (case("V06", "conflict: ≥95% in the value, ≤ in the type column — the column is what V06 judges"),),
    ),
    Regression(
        "a unit in the value cell overriding the unit column",
        INDICATORS,
        "            unit = revalue(unit_cell, canonical_unit(unit_cell.text))",
        "            unit = unit or revalue(unit_cell, canonical_unit(unit_cell.text))",
        (case("V08", "conflict: 120人 in the value, 次 in the unit column — the column is what V08 judges"),),
    ),
    Regression(
        "S04's length bound moved by one (goal_min_chars)",
        STRUCTURE,
        "short = limit == 0 or len(text) < limit",
        "short = limit == 0 or len(text) <= limit",
        (case("S04", "goal_min_chars = 15: 15 characters are enough"),),
    ),
    Regression(
        "S04's length bound moved by one (the name restated: + 6 → + 5)",
        STRUCTURE,
        "len(text) <= len(clean(table.name)) + 6",
        "len(text) <= len(clean(table.name)) + 5",
        (case("S04", "restating the name: the name and 6 more characters (with a number) is a restatement"),),
    ),
    Regression(
        "S04's length bound moved by one (the name restated: + 6 → + 7)",
        STRUCTURE,
        "len(text) <= len(clean(table.name)) + 6",
        "len(text) <= len(clean(table.name)) + 7",
        (case("S04", "restating the name: 7 more characters say something of their own"),),
    ),
    Regression(
        "a two-cell title row no longer taken as a title",
        "perfgoals_xl/core/reader/regions.py",
        "MAX_TITLE_CELLS = 3",
        "MAX_TITLE_CELLS = 1",
        (
            case("S03", "a title row of two cells (title, 金额单位) is still the title"),
            case("S03", "a title row of three cells is still the title"),
        ),
    ),
    Regression(
        "H06's 经济效益 guard deleted",
        "perfgoals_xl/core/rules/content.py",
        "                continue  # money effects (税收增加 万元) belong under 经济效益\n",
        "                pass  # money effects (税收增加 万元) belong under 经济效益\n",
        (case("H06", "节约财政支出 万元 under 经济效益 reaches the 经济效益 guard and is an effect"),),
    ),
    Regression(
        "H03's legacy check duplicated (mof-2021: a legacy label said twice)",
        HIERARCHY,
        '                yield Hit(label.at, f"按财预〔2021〕101号框架，{what}，当前为旧框架写法")\n',
        '                yield Hit(label.at, f"按财预〔2021〕101号框架，{what}，当前为旧框架写法")\n' * 2,
        (case("H03", "mof-2021 profile: legacy cost and legacy satisfaction are each flagged once"),),
    ),
    Regression(
        "H03's legacy check duplicated (legacy-2015: 成本 as 一级 said twice)",
        HIERARCHY,
        '        yield Hit(cost_level1.at, "按财预〔2015〕88号框架，成本指标应为产出指标下的二级指标")\n',
        '        yield Hit(cost_level1.at, "按财预〔2015〕88号框架，成本指标应为产出指标下的二级指标")\n' * 2,
        (case("H03", "legacy-2015 profile: 成本 as 一级 is flagged"),),
    ),
]


def _copy(destination: Path) -> Path:
    """The package and what its tests need, as mutmut copies them (no caches, no virtualenv)."""
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
    for name in ("perfgoals_xl", "tests", "workbook_templates"):
        shutil.copytree(ROOT / name, destination / name, ignore=skip)
    shutil.copy2(ROOT / "pyproject.toml", destination / "pyproject.toml")
    return destination


def _pytest(root: Path, node_ids: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    """The tests run in the copy: `python -m pytest` puts the copy first on sys.path, before the checkout."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", *node_ids],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _imports_the_copy(root: Path) -> bool:
    probe = subprocess.run(
        [sys.executable, "-c", "import perfgoals_xl; print(perfgoals_xl.__file__)"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(probe.stdout.strip()).is_relative_to(root)


@pytest.mark.slow
def test_the_pinning_cases_pass_on_the_original(tmp_path):
    """Control: every pinning test exists and passes on an unpatched copy, which is what gets imported."""
    root = _copy(tmp_path)
    assert _imports_the_copy(root)
    ids = tuple(dict.fromkeys(i for r in REGRESSIONS for i in r.pinned_by))
    result = _pytest(root, ids)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert f"{len(ids)} passed" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("regression", REGRESSIONS, ids=lambda r: r.name)
def test_the_regression_fails_its_cases(regression: Regression, tmp_path):
    root = _copy(tmp_path)
    regression.apply(root)
    result = _pytest(root, regression.pinned_by)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]  # 1: tests failed
    assert f"{len(regression.pinned_by)} failed" in result.stdout, result.stdout[-3000:]
