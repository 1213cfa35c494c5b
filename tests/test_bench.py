"""The benchmark's corpus generators and one measure, at a tiny size (no timing assertions)."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import corpus as corpora
from bench.measures import Repeats, check_files, check_huge, check_jobs, check_to_json, peak_rss


def tiny(folder: Path, **sizes: int) -> corpora.Corpus:
    return corpora.ensure(
        folder, **{"files": 3, "sheets": 2, "rows": 60, "huge_rows": 90, **sizes}, log=lambda _: None
    )


def test_corpus_is_seed_shaped_and_regenerated_only_when_needed(tmp_path, monkeypatch):
    corpus = tiny(tmp_path)
    assert len(corpus.small) == 3 and all(path.is_file() for path in corpus.small)
    document = check_to_json([*corpus.small, corpus.book, corpus.department])
    files = document["files"]
    assert [file["error"] for file in files] == [None] * 5
    assert [len(file["tables"]) for file in files] == [1, 1, 1, 2, 1]
    assert {table["kind"] for file in files[:4] for table in file["tables"]} == {"project"}
    department = files[4]["tables"][0]
    assert department["kind"] == "department" and len(department["indicators"]) == 60
    assert all(file["findings"] for file in files)  # the seed's defects travel with its tables

    stamp = corpus.book.stat().st_mtime_ns
    assert tiny(tmp_path).book.stat().st_mtime_ns == stamp  # up to date: kept
    monkeypatch.setattr(corpora, "GENERATOR_VERSION", corpora.GENERATOR_VERSION + 1)
    assert tiny(tmp_path).book.stat().st_mtime_ns != stamp  # another generator: written again


def test_a_measure_returns_sane_numbers(tmp_path):
    corpus = tiny(tmp_path / "corpus")
    repeats = Repeats(timing=1, process=1, memory=1, reference=1)
    measure = check_files(corpus, repeats, tmp_path)
    assert measure.name == "check_files" and measure.kind == "ratio"
    assert len(measure.ours) == len(measure.baseline) == 1 and len(measure.reference) == 1
    assert 0 < measure.baseline_median < 60 and 0 < measure.ours_median < 60
    assert measure.status in {"MET", "MISSED"} and measure.value > 0
    assert measure.details["summary"]["tables"] == 3
    assert set(measure.as_json()) >= {"ours_median", "baseline_median", "ratio", "target", "status"}


def test_peak_memory_child_reports_a_rise(tmp_path):
    corpus = tiny(tmp_path)
    peak, rise = peak_rss("calamine", corpus.department, corpus.one)
    assert 0 <= rise <= peak < 2048


def test_the_scale_measures_run_on_a_tiny_corpus(tmp_path):
    corpus = tiny(tmp_path / "corpus")
    repeats = Repeats(timing=1, process=1, memory=1, reference=1)
    for measure in (check_huge(corpus, repeats, tmp_path), check_jobs(corpus, repeats, tmp_path)):
        assert len(measure.ours) == len(measure.baseline) == 1 and measure.value > 0, measure.name
    peak, rise = peak_rss("check", corpus.huge, corpus.one)
    assert 0 <= rise <= peak < 2048


def test_the_report_page_measure_runs(tmp_path):
    from bench.report_page import report_page

    corpus = tiny(tmp_path / "corpus")
    measure = report_page(corpus, Repeats(timing=1, process=1, memory=1, reference=1), tmp_path)
    assert measure.value > 0 and measure.details
