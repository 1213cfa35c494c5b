"""The bundled sample workbooks are what the build script makes from the seed, and faithful to it."""

from __future__ import annotations

from conftest import EXAMPLES, build_examples

from perfgoals_xl.files.read import read_workbook


def test_committed_samples_are_up_to_date(tmp_path):
    built = build_examples.build(tmp_path)
    for path in built:
        assert path.read_bytes() == (EXAMPLES / path.name).read_bytes(), (
            f"rebuild {path.name}: python {build_examples.__file__}"
        )
    # what the samples hold, whatever the builder does: the seed's three tables, its first title
    grids = read_workbook(EXAMPLES / "seed_three_sheets.xlsx").grids
    assert [g.sheet for g in grids] == ["金融处非专项", "援助泸溪资金", "部门整体"]
    assert {p.name for p in built} == {"seed_one_sheet.xlsx", "seed_three_sheets.xlsx"}


def test_one_sheet_sample_rows_are_seed_lines():
    seed = build_examples.parse_seed(build_examples.SEED_PATH)
    (grid,) = read_workbook(EXAMPLES / "seed_one_sheet.xlsx").grids
    for line_number, cells in enumerate(seed, 1):
        if line_number == 63:
            continue  # 按支出性质分 moved from F (export artefact) to G, where its merge starts
        for col, expected in enumerate(cells, 1):
            assert grid.value(line_number, col) == expected, (line_number, col)


def test_sample_merges_cover_the_blanks_under_labels():
    (grid,) = read_workbook(EXAMPLES / "seed_one_sheet.xlsx").grids
    merges = {m.ref for m in grid.merges}
    for ref in (
        "A3:H3",
        "A15:A25",
        "B16:B18",
        "A39:A48",
        "B47:B48",
        "A59:A62",
        "B64:B65",
        "C63:F63",
        "A67:A69",
    ):
        assert ref in merges
    assert grid.merge_at(49, 1) is None  # the shifted row stays a defect
