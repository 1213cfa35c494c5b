"""The rule catalog and the settings reference, rendered from the registry and the settings model.

`perfgoals-xl rules` prints `render_catalog("text")`; docs/rules.md is `render_catalog("markdown")` and the
settings table in docs/settings.md is `render_settings_reference()` (tests fail when either is stale).
Regenerate both: `python -m perfgoals_xl.core.catalog` (from the repository root).
"""

from __future__ import annotations

import re
import sys
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from perfgoals_xl.core.config import toml_value
from perfgoals_xl.core.models import SEVERITY_NAMES
from perfgoals_xl.core.rules import RULES, Rule
from perfgoals_xl.core.rules.registry import rule_key
from perfgoals_xl.core.settings import PROFILES, Settings, Thresholds
from perfgoals_xl.core.twins import SATISFACTION_LOW

FAMILY_NAMES = {"H": "层级与归类", "V": "指标值", "C": "金额与勾稽", "S": "结构与表头"}
EVIDENCE_NAMES = {"V": "公开文本可见", "K": "正式文件规定", "P": "实践做法"}
LABELS = {"原因": "reason", "错误示例": "bad", "正确示例": "good"}
REGENERATE_RULES = "perfgoals-xl rules --format markdown > docs/rules.md"
REGENERATE_ALL = "python -m perfgoals_xl.core.catalog"
SETTINGS_BEGIN = f"<!-- 以下由 `{REGENERATE_ALL}` 生成，请勿手工修改 -->"
SETTINGS_END = "<!-- 生成内容结束 -->"

# Top-level keys have no Field descriptions in the model; a description added there takes precedence.
KEY_NOTES = {
    "profile": "指标框架口径：`hunan-2026`、`mof-2021`、`legacy-2015`（见“口径”一节）",
    "select": '只启用这些规则或类别，如 `["V05", "H"]`；空列表 = 全部启用',
    "ignore": '不启用这些规则或类别，如 `["V11"]`',
    "severity": '按规则调整严重程度，如 `V06 = "error"`（`error`/`warning`/`info`；提示类结果仍为提示）',
    "strict": "为 true 时，实践类（P）规则的警告按错误报告",
    "include_hidden": "为 true 时也校验隐藏和深度隐藏的工作表；默认不校验，每张跳过的隐藏工作表以提示 S10 列出",
    "thresholds": "阈值与词表（见下表）",
}


@dataclass(frozen=True)
class RuleDoc:
    """A rule's docstring in its four parts (empty string when a part is missing)."""

    summary: str
    reason: str = ""
    bad: str = ""
    good: str = ""


def parse_doc(doc: str) -> RuleDoc:
    """Split a rule docstring: first paragraph = 说明; lines `原因：`/`错误示例：`/`正确示例：` (may wrap)."""
    parts: dict[str, list[str]] = {"summary": [], "reason": [], "bad": [], "good": []}
    current: str | None = "summary"
    for raw in doc.strip().splitlines():
        line = raw.strip()
        if not line:
            current = None  # a blank line ends a part; later free text adds to 说明
            continue
        label = re.match(r"^(原因|错误示例|正确示例)[：:]\s*", line)
        if label:
            current = LABELS[label[1]]
            line = line[label.end() :]
        elif current is None:
            current = "summary"
        parts[current].append(line)
    return RuleDoc(**{name: _join(lines) for name, lines in parts.items()})


def _join(lines: list[str]) -> str:
    """Join wrapped lines: a space only between two Latin letters or digits."""
    text = ""
    for line in lines:
        if not line:
            continue
        space = text and text[-1].isascii() and text[-1].isalnum() and line[0].isascii() and line[0].isalnum()
        text += (" " if space else "") + line
    return text


def families() -> dict[str, list[Rule]]:
    """Registered rules grouped by family in H, V, C, S order (other families after, empty ones omitted)."""
    order = list(FAMILY_NAMES)
    grouped: dict[str, list[Rule]] = {}
    for family in sorted(
        {r.family for r in RULES.values()},
        key=lambda f: (f not in order, order.index(f) if f in order else 0, f),
    ):
        grouped[family] = sorted(
            (r for r in RULES.values() if r.family == family), key=lambda r: rule_key(r.id)
        )
    return grouped


