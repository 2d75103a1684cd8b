"""A full restart of a multi-worker service keeps every URL and its output."""

from __future__ import annotations

import httpx

from tests.reliability.service import ServiceProcess, invocation_params

API = "/api/v1/portals/1"
CALLBACKS = [
    {
        "name": "greet",
        "api_name": "greet",
        "return_type": "string",
        "parameters": [{"name": "who", "type": "string"}],
        "script": 'return "Hello " + who;',
        "arguments": '{"who": "Ann"}',
        "output": "Hello Ann",
    },
    {
        "name": "double",
        "api_name": "double",
        "return_type": "int",
        "parameters": [{"name": "n", "type": "int"}],
        "script": "return n * 2;",
        "arguments": '{"n": 21}',
        "output": 42,
    },
    {
        "name": "tagged",
        "api_name": "tagged",
        "return_type": "map",
        "parameters": [{"name": "id", "type": "int"}],
        "script": 'return {"id": id, "tag": GLOBAL()};',
        "arguments": '{"id": 5}',
        "output": {"id": 5, "tag": "t-1"},
    },
]


def invoke(base_url: str, url: str, arguments: str) -> httpx.Response:
    return httpx.get(
        f"{base_url}/AppIntegrations", params=invocation_params(url, arguments)
    )


def test_restart_keeps_tokens_and_outputs(tmp_path):
    data = tmp_path / "data"
    urls = {}
    with ServiceProcess(data, workers=2) as service:
        helper = service.admin.post(
            f"{API}/global-functions",
            json={
                "name": "tag",
                "return_type": "string",
                "parameters": [],
                "script": 'return "t-1";',
            },
        ).json()
        for spec in CALLBACKS:
            body = {k: v for k, v in spec.items() if k not in ("arguments", "output")}
            body["script"] = body["script"].replace("GLOBAL", helper["call_name"])
            body["publish"] = True
            created = service.admin.post(f"{API}/callbacks", json=body)
            assert created.status_code == 201
            urls[spec["name"]] = created.json()["url"]
        for spec in CALLBACKS:
            answer = invoke(service.base_url, urls[spec["name"]], spec["arguments"])
            assert answer.json() == {"output": spec["output"]}
        assert service.stop() == 0

    with ServiceProcess(data, workers=2) as service:
        listed = service.admin.get(f"{API}/callbacks").json()["callbacks"]
        # The new port differs; the token and the rest of the URL do not.
        after = {row["name"]: dict(httpx.URL(row["url"]).params) for row in listed}
        for spec in CALLBACKS:
            assert after[spec["name"]] == dict(httpx.URL(urls[spec["name"]]).params)
            answer = invoke(service.base_url, urls[spec["name"]], spec["arguments"])
            assert answer.status_code == 200
            assert answer.json() == {"output": spec["output"]}
