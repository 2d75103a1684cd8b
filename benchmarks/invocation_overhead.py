"""Measure the invoke path against a bare Starlette endpoint, side by side.

A trivial published callback (one ``int`` parameter, ``return "ok";``) is
invoked through ``/AppIntegrations`` on the product's server, and a bare
Starlette endpoint (``benchmarks/bare_app.py``) that returns the same JSON
gets the same URL. Both run under uvicorn on 127.0.0.1 with the same worker
count. The same load generator drives them in alternating rounds, and the
report gives the median of the rounds.

Targets: the callback serves at least 80% of the bare endpoint's requests
per second, with a p99 latency at most 1.5x the bare endpoint's.

Run: ``.venv/bin/python -m benchmarks.invocation_overhead [--quick]``
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import urllib.parse
from pathlib import Path

from benchmarks.common import (
    HOST,
    RESULTS_DIR,
    admin_client,
    cpu_seconds,
    machine_description,
    markdown_table,
    median,
    pyplot,
    server_process,
    service_command,
    service_environment,
    write_result,
)
from benchmarks.loadgen import generate_load

NAME = "invocation_overhead"
CALLBACK = {
    "name": "bench_trivial",
    "api_name": "bench_trivial",
    "return_type": "string",
    "parameters": [{"name": "ticket", "type": "int"}],
    "script": 'return "ok";',
    "publish": True,
}
EXPECTED_BODY = b'{"output":"ok"}'
ARGUMENTS = {"ticket": 7}
THROUGHPUT_TARGET = 0.80
P99_TARGET = 1.5


def bare_command(workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "benchmarks.bare_app:app",
        "--host",
        HOST,
        "--port",
        "{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]


def invocation_target(url: str) -> str:
    """Return the path and query of an invocation URL, with the arguments."""
    parsed = urllib.parse.urlsplit(url)
    query = parsed.query + "&arguments=" + urllib.parse.quote(json.dumps(ARGUMENTS))
    return f"{parsed.path}?{query}"


def measure(
    workers: int, rounds: int, requests: int, connections: int, log_dir: Path
) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-invoke-") as scratch:
        data_dir = Path(scratch) / "data"
        product_command = service_command(data_dir, workers)
        with (
            server_process(
                product_command, log_dir / "product.log", service_environment()
            ) as product,
            server_process(bare_command(workers), log_dir / "bare.log") as bare,
        ):
            with admin_client(product.base_url) as admin:
                response = admin.post("/api/v1/portals/1/callbacks", json=CALLBACK)
                response.raise_for_status()
                target = invocation_target(response.json()["url"])
            servers = {"callback": product, "bare": bare}
            for server in servers.values():
                generate_load(
                    HOST,
                    server.port,
                    target,
                    EXPECTED_BODY,
                    max(requests // 5, 50),
                    connections,
                )
            per_round = []
            for index in range(rounds):
                order = ["callback", "bare"] if index % 2 == 0 else ["bare", "callback"]
                figures = {}
                for name in order:
                    pid = servers[name].process.pid
                    cpu_before = cpu_seconds(pid)
                    result = generate_load(
                        HOST,
                        servers[name].port,
                        target,
                        EXPECTED_BODY,
                        requests,
                        connections,
                    )
                    cpu_after = cpu_seconds(pid)
                    cpu_us = None
                    if cpu_before is not None and cpu_after is not None:
                        cpu_us = (cpu_after - cpu_before) / requests * 1e6
                    figures[name] = {
                        "rps": result.requests_per_second,
                        "p50_ms": result.p50_ms,
                        "p99_ms": result.p99_ms,
                        "cpu_us": cpu_us,
                    }
                per_round.append(figures)
    return summarise(per_round, workers, rounds, requests, connections)


def summarise(per_round, workers, rounds, requests, connections) -> dict:
    summary: dict = {
        "workers": workers,
        "rounds": rounds,
        "requests": requests,
        "connections": connections,
    }
    for name in ("callback", "bare"):
        for figure in ("rps", "p50_ms", "p99_ms"):
            summary[f"{name}_{figure}"] = median([r[name][figure] for r in per_round])
    has_cpu = all(r[name]["cpu_us"] is not None for r in per_round for name in r)
    for name in ("callback", "bare"):
        values = [r[name]["cpu_us"] for r in per_round]
        summary[f"{name}_cpu_us"] = median(values) if has_cpu else None
    summary["throughput_ratio"] = median(
        [r["callback"]["rps"] / r["bare"]["rps"] for r in per_round]
    )
    summary["p99_ratio"] = median(
        [r["callback"]["p99_ms"] / r["bare"]["p99_ms"] for r in per_round]
    )
    summary["p50_ratio"] = median(
        [r["callback"]["p50_ms"] / r["bare"]["p50_ms"] for r in per_round]
    )
    summary["throughput_ok"] = summary["throughput_ratio"] >= THROUGHPUT_TARGET
    summary["p99_ok"] = summary["p99_ratio"] <= P99_TARGET
    summary["rounds_detail"] = per_round
    return summary


def _optional(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def _cpu_ratio(summary: dict) -> str:
    if summary["callback_cpu_us"] is None or not summary["bare_cpu_us"]:
        return ""
    return f"{summary['callback_cpu_us'] / summary['bare_cpu_us']:.2f}"


def report(summary: dict, output_dir: Path, command: str) -> Path:
    rows = [
        [
            "requests per second",
            f"{summary['callback_rps']:,.0f}",
            f"{summary['bare_rps']:,.0f}",
            f"{summary['throughput_ratio']:.2f}",
            f"≥ {THROUGHPUT_TARGET:.2f}",
            "met" if summary["throughput_ok"] else "missed",
        ],
        [
            "p50 latency (ms)",
            f"{summary['callback_p50_ms']:.2f}",
            f"{summary['bare_p50_ms']:.2f}",
            f"{summary['p50_ratio']:.2f}",
            "",
            "",
        ],
        [
            "server CPU per request (µs)",
            _optional(summary["callback_cpu_us"]),
            _optional(summary["bare_cpu_us"]),
            _cpu_ratio(summary),
            "",
            "",
        ],
        [
            "p99 latency (ms)",
            f"{summary['callback_p99_ms']:.2f}",
            f"{summary['bare_p99_ms']:.2f}",
            f"{summary['p99_ratio']:.2f}",
            f"≤ {P99_TARGET:.1f}",
            "met" if summary["p99_ok"] else "missed",
        ],
    ]
    table = markdown_table(
        ["measure", "callback", "bare Starlette", "ratio", "target", "result"], rows
    )
    paragraphs = [
        (
            "A trivial published callback invoked through `/AppIntegrations` "
            "against a bare Starlette endpoint that returns the same JSON, both "
            f"under uvicorn on 127.0.0.1 with {summary['workers']} worker(s), "
            "driven by the raw-socket load generator in `benchmarks/loadgen.py` "
            f"({summary['requests']:,} GET requests per round over "
            f"{summary['connections']} keep-alive connections, no pipelining). "
            f"Median of {summary['rounds']} alternating rounds; each ratio is the "
            "median of the per-round ratios."
        ),
        (
            f"Machine: {machine_description()}. The load generator runs on the "
            "same cores as the server, so absolute figures are context only. "
            "Server CPU per request is the user and system time of the server "
            "process (and its workers) during a round, divided by its requests. "
            "It varies less with the machine's load than requests per second."
        ),
        f"Command: `{command}`",
    ]
    path = write_result(output_dir, NAME, "Invocation overhead", paragraphs, table)
    plot(summary, output_dir / f"{NAME}.png")
    return path


def plot(summary: dict, path: Path) -> None:
    plt = pyplot()
    figure, (throughput, latency) = plt.subplots(1, 2, figsize=(9, 3.6))
    names = ["callback", "bare Starlette"]
    throughput.bar(names, [summary["callback_rps"], summary["bare_rps"]])
    throughput.set_ylabel("requests per second (median)")
    throughput.set_title(f"throughput ratio {summary['throughput_ratio']:.2f}")
    positions = [0, 1]
    width = 0.35
    latency.bar(
        [p - width / 2 for p in positions],
        [summary["callback_p50_ms"], summary["bare_p50_ms"]],
        width,
        label="p50",
    )
    latency.bar(
        [p + width / 2 for p in positions],
        [summary["callback_p99_ms"], summary["bare_p99_ms"]],
        width,
        label="p99",
    )
    latency.set_xticks(positions, names)
    latency.set_ylabel("latency (ms)")
    latency.set_title(f"p99 ratio {summary['p99_ratio']:.2f}")
    latency.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def sizes(quick: bool) -> dict:
    if quick:
        return {"rounds": 2, "requests": 200, "connections": 4}
    # Many short rounds: the shared machine's noise then hits both sides.
    return {"rounds": 9, "requests": 3000, "connections": 8}


def run(output_dir: Path, quick: bool, command: str, workers: int = 1) -> dict:
    """Measure, write the table and the plot under ``output_dir``."""
    summary = measure(workers=workers, log_dir=output_dir / "logs", **sizes(quick))
    report(summary, output_dir, command)
    return summary


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers")
    parser.add_argument("--output-dir", type=Path, default=RESULTS_DIR)
    options = parser.parse_args(argv)
    command = "python -m benchmarks.invocation_overhead" + (
        " --quick" if options.quick else ""
    )
    summary = run(options.output_dir, options.quick, command, options.workers)
    print(json.dumps({k: v for k, v in summary.items() if k != "rounds_detail"}))
    return summary


if __name__ == "__main__":
    main()
