"""Office.js: the add-in manifest that puts the 绩效目标 tab into Microsoft 365 Excel, pointing at this server
(`perfgoals-xl serve --manifest manifest.xml --url https://…`).

The tab has one button per script (校验本表, 校验全部, 清除标记, 计算合计), each an `ExecuteFunction` whose
function name is the script's name, in a function file at `<url>/officejs/commands.html` (shared runtime,
SharedRuntime 1.1). That page needs xlwings' Office.js client (`xlwings.runPython`), which ships with
xlwings-server (PolyForm Noncommercial) and is not bundled here: see docs/server.md for what is wired."""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from perfgoals_xl import __version__
from perfgoals_xl.core.errors import PerfgoalsError
from perfgoals_xl.server.scripts import SCRIPTS

FUNCTION_FILE = "/officejs/commands.html"
NAMESPACE = uuid.UUID("5b0c3a56-54a1-4c3e-9a57-0f1d2c3b4a59")  # the add-in id is derived from the URL


class ManifestError(PerfgoalsError):
    """A manifest that cannot be written; the message is Chinese."""


def manifest_xml(url: str) -> str:
    """The manifest for the server at `url` (HTTPS; Office loads add-ins only over HTTPS)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or not url.isascii():
        raise ManifestError(
            f"服务器地址“{url}”不可用：Office.js 加载项只能从 HTTPS 地址加载，例如 https://pg.czj.gov.cn。"
        )
    base = url.rstrip("/")
    origin = f"{parts.scheme}://{parts.netloc}"
    add_in_id = uuid.uuid5(NAMESPACE, base)
    version = ".".join([*__version__.split("."), "0", "0", "0"][:4])
    buttons = "\n".join(_button(script.name, script.label) for script in SCRIPTS.values())
    strings = "\n".join(
        f'          <bt:String id="{s.name}.Label" DefaultValue="{s.label}"/>' for s in SCRIPTS.values()
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- perfgoals-xl {__version__}: the 绩效目标 tab for Microsoft 365 Excel, served by {base} -->
<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
           xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0"
           xmlns:ov="http://schemas.microsoft.com/office/taskpaneappversionoverrides"
           xsi:type="TaskPaneApp">
  <Id>{add_in_id}</Id>
  <Version>{version}</Version>
  <ProviderName>perfgoals-xl</ProviderName>
  <DefaultLocale>zh-CN</DefaultLocale>
  <DisplayName DefaultValue="绩效目标校验"/>
  <Description DefaultValue="校验绩效目标表（项目支出、部门整体支出），标出问题并列出校验结果。"/>
  <AppDomains>
    <AppDomain>{origin}</AppDomain>
  </AppDomains>
  <Hosts>
    <Host Name="Workbook"/>
  </Hosts>
  <Requirements>
    <Sets DefaultMinVersion="1.1">
      <Set Name="SharedRuntime" MinVersion="1.1"/>
    </Sets>
  </Requirements>
  <DefaultSettings>
    <SourceLocation DefaultValue={quoteattr(base + FUNCTION_FILE)}/>
  </DefaultSettings>
  <Permissions>ReadWriteDocument</Permissions>
  <VersionOverrides xmlns="http://schemas.microsoft.com/office/taskpaneappversionoverrides" xsi:type="VersionOverridesV1_0">
    <Hosts>
      <Host xsi:type="Workbook">
        <Runtimes>
          <Runtime resid="Commands.Url" lifetime="long"/>
        </Runtimes>
        <DesktopFormFactor>
          <FunctionFile resid="Commands.Url"/>
          <ExtensionPoint xsi:type="PrimaryCommandSurface">
            <CustomTab id="pg.tab">
              <Group id="pg.group">
                <Label resid="Group.Label"/>
                <Icon>
                  <bt:Image size="16" resid="Icon"/>
                  <bt:Image size="32" resid="Icon"/>
                  <bt:Image size="80" resid="Icon"/>
                </Icon>
{buttons}
              </Group>
              <Label resid="Tab.Label"/>
            </CustomTab>
          </ExtensionPoint>
        </DesktopFormFactor>
      </Host>
    </Hosts>
    <Resources>
      <bt:Images>
        <bt:Image id="Icon" DefaultValue={quoteattr(base + "/officejs/icon.png")}/>
      </bt:Images>
      <bt:Urls>
        <bt:Url id="Commands.Url" DefaultValue={quoteattr(base + FUNCTION_FILE)}/>
      </bt:Urls>
      <bt:ShortStrings>
          <bt:String id="Tab.Label" DefaultValue="绩效目标"/>
          <bt:String id="Group.Label" DefaultValue="校验"/>
{strings}
      </bt:ShortStrings>
    </Resources>
  </VersionOverrides>
</OfficeApp>
"""


def _button(name: str, label: str) -> str:
    return f"""                <Control xsi:type="Button" id="pg.{name}">
                  <Label resid="{name}.Label"/>
                  <Supertip>
                    <Title resid="{name}.Label"/>
                    <Description resid="{name}.Label"/>
                  </Supertip>
                  <Icon>
                    <bt:Image size="16" resid="Icon"/>
                    <bt:Image size="32" resid="Icon"/>
                    <bt:Image size="80" resid="Icon"/>
                  </Icon>
                  <Action xsi:type="ExecuteFunction">
                    <FunctionName>{name}</FunctionName>
                  </Action>
                </Control>"""


def write_manifest(path: Path, url: str) -> Path:
    text = manifest_xml(url)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ManifestError(f"无法写出清单“{path}”：{exc.strerror or exc}") from None
    return path
