"""Run the benchmarks of issue 7: each measure beside its baseline from the same run, against its target.

    python bench/run.py                  # every measure (a few minutes on 2 cores)
    python bench/run.py --quick          # fewer repeats
    python bench/run.py --only check_book --only peak_memory

The corpus is generated into bench/corpus/ on the first run (and again when bench/corpus.py's
GENERATOR_VERSION changes). Prints a markdown table (median of the samples; MET/MISSED per target) and writes
every sample to bench/results/bench.json. The exit code is 0 whether or not the targets are met.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `bench` importable
    sys.path.insert(0, str(ROOT))

from bench import corpus as corpora  # noqa: E402
from bench.measures import MEASURES as CHECK_MEASURES  # noqa: E402
from bench.measures import Measure, Repeats  # noqa: E402
from bench.report_page import report_browser, report_page  # noqa: E402
from bench.server import server_requests  # noqa: E402

MEASURES = {
    **CHECK_MEASURES,
    "report_page": report_page,
    "report_browser": report_browser,
    "server_requests": server_requests,
}

RESULTS = ROOT / "bench" / "results" / "bench.json"


def machine() -> dict[str, str | int | None]:
    model = None
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu": model or platform.processor() or None,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def amount(value: float, unit: str) -> str:
    return f"{value:.1f} MB" if unit == "MB" else f"{value:.3f} s"


def compared_to_openpyxl(measure: Measure) -> str:
    """openpyxl's default read of the same corpus, and how we compare (information, no target)."""
    if not measure.reference:
        return ""
    reference = statistics.median(measure.reference)
    ratio = measure.ours_median / reference
    if measure.unit == "s":
        relation = f"ours {1 / ratio:.1f}× faster" if ratio <= 1 else f"ours {ratio:.1f}× slower"
    else:
        relation = f"ours {1 / ratio:.1f}× less" if ratio <= 1 else f"ours {ratio:.1f}× as much"
    return f"{amount(reference, measure.unit)} ({relation})"


def table(measures: list[Measure]) -> str:
    lines = [
        "| measure | ours | baseline (same run) | ours vs baseline | target | status | openpyxl default read |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in measures:
        lines.append(
            f"| {m.title} | {amount(m.ours_median, m.unit)} | {amount(m.baseline_median, m.unit)} "
            f"({m.baseline_title}) | {m.verdict()} | {m.target_text()} | **{m.status}** "
            f"| {compared_to_openpyxl(m)} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (3 timings, 5 processes)")
    parser.add_argument(
        "--only",
        action="append",
        choices=list(MEASURES),
        metavar="NAME",
        help=f"one of {', '.join(MEASURES)}",
    )
    args = parser.parse_args(argv)
    repeats = Repeats.quick() if args.quick else Repeats()
    names = args.only or list(MEASURES)
    about = machine()
    print(
        f"perfgoals-xl benchmarks, {datetime.now():%Y-%m-%d %H:%M}: {about['cpus']} × {about['cpu']}, "
        f"Python {about['python']}, {about['platform']}"
    )
    corpus = corpora.ensure()
    print(
        f"corpus: {len(corpus.small)} one-table files, a {corpus.sheets}-sheet book, "
        f"a {corpus.rows:,}-row department sheet (generator version {corpora.GENERATOR_VERSION})"
    )
    print(f"repeats: {repeats}")
    measures = []
    with tempfile.TemporaryDirectory(prefix="perfgoals-bench-") as scratch:
        for index, name in enumerate(names, start=1):
            print(f"[{index}/{len(names)}] {name} …", end=" ", flush=True)
            start = time.perf_counter()
            measure = MEASURES[name](corpus, repeats, Path(scratch))
            parallelism = measure.details.get("busy_loop_2_processes_vs_1")
            print(
                f"{measure.verdict()} (target {measure.target_text()}): {measure.status}, "
                f"{time.perf_counter() - start:.0f} s"
                + (
                    f" — a busy loop in 2 processes vs 1 on this machine now: {parallelism}×"
                    if parallelism
                    else ""
                )
            )
            measures.append(measure)
    print()
    print(table(measures))
    missed = [m.name for m in measures if not m.met]
    print()
    print(f"MISSED: {', '.join(missed)}" if missed else "every target MET")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "measured_at": datetime.now().isoformat(timespec="seconds"),
        "machine": about,
        "corpus": {
            "generator_version": corpora.GENERATOR_VERSION,
            "files": len(corpus.small),
            "sheets": corpus.sheets,
            "rows": corpus.rows,
        },
        "repeats": repeats.__dict__,
        "measures": {m.name: m.as_json() for m in measures},
        "missed": missed,
    }
    RESULTS.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
