"""Marks: what the user sees for a list of findings, planned as plain data for any host to draw.

- a conditional-format fill over each offending row block of a table (error / warning colour), whose formula
  carries a marker, so the user's own fills are never touched and clearing deletes only our rules;
- a note (批注) on the offending cell — the top-left cell of a merged range — starting with NOTE_PREFIX;
- a 校验结果 sheet: a summary line (counts, the settings in force and where they came from, any warning about
  them), then one row per finding with a link to its cell (notes do not print) —
  except a cell on a hidden sheet (Excel cannot go there: the link would do nothing);
- hidden defined names `_pg_marks_N` / `_pg_notes_N`, each a union of areas on one sheet, recording what we
  marked, so 清除标记 removes exactly that even after the user inserted rows (Excel moves the names).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from perfgoals_xl.core.grid import address, parse_address
from perfgoals_xl.core.models import SEVERITY_NAMES, Severity, Table
from perfgoals_xl.core.provenance import SettingsInForce, settings_line
from perfgoals_xl.core.report import Finding

NOTE_PREFIX = "【绩效校验】"
RESULTS_SHEET = "校验结果"
MARKS_NAME = "_pg_marks"
NOTES_NAME = "_pg_notes"
VALUES_NAME = "_pg_values"  # totals that 计算合计 wrote into empty cells; clearing empties them again
WRITTEN_NAME = "_pg_written"  # the value written there: a number the user typed over it since is kept
NAME_PREFIX = "_pg_"
# Still told apart on a black-and-white printer: an error row prints mid grey, a warning row light grey and, where
# the host can draw a pattern (file mode, desktop Excel), dotted; 校验结果 says the level word in bold.
FILL_COLORS = {"error": "#FF7C80", "warning": "#FFE699"}
WARNING_PATTERN = ("lightGray", "#7F6000")  # OOXML's 25 % grey dots, in dark gold, over the warning's yellow
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
MARKER_FORMULAS = {s: f'=ISTEXT("perfgoals:{s}")' for s in FILL_COLORS}  # always true; the text is our marker
MARKER = "perfgoals:"
RESULT_HEADER = ("序号", "级别", "规则", "工作表", "单元格", "说明")
MAX_REFERS_TO = 1000  # characters per defined name; Excel allows ~8192, the UI 255 — stay well inside
MAX_UNION_ADDRESS = 255  # COM Range("A1:H1,A3:H3") address strings


@dataclass(frozen=True)
class Block:
    """Rows top..bottom across columns left..right of one sheet, filled in the colour of `severity`."""

    sheet: str
    top: int
    bottom: int
    left: int
    right: int
    severity: Severity

    @property
    def ref(self) -> str:
        return f"{address(self.top, self.left)}:{address(self.bottom, self.right)}"


@dataclass(frozen=True)
class Note:
    sheet: str
    row: int
    col: int
    text: str

    @property
    def cell(self) -> str:
        return address(self.row, self.col)


@dataclass(frozen=True)
class Plan:
    """Everything to draw for one check."""

    blocks: list[Block]
    notes: list[Note]
    results: list[Finding]
    summary: str
    checked_sheets: list[str] = field(default_factory=list)
    hidden_sheets: frozenset[str] = frozenset()  # hidden or very hidden: their result rows get no link
    source: str = ""  # the checked file's name, for the printed page's header
    checked_at: datetime | None = None

    def has_link(self, finding: Finding) -> bool:
        """Whether the finding's results row links to its cell (not on a hidden sheet)."""
        return finding.sheet not in self.hidden_sheets

    @property
    def first_error(self) -> Finding | None:
        """The first error, else the first warning: where the handler puts the cursor."""
        for severity in ("error", "warning"):
            found = next((f for f in self.results if f.severity == severity), None)
            if found is not None:
                return found
        return None

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.results if f.severity == severity)


Anchor = Callable[[str, int, int], tuple[int, int]]


