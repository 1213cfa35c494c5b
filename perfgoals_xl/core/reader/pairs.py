"""Header items: a label and its value beside it (`项目名称 | X`), below it (`年度目标` over its text) or in one
cell (`年度资金总额:50万`); labels we do not know are read too; 资金情况 lists become funding groups per column
group with their (一)/1、 levels."""

from __future__ import annotations

import re
from dataclasses import replace

from perfgoals_xl.core.grid import Grid
from perfgoals_xl.core.models import (
    Field,
    FundingGroup,
    FundingLine,
    HeaderItem,
    Loc,
    ReaderNote,
    revalue,
)
from perfgoals_xl.core.reader.labels import (
    AMOUNT_LABELS,
    FUNDING_TOTALS,
    NUMBER_LABELS,
    label_key,
    match_header_label,
)
from perfgoals_xl.core.reader.values import cell_text, parse_amount, parse_number

MAX_LABEL = 16
LONG_LABEL = (
    30  # in the table's first column a label may be long: 单位已有的(或拟订的)保障项目实施的制度、措施
)
_CHECKBOX = re.compile(r"[□√☑■☐✓✔]")
_SENTENCE = re.compile(r"[。；;，,！!？?]")
_MONEY_LINE = re.compile(r"(?:资金|拨款|补助|收入|预算|投资|结转|自筹|基金)(?:小计)?$")
_LEVEL_TWO = re.compile(r"^\s*(?:\d{1,2}[、.．]|[（(]\d{1,2}[)）])")
_SUBTITLE = re.compile(r"^\s*[(（].*[)）]\s*$")
CAPTIONS = ("金额", "项目", "资金", "数额", "金额(万元)", "金额(元)", "资金来源")
_SIGNATURE = re.compile(r"签字|盖章|签章")


