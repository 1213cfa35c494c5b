"""The benchmark corpora, generated from the seed's tables (workbook_templates/build_examples.py).

- `small/`: SMALL_FILES workbooks with one 项目支出绩效目标表 each — one of the seed's two project tables with
  another project name, sheet name, budget and indicator values, the title on row 1–5, and a few defects
  (the seed's own, plus 0–2 drawn from DEFECTS).
- `book_200.xlsx`: BOOK_SHEETS such project sheets in one workbook.
- `department_12000.xlsx`: the seed's 部门整体支出绩效目标表 with an indicator block of DEPARTMENT_ROWS rows
  (一级 labels merged down their block, as in the seed; about one row in 200 with a defect).
- `department_200000.xlsx`: the same with HUGE_ROWS rows — a block pasted far too long (issue 12).

Everything is drawn from a fixed random seed, so a corpus is the same on every machine. `ensure()` writes the
corpus when it is missing or was written by another GENERATOR_VERSION (bump it whenever the output changes).
"""

from __future__ import annotations

import copy
import importlib.util
import json
import random
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

GENERATOR_VERSION = 2
ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
SMALL_FILES = 500
BOOK_SHEETS = 200
DEPARTMENT_ROWS = 12_000
HUGE_ROWS = 200_000
RANDOM_SEED = 2026

PLACES = ("渌口镇", "南洲镇", "龙船镇", "淦田镇", "古岳峰镇", "龙门镇", "朱亭镇", "雷打石镇", "区直", "全区")
WORKS = (
    "农村公路养护",
    "防汛抗旱",
    "金融风险防控",
    "对口支援",
    "人居环境整治",
    "政务信息化建设",
    "安全生产监管",
    "老旧小区改造",
    "校园安全",
    "河道保洁",
    "基层党建",
    "法律援助",
    "森林防火",
    "非法集资处置",
    "农产品质量检测",
)
VAGUE_VALUES = ("逐步提高", "有所提升", "明显改善", "进一步加强")


def build_examples() -> ModuleType:
    """workbook_templates/build_examples.py (a script, not a package), loaded once."""
    name = "build_examples"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "workbook_templates" / "build_examples.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@dataclass(frozen=True)
class Corpus:
    small: list[Path]  # one project table each
    book: Path  # `sheets` project sheets
    department: Path  # one department table with a `rows`-row indicator block
    sheets: int
    rows: int
    huge: Path  # the same with a `huge_rows`-row block
    huge_rows: int

    @property
    def one(self) -> Path:
        """The workbook the whole-process measure checks."""
        return self.small[0]


def ensure(
    folder: Path = CORPUS_DIR,
    *,
    files: int = SMALL_FILES,
    sheets: int = BOOK_SHEETS,
    rows: int = DEPARTMENT_ROWS,
    huge_rows: int = HUGE_ROWS,
    log: Callable[[str], None] = print,
) -> Corpus:
    """The corpus in `folder`, (re)generated when missing, incomplete or from another generator version."""
    wanted = {"version": GENERATOR_VERSION, "files": files, "sheets": sheets, "rows": rows, "huge": huge_rows}
    corpus = Corpus(
        small=[folder / "small" / f"project_{number:03d}.xlsx" for number in range(1, files + 1)],
        book=folder / f"book_{sheets}.xlsx",
        department=folder / f"department_{rows}.xlsx",
        sheets=sheets,
        rows=rows,
        huge=folder / f"department_{huge_rows}.xlsx",
        huge_rows=huge_rows,
    )
    manifest = folder / "manifest.json"
    paths = [*corpus.small, corpus.book, corpus.department, corpus.huge]
    if manifest.is_file() and json.loads(manifest.read_text()) == wanted and all(p.is_file() for p in paths):
        return corpus
    log(f"generating the corpus in {folder} (generator version {GENERATOR_VERSION}) …")
    manifest.unlink(missing_ok=True)
    shutil.rmtree(folder / "small", ignore_errors=True)
    (folder / "small").mkdir(parents=True)
    write = build_examples().write_workbook
    templates = seed_tables()
    rng = random.Random(RANDOM_SEED)
    for number, path in enumerate(corpus.small, start=1):
        write(path, [project_sheet(templates, rng, number)])
    write(corpus.book, [project_sheet(templates, rng, number) for number in range(1, sheets + 1)])
    write(corpus.department, [department_sheet(templates[2], rng, rows)])
    write(corpus.huge, [department_sheet(templates[2], rng, huge_rows)])
    manifest.write_text(json.dumps(wanted) + "\n")
    return corpus


