"""Text stays text: how every writer hands a string from a workbook or a data file to a host that writes cells.

A spreadsheet reads an entry that starts with `=`, `+`, `-` or `@` as a formula — `=HYPERLINK("http://…")`
becomes a live link and a DDE call such as `=cmd|' /C calc'!A0` asks to start a program — and a leading tab
or line break is how such an entry hides in an export. Nothing a submitted file brings may become a formula in
what we write, so every writer goes through this module:

- openpyxl (files/write/cells.py) writes a string cell whatever it starts with (openpyxl itself would make
  `=…` a formula) and sets the quote prefix on one that reads as a formula, so editing it in Excel keeps it
  text;
- xlwings (excel/) writes `typed_entry(value)`: Excel parses a value written through the object model as if
  typed (formulas, but also numbers and dates: `2026-1` would become a date), and an entry behind an
  apostrophe is kept exactly, as text — the apostrophe is not part of the value.

Only formulas we build on purpose (the HYPERLINK of the 校验结果 sheet) bypass this.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n")  # what starts a formula (or hides one) in a cell entry
TEXT_PREFIX = "'"  # Excel's quote prefix: what follows is text


def reads_as_formula(text: str) -> bool:
    """Whether a spreadsheet would read this entry as a formula (or an injected one) if typed into a cell."""
    return text.startswith(FORMULA_LEADS)


def typed_entry(value: object) -> object:
    """A value as Excel must receive it through xlwings: a non-empty string behind the quote prefix (stored as
    that exact text), anything else unchanged."""
    if isinstance(value, str) and value:
        return TEXT_PREFIX + value
    return value


def typed_rows(rows: Iterable[Iterable[object]]) -> list[list[object]]:
    """`typed_entry` over a block of rows, for one bulk write."""
    return [[typed_entry(value) for value in row] for row in rows]
