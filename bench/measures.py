"""The measures of issue 7, each beside its baseline from the same run.

A measure function takes the corpus, a Repeats and a scratch folder and returns a Measure: the samples of
what we do, the samples of the baseline, the target, and (for information) openpyxl's default read of the
same files. In-process timings alternate ours and the baseline after one untimed warm-up of each (imports
done, files in the page cache) and collect garbage before each sample. Whole processes and peak memory are
measured in fresh child processes.
"""

from __future__ import annotations

import gc
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import ribbon_import
from bench.corpus import Corpus


@dataclass(frozen=True)
class Repeats:
    timing: int = 7  # in-process timings
    process: int = 9  # fresh processes (whole command, imports)
    memory: int = 3  # child processes per peak-memory case
    reference: int = 3  # openpyxl's default read, for information

    @classmethod
    def quick(cls) -> Repeats:
        return cls(timing=3, process=5, memory=3, reference=1)


@dataclass
class Measure:
    """`ours` against `baseline` (samples, in `unit`); met when ours/baseline (or ours − baseline) ≤ target."""

    name: str
    title: str
    baseline_title: str
    unit: str  # "s" or "MB"
    kind: str  # "ratio" or "difference"
    target: float
    ours: list[float]
    baseline: list[float]
    reference: list[float] = field(default_factory=list)  # openpyxl's default read, for information
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ours_median(self) -> float:
        return statistics.median(self.ours)

    @property
    def baseline_median(self) -> float:
        return statistics.median(self.baseline)

    @property
    def value(self) -> float:
        """What the target applies to: the ratio, or the difference in `unit`."""
        if self.kind == "ratio":
            return self.ours_median / self.baseline_median
        return self.ours_median - self.baseline_median

    @property
    def met(self) -> bool:
        return self.value <= self.target

    @property
    def status(self) -> str:
        return "MET" if self.met else "MISSED"

    def verdict(self) -> str:
        if self.kind == "ratio":
            return f"{self.value:.2f}×"
        return f"{self.value:+.3f} {self.unit}"

    def target_text(self) -> str:
        return f"≤ {self.target:g}×" if self.kind == "ratio" else f"≤ {self.target:g} {self.unit} more"

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "baseline": self.baseline_title,
            "unit": self.unit,
            "ours_median": self.ours_median,
            "baseline_median": self.baseline_median,
            self.kind: self.value,
            "target": self.target,
            "status": self.status,
            "ours_samples": self.ours,
            "baseline_samples": self.baseline,
            "openpyxl_read_samples": self.reference,
            "openpyxl_read_median": statistics.median(self.reference) if self.reference else None,
            **self.details,
        }


MeasureFunction = Callable[[Corpus, Repeats, Path], Measure]


# --- what is timed -------------------------------------------------------------------------------------------


def calamine_read(paths: list[Path]) -> None:
    """The floor: python-calamine reading every cell of every sheet."""
    import python_calamine

    for path in paths:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()
        book.close()


def openpyxl_read(paths: list[Path]) -> None:
    """openpyxl's default read: load_workbook (not read-only) and every cell's value."""
    import openpyxl

    for path in paths:
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for _ in sheet.iter_rows(values_only=True):
                pass


def check_streamed(paths: list[Path], jobs: int = 1) -> None:
    """What `perfgoals-xl check --format json > file` does in process: check, stream the JSON (discarded)."""
    import os

    from perfgoals_xl.core.render import write_json
    from perfgoals_xl.core.report import Report
    from perfgoals_xl.pipeline import check_files

    with open(os.devnull, "w", encoding="utf-8") as sink:
        write_json(Report(check_files(paths, jobs=jobs)), sink)


def check_to_json(paths: list[Path]) -> dict[str, Any]:
    """What `perfgoals-xl check --format json` does in process: check every file, build the JSON document."""
    from perfgoals_xl.core.render import to_json
    from perfgoals_xl.core.report import Report
    from perfgoals_xl.pipeline import check_files

    return to_json(Report(check_files(paths)))


def check_and_annotate(path: Path, target: Path) -> None:
    """What `perfgoals-xl check --annotate` does for one file: check it, plan the marks, write the copy."""
    from perfgoals_xl.files.write import annotate, plan_for
    from perfgoals_xl.pipeline import check_workbook

    workbook, result = check_workbook(path)
    assert workbook is not None and result.error is None, result.error
    annotate(path, target, plan_for(workbook, result), workbook.grids, force=True)


def openpyxl_load_save(path: Path, target: Path) -> None:
    import openpyxl

    openpyxl.load_workbook(path).save(target)


def interleaved(runs: int, *functions: Callable[[], object]) -> list[list[float]]:
    """Seconds per call of each function: one untimed warm-up each, then `runs` rounds taking turns."""
    for function in functions:
        function()
    samples: list[list[float]] = [[] for _ in functions]
    for _ in range(runs):
        for function, times in zip(functions, samples, strict=True):
            gc.collect()
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
    return samples


# --- the measures --------------------------------------------------------------------------------------------