def seed_tables() -> list:
    """The seed's three tables as SheetSpecs, each with its title on row 3: project, project, department."""
    examples = build_examples()
    return examples.three_sheets_spec(examples.parse_seed(examples.SEED_PATH))


# --- project tables ----------------------------------------------------------------------------------------


def project_sheet(templates: list, rng: random.Random, number: int):
    """One of the seed's project tables with another project, other values and a few defects."""
    spec = copy.deepcopy(templates[rng.randrange(2)])
    rows = spec.rows
    name = f"{rng.choice(PLACES)}{rng.choice(WORKS)}项目"
    budget = round(rng.uniform(2, 800), rng.choice((0, 1, 2)))
    for row in rows:
        label = row[0] if row else None
        if label == "项目名称":
            row[1] = name
        elif isinstance(label, str) and label.startswith("年度本级预算"):
            row[1] = budget
    indicators = [row for row in rows if len(row) >= 7 and row[0] is None and row[3] is not None]
    for row in indicators:
        _vary_indicator(row, rng, budget)
    for defect in rng.sample(sorted(DEFECTS), rng.choice((0, 0, 1, 1, 2))):
        DEFECTS[defect](indicators, rng)
    spec.name = f"{number:03d}{name}"[:31]
    return _shifted(spec, rng.randrange(-2, 3))


def _vary_indicator(row: list, rng: random.Random, budget: float) -> None:
    """Columns D 三级, E 指标值, F 单位, G 类型: a value of the same kind, the cost row equal to the budget."""
    value, unit = row[4], row[5]
    if unit in ("万元", "元"):
        row[4] = budget
    elif unit == "%" and isinstance(value, int | float):
        row[4] = rng.choice((80, 85, 90, 95, 98, 100))
    elif isinstance(value, int | float):
        row[4] = rng.randint(1, 60)
    if isinstance(row[3], str) and rng.random() < 0.5:
        row[3] = f"{rng.choice(PLACES)}{row[3]}"


def _cost_uses_greater_equal(indicators: list[list], rng: random.Random) -> None:
    for row in indicators:
        if row[5] in ("万元", "元"):
            row[6] = "≥"


def _fractional_count(indicators: list[list], rng: random.Random) -> None:
    counted = [row for row in indicators if row[5] in ("次", "人")]
    if counted:
        rng.choice(counted)[4] = 0.5


def _vague_value(indicators: list[list], rng: random.Random) -> None:
    quantitative = [row for row in indicators if isinstance(row[4], int | float)]
    if quantitative:
        row = rng.choice(quantitative)
        row[4], row[5], row[6] = rng.choice(VAGUE_VALUES), "无", "定性"


def _missing_unit(indicators: list[list], rng: random.Random) -> None:
    quantitative = [row for row in indicators if isinstance(row[4], int | float)]
    if quantitative:
        rng.choice(quantitative)[5] = None


def _unknown_operator(indicators: list[list], rng: random.Random) -> None:
    quantitative = [row for row in indicators if isinstance(row[4], int | float)]
    if quantitative:
        rng.choice(quantitative)[6] = "约"


def _satisfaction_under_benefit(indicators: list[list], rng: random.Random) -> None:
    for row in indicators:
        if row[2] == "社会效益":
            row[3], row[4], row[5], row[6] = "群众满意度", 95, "%", "≥"
            return


