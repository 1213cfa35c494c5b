"""Render a filled standard form with a few native twins lit, as the README shows it (docs/images/).

`python workbook_templates/render_native.py [--out DIR]` fills the project form with some typical mistakes,
lets LibreOffice headless print it (the conditional formats are evaluated by LibreOffice itself, not by us) and
turns the page into a PNG with poppler's pdftoppm. Needs `apt-get install libreoffice-calc-nogui
fonts-wqy-zenhei poppler-utils`; it is a script, not a test (the tests evaluate the twins cell by cell).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

from perfgoals_xl.core.specs import IndicatorSpec, ProjectSpec
from perfgoals_xl.templates.fill import fill

OUT = Path(__file__).resolve().parents[1] / "docs" / "images"


def _row(level1: str, level2: str, name: str, value: object, unit: str | None, operator: str | None):
    return IndicatorSpec(level1=level1, level2=level2, name=name, value=value, unit=unit, operator=operator)


SPEC = ProjectSpec(
    year=2026,
    unit_name="区人民政府办公室",
    amount_unit="万元",
    name="金融风险防范化解工作经费",
    budget=10,
    category="专项业务类",
    period="2026年",
    goal="2026年12月底前开展金融风险排查整治4次、宣传8次，群众满意度达到90%以上。",
    indicators=[
        _row("产出指标", "数量指标", "排查整治次数", 4, "次", "≥"),
        _row("产出指标", "数量指标", "建议采纳数", 0.5, "条", "≥"),  # V05
        _row("产出指标", "质量指标", "宣传资料合格率", 120, "%", "≥"),  # V04
        _row("产出指标", "时效指标", "整治按期完成率", 95, None, "≥"),  # V02
        _row("效益指标", "社会效益指标", "群众防范意识", "明显提升", "%", "定性"),  # V03
        _row("满意度指标", "服务对象满意度指标", "群众满意度", 90, "%", "≤"),  # V06
        _row("成本指标", "经济成本指标", "排查整治工作经费", 8, "万元", "≥"),  # V07, and C01 with the next
        _row("成本指标", "经济成本指标", "宣传资料印制费", 30000, "元", "≤"),
        _row("成本指标", "社会成本指标", "排查整治次数", 0, "万元", "≤"),  # S05
    ],
)


def render(out_dir: Path) -> Path:
    """Fill, print with LibreOffice, convert the first page to PNG; returns the PNG's path."""
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            raise SystemExit(
                f"需要 {tool}：apt-get install libreoffice-calc-nogui fonts-wqy-zenhei poppler-utils"
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        workbook = work / "native_checks.xlsx"
        fill(SPEC).save(workbook)
        profile = (work / "profile").as_uri()
        subprocess.run(
            ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
             str(work), str(workbook)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        target = out_dir / "native_checks"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", "-x", "40", "-y", "150",
             "-W", "830", "-H", "640", str(work / "native_checks.pdf"), str(target)],  # the table only
            check=True, capture_output=True,
        )  # fmt: skip
    return target.with_suffix(".png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT, help="output folder")
    print(render(parser.parse_args().out))


if __name__ == "__main__":
    main()
