"""The server's log: one line per request (id, script, client, sheets, bytes, status, milliseconds) and, for a
failure, the exception type and where it happened — never a cell's content unless `log_details` is set.
Bounded: a rotating file (size × backups) or stderr, each line cut at MAX_LINE characters."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from perfgoals_xl.server.config import ServerConfig
    from perfgoals_xl.server.scripts import Reply

LOGGER = logging.getLogger("perfgoals.server")
MAX_LINE = 2_000
FORMAT = "%(asctime)s %(levelname)s %(message)s"


class _Bounded(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text if len(text) <= MAX_LINE else text[:MAX_LINE] + " …"


def setup_logging(config: ServerConfig) -> None:
    """Send the server's log to the configured file (rotated) or to stderr; uvicorn's own lines go there too."""
    if config.log_file is not None:
        config.log_file.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            config.log_file,
            maxBytes=int(config.log_max_mb * 1024 * 1024),
            backupCount=config.log_backups,
            encoding="utf-8",
        )
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Bounded(FORMAT))
    for name in ("perfgoals.server", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False


def request_line(request_id: str, script: str, reply: Reply, size: int, seconds: float) -> str:
    return (
        f"{request_id} {script[:40]} client={reply.client} sheets={reply.sheets} bytes={size} "
        f"status={reply.status} ms={seconds * 1000:.0f}"
    )
