"""Build and install perfgoals.xlam, the Excel add-in with the 绩效目标 ribbon tab (`perfgoals-xl addin ...`).

The build starts from the ribbon add-in template shipped in the installed xlwings package
(`xlwings/quickstart_addin_ribbon.xlam`, stamped with the xlwings version the project pins) and
1. swaps in our `customUI/customUI.xml` (zipfile copy: entry order, compression and dates kept) and pairs it
   with the relationship type of its namespace (the template pairs Office 2007's with Office 2010's);
2. renames the config sheet `_myaddin.conf` → `perfgoals.conf` (which switches it on), writes the interpreter
   path into it and `ADD_WORKBOOK_TO_PYTHONPATH = false` (XML edit);
3. with pyOpenVBA: renames the module RibbonMyAddin → RibbonPerfgoals, sets its code to vba/RibbonPerfgoals.bas
   (its Chinese messages spelled with ChrW) and sets `PROJECT_NAME = "perfgoals"` in the xlwings module;
4. tidies what pyOpenVBA leaves off-spec and names the VBA project `perfgoals` (cli/addin_vba.py).
With `--server URL` the buttons call the bureau server instead (cli/addin_server.py).
The VBA project keeps no compiled p-code (the template's `_VBA_PROJECT` is the version-independent form), so
Excel compiles the edited source when it loads the add-in. See vba/README.md.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from xml.etree import ElementTree as ET

import click

from perfgoals_xl.cli import EXIT_FAILED
from perfgoals_xl.cli.addin_package import (
    INTERPRETER_KEY,
    PROJECT,
    TEMPLATE_PROJECT,
    AddinError,
    read_conf,
    rewrite_package,
    tidy_vba_project,
)
from perfgoals_xl.cli.addin_server import ServerFlavour, ServerFlavourError
from perfgoals_xl.cli.addin_vba import with_messages
from perfgoals_xl.cli.chinese import ChineseGroup
from perfgoals_xl.resources import resource_dirs

TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
PINNED_XLWINGS = "0.37.8"  # fallback when the package metadata cannot be read; pyproject.toml is the source
DEFAULT_OUT = Path("dist") / "perfgoals.xlam"
DEFAULT_INTERPRETER = r"%LOCALAPPDATA%\perfgoals\venv\Scripts\python.exe"
ADDIN_FILE = "perfgoals.xlam"

TEMPLATE_MODULE, MODULE = "RibbonMyAddin", "RibbonPerfgoals"
XLWINGS_MODULE = "xlwings"
# A workbook's folder on sys.path could shadow our modules, and a OneDrive/SharePoint book (a URL as its
# FullName) makes xlwings raise an English traceback before our code runs.
LOCAL_CONF = [("ADD_WORKBOOK_TO_PYTHONPATH", "false")]

NEED_PYOPENVBA = "找不到 pyOpenVBA（生成加载项需要它），请重新安装 perfgoals-xl：pip install perfgoals-xl"


@dataclass
class BuildResult:
    path: Path
    xlwings_version: str
    pinned: str | None
    interpreter: str
    warnings: list[str] = field(default_factory=list)
    server: str | None = None


# --- sources ----------------------------------------------------------------------------------------------


def vba_dir() -> Path:
    """vba/ of a source checkout, else the copy bundled in the wheel."""
    for folder in resource_dirs("vba", "vba", checkout_first=True):
        if (folder / "customUI.xml").is_file():
            return folder
    raise AddinError(
        "找不到加载项的源文件（vba/customUI.xml），请在 perfgoals-xl 源代码目录中运行或重新安装。"
    )


def template_path() -> Path:
    import xlwings

    path = Path(xlwings.__file__).resolve().parent / TEMPLATE_NAME
    if not path.is_file():
        raise AddinError(f"已安装的 xlwings {xlwings.__version__} 中没有加载项模板 {TEMPLATE_NAME}。")
    return path


def pinned_xlwings() -> str | None:
    """The xlwings version perfgoals-xl pins (`xlwings==X` in its metadata)."""
    try:
        requirements = metadata.requires("perfgoals-xl") or []
    except metadata.PackageNotFoundError:
        return PINNED_XLWINGS
    for requirement in requirements:
        found = re.fullmatch(r"xlwings\s*==\s*([\w.]+)\s*(;.*)?", requirement.strip())
        if found:
            return found[1]
    return None


def dispatcher_source(folder: Path | None = None) -> str:
    """vba/RibbonPerfgoals.bas with CRLF line ends; it must be ASCII (the VBA project's code page is 1252)."""
    raw = ((folder or vba_dir()) / f"{MODULE}.bas").read_bytes()
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise AddinError(f"{MODULE}.bas 只能包含 ASCII 字符（VBA 工程的代码页无法保存中文）。") from None
    lines = with_messages(text).replace("\r\n", "\n").strip("\n").split("\n")
    return "\r\n".join(lines) + "\r\n"


# --- build ------------------------------------------------------------------------------------------------


def build(
    out: Path = DEFAULT_OUT, interpreter: str = DEFAULT_INTERPRETER, server: ServerFlavour | None = None
) -> BuildResult:
    """Assemble perfgoals.xlam at `out` from the xlwings template and vba/; returns what was used.

    `server`: the flavour whose buttons call the bureau server (RunServerPython) instead of local Python."""
    try:
        from pyopenvba import ExcelFile
    except ImportError:
        raise AddinError(NEED_PYOPENVBA) from None
    import xlwings

    folder = vba_dir()
    custom_ui = (folder / "customUI.xml").read_bytes()
    try:
        ET.fromstring(custom_ui)
    except ET.ParseError as exc:
        raise AddinError(f"vba/customUI.xml 不是有效的 XML：{exc}") from None
    from perfgoals_xl.cli import addin_server

    conf = list(LOCAL_CONF)
    if server is None:
        bas = dispatcher_source(folder)
    else:
        custom_ui = addin_server.server_custom_ui(custom_ui)
        bas = addin_server.server_dispatcher(folder, server)
        conf += addin_server.conf_rows(server)
    result = BuildResult(
        out, xlwings.__version__, pinned_xlwings(), interpreter, server=server and server.url
    )
    if result.pinned != result.xlwings_version:
        result.warnings.append(
            f"已安装的 xlwings 为 {result.xlwings_version}，但 perfgoals-xl 固定的版本为 {result.pinned}："
            "加载项中的 VBA 运行库与用户环境中的 xlwings 版本必须一致，请安装固定的版本后重新生成。"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="perfgoals-addin-") as tmp:
        staged = Path(tmp) / ADDIN_FILE
        rewrite_package(template_path(), staged, custom_ui, interpreter, conf)
        with ExcelFile(staged) as workbook:
            project = workbook.vba_project()
            project.rename_module(TEMPLATE_MODULE, MODULE)
            workbook.set_module(MODULE, bas)
            if server is not None:
                addin_server.add_remote_modules(project, template_path().parent / "addin")
            workbook.set_module(XLWINGS_MODULE, _set_project_name(workbook.get_module(XLWINGS_MODULE)))
            saved = Path(tmp) / f"saved-{ADDIN_FILE}"
            workbook.save(saved)
        built = Path(tmp) / f"built-{ADDIN_FILE}"
        tidy_vba_project(saved, built)
        with ExcelFile(built) as check:
            problems = check.validate()
            if problems or MODULE not in check.module_names():
                raise AddinError(f"生成的加载项未通过校验：{'；'.join(problems) or '缺少模块 ' + MODULE}")
        shutil.copyfile(built, out)
    return result


def _set_project_name(source: str) -> str:
    pattern = re.compile(r'(Public Const PROJECT_NAME As String = )"([^"]*)"')
    found = pattern.findall(source)
    if len(found) != 1 or found[0][1] != TEMPLATE_PROJECT:
        raise AddinError(
            f'模板的 xlwings 模块中没有找到 PROJECT_NAME = "{TEMPLATE_PROJECT}"，模板可能已变化。'
        )
    return pattern.sub(rf'\1"{PROJECT}"', source)


# --- install ------------------------------------------------------------------------------------------------


def startup_dir(environ: dict[str, str] | None = None) -> Path:
    """The user's Excel start-up folder (XLSTART) on Windows."""
    environ = os.environ if environ is None else environ
    appdata = environ.get("APPDATA")
    if not appdata:
        raise AddinError("找不到环境变量 APPDATA，无法确定 Excel 的启动文件夹（XLSTART）。")
    return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"


def manual_steps(xlam: Path) -> str:
    return (
        "自动安装只支持 Windows（Excel 桌面版）。请在要使用加载项的 Windows 电脑上手工安装：\n"
        f"  1. 把 {xlam} 复制到该电脑；\n"
        r"  2. 关闭 Excel，把 perfgoals.xlam 放入文件夹 %APPDATA%\Microsoft\Excel\XLSTART（没有就新建）；"
        "\n"
        r"  3. 确认该电脑上有 Python 环境 %LOCALAPPDATA%\perfgoals\venv，其中已安装 perfgoals-xl"
        "（或生成加载项时用 --interpreter 指定解释器路径）；\n"
        "  4. 启动 Excel，功能区出现“绩效目标”选项卡即安装成功。\n"
        f"详见 {addin_readme()}。"
    )


def addin_readme() -> str:
    """Where the add-in's README is on this installation: the checkout's vba/, else the copy in the wheel."""
    try:
        readme = vba_dir() / "README.md"
    except AddinError:
        return "perfgoals-xl 源代码中的 vba/README.md"
    return str(readme.resolve()) if readme.is_file() else "perfgoals-xl 源代码中的 vba/README.md"


def install(
    xlam: Path, platform: str | None = None, environ: dict[str, str] | None = None
) -> tuple[Path, list[str]]:
    """Copy the add-in into XLSTART (Windows); returns the target and Chinese warnings.

    Elsewhere raises AddinError with the manual steps. Nothing is downloaded.
    """
    platform = sys.platform if platform is None else platform
    environ = dict(os.environ) if environ is None else environ
    if not xlam.is_file():
        raise AddinError(f"找不到加载项文件 {xlam}，请先运行 perfgoals-xl addin build。")
    if platform != "win32":
        raise AddinError(manual_steps(xlam))
    warnings = []
    interpreter = read_conf(xlam).get(INTERPRETER_KEY, "")
    expanded = re.sub(r"%([^%]+)%", lambda m: environ.get(m[1], m[0]), interpreter)
    if not Path(expanded).is_file():
        warnings.append(
            f"加载项配置的 Python 解释器不存在：{expanded}。点击按钮前请先创建该环境并安装 perfgoals-xl，"
            "或用 perfgoals-xl addin build --interpreter 指定已有的解释器后重新生成、安装。"
        )
    folder = startup_dir(environ)
    target = folder / ADDIN_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(xlam, target)
    except PermissionError:
        raise AddinError(f"无法写入 {target}：请先关闭所有 Excel 窗口后再安装。") from None
    except OSError as exc:
        raise AddinError(f"无法复制到 {target}：{exc.strerror or exc}") from None
    return target, warnings


# --- command line -------------------------------------------------------------------------------------------


@click.group("addin", cls=ChineseGroup)
def addin_group() -> None:
    """生成和安装 Excel 加载项 perfgoals.xlam（“绩效目标”选项卡）。"""


@addin_group.command("build")
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_OUT,
    show_default=True,
    help="生成的加载项文件（.xlam）。",
)
@click.option("--force", is_flag=True, help="覆盖已存在的加载项文件。")
@click.option(
    "--interpreter",
    default=DEFAULT_INTERPRETER,
    show_default=True,
    help="加载项调用的 Python 解释器（写入 perfgoals.conf 的 Interpreter_Win，可用 %环境变量%）。",
)
@click.option(
    "--server", "server_url", default=None, help="服务器版：按钮调用此地址的校验服务器（无需本机 Python）。"
)
@click.option("--token", default=None, help="服务器版：访问令牌（写入 perfgoals.conf 的 AUTH）。")
@click.option("--timeout", type=float, default=60, show_default=True, help="服务器版：等待服务器应答的秒数。")
def build_command(
    out: Path, force: bool, interpreter: str, server_url: str | None, token: str | None, timeout: float
) -> None:
    """由已安装的 xlwings 中的功能区加载项模板生成 perfgoals.xlam。

    加 --server URL --token 令牌，生成服务器版：按钮把工作表发到单位的校验服务器（perfgoals-xl serve）。
    """
    from perfgoals_xl.cli.addin_server import is_secure, server_flavour
    from perfgoals_xl.files.write import WriteError, prepare_output

    try:
        flavour = server_flavour(server_url, token, timeout) if server_url is not None else None
        prepare_output(out, force=force, suffixes=(".xlam",), what="Excel 加载项")
        result = build(out, interpreter, flavour)
    except ServerFlavourError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_FAILED)
    except (AddinError, WriteError) as exc:
        click.echo(exc.message, err=True)
        sys.exit(EXIT_FAILED)
    if flavour is not None and not is_secure(flavour):
        result.warnings.append(
            "服务器地址不是 HTTPS：令牌和工作表内容将以明文经过网络，请在服务器前配置 HTTPS。"
        )
    for warning in result.warnings:
        click.echo(f"警告：{warning}", err=True)
    where = f"服务器 {result.server}" if result.server else f"解释器 {result.interpreter}"
    click.echo(f"已生成 {result.path}（xlwings {result.xlwings_version} 模板，{where}）")


@addin_group.command("install")
@click.option(
    "--file",
    "xlam",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_OUT,
    show_default=True,
    help="要安装的加载项文件。",
)
def install_command(xlam: Path) -> None:
    """把加载项复制到 Excel 的启动文件夹 XLSTART（仅 Windows；其他系统给出手工安装步骤）。"""
    try:
        target, warnings = install(xlam)
    except AddinError as exc:
        click.echo(exc.message, err=True)
        sys.exit(EXIT_FAILED)
    for warning in warnings:
        click.echo(f"警告：{warning}", err=True)
    click.echo(f"已安装到 {target}。请重新启动 Excel，功能区中会出现“绩效目标”选项卡。")
