"""A bounded load test: invocations while the callback is edited and republished.

Four workers serve ``CLIENTS`` threads that send ``REQUESTS_PER_CLIENT``
requests each over keep-alive connections, with the URL they last learnt.
Meanwhile an admin thread alternates edits (a new live version, same token)
and publishes (same version, new token). Every response must be one of:

- 200 with the exact output of a version that was live at some moment
  between sending the request and receiving the response, for a token that
  was valid at some moment in that interval;
- 404 for a token whose replacement was requested before the response came.

Anything else, 5xx included, is a failure. With the environment variable
``DELUGE_CALLBACKS_LOAD_REPORT`` set to a path, the figures are written there
as Markdown.
"""

from __future__ import annotations

import concurrent.futures
import math
import os
import platform
import random
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.reliability.service import ServiceProcess, invocation_params

WORKERS = 4
CLIENTS = 6
REQUESTS_PER_CLIENT = 400
ADMIN_OPERATIONS = 12
ADMIN_PAUSE_SECONDS = 0.08
REPORT_VARIABLE = "DELUGE_CALLBACKS_LOAD_REPORT"
API = "/api/v1/portals/1/callbacks"


@dataclass
class Change:
    """One admin call: what it changed, when it was sent and when it returned."""

    sent: float
    returned: float
    version: int
    token: str


@dataclass
class Sample:
    sent: float
    received: float
    token: str
    argument: int
    status: int
    body: dict


def script(label: str) -> str:
    return f'return "{label}:" + id;'


def label_of(version: int) -> str:
    return f"v{version}"


def token_of(url: str) -> str:
    return httpx.URL(url).params["auth_token"]


class Current:
    """The URL that clients use, replaced after each publish returns."""

    def __init__(self, url: str):
        self.url = url
        self.lock = threading.Lock()

    def get(self) -> str:
        with self.lock:
            return self.url

    def set(self, url: str) -> None:
        with self.lock:
            self.url = url


def run_admin(service, callback_id, current, stop, edits, publishes):
    for number in range(ADMIN_OPERATIONS):
        time.sleep(ADMIN_PAUSE_SECONDS)
        sent = time.monotonic()
        if number % 2 == 0:
            version = edits[-1].version + 1
            response = service.admin.put(
                f"{API}/{callback_id}", json={"script": script(label_of(version))}
            )
        else:
            response = service.admin.post(f"{API}/{callback_id}/publish")
        returned = time.monotonic()
        assert response.status_code == 200, response.text
        record = response.json()
        change = Change(sent, returned, record["version"], token_of(record["url"]))
        (edits if number % 2 == 0 else publishes).append(change)
        current.set(record["url"])
    stop.set()


def run_client(base_url: str, current: Current, seed: int) -> list[Sample]:
    chooser = random.Random(seed)
    samples = []
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for _ in range(REQUESTS_PER_CLIENT):
            url = current.get()
            argument = chooser.randrange(1000)
            params = invocation_params(url, f'{{"id": {argument}}}')
            sent = time.monotonic()
            response = client.get("/AppIntegrations", params=params)
            received = time.monotonic()
            samples.append(
                Sample(
                    sent,
                    received,
                    params["auth_token"],
                    argument,
                    response.status_code,
                    response.json(),
                )
            )
    return samples


def live_window(changes: list[Change], index: int) -> tuple[float, float]:
    """Return the widest interval in which change ``index`` may have been live."""
    start = changes[index].sent
    end = changes[index + 1].returned if index + 1 < len(changes) else math.inf
    return start, end


