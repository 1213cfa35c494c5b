"""Mutation testing of the reader and the rules (perfgoals_xl/core/reader/, perfgoals_xl/core/rules/) with mutmut.

    python tools/mutation.py            # every mutant (hours on 2 cores; run it before a release)
    python tools/mutation.py --quick    # a fixed sample: the mutants numbered …7 in each function (≈ 1 in 10)
    python tools/mutation.py --report   # the score of the last run again, without running

mutmut (configured under [tool.mutmut] in pyproject.toml) copies the package to mutants/, changes one
operator, constant or call at a time and runs the tests of tests/core that reach the changed function; a
mutant is killed when a test fails. The score is killed ÷ (mutants − those listed as equivalent in
tools/mutation_equivalent.toml, each with its reason); every other survivor is printed, to be killed by a
new case or listed there. Exit code 1 when the score of the reader or of the rules is below 80 %, or when
the run stopped before it had tried every mutant it was given (a partial score is no score).
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENT = ROOT / "tools" / "mutation_equivalent.toml"
AREAS = {"reader": "perfgoals_xl.core.reader.", "rules": "perfgoals_xl.core.rules."}
TARGET = 0.80
KILLED = {"killed", "timeout"}  # a mutant that hangs the tests is caught too


def mutmut(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the mutmut command of this interpreter's environment in the repository, at low priority."""
    command = [str(Path(sys.executable).with_name("mutmut")), *args]
    niced = ["nice", "-n", "19", *command] if shutil.which("nice") else command
    return subprocess.run(niced, cwd=ROOT, text=True, capture_output=args[0] == "results", check=False)


def run(quick: bool, digit: str, jobs: int) -> None:
    """A fresh run (results of earlier runs would hide what changed in the tests since)."""
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    pattern = [f"*__mutmut_*{digit}"] if quick else []
    mutmut("run", "--max-children", str(jobs), *pattern)


def statuses() -> dict[str, str]:
    """Mutant name → status (killed, survived, timeout, no tests, not checked …) of the last run."""
    out = mutmut("results", "--all", "true").stdout
    found = {}
    for line in out.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and name.startswith("perfgoals_xl."):
            found[name] = status
    return found


def equivalent() -> dict[str, str]:
    """Survivors that no test can kill, by name or fnmatch pattern, with the reason why."""
    entries = tomllib.loads(EQUIVALENT.read_text(encoding="utf-8")).get("mutants", [])
    return {entry["name"]: entry["reason"] for entry in entries}


def is_equivalent(name: str, known: dict[str, str]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in known)


def report(found: dict[str, str], digit: str) -> bool:
    """Print the score per area and the unexplained survivors; True when every area reaches the target."""
    known = equivalent()
    ok = True
    for area, prefix in AREAS.items():
        mine = {name: status for name, status in found.items() if name.startswith(prefix)}
        tried = {name: status for name, status in mine.items() if status != "not checked"}
        counts = Counter(tried.values())
        killed = sum(counts[s] for s in KILLED)
        excused = sum(1 for n, status in tried.items() if status not in KILLED and is_equivalent(n, known))
        scored = len(tried) - excused
        score = killed / scored if scored else 0.0
        ok = ok and score >= TARGET
        detail = ", ".join(f"{status} {n}" for status, n in sorted(counts.items()))
        print(f"{area}: {score:.1%} killed ({killed} of {scored}; {excused} equivalent; {detail})")
    survivors = sorted(
        n for n, s in found.items() if s not in KILLED | {"not checked"} and not is_equivalent(n, known)
    )
    print(f"\n{len(survivors)} mutants not killed and not listed as equivalent:")
    for name in survivors:
        print(f"  {name}: {found[name]}   (mutmut show {name})")
    stale = sorted(n for n, s in found.items() if s in KILLED and is_equivalent(n, known))
    if stale:  # a listed mutant a test killed: the entry names another change now, or its reason was wrong
        print(f"\n{len(stale)} mutants listed as equivalent were killed — check those entries:")
        for name in stale:
            print(f"  {name}   (mutmut show {name})")
    ok = ok and not stale
    tried, complete = coverage(found, digit)
    print(f"\n{tried}; target {TARGET:.0%} per area")
    return ok and complete


def coverage(found: dict[str, str], digit: str) -> tuple[str, bool]:
    """Which mutants the run tried, and whether it ran to the end (a score of a stopped run is no score)."""
    tried = [name for name, status in found.items() if status != "not checked"]
    sample = [name for name in found if fnmatch.fnmatchcase(name, f"*__mutmut_*{digit}")]
    if tried and all(fnmatch.fnmatchcase(name, f"*__mutmut_*{digit}") for name in tried):
        what, wanted = f"the sample of --quick (numbers ending in {digit})", sample
    else:
        what, wanted = "every mutant", list(found)
    left = sum(1 for name in wanted if found[name] == "not checked")
    done = "complete" if not left else f"INCOMPLETE: {left} not tried"
    return f"{len(tried)} of {len(found)} mutants tried, {what}, {done}", not left


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="only the mutants whose number ends in --digit")
    parser.add_argument("--digit", default="7", help="the sample of --quick (default 7)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="mutants tested at once")
    parser.add_argument("--report", action="store_true", help="print the last run's score, run nothing")
    args = parser.parse_args(argv)
    if not args.report:
        run(args.quick, args.digit, args.jobs)
    found = statuses()
    if not found:
        print("no mutmut results: run without --report first", file=sys.stderr)
        return 2
    return 0 if report(found, args.digit) else 1


if __name__ == "__main__":
    sys.exit(main())
