"""What a settings file loosened compared with the settings that would apply without it: rules switched off,
severities lowered, thresholds loosened, another profile, hidden sheets no longer checked, fewer findings listed.

A reviewer checks files sent in by units; a `perfgoals.toml` among them is data like the workbooks, and one
that makes a table pass must be named (issue 17). The comparison is with the settings the lookup finds above
the checked tree (the reviewer's own file, `~/perfgoals.toml` or the defaults), command-line flags applied to
both, so only what the file itself changed is said.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from perfgoals_xl.core.models import SEVERITY_NAMES
from perfgoals_xl.core.rules import RULES, adjusted_severity
from perfgoals_xl.core.rules.registry import FAMILIES
from perfgoals_xl.core.settings import Settings, Thresholds

Looser = Literal["higher", "lower", "fewer", "min_chars"]
# how each threshold loosens the check: a higher tolerance, a lower floor, fewer vague words …
THRESHOLD_LOOSER: dict[str, Looser] = {
    "money_tolerance": "higher",
    "satisfaction_floor": "lower",
    "satisfaction_warn_below": "lower",
    "goal_min_chars": "min_chars",  # 0 warns about every goal; N only about goals shorter than N
    "vague_values": "fewer",
    "vague_name_words": "fewer",
    "vague_name_starts": "fewer",
    "boilerplate_min_rows": "higher",
}
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
MAX_LISTED = 12  # rule codes named in a message before “等”


@dataclass(frozen=True)
class Loosening:
    """What the settings file at `path` switched off or loosened (each part empty when it did not)."""

    path: Path
    where: str  # where the file lies, as the message says it: 报送文件夹, 工作簿所在文件夹
    rules_off: tuple[str, ...] = ()
    lowered: tuple[tuple[str, str, str], ...] = ()  # (rule, severity before, after)
    thresholds: tuple[str, ...] = ()  # `satisfaction_floor 80 → 0`
    profile: tuple[str, str] | None = None  # (before, after)
    hidden_skipped: bool = False  # hidden sheets were checked without the file, and are not with it
    listed: tuple[int, int] | None = None  # findings listed (and marked) per rule and table: (before, after)

    @property
    def message(self) -> str:
        """「报送文件夹中的设置文件“X”关闭了 N 条规则（…），…」 — one Chinese sentence."""
        parts = []
        if self.rules_off:
            parts.append(f"关闭了 {len(self.rules_off)} 条规则（{rule_list(self.rules_off)}）")
        if self.lowered:
            shown = [f"{rule} {SEVERITY_NAMES[old]}→{SEVERITY_NAMES[new]}" for rule, old, new in self.lowered]
            parts.append(f"调低了 {len(self.lowered)} 条规则的严重程度（{_listed(shown)}）")
        if self.thresholds:
            parts.append(f"放宽了阈值（{'；'.join(self.thresholds)}）")
        if self.profile:
            parts.append(f"把口径从 {self.profile[0]} 改为 {self.profile[1]}")
        if self.hidden_skipped:
            parts.append("不再校验隐藏工作表")
        if self.listed:
            parts.append(
                f"把每张表每条规则逐条列出（并标色、加批注）的问题数从 {self.listed[0]} 减为 {self.listed[1]}"
            )
        return f"{self.where}中的设置文件“{self.path}”{'，'.join(parts)}"


def loosening(path: Path, settings: Settings, baseline: Settings, where: str) -> Loosening | None:
    """What `settings` (read from `path`) loosened compared with `baseline`; None when nothing."""
    found = Loosening(
        path=path,
        where=where,
        rules_off=tuple(r for r in RULES if baseline.enabled(r) and not settings.enabled(r)),
        lowered=_lowered(settings, baseline),
        thresholds=_loosened_thresholds(settings.thresholds, baseline.thresholds),
        profile=(baseline.profile, settings.profile) if settings.profile != baseline.profile else None,
        hidden_skipped=baseline.include_hidden and not settings.include_hidden,
        listed=(baseline.max_findings_per_rule, settings.max_findings_per_rule)
        if settings.max_findings_per_rule < baseline.max_findings_per_rule
        else None,
    )
    loosened = (
        found.rules_off
        or found.lowered
        or found.thresholds
        or found.profile
        or found.hidden_skipped
        or found.listed
    )
    return found if loosened else None


def rule_list(codes: tuple[str, ...]) -> str:
    """`H、V 类全部，C04、S01` — whole families by their letter, then single rules, at most MAX_LISTED."""
    if set(codes) == set(RULES):
        return "全部规则"
    whole = [f for f in FAMILIES if all(r in codes for r in RULES if r.startswith(f))]
    rest = [r for r in codes if r[0] not in whole]
    return _listed((["、".join(whole) + " 类全部"] if whole else []) + rest)


def _listed(items: list[str]) -> str:
    """At most MAX_LISTED items joined with 、, then 等."""
    return "、".join(items[:MAX_LISTED]) + ("等" if len(items) > MAX_LISTED else "")


def _lowered(settings: Settings, baseline: Settings) -> tuple[tuple[str, str, str], ...]:
    lowered = []
    for rule_id, rule in RULES.items():
        if not (settings.enabled(rule_id) and baseline.enabled(rule_id)):
            continue
        before, after = adjusted_severity(rule, baseline), adjusted_severity(rule, settings)
        if SEVERITY_RANK[after] < SEVERITY_RANK[before]:
            lowered.append((rule_id, before, after))
    return tuple(lowered)


def _loosened_thresholds(thresholds: Thresholds, baseline: Thresholds) -> tuple[str, ...]:
    found = []
    for name, how in THRESHOLD_LOOSER.items():
        now, before = getattr(thresholds, name), getattr(baseline, name)
        if how == "fewer":
            dropped = [word for word in before if word not in now]
            if dropped:
                found.append(f"{name} 删去 {_listed(dropped)}")
        elif _looser(how, now, before):
            found.append(f"{name} {_number(before)} → {_number(now)}")
    return tuple(found)


def _looser(how: Looser, now: float, before: float) -> bool:
    if how == "higher":
        return now > before
    if how == "lower":
        return now < before
    return now > 0 and (before == 0 or now < before)  # min_chars: from "every goal" to "short ones only"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
