"""Shared parts of the benchmarks: servers on 127.0.0.1, statistics, output.

Every server a benchmark starts listens on 127.0.0.1 only and is stopped when
its ``with`` block ends, also when the benchmark fails.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
ADMIN_KEY = "benchmark-admin-key-" + "k" * 32
RESULTS_DIR = Path(__file__).with_name("results")
ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_SECONDS = 30.0


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def machine_description() -> str:
    """Describe the machine and interpreter the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} cores ({cpu}), {platform.system()} "
        f"{platform.release()}, {platform.python_implementation()} "
        f"{platform.python_version()}; the machine is shared with other work"
    )


@dataclass
class RunningServer:
    """A server process on 127.0.0.1 and its base URL."""

    process: subprocess.Popen
    port: int

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"


def _wait_until_serving(server: RunningServer, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"the server exited with status {server.process.returncode} "
                f"before serving; its log is {log_path}:\n{log_path.read_text()}"
            )
        try:
            httpx.get(server.base_url + "/", timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(
        f"the server did not respond on {server.base_url} within "
        f"{START_TIMEOUT_SECONDS:.0f} s; its log is {log_path}"
    )


@contextlib.contextmanager
def server_process(
    command: list[str], log_path: Path, environment: dict[str, str] | None = None
) -> Iterator[RunningServer]:
    """Start ``command`` (which must contain ``{port}``) and stop it on exit."""
    port = free_port()
    arguments = [part.replace("{port}", str(port)) for part in command]
    env = {**os.environ, **(environment or {})}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            arguments, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT
        )
    server = RunningServer(process, port)
    try:
        _wait_until_serving(server, log_path)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            logger.warning("Server %d did not stop in 15 s; killing it", process.pid)
            process.kill()
            process.wait()


def service_command(data_dir: Path, workers: int = 1) -> list[str]:
    """Return the command that runs the product's server on ``{port}``."""
    return [
        sys.executable,
        "-m",
        "server.cli",
        "serve",
        "--host",
        HOST,
        "--port",
        "{port}",
        "--data-dir",
        str(data_dir),
        "--workers",
        str(workers),
        "--log-level",
        "WARNING",
    ]


def service_environment() -> dict[str, str]:
    return {"DELUGE_CALLBACKS_ADMIN_KEY": ADMIN_KEY}


def admin_client(base_url: str) -> httpx.Client:
    return httpx.Client(
        base_url=base_url,
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
        timeout=60,
    )


def _process_cpu(pid: int) -> float:
    # Fields 14 and 15 of /proc/PID/stat are utime and stime in clock ticks;
    # the command name before them may contain spaces, so split after ")".
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            children += [int(c) for c in (task / "children").read_text().split()]
    return children


def cpu_seconds(pid: int) -> float | None:
    """Return the CPU time of a process and its children, or None off Linux.

    The children count for ``uvicorn --workers N``, whose workers are
    children of the supervisor process.
    """
    try:
        return _process_cpu(pid) + sum(_process_cpu(c) for c in _children(pid))
    except (OSError, ValueError, IndexError):
        return None


def percentile(values: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of ``values`` (not necessarily sorted)."""
    if not values:
        raise ValueError("percentile of an empty list")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)


def markdown_table(header: list[str], rows: list[list[object]]) -> str:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
    return "\n".join(lines)


def write_result(
    output_dir: Path, name: str, title: str, paragraphs: list[str], table: str
) -> Path:
    """Write ``<name>.md`` with a title, explanation and the table."""
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / f"{name}.md"
    text = "\n\n".join([f"# {title}", *paragraphs, table]) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def pyplot():
    """Return matplotlib's pyplot with the Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
