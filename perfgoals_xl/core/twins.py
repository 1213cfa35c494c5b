"""Native twins: the checks a standard form carries itself, so it flags the commonest mistakes while the clerk
types — in Excel 2010+, WPS or LibreOffice, with no Python and no add-in.

A twin is a conditional format (a light fill on the offending cell) whose formula mirrors one rule of the
catalog for the cases a cell formula can judge; the full check stays the authority (docs/rules.md, column
表内检查, says which rules have one and what it covers). Here twins are plain data — formulas as text for a
form's layout — for any host to draw: `perfgoals_xl.templates.native` (openpyxl) and the Excel buttons.

The formulas use only functions all three spreadsheets evaluate (AND OR NOT IF IFERROR ISNUMBER ISERROR ISTEXT
EXACT FIND SEARCH TRIM LEFT INT ABS SUM COUNT COUNTA SUMPRODUCT MATCH OFFSET LOOKUP CELL ROW NA); no LET,
LAMBDA, XLOOKUP or dynamic arrays, and none is longer than the 255 characters Excel allows. A row's formula is
relative to its row, so an inserted indicator row inherits it; the 二级 a row belongs to is the last label at or
above it (`LOOKUP(2,1/(…<>""),…)`). Sums over the form are sheet-scoped defined names (`pg_cost_sum` …), which
travel with the sheet when it is copied. Every formula starts `AND(ISTEXT("表内检查V04"),…` — always true: it
names the rule in the spreadsheet's rule manager and tells a twin from a user's own rule; none carries our
`perfgoals:` marker, so clearing our marks leaves the twins alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from perfgoals_xl.core.grid import address, column_letter
from perfgoals_xl.core.marks import quote_sheet
from perfgoals_xl.core.models import Severity, Table
from perfgoals_xl.core.rules.registry import rule_key
from perfgoals_xl.core.semantics import COST_LEVEL2
from perfgoals_xl.core.settings import Thresholds
from perfgoals_xl.core.vocab import COUNT_UNITS, HIERARCHY, LEVEL2, MONEY_UNITS, NO_UNIT, canonical_level2

TAG = "表内检查"  # in every twin's formula: ISTEXT("表内检查V04")
COLORS: dict[str, str] = {"error": "FFC7CE", "warning": "FFEB9C"}  # Excel's own light red and light yellow
MAX_FORMULA = 255  # characters Excel accepts in a conditional format or validation formula
HELP_TITLE = "标色提示"  # heads the list of twins in a cell's input message
QUANTITATIVE = ("≥", "≤", "=", ">", "<")
PERCENT_SPELLINGS = ("%", "％", "百分比", "百分率")
LEVEL_COPIES = tuple(dict.fromkeys((*HIERARCHY, *LEVEL2, "产出", "效益", "满意度", "成本")))
COST_SPELLINGS = tuple(
    word
    for word in (*COST_LEVEL2, *(w.removesuffix("指标") for w in COST_LEVEL2), "生态成本指标", "生态成本")
    if canonical_level2(word) in COST_LEVEL2
)
ECONOMIC_COST = "经济成本*"  # the 经济成本指标 label (or 经济成本) that starts the run C01 sums
MONEY_FACTORS = {"元": 1, "千元": 1000, "万元": 10000, "万": 10000, "亿元": 100000000}
assert set(MONEY_FACTORS) == {*MONEY_UNITS, "万"}  # the units semantics.money_value converts
HELPER_NAMES = {  # sheet-scoped; `rows` is the indicator block itself (a host finds the form by it, and
    # Excel moves it with inserted rows)
    "rows": "pg_twin_rows",
    "cost_sum": "pg_cost_sum",
    "sources_sum": "pg_sources_sum",
    "uses_sum": "pg_uses_sum",
}
SOURCES = ("一般公共预算", "政府性基金预算", "财政专户管理资金", "其他资金")
USES = ("基本支出", "项目支出")
SATISFACTION_LOW = max(Thresholds().satisfaction_floor, Thresholds().satisfaction_warn_below)
TOLERANCE = Thresholds().money_tolerance  # in the form's 金额单位


@dataclass(frozen=True)
class FormLayout:
    """Where a standard form keeps what its twins read: the indicator columns by role (level1, level2, name,
    value, unit, operator), the indicator rows first..last, and single cells by key (project: budget,
    amount_unit, table_name; department: total and each of SOURCES/USES, amount_unit, table_name)."""

    sheet: str
    kind: Literal["project", "department"]
    columns: Mapping[str, int]
    first: int
    last: int
    cells: Mapping[str, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class NativeCheck:
    """One conditional format to draw: `formula` (no leading `=`) is relative to the top-left cell of `ref`."""

    rule: str
    severity: Severity
    ref: str
    formula: str
    target: str  # the column role or cell key it colours
    hint: str  # Chinese, for the input message of its cells


# --- what a formula can say about a row ------------------------------------------------------------------------


def _listed(expr: str, words: tuple[str, ...]) -> str:
    """`expr` is one of `words` (blank matches when "" is among them): FIND in a |-joined list."""
    return f'ISNUMBER(FIND("|"&{expr}&"|","|{"|".join(words)}|"))'


class Refs:
    """What a twin's formula reads, as seen from the cell it is anchored on (an indicator row, or a single
    cell of the form). A role or key the form lacks raises KeyError: that twin is not drawn."""

    def __init__(self, layout: FormLayout, row: int) -> None:
        self.layout, self.row = layout, row

    def __getitem__(self, role: str) -> str:
        """The cell of `role` on this row, relative (`E9`)."""
        return f"{column_letter(self.layout.columns[role])}{self.row}"

    def cell(self, key: str) -> str:
        return address(*self.layout.cells[key])

    def fixed(self, key: str) -> str:
        row, col = self.layout.cells[key]
        return f"${column_letter(col)}${row}"

    def helper(self, key: str) -> str:
        if HELPER_NAMES[key] not in helper_names(self.layout):
            raise KeyError(key)
        return HELPER_NAMES[key]

    def upto(self, role: str) -> str:
        """The column of `role` from the first indicator row down to this one (`$C$9:$C12`)."""
        letter = column_letter(self.layout.columns[role])
        return f"${letter}${self.layout.first}:${letter}{self.row}"

    def carried(self, role: str) -> str:
        """The label of `role` at or above this row: a merged 二级 label sits in its first row."""
        return f'LOOKUP(2,1/({self.upto(role)}<>""),{self.upto(role)})'

    def one_of(self, role: str, words: tuple[str, ...]) -> str:
        return _listed(f"TRIM({self[role]})", words)

    def blank(self, role: str) -> str:
        return f'TRIM({self[role]})=""'

    def filled(self, role: str) -> str:
        return f'TRIM({self[role]})<>""'

    def op(self, *ops: str) -> str:
        return f'TRIM({self["operator"]})="{ops[0]}"' if len(ops) == 1 else self.one_of("operator", ops)

    def percent_format(self) -> str:
        """The value cell shows a percentage (0.95 as 95%): the reader takes it as 95 %."""
        return f'LEFT(CELL("format",{self["value"]}))="P"'

    def number(self) -> str:
        return f"{self['value']}*IF({self.percent_format()},100,1)"

    def no_unit(self) -> str:
        """The unit cell blank or 无, and no percent format to imply %."""
        return f"NOT({self.percent_format()}),{self.one_of('unit', ('', *NO_UNIT))}"

    def percent_unit(self) -> str:
        return f"OR({self.percent_format()},{self.one_of('unit', PERCENT_SPELLINGS)})"

    def satisfaction(self) -> str:
        return f'ISNUMBER(SEARCH("满意",{self["name"]})),ISERROR(SEARCH("不满意",{self["name"]}))'

    def cost_row(self) -> str:
        return _listed(self.carried("level2"), COST_SPELLINGS)

    def not_qualitative_number(self) -> str:
        return f'ISNUMBER({self["value"]}),TRIM({self["operator"]})<>"定性"'


@dataclass(frozen=True)
class Condition:
    """One case of a twin: the cell it colours (`target`: a column role, or a cell key when `cell`), a short
    Chinese hint for that cell's input message, and the conjuncts of its formula."""

    rule: str
    severity: Severity
    target: str
    hint: str
    build: Callable[[Refs], str]
    cell: bool = False