DEFECTS: dict[str, Callable[[list[list], random.Random], None]] = {
    "cost_uses_greater_equal": _cost_uses_greater_equal,
    "fractional_count": _fractional_count,
    "vague_value": _vague_value,
    "missing_unit": _missing_unit,
    "unknown_operator": _unknown_operator,
    "satisfaction_under_benefit": _satisfaction_under_benefit,
}


def _shifted(spec, by: int):
    """The sheet with its rows moved down (or up, into the empty rows above the title) by `by` rows."""
    if by < 0:
        spec.rows = spec.rows[-by:]
    else:
        spec.rows = [[] for _ in range(by)] + spec.rows
    spec.merges = [_move(ref, by) for ref in spec.merges]
    return spec


def _move(ref: str, by: int) -> str:
    from openpyxl.worksheet.cell_range import CellRange

    cells = CellRange(ref)
    cells.shift(row_shift=by)
    return cells.coord


# --- the department table ----------------------------------------------------------------------------------

# 一级 → its 二级 with (三级 name pattern, 类型, value drawer, unit); shares of the block's rows per 一级.
DEPARTMENT_FRAMEWORK: dict[
    str, tuple[float, dict[str, tuple[str, str, Callable[[random.Random], object], str]]]
] = {
    "产出指标": (
        0.4,
        {
            "数量指标": ("{}完成数量", "≥", lambda rng: rng.randint(2, 5000), "件"),
            "质量指标": ("{}验收合格率", "≥", lambda rng: round(rng.uniform(85, 100), 1), "%"),
            "时效指标": ("{}按期完成率", "≥", lambda rng: round(rng.uniform(85, 100), 1), "%"),
        },
    ),
    "效益指标": (
        0.3,
        {
            "社会效益指标": ("{}群众知晓率", "≥", lambda rng: round(rng.uniform(80, 99), 1), "%"),
            "生态效益指标": ("{}环境问题整改率", "≥", lambda rng: round(rng.uniform(85, 100), 1), "%"),
            "可持续影响指标": ("{}长效机制", "定性", lambda rng: "建立并持续运行", "无"),
        },
    ),
    "满意度指标": (
        0.1,
        {"服务对象满意度指标": ("{}服务对象满意度", "≥", lambda rng: round(rng.uniform(85, 99), 1), "%")},
    ),
    "成本指标": (
        0.2,
        {"经济成本指标": ("{}经费", "≤", lambda rng: round(rng.uniform(0.5, 50), 2), "万元")},
    ),
}
DEPARTMENT_DEFECT_RATE = 0.005


def department_sheet(template, rng: random.Random, rows: int):
    """The seed's department table with its indicator block replaced by `rows` generated rows."""
    spec = copy.deepcopy(template)
    header = next(i for i, row in enumerate(spec.rows) if row and row[0] == "一级指标")
    first = header + 2  # 1-based sheet row of the block's first indicator
    body: list[list[object]] = []
    merges = [ref for ref in spec.merges if _top_row(ref) < first]
    groups = list(DEPARTMENT_FRAMEWORK.items())
    for index, (level1, (share, level2s)) in enumerate(groups):
        count = rows - len(body) if index == len(groups) - 1 else round(rows * share)
        top = first + len(body)
        for position in range(count):
            level2 = list(level2s)[position * len(level2s) // count]
            pattern, operator, draw, unit = level2s[level2]
            work = f"{PLACES[position % len(PLACES)]}{WORKS[position // len(PLACES) % len(WORKS)]}"
            name = pattern.format(f"{work}第{position // (len(PLACES) * len(WORKS)) + 1}批")
            row = [level1 if position == 0 else None, level2, name, operator, draw(rng), unit]
            if rng.random() < DEPARTMENT_DEFECT_RATE:
                row[4], row[3] = rng.choice(VAGUE_VALUES), "定性"
            body.append(row)
        if count > 1:
            merges.append(f"A{top}:A{top + count - 1}")
    spec.rows = spec.rows[: first - 1] + body
    return spec


def _top_row(ref: str) -> int:
    from openpyxl.worksheet.cell_range import CellRange

    return CellRange(ref).min_row
