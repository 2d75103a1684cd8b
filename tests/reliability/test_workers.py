"""Several worker processes over one database: admin changes reach every worker.

Each client below keeps one keep-alive connection, which uvicorn serves in
the worker that accepted it, and ``/healthz`` returns that worker's process id.
So one request per pinned client reaches every worker, and each check runs
right after the admin call returned, with no wait in between.
"""

from __future__ import annotations

import concurrent.futures
import time

import httpx
import pytest

from tests.reliability.service import ServiceProcess, invocation_params

WORKERS = 3
PINNING_ROUNDS = 20


def pin_clients(service: ServiceProcess) -> dict[int, httpx.Client]:
    """Open keep-alive connections until every worker serves one of them."""
    pinned: dict[int, httpx.Client] = {}
    spare: list[httpx.Client] = []

    def connect() -> tuple[int, httpx.Client]:
        client = httpx.Client(
            base_url=service.base_url,
            timeout=30,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
        )
        return client.get("/healthz").json()["worker"], client

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for _ in range(PINNING_ROUNDS):
            for worker, client in pool.map(lambda _: connect(), range(8)):
                if worker in pinned:
                    spare.append(client)
                else:
                    pinned[worker] = client
            if len(pinned) == service.workers:
                break
    for client in spare:
        client.close()
    workers = service.worker_pids()
    if sorted(pinned) != workers:
        for client in pinned.values():
            client.close()
    assert sorted(pinned) == workers
    return pinned


def invoke_everywhere(pinned, url: str, arguments: str) -> list[httpx.Response]:
    params = invocation_params(url, arguments)
    responses = []
    for worker, client in pinned.items():
        response = client.get("/AppIntegrations", params=params)
        # The connection stays on the same worker for every request.
        assert client.get("/healthz").json()["worker"] == worker
        responses.append(response)
    return responses


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("workers") / "data"
    with ServiceProcess(data_dir, workers=WORKERS) as running:
        yield running


@pytest.fixture
def pinned(service):
    clients = pin_clients(service)
    yield clients
    for client in clients.values():
        client.close()


def test_admin_changes_reach_every_worker(service, pinned):
    api = "/api/v1/portals/1"
    helper = service.admin.post(
        f"{api}/global-functions",
        json={
            "name": "suffix",
            "return_type": "string",
            "parameters": [],
            "script": 'return "-a";',
        },
    ).json()
    created = service.admin.post(
        f"{api}/callbacks",
        json={
            "name": "label",
            "api_name": "label",
            "return_type": "string",
            "parameters": [{"name": "id", "type": "int"}],
            "script": f'return "v1:" + id + {helper["call_name"]}();',
            "publish": True,
        },
    )
    assert created.status_code == 201
    callback = created.json()
    first_url = callback["url"]
    for response in invoke_everywhere(pinned, first_url, '{"id": 1}'):
        assert response.json() == {"output": "v1:1-a"}

    # An edit of a published callback goes live everywhere and keeps the token.
    edited = service.admin.put(
        f"{api}/callbacks/{callback['id']}",
        json={"script": f'return "v2:" + id + {helper["call_name"]}();'},
    ).json()
    assert edited["url"] == first_url
    for response in invoke_everywhere(pinned, first_url, '{"id": 2}'):
        assert response.json() == {"output": "v2:2-a"}

    # A global function edit recompiles its published dependents everywhere.
    changed = service.admin.put(
        f"{api}/global-functions/{helper['id']}", json={"script": 'return "-b";'}
    )
    assert changed.status_code == 200
    for response in invoke_everywhere(pinned, first_url, '{"id": 3}'):
        assert response.json() == {"output": "v2:3-b"}

    # Publishing again rotates the token: the old one fails in every worker.
    second_url = service.admin.post(f"{api}/callbacks/{callback['id']}/publish").json()[
        "url"
    ]
    assert second_url != first_url
    for response in invoke_everywhere(pinned, first_url, '{"id": 4}'):
        assert response.status_code == 404
    for response in invoke_everywhere(pinned, second_url, '{"id": 4}'):
        assert response.json() == {"output": "v2:4-b"}

    # Unpublishing disables the token in every worker.
    unpublished = service.admin.post(f"{api}/callbacks/{callback['id']}/unpublish")
    assert unpublished.json()["status"] == "Draft"
    for response in invoke_everywhere(pinned, second_url, '{"id": 5}'):
        assert response.status_code == 404
        assert response.json() == {"content": "Invalid callback function url"}


def test_history_of_every_worker_is_listed(service, pinned):
    created = service.admin.post(
        "/api/v1/portals/1/callbacks",
        json={
            "name": "echo",
            "api_name": "echo",
            "return_type": "int",
            "parameters": [{"name": "n", "type": "int"}],
            "script": "info n; return n;",
            "publish": True,
        },
    ).json()
    for n in range(5):
        invoke_everywhere(pinned, created["url"], f'{{"n": {n}}}')
    expected = 5 * WORKERS
    # Each worker writes its queued rows within its flush interval (0.2 s).
    total = 0
    for _ in range(100):
        listing = service.admin.get(
            f"/api/v1/portals/1/callbacks/{created['id']}/executions",
            params={"per_page": 100},
        ).json()
        total = listing["total"]
        if total == expected:
            break
        time.sleep(0.05)
    assert total == expected
    outputs = sorted(row["info"][0] for row in listing["executions"])
    assert outputs == sorted(str(n) for n in range(5) for _ in range(WORKERS))
