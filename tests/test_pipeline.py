"""The batch loop: worker processes give the serial run's reports in its order, and one file's crash or time-out
fails that file alone."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import ONE_SHEET, THREE_SHEETS

from perfgoals_xl import pipeline
from perfgoals_xl.core.render import to_json
from perfgoals_xl.core.report import Report
from perfgoals_xl.core.settings import Settings

pytestmark = pytest.mark.slow


def batch(tmp_path: Path, count: int) -> list[Path]:
    """`count` copies of the samples, a text file posing as a workbook among them."""
    paths = []
    for index in range(count):
        source = THREE_SHEETS if index % 2 else ONE_SHEET
        path = tmp_path / f"{index:03d}_{source.name}"
        shutil.copyfile(source, path)
        paths.append(path)
    fake = tmp_path / "假文件.xlsx"
    fake.write_text("不是工作簿", encoding="utf-8")
    paths.insert(count // 2, fake)
    return paths


def as_json(reports) -> str:
    return json.dumps(to_json(Report(reports)), ensure_ascii=False)


def test_workers_give_the_serial_reports_in_order(tmp_path: Path) -> None:
    paths = batch(tmp_path, 12)
    seen: list[tuple[int, bool]] = []
    serial = pipeline.check_files(paths)
    parallel = pipeline.check_files(
        paths, jobs=2, after=lambda index, workbook, report: seen.append((index, workbook is not None))
    )
    assert as_json(parallel) == as_json(serial)
    assert [index for index, _ in seen] == list(range(len(paths)))
    # the annotator is given each readable file's Grids, read in the worker
    assert all(has_grids for index, has_grids in seen if serial[index].error is None)
    assert serial[6].error.code == "not_workbook"


def test_each_file_checked_with_its_own_settings_in_workers(tmp_path: Path) -> None:
    paths = batch(tmp_path, 4)
    strict = Settings(strict=True)
    chosen = lambda path: strict if path.name.startswith("001") else Settings()  # noqa: E731
    assert as_json(pipeline.check_files(paths, chosen, jobs=2)) == as_json(
        pipeline.check_files(paths, chosen)
    )


def _dies_on_marked(path: Path, settings=None):
    if "崩溃" in path.name:
        os._exit(70)  # the worker process dies, as in a crash inside a native library
    if "很慢" in path.name:
        time.sleep(30)
    return real_check_workbook(path, settings)


real_check_workbook = pipeline.check_workbook


@pytest.mark.parametrize("count", [6, 30], ids=["a file per task", "files share a task"])
def test_a_dying_or_stuck_worker_fails_its_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    paths = batch(tmp_path, count)
    crash = tmp_path / "崩溃.xlsx"
    slow = tmp_path / "很慢.xlsx"
    shutil.copyfile(ONE_SHEET, crash)
    shutil.copyfile(ONE_SHEET, slow)
    paths[2:2] = [crash, slow]
    expected = pipeline.check_files(paths)
    # workers are forked from this process, so they run the patched check
    monkeypatch.setattr(pipeline, "check_workbook", _dies_on_marked)
    monkeypatch.setattr(pipeline, "FILE_TIMEOUT_SECONDS", 3.0)
    started = time.monotonic()
    reports = pipeline.check_files(paths, jobs=2)
    assert time.monotonic() - started < 25
    assert [r.path for r in reports] == [str(p) for p in paths]
    assert reports[2].error.code == "internal" and "崩溃.xlsx" in reports[2].error.message
    assert reports[3].error.code == "timeout" and "超过 3 秒" in reports[3].error.message
    others = [i for i in range(len(paths)) if i not in (2, 3)]
    assert as_json([reports[i] for i in others]) == as_json([expected[i] for i in others])


def test_default_jobs_use_every_core_from_fifty_files() -> None:
    assert pipeline.default_jobs(49) == 1
    assert pipeline.default_jobs(50) == (os.cpu_count() or 1)
