"""The command line run as a real process (`python -m perfgoals_xl ARGS`), its output read as UTF-8 text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def run_cli(
    *args: str | Path, home: Path | None = None, cwd: Path | None = None, timeout: float = 120, **extra: Any
) -> subprocess.CompletedProcess[str]:
    """Run `perfgoals-xl ARGS`; with `home`, HOME (and USERPROFILE) point there, so no settings file of the
    machine's user is found. `extra` goes to subprocess.run (a `preexec_fn` that bounds memory)."""
    env = {**os.environ, "HOME": str(home), "USERPROFILE": str(home)} if home is not None else None
    return subprocess.run(
        [sys.executable, "-m", "perfgoals_xl", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        env=env,
        cwd=cwd,
        **extra,
    )
