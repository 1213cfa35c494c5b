"""Test harness for the bureau server: start the real `perfgoals-xl serve` (uvicorn, its worker processes) on a
free port of this machine in a subprocess, wait until /health answers, stop it afterwards."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

TOKEN = "test-token-0123456789abcdef"
STARTUP_SECONDS = 60
_STAMP = re.compile(r"校验时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def call(
        self, script: str, payload: Any = None, token: str | None = TOKEN, **kwargs: Any
    ) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if token is not None:
            headers["Authorization"] = token
        return httpx.post(
            f"{self.url}/xlwings/custom-scripts-call/{script}",
            json=payload,
            headers=headers,
            timeout=kwargs.pop("timeout", 60),
            **kwargs,
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(folder: Path, **settings: Any) -> Iterator[Server]:
    """`perfgoals-xl serve` with a settings file holding `settings` (TOML scalars), rules at their defaults."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (folder / "perfgoals.toml").write_text("", encoding="utf-8")  # the rules: defaults, whatever ~ holds
    log = folder / "server.log"
    lines = [f'rules = "{(folder / "perfgoals.toml").as_posix()}"', f'log_file = "{log.as_posix()}"']
    lines += [f"{key} = {_toml(value)}" for key, value in settings.items()]
    config = folder / "perfgoals-server.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_LICENSE_KEY"}  # the server sets it itself
    env["PERFGOALS_TOKENS"] = f"another-token-000000000,{TOKEN}"
    command = [sys.executable, "-m", "perfgoals_xl", "serve", "--port", str(port), "--config", str(config)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            output = server.process.stdout.read().decode("utf-8", "replace") if server.process.stdout else ""
            raise RuntimeError(f"the server stopped at start:\n{output}")
        try:
            if httpx.get(f"{server.url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not answer /health in time")


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def normalized(value: Any) -> Any:
    """Actions with the check's time stamp (校验时间) blanked, so two runs of the same check compare equal."""
    if isinstance(value, str):
        return _STAMP.sub("校验时间：-", value)
    if isinstance(value, list):
        return [normalized(v) for v in value]
    if isinstance(value, dict):
        return {k: normalized(v) for k, v in value.items()}
    return value
