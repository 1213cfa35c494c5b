"""The settings in force for a check and where they came from, said by every report: the text report's header,
the JSON report's `"settings"`, the 校验结果 summary line, the 设置 sheet in Excel.

`resolve` is how every host gets them: the lookup of config.py (none with `--isolated`), `--config`, the
command-line overrides — and, for a settings file found inside the checked tree (beside or below the paths
given; in Excel, beside the workbook), what it loosened compared with the settings above that tree
(loosening.py), so that a file sent in with the workbooks cannot switch rules off unseen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from perfgoals_xl.core.config import (
    PYPROJECT_NAME,
    ConfigError,
    apply_overrides,
    discover,
    home_config,
    load_settings,
    toml_value,
)
from perfgoals_xl.core.loosening import Loosening, loosening
from perfgoals_xl.core.models import SEVERITY_NAMES
from perfgoals_xl.core.settings import PROFILES, Settings, Thresholds

# found: by the lookup beside or above the workbook; home: ~/perfgoals.toml; config: --config;
# defaults: the lookup found nothing (or --isolated); given: handed in by the caller (the demo, tests)
Origin = Literal["found", "home", "config", "defaults", "given"]
CHECKED_TREE = "报送文件夹"  # the command line: what lies beside or below the paths given
BOOK_FOLDER = "工作簿所在文件夹"  # Excel: what lies beside the workbook


@dataclass(frozen=True)
class SettingsInForce:
    """The settings a workbook was checked with, where they came from and what a file in the tree loosened."""

    settings: Settings = field(default_factory=Settings)
    source: Path | None = None  # the settings file read, if any
    origin: Origin = "given"
    isolated: bool = False  # --isolated: no file was looked up
    overrides: tuple[tuple[str, Any], ...] = ()  # command-line settings given: (key, value)
    loosened: Loosening | None = None

    @property
    def warnings(self) -> list[str]:
        """Chinese warnings: a settings file in the checked tree that switched rules off or loosened them."""
        return [self.loosened.message] if self.loosened else []


def resolve(
    workbook: Path | None,
    *,
    config: Path | None = None,
    overrides: dict[str, Any] | None = None,
    isolated: bool = False,
    trees: Iterable[Path] = (),
    where: str = CHECKED_TREE,
) -> SettingsInForce:
    """The settings in force for `workbook`; a settings file found inside one of `trees` (folders) is compared
    with the settings above that tree. ConfigError when a file or an override is invalid."""
    settings, source = load_settings(workbook, config, overrides, isolated=isolated)
    given = tuple((k, v) for k, v in (overrides or {}).items() if v is not None and v != () and v != {})
    origin: Origin = "config" if config is not None else _origin(source)
    loosened = None
    root = _tree_of(source, trees) if origin == "found" and source is not None else None
    if root is not None and source is not None:
        loosened = loosening(source, settings, _baseline(root, overrides), where)
    return SettingsInForce(settings, source, origin, isolated, given, loosened)


def _origin(source: Path | None) -> Origin:
    if source is None:
        return "defaults"
    return "home" if source == home_config() else "found"


def _tree_of(source: Path, trees: Iterable[Path]) -> Path | None:
    """The checked folder the settings file lies in (beside or below a path given), if any."""
    folder = source.parent.resolve()
    return next((root for root in (t.resolve() for t in trees) if folder.is_relative_to(root)), None)


def _baseline(root: Path, overrides: dict[str, Any] | None) -> Settings:
    """What would apply without the files inside `root`: the lookup from above it (a broken file there, which
    is not the unit's, counts as the defaults here: the comparison then says more, never less)."""
    try:
        above = discover(root.parent) if root.parent != root else discover(None)
        settings, _ = load_settings(None, above, overrides) if above else load_settings(None, None, overrides)
    except ConfigError:
        settings = apply_overrides(Settings(), overrides) if overrides else Settings()
    return settings


# --- said in words ---------------------------------------------------------------------------------------------


def source_text(in_force: SettingsInForce) -> str:
    """Where the settings came from, in a few words: `配置文件“D:\\报送\\perfgoals.toml”`."""
    path = in_force.source
    isolated = "（--isolated：不查找设置文件）" if in_force.isolated else ""
    if path is None:
        if in_force.origin == "given":
            return "默认设置" if in_force.settings == Settings() else "调用方指定的设置"
        return f"默认设置{isolated or '（未找到设置文件）'}"
    named = f"“{path}”中的 [tool.perfgoals] 节" if path.name == PYPROJECT_NAME else f"配置文件“{path}”"
    if in_force.origin == "config":
        return f"--config 指定的{named}{isolated}"
    if in_force.origin == "home":
        return f"用户主文件夹中的{named}"
    return named


def settings_line(in_force: SettingsInForce) -> str:
    """One line for a report's header or the 校验结果 summary: `设置：配置文件“…”；口径 hunan-2026；不启用 V11`."""
    settings = in_force.settings
    parts = [source_text(in_force), f"口径 {settings.profile}"]
    if settings.select:
        parts.append(f"只启用 {'、'.join(settings.select)}")
    if settings.ignore:
        parts.append(f"不启用 {'、'.join(settings.ignore)}")
    if not settings.select and not settings.ignore:
        parts.append("全部规则")
    if settings.severity:
        parts.append("、".join(f"{r} 改为{SEVERITY_NAMES[s]}" for r, s in settings.severity.items()))
    if settings.strict:
        parts.append("严格模式")
    if settings.include_hidden:
        parts.append("也校验隐藏工作表")
    if settings.max_findings_per_rule != Settings().max_findings_per_rule:
        parts.append(f"每表每条规则最多列出 {settings.max_findings_per_rule} 处")
    if settings.results_order == "sheet":
        parts.append("校验结果按工作表顺序")
    changed = changed_thresholds(settings.thresholds)
    if changed:
        parts.append(f"阈值 {'；'.join(changed)}")
    if in_force.overrides:
        parts.append(f"命令行参数 {' '.join(option_text(k, v) for k, v in in_force.overrides)}")
    return "设置：" + "；".join(parts)


def describe(in_force: SettingsInForce) -> str:
    """A paragraph for the 设置 alert: where the settings come from and how they differ from the defaults."""
    settings = in_force.settings
    source = source_text(in_force)
    if in_force.source is None and in_force.origin == "defaults" and not in_force.isolated:
        source = "未找到设置文件（perfgoals.toml 或含 [tool.perfgoals] 的 pyproject.toml），使用默认设置"
    parts = [f"当前设置来自{source}（命令行参数优先）。" if in_force.source else f"{source}。"]
    parts.append(f"口径：{settings.profile}，{PROFILES[settings.profile]}。")
    parts.append(f"只启用：{'、'.join(settings.select)}。" if settings.select else "启用全部规则。")
    if settings.ignore:
        parts.append(f"不启用：{'、'.join(settings.ignore)}。")
    if settings.severity:
        changes = "、".join(f"{r} 改为{SEVERITY_NAMES[s]}" for r, s in settings.severity.items())
        parts.append(f"严重程度调整：{changes}。")
    if settings.strict:
        parts.append("严格模式：开启，实践类（P）规则的警告按错误报告。")
    if settings.include_hidden:
        parts.append("隐藏工作表：也校验。")
    if settings.max_findings_per_rule != Settings().max_findings_per_rule:
        parts.append(f"每张表每条规则最多逐条列出 {settings.max_findings_per_rule} 处问题。")
    if settings.results_order == "sheet":
        parts.append("“校验结果”表按工作表顺序排列（提示在最后）。")
    changed = changed_thresholds(settings.thresholds, long=True)
    parts.append(f"阈值调整：{'；'.join(changed)}。" if changed else "阈值均为默认值。")
    parts.extend(f"\n\n注意：{warning}。" for warning in in_force.warnings)
    return "".join(parts)


def settings_rows(in_force: SettingsInForce) -> list[list[object]]:
    """The 设置 sheet: a line saying where the settings come from, then 设置项 | 当前取值 | 默认值 per setting,
    and a 注意 row per warning."""
    settings, defaults = in_force.settings, Settings()
    rows: list[list[object]] = [[f"{settings_line(in_force)}"], ["设置项", "当前取值", "默认值"]]
    for name in (name for name in Settings.model_fields if name != "thresholds"):
        rows.append([name, toml_value(getattr(settings, name)), toml_value(getattr(defaults, name))])
    for name in Thresholds.model_fields:
        now, default = getattr(settings.thresholds, name), getattr(defaults.thresholds, name)
        rows.append([f"thresholds.{name}", toml_value(now), toml_value(default)])
    rows.extend(["注意", warning, ""] for warning in in_force.warnings)
    return rows


def changed_thresholds(thresholds: Thresholds, long: bool = False) -> list[str]:
    """`satisfaction_floor = 85（默认 80）` for each threshold that is not the default (`long`: with its label)."""
    defaults = Thresholds()
    changed = []
    for name, info in Thresholds.model_fields.items():
        value, default = getattr(thresholds, name), getattr(defaults, name)
        if value != default:
            label = (info.description or "").split("（")[0] + "，" if long else ""
            shown = f"共 {len(default)} 项" if isinstance(default, tuple) else toml_value(default)
            changed.append(f"{name} = {toml_value(value)}（{label}默认 {shown}）")
    return changed


def option_text(key: str, value: Any) -> str:
    """A command-line setting as typed: `--select V05,H`, `--strict`, `--no-include-hidden`."""
    option = "--" + key.replace("_", "-")
    if isinstance(value, bool):
        return option if value else option.replace("--", "--no-", 1)
    if isinstance(value, tuple | list):
        return f"{option} {','.join(value)}"
    if isinstance(value, dict):
        return f"{option} {toml_value(value)}"
    return f"{option} {value}"
