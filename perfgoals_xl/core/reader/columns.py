"""The header row of an indicator block: which column holds what, in every layout family seen in real tables.

- the standard forms: 一级 | 二级 | 三级 | 指标值 | 度量单位 | 指标值类型 … in any order;
- flat lists without 一级/二级 (指标名称 | 权重 | 计量单位 | 指标性质 | 指标值, 重庆 整体绩效目标表);
- repeated roles = side-by-side column groups: 中期 ‖ 年度 (二级 | 三级 | 指标值 twice, 一级 shared), or two
  value columns 长期指标值 | 年度指标值;
- a value header spanning a second header row of sub-captions: one target column per county (区域目标值), or
  graded standards 优 | 良 | 中 | 差 (text, never targets);
- 一体化 exports with the project's own columns (项目名称 | 预算数 | 年度目标) on every row;
- the 批复表 tree: 项目 | 指标值 | 绩效金额, levels told apart by the vocabulary, not by a column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from perfgoals_xl.core.grid import CellValue, Grid
from perfgoals_xl.core.models import ANNUAL, MEDIUM_TERM
from perfgoals_xl.core.reader.labels import EXPORT_ROLES, label_key, match_column_role, period_of
from perfgoals_xl.core.vocab import canonical_level1, canonical_level2, clean

LEVEL_ROLES = ("level1", "level2", "name")
DETAIL_ROLES = ("unit", "operator", "weight", "explanation", "level1", "level2")
_BLOCK_ROLES = frozenset((*LEVEL_ROLES, "value"))  # a row with none of these is no part of a header
MAX_CAPTION = 12  # a sub-caption (新罗区, 优) is short


def header_columns(
    grid: Grid, row: int, cells: list[tuple[int, CellValue]] | None = None
) -> dict[str, int] | None:
    """Column roles (first occurrence each) when `row` (its `cells`, when at hand) is an indicator header
    row, else None. The labels merged down into the row from the row above count as the row's own (a two-row
    header: 绩效指标 spanning 一级 | 二级 | 三级 below it, 指标值 and 度量单位 merged over both rows)."""
    cells = grid.row_values(row) if cells is None else cells
    roles = _roles(cells)
    if _is_indicator_header(roles):
        return roles
    if roles.keys().isdisjoint(_BLOCK_ROLES):
        return None  # no indicator column label at all (a head row: 项目名称 | 年度预算 …)
    if _is_indicator_header(_roles(grid.row_values(row - 1))):
        return None  # under a header of its own the row is its sub-captions (优 | 良 | 中 | 差)
    roles = _roles(_header_cells(grid, row, cells))
    return roles if _is_indicator_header(roles) else None


def _roles(cells: list[tuple[int, CellValue]]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for col, value in cells:
        role = match_column_role(value)
        if role and role not in roles:
            roles[role] = col
    return roles


def _header_cells(grid: Grid, row: int, cells: list[tuple[int, CellValue]]) -> list[tuple[int, CellValue]]:
    """The row's cells, with the cells of the row above merged down into it, left to right."""
    return sorted([*cells, *_merged_down(grid, row, {col for col, _ in cells})], key=lambda cell: cell[0])


def _merged_down(grid: Grid, row: int, taken: set[int]) -> list[tuple[int, CellValue]]:
    found = []
    for col, value in grid.row_values(row - 1) if row > grid.first_row else ():
        merged = grid.merge_at(row, col)
        if col not in taken and merged is not None and merged.top == row - 1 and merged.left == col:
            found.append((col, value))
    return found


def _header_source(grid: Grid, row: int) -> tuple[int, list[tuple[int, CellValue]]]:
    """The first row of the header at `row` and its cells (with those merged down from the row above)."""
    own = grid.row_values(row)
    if _is_indicator_header(_roles(own)):
        return row, own
    cells = _header_cells(grid, row, own)
    return (row - 1, cells) if len(cells) > len(own) else (row, own)


def _is_indicator_header(roles: dict[str, int]) -> bool:
    levels = sum(role in roles for role in LEVEL_ROLES)
    if levels >= 2 and ("value" in roles or "operator" in roles):
        return True
    if "name" in roles and "value" in roles and any(role in roles for role in DETAIL_ROLES):
        return True  # 指标名称 | 权重 | 计量单位 | 指标性质 | 指标值: a flat list
    return "item" in roles and "value" in roles and not levels  # 项目 | 指标值 | 绩效金额: the tree


