"""The rows of an indicator block (绩效指标), read by the columns of its layout with 一级/二级 carried down.

Blank rows never end a block: it runs to the end of its table. Each non-empty row is an indicator (one per
column group), a total (合计/小计/总计), a footer or note, or — when it is none of these — an unread row that a
rule reports. Nothing is dropped in silence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from perfgoals_xl.core.grid import Grid
from perfgoals_xl.core.models import (
    Breakdown,
    Field,
    Indicator,
    IndicatorBlock,
    ReaderNote,
    make_field,
    revalue,
)
from perfgoals_xl.core.reader.columns import Group, Layout
from perfgoals_xl.core.reader.labels import TOTAL_LABELS, is_footer, label_key
from perfgoals_xl.core.reader.values import cell_text, parse_amount, parse_number, split_value
from perfgoals_xl.core.vocab import (
    DECLARED_KINDS,
    UMBRELLA_LEVEL1,
    canonical_level1,
    canonical_level2,
    canonical_operator,
    canonical_unit,
    clean,
    is_known_unit,
)

MAX_LABEL = 16  # a 一级/二级 label is short; a longer text in that column is a sentence, not a label
_SENTENCE = re.compile(r"[。；;，,！!？?]")
NOTE_MIN_CHARS = 15
_CHECKBOX = re.compile(r"[□☐☑■]")
_TOTAL_HINT = re.compile(
    "[合总小]"
)  # every one of TOTAL_LABELS has one  # a text this long alone on a row after the block is a note under the table


@dataclass
class BlockRead:
    """What reading one block gave: its column groups as blocks, the rows, and every row accounted for."""

    blocks: list[IndicatorBlock] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    totals: list[Breakdown] = field(default_factory=list)
    notes: list[ReaderNote] = field(default_factory=list)
    used: set[int] = field(default_factory=set)
    unread: list[int] = field(default_factory=list)


def read_block(grid: Grid, layout: Layout, last_row: int, first_index: int) -> BlockRead:
    """Every row of the block from below its header to `last_row`; `first_index` numbers its groups."""
    heads = (layout.top_row, layout.subheader_row)
    result = BlockRead(used={layout.header_row, *layout.repeats, *(row for row in heads if row)})
    readers = [_GroupReader(grid, layout, group) for group in layout.groups]
    end = layout.header_row
    pending: list[tuple[int, bool]] = []  # rows not (yet) placed: (row, a lone long text that may be a note)
    for row in range(layout.first_row, last_row + 1):
        cells = grid.row_values(row)
        if not cells or row in layout.repeats:
            continue
        if is_footer(cells[0][1]):
            result.used.add(row)
            continue
        if _total_row(grid, layout, row, cells[0][1]):
            result.used.add(row)
            result.totals.extend(_total(grid, layout, row, result.indicators, first_index))
            end = row
            continue
        if any(value.__class__ is str and _CHECKBOX.search(value) for _, value in cells):
            pending.append((row, False))  # `优秀□ 良好□ …`: a form field after the block, not an indicator
            continue
        found = [reader.read(row, first_index + index) for index, reader in enumerate(readers)]
        if any(found):
            result.indicators.extend(i for i in found if i is not None)
            result.used.add(row)
            result.unread.extend(r for r, _ in pending)  # inside the block, a sentence is not a note
            pending.clear()
            end = row
        else:
            pending.append((row, _is_note(cells)))
    for row, note in pending:
        if note:
            result.used.add(row)  # a remark under the table
        else:
            result.unread.append(row)
    for index, reader in enumerate(readers):
        _backfill_level1(result.indicators, first_index + index)
        result.notes.extend(reader.notes)
        result.blocks.append(
            IndicatorBlock(
                header_row=layout.header_row,
                columns=reader.group.columns,
                label_column=layout.label_column,
                first_row=layout.first_row,
                last_row=end,
                period=reader.group.period,
                shifted=reader.shifted,
            )
        )
    return result


def _is_note(cells: list[tuple[int, object]]) -> bool:
    """A lone long text (a remark under the table): a note, not a row of the block."""
    return len(cells) == 1 and len(clean(cell_text(cells[0][1]))) >= NOTE_MIN_CHARS


def _label_columns(layout: Layout) -> list[int]:
    columns = layout.columns
    found = [columns.get(role) for role in ("level1", "level2", "name")]
    return [c for c in (layout.label_column, *found) if c is not None]


def _total_row(grid: Grid, layout: Layout, row: int, first: object) -> bool:
    """合计/小计/总计 in a label column (一级, 二级, 三级 or the label column) or `first` on the row."""
    cells = [first, *(grid.value(row, col) for col in _label_columns(layout))]
    return any(_is_total_label(value) for value in cells)


def _is_total_label(value: object) -> bool:
    return isinstance(value, str) and bool(_TOTAL_HINT.search(value)) and label_key(value) in TOTAL_LABELS


def _total(grid: Grid, layout: Layout, row: int, above: list[Indicator], first_index: int) -> list[Breakdown]:
    """A 合计 row's amounts, each with the rows it sums: those since the last total, under the same 二级
    when the 合计 stands in the 三级 column."""
    found = []
    for index, group in enumerate(layout.groups):
        for role in ("value", "weight"):
            col = group.columns.get(role)
            amount = parse_amount(grid.value(row, col)) if col is not None else None
            if amount is None:
                continue
            total = make_field(amount[0], cell_text(grid.value(row, col)), row, col)
            items = _summed([i for i in above if i.block == first_index + index], role, col, layout)
            if items:
                found.append(
                    Breakdown(first_row=items[0].row, total_row=row, items={col: items}, totals={col: total})
                )
    return found


def _summed(rows: list[Indicator], role: str, col: int, layout: Layout) -> list[Field]:
    """The amounts a total sums: the group's rows above it, those under its 二级 when it stands in the 三级
    column (a 合计 under 经济成本指标): the rows up to it that carry that 二级 label, or the same 二级 written
    again on each row (an export that fills every row)."""
    if rows and layout.columns.get("name") is not None and rows[-1].level2 is not None:
        level2 = rows[-1].level2
        start = len(rows)
        while start > 0 and _same_label(rows[start - 1].level2, level2):
            start -= 1
        rows = rows[start:]
    fields = [getattr(i, role) for i in rows]
    return [f for f in fields if f is not None and f.col == col and isinstance(f.value, float)]


def _same_label(label: Field | None, other: Field) -> bool:
    """The same 一级/二级 cell, or the same name written in another cell."""
    return label is not None and (
        label.at == other.at or (label.value or label.text) == (other.value or other.text)
    )


def _backfill_level1(indicators: list[Indicator], block: int) -> None:
    """A merged 一级 label exported on a middle row also covers the rows above it (docs/reference/templates.md §6)."""
    mine = [index for index, indicator in enumerate(indicators) if indicator.block == block]
    first = next((index for index in mine if indicators[index].level1 is not None), None)
    if first is None:
        return
    label = indicators[first].level1
    for index in mine:
        if index == first:
            break
        indicators[index] = replace(indicators[index], level1=label)


def looks_like_label(text: str) -> bool:
    """Short and no sentence: a 一级/二级 label (known or not), not a remark spread over the row."""
    key = clean(text)
    return 0 < len(key) <= MAX_LABEL and not _SENTENCE.search(key) and parse_number(key) is None


class _GroupReader:
    """Reads one column group's cells row by row, carrying 一级/二级 down."""

    def __init__(self, grid: Grid, layout: Layout, group: Group) -> None:
        self.grid, self.layout, self.group = grid, layout, group
        self.columns = group.columns
        self.level1: Field | None = None
        self.level2: Field | None = None
        self.shifted = False
        self.notes: list[ReaderNote] = []
        self.merged = bool(grid.merges)  # most sheets read by xlwings or exported have none: skip the lookup
        self.first_row, self.first_col = grid.origin

    def field(self, role: str, row: int) -> Field | None:
        """The role's cell on this row as written; None when blank or inside a merge below its anchor."""
        col = self.columns.get(role)
        return None if col is None else self._field_at(row, col)

    def _field_at(self, row: int, col: int) -> Field | None:
        if self.merged:
            merged = self.grid.merge_at(row, col)
            if merged is not None and (merged.top, merged.left) != (row, col):
                return None
        line = self.grid.rows[row - self.first_row] if row >= self.first_row else ()
        offset = col - self.first_col
        value = line[offset] if 0 <= offset < len(line) else None
        if value is None:
            return None
        text = value.strip() if value.__class__ is str else cell_text(value)
        return make_field(text, text, row, col) if text else None

    def read(self, row: int, block: int) -> Indicator | None:
        new1, new2 = self._levels(row)
        if new1 is not None:
            self.level1, self.level2 = new1, None
        if new2 is not None:
            self.level2 = new2
        return self._indicator(row, block)

    def _levels(self, row: int) -> tuple[Field | None, Field | None]:
        """一级/二级 labels that start on this row, including ones shifted into a wrong column (H09)."""
        level1 = _level(self.field("level1", row), canonical_level1)
        level2 = _level(self.field("level2", row), canonical_level2)
        if level1 is not None and level1.value is None and canonical_level2(level1.text):
            level2, level1 = _level(level1, canonical_level2), None  # a 二级 in the 一级 column
        level1, level2 = self._unshift(level1, level2)
        label_col = self.layout.label_column
        stray = self._field_at(row, label_col) if label_col is not None else None
        if stray is not None and canonical_level1(stray.text) and level1 is None:
            level1 = _level(stray, canonical_level1)
        elif stray is not None and canonical_level2(stray.text) and level2 is None:
            level2 = _level(stray, canonical_level2)
        elif stray is not None and self.group is self.layout.groups[0]:
            self.notes.append(
                ReaderNote(
                    "S10",
                    "warning",
                    stray.at,
                    f"“{stray.text}”写在绩效指标标签列，不是一级或二级指标，未参与校验",
                )
            )
        return level1, level2

    def _unshift(self, level1: Field | None, level2: Field | None) -> tuple[Field | None, Field | None]:
        """实施效果指标 in the 一级 column above 产出指标/效益指标 in the 二级 column: a hierarchy shifted one
        level (central transfer-payment forms). Read the 二级 column as 一级, and say so once."""
        umbrella = level1 is not None and level1.value is None and clean(level1.text) in UMBRELLA_LEVEL1
        if (
            level2 is not None
            and level2.value is None
            and canonical_level1(level2.text)
            and (umbrella or self.shifted)
        ):
            if not self.shifted:
                self.notes.append(_shift_note(level1 or self.level1, level2))
            self.shifted = True
            return _level(level2, canonical_level1), None
        if umbrella and self.shifted:
            return None, level2
        return level1, level2

    def _indicator(self, row: int, block: int) -> Indicator | None:
        name, raw = self.field("name", row), self.field("value", row)
        level1, level2 = self.level1, self.level2
        own_level2 = level2 is not None and level2.row == row
        has_merged_level2 = level2 is not None and self._covers(level2, row)
        own_level1 = level1 is not None and level1.row == row and (level1.value is not None or own_level2)
        if not (name or raw or own_level2 or has_merged_level2 or own_level1):
            return None  # an unknown word alone in the 一级 column is no 一级 label: the row is unread
        operator, declared, value, unit, written = self._target(raw, name)
        return Indicator(
            row=row,
            block=block,
            level1=level1,
            level2=level2 if (own_level2 or has_merged_level2 or name or raw) else None,
            name=name,
            operator=operator,
            declared=declared,
            value=value,
            unit=unit,
            explanation=self.field("explanation", row),
            remark=self.field("remark", row),
            weight=self._weight(row),
            written_operator=written[0],
            written_unit=written[1],
        )

    def _weight(self, row: int) -> Field | None:
        weight = self.field("weight", row)
        if weight is None:
            return None
        number = parse_number(weight.text.rstrip("%％"))
        return revalue(weight, number) if number is not None else weight

    def _covers(self, label: Field, row: int) -> bool:
        merged = self.grid.merge_at(label.row, label.col)
        return merged is not None and merged.top <= row <= merged.bottom

    def _target(
        self, raw: Field | None, name: Field | None
    ) -> tuple[Field | None, str | None, Field | None, Field | None, tuple[Field | None, Field | None]]:
        """(operator, declared 定量/定性, value, unit, (conflicting written operator, unit)) of the row."""
        op_cell = self.field("operator", raw.row if raw else name.row if name else 0)
        declared = operator = None
        if op_cell is not None:
            if clean(op_cell.text) in DECLARED_KINDS:
                declared = clean(op_cell.text)
            operator = revalue(op_cell, canonical_operator(op_cell.text))
            if declared == "定量":
                operator = None
        value = unit = written_op = written_unit = None
        if raw is not None:
            percent = (raw.row, raw.col) in self.grid.percent
            parts = split_value(self.grid.value(raw.row, raw.col), percent)
            number = parts.number if parts.number is not None else parts.text
            value = make_field(number, parts.text if percent else raw.text, raw.row, raw.col)
            if parts.operator_text:
                embedded = make_field(parts.operator, parts.operator_text, raw.row, raw.col)
                if operator is None:
                    operator = embedded
                elif embedded.value != operator.value:
                    written_op = embedded
            if parts.unit_text:
                unit = make_field(canonical_unit(parts.unit_text), parts.unit_text, raw.row, raw.col)
        unit_cell = self.field("unit", (raw or name).row) if (raw or name) else None
        if unit_cell is not None:
            if unit is not None and canonical_unit(unit_cell.text) not in (unit.value, None):
                written_unit = unit
            unit = revalue(unit_cell, canonical_unit(unit_cell.text))
        elif unit is None and name is not None:
            unit = _unit_in_name(name)
        return operator, declared, value, unit, (written_op, written_unit)


