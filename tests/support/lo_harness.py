"""Evaluating a form's native twins for real: LibreOffice headless recalculates a test copy in which every
twin's condition — at every cell it covers — and every helper name is written as a cell formula (a probe).

- `probe_copy(src, dst)` writes the probes far right of each form's sheet and returns what each one stands for;
- `recalculate(paths, out_dir)` lets one soffice process compute and save them all (`--convert-to xlsx`);
- `fired_twins(src, tmp)` does both and returns the twins whose condition is TRUE, cell by cell.

Each call uses its own LibreOffice profile, so parallel test workers (and other people's soffice) never share one.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter

from perfgoals_xl.core.twins import is_twin_formula

PROBE_COLUMN = 60  # first column of the probes (BH), far from any form
INSTALL_HINT = "需要 LibreOffice：apt-get install -y libreoffice-calc-nogui"


@dataclass(frozen=True)
class Probe:
    """A probe cell: the twin (rule, severity) whose condition it computes for `cell`; rule "=" for a name."""

    sheet: str
    rule: str
    severity: str
    cell: str
    probe: str


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        raise RuntimeError(INSTALL_HINT)
    return path


def recalculate(paths: list[Path], out_dir: Path, profile: Path) -> list[Path]:
    """Open each workbook in LibreOffice headless, recalculate and save it as .xlsx into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    command = [
        soffice(),
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "xlsx:Calc MS Excel 2007 XML",
        "--outdir",
        str(out_dir),
        *map(str, paths),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    outputs = [out_dir / path.name for path in paths]
    missing = [p.name for p in outputs if not p.exists()]
    assert not missing, f"LibreOffice did not write {missing}: {result.stdout}{result.stderr}"
    return outputs


def probe_copy(src: Path, dst: Path) -> list[Probe]:
    """A copy of src whose sheets carry, far right, one cell formula per twin and covered cell (and per
    sheet-scoped helper name); the probes in order."""
    wb = openpyxl.load_workbook(src)
    probes: list[Probe] = []
    for ws in wb.worksheets:
        column = PROBE_COLUMN
        for name in list(ws.defined_names):
            probes.append(_write_probe(ws, 1, column, f"={name}", "=", "", name))
            column += 1
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                text = next((str(f) for f in rule.formula or () if is_twin_formula(str(f))), None)
                if text is None:
                    continue
                twin = text.split('ISTEXT("', 1)[1][4:7]  # 表内检查V04 → V04
                severity = _severity(wb, rule)
                areas = sorted(cf.sqref.ranges, key=lambda a: (a.min_row, a.min_col))
                origin = f"{get_column_letter(areas[0].min_col)}{areas[0].min_row}"  # Excel's anchor
                for area in areas:
                    for row in range(area.min_row, area.max_row + 1):
                        for col in range(area.min_col, area.max_col + 1):
                            cell = f"{get_column_letter(col)}{row}"
                            translated = Translator(f"={text}", origin=origin).translate_formula(cell)
                            probes.append(_write_probe(ws, row, column, translated, twin, severity, cell))
                column += 1
    wb.save(dst)
    return probes


def _write_probe(ws, row: int, column: int, text: str, rule: str, severity: str, cell: str) -> Probe:
    ws.cell(row=row, column=column, value=text)
    return Probe(ws.title, rule, severity, cell, f"{get_column_letter(column)}{row}")


def _severity(wb, rule) -> str:
    from perfgoals_xl.core.twins import COLORS

    color = (rule.dxf.fill.bgColor.rgb or "")[-6:] if rule.dxf and rule.dxf.fill else ""
    return next((severity for severity, hex_color in COLORS.items() if hex_color == color), "?")


def recalculated(paths: list[Path], work: Path) -> list[openpyxl.Workbook]:
    """The workbooks as LibreOffice computed them (values only), in one soffice run."""
    outputs = recalculate(paths, work / f"out_{uuid.uuid4().hex[:6]}", work / "lo_profile")
    return [openpyxl.load_workbook(output, data_only=True) for output in outputs]


def fired_twins(sources: list[Path], work: Path) -> list[dict[tuple[str, str], set[str]]]:
    """For each workbook: {(rule, cell): severities} of the twins LibreOffice computes TRUE, plus
    {("=", name): {value}} for every helper name."""
    work.mkdir(parents=True, exist_ok=True)
    copies, all_probes = [], []
    for index, source in enumerate(sources):
        copy = work / f"probe_{index}_{uuid.uuid4().hex[:6]}.xlsx"
        all_probes.append(probe_copy(source, copy))
        copies.append(copy)
    results = []
    for wb, probes in zip(recalculated(copies, work), all_probes, strict=True):
        fired: dict[tuple[str, str], set[str]] = {}
        for probe in probes:
            value = wb[probe.sheet][probe.probe].value
            if probe.rule == "=":
                fired[("=", probe.cell)] = {str(value)}
            elif value is True:
                fired.setdefault((probe.rule, probe.cell), set()).add(probe.severity)
            else:  # FALSE, or an error (#VALUE! of text times 100): a format is not applied on either
                assert value is False or str(value).startswith("#"), (
                    f"{probe}: LibreOffice computed {value!r}"
                )
        results.append(fired)
    return results
