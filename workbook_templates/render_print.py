"""Print each kind of workbook we make as LibreOffice prints it, to PNGs in docs/images/ (the README shows them).

`python workbook_templates/render_print.py [--out DIR]` prints the empty project form, the department form
filled from the seed, and the annotated copy of the seed (its 校验结果 sheet) with LibreOffice headless, and
turns the first page of each into a PNG with poppler's pdftoppm. Needs `apt-get install libreoffice-calc-nogui
fonts-wqy-zenhei fonts-crosextra-carlito poppler-utils`; a script, not a test (tests/templates/test_printed_forms.py
checks the prints).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

from perfgoals_xl.core.specs import spec_from_table
from perfgoals_xl.files.write import annotate, plan_for
from perfgoals_xl.pipeline import check_workbook
from perfgoals_xl.templates.fill import fill, template_path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images"
SEED = ROOT / "workbook_templates" / "examples" / "seed_three_sheets.xlsx"
RESOLUTION = 60  # dots per inch: an A4 page of about 500 × 700 pixels
CHECKED_AT = datetime(2026, 12, 1, 9, 30)  # a fixed time: the picture does not change on every run


def workbooks(work: Path) -> dict[str, Path]:
    """printed_template, printed_filled, printed_results → the workbook whose page it shows."""
    template = work / "printed_template.xlsx"
    template.write_bytes(template_path("project").read_bytes())
    workbook, result = check_workbook(SEED)
    department = next(t for t in result.tables if t.kind == "department")
    filled = work / "printed_filled.xlsx"
    fill(spec_from_table(department)).save(filled)
    assert workbook is not None
    annotated = annotate(SEED, work / "printed_results.xlsx", plan_for(workbook, result, checked_at=CHECKED_AT),
                         workbook.grids)  # fmt: skip
    return {"printed_template": template, "printed_filled": filled, "printed_results": annotated}


def render(out_dir: Path) -> list[Path]:
    """Print, convert each wanted page to PNG; returns the PNGs."""
    for tool in ("soffice", "pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            raise SystemExit(
                f"需要 {tool}：apt-get install libreoffice-calc-nogui fonts-wqy-zenhei fonts-crosextra-carlito "
                "poppler-utils"
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        books = workbooks(work)
        profile = (work / "profile").as_uri()
        subprocess.run(
            ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
             str(work), *map(str, books.values())],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        for name in books:
            pdf = work / f"{name}.pdf"
            page = _results_page(pdf) if name == "printed_results" else 1
            target = out_dir / name
            subprocess.run(
                ["pdftoppm", "-png", "-r", str(RESOLUTION), "-f", str(page), "-l", str(page), "-singlefile",
                 str(pdf), str(target)],
                check=True, capture_output=True,
            )  # fmt: skip
            written.append(target.with_suffix(".png"))
    return written


def _results_page(pdf: Path) -> int:
    """The first page of the 校验结果 sheet (the annotated copy prints the user's sheets first)."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    return next(number for number, page in enumerate(pages, 1) if "校验结果：" in page)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT, help="output folder")
    for path in render(parser.parse_args().out):
        print(path)


if __name__ == "__main__":
    main()
