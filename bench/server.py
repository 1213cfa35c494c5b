"""How many clicks of 校验本表 one bureau server answers: the real `perfgoals-xl serve` (2 workers) on this
machine, 8 client threads posting the sample's payload (seed_one_sheet.xlsx as the Office.js client sends it),
against the same handler called in this process, one call after another, on a fresh book each time."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.corpus import Corpus
from bench.measures import Measure, Repeats

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbook_templates" / "examples" / "seed_one_sheet.xlsx"
TOKEN = "bench-token-0123456789abcdef"
REQUESTS, THREADS, WORKERS = 40, 8, 2


def _payload() -> dict:
    sys.path.insert(0, str(ROOT / "tests" / "support"))  # the harness that builds clients' payloads
    from excel_harness import payload_from_xlsx

    return payload_from_xlsx(SAMPLE)


def _in_process(payload: dict) -> float:
    import copy

    import xlwings as xw

    from perfgoals_xl.core.settings import Settings
    from perfgoals_xl.server.scripts import SCRIPTS

    book = xw.Book(json=copy.deepcopy(payload))
    start = time.perf_counter()
    try:
        SCRIPTS["check_sheet"].run(book, Settings())
        book.json()
    finally:
        book.close()
    return time.perf_counter() - start


def _start(port: int, scratch: Path) -> subprocess.Popen:
    import httpx

    (scratch / "rules.toml").write_text("", encoding="utf-8")
    config = scratch / "server.toml"
    config.write_text(
        f'workers = {WORKERS}\nrules = "{(scratch / "rules.toml").as_posix()}"\n', encoding="utf-8"
    )
    env = {**os.environ, "PERFGOALS_TOKENS": TOKEN}
    command = [sys.executable, "-m", "perfgoals_xl", "serve", "--port", str(port), "--config", str(config)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


def server_requests(corpus: Corpus, repeats: Repeats, scratch: Path) -> Measure:
    import socket

    import httpx

    payload = _payload()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = _start(port, scratch)
    url = f"http://127.0.0.1:{port}/xlwings/custom-scripts-call/check_sheet"
    try:
        with httpx.Client(headers={"Authorization": TOKEN}, timeout=60) as client:

            def post(_: int) -> int:
                return client.post(url, json=payload).status_code

            def round_trip() -> float:
                start = time.perf_counter()
                with ThreadPoolExecutor(THREADS) as pool:
                    statuses = list(pool.map(post, range(REQUESTS)))
                assert statuses == [200] * REQUESTS, statuses
                return (time.perf_counter() - start) / REQUESTS

            round_trip()  # warm-up: connections open, workers' first checks done
            _in_process(payload)
            ours, baseline = [], []
            for _ in range(repeats.timing):
                ours.append(round_trip())
                baseline.append(statistics.median(_in_process(payload) for _ in range(10)))
    finally:
        process.terminate()
        process.wait(timeout=30)
    per_second = 1 / statistics.median(ours)
    return Measure(
        name="server_requests",
        title=f"校验本表 through the server ({WORKERS} workers, {THREADS} clients), seconds per request",
        baseline_title="the handler in this process, one call after another",
        unit="s",
        kind="ratio",
        target=1.5,  # HTTP, JSON and the hand-over to a worker cost less than half a check
        ours=ours,
        baseline=baseline,
        details={"requests_per_second": per_second, "in_process_per_second": 1 / statistics.median(baseline)},
    )