def _check_measure(name: str, title: str, paths: list[Path], repeats: Repeats) -> Measure:
    """`check` of these files (JSON built) against python-calamine reading every cell of them."""
    ours, baseline = interleaved(repeats.timing, lambda: check_to_json(paths), lambda: calamine_read(paths))
    return Measure(
        name=name,
        title=title,
        baseline_title="python-calamine reads every cell",
        unit="s",
        kind="ratio",
        target=3.0,
        ours=ours,
        baseline=baseline,
        reference=interleaved(repeats.reference, lambda: openpyxl_read(paths))[0],
        details={"summary": check_to_json(paths)["summary"]},
    )


def check_files(corpus: Corpus, repeats: Repeats, scratch: Path) -> Measure:
    title = f"`check` of {len(corpus.small)} files, in process, JSON built"
    return _check_measure("check_files", title, corpus.small, repeats)


def check_book(corpus: Corpus, repeats: Repeats, scratch: Path) -> Measure:
    return _check_measure("check_book", f"`check` of the {corpus.sheets}-sheet book", [corpus.book], repeats)


def check_huge(corpus: Corpus, repeats: Repeats, scratch: Path) -> Measure:
    """The 200,000-row block, checked and streamed as the CLI does, against calamine reading it."""
    paths = [corpus.huge]
    ours, baseline = interleaved(
        min(repeats.timing, 3), lambda: check_streamed(paths), lambda: calamine_read(paths)
    )
    return Measure(
        name="check_huge",
        title=f"`check --format json` of the {corpus.huge_rows:,}-row block, in process",
        baseline_title="python-calamine reads every cell",
        unit="s",
        kind="ratio",
        target=3.0,
        ours=ours,
        baseline=baseline,
    )


JOBS_COPIES = 4  # the 500 small files four times over: a batch of 2,000


def _busy(count: int) -> int:
    total = 0
    for number in range(count):
        total += number * number
    return total


def machine_parallelism(count: int = 5_000_000) -> float:
    """What two worker processes can give on this machine now: a pure-Python loop run twice in two processes
    against twice in one (0.5 on two free cores; more when other work shares them)."""
    from concurrent.futures import ProcessPoolExecutor

    start = time.perf_counter()
    _busy(count), _busy(count)
    serial = time.perf_counter() - start
    with ProcessPoolExecutor(2) as pool:
        start = time.perf_counter()
        list(pool.map(_busy, [count, count]))
        parallel = time.perf_counter() - start
    return round(parallel / serial, 2)


def check_jobs(corpus: Corpus, repeats: Repeats, scratch: Path) -> Measure:
    """`check --jobs 2` of 2,000 files against the same batch in one process (both stream the JSON)."""
    paths = corpus.small * JOBS_COPIES
    ours, baseline = interleaved(
        min(repeats.timing, 3), lambda: check_streamed(paths, jobs=2), lambda: check_streamed(paths, jobs=1)
    )
    return Measure(
        details={"busy_loop_2_processes_vs_1": machine_parallelism()},
        name="check_jobs",
        title=f"`check --jobs 2` of {len(paths):,} files (the small corpus {JOBS_COPIES}× over)",
        baseline_title="the same batch in one process (`--jobs 1`)",
        unit="s",
        kind="ratio",
        target=0.6,
        ours=ours,
        baseline=baseline,
    )


def annotate_book(corpus: Corpus, repeats: Repeats, scratch: Path) -> Measure:
    annotated, saved = scratch / "annotated.xlsx", scratch / "saved.xlsx"
    ours, baseline = interleaved(
        repeats.timing,
        lambda: check_and_annotate(corpus.book, annotated),
        lambda: openpyxl_load_save(corpus.book, saved),
    )
    return Measure(
        name="annotate_book",
        title="`check --annotate` of the book (check, plan_for, annotate)",
        baseline_title="openpyxl load + save, unchanged",
        unit="s",
        kind="ratio",
        target=1.3,
        ours=ours,
        baseline=baseline,
    )


def _command() -> list[str]:
    """The installed `perfgoals-xl` script of this interpreter's environment (else `python -m perfgoals_xl`)."""
    script = Path(sys.executable).with_name("perfgoals-xl")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "perfgoals_xl"]


def _process_seconds(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, capture_output=True, env=ribbon_import.environment(), check=False)
    return time.perf_counter() - start


def cli_process(corpus: Corpus, repeats: Repeats, scratch: Path) -> Measure:
    argv = [*_command(), "check", str(corpus.one)]
    returncode = subprocess.run(argv, capture_output=True, check=False).returncode
    if returncode not in (0, 1):  # 1: the file has error-level findings, as most real submissions do
        raise RuntimeError(f"{' '.join(argv)} exited with {returncode}")
    ours, baseline = interleaved(
        repeats.process,
        lambda: _process_seconds(argv),
        lambda: _process_seconds([sys.executable, "-c", "pass"]),
    )
    return Measure(
        name="cli_process",
        title=f"whole `perfgoals-xl check {corpus.one.name}` process",
        baseline_title="`python -c pass`",
        unit="s",
        kind="difference",
        target=0.2,  # issue 12: python start-up + 0.2 s
        ours=ours,
        baseline=baseline,
    )