CONDITIONS: list[Condition] = []


def _twin(
    rule: str, severity: Severity, target: str, hint: str, cell: bool = False
) -> Callable[[Callable[[Refs], str]], Callable[[Refs], str]]:
    def register(build: Callable[[Refs], str]) -> Callable[[Refs], str]:
        CONDITIONS.append(Condition(rule, severity, target, hint, build, cell))
        return build

    return register


# --- the twins: each mirrors its rule for what a formula can judge (docs/rules.md, 表内检查) ---------------------


@_twin("V01", "error", "operator", "有数值须选指标值类型")
def _v01_type_missing(r: Refs) -> str:
    return f"ISNUMBER({r['value']}),{r.blank('operator')}"


@_twin("V02", "error", "unit", "数值须有度量单位")
def _v02_unit_missing(r: Refs) -> str:
    return f"{r.not_qualitative_number()},{r.no_unit()}"


@_twin("V02", "error", "value", "定量指标须填指标值")
def _v02_value_missing(r: Refs) -> str:
    return f"{r.op(*QUANTITATIVE)},{r.blank('value')},{r.filled('name')}"


@_twin("V03", "error", "unit", "定性指标不带计量单位")
def _v03_unit_written(r: Refs) -> str:
    return f"{r.op('定性')},{r.filled('value')},NOT({r.one_of('unit', ('', *NO_UNIT))})"


