"""Measure listing and searching callbacks through the admin API at scale.

For each size (100, 1,000 and 10,000 callbacks by default) the benchmark
fills one portal with that many draft callbacks through the storage layer,
because the admin API would only add HTTP time to the setup. It then starts
the server and times admin API requests at the client over one keep-alive
connection:

- ``list first page``: ``GET .../callbacks`` (20 per page);
- ``list middle page``: the page in the middle of the portal, which makes
  SQLite skip half of the sorted rows;
- ``list 100 per page``: the largest page the API serves;
- ``search, some match``: ``?search=`` of a word in about 1% of the names;
- ``search, no match``: ``?search=`` of a word in no name, which scans
  every name, API name and description.

Target: p95 under 50 ms for every request kind at 10,000 callbacks.

Run: ``.venv/bin/python -m benchmarks.scale [--quick]``
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from benchmarks.common import (
    RESULTS_DIR,
    admin_client,
    machine_description,
    markdown_table,
    median,
    percentile,
    pyplot,
    server_process,
    service_command,
    service_environment,
    write_result,
)

NAME = "scale"
TARGET_P95_MS = 50.0
TOPICS = ("ticket", "asset", "invoice", "alert", "change", "problem", "release")
SCRIPT = 'info "syncing " + id;\nreturn "ok-" + id;'


def callback_body(index: int) -> dict:
    topic = TOPICS[index % len(TOPICS)]
    # About 1% of the callbacks carry the word "escalation" in their name.
    marker = "escalation_" if index % 100 == 7 else ""
    name = f"{topic}_{marker}sync_{index:05d}"
    return {
        "name": name,
        "api_name": name,
        "description": f"Synchronise {topic} records of batch {index}",
        "return_type": "string",
        "parameters": [{"name": "id", "type": "int"}],
        "script": SCRIPT,
    }


def fill_portals(data_dir: Path, sizes: list[int]) -> dict[int, int]:
    """Create one portal per size with that many drafts; return size -> portal."""
    from server.service import Service
    from server.settings import load_settings
    from server.validation import callback_fields

    service = Service(load_settings(data_dir))
    portals = {}
    try:
        for size in sizes:
            portal = service.storage.create_portal(f"Scale {size}", "UTC")
            for index in range(size):
                fields = callback_fields(callback_body(index))
                service.storage.create_callback(portal["id"], fields)
            portals[size] = portal["id"]
    finally:
        service.close()
    return portals


def requests_for(portal_id: int, size: int) -> dict[str, dict]:
    prefix = f"/api/v1/portals/{portal_id}/callbacks"
    middle = max(1, (size // 20) // 2)
    return {
        "list first page": {"url": prefix, "params": {}},
        "list middle page": {"url": prefix, "params": {"page": middle}},
        "list 100 per page": {"url": prefix, "params": {"per_page": 100}},
        "search, some match": {"url": prefix, "params": {"search": "escalation"}},
        "search, no match": {"url": prefix, "params": {"search": "nonexistent"}},
    }


def time_requests(client, request: dict, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(request["url"], params=request["params"])
        times.append((time.perf_counter() - started) * 1000.0)
        if response.status_code != 200:
            raise RuntimeError(
                f"GET {request['url']} failed with {response.status_code}: "
                f"{response.text[:200]}"
            )
    return times


def measure(sizes: list[int], requests: int, log_dir: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as scratch:
        data_dir = Path(scratch) / "data"
        started = time.perf_counter()
        portals = fill_portals(data_dir, sizes)
        fill_seconds = time.perf_counter() - started
        results: dict[int, dict[str, dict]] = {}
        with (
            server_process(
                service_command(data_dir), log_dir / "scale.log", service_environment()
            ) as server,
            admin_client(server.base_url) as client,
        ):
            for size in sizes:
                results[size] = {}
                for kind, request in requests_for(portals[size], size).items():
                    time_requests(client, request, max(requests // 10, 3))
                    times = time_requests(client, request, requests)
                    results[size][kind] = {
                        "p50_ms": median(times),
                        "p95_ms": percentile(times, 0.95),
                    }
                total = client.get(f"/api/v1/portals/{portals[size]}/callbacks")
                if total.json()["total"] != size:
                    raise RuntimeError(
                        f"portal {portals[size]} lists {total.json()['total']} "
                        f"callbacks, expected {size}"
                    )
    largest = max(sizes)
    worst = max(figures["p95_ms"] for figures in results[largest].values())
    return {
        "sizes": sizes,
        "requests": requests,
        "fill_seconds": fill_seconds,
        "results": results,
        "largest": largest,
        "worst_p95_ms": worst,
        "p95_ok": worst < TARGET_P95_MS,
    }


def report(summary: dict, output_dir: Path, command: str) -> Path:
    sizes = summary["sizes"]
    kinds = list(summary["results"][sizes[0]])
    header = ["request", *[f"{size:,} callbacks p50 / p95 (ms)" for size in sizes]]
    rows = []
    for kind in kinds:
        cells = [kind]
        for size in sizes:
            figures = summary["results"][size][kind]
            cells.append(f"{figures['p50_ms']:.1f} / {figures['p95_ms']:.1f}")
        rows.append(cells)
    table = markdown_table(header, rows)
    verdict = "met" if summary["p95_ok"] else "missed"
    paragraphs = [
        (
            f"Each size is one portal of draft callbacks; every request kind is "
            f"timed {summary['requests']} times at the client over one keep-alive "
            "connection to a server on 127.0.0.1 with one worker, after a "
            "warm-up of a tenth as many requests."
        ),
        (
            f"Target: p95 under {TARGET_P95_MS:.0f} ms at "
            f"{summary['largest']:,} callbacks; the slowest p95 there is "
            f"{summary['worst_p95_ms']:.1f} ms, so the target is {verdict}."
        ),
        (
            f"Filling the portals through the storage layer took "
            f"{summary['fill_seconds']:.1f} s."
        ),
        f"Machine: {machine_description()}.",
        f"Command: `{command}`",
    ]
    path = write_result(output_dir, NAME, "Admin API at scale", paragraphs, table)
    plot(summary, output_dir / f"{NAME}.png")
    return path


def plot(summary: dict, path: Path) -> None:
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(7, 4))
    sizes = summary["sizes"]
    for kind in summary["results"][sizes[0]]:
        axes.plot(
            sizes,
            [summary["results"][size][kind]["p95_ms"] for size in sizes],
            marker="o",
            label=kind,
        )
    axes.axhline(TARGET_P95_MS, color="red", linestyle="--", label="target p95")
    axes.set_xscale("log")
    axes.set_xlabel("callbacks in the portal")
    axes.set_ylabel("p95 latency (ms)")
    axes.set_title("Admin API list and search")
    axes.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def sizes_for(quick: bool) -> dict:
    if quick:
        return {"sizes": [10, 50], "requests": 10}
    return {"sizes": [100, 1000, 10_000], "requests": 200}


def run(output_dir: Path, quick: bool, command: str) -> dict:
    summary = measure(log_dir=output_dir / "logs", **sizes_for(quick))
    report(summary, output_dir, command)
    return summary


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes")
    parser.add_argument("--output-dir", type=Path, default=RESULTS_DIR)
    options = parser.parse_args(argv)
    command = "python -m benchmarks.scale" + (" --quick" if options.quick else "")
    summary = run(options.output_dir, options.quick, command)
    print(json.dumps({k: v for k, v in summary.items() if k != "results"}))
    return summary


if __name__ == "__main__":
    main()
