"""The real ``deluge-callbacks serve`` command as a child process on loopback.

Each service runs in its own process group and session, so a test can stop
or kill exactly the processes it started.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Self

import httpx

ADMIN_KEY = "reliability-admin-key-" + "y" * 32
START_TIMEOUT_SECONDS = 30
COMMAND = [sys.executable, "-m", "server.cli", "serve"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name in brackets may contain spaces; fields follow it.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            children.append(int(entry.name))
    return children


class ServiceProcess:
    """A started service with an admin client, stopped by ``stop``."""

    def __init__(
        self,
        data_dir: Path,
        workers: int = 1,
        graceful_seconds: int = 10,
        environment: dict[str, str] | None = None,
    ):
        self.data_dir = data_dir
        self.workers = workers
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir.parent / f"service-{self.port}.log"
        env = {
            **os.environ,
            "DELUGE_CALLBACKS_ADMIN_KEY": ADMIN_KEY,
            "DELUGE_CALLBACKS_LOG_LEVEL": "WARNING",
            **(environment or {}),
        }
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                *COMMAND,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--data-dir",
                str(data_dir),
                "--workers",
                str(workers),
                "--timeout-graceful-shutdown",
                str(graceful_seconds),
            ],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.admin = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {ADMIN_KEY}"},
            timeout=60,
        )
        self.wait_ready()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        """Wait until ``/readyz`` returns 200 and every worker process is up."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the service exited early:\n{self.log()}")
            try:
                ready = httpx.get(f"{self.base_url}/readyz", timeout=2)
                if ready.status_code == 200 and (
                    self.workers == 1 or len(self.worker_pids()) == self.workers
                ):
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"the service did not become ready:\n{self.log()}")

    def worker_pids(self) -> list[int]:
        """Return the uvicorn worker processes (all of them with one worker)."""
        if self.workers == 1:
            return [self.process.pid]
        pids = []
        for pid in _children(self.process.pid):
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"multiprocessing" in command and b"resource_tracker" not in command:
                pids.append(pid)
        return sorted(pids)

    def kill_workers(self) -> list[int]:
        """Send SIGKILL to every worker process; return their ids."""
        pids = self.worker_pids()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        return pids

    def terminate(self) -> None:
        """Send SIGTERM, which starts uvicorn's graceful shutdown."""
        self.process.send_signal(signal.SIGTERM)

    def stop(self, timeout: float = 30) -> int:
        """Stop gracefully; kill the process group if that takes too long."""
        self.admin.close()
        if self.process.poll() is None:
            self.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self._log.close()
        return self.process.returncode

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        if self.process.poll() is None:
            self.stop()
        else:
            self.admin.close()
            self._log.close()


def invocation_params(url: str, arguments: str) -> dict:
    params = dict(httpx.URL(url).params)
    params["arguments"] = arguments
    return params