def ribbon_import_time(corpus: Corpus, repeats: Repeats, scratch: Path) -> Measure:
    runs = max(repeats.process, 5)
    _, baseline = ribbon_import.median_time(ribbon_import.CASES["xlwings"], runs)
    _, ours = ribbon_import.median_time(ribbon_import.CASES["perfgoals_xl.excel.ribbon"], runs)
    return Measure(
        name="ribbon_import",
        title="import of `perfgoals_xl.excel.ribbon`",
        baseline_title="`import xlwings`",
        unit="s",
        kind="difference",
        target=ribbon_import.TARGET_S,
        ours=ours,
        baseline=baseline,
    )


# Peak memory: a child process imports what it needs, reads one small file (lazy imports, caches), resets its
# high-water mark to what it holds now, does the work, and reports the mark and how far it rose above that;
# interpreter and imports are left out. On Linux the mark is VmHWM of /proc/self/status, reset through
# /proc/self/clear_refs: ru_maxrss would do, but a child started by a big parent inherits the parent's mark
# across fork + exec. Elsewhere ru_maxrss is used, without the reset.
_PEAK_CHILD = """
import json, resource, sys
from pathlib import Path
{imports}
def kib(key):
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        mark = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return mark // 1024 if sys.platform == "darwin" else mark
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith(key + ":")))
def work(path):
{work}
work(Path(sys.argv[2]))
try:
    Path("/proc/self/clear_refs").write_text("5")
    before = kib("VmRSS")
except OSError:
    before = kib("VmHWM")
result = work(Path(sys.argv[1]))
print(json.dumps({{"before": before, "peak": kib("VmHWM")}}))
"""
PEAK_CASES = {
    "check": (  # as `check --format json > file`: the JSON streamed (to /dev/null)
        "import os\nfrom perfgoals_xl.pipeline import check_files\nfrom perfgoals_xl.core.render import write_json\n"
        "from perfgoals_xl.core.report import Report\nimport python_calamine",
        "    with open(os.devnull, 'w', encoding='utf-8') as sink:\n"
        "        write_json(Report(check_files([path])), sink)",
    ),
    "calamine": (
        "import python_calamine",
        "    book = python_calamine.CalamineWorkbook.from_path(str(path))\n"
        "    return [book.get_sheet_by_name(name).to_python() for name in book.sheet_names]",
    ),
    "openpyxl": (
        "import openpyxl",
        "    book = openpyxl.load_workbook(path)\n"
        "    return [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]",
    ),
}


def peak_rss(case: str, path: Path, warm_up: Path) -> tuple[float, float]:
    """(peak RSS of the child, how far the work raised it), in MB."""
    imports, work = PEAK_CASES[case]
    code = _PEAK_CHILD.format(imports=imports, work=work)
    result = subprocess.run(
        [sys.executable, "-c", code, str(path), str(warm_up)], capture_output=True, text=True, check=True
    )
    numbers = json.loads(result.stdout)  # KiB
    return numbers["peak"] / 1024, (numbers["peak"] - numbers["before"]) / 1024


def peak_memory(corpus: Corpus, repeats: Repeats, scratch: Path) -> Measure:
    return _peak_measure("peak_memory", corpus.department, corpus.rows, corpus.one, repeats.memory)


def peak_memory_huge(corpus: Corpus, repeats: Repeats, scratch: Path) -> Measure:
    return _peak_measure(
        "peak_memory_huge", corpus.huge, corpus.huge_rows, corpus.one, min(repeats.memory, 2)
    )


def _peak_measure(name: str, path: Path, rows: int, warm_up: Path, runs: int) -> Measure:
    samples: dict[str, list[tuple[float, float]]] = {case: [] for case in PEAK_CASES}
    for _ in range(runs):
        for case, found in samples.items():
            found.append(peak_rss(case, path, warm_up))
    return Measure(
        name=name,
        title=f"peak memory, the {rows:,}-row department sheet (rise of the peak RSS in a child)",
        baseline_title="python-calamine reads it",
        unit="MB",
        kind="ratio",
        target=2.0,
        ours=[rise for _, rise in samples["check"]],
        baseline=[rise for _, rise in samples["calamine"]],
        reference=[rise for _, rise in samples["openpyxl"]],
        details={
            "total_peak_rss_mb": {
                case: statistics.median(peak for peak, _ in found) for case, found in samples.items()
            }
        },
    )


MEASURES: dict[str, MeasureFunction] = {
    "check_files": check_files,
    "check_book": check_book,
    "annotate_book": annotate_book,
    "cli_process": cli_process,
    "ribbon_import": ribbon_import_time,
    "peak_memory": peak_memory,
    "check_huge": check_huge,
    "peak_memory_huge": peak_memory_huge,
    "check_jobs": check_jobs,
}
