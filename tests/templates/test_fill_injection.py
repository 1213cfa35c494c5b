"""`fill` (and so 规范为标准模板 and 新建…表 on desktop Excel, which copy the filled sheet) writes text as text:
a 三级 name typed as `=HYPERLINK(…)`, a DDE call or `+1+1` in a submitted table or a data file never becomes a
formula in the standard form."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from payloads import PAYLOADS, assert_payloads_are_text, formulas, payload_workbook

from perfgoals_xl.core.specs import DepartmentSpec, IndicatorSpec, ProjectSpec, TaskSpec
from perfgoals_xl.templates.fill import fill, load_specs


def _indicators() -> list[IndicatorSpec]:
    return [
        IndicatorSpec(
            level1="产出指标",
            level2="数量指标",
            name=payload,
            operator="定性",
            value=payload,
            unit=payload,
            explanation=payload,
            remark=payload,
        )
        for payload in PAYLOADS
    ]


def test_every_field_of_a_project_spec_stays_text(tmp_path):
    first, second = PAYLOADS[0], PAYLOADS[1]
    spec = ProjectSpec(
        year=2026, name=first, category=second, period=PAYLOADS[2], goal=PAYLOADS[3], indicators=_indicators()
    )
    out = tmp_path / "标准.xlsx"
    fill(spec).save(out)
    assert_payloads_are_text(out)


def test_every_field_of_a_department_spec_stays_text(tmp_path):
    spec = DepartmentSpec(
        year=2026,
        region=PAYLOADS[0],
        department=PAYLOADS[1],
        duties=PAYLOADS[2],
        tasks=[TaskSpec(name=payload, content=payload) for payload in PAYLOADS],
        indicators=_indicators(),
    )
    out = tmp_path / "标准.xlsx"
    fill(spec).save(out)
    assert_payloads_are_text(out)


def test_a_submitted_table_filled_into_the_standard_form_keeps_its_text(tmp_path):
    specs = load_specs(payload_workbook(tmp_path / "表.xlsx"), "project")
    for index, spec in enumerate(specs):
        out = tmp_path / f"标准{index}.xlsx"
        fill(spec).save(out)
        assert formulas(out) == []
    written = {i.name for spec in specs for i in spec.indicators}
    assert set(PAYLOADS) <= written  # all of them went through a filler


@pytest.mark.slow
def test_the_reviewers_scenario_on_the_command_line(tmp_path):
    """Issue 17: `perfgoals-xl fill --template project 表.xlsx` with `=HYPERLINK(…)` as a 三级 name."""
    src = payload_workbook(tmp_path / "表.xlsx")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "perfgoals_xl",
            "fill",
            "--template",
            "project",
            str(src),
            "-o",
            str(tmp_path / "标准.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    outputs = sorted(tmp_path.glob("标准*.xlsx"))
    assert len(outputs) == 2  # two project tables in the sample
    for out in outputs:
        assert formulas(out) == []
    assert_payloads_are_text(outputs[0], PAYLOADS[:7])  # the names of the first table
    assert_payloads_are_text(outputs[1], PAYLOADS[7:])


def test_a_json_data_file_with_payloads(tmp_path):
    data = tmp_path / "数据.json"
    data.write_text(
        json.dumps(
            {
                "table": {
                    "kind": "project",
                    "name": PAYLOADS[0],
                    "indicators": [i.model_dump() for i in _indicators()],
                }
            }
        ),
        encoding="utf-8",
    )
    (spec,) = load_specs(data, "project")
    out = tmp_path / "标准.xlsx"
    fill(spec).save(out)
    assert_payloads_are_text(out)