@dataclass(frozen=True)
class Group:
    """One column group: its roles (shared ones inherited) and its period (中期/年度) or county."""

    columns: dict[str, int]
    period: str | None = None


@dataclass(frozen=True)
class Layout:
    """How an indicator block is laid out."""

    header_row: int
    groups: tuple[Group, ...]
    label_column: int | None = None
    subheader_row: int | None = None
    text_columns: frozenset[int] = frozenset()  # graded standards: read as text, not as targets
    form: str | None = None  # "flat", "tree", "export" (None: the standard form)
    level_names_in: str | None = None  # "name": the 三级 column holds 二级 names (指标类型 | 指标名称 forms)
    extra: dict[str, int] = field(default_factory=dict)  # the export's project columns, the tree's 绩效金额
    repeats: frozenset[int] = frozenset()  # the header row written again inside the block (a page break)
    top_row: int | None = None  # the upper row of a two-row header (labels merged down from it)

    @property
    def columns(self) -> dict[str, int]:
        return self.groups[0].columns

    @property
    def first_row(self) -> int:
        return (self.subheader_row or self.header_row) + 1


def block_layout(grid: Grid, header_row: int, last_row: int, repeats: frozenset[int] = frozenset()) -> Layout:
    """The layout of the block whose header is `header_row` (rows up to `last_row` are its body, but for the
    header written again on the rows `repeats`)."""
    top, source = _header_source(grid, header_row)
    cells = [(col, value, match_column_role(value)) for col, value in source]
    roles = [(col, value, role) for col, value, role in cells if role]
    extra = {role: col for col, _, role in roles if role in (*EXPORT_ROLES, "item", "amount")}
    groups = _groups([(c, v, r) for c, v, r in roles if r not in extra])
    spans = _spans(grid, header_row, [col for col, _, _ in cells])
    subheader, groups, text_columns = _subheader(grid, header_row, last_row, groups, spans, cells)
    columns = groups[0].columns
    tree = "item" in extra and "value" in columns  # a 项目 column beside 三级指标 but no 指标值 is no tree
    form = "tree" if tree else "export" if "project" in extra else None
    if form is None and not any(role in columns for role in ("level1", "level2")):
        form = "flat"
    label_column = _label_column(grid, header_row, cells)
    if len(groups) == 1 and label_column is not None:  # stacked blocks: 中期绩效指标 above 年度绩效指标
        groups = [Group(groups[0].columns, period_of(grid.value(header_row, label_column)))]
    layout = Layout(
        header_row=header_row,
        groups=tuple(groups),
        label_column=label_column,
        subheader_row=subheader,
        text_columns=text_columns,
        form=form,
        extra=extra,
        repeats=repeats,
        top_row=top if top != header_row else None,
    )
    return _infer_levels(grid, layout, last_row)


def _groups(roles: list[tuple[int, object, str]]) -> list[Group]:
    """Split the header at the first repeated role; later groups inherit the roles they do not repeat."""
    found: list[dict[str, int]] = [{}]
    texts: list[object] = [None]
    for col, value, role in roles:
        if role in found[-1]:
            found.append({})
            texts.append(None)
        found[-1][role] = col
        if role == "value":
            texts[-1] = value
    periods = [period_of(text) for text in texts]
    if len(found) == 2 and periods == [None, None]:
        periods = [MEDIUM_TERM, ANNUAL]  # 88号: the 中期 group comes first
    elif len(found) == 2 and None in periods:
        known = next(p for p in periods if p)
        periods = [p or (ANNUAL if known == MEDIUM_TERM else MEDIUM_TERM) for p in periods]
    first = found[0]
    return [
        Group(
            columns=columns if index == 0 else {**first, **columns},
            period=periods[index] if len(found) > 1 else None,
        )
        for index, columns in enumerate(found)
    ]


def _spans(grid: Grid, row: int, cols: list[int]) -> dict[int, tuple[int, int]]:
    """Each header cell's columns: its merge, else up to the next header cell (or the band's edge)."""
    spans = {}
    for index, col in enumerate(cols):
        merged = grid.merge_at(row, col)
        if merged is not None and merged.left == col:
            spans[col] = (col, merged.right)
        else:
            following = cols[index + 1] if index + 1 < len(cols) else grid.last_col + 1
            spans[col] = (col, following - 1)
    return spans


