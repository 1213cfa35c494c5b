"""Office.js: the manifest that puts the 绩效目标 tab into Microsoft 365 Excel, pointing at this server."""

from __future__ import annotations

from starlette.routing import BaseRoute


def officejs_routes() -> list[BaseRoute]:
    return []
