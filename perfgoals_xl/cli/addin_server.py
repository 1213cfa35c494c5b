"""The server flavour of perfgoals.xlam (`perfgoals-xl addin build --server URL --token T`): for PCs without
Python. Its buttons call xlwings' `RunServerPython` on the bureau server (perfgoals_xl.server) instead of
`RunPython`:

- the ribbon keeps only the buttons the server runs (校验本表, 校验全部, 清除标记, 计算合计);
- `RibbonPerfgoals` is vba/RibbonPerfgoalsServer.bas with the URL and the button → script map filled in; it
  also holds the few actions of our handlers that xlwings' Remote.bas lacks (conditional formats, font,
  column width, deleting a name by its name);
- xlwings' VBA client modules (Remote.bas and VBA-Web) are added from the installed xlwings (BSD-3);
- the perfgoals.conf sheet gets `AUTH` (the token RunServerPython sends) and `TIMEOUT` (milliseconds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

from perfgoals_xl.cli.addin_vba import with_messages

SERVER_SOURCE = "RibbonPerfgoalsServer.bas"
UI_NS = "http://schemas.microsoft.com/office/2006/01/customui"
# xlwings/addin/: the VBA client of RunServerPython, in the order `xlwings quickstart --server` imports it.
REMOTE_MODULES = (
    "Remote.bas",
    "IWebAuthenticator.cls",
    "WebClient.cls",
    "WebRequest.cls",
    "WebResponse.cls",
    "WebHelpers.bas",
)
AUTH_KEY, TIMEOUT_KEY = "AUTH", "TIMEOUT"
MIN_TOKEN_LENGTH = 16


class ServerFlavourError(ValueError):
    """An unusable --server or --token; the message is Chinese."""


@dataclass(frozen=True)
class ServerFlavour:
    url: str  # without a trailing slash
    token: str
    timeout_ms: int


def server_flavour(url: str, token: str | None, timeout_seconds: float) -> ServerFlavour:
    """Checked options: an http(s) URL in ASCII without quotes (it goes into VBA source), a token."""
    parts = urlsplit(url.strip())
    if (
        parts.scheme not in ("https", "http")
        or not parts.netloc
        or not url.isascii()
        or re.search(r'[\s"]', url)
    ):
        raise ServerFlavourError(
            f"服务器地址“{url}”不可用：应为 https://主机名[:端口] 形式的 ASCII 地址，例如 https://pg.czj.gov.cn。"
        )
    if not token:
        raise ServerFlavourError(
            "服务器版加载项需要访问令牌：--token（与服务器 PERFGOALS_TOKENS 中的一个相同）。"
        )
    if len(token) < MIN_TOKEN_LENGTH or not token.isascii() or not token.isprintable() or " " in token:
        raise ServerFlavourError(f"访问令牌应为至少 {MIN_TOKEN_LENGTH} 个字符的 ASCII 文本，不含空格。")
    if not 1 <= timeout_seconds <= 600:
        raise ServerFlavourError("--timeout 应在 1 到 600 秒之间。")
    return ServerFlavour(url.strip().rstrip("/"), token, int(timeout_seconds * 1000))


def is_secure(flavour: ServerFlavour) -> bool:
    """HTTPS, or plain HTTP to this machine only (the token must not cross a network in the clear)."""
    parts = urlsplit(flavour.url)
    return parts.scheme == "https" or parts.hostname in ("localhost", "127.0.0.1", "::1")


def _scripts() -> list:
    """The server's scripts (imported when an add-in is built: they bring xlwings, which `check` never needs)."""
    from perfgoals_xl.server.scripts import SCRIPTS

    return list(SCRIPTS.values())


def server_custom_ui(custom_ui: bytes) -> bytes:
    """The ribbon with only the buttons the server runs (and the groups that still have one)."""
    ET.register_namespace("", UI_NS)
    root = ET.fromstring(custom_ui)
    served = {script.button for script in _scripts()}
    for tab in root.iter(f"{{{UI_NS}}}tab"):
        for group in list(tab):
            for button in list(group):
                if button.get("id") not in served:
                    group.remove(button)
            if len(group) == 0:
                tab.remove(group)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def server_dispatcher(folder: Path, flavour: ServerFlavour) -> str:
    """vba/RibbonPerfgoalsServer.bas with the URL, one `Case` per script and its messages; CRLF line ends."""
    source = (folder / SERVER_SOURCE).read_text(encoding="ascii")
    cases = "\n".join(
        f'        Case "{script.button}"\n            script = "{script.name}"' for script in _scripts()
    )
    source = with_messages(source.replace("__SERVER_URL__", flavour.url).replace("__CASES__", cases))
    lines = source.replace("\r\n", "\n").strip("\n").split("\n")
    return "\r\n".join(lines) + "\r\n"


def add_remote_modules(project: Any, addin_folder: Path) -> None:
    """xlwings' VBA client (Remote.bas, VBA-Web) into the VBA project, as shipped with the installed xlwings."""
    from pyopenvba import VBAModuleKind

    for file_name in REMOTE_MODULES:
        path = addin_folder / file_name
        kind = VBAModuleKind.other if path.suffix == ".cls" else VBAModuleKind.standard
        source = path.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
        project.add_module(path.stem, source, kind=kind)


def conf_rows(flavour: ServerFlavour) -> list[tuple[str, str]]:
    return [(AUTH_KEY, flavour.token), (TIMEOUT_KEY, str(flavour.timeout_ms))]


def append_conf_rows(sheet: str, rows: list[tuple[str, str]]) -> str:
    """Key/value rows right under the last key of the conf sheet (xlwings reads A1 down to the first gap)."""
    numbers = [int(n) for n in re.findall(r'<row r="(\d+)"', sheet)]
    last = 0
    while last + 1 in numbers and f'<c r="A{last + 1}"' in sheet:
        last += 1
    if any(n in numbers for n in range(last + 1, last + 1 + len(rows))):
        raise ServerFlavourError("模板配置表的行与预期不同，无法写入加载项设置，模板可能已变化。")
    added = "".join(
        f'<row r="{last + i}"><c r="A{last + i}" t="inlineStr"><is><t>{escape(key)}</t></is></c>'
        f'<c r="B{last + i}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c></row>'
        for i, (key, value) in enumerate(rows, 1)
    )
    end = re.search(rf'<row r="{last}"[^>]*>.*?</row>', sheet, re.S)
    if end is None:
        raise ServerFlavourError("模板配置表中没有设置行，模板可能已变化。")
    return sheet[: end.end()] + added + sheet[end.end() :]