def plan_marks(
    tables: list[Table],
    findings: list[Finding],
    *,
    source: str,
    checked_at: datetime,
    anchor: Anchor | None = None,
    hidden_sheets: Iterable[str] = (),
    settings: SettingsInForce | None = None,
) -> Plan:
    """Blocks, notes and result rows for these findings; `anchor` maps a cell to its merged range's top-left;
    `hidden_sheets` are the workbook's hidden sheets (no link goes there); `settings`, those in force, are
    said in the summary line with any warning about them."""
    anchor = anchor or (lambda _sheet, row, col: (row, col))
    marked = [f for f in findings if f.severity != "info"]
    summary = (
        f"校验时间：{checked_at:%Y-%m-%d %H:%M}　文件：{source}　表：{len(tables)} 张　"
        f"错误：{_count(findings, 'error')} 条　警告：{_count(findings, 'warning')} 条　提示：{_count(findings, 'info')} 条"
    )
    if settings is not None:
        summary += f"　{settings_line(settings)}" + "".join(f"　注意：{w}。" for w in settings.warnings)
    return Plan(
        blocks=_blocks(tables, marked),
        notes=_notes(marked, anchor),
        results=ordered_results(findings, settings.settings.results_order if settings else "severity"),
        summary=summary,
        checked_sheets=list(dict.fromkeys(t.sheet for t in tables)),
        hidden_sheets=frozenset(hidden_sheets),
        source=source,
        checked_at=checked_at,
    )


def ordered_results(findings: list[Finding], order: str = "severity") -> list[Finding]:
    """校验结果's rows: errors, then warnings, then hints, each in sheet order (`severity`, the default); or
    in sheet order with the hints last (`sheet`, the setting results_order)."""
    if order == "sheet":
        return sorted(findings, key=lambda f: f.severity == "info")
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])


def _count(findings: list[Finding], severity: str) -> int:
    return sum(1 for f in findings if f.severity == severity)


def _blocks(tables: list[Table], findings: list[Finding]) -> list[Block]:
    """One severity per row of each table (error wins), spanning that table's columns (two tables side by
    side mark the same row apart); consecutive rows merged."""
    rows: dict[tuple[str, int, int, int], Severity] = {}
    for finding in findings:
        left, right = _span(tables, finding)
        key = (finding.sheet, finding.row, left, right)
        if key not in rows or (rows[key] == "warning" and finding.severity == "error"):
            rows[key] = finding.severity
    blocks: list[Block] = []
    for (sheet, row, left, right), severity in sorted(
        rows.items(), key=lambda item: (item[0][0], item[0][2], item[0][1])
    ):
        last = blocks[-1] if blocks else None
        if last and (last.sheet, last.bottom + 1, last.left, last.right, last.severity) == (
            sheet, row, left, right, severity,
        ):  # fmt: skip
            blocks[-1] = Block(sheet, last.top, row, left, right, severity)
        else:
            blocks.append(Block(sheet, row, row, left, right, severity))
    return blocks


def _span(tables: list[Table], finding: Finding) -> tuple[int, int]:
    """The columns of the table the finding's cell lies in (by row, then by column among side-by-side ones)."""
    on_row = [t for t in tables if t.sheet == finding.sheet and t.top <= finding.row <= t.bottom]
    table = next((t for t in on_row if t.left <= finding.col <= t.right), on_row[0] if on_row else None)
    return (table.left, table.right) if table is not None else (finding.col, finding.col)


def _notes(findings: list[Finding], anchor: Anchor) -> list[Note]:
    """One note per cell, listing every finding there."""
    lines: dict[tuple[str, int, int], list[str]] = {}
    for finding in findings:
        row, col = anchor(finding.sheet, finding.row, finding.col)
        lines.setdefault((finding.sheet, row, col), []).append(
            f"{SEVERITY_NAMES[finding.severity]} {finding.rule}：{finding.message}"
        )
    return [
        Note(sheet, row, col, NOTE_PREFIX + "\n" + "\n".join(text))
        for (sheet, row, col), text in lines.items()
    ]


def result_rows(plan: Plan) -> list[list[object]]:
    """The 校验结果 sheet as rows: the summary line, the header, one row per finding (cell as text)."""
    rows: list[list[object]] = [[plan.summary], list(RESULT_HEADER)]
    for number, finding in enumerate(plan.results, 1):
        rows.append(
            [
                number,
                SEVERITY_NAMES[finding.severity],
                finding.rule,
                finding.sheet,
                finding.cell,
                finding.message,
            ]
        )
    return rows


def is_results_header(values: list[object] | tuple[object, ...]) -> bool:
    """Row 2 of our 校验结果 sheet: how a host tells ours from a user's sheet that happens to share the name."""
    return tuple(values[: len(RESULT_HEADER)]) == RESULT_HEADER


def link_target(sheet: str, cell: str) -> str:
    """An internal hyperlink target: #'表名'!C74 (quotes doubled inside the name)."""
    return f"#'{sheet.replace(chr(39), chr(39) * 2)}'!{cell}"


# --- the registry of our marks: defined names that refer to the marked areas ---------------------------------