def check_sample(sample: Sample, edits: list[Change], tokens: list[Change]) -> str:
    """Return why ``sample`` is impossible, or an empty string."""
    token_index = next(i for i, t in enumerate(tokens) if t.token == sample.token)
    token_start, token_end = live_window(tokens, token_index)
    if sample.status == 404:
        if token_index + 1 < len(tokens) and tokens[token_index + 1].sent <= (
            sample.received
        ):
            return ""
        return "404 for a token that was valid the whole time"
    if sample.status != 200:
        return f"status {sample.status}"
    if not (sample.received >= token_start and sample.sent <= token_end):
        return "200 for a token that was never valid during the request"
    for index, edit in enumerate(edits):
        start, end = live_window(edits, index)
        expected = {"output": f"{label_of(edit.version)}:{sample.argument}"}
        if sample.body == expected and sample.received >= start and sample.sent <= end:
            return ""
    return f"output {sample.body} of no version live during the request"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def write_report(
    path: Path,
    samples: list[Sample],
    elapsed: float,
    failures: int,
    history: dict[int, int],
):
    latencies = [(s.received - s.sent) * 1000 for s in samples]
    statuses: dict[int, int] = {}
    for sample in samples:
        statuses[sample.status] = statuses.get(sample.status, 0) + 1
    lines = [
        "# Load test: invocations during edits and token rotations",
        "",
        (
            "Command: `DELUGE_CALLBACKS_LOAD_REPORT=benchmarks/results/load_test.md "
            ".venv/bin/pytest tests/reliability/test_load.py`"
        ),
        "",
        (
            f"Setup: `deluge-callbacks serve --workers {WORKERS}` on 127.0.0.1, "
            f"{CLIENTS} client threads (httpx, keep-alive) in the test process, "
            f"{REQUESTS_PER_CLIENT} GET invocations each, and "
            f"{ADMIN_OPERATIONS} admin calls meanwhile (edits and publishes, "
            f"alternating, {ADMIN_PAUSE_SECONDS} s apart)."
        ),
        "",
        (
            f"Machine: {os.cpu_count()} CPUs seen by Python, {platform.machine()}, "
            f"Python {platform.python_version()}, load average "
            f"{os.getloadavg()[0]:.1f} when the run ended. The clients run on the "
            "same cores as the service, so the figures show behaviour under load, "
            "not the service's maximum throughput."
        ),
        "",
        "| figure | value |",
        "|---|---|",
        f"| requests | {len(samples)} |",
        *(f"| HTTP {code} | {count} |" for code, count in sorted(statuses.items())),
        f"| responses inconsistent with the admin calls | {failures} |",
        f"| execution history rows written | {sum(history.values())} |",
        f"| wall time | {elapsed:.2f} s |",
        f"| throughput | {len(samples) / elapsed:.0f} requests/s |",
        f"| latency p50 | {percentile(latencies, 0.50):.2f} ms |",
        f"| latency p95 | {percentile(latencies, 0.95):.2f} ms |",
        f"| latency p99 | {percentile(latencies, 0.99):.2f} ms |",
        f"| latency max | {max(latencies):.2f} ms |",
        "",
        (
            "A 404 is expected for a request sent with a token whose replacement "
            "was already requested. Every 404 above was checked to be such a case."
        ),
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def test_load_during_publishes(tmp_path):
    # Retention above the request count, so every history row is kept.
    environment = {"DELUGE_CALLBACKS_HISTORY_MAX_ROWS": "100000"}
    service = ServiceProcess(
        tmp_path / "data", workers=WORKERS, environment=environment
    )
    with service:
        sent = time.monotonic()
        created = service.admin.post(
            API,
            json={
                "name": "load",
                "api_name": "load",
                "return_type": "string",
                "parameters": [{"name": "id", "type": "int"}],
                "script": script(label_of(1)),
                "publish": True,
            },
        )
        assert created.status_code == 201
        record = created.json()
        first = Change(sent, time.monotonic(), 1, token_of(record["url"]))
        edits, publishes = [first], [first]
        current = Current(record["url"])
        stop = threading.Event()
        admin = threading.Thread(
            target=run_admin,
            args=(service, record["id"], current, stop, edits, publishes),
        )
        started = time.monotonic()
        admin.start()
        with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
            batches = list(
                pool.map(
                    lambda seed: run_client(service.base_url, current, seed),
                    range(CLIENTS),
                )
            )
        elapsed = time.monotonic() - started
        admin.join(60)
        assert stop.is_set()

    samples = [sample for batch in batches for sample in batch]
    # Edits keep the token, so tokens change only at the initial publish and
    # at each later publish.
    problems = [
        (sample, reason)
        for sample in samples
        if (reason := check_sample(sample, edits, publishes))
    ]
    # Every worker wrote the history of each invocation it ran, the last
    # ones on shutdown. A rejected token adds no row.
    connection = sqlite3.connect(tmp_path / "data" / "callbacks.db")
    try:
        history = dict(
            connection.execute(
                "SELECT http_status, COUNT(*) FROM executions GROUP BY http_status"
            ).fetchall()
        )
    finally:
        connection.close()
    report = os.environ.get(REPORT_VARIABLE)
    if report:
        write_report(Path(report), samples, elapsed, len(problems), history)
    assert len(samples) == CLIENTS * REQUESTS_PER_CLIENT
    assert problems == []
    assert not [s for s in samples if s.status >= 500]
    # The admin calls overlapped the load, so the check saw several versions.
    outputs = {s.body["output"].split(":")[0] for s in samples if s.status == 200}
    assert len(outputs) >= 3
    tokens = {s.token for s in samples if s.status == 200}
    assert len(tokens) >= 3
    assert history == {200: len([s for s in samples if s.status == 200])}