def _level(cell: Field | None, canonical: Callable[[object], str | None]) -> Field | None:
    """The cell as a 一级/二级 label; a sentence in a label column is not one (the row may be unread)."""
    if cell is None:
        return None
    value = canonical(cell.text)
    if value is None and not looks_like_label(cell.text):
        return None
    return revalue(cell, value)


def _shift_note(umbrella: Field | None, level: Field) -> ReaderNote:
    where = umbrella.at if umbrella is not None else level.at
    above = f"一级指标列写的是“{umbrella.text}”，" if umbrella is not None else ""
    return ReaderNote(
        "H01",
        "warning",
        where,
        f"{above}二级指标列写的是一级指标名称（“{level.text}”）：层级上移了一级，已按二级指标列读作一级指标；"
        "除中央预算内投资等专用模板外，应按 一级—二级—三级 填写",
    )


def _unit_in_name(name: Field) -> Field | None:
    """`治理面积(亩)` → 亩: a unit written at the end of the 三级 name (Ningxia forms)."""
    text = clean(name.text).replace("（", "(").replace("）", ")")
    if not text.endswith(")") or "(" not in text:
        return None
    unit = text[text.rindex("(") + 1 : -1]
    if not is_known_unit(canonical_unit(unit)):
        return None  # 群众满意度（龙门镇）: a place, not a unit
    return Field(value=canonical_unit(unit), text=unit, at=name.at)
