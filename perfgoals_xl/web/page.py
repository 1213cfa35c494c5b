"""One self-contained HTML file: the template with the stylesheet, the script and the data inlined.

The data goes in as JSON inside `<script type="application/json">`, with `<`, `>` and `&` escaped, so no text
from a workbook can close the element or become markup; the page sets every text through textContent. A
Content-Security-Policy allows no request at all (no fetch, font, image or style from anywhere)."""

from __future__ import annotations

import json
from importlib.resources import files
from string import Template
from typing import Any

ASSETS = files("perfgoals_xl.web") / "assets"
_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def embedded_json(data: Any) -> str:
    """JSON that is safe inside a script element."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)


def render_page(data: dict[str, Any]) -> str:
    """The page for `data` (kind `report` or `diff`, title, meta lines, catalog and the document)."""
    return Template(_asset("page.html")).substitute(
        title=_escape(str(data["title"])),
        style=_asset("page.css"),
        script=_asset("page.js"),
        data=embedded_json(data),
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
