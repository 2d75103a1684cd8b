"""Publish and invoke callbacks on a live server, for the API attack tests."""

from __future__ import annotations

import itertools
import json

import httpx

from tests.server.live import create_callback

_names = itertools.count(1)
ECHO_SCRIPT = 'return "echo " + text;'


def publish(
    live, script: str, parameters=None, portal: int = 1, return_type: str = "string"
) -> dict:
    """Publish a callback with a fresh API name and return its record."""
    number = next(_names)
    response = create_callback(
        live,
        portal=portal,
        name=f"security{number}",
        api_name=f"security_{number}",
        return_type=return_type,
        parameters=parameters
        if parameters is not None
        else [{"name": "text", "type": "string"}],
        script=script,
        publish=True,
    )
    assert response.status_code == 201, response.text
    return response.json()


def query_of(record: dict) -> dict:
    return dict(httpx.URL(record["url"]).params)


def invoke(live, query: dict, arguments: object = None) -> httpx.Response:
    params = dict(query)
    if arguments is not None:
        params["arguments"] = json.dumps(arguments)
    return live.client.get("/AppIntegrations", params=params)


def assert_service_healthy(live, record: dict) -> None:
    """Invoke a normal echo callback and check its response."""
    response = invoke(live, query_of(record), {"text": "ok"})
    assert response.status_code == 200, response.text
    assert response.json() == {"output": "echo ok"}
