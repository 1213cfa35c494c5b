"""The real development tables (tests/corpus/real): DEFECTS.md parses, the scorer counts right, every table is
read without a crash, and the corpus score does not fall below what the checker achieved when it was measured."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from corpus_score import (
    CORPUS,
    Defect,
    Hit,
    PassLine,
    TableExpectations,
    build_all,
    expectations,
    parse_defects,
    read_tsv,
    recall,
    render,
    score,
    score_books,
    tables_read,
)

from perfgoals_xl.pipeline import check_file

# Measured on the current code (2026-12-01). Floors only go up; the maxima only go down.
FLOOR_RECALL = 83.8  # % of the 130 defects found (family and row ± 1); was 21.5 before the layout families
MAX_PASS_VIOLATIONS = 0
MAX_FALSE_ALARMS = 67  # warnings and errors matching no defect (many are true findings the reviewer left out)
FLOOR_READ = 23  # of 23 files yield at least one table


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The 23 TSVs written once as .xlsx files."""
    return build_all(tmp_path_factory.mktemp("corpus_real"))


def test_the_corpus_is_complete():
    files = sorted(CORPUS.glob("DV*.tsv"))
    assert len(files) == 23
    assert set(expectations()) == {p.name[:4] for p in files}
    meta, rows = read_tsv(files[0])
    assert meta["id"] == "DV01"
    assert rows and not any(row[0].startswith("# ") for row in rows)


def test_defects_md_parses():
    tables = parse_defects((CORPUS / "DEFECTS.md").read_text(encoding="utf-8"))
    assert [len(tables[t].defects) for t in ("DV01", "DV04", "DV19")] == [16, 9, 9]
    assert sum(len(t.defects) for t in tables.values()) == 130
    assert sum(len(t.passes) for t in tables.values()) == 43
    assert not any(t.unparsed for t in tables.values())

    dv04 = tables["DV04"]
    assert any(d.rows == set(range(11, 19)) and d.family == "H" for d in dv04.defects)
    assert any(d.rows == set(range(1, 20)) and d.family == "C" for d in dv04.defects)
    assert dv04.ignored == {19}
    assert any(d.rows == {10, 15} and d.family == "C" for d in tables["DV03"].defects)
    assert any(d.rows == {6, 10} and d.family == "S" for d in tables["DV18"].defects)
    assert any(d.rows == {11, 13, 14} for d in tables["DV20"].defects)
    assert any(d.rows == set(range(8, 12)) and d.family == "H" for d in tables["DV15"].defects)  # `(H; …)`
    assert tables["DV12"].ignored == {9, 11, 17}

    dv01_money = tables["DV01"].passes[0]
    assert dv01_money.rows == set(range(6, 14)) and dv01_money.families == {"C"}
    assert tables["DV02"].passes[1].rows == {6, 7, 8, 11, 12, 15}
    assert tables["DV02"].passes[2].rows == set()  # `the Chongqing … template …`: no row


def test_scorer_counts_findings():
    expected = TableExpectations(
        defects=[Defect({10}, "V", "no operator"), Defect({3, 4}, "S", "label")],
        passes=[PassLine({20}, {"C"}, "money consistent")],
        ignored={30},
    )
    found = score("X", [("V07", "warning", 11)], expected)
    assert found.found == 1 and found.results[0][1] == Hit("V07", "warning", 11)
    assert not found.false_alarms

    missed = score("X", [("V07", "error", 12), ("S01", "info", 4), ("H01", "error", 10)], expected)
    assert missed.found == 0
    assert [h.rule for h in missed.false_alarms] == ["V07", "H01"]  # row + 2; wrong family; info not counted

    passes = score(
        "X",
        [("C07", "error", 20), ("C07", "warning", 20), ("V01", "error", 20), ("S01", "error", 30)],
        expected,
    )
    assert [h.rule for h in passes.pass_violations] == ["C07"]  # errors only, in the pass line's family
    assert [h.rule for h in passes.false_alarms] == ["C07", "C07", "V01"]  # row 30 is ignored


@pytest.mark.parametrize("table_id", sorted(p.name[:4] for p in CORPUS.glob("DV*.tsv")))
def test_every_table_is_read(books: dict[str, Path], table_id: str):
    result = check_file(books[table_id])
    if table_id == "DV23" and result.error is not None:
        assert result.error.code == "no_table"  # an evaluation table, not a 绩效目标表
    assert result.tables or (result.error is not None and re.search(r"[\u4e00-\u9fff]", result.error.message))


def test_corpus_score_floors(books: dict[str, Path]):
    scores = score_books(books)
    table = render(scores)
    print("\n" + table)
    assert recall(scores) >= FLOOR_RECALL, table
    assert sum(len(s.pass_violations) for s in scores) <= MAX_PASS_VIOLATIONS, table
    assert tables_read(scores) >= FLOOR_READ, table
    assert sum(len(s.false_alarms) for s in scores) <= MAX_FALSE_ALARMS, table
