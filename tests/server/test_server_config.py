"""The server's settings (file, PERFGOALS_TOKENS, command line) with Chinese messages; the token check; the
bounded log; the Office.js manifest; `perfgoals-xl serve` without a server start."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from perfgoals_xl.cli.main import main
from perfgoals_xl.server import logs
from perfgoals_xl.server.app import _digest, authorized
from perfgoals_xl.server.config import LOCALHOST, ServerConfigError, load_server_config
from perfgoals_xl.server.officejs import ManifestError, manifest_xml
from perfgoals_xl.server.scripts import SCRIPTS

TOKEN = "a-token-of-twenty-chars"


def config_file(tmp_path, text):
    path = tmp_path / "perfgoals-server.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_bind_to_this_machine_only():
    config = load_server_config(None, environ={"PERFGOALS_TOKENS": TOKEN})
    assert config.host == LOCALHOST == "127.0.0.1"
    assert (config.port, config.workers, config.max_body_mb, config.timeout_seconds) == (8000, 2, 20, 30)
    assert config.tokens == (TOKEN,) and config.log_details is False


def test_the_environment_wins_over_the_file_and_the_command_line_over_both(tmp_path):
    path = config_file(tmp_path, f'tokens = ["{TOKEN}-file"]\nport = 9000\nworkers = 3\nrules = "r.toml"\n')
    config = load_server_config(path, {"port": 9100, "host": None}, environ={})
    assert config.tokens == (f"{TOKEN}-file",) and config.port == 9100 and config.workers == 3
    assert config.rules == tmp_path / "r.toml"
    config = load_server_config(path, environ={"PERFGOALS_TOKENS": f" {TOKEN}-a , {TOKEN}-b ,"})
    assert config.tokens == (f"{TOKEN}-a", f"{TOKEN}-b")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "没有配置访问令牌"),
        ('tokens = ["short"]', "第 1 个令牌无效"),
        (f'tokens = ["{TOKEN}"]\nprot = 1', "不认识的设置项 prot"),
        (f'tokens = ["{TOKEN}"]\nport = 70000', "port（端口） 应不大于 65535"),
        (f'tokens = ["{TOKEN}"]\nworkers = "two"', "workers（工作进程数） 的值 'two' 不可用（应为整数）"),
        ("tokens = [", "不是有效的 TOML"),
    ],
)
def test_a_bad_setting_names_the_file_and_key(tmp_path, text, words):
    path = config_file(tmp_path, text)
    with pytest.raises(ServerConfigError) as caught:
        load_server_config(path, environ={})
    assert words in caught.value.message
    assert str(path) in caught.value.message or "令牌" in caught.value.message


def test_tokens_match_exactly():
    digests = [_digest("first-token-0123456789"), _digest(TOKEN)]
    assert authorized(TOKEN, digests) and authorized(f"Bearer {TOKEN}", digests)
    for wrong in (None, "", TOKEN[:-1], TOKEN + " x", TOKEN.upper(), "first-token"):
        assert not authorized(wrong, digests)


def test_the_log_is_bounded(tmp_path):
    config = load_server_config(
        None,
        {"log_file": tmp_path / "logs" / "server.log", "log_max_mb": 0.01, "log_backups": 2},
        environ={"PERFGOALS_TOKENS": TOKEN},
    )
    logs.setup_logging(config)
    try:
        for number in range(400):
            logs.LOGGER.info("line %d %s", number, "x" * 100)
        logs.LOGGER.info("y" * 10_000)
        files = sorted((tmp_path / "logs").iterdir())
        assert [f.name for f in files] == ["server.log", "server.log.1", "server.log.2"]
        assert all(f.stat().st_size <= 0.01 * 1024 * 1024 + logs.MAX_LINE * 4 for f in files)
        assert (
            max(len(line) for line in files[0].read_text(encoding="utf-8").splitlines()) <= logs.MAX_LINE + 2
        )
    finally:
        for handler in logging.getLogger("perfgoals.server").handlers:
            handler.close()
        logging.getLogger("perfgoals.server").handlers.clear()


def test_the_manifest_has_the_tab_with_one_button_per_script():
    root = ET.fromstring(manifest_xml("https://pg.czj.gov.cn/"))
    ns = {
        "o": "http://schemas.microsoft.com/office/appforoffice/1.1",
        "v": "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
        "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0",
    }
    assert root.find("o:AppDomains/o:AppDomain", ns).text == "https://pg.czj.gov.cn"
    functions = [f.text for f in root.iter(f"{{{ns['v']}}}FunctionName")]
    assert functions == list(SCRIPTS)
    labels = {s.get("id"): s.get("DefaultValue") for s in root.iter(f"{{{ns['bt']}}}String")}
    assert labels["Tab.Label"] == "绩效目标" and labels["check_sheet.Label"] == "校验本表"
    urls = [u.get("DefaultValue") for u in root.iter(f"{{{ns['bt']}}}Url")]
    assert urls == ["https://pg.czj.gov.cn/officejs/commands.html"]
    assert root.find("o:Requirements/o:Sets/o:Set", ns).get("Name") == "SharedRuntime"


def test_the_manifest_needs_https():
    with pytest.raises(ManifestError, match="HTTPS"):
        manifest_xml("http://pg.czj.gov.cn")


def test_serve_command_without_tokens_or_with_a_new_token(tmp_path, monkeypatch):
    monkeypatch.delenv("PERFGOALS_TOKENS", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    runner = CliRunner()
    result = runner.invoke(main, ["serve"])
    assert result.exit_code == 2 and "没有配置访问令牌" in result.output
    result = runner.invoke(main, ["serve", "--new-token"])
    assert result.exit_code == 0 and len(result.output.strip()) == 43
    out = tmp_path / "manifest.xml"
    result = runner.invoke(main, ["serve", "--manifest", str(out), "--url", "https://pg.czj.gov.cn"])
    assert result.exit_code == 0 and ET.parse(out).getroot() is not None
    result = runner.invoke(main, ["serve", "--manifest", str(out)])
    assert result.exit_code == 2 and "--url" in result.output
    again = ["serve", "--manifest", str(out), "--url", "https://pg.czj.gov.cn"]  # the one output convention
    result = runner.invoke(main, again)
    assert result.exit_code == 2 and "已存在" in result.output and "--force" in result.output
    assert runner.invoke(main, [*again, "--force"]).exit_code == 0
    result = runner.invoke(main, ["serve", "--manifest", str(tmp_path / "m.json"), "--url", "https://a.cn"])
    assert result.exit_code == 2 and ".xml" in result.output
    bad = config_file(tmp_path, f'tokens = ["{TOKEN}"]\nrules = "missing.toml"\n')
    result = runner.invoke(main, ["serve", "--config", str(bad)])
    assert result.exit_code == 2 and "missing.toml" in result.output and "不存在" in result.output