def _subheader(
    grid: Grid,
    header_row: int,
    last_row: int,
    groups: list[Group],
    spans: dict[int, tuple[int, int]],
    cells: list[tuple[int, object, str | None]],
) -> tuple[int | None, list[Group], frozenset[int]]:
    """A second header row of sub-captions under a spanning header cell: counties under 区域目标值 become
    value columns of their own; 优/良/中/差 under 评分标准 are text columns."""
    row = header_row + 1
    below = grid.row_values(row) if row <= last_row else []
    wide = {col: span for col, span in spans.items() if span[1] > span[0]}
    if len(below) < 2 or not wide:
        return None, groups, frozenset()
    level_cols = {groups[0].columns.get(r) for r in LEVEL_ROLES}
    owner: dict[int, int] = {}
    for col, value in below:
        header = next((h for h, (a, b) in wide.items() if a <= col <= b), None)
        key = label_key(value)
        if header is None or col in level_cols or not key or len(key) > MAX_CAPTION or _is_number(value):
            return None, groups, frozenset()
        owner[col] = header
    role_of = {col: role for col, _, role in cells}
    text_columns: set[int] = set()
    added: list[Group] = []
    for header in dict.fromkeys(owner.values()):
        captions = [(col, value) for col, value in below if owner[col] == header]
        if role_of.get(header) == "value":
            base = next(g for g in groups if g.columns.get("value") == header)
            added += [Group({**base.columns, "value": col}, period=clean(value)) for col, value in captions]
            groups = [g for g in groups if g is not base]
        else:
            text_columns.update(range(spans[header][0], spans[header][1] + 1))
    return row, [*groups, *added] if added else groups, frozenset(text_columns)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _label_column(grid: Grid, row: int, cells: list[tuple[int, object, str | None]]) -> int | None:
    """The 本年度绩效指标 column left of the role columns, when the layout has one."""
    first = min((col for col, _, role in cells if role), default=None)
    for col, value, role in cells:
        if first is not None and col < first and role is None and "绩效指标" in clean(value):
            return col
    return None


def _infer_levels(grid: Grid, layout: Layout, last_row: int) -> Layout:
    """Columns whose header the vocabulary does not know, or a 三级 column, that hold 一级/二级 names."""
    columns = layout.columns
    name_col = columns.get("name")
    if (
        name_col is not None
        and "level2" not in columns
        and _share(grid, layout, last_row, name_col, 2) >= 0.6
    ):
        groups = tuple(
            Group(
                {**{k: v for k, v in g.columns.items() if k != "name"}, "level2": g.columns["name"]}, g.period
            )
            if "name" in g.columns
            else g
            for g in layout.groups
        )
        form = layout.form if "level1" in columns else "flat"
        return _replace(layout, groups=groups, level_names_in="name", form=form)
    known = set(columns.values()) | set(layout.extra.values()) | layout.text_columns
    right = min((col for role, col in columns.items() if role in ("name", "value")), default=None)
    if right is None or layout.form == "tree":
        return layout
    found: dict[str, int] = {}
    for col in range(grid.first_col, right):
        if col in known or col == layout.label_column:
            continue
        for level in (1, 2):
            role = f"level{level}"
            if (
                role not in columns
                and role not in found
                and _share(grid, layout, last_row, col, level) >= 0.6
            ):
                found[role] = col
    if not found:
        return layout
    groups = tuple(Group({**found, **g.columns}, g.period) for g in layout.groups)
    return _replace(layout, groups=groups, form=None)


def _share(grid: Grid, layout: Layout, last_row: int, col: int, level: int) -> float:
    """The share of a column's texts (at least two) that are 一级 (level 1) or 二级 (level 2) names."""
    canonical = canonical_level1 if level == 1 else canonical_level2
    texts = [
        value
        for row in range(layout.first_row, min(last_row, layout.first_row + 400) + 1)
        if row not in layout.repeats and isinstance(value := grid.value(row, col), str) and value.strip()
    ]
    hits = sum(1 for text in texts if canonical(text))
    return hits / len(texts) if hits >= 2 else 0.0


def _replace(layout: Layout, **changes: object) -> Layout:
    from dataclasses import replace

    return replace(layout, **changes)
