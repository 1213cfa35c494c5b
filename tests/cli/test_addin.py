"""`perfgoals-xl addin build/install`: the built .xlam is a valid add-in package with our ribbon, our dispatcher
(read back with oletools, independently of pyOpenVBA which wrote it) and an active perfgoals.conf sheet."""

from __future__ import annotations

import builtins
import warnings
import xml.etree.ElementTree as ET
import zipfile

import pytest
import xlwings
from click.testing import CliRunner
from conftest import ROOT

from perfgoals_xl.cli import addin, addin_package
from perfgoals_xl.cli.main import main

NS = {
    "ui": "http://schemas.microsoft.com/office/2006/01/customui",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
# the relationship type of the 2006/01 customUI namespace (Office 2007), as in xlwings' own xlwings.xlam
UI_REL = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("addin") / "dist" / "perfgoals.xlam"
    result = addin.build(out)
    return result, out


def macros(path) -> dict[str, str]:
    """{module file name: code} as oletools' olevba extracts them (independent of pyOpenVBA)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # oletools 0.60 on a newer pyparsing
        from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        assert parser.detect_vba_macros()
        return {name: code for _, _, name, code in parser.extract_all_macros()}
    finally:
        parser.close()


def test_xlwings_is_the_pinned_version(built):
    result, _ = built
    assert addin.pinned_xlwings() == xlwings.__version__ == result.xlwings_version
    assert result.warnings == []


def test_a_version_mismatch_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(addin, "pinned_xlwings", lambda: "0.0.1")
    result = addin.build(tmp_path / "x.xlam")
    (warning,) = result.warnings
    assert "0.0.1" in warning and xlwings.__version__ in warning


def test_valid_zip_with_the_addin_content_type(built):
    _, out = built
    with zipfile.ZipFile(out) as package:
        assert package.testzip() is None
        types = ET.fromstring(package.read("[Content_Types].xml"))
        overrides = {o.get("PartName"): o.get("ContentType") for o in types.iterfind("ct:Override", NS)}
        assert overrides["/xl/workbook.xml"] == addin_package.ADDIN_CONTENT_TYPE
        rels = ET.fromstring(package.read("_rels/.rels"))
        assert {
            r.get("Target") for r in rels.iterfind("rel:Relationship", NS) if r.get("Type") == UI_REL
        } == {addin_package.CUSTOM_UI}
        with zipfile.ZipFile(addin.template_path()) as template:
            assert [(i.filename, i.compress_type) for i in package.infolist()] == [
                (i.filename, i.compress_type) for i in template.infolist()
            ]


def test_custom_ui_has_nine_buttons_in_four_groups(built):
    _, out = built
    with zipfile.ZipFile(out) as package:
        data = package.read(addin_package.CUSTOM_UI)
    assert data == (ROOT / "vba" / "customUI.xml").read_bytes()
    root = ET.fromstring(data)
    groups = root.findall(".//ui:tab/ui:group", NS)
    assert [g.get("label") for g in groups] == ["校验", "合计", "模板", "帮助"]
    assert [len(g.findall("ui:button", NS)) for g in groups] == [3, 1, 3, 2]


def test_oletools_reads_back_the_dispatcher_and_project_name(built):
    _, out = built
    found = macros(out)
    assert {"RibbonPerfgoals.bas", "xlwings.bas"} <= set(found)
    assert "RibbonMyAddin.bas" not in found
    dispatcher = found["RibbonPerfgoals.bas"]
    assert "Public Sub OnAction(control As IRibbonControl)" in dispatcher
    assert (
        """RunPython "import perfgoals_xl.excel.ribbon as r; r.dispatch('" & control.ID & "')\""""
        in dispatcher
    )
    assert 'Public Const PROJECT_NAME As String = "perfgoals"' in found["xlwings.bas"]
    assert '"myaddin"' not in found["xlwings.bas"]


def test_only_our_edits_differ_from_the_template(built):
    _, out = built
    ours, template = macros(out), macros(addin.template_path())
    assert set(ours) - {"RibbonPerfgoals.bas"} == set(template) - {"RibbonMyAddin.bas"}
    assert ours["xlwings.bas"].replace('"perfgoals"', '"myaddin"') == template["xlwings.bas"]
    for name in set(ours) - {"RibbonPerfgoals.bas", "xlwings.bas"}:
        assert ours[name] == template[name], name


