"""Build the standard templates (项目支出 / 部门整体支出绩效目标表) into this folder.

Run `python workbook_templates/build_templates.py [--out DIR]` after changing perfgoals_xl/templates/layout.py
or native.py (or core/twins.py); a test fails when the committed templates are stale. The layout itself lives in the package (perfgoals_xl.templates.layout),
because `perfgoals-xl fill` and the Excel buttons use the same definitions.
"""

import argparse
import sys
from pathlib import Path

SCRIPT_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(SCRIPT_DIR))

from build_examples import save_deterministic  # noqa: E402

from perfgoals_xl.templates.fill import TEMPLATE_FILES  # noqa: E402
from perfgoals_xl.templates.layout import build_template  # noqa: E402


def build(out_dir: Path) -> list[Path]:
    """Write both templates; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, file_name in TEMPLATE_FILES.items():
        path = out_dir / file_name
        save_deterministic(build_template(kind), path)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=SCRIPT_DIR, help="output folder")
    for path in build(parser.parse_args().out):
        print(path)


if __name__ == "__main__":
    main()
