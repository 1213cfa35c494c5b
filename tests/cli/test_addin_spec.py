"""The built perfgoals.xlam read back with olefile and oletools (independently of pyOpenVBA, which wrote it): the
package and the VBA project as the specs want them, the dispatcher's guard before Python runs, the settings
sheet, and `addin build`'s output options."""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from importlib import metadata
from pathlib import Path

import olefile
import pytest
from click.testing import CliRunner

from perfgoals_xl.cli import addin, addin_package
from perfgoals_xl.cli.addin_server import server_flavour
from perfgoals_xl.cli.addin_vba import DIR_END, MESSAGES
from perfgoals_xl.cli.main import main

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # oletools 0.60 on a newer pyparsing
    from oletools.olevba import VBA_Parser, VBA_Project, decompress_stream

UI_2006 = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
UI_2007 = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
CUSTOM_UI_2006 = "http://schemas.microsoft.com/office/2006/01/customui"
MAX_VBA_LINE = 1023  # characters per physical line the VBA editor accepts


@pytest.fixture(scope="module", params=["desktop", "server"])
def built(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("addin") / f"{request.param}.xlam"
    flavour = None
    if request.param == "server":
        flavour = server_flavour("https://pg.czj.gov.cn", "t" * 24, 60)
    addin.build(out, server=flavour)
    return out


def vba_project_bin(xlam) -> bytes:
    with zipfile.ZipFile(xlam) as package:
        return package.read(addin_package.VBA_PROJECT)


def ole(xlam) -> olefile.OleFileIO:
    return olefile.OleFileIO(io.BytesIO(vba_project_bin(xlam)))


def dispatcher(xlam) -> str:
    parser = VBA_Parser(str(xlam))
    try:
        return {name: code for _, _, name, code in parser.extract_all_macros()}["RibbonPerfgoals.bas"]
    finally:
        parser.close()


def test_custom_ui_is_found_through_the_relationship_type_of_its_namespace(built):
    with zipfile.ZipFile(built) as package:
        rels = package.read("_rels/.rels").decode("utf-8")
        custom_ui = package.read(addin_package.CUSTOM_UI).decode("utf-8")
    assert f'xmlns="{CUSTOM_UI_2006}"' in custom_ui
    assert f'Type="{UI_2006}" Target="customUI/customUI.xml"' in rels and UI_2007 not in rels


def test_the_dir_stream_ends_with_its_terminator_and_nothing_after(built):
    with ole(built) as project:
        directory = decompress_stream(bytearray(project.openstream("VBA/dir").read()))
    assert bytes(directory).endswith(DIR_END)  # MODULE terminator, then 0x0010 and Reserved 0: no extra bytes
    assert not bytes(directory).endswith(DIR_END + b"\x00")


def test_every_storage_starts_at_sector_zero(built):
    with ole(built) as project:
        storages = [e for e in project.direntries if e is not None and e.entry_type == olefile.STGTY_STORAGE]
        assert [e.name for e in storages] == ["VBA"]
        assert [e.isectStart for e in storages] == [0]  # MS-CFB 2.6.3: zero for a storage object


def test_the_vba_project_is_named_perfgoals(built):
    with ole(built) as project:
        parsed = VBA_Project(project, "", "PROJECT", "VBA/dir")
        assert parsed.projectname == "perfgoals"
        lines = project.openstream("PROJECT").read().decode("latin-1").split("\r\n")
    assert 'Name="perfgoals"' in lines and not any("MyAddin" in line for line in lines)


def test_the_dispatcher_guards_before_python_runs(built):
    code = dispatcher(built)
    assert code.isascii() and max(len(line) for line in code.splitlines()) <= MAX_VBA_LINE
    guard = "ReadyForPython" if "RunPython" in code else "ReadyForServer"
    body = code[code.index("Public Sub OnAction") : code.index("End Sub")]
    assert body.index(f"If Not {guard}() Then Exit Sub") < body.index("Run")
    function = code[code.index(f"Private Function {guard}()") :]
    assert "If Not ActiveWorkbook Is Nothing Then" in function and "ActiveProtectedViewWindow" in function
    shown = [_vba_string(m) for m in re.findall(r"MsgBox (.+?), vbExclamation, (.+?)\n", _joined(function))]
    assert shown == [
        (MESSAGES["MSG_NO_WORKBOOK"], MESSAGES["MSG_TITLE"]),
        (MESSAGES["MSG_PROTECTED_VIEW"], MESSAGES["MSG_TITLE"]),
    ]
    assert "受保护的视图" in MESSAGES["MSG_PROTECTED_VIEW"] and "启用编辑" in MESSAGES["MSG_PROTECTED_VIEW"]


def _joined(code: str) -> str:
    """VBA's continued lines (` _` at the end) as one line each."""
    return re.sub(r" _\r?\n\s*", " ", code.replace("\r\n", "\n"))


def _vba_string(parts: tuple[str, ...]) -> tuple[str, ...]:
    """The text VBA builds from `"…" & ChrW(&HXXXX) & vbLf …` expressions."""

    def value(expression: str) -> str:
        text = ""
        for token in re.findall(r'"(?:[^"]|"")*"|ChrW\(&H[0-9A-F]+\)|vbLf', expression):
            if token == "vbLf":
                text += "\n"
            elif token.startswith("ChrW"):
                text += chr(int(token[7:-1], 16))
            else:
                text += token[1:-1].replace('""', '"')
        return text

    return tuple(value(part) for part in parts)


def test_the_workbook_folder_is_kept_off_the_python_path(built):
    conf = addin.read_conf(built)
    assert conf["ADD_WORKBOOK_TO_PYTHONPATH"] == "false"
    keys = list(conf)  # xlwings reads A1 down to the first empty cell: our row must be inside that run
    assert keys.index("ADD_WORKBOOK_TO_PYTHONPATH") == len(keys) - (3 if "AUTH" in conf else 1)


def test_pyopenvba_is_a_dependency_of_every_install():
    requirements = metadata.requires("perfgoals-xl") or []
    plain = [r for r in requirements if r.lower().startswith("pyopenvba") and "extra ==" not in r]
    assert plain, requirements  # `pip install .` then `perfgoals-xl addin build` works


def test_build_output_follows_the_one_output_convention(tmp_path):
    out = tmp_path / "新文件夹" / "perfgoals.xlam"
    first = CliRunner().invoke(main, ["addin", "build", "-o", str(out)])
    assert first.exit_code == 0 and out.is_file(), first.output  # the missing folder is created
    before = out.read_bytes()
    again = CliRunner().invoke(main, ["addin", "build", "--output", str(out)])
    assert again.exit_code == 2 and "已存在" in again.output and "--force" in again.output
    assert out.read_bytes() == before
    forced = CliRunner().invoke(main, ["addin", "build", "-o", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    wrong = CliRunner().invoke(main, ["addin", "build", "-o", str(tmp_path / "perfgoals.xlsx")])
    assert wrong.exit_code == 2 and ".xlam" in wrong.output and not (tmp_path / "perfgoals.xlsx").exists()


def test_install_points_at_a_readme_this_installation_has(built):
    with pytest.raises(addin.AddinError) as info:
        addin.install(built, platform="linux", environ={})
    (readme,) = re.findall(r"详见 (.+)。", str(info.value))
    assert readme.endswith("README.md") and (addin.vba_dir() / "README.md").resolve() == Path(readme)
