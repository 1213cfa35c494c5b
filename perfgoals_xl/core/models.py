"""The models that every stage after the reader works on.

The many small ones (a cell, a field, an indicator row) are slotted frozen dataclasses — a 12,000-row sheet
holds over 100,000 of them; the containers (Table, Finding) are pydantic models.

Parsing ends in the reader: past it nothing sees raw cells. Every field remembers the text as written and
its cell, so a finding can quote and point at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, PrivateAttr

from perfgoals_xl.core.grid import address

Severity = Literal["error", "warning", "info"]
SEVERITY_NAMES: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}  # as users read them
QUANTITATIVE_OPERATORS = ("≥", "≤", "=", ">", "<")
KIND_TITLES = {
    "project": "项目支出绩效目标表",
    "department": "部门整体支出绩效目标表",
}  # Table.kind as titled
MEDIUM_TERM, ANNUAL = "中期", "年度"
YEAR = re.compile(
    r"(?<!\d)(20\d{2}|19\d{2})(?!\d)"
)  # periods of side-by-side column groups (88号: 中期 ‖ 年度)


def year_in(field: Field) -> str | None:
    """The year a title or year line states, also when it is letter-spaced (`2 0 2 2 年 项 目 …`)."""
    found = YEAR.search("".join(field.text.split()))
    return found.group() if found else None


T = TypeVar("T")
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def fast_pickle(cls: type[T]) -> type[T]:
    """A slotted frozen dataclass that unpickles without dataclasses' walk over fields() for every object:
    a worker process (check --jobs) sends thousands of them back."""
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    _FIELD_NAMES[cls] = names

    def __reduce__(self: Any) -> tuple[Any, tuple[Any, ...]]:
        return _restore, (cls, tuple([getattr(self, name) for name in names]))

    cls.__reduce__ = __reduce__  # type: ignore[method-assign,assignment]
    return cls


def _restore(cls: type[T], values: tuple[Any, ...]) -> T:
    restored = object.__new__(cls)
    for name, value in zip(_FIELD_NAMES[cls], values, strict=True):
        object.__setattr__(restored, name, value)
    return restored


@fast_pickle
@dataclass(frozen=True, slots=True)
class Loc:
    """A cell, 1-based. (A slotted dataclass, not a pydantic model: a sheet has thousands, see bench/.)"""

    row: int
    col: int

    @property
    def address(self) -> str:
        return address(self.row, self.col)


class Field:
    """One value of a table: its canonical (parsed) form, the text as written, and where it is.

    Immutable. The cell is kept as two ints, not a Loc (a 200,000-row block holds a million Fields); `at` makes
    the Loc when asked."""

    __slots__ = ("col", "row", "text", "value")

    value: str | float | None
    text: str
    row: int
    col: int

    def __init__(self, value: str | float | None, text: str, at: Loc) -> None:
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "row", at.row)
        object.__setattr__(self, "col", at.col)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Field is immutable ({name})")

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (_field, (self.value, self.text, self.row, self.col))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Field:
            return NotImplemented
        return (self.value, self.text, self.row, self.col) == (other.value, other.text, other.row, other.col)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self.value, self.text, self.row, self.col))

    def __repr__(self) -> str:
        return f"Field(value={self.value!r}, text={self.text!r}, at={self.cell})"

    @property
    def at(self) -> Loc:
        return Loc(self.row, self.col)

    @property
    def cell(self) -> str:
        return address(self.row, self.col)


def _field(value: str | float | None, text: str, row: int, col: int) -> Field:
    field = object.__new__(Field)
    _set(field, "value", value)
    _set(field, "text", text)
    _set(field, "row", row)
    _set(field, "col", col)
    return field


_set = object.__setattr__


def make_field(value: str | float | None, text: str, row: int, col: int) -> Field:
    """A Field at (row, col)."""
    return _field(value, text, row, col)


def revalue(field: Field, value: str | float | None) -> Field:
    """The same cell and text with another canonical value (`满意度` → 满意度指标)."""
    return _field(value, field.text, field.row, field.col)


@fast_pickle
@dataclass(frozen=True, slots=True)
class HeaderItem:
    """A labelled header cell (项目名称 …) and the value beside (or below) it; `value` is None when blank.

    `known` is False for a label outside our vocabulary (归口业务科室, 项目编号): read so that a blank one can be
    reported and its row is accounted for, but no rule reads its value."""

    label: Field
    value: Field | None
    value_at: Loc
    known: bool = True


@fast_pickle
@dataclass(frozen=True, slots=True)
class FundingLine:
    """One line of a 资金情况 list: `(一)财政拨款小计 4.00` (level 1), `1、一般公共预算 4.00` (level 2)."""

    item: HeaderItem
    level: int


@fast_pickle
@dataclass(frozen=True, slots=True)
class FundingGroup:
    """A total (年度资金总额, 中期资金总额 …) and the source lines listed under it in its own column group."""

    total: HeaderItem
    lines: tuple[FundingLine, ...]


@fast_pickle
@dataclass(frozen=True, slots=True)
class ReaderNote:
    """Something the reader had to say about the layout (a row it could not place, a shifted hierarchy …);
    the rule named `rule` reports it."""

    rule: str
    severity: Severity
    at: Loc
    message: str


@fast_pickle
@dataclass(frozen=True, slots=True)
class Indicator:
    """One row of the indicator block (绩效指标): 一级/二级 labels (carried down), 三级 name and target."""

    row: int
    block: int = 0
    level1: Field | None = None
    level2: Field | None = None
    name: Field | None = None  # 三级指标
    operator: Field | None = None  # 指标值类型: ≥ ≤ = > < 定性, value None when not recognised
    declared: Literal["定量", "定性"] | None = None  # 定量/定性 written in the type column
    value: Field | None = None  # 指标值: value is a float when a number was read, else the text
    unit: Field | None = None  # 度量单位, canonical (`百分比` → `%`), possibly embedded in the value
    explanation: Field | None = None  # 指标值说明（指标解释）
    remark: Field | None = None  # 备注
    weight: Field | None = None  # 权重 (Sichuan exports), value a float when readable
    written_operator: Field | None = None  # an operator in the value cell that contradicts the type column
    written_unit: Field | None = None  # a unit in the value cell that contradicts the unit column

    @property
    def is_filled(self) -> bool:
        return self.name is not None or self.value is not None

    @property
    def number(self) -> float | None:
        return self.value.value if self.value is not None and isinstance(self.value.value, float) else None

    @property
    def is_qualitative(self) -> bool:
        op = self.operator.value if self.operator else None
        return op == "定性" or (op is None and self.declared == "定性")

    @property
    def is_quantitative(self) -> bool:
        op = self.operator.value if self.operator else None
        return op in QUANTITATIVE_OPERATORS or (op is None and self.declared == "定量")


@fast_pickle
@dataclass(frozen=True, slots=True)
class IndicatorBlock:
    """Where an indicator block's header row is and which column holds what."""

    header_row: int
    columns: dict[str, int]  # role (level1, level2, name, value, unit, operator, …) → column
    first_row: int
    last_row: int
    label_column: int | None = None  # the 本年度绩效指标 column left of 一级指标, when the layout has one
    period: str | None = None  # 中期 / 年度 for side-by-side column groups, a county for 区域目标值 columns
    shifted: bool = False  # 一级 column holds an umbrella (实施效果指标), 二级 column the 一级 names

    @property
    def has_levels(self) -> bool:
        """The layout carries 一级/二级 (a flat 指标名称 list does not: no hierarchy rule applies)."""
        return "level1" in self.columns or "level2" in self.columns