@_twin("V03", "warning", "value", "定性指标须填文字")
def _v03_text_missing(r: Refs) -> str:
    return f"{r.op('定性')},{r.blank('value')},{r.filled('name')}"


@_twin("V04", "error", "value", "百分比须在0～100之间")
def _v04_percent_range(r: Refs) -> str:
    return f"ISNUMBER({r['value']}),{r.percent_unit()},OR({r.number()}<0,{r.number()}>100)"


@_twin("V05", "error", "value", "计数单位的值须为整数")
def _v05_whole_count(r: Refs) -> str:
    return f"ISNUMBER({r['value']}),{r.one_of('unit', COUNT_UNITS)},{r.number()}<>INT({r.number()})"


@_twin("V06", "error", "operator", "满意度用“≥”")
def _v06_direction(r: Refs) -> str:
    return f"{r.satisfaction()},{r.op('≤', '<')}"


@_twin("V06", "warning", "operator", "不宜用“=”")
def _v06_equals(r: Refs) -> str:
    return f"{r.satisfaction()},{r.op('=')}"


@_twin("V06", "warning", "value", "满意度宜量化为百分比")
def _v06_qualitative(r: Refs) -> str:
    return f"{r.satisfaction()},{r.op('定性')}"


@_twin("V06", "warning", "value", "单位为%")
def _v06_unit(r: Refs) -> str:
    return f"{r.satisfaction()},{r.not_qualitative_number()},NOT({r.percent_unit()})"


@_twin("V06", "warning", "value", f"宜≥{SATISFACTION_LOW:g}%且<100%")
def _v06_level(r: Refs) -> str:
    number = r.number()
    return f"{r.satisfaction()},{r.not_qualitative_number()},OR({number}>=100,{number}<{SATISFACTION_LOW:g})"


@_twin("V07", "error", "operator", "成本指标不用“≥”“>”")
def _v07_direction(r: Refs) -> str:
    return f"{r.cost_row()},{r.op('≥', '>')},OR({r.filled('name')},{r.filled('value')})"


@_twin("V07", "warning", "operator", "货币成本一般用“≤”")
def _v07_equals(r: Refs) -> str:
    return f"{r.cost_row()},{r.op('=')},ISNUMBER({r['value']}),{r.one_of('unit', tuple(MONEY_FACTORS))}"


@_twin("V07", "warning", "value", "成本指标须写“≤”")
def _v07_no_operator(r: Refs) -> str:
    return f"{r.cost_row()},ISNUMBER({r['value']}),{r.blank('operator')}"