class HeaderPairs:
    """Labels and their values: beside (`项目名称 | X`), below (`年度目标` over its text), or in one cell
    (`年度资金总额:50万`). A label with an empty value cell is kept (rule S01 reports it); a label directly
    followed by another label, with nothing below, is a caption (`总体目标 | 中期目标 | 年度目标`)."""

    def __init__(self, grid: Grid, rows: list[int]) -> None:
        self.grid, self.rows = grid, rows
        self.used: set[int] = set()
        self.found: list[tuple[HeaderItem, str]] = []  # (item, key: canonical or the label's own text)
        self.consumed: set[tuple[int, int]] = set()
        self.label_cols = {
            col
            for row in rows
            for col, value in grid.row_values(row)
            if match_header_label(value) is not None
        }
        for row in rows:
            self._row(row)

    def items(self) -> dict[str, HeaderItem]:
        items: dict[str, HeaderItem] = {}
        for item, key in self.found:
            if key not in items:
                items[key] = _typed(item) if item.known else item
        return items

    def duplicates(self) -> list[ReaderNote]:
        """A label of ours written twice is two column groups (中期 ‖ 年度 财政拨款); any other label twice
        (`分类` … `分类`) leaves the reader unsure which is which."""
        seen: dict[str, HeaderItem] = {}
        notes = []
        for item, key in self.found:
            first = seen.setdefault(key, item)
            same_row = first.label.row == item.label.row  # on two rows it is a repeated structure
            if first is not item and not item.known and same_row:
                notes.append(
                    ReaderNote(
                        "S01",
                        "warning",
                        item.label.at,
                        f"表头“{item.label.text}”出现两次（{first.label.cell}、{item.label.cell}），应分别写明各是什么",
                    )
                )
        return notes

    def _is_label(self, col: int, value: object) -> bool:
        if match_header_label(value) is not None or _label_with_value(value) is not None:
            return True
        text = cell_text(value)  # type: ignore[arg-type]
        if _SUBTITLE.match(text):
            return False  # （天津市宝坻区畜禽粪污资源化利用整区推进项目）: a subtitle, not a label
        if _label_like(text) and (text.rstrip().endswith((":", "：")) or col in self.label_cols):
            return True
        return col == self.grid.first_col and _label_like(text, LONG_LABEL)  # 单位已有的保障制度、措施

    def _label_across_gap(self, row: int, col: int, cell: tuple[int, object]) -> bool:
        """`归口业务科室 | (blank) | 是否政府采购`: after an empty cell, a label column holds the next label."""
        adjacent = cell[0] == self._right_edge(row, col) + 1
        return not adjacent and cell[0] in self.label_cols and _label_like(cell_text(cell[1]))  # type: ignore[arg-type]

    def _strong_label(self, value: object) -> bool:
        """A label even in a value's place: known, `label:value`, or ending with a colon."""
        if match_header_label(value) is not None or _label_with_value(value) is not None:
            return True
        text = cell_text(value)  # type: ignore[arg-type]
        return _label_like(text) and text.rstrip().endswith((":", "："))

    def _row(self, row: int) -> None:
        """Label, then its value (the next cell, unless that is surely a label), then more value cells up to
        the next label (`新增项目□ | 延续项目√`)."""
        cells = [(c, v) for c, v in self.grid.row_values(row) if (row, c) not in self.consumed]
        index = 0
        while index < len(cells):
            col, value = cells[index]
            if label_key(value) in CAPTIONS:
                self.used.add(row)
                index += 1
                continue
            if not (self._is_label(col, value) or (index > 0 and _names_a_field(value))):
                index += 1  # a value with no label of its own; the row may still be read
                continue
            self.used.add(row)
            following, beside = index + 1, None
            captions = _heads_columns(value)  # `年度资金总额 | 金额(万元)`, but `项目名称 | 项目` is a name
            if (
                following < len(cells)
                and not self._strong_label(cells[following][1])
                and not (captions and _caption(cells[following][1]))
                and not self._label_across_gap(row, col, cells[following])
            ):
                beside = cells[following]
                following += 1
                while following < len(cells) and not (
                    self._is_label(*cells[following])
                    or _caption(cells[following][1])
                    or _names_a_field(cells[following][1])
                ):
                    following += 1
            nxt = cells[following] if following < len(cells) else None
            self._pair(row, col, value, beside, nxt)
            index = following

    def _pair(
        self, row: int, col: int, value: object, beside: tuple[int, object] | None, nxt: object
    ) -> None:
        label_field, item_value, value_at = self._label(row, col, value), None, None
        inline = _label_with_value(value)
        if inline is not None:
            item_value = Field(value=inline[1], text=inline[1], at=Loc(row=row, col=col))
        elif beside is not None:
            item_value = _field(beside[1], row, beside[0])
        elif nxt is not None and _caption(nxt[1]) and _heads_columns(value):  # type: ignore[index]
            if match_header_label(value) is None:
                return  # `支出明细预算(万元) | 项目 | …`: the caption row of a list below
            value_at = Loc(row=row, col=nxt[0])  # type: ignore[index]  # `年度资金总额 | 金额(万元)`: blank
        else:
            below = self._below(row, col, label_field)
            if below is not None:
                item_value = below
            elif nxt is not None and nxt[0] == self._right_edge(row, col) + 1:  # type: ignore[index]
                return  # a caption over labels: 总体目标 | 中期目标 | 年度目标
        if value_at is None:
            value_at = item_value.at if item_value else Loc(row=row, col=self._right_edge(row, col) + 1)
        known = match_header_label(inline[0] if inline else value) is not None
        key = str(label_field.value)
        self.found.append(
            (HeaderItem(label=label_field, value=item_value, value_at=value_at, known=known), key)
        )

    def _label(self, row: int, col: int, value: object) -> Field:
        inline = _label_with_value(value)
        text = inline[0] if inline else cell_text(value)  # type: ignore[arg-type]
        match = match_header_label(text)
        canonical = match.canonical if match else label_key(text)
        return Field(value=canonical, text=cell_text(value), at=Loc(row=row, col=col))  # type: ignore[arg-type]

    def _right_edge(self, row: int, col: int) -> int:
        merged = self.grid.merge_at(row, col)
        return merged.right if merged is not None else col

    def _below(self, row: int, col: int, label: Field) -> Field | None:
        """The value under a label with nothing beside it, when the next row holds values, no labels."""
        if label.value in AMOUNT_LABELS or _MONEY_LINE.search(str(label.value)):
            return None  # amounts stand beside their labels; a blank one is blank
        later = [r for r in self.rows if r > row]
        if not later or later[0] != self._next_row(row):
            return None
        below = later[0]
        cells = self.grid.row_values(below)
        if any(self._is_label(c, v) for c, v in cells):
            return None
        left, right = col, self._right_edge(row, col)
        hit = next(((c, v) for c, v in cells if left <= c <= right), None)
        if hit is None:
            return None
        self.consumed.add((below, hit[0]))
        self.used.add(below)
        return _field(hit[1], below, hit[0])

    def _next_row(self, row: int) -> int:
        return next((r for r in range(row + 1, row + 4) if self.grid.row_values(r)), row + 1)

    def funding(self) -> list[FundingGroup]:
        """Each money total with the source lines listed under it in the same label column."""
        money = {
            (item.label.row, item.label.col): (item, key) for item, key in self.found if _is_money_key(key)
        }
        groups: list[FundingGroup] = []
        attached: set[tuple[int, int]] = set()
        for (row, col), (item, key) in money.items():
            if key not in FUNDING_TOTALS:
                continue
            lines = []
            for later in (r for r in self.rows if r > row):
                line = money.get((later, col))
                if line is None and any(c == col for c, _ in self.grid.row_values(later)):
                    break  # another part of the head starts in this column
                if line is not None and line[1] in FUNDING_TOTALS:
                    break
                if line is not None:
                    lines.append(FundingLine(item=_typed(line[0]), level=_line_level(line[0].label.text)))
                    attached.add((later, col))
            groups.append(FundingGroup(total=_typed(item), lines=tuple(lines)))
        return _attach_loose(groups, money, attached)


