"""The one base of every failure we explain to the user."""

from __future__ import annotations


class PerfgoalsError(Exception):
    """A failure with a Chinese `message` that names the file, sheet, cell or key concerned — shown to the
    user as it is, never as a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
