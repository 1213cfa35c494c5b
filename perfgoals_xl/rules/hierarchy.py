"""H rules: indicator hierarchy and placement (一级/二级/三级)."""

from __future__ import annotations

from collections.abc import Iterator

from perfgoals_xl.models import Field, Table
from perfgoals_xl.rules.registry import Hit, distinct_labels, rule
from perfgoals_xl.settings import Settings
from perfgoals_xl.vocab import HIERARCHY, LEVEL1, clean


def _normalised(label: Field, level: str) -> Hit | None:
    """An info hit when a label was read as a different canonical name (`满意度` → 满意度指标)."""
    if label.value is not None and clean(label.text) != label.value:
        return Hit(label.at, f"{level}“{label.text}”按“{label.value}”识别（{label.cell}）", "info")
    return None


@rule("H01", "error", "一级指标只能是产出、效益、满意度、成本四类")
def level1_known(table: Table, settings: Settings) -> Iterator[Hit]:
    """每个一级指标（规范化后）须为 产出指标、效益指标、满意度指标、成本指标 之一。

    错误示例：一级指标写作“工作指标”。
    正确示例：一级指标写作“产出指标”（“满意度”按“满意度指标”识别）。
    """
    for label in distinct_labels(table, "level1"):
        if label.value is None:
            names = "、".join(LEVEL1)
            yield Hit(label.at, f"一级指标“{label.text}”无法识别，应为{names}之一（{label.cell}）")
        elif hit := _normalised(label, "一级指标"):
            yield hit


@rule("H02", "error", "二级指标须属于其一级指标的法定子类")
def level2_allowed(table: Table, settings: Settings) -> Iterator[Hit]:
    """二级指标须是其（向下延续的）一级指标允许的子类，例如 数量指标 只能在 产出指标 下。

    错误示例：一级“效益指标”下的二级写作“数量指标”。
    正确示例：一级“产出指标”下的二级“数量指标”；“经济效益”按“经济效益指标”识别。
    """
    for label in distinct_labels(table, "level2"):
        if label.value is None:
            yield Hit(label.at, f"二级指标“{label.text}”无法识别（{label.cell}）")
        elif hit := _normalised(label, "二级指标"):
            yield hit
    reported = set()
    for indicator in table.indicators:
        level1, level2 = indicator.level1, indicator.level2
        if level2 is None:
            if indicator.is_filled and indicator.name is not None and level1 is not None:
                yield Hit(
                    indicator.name.at, f"三级指标“{indicator.name.text}”缺少二级指标（{indicator.name.cell}）"
                )
            continue
        if level1 is None or level1.value is None or level2.value is None or level2.at in reported:
            continue
        if level2.value not in HIERARCHY[str(level1.value)]:
            reported.add(level2.at)
            yield Hit(level2.at, _misplaced(level2, str(level1.value)))


def _misplaced(level2: Field, level1: str) -> str:
    homes = [name for name, children in HIERARCHY.items() if level2.value in children]
    where = f"，应放在“{'”或“'.join(homes)}”下" if homes else ""
    return f"二级指标“{level2.text}”不属于一级指标“{level1}”{where}（{level2.cell}）"
