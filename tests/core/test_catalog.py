"""The rule catalog and settings reference: generated from the registry and the model, docs kept in sync."""

from __future__ import annotations

import re
import tomllib

import pytest
from click.testing import CliRunner
from conftest import ROOT

from perfgoals_xl.cli.main import main
from perfgoals_xl.core.catalog import (
    FAMILY_NAMES,
    REGENERATE_ALL,
    REGENERATE_RULES,
    SETTINGS_BEGIN,
    SETTINGS_END,
    parse_doc,
    render_catalog,
    render_settings_reference,
)
from perfgoals_xl.core.config import validate
from perfgoals_xl.core.rules import RULES

DOCS = ROOT / "docs"


def test_rules_md_is_generated_from_the_registry():
    written = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert written == render_catalog("markdown") + "\n", (
        f"docs/rules.md 已过期，请重新生成：{REGENERATE_RULES}（或 {REGENERATE_ALL}）"
    )
    # facts that hold whatever the generator does: 46 rules (H01–H11, V01–V14, C01–C11, S01–S10), V05's page
    assert len(re.findall(r"^### [HVCS]\d\d ", written, flags=re.M)) == 46
    assert "### V05 计数单位的指标值须为整数" in written and "采纳数 ≥ 0.5 条" in written


def test_settings_md_reference_is_generated_from_the_model():
    written = (DOCS / "settings.md").read_text(encoding="utf-8")
    start, end = written.index(SETTINGS_BEGIN) + len(SETTINGS_BEGIN), written.index(SETTINGS_END)
    assert written[start:end].strip() == render_settings_reference(), (
        f"docs/settings.md 的设置项表已过期，请重新生成：{REGENERATE_ALL}"
    )
    assert "（无说明）" not in render_settings_reference(), "settings.py 中有设置项缺少说明"
    assert "| `thresholds.satisfaction_floor` | 数 | `80` |" in written  # the documented default


def test_settings_md_examples_are_valid_settings():
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 2
    validate(tomllib.loads(blocks[0]), "docs/settings.md 示例")
    validate(tomllib.loads(blocks[1])["tool"]["perfgoals"], "docs/settings.md 示例", "tool.perfgoals")


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_documents_a_bad_and_a_good_example(rule_id):
    doc = parse_doc(RULES[rule_id].doc)
    assert doc.summary, f"{rule_id} 的文档字符串缺少说明（第一段）"
    assert doc.bad, f"{rule_id} 的文档字符串缺少“错误示例：”"
    assert doc.good, f"{rule_id} 的文档字符串缺少“正确示例：”"


def test_parse_doc_parts_wrapping_and_missing_reason():
    doc = parse_doc(
        """计量单位是 人、次 等计数单位时，
        指标值须为整数。

        错误示例：采纳数 ≥ 0.5 条，
            或 ≥ 1.5 人。
        正确示例：采纳数 ≥ 1 条。
        """
    )
    assert doc.summary == "计量单位是 人、次 等计数单位时，指标值须为整数。"
    assert doc.reason == ""
    assert doc.bad == "采纳数 ≥ 0.5 条，或 ≥ 1.5 人。"
    assert doc.good == "采纳数 ≥ 1 条。"
    full = parse_doc("说明。\n\n原因：因为 money tolerance\nis small.\n错误示例：甲\n正确示例：乙")
    assert (full.reason, full.bad, full.good) == ("因为 money tolerance is small.", "甲", "乙")


def test_text_catalog_lists_every_rule_under_its_family():
    text = render_catalog("text")
    for family, name in FAMILY_NAMES.items():
        if any(r.family == family for r in RULES.values()):
            assert f"\n{family} {name}\n" in text
    v05 = text[text.index("V05  ") :].split("\n\n")[0]
    assert "[错误]" in v05 and "计数单位的指标值须为整数" in v05
    assert "错误示例：" in v05 and "正确示例：" in v05
    assert all(f"{rule_id}  [" in text for rule_id in RULES)


def test_markdown_catalog_has_summary_table_and_a_section_per_rule():
    markdown = render_catalog("markdown")
    assert "### V05 计数单位的指标值须为整数" in markdown
    assert "| [V05](#v05) | 计数单位的指标值须为整数 | 错误 |" in markdown
    for rule_id, current in RULES.items():
        assert f"### {rule_id} {current.title}" in markdown
    if any(current.reads for current in RULES.values()):
        assert "读取设置：`thresholds." in markdown


def test_rules_command_prints_the_catalog():
    runner = CliRunner()
    text = runner.invoke(main, ["rules"])
    assert text.exit_code == 0 and text.output == render_catalog("text") + "\n"
    assert "V05" in text.output and "计数单位的指标值须为整数" in text.output
    markdown = runner.invoke(main, ["rules", "--format", "markdown"])
    assert markdown.exit_code == 0 and markdown.output == render_catalog("markdown") + "\n"
    assert markdown.output == (DOCS / "rules.md").read_text(encoding="utf-8")  # the committed page
