"""`perfgoals-xl addin build --server URL --token T`: the server flavour of the .xlam, read back with oletools
(independently of pyOpenVBA, which wrote it): its callback calls RunServerPython on the URL, xlwings' VBA client
is in it, the token is in perfgoals.conf, and it can run every action the server's handlers send it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile

import pytest
from click.testing import CliRunner
from conftest import THREE_SHEETS
from excel_harness import run_handler
from test_addin import NS, macros

from perfgoals_xl.cli import addin, addin_package
from perfgoals_xl.cli.addin_server import REMOTE_MODULES
from perfgoals_xl.cli.main import main
from perfgoals_xl.core.settings import Settings
from perfgoals_xl.server.scripts import SCRIPTS

URL = "https://pg.czj.gov.cn:8443"
TOKEN = "bureau-token-0123456789"
SUB = re.compile(r"^(?:Public )?Sub (\w+)\(wb As Workbook, (?:action As Dictionary|\w+ As Variant)\)", re.M)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("server-addin") / "perfgoals.xlam"
    result = CliRunner().invoke(
        main, ["addin", "build", "-o", str(out), "--server", URL + "/", "--token", TOKEN]
    )
    assert result.exit_code == 0, result.output
    assert URL in result.output and "警告" not in result.output
    return out


def test_the_callback_calls_run_server_python_with_the_url(built):
    code = macros(built)["RibbonPerfgoals.bas"]
    assert f'Private Const SERVER_URL As String = "{URL}"' in code
    assert 'RunServerPython SERVER_URL & "/xlwings/custom-scripts-call/" & script' in code
    assert "RunPython " not in code
    for script in SCRIPTS.values():
        assert f'Case "{script.button}"\r\n            script = "{script.name}"' in code


def test_xlwings_vba_client_is_in_the_project(built):
    found = macros(built)
    assert {*REMOTE_MODULES, "xlwings.bas", "Dictionary.cls"} <= set(found)
    assert "Function RunServerPython(" in found["Remote.bas"]


def test_the_token_and_timeout_are_in_the_settings_sheet(built):
    conf = addin.read_conf(built)
    assert conf["AUTH"] == TOKEN and conf["TIMEOUT"] == "60000"
    assert list(conf)[:2] == ["Interpreter_Win", "Interpreter_Mac"]  # the template's keys kept, ours after


def test_the_ribbon_has_only_the_buttons_the_server_runs(built):
    with zipfile.ZipFile(built) as package:
        root = ET.fromstring(package.read(addin_package.CUSTOM_UI))
    buttons = [b.get("id") for b in root.iter(f"{{{NS['ui']}}}button")]
    assert buttons == [s.button for s in SCRIPTS.values()]
    assert all(b.get("onAction") == "RibbonPerfgoals.OnAction" for b in root.iter(f"{{{NS['ui']}}}button"))


def test_the_add_in_can_run_every_action_the_vba_client_is_sent(built, tmp_path):
    """Every action (and runMacro macro) the server's handlers send a VBA client, from 计算合计 to 清除标记 on
    the sample, is a Sub in the built project: xlwings' Remote.bas ones, and ours for what it lacks."""
    subs = set()
    for code in macros(built).values():
        subs.update(SUB.findall(code))
    emitted, source = set(), THREE_SHEETS
    for number, script in enumerate(("compute_totals", "check_all", "check_sheet", "clear_marks")):
        out = tmp_path / f"{number}.xlsx"
        handler = SCRIPTS[script].run
        _, actions, _ = run_handler(source, lambda book, h=handler: h(book, Settings()), out, client="VBA")
        emitted |= {a["func"] for a in actions} | {a["args"][0] for a in actions if a["func"] == "runMacro"}
        source = out
    assert {"addConditionalFormat", "clearConditionalFormats", "runMacro", "PerfgoalsDeleteName"} <= emitted
    assert emitted <= subs, emitted - subs


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--server", "ftp://x", "--token", TOKEN], "服务器地址“ftp://x”不可用"),
        (["--server", 'https://x"y', "--token", TOKEN], "不可用"),
        (["--server", "https://校验.cn", "--token", TOKEN], "ASCII"),
        (["--server", URL], "需要访问令牌"),
        (["--server", URL, "--token", "short"], "至少 16 个字符"),
    ],
)
def test_bad_server_options_are_refused_in_chinese(tmp_path, args, words):
    result = CliRunner().invoke(main, ["addin", "build", "-o", str(tmp_path / "x.xlam"), *args])
    assert result.exit_code == 2 and words in result.output
    assert not (tmp_path / "x.xlam").exists()


def test_plain_http_to_another_machine_is_warned_about(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "addin",
            "build",
            "-o",
            str(tmp_path / "x.xlam"),
            "--server",
            "http://10.0.0.5:8000",
            "--token",
            TOKEN,
        ],
    )
    assert result.exit_code == 0 and "不是 HTTPS" in result.output
