"""Score the checker on the real development tables (tests/corpus/real) against the reviewer's DEFECTS.md.

Each TSV is written as a one-sheet .xlsx, checked with default settings, and its error/warning findings are
matched to the expected defects by rule family (H/V/C/S, the first letter of the rule id) and row ± 1.
Run as a script: `python tests/support/corpus_score.py [--verbose] [DV05 ...]`.
"""

from __future__ import annotations

import re
import sys
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "real"
FAMILIES = frozenset("HVCS")
COUNTED = ("error", "warning")  # info findings are hints, never scored

_NUMERAL = re.compile(r"[+-]?\d+(?:\.\d+)?")
_ID = re.compile(r"DV\d\d")
# A row spec: `row 5`, `rows 11–18`, `rows 6 & 10`, `rows 6–8, 11, 12`, `row 15 vs row 10`, `rows 17–21 vs row 5`.
_SPANS = r"rows?\s+\d+(?:\s*[–-]\s*\d+)?(?:\s*[&,]\s*\d+(?:\s*[–-]\s*\d+)?)*"
_SPEC = re.compile(rf"{_SPANS}(?:\s+vs\s+{_SPANS})?")
_DEFECT = re.compile(rf"-\s+(DV\d\d)\s+({_SPEC.pattern})\s*:\s*(.*)")
_PASS = re.compile(r"-\s+(DV\d\d)\s+pass\s*:\s*(.*)")
_IGNORE = re.compile(r"-\s+ignore\s*:\s*(.*)")
_HEADING = re.compile(r"##\s+(DV\d\d)\b")
_FAMILY = re.compile(r"\(([A-Z])(?:\s*;[^)]*)?\)")
_PASS_WORDS = {  # pass-line keywords → the family a checker must not flag there
    "C": ("资金", "金额", "预算", "money", "合计", "权重", "weights", "sum", "consistent", "×"),
    "V": ("operator", "≥", "≧", ">=", "%", "value", "单位", "unit"),
    "H": ("hierarchy", "一级", "二级", "block", "层级", "产出"),
    "S": ("label", "header", "template", "表头", "layout"),
}
_EQUATION = re.compile(r"[\d元㎡)]\s*=\s*\d")  # `80 = 80 + 0.00`, `2243.02万元 = 22,430,200元`: an identity


class Hit(NamedTuple):
    """A finding as scored: `(rule_id, severity, row)`, plus the message for the verbose report."""

    rule: str
    severity: str
    row: int
    message: str = ""


@dataclass
class Defect:
    rows: set[int]
    family: str
    text: str


@dataclass
class PassLine:
    rows: set[int]
    families: set[str]
    text: str


@dataclass
class TableExpectations:
    defects: list[Defect] = field(default_factory=list)
    passes: list[PassLine] = field(default_factory=list)
    ignored: set[int] = field(default_factory=set)
    unparsed: list[str] = field(default_factory=list)  # `- ` lines of the section no pattern understood


@dataclass
class TableScore:
    table_id: str
    results: list[tuple[Defect, Hit | None]] = field(default_factory=list)  # each defect, and what found it
    false_alarms: list[Hit] = field(default_factory=list)
    pass_violations: list[Hit] = field(default_factory=list)
    tables_read: int = 0
    error: str | None = None

    @property
    def found(self) -> int:
        return sum(hit is not None for _, hit in self.results)


def read_tsv(path: Path) -> tuple[dict[str, str], list[list[str]]]:
    """Metadata (`# key: value` lines) and the sheet rows (TAB-separated cells; row N = sheet row N)."""
    meta: dict[str, str] = {}
    rows: list[list[str]] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            key, _, value = line[2:].partition(":")
            meta[key.strip()] = value.strip()
        else:
            rows.append(line.split("\t"))
    return meta, rows


