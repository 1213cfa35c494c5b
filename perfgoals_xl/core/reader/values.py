"""Split what people write in a value cell into operator, number and unit: `≥50村`, `>=98%`, `≤500万/月`."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime

from perfgoals_xl.core.grid import CellValue
from perfgoals_xl.core.vocab import half_width, leading_operator

_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
_DATE_LIKE = re.compile(r"^\d{4}\s*(?:年|\.|-|/)(?:\s*\d{1,2}\s*(?:月|\.|-|/)?)?(?:\s*\d{1,2}\s*日?)?")
DATE = re.compile(r"\d{4}\s*(?:年|\.|-|/)|\d{1,2}\s*月")  # 2026年12月, 2023.07, 12月底
_AMOUNT_SUFFIX = {"万": "万元", "万元": "万元", "元": "元", "亿": "亿元", "亿元": "亿元"}
TO_YUAN = {"元": 1.0, "万元": 1e4, "亿元": 1e8, "千元": 1e3}
# operators written after the number (docs/reference/rules.md §3.5: `95%以上` is ≥ 95 %, `3%以内` is ≤ 3 %)
_TRAILING_OPERATOR = {
    "及以上": "≥", "以上": "≥", "或以上": "≥", "及以下": "≤", "以下": "≤", "以内": "≤", "之内": "≤", "或以下": "≤",
}  # fmt: skip
_TRAILING = re.compile(rf"(?:{'|'.join(sorted(_TRAILING_OPERATOR, key=len, reverse=True))})[。.]?$")
_ODD_OPERATOR = re.compile(r"^(?:±|\+/-|\+-|~|～|≈|约|大约)")  # not an operator: kept so V01 can name it
MAX_UNIT_CHARS = 8  # `万元/月`, `元/人·月`, `万平方米`; a longer tail is prose, not a unit


@dataclass(frozen=True)
class ValueParts:
    """A value cell taken apart; `number` is None for text (定性) values."""

    text: str
    operator: str | None = None
    operator_text: str | None = None
    number: float | None = None
    unit_text: str | None = None


def cell_text(value: CellValue) -> str:
    """A cell as text the way Excel shows it (10.0 → `10`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "#NUM!"  # what Excel shows for a number it cannot hold
        return f"{value:.10g}" if value != int(value) or abs(value) >= 1e15 else str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def parse_number(text: str) -> float | None:
    """`1,234.5` → 1234.5, full-width digits allowed; None unless the whole text is one number."""
    compact = half_width(text).replace(" ", "")
    match = _NUMBER.fullmatch(compact)
    return float(match.group().replace(",", "")) if match else None


def split_value(value: CellValue, percent: bool = False) -> ValueParts:
    """Operator, number and unit of an indicator value; dates and prose stay text.

    `percent`: the cell is formatted as a percentage, so 0.95 is the 95 % the clerk sees."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if percent:
            number = round(float(value) * 100, 10)
            return ValueParts(text=f"{cell_text(number)}%", number=number, unit_text="%")
        return ValueParts(text=cell_text(value), number=float(value))
    text = cell_text(value)
    rest = half_width(text).strip()
    operator = leading_operator(rest)
    odd = None if operator else _ODD_OPERATOR.match(rest)
    if operator or odd:
        rest = rest[len(operator[1] if operator else odd.group()) :].strip()
    if odd:
        operator = ("?", odd.group())
    if _DATE_LIKE.match(rest):
        return _parts(text, operator)
    compact = rest.replace(" ", "")
    trailing = _TRAILING.search(compact)
    if trailing and (operator is None or odd):
        word = trailing.group().rstrip("。.")
        operator = operator or (_TRAILING_OPERATOR[word], word)
        compact = compact[: trailing.start()]
    match = _NUMBER.match(compact)
    if not match:
        return _parts(text, operator if not trailing else None)
    unit = compact[match.end() :].rstrip("。.") or None
    if unit is not None and (len(unit) > MAX_UNIT_CHARS or any(ch.isdigit() for ch in unit)):
        return _parts(text, operator if not trailing else None)  # `12月底前100%到位`: prose with numbers
    return ValueParts(
        text=text,
        operator=operator[0] if operator and operator[0] != "?" else None,
        operator_text=operator[1] if operator else None,
        number=float(match.group().replace(",", "")),
        unit_text=unit,
    )


def _parts(text: str, operator: tuple[str, str] | None) -> ValueParts:
    if operator is not None and operator[0] == "?":
        operator = None  # `约三成`: an odd sign before prose is just prose
    return ValueParts(
        text=text, operator=operator[0] if operator else None, operator_text=operator[1] if operator else None
    )


def parse_amount(value: CellValue) -> tuple[float, str | None] | None:
    """A money cell: (number, unit written after it or None): `200万` → (200, 万元), `1,234` → (1234, None)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value), None
    compact = half_width(cell_text(value)).replace(" ", "")
    match = _NUMBER.match(compact)
    if not match:
        return None
    suffix = compact[match.end() :]
    if suffix and suffix not in _AMOUNT_SUFFIX:
        return None
    return float(match.group().replace(",", "")), _AMOUNT_SUFFIX.get(suffix)


def money_in(number: float, unit: str | None, table_unit: str) -> float | None:
    """An amount written in `unit` (`万元`, `元`, `元/人` is not a total) expressed in the table's 金额单位."""
    if unit is None:
        return number
    base = unit.removesuffix("元") + "元" if unit in ("万", "亿") else unit
    if base not in TO_YUAN or table_unit not in TO_YUAN:
        return None
    return number * TO_YUAN[base] / TO_YUAN[table_unit]
