"""The bureau server as a real process (uvicorn on a free port, spawned worker processes): payloads built from
real .xlsx files by both xlwings clients, the answers compared with the desktop handlers run in this process,
replayed with openpyxl; the 401/404/413/422/504 paths; 50 requests at once."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import openpyxl
import pytest
import xlwings as xw
from conftest import ONE_SHEET, THREE_SHEETS
from excel_harness import payload_from_xlsx, replay_actions
from server_harness import TOKEN, normalized, running_server

from perfgoals_xl.core.marks import MARKER, RESULTS_SHEET
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.server.scripts import SCRIPTS

pytestmark = pytest.mark.slow
CLIENTS = ("Office.js", "VBA")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("server"), workers=2) as running:
        yield running


@pytest.fixture(scope="module")
def tight(tmp_path_factory):
    """A server with a 1 MB body limit and a 0.5 s time limit."""
    with running_server(tmp_path_factory.mktemp("tight"), max_body_mb=1, timeout_seconds=0.5) as running:
        yield running


def expected(script: str, path: Path, client: str, active: int = 0) -> list[dict]:
    """The actions the desktop handler gives on the same payload, in this process."""
    book = xw.Book(json=payload_from_xlsx(path, active_sheet=active, client=client))
    try:
        SCRIPTS[script].run(book, Settings())
        return normalized(book.json()["actions"])
    finally:
        book.close()


def test_health_needs_no_token(server):
    answer = httpx.get(f"{server.url}/health")
    assert answer.status_code == 200 and answer.json()["status"] == "ok"


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_each_script_answers_what_the_desktop_handler_does(server, script, client):
    answer = server.call(script, payload_from_xlsx(THREE_SHEETS, active_sheet=1, client=client))
    assert answer.status_code == 200, answer.text
    assert normalized(answer.json()["actions"]) == expected(script, THREE_SHEETS, client, active=1)


@pytest.mark.parametrize("client", CLIENTS)
def test_replayed_answer_marks_the_workbook(server, tmp_path, client):
    answer = server.call("check_all", payload_from_xlsx(THREE_SHEETS, client=client))
    out = tmp_path / "checked.xlsx"
    alerts = replay_actions(THREE_SHEETS, answer.json()["actions"], out)
    assert "校验完成：错误" in alerts[-1]["args"][0]
    wb = openpyxl.load_workbook(out)
    assert RESULTS_SHEET in wb.sheetnames
    marked = [cf for cf in wb["部门整体"].conditional_formatting for r in cf.rules if MARKER in r.formula[0]]
    assert marked
    assert any(c.comment for row in wb["部门整体"].iter_rows() for c in row) == (client == "Office.js")


def test_a_bearer_prefix_is_accepted(server):
    answer = server.call("check_sheet", payload_from_xlsx(ONE_SHEET), token=f"Bearer {TOKEN}")
    assert answer.status_code == 200


@pytest.mark.parametrize("token", [None, "", "wrong-token-0123456789", TOKEN[:-1], TOKEN + "x"])
def test_no_or_a_wrong_token_is_401(server, token):
    answer = server.call("check_sheet", payload_from_xlsx(ONE_SHEET), token=token)
    assert answer.status_code == 401
    assert "访问令牌无效或缺失" in answer.json()["detail"]


def test_an_unknown_script_is_404_in_chinese(server):
    answer = server.call("../../etc/passwd", payload_from_xlsx(ONE_SHEET))
    assert answer.status_code == 404 and "没有" in answer.json()["detail"]
    answer = server.call("delete_everything", payload_from_xlsx(ONE_SHEET))
    assert answer.status_code == 404 and "check_sheet" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"{not json", "不是有效的 JSON"),
        (b"[1, 2]", "应为 JSON 对象"),
        (b"\xff\xfe", "UTF-8"),
        (json.dumps({"client": "VBA"}).encode(), "缺少 version"),
        (json.dumps({"client": "Lotus", "version": "1"}).encode(), "client 应为 VBA 或 Office.js"),
    ],
)
def test_a_malformed_payload_is_422_naming_what_is_wrong(server, body, words):
    answer = server.call("check_sheet", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 422
    assert words in answer.json()["detail"]
    assert "Traceback" not in answer.text


def test_422_names_the_field_inside_the_sheets(server):
    payload = payload_from_xlsx(ONE_SHEET)
    payload["sheets"][0]["values"] = "A1"
    answer = server.call("check_sheet", payload)
    assert answer.status_code == 422 and "sheets[0].values" in answer.json()["detail"]
    payload = payload_from_xlsx(ONE_SHEET)
    payload["book"]["active_sheet_index"] = 7
    answer = server.call("check_sheet", payload)
    assert answer.status_code == 422 and "只有 1 张工作表" in answer.json()["detail"]
    payload = payload_from_xlsx(ONE_SHEET)
    payload["sheets"][0]["values"][3] = payload["sheets"][0]["values"][3][:2]
    answer = server.call("check_sheet", payload)
    assert answer.status_code == 422 and "各行单元格数不同" in answer.json()["detail"]


def test_a_vba_add_in_of_another_xlwings_version_is_told_to_rebuild(server):
    payload = payload_from_xlsx(ONE_SHEET, client="VBA")
    payload["version"] = "0.30.0"
    answer = server.call("check_sheet", payload, headers={"User-Agent": "VBA-Web v4.1.6"})
    assert answer.status_code == 422
    # the VBA client shows the body as it is in a message box: plain Chinese, no JSON around it
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.text.startswith("加载项的 xlwings 版本为 0.30.0") and "addin build --server" in answer.text


def test_the_server_opens_no_path_the_client_names(server, tmp_path):
    """A book named by an absolute path whose folder holds a perfgoals.toml switching every rule off: the server
    checks with its own settings all the same."""
    (tmp_path / "perfgoals.toml").write_text('ignore = ["H", "V", "C", "S"]\n', encoding="utf-8")
    named = tmp_path / "seed.xlsx"
    named.write_bytes(THREE_SHEETS.read_bytes())
    payload = payload_from_xlsx(THREE_SHEETS)
    payload["book"]["name"] = str(named)
    answer = server.call("check_all", payload)
    assert "校验完成：错误" in answer.json()["actions"][-1]["args"][0]


def test_50_concurrent_requests_are_all_answered_right(server):
    cases = [
        (script, path, client, active)
        for script in ("check_sheet", "check_all", "compute_totals")
        for path, active in ((ONE_SHEET, 0), (THREE_SHEETS, 0), (THREE_SHEETS, 2))
        for client in CLIENTS
    ]
    wanted = {case: expected(*case) for case in cases}
    requests = [cases[i % len(cases)] for i in range(50)]

    def post(case):
        script, path, client, active = case
        answer = server.call(script, payload_from_xlsx(path, active_sheet=active, client=client), timeout=120)
        return case, answer.status_code, normalized(answer.json()["actions"])

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(post, requests))
    assert len(results) == 50
    for case, status, actions in results:
        assert status == 200, case
        assert actions == wanted[case], case


def test_a_body_over_the_limit_is_413(tight):
    big = {"client": "Office.js", "padding": "x" * (1024 * 1024 + 10)}
    answer = tight.call("check_sheet", big)
    assert answer.status_code == 413 and "超过服务器的上限 1 MB" in answer.json()["detail"]

    def chunks():  # no Content-Length: the limit holds while the body streams in
        for _ in range(40):
            yield b"x" * 65536

    answer = httpx.post(
        f"{tight.url}/xlwings/custom-scripts-call/check_sheet",
        content=chunks(),
        headers={"Authorization": TOKEN},
        timeout=60,
    )
    assert answer.status_code == 413


def test_a_check_past_the_time_limit_is_504_and_the_server_goes_on(tight):
    # the sample table down one sheet as often as this server's 1 MB body limit allows (VBA client: values from
    # A1 to the end): seconds of work, far past the 0.5 s limit however fast the check becomes
    payload = payload_from_xlsx(ONE_SHEET, client="VBA")
    once = len(json.dumps(payload["sheets"][0]["values"], ensure_ascii=False).encode())
    payload["sheets"][0]["values"] *= (1024 * 1024 - 64 * 1024) // once
    body = json.dumps(payload, ensure_ascii=False).encode()
    assert len(body) < 1024 * 1024  # under this server's body limit
    answer = tight.call("check_sheet", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 504
    assert "超过 0.5 秒仍未完成" in answer.json()["detail"] and "没有被修改" in answer.json()["detail"]
    after = tight.call("check_sheet", payload_from_xlsx(ONE_SHEET))
    assert after.status_code == 200  # a fresh worker took the stopped one's place


def test_the_log_has_one_line_per_request_and_no_cell_contents(server):
    payload = payload_from_xlsx(THREE_SHEETS)
    server.call("check_all", payload)
    server.call("check_sheet", payload, token="wrong-token-0123456789")
    text = server.log.read_text(encoding="utf-8")
    assert "check_all client=Office.js sheets=3" in text and "status=401" in text
    cells = {
        v
        for sheet in payload["sheets"]
        for row in sheet["values"]
        for v in row
        if isinstance(v, str) and len(v) > 3
    }
    assert cells and not [v for v in cells if v in text]
    assert "serving on 127.0.0.1:" in text  # this machine only, unless told otherwise
