"""Where the tables of a sheet lie: column bands (tables side by side) and row segments (tables stacked).

A band is a run of columns with content, split from the next at an empty column; a band with no sign of a
table of its own (a title, a 项目名称/部门名称 label, an indicator header row) belongs to its neighbour, so an
empty column inside one table never splits it. Within a band the rows are split at titles and at a second
start label; the metadata lines just above a table (金额单位, 填报单位, `（2021年度）`, 附件2) go with it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Literal

from perfgoals_xl.core.grid import Grid, window
from perfgoals_xl.core.reader.columns import header_columns
from perfgoals_xl.core.reader.labels import (
    AMOUNT_UNIT,
    START_LABELS,
    UNIT_NAME,
    is_title,
    label_key,
    match_column_role,
    match_header_label,
)

RowKind = Literal["title", "preamble", "start", "indicator_header", "content"]

# lines that only describe the table above which they stand
YEAR_LINE = re.compile(r"^[(（]?\d{4}年度?[)）]?$|^\d{4}年度\)$")
_ATTACHMENT = re.compile(r"^(?:附件|附表)\s*\d*[:：]?$")
_SIGNED = re.compile(r"^(?:项目)?(?:责任人|负责人|单位)(?:\(签字\)|\(盖章\)|\(签章\))[:：]")
_SUBTITLE = re.compile(r"^\(.*\)$")  # （天津市宝坻区畜禽粪污资源化利用整区推进项目）
MAX_TITLE_CELLS = 3
MAX_PREAMBLE_CELLS = 4  # 填报单位：… | 金额单位：万元 | （2021年度）: a line about the table has few cells


@dataclass
class Segment:
    """The rows of one table while the sheet is being split."""

    first_row: int
    title_row: int | None = None
    preamble_rows: list[int] = field(default_factory=list)
    start_labels: set[str] = field(default_factory=set)
    indicator_rows: list[int] = field(default_factory=list)
    last_row: int = 0

    @property
    def has_body(self) -> bool:
        return bool(self.start_labels or self.indicator_rows)


def split_sheet(grid: Grid) -> list[tuple[Grid, list[Segment]]]:
    """Each column band of the sheet (as a Grid of its own) with the table segments in it."""
    return [(band, segments(band)) for band in (window(grid, a, b) for a, b in column_bands(grid))]


# --- columns ------------------------------------------------------------------------------------------------


def column_bands(grid: Grid) -> list[tuple[int, int]]:
    """Column ranges holding one table each, left to right."""
    runs = _occupied_runs(grid)
    if len(runs) <= 1:
        return runs or [(grid.first_col, max(grid.first_col, grid.last_col))]
    windows = [window(grid, left, right) for left, right in runs]
    anchored = [_has_anchor(band, windows[i - 1] if i else None) for i, band in enumerate(windows)]
    if not any(anchored):
        return [(runs[0][0], runs[-1][1])]
    bands: list[tuple[int, int]] = []
    pending_left: int | None = None  # anchor-less runs before the first anchored one join it
    for (left, right), anchor in zip(runs, anchored, strict=True):
        if anchor:
            bands.append((pending_left if pending_left is not None else left, right))
            pending_left = None
        elif bands:
            bands[-1] = (bands[-1][0], right)
        elif pending_left is None:
            pending_left = left
    return bands


def _occupied_runs(grid: Grid) -> list[tuple[int, int]]:
    """Maximal runs of columns that hold a value (a merge bridges the columns it covers)."""
    width = grid.last_col - grid.first_col + 1
    if width <= 0:
        return []
    used = bytearray(width + 1)
    unseen = list(range(width))  # columns not yet found holding a value: a long block stops the walk early
    for line in grid.rows:
        found = [offset for offset in unseen if offset < len(line) and line[offset] is not None]
        if found:
            for offset in found:
                used[offset] = 1
            unseen = [offset for offset in unseen if not used[offset]]
            if not unseen:
                break
    bridged = bytearray(width + 1)  # bridged[i]: column i and i+1 are joined by a merge
    for merged in grid.merges:
        for col in range(max(merged.left, grid.first_col), min(merged.right, grid.last_col) + 1):
            used[col - grid.first_col] = 1
            if col < merged.right:
                bridged[col - grid.first_col] = 1
    runs: list[tuple[int, int]] = []
    start = None
    for offset in range(width + 1):
        if used[offset] and start is None:
            start = offset
        if start is not None and (not used[offset] or offset == width):
            runs.append((grid.first_col + start, grid.first_col + offset - 1))
            start = None
        elif start is not None and not used[offset + 1] and bridged[offset]:
            used[offset + 1] = 1
    return _split_at_titles(grid, runs)


def _split_at_titles(grid: Grid, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Two titles on one row are two tables even when no empty column parts them."""
    cuts: set[int] = set()
    for line in grid.rows:
        titles = [offset for offset, value in enumerate(line) if value is not None and is_title(value)]
        cuts.update(grid.first_col + offset for offset in titles[1:])
    if not cuts:
        return runs
    split: list[tuple[int, int]] = []
    for left, right in runs:
        starts = [left, *sorted(c for c in cuts if left < c <= right and not _merge_crosses(grid, c))]
        split.extend((a, b - 1) for a, b in zip(starts, [*starts[1:], right + 1], strict=True))
    return split