# 表内检查: what the standard forms check of each rule by themselves (perfgoals_xl.core.twins), or why not
SUMMARIES = {
    "H08": "有指标值而三级指标名称为空，名称以“是否”开头，或照抄一级、二级指标名、项目（部门）名称：三级指标格标黄。",
    "V01": "指标值是数字而指标值类型为空：指标值类型格标红。",
    "V02": "指标值是数字而度量单位为空或“无”：度量单位格标红；指标值类型为 ≥ ≤ = > < 而指标值为空：指标值格标红。",
    "V03": "指标值类型为“定性”而度量单位写了单位：度量单位格标红；“定性”而指标值为空：指标值格标黄。",
    "V04": "度量单位为 %（或“百分比”，或指标值设为百分比格式）而指标值小于 0 或大于 100：指标值格标红。",
    "V05": "度量单位为人、次、个、件、项等计数单位而指标值不是整数：指标值格标红。",
    "V06": f"名称含“满意”（不含“不满意”）的行：指标值类型为 ≤、< 标红，为 = 标黄；指标值为定性、单位不是 %、"
    f"低于 {SATISFACTION_LOW:g} 或达到 100 标黄（按默认阈值）。",
    "V07": "经济、社会、生态环境成本指标下的行：指标值类型为 ≥、> 标红；货币单位的成本用 =、或有数值未选类型标黄。",
    "V13": "指标值类型为“定性”而指标值是数字（没有单位）：指标值格标红。",
    "S05": "三级指标名称与上面某一行完全相同：三级指标格标黄。",
    "C01": "项目表：经济成本指标下以元、万元等计的指标值（按金额单位换算）合计超过年度预算：预算金额格标红。",
    "C04": "部门表：资金总额不等于一般公共预算、政府性基金预算、财政专户管理资金、其他资金之和：资金总额格标红。",
    "C05": "部门表：资金总额不等于基本支出与项目支出之和：资金总额格标红。",
}
NO_TWIN = {  # why a rule has no twin → its ids
    "表中的下拉列表已限定一级、二级指标（二级随一级变化）；粘贴进来的近义写法要经规范化才能判断": ("H01", "H02"),
    "要理解名称或文字的意思（词表、近义词、整句），单元格公式只能逐字比较": (
        "H05", "H06", "H07", "H10", "H11", "V08", "V09", "V10", "V11", "V14",
        "S04", "S06", "S08", "C02", "C10", "C11",
    ),
    "要看整张表或整个工作簿（指标框架、年度、实施期、各项目表之和）": ("H03", "S03", "S07", "C06"),
    "空白表本来就缺这些内容，边填边标会从头标到尾；交表前由完整校验检查": ("H04", "S01", "S02"),
    "标准表没有这些栏目（资金来源、支出明细、权重）": ("C03", "C07", "C09"),
    "标准表的行列、金额单位和拆开的指标值是固定的，不会出现这些问题": ("H09", "V12", "S09", "S10", "C08"),
}  # fmt: skip


def twin_text(rule_id: str) -> str:
    """What the standard forms check of this rule by themselves (表内检查), or why they cannot."""
    if rule_id in SUMMARIES:
        return SUMMARIES[rule_id]
    reason = next((why for why, ids in NO_TWIN.items() if rule_id in ids), "")
    return f"无（{reason}）。" if reason else "无。"


def _reads(current: Rule) -> list[str]:
    return [f"thresholds.{name}" if name in Thresholds.model_fields else name for name in current.reads]


def render_catalog(fmt: str = "text") -> str:
    """The rule catalog as plain text (`text`) or as the content of docs/rules.md (`markdown`)."""
    if fmt == "text":
        return _catalog_text()
    if fmt == "markdown":
        return _catalog_markdown()
    raise ValueError(f"unknown format {fmt!r}")


def _catalog_text() -> str:
    lines = [f"perfgoals-xl 规则目录（共 {len(RULES)} 条）"]
    for family, rules in families().items():
        heading = f"{family} {FAMILY_NAMES.get(family, '')}".rstrip()
        lines += ["", heading, "─" * 40]
        for current in rules:
            doc = parse_doc(current.doc)
            severity = SEVERITY_NAMES[current.severity]
            lines.append(f"{current.id}  [{severity}] [{current.evidence}]  {current.title}")
            for label, text in (
                ("说明", doc.summary),
                ("原因", doc.reason),
                ("错误示例", doc.bad),
                ("正确示例", doc.good),
                ("读取设置", "、".join(_reads(current))),
                ("出处", current.source),
                ("表内检查", twin_text(current.id)),
                ("代码", f"{current.location}；用例：tests/rule_cases/{current.id}.toml"),
            ):
                if text:
                    lines.append(f"    {label}：{text}")
            lines.append("")
        if lines[-1] == "":
            lines.pop()
    evidence = "；".join(f"{tag} {name}" for tag, name in EVIDENCE_NAMES.items())
    lines += ["", f"依据标记：{evidence}。"]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _catalog_markdown() -> str:
    evidence = "、".join(f"`{tag}` {name}" for tag, name in EVIDENCE_NAMES.items())
    lines = [
        "# 规则目录",
        "",
        f"<!-- 本文件由 `{REGENERATE_RULES}` 生成，请勿手工修改。 -->",
        "",
        f"共 {len(RULES)} 条规则。严重程度：错误（必须修改）、警告（可能有误或不够规范）、提示（规范化说明）。"
        "出处代码（F101、ZF34 …）与依据标记的含义见 `docs/glossary.md`。"
        f"依据标记：{evidence}；设置 `strict = true` 后，实践类（`P`）规则的警告按错误报告。"
        "启用、停用规则和调整严重程度、阈值见 [settings.md](settings.md)。",
        "",
        "“表内检查”一栏：标准模板（及 `fill`、新建项目表/部门表、规范为标准模板生成的表）自带的同名检查——"
        "条件格式和输入提示，在 Excel、WPS、LibreOffice 中边填边标色，不需要本程序；"
        "它只判断单元格公式能判断的情形，以完整校验为准。",
        "",
        "| 编号 | 规则 | 严重程度 | 依据 | 表内检查 |",
        "|---|---|---|---|---|",
    ]
    grouped = families()
    for rules in grouped.values():
        for current in rules:
            lines.append(
                f"| [{current.id}](#{current.id.lower()}) | {_cell(current.title)} "
                f"| {SEVERITY_NAMES[current.severity]} | {current.evidence} "
                f"| {'有' if current.id in SUMMARIES else '—'} |"
            )
    for family, rules in grouped.items():
        lines += ["", f"## {family} {FAMILY_NAMES.get(family, '')}".rstrip()]
        for current in rules:
            doc = parse_doc(current.doc)
            meta = [
                f"严重程度：{SEVERITY_NAMES[current.severity]}",
                f"依据：{current.evidence}（{EVIDENCE_NAMES.get(current.evidence, '')}）",
            ]
            if current.source:
                meta.append(f"出处：{current.source}")
            if current.reads:
                meta.append("读取设置：" + "、".join(f"`{name}`" for name in _reads(current)))
            meta.append(f"代码：`{current.location}` · 用例：`tests/rule_cases/{current.id}.toml`")
            lines += ["", f'<a id="{current.id.lower()}"></a>', "", f"### {current.id} {current.title}", ""]
            lines.append(" · ".join(meta))
            for label, text in (
                ("说明", doc.summary),
                ("原因", doc.reason),
                ("错误示例", doc.bad),
                ("正确示例", doc.good),
                ("表内检查", twin_text(current.id)),
            ):
                if text:
                    lines += ["", f"**{label}**：{text}"]
    return "\n".join(lines)