def test_conf_sheet_is_present_active_and_points_at_the_interpreter(built):
    _, out = built
    with zipfile.ZipFile(out) as package:
        workbook = ET.fromstring(package.read(addin_package.WORKBOOK))
    assert [s.get("name") for s in workbook.iterfind("m:sheets/m:sheet", NS)] == ["perfgoals.conf"]
    (view,) = workbook.iterfind("m:bookViews/m:workbookView", NS)
    assert view.get("visibility") == "hidden" and view.get("activeTab") == "0"
    conf = addin.read_conf(out)
    assert conf["Interpreter_Win"] == r"%LOCALAPPDATA%\perfgoals\venv\Scripts\python.exe"
    assert list(conf)[:3] == ["Interpreter_Win", "Interpreter_Mac", "PYTHONPATH"]
    assert conf["Use UDF Server"] == "FALSE"


def test_cli_build_with_another_interpreter(tmp_path):
    out = tmp_path / "custom.xlam"
    interpreter = r"D:\工具\Python & 环境\python.exe"
    result = CliRunner().invoke(main, ["addin", "build", "-o", str(out), "--interpreter", interpreter])
    assert result.exit_code == 0, result.output
    assert "已生成" in result.output
    assert addin.read_conf(out)["Interpreter_Win"] == interpreter


def test_build_without_pyopenvba_says_to_reinstall(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_pyopenvba(name, *args, **kwargs):
        if name == "pyopenvba" or name.startswith("pyopenvba."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyopenvba)
    result = CliRunner().invoke(main, ["addin", "build", "-o", str(tmp_path / "x.xlam")])
    assert result.exit_code == 2  # could not be done: the one EXIT_FAILED
    assert "pyOpenVBA" in result.output and "pip install perfgoals-xl" in result.output
    assert not (tmp_path / "x.xlam").exists()


def test_a_non_ascii_dispatcher_is_refused(tmp_path):
    (tmp_path / "RibbonPerfgoals.bas").write_text("' 校验\n", encoding="utf-8")
    with pytest.raises(addin.AddinError, match="ASCII"):
        addin.dispatcher_source(tmp_path)


# --- install ------------------------------------------------------------------------------------------------


def test_install_on_windows_copies_into_xlstart(built, tmp_path):
    _, out = built
    environ = {"APPDATA": str(tmp_path / "Roaming"), "LOCALAPPDATA": str(tmp_path / "Local")}
    target, warnings = addin.install(out, platform="win32", environ=environ)
    assert target == tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "perfgoals.xlam"
    assert target.read_bytes() == out.read_bytes()
    (warning,) = warnings  # the default environment does not exist here
    assert "Python 解释器不存在" in warning and str(tmp_path / "Local") in warning


def test_install_finds_an_existing_interpreter(tmp_path):
    out = tmp_path / "x.xlam"
    addin.build(
        out, interpreter="%LOCALAPPDATA%/py/python.exe"
    )  # "/" so the expanded path works on POSIX too
    python = tmp_path / "Local" / "py" / "python.exe"
    python.parent.mkdir(parents=True)
    python.write_bytes(b"")
    environ = {"APPDATA": str(tmp_path / "Roaming"), "LOCALAPPDATA": str(tmp_path / "Local")}
    target, warnings = addin.install(out, platform="win32", environ=environ)
    assert warnings == [] and target.is_file()


def test_install_elsewhere_prints_the_manual_steps(built):
    _, out = built
    with pytest.raises(addin.AddinError) as info:
        addin.install(out, platform="linux", environ={})
    assert "XLSTART" in str(info.value) and "手工安装" in str(info.value)
    result = CliRunner().invoke(main, ["addin", "install", "--file", str(out)])
    if addin.sys.platform != "win32":
        assert result.exit_code == 2 and "手工安装" in result.output


def test_install_without_a_built_file(tmp_path):
    result = CliRunner().invoke(main, ["addin", "install", "--file", str(tmp_path / "missing.xlam")])
    assert result.exit_code == 2 and "perfgoals-xl addin build" in result.output
