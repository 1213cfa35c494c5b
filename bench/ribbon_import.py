"""Import time of `perfgoals_xl.excel.ribbon` against `import xlwings`: every ribbon click starts a new Python process.

Each measurement is a fresh interpreter timing its own import (`time.perf_counter` around `import X`; interpreter
start-up, the same for all, is left out), after one discarded warm-up run; the median of --runs is reported.
Target: the ribbon module costs at most 0.15 s more than xlwings alone. Also measured, for information: the chain
a 校验 click loads on top (`perfgoals_xl.excel.handlers`: reader, rules, pydantic models), with its slowest modules from
`python -X importtime`. XLWINGS_LICENSE_KEY is removed from the environment, as on a user's PC (COM engine).

    python bench/ribbon_import.py [--runs 7]      → prints the numbers, writes bench/results/ribbon_import.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
from datetime import datetime
from pathlib import Path

TARGET_S = 0.15
RESULTS = Path(__file__).resolve().parent / "results" / "ribbon_import.json"
CASES = {
    "xlwings": ["xlwings"],
    "perfgoals_xl.excel.ribbon": ["perfgoals_xl.excel.ribbon"],
    "click chain (ribbon + perfgoals_xl.excel.handlers)": [
        "perfgoals_xl.excel.ribbon",
        "perfgoals_xl.excel.handlers",
    ],
}


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_LICENSE_KEY"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def import_time(modules: list[str]) -> float:
    imports = "; ".join(f"import {module}" for module in modules)
    code = f"import time; t = time.perf_counter(); {imports}; print(time.perf_counter() - t)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment()
    )
    return float(result.stdout.strip())


def median_time(modules: list[str], runs: int) -> tuple[float, list[float]]:
    import_time(modules)  # warm-up: bytecode caches written, files in the page cache
    times = [import_time(modules) for _ in range(runs)]
    return statistics.median(times), times


def slowest_modules(modules: list[str], top: int = 12) -> list[tuple[str, float]]:
    """The modules with the largest self time in `python -X importtime` (seconds)."""
    imports = "; ".join(f"import {module}" for module in modules)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", imports],
        capture_output=True,
        text=True,
        check=True,
        env=environment(),
    )
    rows = []
    for line in result.stderr.splitlines():
        found = re.match(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|\s+(.*)$", line)
        if found:
            rows.append((found[3].strip(), int(found[1]) / 1e6))
    return sorted(rows, key=lambda row: row[1], reverse=True)[:top]


def loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    imports = "; ".join(f"import {module}" for module in modules)
    code = f"import sys; {imports}; print(' '.join(n for n in {names!r} if n in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment()
    )
    return result.stdout.split()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per case (median; at least 5)")
    args = parser.parse_args()
    runs = max(args.runs, 5)
    medians, samples = {}, {}
    for name, modules in CASES.items():
        medians[name], samples[name] = median_time(modules, runs)
    base, ribbon = medians["xlwings"], medians["perfgoals_xl.excel.ribbon"]
    chain = medians["click chain (ribbon + perfgoals_xl.excel.handlers)"]
    difference = ribbon - base
    status = "MET" if difference <= TARGET_S else "MISSED"
    heavy = ("openpyxl", "click", "rich", "pydantic", "python_calamine")
    print(f"median of {runs} fresh processes each (import only; Python {platform.python_version()})")
    for name in CASES:
        print(f"  {name:<45} {medians[name]:.3f} s")
    print(f"  difference ribbon - xlwings: {difference:+.3f} s (target ≤ {TARGET_S:.2f} s): {status}")
    print(f"  click chain - xlwings (information): {chain - base:+.3f} s")
    slow = slowest_modules(CASES["click chain (ribbon + perfgoals_xl.excel.handlers)"])
    print("  slowest modules of the click chain (self time, -X importtime):")
    for module, seconds in slow:
        print(f"    {seconds * 1000:7.1f} ms  {module}")
    result = {
        "measured_at": datetime.now().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "runs": runs,
        "median_s": medians,
        "samples_s": samples,
        "difference_s": difference,
        "target_s": TARGET_S,
        "status": status,
        "click_chain_minus_xlwings_s": chain - base,
        "ribbon_loads": loaded(CASES["perfgoals_xl.excel.ribbon"], heavy),
        "click_chain_loads": loaded(CASES["click chain (ribbon + perfgoals_xl.excel.handlers)"], heavy),
        "click_chain_slowest_self_s": slow,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"  written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
