"""A small HTTP/1.1 load generator on raw asyncio sockets.

It sends a fixed number of GET requests over ``connections`` keep-alive
connections, one request at a time per connection (no pipelining), and
times each request from the first byte written to the last body byte read.
Every response must have status 200 and the expected body, so a benchmark
cannot report the speed of error responses.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from benchmarks.common import percentile


@dataclass
class LoadResult:
    """Figures of one load run."""

    requests: int
    seconds: float
    latencies_ms: list[float]

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies_ms, 0.50)

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies_ms, 0.99)


class UnexpectedResponse(RuntimeError):
    """The server responded with another status or body than expected."""


def _request_bytes(host: str, port: int, target: str) -> bytes:
    return (
        f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        "User-Agent: deluge-callbacks-loadgen\r\nAccept: */*\r\n\r\n"
    ).encode("ascii")


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
        elif name.strip().lower() == "transfer-encoding":
            raise UnexpectedResponse(f"chunked responses are not supported: {line}")
    if length is None:
        raise UnexpectedResponse("the response has no Content-Length header")
    body = await reader.readexactly(length)
    return status, body


async def _connection(
    host: str,
    port: int,
    request: bytes,
    expected_body: bytes,
    budget: list[int],
    latencies: list[float],
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while budget[0] > 0:
            budget[0] -= 1
            started = time.perf_counter_ns()
            writer.write(request)
            status, body = await _read_response(reader)
            latencies.append((time.perf_counter_ns() - started) / 1e6)
            if status != 200 or body != expected_body:
                raise UnexpectedResponse(
                    f"expected status 200 with {expected_body!r}, "
                    f"got {status} with {body[:200]!r}"
                )
    finally:
        writer.close()
        await writer.wait_closed()


async def _run(
    host: str,
    port: int,
    target: str,
    expected_body: bytes,
    requests: int,
    connections: int,
) -> LoadResult:
    request = _request_bytes(host, port, target)
    budget = [requests]
    latencies: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _connection(host, port, request, expected_body, budget, latencies)
            for _ in range(connections)
        )
    )
    return LoadResult(requests, time.perf_counter() - started, latencies)


def generate_load(
    host: str,
    port: int,
    target: str,
    expected_body: bytes,
    requests: int,
    connections: int,
) -> LoadResult:
    """Send ``requests`` GETs of ``target`` over ``connections`` connections."""
    if requests < 1 or connections < 1:
        raise ValueError("requests and connections must be at least 1")
    return asyncio.run(_run(host, port, target, expected_body, requests, connections))
