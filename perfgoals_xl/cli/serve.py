"""`perfgoals-xl serve`: the bureau server for Excel without Python (extra `[server]`), and its Office.js
manifest (`--manifest`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from perfgoals_xl.cli import EXIT_FAILED
from perfgoals_xl.core.config import ConfigError

NEED_EXTRA = "请先安装服务器组件：pip install 'perfgoals-xl[server]'"


@click.command()
@click.option(
    "--host", default=None, help="监听地址（默认 127.0.0.1，只接受本机连接；反向代理在前时保持默认）。"
)
@click.option("--port", type=int, default=None, help="端口（默认 8000）。")
@click.option("--workers", type=int, default=None, help="同时运行校验的工作进程数（默认 2）。")
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="服务器设置文件 perfgoals-server.toml（令牌、上限、日志、校验规则设置）。",
)
@click.option(
    "--manifest",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="不启动服务器，只写出 Microsoft 365 的 Office.js 加载项清单（manifest.xml），指向 --url。",
)
@click.option(
    "--url", default=None, help="用户访问服务器的 HTTPS 地址（写入清单，例如 https://pg.czj.gov.cn）。"
)
@click.option("--force", is_flag=True, help="与 --manifest 同用：覆盖已存在的清单文件。")
@click.option("--new-token", is_flag=True, help="不启动服务器，只生成一个新的随机访问令牌。")
def serve(
    host: str | None,
    port: int | None,
    workers: int | None,
    config: Path | None,
    manifest: Path | None,
    url: str | None,
    force: bool,
    new_token: bool,
) -> None:
    """启动单位的校验服务器：没有 Python 的电脑上的 Excel 通过加载项把工作表发到这里校验。

    令牌来自环境变量 PERFGOALS_TOKENS（逗号分隔）或设置文件的 tokens；每个请求须带其中之一。
    说明见 docs/server.md。退出码：2 设置有误或缺少服务器组件。
    """
    try:
        from perfgoals_xl.server.config import ServerConfigError, load_server_config
        from perfgoals_xl.server.config import new_token as make_token
    except ImportError:
        _fail(NEED_EXTRA)
    if new_token:
        click.echo(make_token())
        return
    if manifest is not None:
        _write_manifest(manifest, url, force)
        return
    try:
        settings = load_server_config(config, {"host": host, "port": port, "workers": workers})
        from perfgoals_xl.server.config import rule_settings

        rule_settings(settings)  # a broken rules file stops the start, not the first click
        from perfgoals_xl.server.run import serve as run
    except (ServerConfigError, ConfigError) as exc:
        _fail(exc.message)
    except ImportError:
        _fail(NEED_EXTRA)
    run(settings)


def _write_manifest(path: Path, url: str | None, force: bool) -> None:
    from perfgoals_xl.files.write import WriteError, prepare_output
    from perfgoals_xl.server.officejs import ManifestError, write_manifest

    if not url:
        _fail("写出清单需要服务器的 HTTPS 地址：--url https://…")
    try:
        prepare_output(path, force=force, suffixes=(".xml",), what="Office.js 加载项清单")
        write_manifest(path, url)
    except (ManifestError, WriteError) as exc:
        _fail(exc.message)
    click.echo(f"已写出 Office.js 加载项清单 {path}（服务器 {url}）。部署方法见 docs/server.md。")


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(EXIT_FAILED)