@_twin("V13", "error", "value", "定性指标值应为文字")
def _v13_qualitative_number(r: Refs) -> str:
    return f"{r.op('定性')},ISNUMBER({r['value']}),{r.no_unit()}"


@_twin("H08", "warning", "name", "有指标值须有名称")
def _h08_name_missing(r: Refs) -> str:
    return f"{r.blank('name')},{r.filled('value')}"


@_twin("H08", "warning", "name", "不写“是否……”、不照抄层级名")
def _h08_question_or_level(r: Refs) -> str:
    return f'OR(LEFT(TRIM({r["name"]}),2)="是否",{r.one_of("name", LEVEL_COPIES)})'


@_twin("H08", "warning", "name", "不照抄项目（部门）名称")
def _h08_table_name(r: Refs) -> str:
    return f"{r.filled('name')},TRIM({r['name']})=TRIM({r.fixed('table_name')})"


@_twin("S05", "warning", "name", "名称不重复")
def _s05_repeated(r: Refs) -> str:
    return f"{r.filled('name')},SUMPRODUCT(--EXACT(TRIM({r.upto('name')}),TRIM({r['name']})))>1"


@_twin("C01", "error", "budget", "经济成本指标合计不得超过本预算", cell=True)
def _c01_costs_over_budget(r: Refs) -> str:
    budget = r.cell("budget")
    return f"ISNUMBER({budget}),{r.helper('cost_sum')}-{budget}>{TOLERANCE:g}"


@_twin("C04", "error", "total", "应等于按收入性质分之和", cell=True)
def _c04_sources(r: Refs) -> str:
    total = r.cell("total")
    return f"ISNUMBER({total}),ABS({total}-{r.helper('sources_sum')})>{TOLERANCE:g}"


@_twin("C05", "error", "total", "应等于基本支出＋项目支出", cell=True)
def _c05_uses(r: Refs) -> str:
    total = r.cell("total")
    return f"ISNUMBER({total}),ABS({total}-{r.helper('uses_sum')})>{TOLERANCE:g}"


# --- planning -------------------------------------------------------------------------------------------------


def formula(condition: Condition, refs: Refs) -> str:
    """The twin's formula (no leading `=`): the tag, then the condition's conjuncts."""
    return f'AND(ISTEXT("{TAG}{condition.rule}"),{condition.build(refs)})'


def native_checks(layout: FormLayout, rows: tuple[int, int] | None = None) -> list[NativeCheck]:
    """The form's twins, errors first (they win where two colour one cell). `rows` limits them to some rows
    (a host redrawing what it had to clear): row twins over those rows, cell twins whose cell is among them."""
    top, bottom = rows or (1, 1 << 20)
    first, last = max(top, layout.first), min(bottom, layout.last)
    checks = []
    for condition in sorted(CONDITIONS, key=lambda c: c.severity != "error"):
        try:
            if condition.cell:
                row, col = layout.cells[condition.target]
                if not top <= row <= bottom:
                    continue
                ref, text = address(row, col), formula(condition, Refs(layout, row))
            elif first <= last:
                letter = column_letter(layout.columns[condition.target])
                ref, text = f"{letter}{first}:{letter}{last}", formula(condition, Refs(layout, first))
            else:
                continue
        except KeyError:
            continue  # the form has no such column or cell
        checks.append(
            NativeCheck(condition.rule, condition.severity, ref, text, condition.target, condition.hint)
        )
    return checks


def help_text(layout: FormLayout, target: str) -> str:
    """The input-message line naming the twins that colour `target` (a column role or cell key), or ""."""
    hints: dict[str, list[str]] = {}
    for check in native_checks(layout):
        if check.target == target and check.hint not in hints.get(check.rule, []):
            hints.setdefault(check.rule, []).append(check.hint)
    lines = [f"{rule} {'，'.join(hints[rule])}" for rule in sorted(hints, key=rule_key)]
    return f"{HELP_TITLE}：" + "；".join(lines) + "。" if lines else ""