def write_xlsx(rows: list[list[str]], path: Path, sheet: str = "Sheet1") -> Path:
    """Write rows into one sheet from A1: plain numerals as numbers, every other cell as text, no merges."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row, start=1):
            if text:
                write_cell(ws.cell(r, c), text)
    book.save(path)
    return Path(path)


def write_cell(cell, text: str) -> None:
    """A plain numeral as a number, any other text as text."""
    if _NUMERAL.fullmatch(text):
        cell.value = float(text) if "." in text else int(text)
    else:
        cell.value = text
        cell.data_type = "s"  # `=22个` is text, not a formula


def spec_rows(spec: str) -> set[int]:
    """The rows a spec names: `rows 11–18` → 11..18, `row 15 vs row 10` → {10, 15}, `rows 6 & 10` → {6, 10}."""
    rows: set[int] = set()
    for first, last in re.findall(r"(\d+)(?:\s*[–-]\s*(\d+))?", spec):
        rows.update(range(int(first), int(last or first) + 1))
    return rows


def pass_families(text: str) -> set[str]:
    """The families a pass line protects, from its keywords; all four when none is recognised."""
    lower = text.lower()
    found = {fam for fam, words in _PASS_WORDS.items() if any(w.lower() in lower for w in words)}
    if _EQUATION.search(text):
        found.add("C")
    return found or set(FAMILIES)


def parse_defects(text: str) -> dict[str, TableExpectations]:
    """DEFECTS.md → per table id: defects (rows, family, text), pass lines and ignored rows."""
    tables: dict[str, TableExpectations] = {}
    current: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if heading := _HEADING.match(line):
            current = heading.group(1)
            tables.setdefault(current, TableExpectations())
            continue
        if current is None or not line.startswith("-"):
            continue
        if m := _IGNORE.match(line):
            tables[current].ignored |= {r for spec in _SPEC.findall(m.group(1)) for r in spec_rows(spec)}
        elif m := _PASS.match(line):
            body = m.group(2)
            spec = _SPEC.match(body)
            rows = spec_rows(spec.group(0)) if spec else set()
            tables.setdefault(m.group(1), TableExpectations()).passes.append(
                PassLine(rows, pass_families(body), body)
            )
        elif (m := _DEFECT.match(line)) and (families := _FAMILY.findall(m.group(3))):
            defect = Defect(spec_rows(m.group(2)), families[-1], m.group(3))
            tables.setdefault(m.group(1), TableExpectations()).defects.append(defect)
        else:
            tables[current].unparsed.append(line)
    return tables


@cache
def expectations() -> dict[str, TableExpectations]:
    """The parsed DEFECTS.md of the corpus."""
    return parse_defects((CORPUS / "DEFECTS.md").read_text(encoding="utf-8"))


def _near(hit: Hit, family: str, rows: set[int], slack: int) -> bool:
    return hit.rule[:1] == family and any(abs(hit.row - r) <= slack for r in rows)


def score(table_id: str, findings: list, expected: TableExpectations | None = None) -> TableScore:
    """Match `(rule_id, severity, row)` findings to the table's expectations (family and row ± 1).

    A pass violation is an error on a pass line's row (± 0) in one of its families, unless a defect of that
    family sits on that very row (DEFECTS.md names both for a few rows, e.g. DV03 row 21)."""
    expected = expected if expected is not None else expectations().get(table_id, TableExpectations())
    hits = [Hit(*f) for f in findings]
    counted = [h for h in hits if h.severity in COUNTED]
    result = TableScore(table_id)
    for defect in expected.defects:
        match = next((h for h in counted if _near(h, defect.family, defect.rows, 1)), None)
        result.results.append((defect, match))
    result.false_alarms = [
        h
        for h in counted
        if not any(_near(h, d.family, d.rows, 1) for d in expected.defects) and h.row not in expected.ignored
    ]
    result.pass_violations = [
        h
        for h in hits
        if h.severity == "error"
        and any(_near(h, fam, p.rows, 0) for p in expected.passes for fam in p.families)
        and not any(_near(h, d.family, d.rows, 0) for d in expected.defects)  # a defect's own row wins
    ]
    return result


def check_table(xlsx_path: Path) -> tuple[int, str | None, list[Hit]]:
    """Tables read, the file error code (None if read) and the findings, checked with default settings."""
    from perfgoals_xl.pipeline import check_file

    result = check_file(Path(xlsx_path))
    code = result.error.code if result.error is not None else None
    hits = [Hit(f.rule, f.severity, f.row, f.message) for f in result.findings]
    return len(result.tables), code, hits


def table_files(ids: list[str] | None = None) -> dict[str, Path]:
    """The corpus TSVs by table id (all 23, or only these ids)."""
    files = {p.name[:4]: p for p in sorted(CORPUS.glob("DV*.tsv"))}
    return {i: p for i, p in files.items() if not ids or i in ids}


def build_all(folder: Path, ids: list[str] | None = None) -> dict[str, Path]:
    """Write each TSV as `<id>.xlsx` in folder (sheet named after the id); id → path."""
    return {i: write_xlsx(read_tsv(p)[1], Path(folder) / f"{i}.xlsx", i) for i, p in table_files(ids).items()}


def score_books(books: dict[str, Path]) -> list[TableScore]:
    """Check and score already written workbooks; a crash of the checker is recorded as `crash`."""
    scores = []
    for table_id, path in books.items():
        try:
            read, code, hits = check_table(path)
        except Exception as exc:  # the scorer reports a crash instead of stopping
            read, code, hits = 0, f"crash:{type(exc).__name__}", []
        current = score(table_id, hits)
        current.tables_read, current.error = read, code
        scores.append(current)
    return scores


def run(ids: list[str] | None = None) -> list[TableScore]:
    """Build the workbooks in a temporary folder, check and score them."""
    with tempfile.TemporaryDirectory(prefix="pg-corpus-") as folder:
        return score_books(build_all(Path(folder), ids))


def _cut(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def render(scores: list[TableScore], verbose: bool = False) -> str:
    """The per-table score table and the totals (recall, false alarms, pass violations, tables read)."""
    head = f"{'id':<5} {'read':>9} {'defects':>7} {'found':>5} {'missed':>6} {'false':>5} {'pass-viol':>9}"
    lines = [head, "-" * len(head)]
    for s in scores:
        read = s.error if s.error and not s.tables_read else str(s.tables_read)
        missed = len(s.results) - s.found
        lines.append(
            f"{s.table_id:<5} {read:>9} {len(s.results):>7} {s.found:>5} {missed:>6} "
            f"{len(s.false_alarms):>5} {len(s.pass_violations):>9}"
        )
        if verbose:
            for defect, hit in s.results:
                if hit is None:
                    rows = ",".join(map(str, sorted(defect.rows)))
                    lines.append(f"      missed  row {rows} ({defect.family}) {_cut(defect.text)}")
            for hit in s.false_alarms:
                lines.append(f"      false   {hit.rule} row {hit.row} {hit.severity}: {_cut(hit.message)}")
    defects = sum(len(s.results) for s in scores)
    found = sum(s.found for s in scores)
    lines += [
        "-" * len(head),
        f"recall {recall(scores):.1f}% ({found}/{defects})  false alarms {sum(len(s.false_alarms) for s in scores)}"
        f"  pass violations {sum(len(s.pass_violations) for s in scores)}"
        f"  tables read {tables_read(scores)}/{len(scores)}",
    ]
    return "\n".join(lines)


def recall(scores: list[TableScore]) -> float:
    """Found defects as a percentage of all defects (0 when there are none)."""
    defects = sum(len(s.results) for s in scores)
    return 100.0 * sum(s.found for s in scores) / defects if defects else 0.0


def tables_read(scores: list[TableScore]) -> int:
    """How many files yielded at least one table."""
    return sum(1 for s in scores if s.tables_read > 0)


def main(argv: list[str]) -> int:
    """`python tests/support/corpus_score.py [--verbose] [DV05 ...]`: print the score table."""
    verbose = "--verbose" in argv or "-v" in argv
    ids = [a.upper() for a in argv if _ID.fullmatch(a.upper())]
    print(render(run(ids or None), verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
