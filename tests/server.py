"""A real ``cofatui serve`` in a subprocess on 127.0.0.1, for the contract suite's
"http-server" backend, the e2e tests and the API benchmark."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """``python -m cofatui serve --db URL --port N`` with its output in a log file."""

    def __init__(self, db_url: str, home: Path, *, clock: str | None = None,
                 log_level: str = "warning", workers: int = 1,
                 extra_args: tuple[str, ...] = ()) -> None:
        self.db_url = db_url
        self.home = home
        self.clock = clock
        self.log_level = log_level
        self.workers = workers
        self.extra_args = extra_args
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = home / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> ServerProcess:
        for _ in range(3):  # a free port may be taken between the probe and the bind
            self.port = free_port()
            cmd = [sys.executable, "-m", "cofatui", "serve", "--db", self.db_url,
                   "--host", "127.0.0.1", "--port", str(self.port),
                   "--log-level", self.log_level]
            if self.clock:
                cmd += ["--clock", self.clock]
            # Always said: ``cofatui serve`` defaults to one worker per core (issue 21),
            # and a test server is one process unless the test asks for more.
            cmd += ["--workers", str(self.workers)]
            cmd += self.extra_args
            env = {**os.environ, "COFATUI_CONFIG_DIR": str(self.home / "config"),
                   "COFATUI_DATA_DIR": str(self.home / "data"), "PYTHONUNBUFFERED": "1"}
            log = self.log_path.open("ab")
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log,
                                         stderr=subprocess.STDOUT)
            log.close()
            if self._wait_ready(timeout):
                return self
            self.stop()
        raise RuntimeError(f"cofatui serve did not start; log:\n{self.log()}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                return False
            try:
                if httpx.get(self.url + "/health", timeout=1.0).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        return False

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, like a power cut for the process."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
