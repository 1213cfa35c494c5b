"""The package boundaries hold: the core is pure Python, each host package imports only the libraries of its host.

core/        pure: no host package, none of openpyxl, xlwings, python-calamine, click
files/       core + python-calamine (reading) + openpyxl (writing)
templates/   core + files + openpyxl
excel/       core + files + templates + xlwings
server/      core + files + templates + excel + xlwings, the web stack (fastapi, starlette, uvicorn) and pebble
pipeline.py  core + files, and pebble (the batch in worker processes)
web/         core only: the report and diff pages are rendered from the report model's JSON
cli/         everything, and click (the web stack only through server/)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "perfgoals_xl"
WEB = {"fastapi", "starlette", "uvicorn"}
POOL = {"pebble"}  # worker processes that can be stopped: the batch (pipeline.py) and the server
HOST_LIBRARIES = {"openpyxl", "xlwings", "python_calamine", "click", "rich"} | WEB | POOL
OURS = ("core", "files", "templates", "excel", "server", "web", "cli", "pipeline", "resources")

# layer → (packages of ours it may import, host libraries it may import)
ALLOWED: dict[str, tuple[set[str], set[str]]] = {
    "core": ({"core"}, set()),
    "files": ({"core", "files"}, {"openpyxl", "python_calamine"}),
    "templates": ({"core", "files", "templates", "pipeline", "resources"}, {"openpyxl"}),
    "excel": ({"core", "files", "templates", "excel", "resources"}, {"xlwings"}),
    "server": ({"core", "files", "templates", "excel", "server", "resources"}, {"xlwings"} | WEB | POOL),
    "pipeline": ({"core", "files", "pipeline"}, POOL),
    "web": ({"core", "web"}, set()),
    "cli": (set(OURS), HOST_LIBRARIES - WEB),
}


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        layer = parts[0]  # core/…, files/…, or pipeline.py itself
        if layer in ALLOWED:
            found.append((layer, path))
    return found


def _imports(path: Path) -> set[str]:
    """Every module name imported anywhere in the file (top level and inside functions)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    ("layer", "path"), _modules(), ids=lambda v: str(v.relative_to(PACKAGE)) if isinstance(v, Path) else v
)
def test_each_module_imports_only_what_its_layer_may(layer, path):
    ours, libraries = ALLOWED[layer]
    for name in _imports(path):
        top = name.split(".")[0]
        if top == "perfgoals_xl" and name != "perfgoals_xl":
            package = name.split(".")[1]
            assert package in ours, f"{path.relative_to(PACKAGE)} ({layer}) imports {name}"
        elif top in HOST_LIBRARIES:
            assert top in libraries, f"{path.relative_to(PACKAGE)} ({layer}) imports the host library {name}"


def test_the_layers_cover_the_package():
    """Every module belongs to a layer the rules above name (a new top-level module must be placed)."""
    loose = [
        path.name
        for path in PACKAGE.glob("*.py")
        if path.stem not in ALLOWED and path.stem not in ("__init__", "__main__", "resources")
    ]
    assert loose == []


@pytest.mark.slow
def test_the_core_imports_nothing_of_a_host_even_indirectly():
    """Importing the core in a fresh interpreter loads none of the host libraries."""
    import subprocess
    import sys

    code = (
        "import sys, perfgoals_xl.core.check, perfgoals_xl.core.render, perfgoals_xl.core.catalog, "
        "perfgoals_xl.core.totals, perfgoals_xl.core.marks, perfgoals_xl.core.specs; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(HOST_LIBRARIES)!r}))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
