"""Printing our workbooks for real: LibreOffice headless prints them to PDF (`--convert-to pdf`, every sheet,
with each sheet's page setup), poppler's `pdftotext -bbox` gives every word with its box and page size.

LibreOffice never clips a cell's wrapped text to its row: a row too short for its text overprints the next
rows, so two word boxes of one page that overlap are text printed over text (`overprints`). Each call uses its
own LibreOffice profile, so parallel test workers never share one.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

from lo_harness import soffice

INSTALL_HINT = "需要 poppler-utils：apt-get install -y poppler-utils"
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class Printed:
    pages: list[tuple[float, float]]  # (width, height) in points
    words: list[Word]

    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    def find(self, text: str) -> list[Word]:
        return [word for word in self.words if word.text == text]


def to_pdf(paths: list[Path], out_dir: Path) -> list[Path]:
    """Each workbook printed to out_dir/<name>.pdf by one soffice process."""
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = (out_dir / f"lo_profile_{uuid.uuid4().hex[:6]}").resolve().as_uri()
    command = [soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore"]
    command += ["--convert-to", "pdf", "--outdir", str(out_dir), *map(str, paths)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    outputs = [out_dir / f"{path.stem}.pdf" for path in paths]
    missing = [p.name for p in outputs if not p.exists()]
    assert not missing, f"LibreOffice did not print {missing}: {result.stdout}{result.stderr}"
    return outputs


def read_pdf(pdf: Path) -> Printed:
    """The pages and words of a PDF, as pdftotext -bbox sees them."""
    tool = shutil.which("pdftotext")
    if tool is None:
        raise RuntimeError(INSTALL_HINT)
    result = subprocess.run([tool, "-bbox", str(pdf), "-"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    pages, words = [], []
    for number, (width, height, body) in enumerate(_PAGE.findall(result.stdout), 1):
        pages.append((float(width), float(height)))
        for x0, y0, x1, y1, text in _WORD.findall(body):
            words.append(Word(number, float(x0), float(y0), float(x1), float(y1), html.unescape(text)))
    return Printed(pages, words)


def overprints(printed: Printed, tolerance: float = 0.5) -> list[tuple[Word, Word]]:
    """Pairs of words of one page whose boxes overlap by more than `tolerance` points both ways."""
    found = []
    by_page: dict[int, list[Word]] = {}
    for word in printed.words:
        by_page.setdefault(word.page, []).append(word)
    for words in by_page.values():
        words.sort(key=lambda w: w.y0)
        for index, word in enumerate(words):
            for other in words[index + 1 :]:
                if other.y0 >= word.y1 - tolerance:
                    break  # sorted by top: nothing further down can reach this word
                overlap_x = min(word.x1, other.x1) - max(word.x0, other.x0)
                overlap_y = min(word.y1, other.y1) - max(word.y0, other.y0)
                if overlap_x > tolerance and overlap_y > tolerance:
                    found.append((word, other))
    return found


def crossed_rows(printed: Printed, workbook: Path, tolerance: float = 0.5) -> list[tuple[Word, Word]]:
    """Pairs of words printed out of their rows' order: a word of a cell on row r reaching below the top of a
    word of a cell on a row after r's last (a row too short for its wrapped text overprints its neighbours).

    A word belongs to the one cell whose text contains it; words with fewer than two Chinese characters (`13`,
    `≥`) or found in several cells are not judged."""
    import openpyxl

    cells: list[tuple[str, int, int, str]] = []  # (sheet, top, bottom, text without spaces)
    for ws in openpyxl.load_workbook(workbook).worksheets:
        spans = {(m.min_row, m.min_col): m.max_row for m in ws.merged_cells.ranges}
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.strip():
                    bottom = spans.get((cell.row, cell.column), cell.row)
                    cells.append((ws.title, cell.row, bottom, re.sub(r"\s", "", cell.value)))
    placed: list[tuple[Word, str, int, int]] = []
    for word in printed.words:
        text = re.sub(r"\s", "", word.text)
        owners = [c for c in cells if len(CJK.findall(text)) >= 2 and text in c[3]]
        if len(owners) == 1:
            sheet, top, bottom, _ = owners[0]
            placed.append((word, sheet, top, bottom))
    crossed = []
    for word, sheet, _, bottom in placed:
        for other, other_sheet, other_top, _ in placed:
            same_page = other.page == word.page and other_sheet == sheet
            if same_page and other_top > bottom and word.y1 > other.y0 + tolerance:
                crossed.append((word, other))
    return crossed
