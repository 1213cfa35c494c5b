"""Starting the server: uvicorn on the configured address with the app of perfgoals_xl.server.app."""

from __future__ import annotations

import uvicorn

from perfgoals_xl.server.app import create_app
from perfgoals_xl.server.config import ServerConfig
from perfgoals_xl.server.logs import setup_logging


def serve(config: ServerConfig) -> None:
    """Run until stopped (Ctrl+C, SIGTERM from systemd or the Windows service wrapper)."""
    setup_logging(config)
    uvicorn.run(
        create_app(config),
        host=config.host,
        port=config.port,
        access_log=False,  # our own line per request says what is needed, and no more
        log_config=None,
        server_header=False,
        timeout_graceful_shutdown=int(config.timeout_seconds) + 5,
    )