def quote_sheet(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def absolute(ref: str) -> str:
    """C3:H5 → $C$3:$H$5."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in ref.split(":"))


def registry_names(plan: Plan) -> dict[str, str]:
    """Defined name → refers_to (`='表'!$A$3:$H$5,'表'!$A$9:$H$9`), chunked per sheet and by length."""
    names: dict[str, str] = {}
    for base, refs in (
        (MARKS_NAME, [(b.sheet, b.ref) for b in plan.blocks]),
        (NOTES_NAME, [(n.sheet, n.cell) for n in plan.notes]),
    ):
        for formula in _union_formulas(refs):
            names[f"{base}_{len([n for n in names if n.startswith(base)]) + 1}"] = formula
    return names


def is_value_name(name: str) -> bool:
    """A name recording a total 计算合计 wrote (kept by a new check, removed only by 清除标记)."""
    return name.split("!")[-1].startswith((VALUES_NAME, WRITTEN_NAME))


def value_names(written: list[tuple[str, str, float]], start: int = 1) -> dict[str, str]:
    """Defined names recording each total 计算合计 wrote: `_pg_values_N` → its cell, `_pg_written_N` → the value,
    so that clearing empties the cell only while it still holds what we wrote."""
    names: dict[str, str] = {}
    for index, (sheet, cell, value) in enumerate(written, start):
        names[f"{VALUES_NAME}_{index}"] = f"={quote_sheet(sheet)}!{absolute(cell)}"
        names[f"{WRITTEN_NAME}_{index}"] = f"={value!r}"
    return names


def written_values(names: dict[str, str]) -> list[tuple[str, str, float | None]]:
    """(sheet, cell, value we wrote or None when unknown) from the names `value_names` made."""
    found = []
    for name, refers_to in names.items():
        base = name.split("!")[-1]
        if not base.startswith(VALUES_NAME + "_"):
            continue
        written = names.get(f"{WRITTEN_NAME}_{base.removeprefix(VALUES_NAME + '_')}", "")
        try:
            value: float | None = float(written.lstrip("="))
        except ValueError:
            value = None
        found.extend((sheet, ref.split(":")[0], value) for sheet, ref in parse_refers_to(refers_to))
    return found


def still_written(current: object, written: float | None) -> bool:
    """The cell still holds the total we wrote (or we cannot tell): clearing may empty it."""
    if written is None:
        return current is not None
    return isinstance(current, int | float) and abs(float(current) - written) <= 1e-9 * max(1.0, abs(written))


def _union_formulas(refs: Iterable[tuple[str, str]]) -> list[str]:
    formulas: list[str] = []
    by_sheet: dict[str, list[str]] = {}
    for sheet, ref in refs:
        by_sheet.setdefault(sheet, []).append(f"{quote_sheet(sheet)}!{absolute(ref)}")
    for parts in by_sheet.values():
        current: list[str] = []
        for part in parts:
            if current and len("=" + ",".join([*current, part])) > MAX_REFERS_TO:
                formulas.append("=" + ",".join(current))
                current = []
            current.append(part)
        formulas.append("=" + ",".join(current))
    return formulas


_AREA = re.compile(r"(?:'((?:[^']|'')+)'|([^'!,=()]+))!\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?")


def parse_refers_to(formula: str) -> list[tuple[str, str]]:
    """`='表'!$A$3:$H$5,表2!$C$9` → [("表", "A3:H5"), ("表2", "C9:C9")]; areas Excel moved are read as they are."""
    areas = []
    for quoted, bare, col1, row1, col2, row2 in _AREA.findall(formula):
        sheet = quoted.replace("''", "'") if quoted else bare
        areas.append((sheet, f"{col1}{row1}:{col2 or col1}{row2 or row1}"))
    return areas


def is_registry_name(name: str) -> bool:
    return name.split("!")[-1].startswith(NAME_PREFIX)


def area_cells(ref: str) -> tuple[int, int, int, int]:
    """`A3:H5` → (top, left, bottom, right)."""
    first, _, last = ref.partition(":")
    (top, left), (bottom, right) = parse_address(first), parse_address(last or first)
    return top, left, bottom, right


def union_addresses(refs: list[str], limit: int = MAX_UNION_ADDRESS) -> list[str]:
    """Chunks of `A3:H5,A9:H9,…` no longer than `limit` characters (COM's Range address limit)."""
    chunks: list[str] = []
    current = ""
    for ref in refs:
        candidate = f"{current},{ref}" if current else ref
        if len(candidate) > limit and current:
            chunks.append(current)
            candidate = ref
        current = candidate
    if current:
        chunks.append(current)
    return chunks
