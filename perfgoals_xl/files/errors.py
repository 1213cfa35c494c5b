"""Why a file cannot be read: ReadError, with a code and a Chinese message that names the file (and the sheet
and cell when there is one)."""

from __future__ import annotations

from pathlib import Path

from perfgoals_xl.core.errors import PerfgoalsError


class ReadError(PerfgoalsError):
    """A workbook that cannot be read; `code` says which way (not_found, corrupt, too_large …)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def encrypted(path: Path) -> ReadError:
    return ReadError(
        "encrypted", f"文件“{path.name}”设有打开密码（已加密），请在 Excel 中取消密码后另存再校验。"
    )


def corrupt(path: Path, detail: str) -> ReadError:
    return ReadError("corrupt", f"文件“{path.name}”已损坏或不是有效的工作簿，无法读取（{detail}）。")


def short_reason(exc: BaseException, limit: int = 120) -> str:
    """The first line of an exception's text (or its type), for a Chinese message's parentheses."""
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:limit]