@fast_pickle
@dataclass(frozen=True, slots=True)
class Task:
    """年度主要任务: one task of a department table."""

    row: int
    name: Field | None
    content: Field | None


@fast_pickle
@dataclass(frozen=True, slots=True)
class Breakdown:
    """A breakdown (支出明细, 成本构成 …) closed by a 合计 row: per column, the item amounts and the total."""

    first_row: int
    total_row: int
    items: dict[int, list[Field]]  # column → the amounts above the 合计 row
    totals: dict[int, Field]  # column → the 合计 amount


@fast_pickle
@dataclass(frozen=True, slots=True)
class CellNotice:
    """A cell whose value the file does not hold: a formula saved without its result (rule S09 names it)."""

    sheet: str
    row: int
    col: int
    text: str  # the formula, as written in the file

    @property
    def cell(self) -> str:
        return address(self.row, self.col)


class Table(BaseModel):
    """A 项目支出 or 部门整体支出 绩效目标表 found on a sheet."""

    model_config = ConfigDict(arbitrary_types_allowed=True)  # Field is a plain slotted class

    kind: Literal["project", "department"]
    sheet: str
    top: int
    left: int
    bottom: int
    right: int
    title: Field | None = None
    year_line: Field | None = None  # （2021年度） under the title: the table's year when the title has none
    unit_name: Field | None = None  # 填报单位
    amount_unit: Field | None = None  # 金额单位: 万元 / 元
    header: dict[str, HeaderItem] = {}  # canonical label → item (项目名称, 年度预算金额, 部门名称 …)
    budget_block: dict[str, HeaderItem] = {}  # 预算情况: 资金总额, 一般公共预算 … 项目支出 (department)
    budget_block_row: int | None = None
    tasks: list[Task] = []
    breakdowns: list[Breakdown] = []
    funding: list[FundingGroup] = []  # 资金情况: each total with its source lines, per column group
    formulas_without_results: list[Field] = []  # text = the formula; its result is not in the file
    blocks: list[IndicatorBlock] = []
    indicators: list[Indicator] = []
    unread_rows: list[int] = []  # non-empty rows of the table that were not understood (rule S10)
    omitted: dict[str, int] = {}  # rule → findings beyond the per-rule cap, not listed one by one
    notes: list[ReaderNote] = []  # what the reader has to say about the layout
    form: str | None = None  # a layout family beyond the standard form: flat, tree, export, evaluation
    unreadable: str | None = None  # why a region that looks like a table could not be read at all
    # facts derived once from a table that is read (its money identities …); not part of the table's data
    _facts: dict[str, Any] = PrivateAttr(default_factory=dict)

    @property
    def facts(self) -> dict[str, Any]:
        return self._facts

    def __getstate__(self) -> dict[Any, Any]:
        """Pickled without its facts (a cache, derived again when asked): a third of what a worker sends."""
        state = super().__getstate__()
        private = state.get("__pydantic_private__")
        if private and private.get("_facts"):
            state = {**state, "__pydantic_private__": {**private, "_facts": {}}}
        return state

    @property
    def money_unit(self) -> str:
        """The 金额单位 amounts are read in: as declared, else 万元 (the standard of every template seen)."""
        return str(self.amount_unit.value) if self.amount_unit else "万元"

    @property
    def year_source(self) -> Field | None:
        """Where the table states its year: the title, else the （2021年度） line under it."""
        if self.title is not None and year_in(self.title):
            return self.title
        return self.year_line if self.year_line is not None and year_in(self.year_line) else None

    @property
    def year(self) -> int | None:
        """The year the title (or the line under it) states."""
        source = self.year_source
        return int(year_in(source)) if source is not None else None  # type: ignore[arg-type]

    @property
    def range(self) -> str:
        return f"{address(self.top, self.left)}:{address(self.bottom, self.right)}"

    def item_value(self, label: str) -> str | float | None:
        item = self.header.get(label) or self.budget_block.get(label)
        return item.value.value if item and item.value else None

    @property
    def name(self) -> str | None:
        value = self.item_value("部门名称" if self.kind == "department" else "项目名称")
        return str(value) if value is not None else None

    @property
    def budget(self) -> float | None:
        value = self.item_value("资金总额" if self.kind == "department" else "年度预算金额")
        if value is None and self.kind == "department":
            value = self.item_value("年度预算金额")  # a 预算总量 in the header instead of a 预算情况 block
        return value if isinstance(value, float) else None

    def in_period(self, indicator: Indicator) -> bool:
        """The indicator belongs to the year's targets (not a 中期 column group): what money rules sum."""
        periods = [block.period for block in self.blocks]
        period = periods[indicator.block] if indicator.block < len(periods) else None
        return period != MEDIUM_TERM or all(p == MEDIUM_TERM for p in periods)