def _merge_crosses(grid: Grid, col: int) -> bool:
    return any(m.left < col <= m.right for m in grid.merges)


def _has_anchor(band: Grid, left: Grid | None = None) -> bool:
    """A title, a start label or an indicator header row: the band holds a table of its own. An indicator
    header on a row where the band to its left holds indicator column labels too continues that header (a
    年度 column group, or 指标值 after an empty column), unless a title or start label came first."""
    for row in range(band.first_row, band.last_row + 1):
        cells = band.row_values(row)
        if any(is_title(value) or _is_start_label(value) for _, value in cells):
            return True
        if len(cells) >= 2 and header_columns(band, row) is not None:
            return left is None or not any(match_column_role(value) for _, value in left.row_values(row))
    return False


def _is_start_label(value: object) -> bool:
    if not isinstance(value, str) or "名" not in value:
        return False  # 项目名称, 部门(单位)名称 …: every start label names a 名称
    match = match_header_label(value)
    return match is not None and match.canonical in START_LABELS


# --- rows ---------------------------------------------------------------------------------------------------


def row_kind(grid: Grid, row: int) -> RowKind | None:
    """What a row is for the split (None: empty)."""
    cells = grid.row_values(row)
    if not cells:
        return None
    values = [value for _, value in cells]
    if len(values) <= MAX_TITLE_CELLS and is_title(values[0]):
        return "title"
    if len(values) <= MAX_PREAMBLE_CELLS and all(is_preamble_text(value) for value in values):
        return "preamble"
    if header_columns(grid, row, cells) is not None:
        return "indicator_header"
    if any(_is_start_label(value) for value in values):
        return "start"
    return "content"


def is_preamble_text(value: object) -> bool:
    """金额单位：万元, 填报单位（盖章）：…, （2021年度）, 附件2, 单位(盖章):, a subtitle in brackets — a line
    about the table."""
    key = label_key(value)
    if not key or len(key) > 60:
        return False
    return bool(
        _SUBTITLE.match(key)
        or YEAR_LINE.match(key)
        or _ATTACHMENT.match(key)
        or _SIGNED.match(key)
        or UNIT_NAME.search(key)
        or (AMOUNT_UNIT.match(key) and len(key) <= 12)
    )


def segments(grid: Grid) -> list[Segment]:
    """The band's rows split into tables, top to bottom; rows between two tables belong to the upper one."""
    found: list[Segment] = []
    current: Segment | None = None
    pending: list[int] = []  # metadata lines that may open the next table

    def open_segment(row: int) -> Segment:
        segment = Segment(first_row=pending[0] if pending else row, preamble_rows=list(pending))
        pending.clear()
        found.append(segment)
        return segment

    for row in range(grid.first_row, grid.last_row + 1):
        kind = row_kind(grid, row)
        if kind is None:
            continue
        if kind == "preamble" and (current is None or current.has_body):
            pending.append(row)
            continue
        if kind == "title":
            if current is None or current.has_body or current.title_row is not None:
                current = open_segment(row)
            current.title_row = row
        elif kind == "start":
            labels = _start_labels(grid, row)
            if current is None or current.indicator_rows or labels & current.start_labels:
                current = open_segment(row)
            current.start_labels |= labels
        elif kind == "indicator_header":
            if current is None:
                current = open_segment(row)
            current.indicator_rows.append(row)
        elif kind == "preamble" and current is not None:
            current.preamble_rows.append(row)
        elif current is None:
            pending.clear()  # text before any table is not part of one
            continue
        current.last_row = _flush(current, pending, row)
    if current is not None and pending:
        current.last_row = _flush(current, pending, pending[-1])
    return [segment for segment in found if segment.has_body or segment.title_row is not None]


def _flush(current: Segment, pending: list[int], row: int) -> int:
    """Metadata lines that did not open a table are trailing lines of the current one."""
    pending.clear()
    return max(row, current.last_row)


def _start_labels(grid: Grid, row: int) -> set[str]:
    return {
        match.canonical
        for _, value in grid.row_values(row)
        if (match := match_header_label(value)) is not None and match.canonical in START_LABELS
    }


def band_index(bands: list[tuple[int, int]], col: int) -> int:
    """The band holding a column."""
    return max(0, bisect_right([left for left, _ in bands], col) - 1)