def _attach_loose(
    groups: list[FundingGroup], money: dict[tuple[int, int], tuple[HeaderItem, str]], attached: set
) -> list[FundingGroup]:
    """Source lines written apart from their total (`年度预算金额` on row 4, `其中：财政拨款` on row 7) belong to
    the table's only total; with 中期 ‖ 年度 totals they cannot be placed and stay out of C03."""
    loose = [
        FundingLine(item=_typed(item), level=_line_level(item.label.text))
        for at, (item, key) in sorted(money.items())
        if at not in attached and key not in FUNDING_TOTALS
    ]
    if not loose or len(groups) != 1 or groups[0].lines:
        return groups
    return [FundingGroup(total=groups[0].total, lines=tuple(loose))]


_FIELD_NAME = re.compile(
    r"(?:名称|单位|部门|科室|编号|编码|代码|负责人|联系人|电话|时间|日期|期限|金额|资金|预算|类别|类型|属性|依据|"
    r"地址|区域|口径|程度|方式|采购)$|^是否"
)


def _names_a_field(value: object) -> bool:
    """After a label and its value, a short text that names a field (该项目支出上级资金, 是否政府采购) is the
    next label, not more of the value."""
    text = cell_text(value)  # type: ignore[arg-type]
    return _label_like(text) and bool(_FIELD_NAME.search(label_key(text)))


def _heads_columns(label: object) -> bool:
    """A money label or one we do not know: a caption (金额, 项目) right of it heads a column of amounts."""
    match = match_header_label(label)
    return match is None or match.canonical in AMOUNT_LABELS or bool(_MONEY_LINE.search(match.canonical))


def _caption(value: object) -> bool:
    """A column caption (金额, 金额（万元）, 项目) standing where a value would be."""
    return label_key(value) in CAPTIONS


def _is_money_key(key: str) -> bool:
    return key in AMOUNT_LABELS or bool(_MONEY_LINE.search(key))


def _line_level(text: str) -> int:
    """(一)/其中 → 1, 1、/(1) → 2: the numbering of a 资金情况 line."""
    if _LEVEL_TWO.match(text):
        return 2
    return 1


def _label_like(text: str, longest: int = MAX_LABEL) -> bool:
    """Short, no sentence, no checkbox, not a number: a label the vocabulary may not know (项目编号:)."""
    key = label_key(text)
    return (
        0 < len(key) <= longest
        and not _SENTENCE.search(key)
        and not _CHECKBOX.search(key)
        and parse_number(key) is None
        and not key[0].isdigit()
    )


def _label_with_value(value: object) -> tuple[str, str] | None:
    """`年度资金总额:50万`: a known label and its value in one cell."""
    if not isinstance(value, str):
        return None
    parts = re.split(r"[:：]", value.strip(), maxsplit=1)
    if len(parts) != 2 or not parts[1].strip():
        return None
    return (parts[0], parts[1].strip()) if match_header_label(parts[0]) is not None else None


def _field(value: object, row: int, col: int) -> Field:
    text = cell_text(value)  # type: ignore[arg-type]
    return Field(value=text, text=text, at=Loc(row=row, col=col))


def _typed(item: HeaderItem) -> HeaderItem:
    """Amounts as numbers (`200万` → 200 with its unit kept for conversion), weights as numbers."""
    if item.value is None:
        return item
    label = str(item.label.value)
    if label in AMOUNT_LABELS or _MONEY_LINE.search(label):
        amount = parse_amount(item.value.text)
        return replace(item, value=revalue(item.value, amount[0])) if amount is not None else item
    if label in NUMBER_LABELS:
        number = parse_number(item.value.text.rstrip("%％"))
        return replace(item, value=revalue(item.value, number)) if number is not None else item
    return item


def is_signature(item: HeaderItem) -> bool:
    """单位(盖章) / 负责人(签字): left blank on every published copy."""
    return bool(_SIGNATURE.search(item.label.text))
