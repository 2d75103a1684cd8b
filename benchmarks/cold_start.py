"""Measure the first invocation after a restart: disk cache against recompiling.

The benchmark publishes N distinct callbacks (1,000 by default) into one data
directory. Each round then copies that directory twice: once whole, so a
restarted process finds every function in the signed disk cache, and once
without its ``cache`` folder, so every first invocation recompiles from the
stored script. The two variants alternate, in fresh processes:

- load step: a fresh process builds the service and times
  ``ProgramLoader.load_live`` for each function, the step that a cache
  changes (storage lookup, cache read or compile, ``load_program``);
- end to end: a restarted server gets one GET ``/AppIntegrations`` per
  function, timed at the client, HTTP included.

Target: the load step is at least 30x faster from the cache. The HTTP
request itself costs about a millisecond on either side, so the end-to-end
ratio is lower; it is reported for context.

Run: ``.venv/bin/python -m benchmarks.cold_start [--quick] [--functions N]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import httpx

from benchmarks.common import (
    RESULTS_DIR,
    ROOT,
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

NAME = "cold_start"
TARGET_RATIO = 30.0
PORTAL_ID = 1
BASE_URL = "http://127.0.0.1"

TEMPLATE = """\
// Summarise request {index} for the service desk
subject = "Request " + id + " from " + requester;
priority = if(id % 3 == 0, "High", "Normal");
tags = List();
tags.add("sync");
tags.add("batch-{index}");
if(priority == "High")
{{
    tags.add("escalated");
}}
details = Map();
details.put("subject", subject);
details.put("priority", priority);
details.put("tags", tags);
details.put("batch", {index});
return details;
"""


def callback_body(index: int) -> dict:
    return {
        "name": f"request_summary_{index:05d}",
        "api_name": f"request_summary_{index:05d}",
        "description": f"Summary of service desk request batch {index}",
        "return_type": "map",
        "parameters": [
            {"name": "id", "type": "int"},
            {"name": "requester", "type": "string"},
        ],
        "script": TEMPLATE.format(index=index),
        "publish": True,
    }


def publish_corpus(data_dir: Path, functions: int) -> list[str]:
    """Publish ``functions`` callbacks in portal 1; return their URLs."""
    from server import callbacks
    from server.service import Service
    from server.settings import load_settings

    service = Service(load_settings(data_dir))
    try:
        return [
            callbacks.create_callback(
                service, PORTAL_ID, callback_body(index), BASE_URL
            )["url"]
            for index in range(functions)
        ]
    finally:
        service.close()


def measure_load_step(data_dir: Path, api_names: list[str]) -> dict:
    """Time ``load_live`` per function in this (fresh) process."""
    from server.service import Service
    from server.settings import load_settings

    service = Service(load_settings(data_dir))
    try:
        load_ms = []
        for api_name in api_names:
            target = service.storage.find_invocation_target(PORTAL_ID, api_name)
            started = time.perf_counter()
            service.loader.load_live(PORTAL_ID, target)
            load_ms.append((time.perf_counter() - started) * 1000.0)
        return {"ms": load_ms, "loader": service.loader.statistics.as_dict()}
    finally:
        service.close()


def _load_step_in_subprocess(data_dir: Path, api_names: list[str]) -> dict:
    names_file = data_dir.parent / "api_names.json"
    names_file.write_text(json.dumps(api_names))
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.cold_start",
            "--measure-load",
            str(data_dir),
            str(names_file),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_environment(),
        timeout=1800,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the load-step process failed:\n{completed.stderr}")
    return json.loads(completed.stdout.splitlines()[-1])


def _environment() -> dict[str, str]:
    return {**os.environ, **service_environment(), "PYTHONPATH": str(ROOT)}


def _end_to_end(data_dir: Path, urls: list[str], log_path: Path) -> dict:
    with server_process(
        service_command(data_dir), log_path, service_environment()
    ) as server:
        request_ms = []
        arguments = urllib.parse.quote(json.dumps({"id": 9, "requester": "Ann"}))
        with httpx.Client(base_url=server.base_url, timeout=60) as client:
            for url in urls:
                # httpx replaces a URL's query when given params, so the
                # arguments are appended to the query text here.
                query = urllib.parse.urlsplit(url).query
                started = time.perf_counter()
                response = client.get(f"/AppIntegrations?{query}&arguments={arguments}")
                request_ms.append((time.perf_counter() - started) * 1000.0)
                if response.status_code != 200:
                    raise RuntimeError(
                        f"invocation failed with {response.status_code}: "
                        f"{response.text[:200]}"
                    )
        with admin_client(server.base_url) as admin:
            loader = admin.get("/api/v1/status").json()["loader"]
    return {"ms": request_ms, "loader": loader}


def _copy(source: Path, destination: Path, with_cache: bool) -> Path:
    if destination.exists():
        shutil.rmtree(destination)
    ignore = None if with_cache else shutil.ignore_patterns("cache")
    shutil.copytree(source, destination, ignore=ignore)
    return destination


def _check_loader(variant: str, loader: dict, functions: int) -> None:
    expected = "disk_hits" if variant == "cached" else "compiles"
    if loader[expected] != functions:
        raise RuntimeError(
            f"the {variant} run did not take the expected path: "
            f"{loader} (expected {expected} == {functions})"
        )


def measure(functions: int, rounds: int, log_dir: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as scratch:
        root = Path(scratch)
        master = root / "master"
        started = time.perf_counter()
        urls = publish_corpus(master, functions)
        publish_seconds = time.perf_counter() - started
        api_names = [
            dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))["api_name"]
            for url in urls
        ]
        per_round = []
        for index in range(rounds):
            order = ["cached", "empty"] if index % 2 == 0 else ["empty", "cached"]
            figures = {}
            for variant in order:
                with_cache = variant == "cached"
                copy = _copy(master, root / "run" / "data", with_cache)
                load = _load_step_in_subprocess(copy, api_names)
                _check_loader(variant, load["loader"], functions)
                copy = _copy(master, root / "run" / "data", with_cache)
                http = _end_to_end(copy, urls, log_dir / f"cold_start_{variant}.log")
                _check_loader(variant, http["loader"], functions)
                figures[variant] = {
                    "load_total_ms": sum(load["ms"]),
                    "load_p50_ms": percentile(load["ms"], 0.5),
                    "load_p95_ms": percentile(load["ms"], 0.95),
                    "http_total_ms": sum(http["ms"]),
                    "http_p50_ms": percentile(http["ms"], 0.5),
                    "http_p95_ms": percentile(http["ms"], 0.95),
                }
            per_round.append(figures)
    summary: dict = {
        "functions": functions,
        "rounds": rounds,
        "publish_seconds": publish_seconds,
    }
    for variant in ("cached", "empty"):
        for figure in per_round[0][variant]:
            summary[f"{variant}_{figure}"] = median(
                [r[variant][figure] for r in per_round]
            )
    summary["load_ratio"] = median(
        [r["empty"]["load_total_ms"] / r["cached"]["load_total_ms"] for r in per_round]
    )
    summary["http_ratio"] = median(
        [r["empty"]["http_total_ms"] / r["cached"]["http_total_ms"] for r in per_round]
    )
    summary["load_p50_ratio"] = median(
        [r["empty"]["load_p50_ms"] / r["cached"]["load_p50_ms"] for r in per_round]
    )
    summary["load_ok"] = summary["load_ratio"] >= TARGET_RATIO
    summary["rounds_detail"] = per_round
    return summary


def report(summary: dict, output_dir: Path, command: str) -> Path:
    def row(label: str, key: str, unit: str = "ms") -> list[str]:
        cached = summary[f"cached_{key}"]
        empty = summary[f"empty_{key}"]
        return [label, f"{cached:,.2f} {unit}", f"{empty:,.2f} {unit}"]

    rows = [
        row("load step, all functions", "load_total_ms"),
        row("load step p50 per function", "load_p50_ms"),
        row("load step p95 per function", "load_p95_ms"),
        row("first GET, all functions", "http_total_ms"),
        row("first GET p50 per function", "http_p50_ms"),
        row("first GET p95 per function", "http_p95_ms"),
    ]
    table = markdown_table(["measure", "from the disk cache", "empty cache"], rows)
    ratios = markdown_table(
        ["ratio (empty / cached)", "value", "target", "result"],
        [
            [
                "load step",
                f"{summary['load_ratio']:.1f}x",
                f"≥ {TARGET_RATIO:.0f}x",
                "met" if summary["load_ok"] else "missed",
            ],
            [
                "load step, p50 per function",
                f"{summary['load_p50_ratio']:.1f}x",
                "",
                "",
            ],
            ["first GET, HTTP included", f"{summary['http_ratio']:.1f}x", "", ""],
        ],
    )
    paragraphs = [
        (
            f"{summary['functions']:,} distinct published callbacks (16 Deluge "
            "lines each: text building, a list, a map, a condition) in one "
            "portal; each round restarts the process on a copy of the data "
            "directory, with and without its compile cache. Load step: "
            "`ProgramLoader.load_live` timed per function in a fresh process. "
            "First GET: one invocation per function against a restarted "
            "server, timed at the client over one keep-alive connection. "
            f"Median of {summary['rounds']} alternating rounds. The target "
            "applies to the total over all functions, which includes the "
            "process's first load (about a millisecond) and any pause of the "
            "shared machine; the p50 ratio shows the steady cost."
        ),
        f"Publishing the corpus took {summary['publish_seconds']:.1f} s.",
        f"Machine: {machine_description()}.",
        f"Command: `{command}`",
    ]
    path = write_result(
        output_dir, NAME, "Cold start", paragraphs, table + "\n\n" + ratios
    )
    plot(summary, output_dir / f"{NAME}.png")
    return path


def plot(summary: dict, path: Path) -> None:
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(7, 3.6))
    labels = ["load step", "first GET"]
    positions = [0, 1]
    width = 0.35
    cached = [summary["cached_load_p50_ms"], summary["cached_http_p50_ms"]]
    empty = [summary["empty_load_p50_ms"], summary["empty_http_p50_ms"]]
    axes.bar([p - width / 2 for p in positions], cached, width, label="disk cache")
    axes.bar([p + width / 2 for p in positions], empty, width, label="empty cache")
    axes.set_xticks(positions, labels)
    axes.set_ylabel("p50 per function (ms)")
    axes.set_title(
        f"{summary['functions']} functions: load step "
        f"{summary['load_ratio']:.0f}x faster from the cache"
    )
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def sizes(quick: bool) -> dict:
    return {"functions": 20, "rounds": 1} if quick else {"functions": 1000, "rounds": 3}


def run(
    output_dir: Path, quick: bool, command: str, functions: int | None = None
) -> dict:
    chosen = sizes(quick)
    if functions is not None:
        chosen["functions"] = functions
    summary = measure(log_dir=output_dir / "logs", **chosen)
    report(summary, output_dir, command)
    return summary


def main(argv: list[str] | None = None) -> dict | None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes")
    parser.add_argument("--output-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--functions", type=int, help="published callbacks (default 1000)"
    )
    parser.add_argument(
        "--measure-load",
        nargs=2,
        metavar=("DATA_DIR", "API_NAMES_JSON"),
        help="internal: time the load step in this process and print JSON",
    )
    options = parser.parse_args(argv)
    if options.measure_load:
        data_dir, names_file = options.measure_load
        names = json.loads(Path(names_file).read_text())
        print(json.dumps(measure_load_step(Path(data_dir), names)))
        return None
    command = "python -m benchmarks.cold_start" + (" --quick" if options.quick else "")
    summary = run(options.output_dir, options.quick, command, options.functions)
    print(json.dumps({k: v for k, v in summary.items() if k != "rounds_detail"}))
    return summary


if __name__ == "__main__":
    main()