def is_twin_formula(text: str) -> bool:
    """A conditional format that is part of a form (a twin), not a mark of a check."""
    return f'ISTEXT("{TAG}' in text


def twin_rules() -> list[str]:
    """The rule ids that have a twin, in catalog order."""
    return sorted({c.rule for c in CONDITIONS}, key=rule_key)


# --- the sums the money twins compare: sheet-scoped names --------------------------------------------------------


def helper_names(layout: FormLayout) -> dict[str, str]:
    """Defined name → formula (with `=`), to be scoped to the form's sheet."""
    sheet = quote_sheet(layout.sheet)
    left, right = min(layout.columns.values()), max(layout.columns.values())
    names = {
        HELPER_NAMES["rows"]: f"={sheet}!{_absolute(layout.first, left)}:{_absolute(layout.last, right)}"
    }
    if layout.kind == "project" and {"level2", "value", "unit"} <= set(layout.columns):
        names[HELPER_NAMES["cost_sum"]] = "=" + _cost_sum(layout, sheet)
    for key, labels in (("sources_sum", SOURCES), ("uses_sum", USES)):
        parts = ",".join(f"{sheet}!{_absolute(*layout.cells[x])}" for x in labels if x in layout.cells)
        if layout.kind == "department" and parts:  # a part written as text: not judged (NA), as C04/C05
            names[HELPER_NAMES[key]] = f"=IF(COUNT({parts})=COUNTA({parts}),SUM({parts}),NA())"
    return names


def _absolute(row: int, col: int) -> str:
    return f"${column_letter(col)}${row}"


def _cost_sum(layout: FormLayout, sheet: str) -> str:
    """Σ of the money values (元, 万元 … converted to the 金额单位; not 元/人) under 经济成本指标 — the rows
    from its label down to the next 二级 label — as C01 sums them."""
    letters = {role: column_letter(layout.columns[role]) for role in ("level2", "value", "unit")}
    span = {role: f"{sheet}!${x}${layout.first}:${x}${layout.last}" for role, x in letters.items()}
    rows = layout.last - layout.first + 1
    start = f'MATCH("{ECONOMIC_COST}",{span["level2"]},0)'
    top = f"{sheet}!${letters['level2']}${layout.first}"
    end = f'{start}+IFERROR(MATCH("?*",OFFSET({top},{start},0,{rows}-{start},1),0),{rows}-{start}+1)'
    index = f"ROW({span['level2']})-{layout.first - 1}"
    factors = "+".join(f'({span["unit"]}="{unit}")*{factor}' for unit, factor in MONEY_FACTORS.items())
    table_unit = "10000"  # 万元, the reader's default
    if "amount_unit" in layout.cells:
        line = f"{sheet}!{_absolute(*layout.cells['amount_unit'])}"
        table_unit = f'IF(ISNUMBER(FIND("万元",{line})),10000,IF(ISNUMBER(FIND("元",{line})),1,10000))'
    mask = f"({index}>={start})*({index}<{end})*({factors})"
    return f"IFERROR(SUMPRODUCT({mask},{span['value']})/{table_unit},0)"


def layout_from_table(table: Table, rows: tuple[int, int]) -> FormLayout | None:
    """The layout of a form as the reader found it, its indicator rows first..last as `pg_twin_rows` says:
    for a host that has no filler's names to go by (they are not copied with a sheet)."""
    block = next((b for b in table.blocks if b.first_row <= rows[0] <= b.last_row + 1), None)
    if block is None:
        return None
    cells: dict[str, tuple[int, int]] = {}
    if table.amount_unit is not None:
        cells["amount_unit"] = (table.amount_unit.at.row, table.amount_unit.at.col)
    items = {"table_name": table.header.get("部门名称" if table.kind == "department" else "项目名称")}
    items["budget"] = table.header.get("年度预算金额") if table.kind == "project" else None
    for label, item in table.budget_block.items():
        items["total" if label == "资金总额" else label] = item
    cells |= {key: (item.value_at.row, item.value_at.col) for key, item in items.items() if item is not None}
    return FormLayout(table.sheet, table.kind, dict(block.columns), rows[0], rows[1], cells)