def catalog_entries() -> list[dict[str, str]]:
    """Every rule as plain data (for the web pages' embedded catalog), in the order of docs/rules.md."""
    entries = []
    for family, rules in families().items():
        for current in rules:
            doc = parse_doc(current.doc)
            entries.append(
                {
                    "id": current.id,
                    "title": current.title,
                    "severity": current.severity,
                    "family": family,
                    "family_title": f"{family} {FAMILY_NAMES.get(family, '')}".rstrip(),
                    "summary": doc.summary,
                    "reason": doc.reason,
                    "bad": doc.bad,
                    "good": doc.good,
                    "source": current.source or "",
                }
            )
    return entries


def render_settings_reference() -> str:
    """The generated part of docs/settings.md: every key with its type, default and meaning."""
    lines = ["| 设置项 | 类型 | 默认值 | 说明 |", "|---|---|---|---|"]
    lines += _field_rows(Settings, "", KEY_NOTES)
    lines += ["", "`[thresholds]` 表中的阈值与词表：", ""]
    lines += ["| 设置项 | 类型 | 默认值 | 说明 |", "|---|---|---|---|"]
    lines += _field_rows(Thresholds, "thresholds.", {})
    lines += ["", "口径（`profile`）：", ""]
    lines += [f"- `{name}`：{description}" for name, description in PROFILES.items()]
    return "\n".join(lines)


def _field_rows(model: type[BaseModel], prefix: str, notes: dict[str, str]) -> list[str]:
    rows = []
    for name, field in model.model_fields.items():
        meaning = field.description or notes.get(name, "（无说明）")
        default = "见下表" if isinstance(field.default, BaseModel) else f"`{toml_value(field.default)}`"
        rows.append(f"| `{prefix}{name}` | {_type_name(field.annotation)} | {default} | {_cell(meaning)} |")
    return rows


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if annotation is bool:
        return "true/false"
    if annotation is int:
        return "整数"
    if annotation is float:
        return "数"
    if annotation is str or origin is typing.Literal:
        return "文字"
    if origin in (tuple, list):
        return "文字列表"
    if origin is dict or (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        return "表"
    if origin in (typing.Union, types.UnionType):
        return " 或 ".join(_type_name(arg) for arg in typing.get_args(annotation))
    return str(annotation)


def replace_generated(document: str, generated: str) -> str:
    """`document` with the text between the SETTINGS_BEGIN/SETTINGS_END markers replaced by `generated`."""
    start, end = document.index(SETTINGS_BEGIN) + len(SETTINGS_BEGIN), document.index(SETTINGS_END)
    return f"{document[:start]}\n\n{generated}\n\n{document[end:]}"


def write_docs(docs: Path) -> None:
    """Regenerate docs/rules.md and the generated part of docs/settings.md."""
    (docs / "rules.md").write_text(render_catalog("markdown") + "\n", encoding="utf-8", newline="\n")
    settings = docs / "settings.md"
    settings.write_text(
        replace_generated(settings.read_text(encoding="utf-8"), render_settings_reference()),
        encoding="utf-8",
        newline="\n",
    )


if __name__ == "__main__":
    write_docs(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
